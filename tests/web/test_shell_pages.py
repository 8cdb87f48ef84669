"""The shell around every page: where the language buttons lead, errors outside pages."""

from __future__ import annotations

from flask import Flask

from tests.web.signing import signed_in


def test_after_a_refused_form_the_language_buttons_lead_back_to_its_page(demo: Flask) -> None:
    client = signed_in(demo, "manager")
    refused = client.post(
        "/account/password",
        data={"password-current": "x", "password-new": "y", "password-repeat": "z"},
        headers={"Referer": "http://localhost/account"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'name="next" value="/account"' in html  # not the POST-only /account/password
    assert client.get("/account/password").status_code == 405


def test_a_missing_picture_is_answered_without_a_page(demo: Flask) -> None:
    answer = demo.test_client().get("/assets/" + "0" * 64 + ".png")
    assert answer.status_code == 404
    assert answer.is_json and answer.get_json()["error"] == "not_found"


def test_withdraw_acts_only_on_the_version_the_page_showed(demo: Flask) -> None:
    client = signed_in(demo, "manager")
    mid = next(
        m["id"]
        for m in client.get("/api/v1/messages?per_page=50").get_json()["items"]
        if m["latest"]["status"] == "in_review"
    )
    number = client.get(f"/api/v1/messages/{mid}").get_json()["latest"]["number"]
    stale = client.post(f"/messages/{mid}/withdraw", data={"number": str(number + 1)})
    assert client.get(f"/api/v1/messages/{mid}").get_json()["latest"]["status"] == "in_review"
    assert stale.status_code in (302, 409)
    client.post(f"/messages/{mid}/withdraw", data={"number": str(number)})
    assert client.get(f"/api/v1/messages/{mid}").get_json()["latest"]["status"] == "draft"
