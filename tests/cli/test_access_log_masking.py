"""`campaign serve`'s logs never hold a token: of a partner link, a calendar feed, a screen or
a person, in the path, the query string or a header, whatever the access log format names."""

from __future__ import annotations

import base64
import http.client
import logging
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from campaign.cli.server import MaskingLogger

TOKEN = "IkxGTl9NZmhQ.aGVsbG8-d29ybGQ"
SCREEN_TOKEN = "scr_4f1d2c9a8b7e6d5c4b3a2f1e0d9c8b7a"
PERSON_TOKEN = "pat_0a1b2c3d4e5f60718293a4b5c6d7e8f9"

# Every atom gunicorn knows, and the header and environ atoms a custom format may name.
EVERY_ATOM = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(m)s %(U)s %(q)s %(H)s'
    " {authorization}i {proxy-authorization}i {cookie}i {x-api-key}i {referer}i {set-cookie}o"
    " {raw_uri}e {query_string}e {path_info}e {http_authorization}e {http_cookie}e"
)
REQUESTS = (  # (target, headers)
    (f"/p/{TOKEN}/messages/4", {"Referer": f"https://ex.org/calendar/{TOKEN}.ics"}),
    (f"/api/v1/player/playlist?token={SCREEN_TOKEN}", {}),
    (f"/api/v1/player/plays?x=1&access_token={SCREEN_TOKEN}", {}),
    (f"/api/v1/campaigns?Bearer={PERSON_TOKEN}&auth={PERSON_TOKEN}", {}),
    (f"/play?authorization={SCREEN_TOKEN};key={SCREEN_TOKEN}", {}),
    (f"/login?next=%2Fplay%3Ftoken%3D{SCREEN_TOKEN}", {}),
    (
        "/api/v1/player/playlist",
        {
            "Authorization": f"Bearer {SCREEN_TOKEN}",
            "Proxy-Authorization": f"Bearer {PERSON_TOKEN}",
            "Cookie": f"session={PERSON_TOKEN}",
            "X-Api-Key": PERSON_TOKEN,
            "Referer": f"https://ex.org/play?token={SCREEN_TOKEN}",
        },
    ),
)
BASIC = "Basic " + base64.b64encode(f"{PERSON_TOKEN}:".encode()).decode()


def _assert_no_token(text: str) -> None:
    for secret in (TOKEN, SCREEN_TOKEN, PERSON_TOKEN):
        assert secret not in text


def _environ(target: str, headers: dict[str, str]) -> dict[str, str]:
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": target,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
    }
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    return environ


def test_the_request_line_path_and_referer_are_masked() -> None:
    environ = _environ(
        f"/p/{TOKEN}/messages/4", {"Referer": f"https://campaign.example.org/calendar/{TOKEN}.ics"}
    )
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = MaskingLogger(Config()).atoms(
        response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0.01)
    )
    assert atoms["r"] == "GET /p/[secret]/messages/4 HTTP/1.1"
    assert atoms["U"] == "/p/[secret]/messages/4"
    assert atoms["f"] == "https://campaign.example.org/calendar/[secret].ics"
    assert all(TOKEN not in str(value) for value in atoms.values())


def test_a_format_naming_every_atom_and_credential_header_logs_no_token(caplog) -> None:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", EVERY_ATOM)
    logger = MaskingLogger(config)
    requests = (*REQUESTS, ("/api/v1/campaigns", {"Authorization": BASIC}))
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        for target, headers in requests:
            response = SimpleNamespace(
                status="200 OK", headers=[("Set-Cookie", f"session={PERSON_TOKEN}")], sent=2
            )
            request = SimpleNamespace(headers=[(k.upper(), v) for k, v in headers.items()])
            logger.access(response, request, _environ(target, headers), timedelta(seconds=0.01))
    lines = [record.getMessage() for record in caplog.records if record.name == "gunicorn.access"]
    assert len(lines) == len(requests)
    assert "GET /api/v1/player/playlist?token=[secret] HTTP/1.1" in lines[1]
    assert "[secret]" in lines[-1].split()[2]  # the Basic user name
    _assert_no_token("\n".join(lines))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_served_gunicorn_writes_no_token_to_its_access_log(tmp_path: Path) -> None:
    (tmp_path / "hello_wsgi.py").write_text(
        "def app(environ, start_response):\n"
        "    if environ['PATH_INFO'] == '/boom':\n"
        "        raise RuntimeError('the app failed')\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    log_file = tmp_path / "access.log"
    error_file = tmp_path / "error.log"
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--logger-class",
            "campaign.cli.server.MaskingLogger",
            "--access-logfile",
            str(log_file),
            "--error-logfile",
            str(error_file),
            "--access-logformat",
            EVERY_ATOM,
            "--pythonpath",
            str(tmp_path),
            "hello_wsgi:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        requests = (*REQUESTS, ("/api/v1/campaigns", {"Authorization": BASIC}))
        deadline = time.monotonic() + 15
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.connect()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.05)
        for target, headers in requests:
            connection.request("GET", target, headers=headers)
            assert connection.getresponse().read() == b"ok"
        connection.close()
        while len(log_file.read_text().splitlines()) < len(requests):
            assert time.monotonic() < deadline, "the access log was not written"
            time.sleep(0.05)
        # gunicorn's error log names the whole URI of a request the app failed on.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", f"/boom?token={SCREEN_TOKEN}")
        assert connection.getresponse().status == 500
        connection.close()
        while "Error handling request" not in error_file.read_text():
            assert time.monotonic() < deadline, "the error log was not written"
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)
    written = log_file.read_text()
    assert "/p/[secret]/messages/4" in written and "token=[secret]" in written
    _assert_no_token(written)
    errors = error_file.read_text()
    assert "Error handling request GET /boom?token=[secret]" in errors
    _assert_no_token(errors)
