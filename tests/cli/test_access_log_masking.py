"""`campaign serve`'s access log never holds a partner link's or a calendar feed's token."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from campaign.cli.server import MaskingLogger

TOKEN = "IkxGTl9NZmhQ.aGVsbG8-d29ybGQ"


def test_the_request_line_path_and_referer_are_masked() -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/p/{TOKEN}/messages/4",
        "PATH_INFO": f"/p/{TOKEN}/messages/4",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://campaign.example.org/calendar/{TOKEN}.ics",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = MaskingLogger(Config()).atoms(
        response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0.01)
    )
    assert atoms["r"] == "GET /p/[secret]/messages/4 HTTP/1.1"
    assert atoms["U"] == "/p/[secret]/messages/4"
    assert atoms["f"] == "https://campaign.example.org/calendar/[secret].ics"
    assert all(TOKEN not in str(value) for value in atoms.values())
