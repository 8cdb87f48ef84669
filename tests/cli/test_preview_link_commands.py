"""`campaign preview-link make|list|revoke` as an operator runs them."""

from __future__ import annotations

from flask import Flask

from tests.web.test_api_helpers import caller


def test_make_prints_the_address_alone_on_the_last_line(demo: Flask) -> None:
    caller(demo, "rosa@mimp.example.org", "partner", "mimp")
    runner = demo.test_cli_runner()
    made = runner.invoke(
        args=["preview-link", "make", "--partner", "mimp", "--hub", "LIM", "--approver",
              "rosa@mimp.example.org", "--days", "7", "--label", "MIMP"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    url = made.output.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:5000/p/")
    assert "(LIM)" in made.output and "rosa@mimp.example.org may approve" in made.output
    page = demo.test_client().get(url.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200 and "Jorge Chávez" in page.get_data(as_text=True)
    public = runner.invoke(
        args=["preview-link", "make", "--partner", "mimp", "--base-url", "https://c.example.org/"]
    )
    assert public.output.strip().splitlines()[-1].startswith("https://c.example.org/p/")


def test_list_and_revoke(demo: Flask) -> None:
    runner = demo.test_cli_runner()
    made = runner.invoke(args=["preview-link", "make", "--partner", "mimp", "--phase", "1"])
    url = made.output.strip().splitlines()[-1]
    listed = runner.invoke(args=["preview-link", "list"])
    assert listed.exit_code == 0
    link_id, partner, covers, label, who, _until, status = listed.output.strip().split("\t")
    assert (partner, label, who, status) == ("mimp", "-", "view only", "active")
    assert covers.startswith("phase: Fase 1")
    assert url.rsplit("/", 1)[1] not in listed.output  # the address is never listed
    revoked = runner.invoke(args=["preview-link", "revoke", link_id])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in runner.invoke(args=["preview-link", "list"]).output
    assert demo.test_client().get(url.removeprefix("http://127.0.0.1:5000")).status_code == 410


def test_mistakes_are_one_clear_line(demo: Flask) -> None:
    runner = demo.test_cli_runner()
    assert runner.invoke(args=["preview-link", "list"]).output.strip() == "No preview link."
    unknown = runner.invoke(args=["preview-link", "make", "--partner", "nope"])
    assert unknown.exit_code != 0 and "There is no partner organisation nope." in unknown.output
    both = runner.invoke(
        args=["preview-link", "make", "--partner", "mimp", "--hub", "LIM", "--phase", "1"]
    )
    assert both.exit_code != 0 and "A link covers one thing" in both.output
    hub = runner.invoke(args=["preview-link", "make", "--partner", "mimp", "--hub", "MAD"])
    assert hub.exit_code != 0 and "There is no hub MAD." in hub.output
    long = runner.invoke(args=["preview-link", "make", "--partner", "mimp", "--days", "999"])
    assert long.exit_code != 0 and "from 1 to 180 days" in long.output
    missing = runner.invoke(args=["preview-link", "revoke", "9999"])
    assert missing.exit_code != 0 and "There is no preview link 9999." in missing.output
    assert "Traceback" not in unknown.output + hub.output + missing.output + long.output
