"""The press kit's page, its download button and its API: what a person sees and receives."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.web.press_kit_setup import add_version, book, entries, phase, shrink_screens
from tests.web.signing import signed_in
from tests.web.test_api_helpers import caller, partner_id


def ids(app: Flask) -> tuple[int, int]:
    with app.app_context():
        shrink_screens()
        return phase(1).id, phase(2).id


def test_the_page_shows_what_the_kit_holds_and_the_button(demo: Flask) -> None:
    one, _two = ids(demo)
    client = signed_in(demo, "manager", locale="en")
    page = client.get(f"/phases/{one}/press-kit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/phases/{one}/press-kit.zip"' in html and "Download the kit (ZIP)" in html
    assert 'id="folder-es"' in html and 'id="folder-en"' in html and 'id="folder-es-en"' in html
    assert "Zero tolerance for human trafficking" in html  # the reader's language
    assert "es/texts/where-to-report.txt" in html
    assert f'href="/admin/phases/{one}"' in html  # staff go back to the phase's page


def test_the_button_downloads_the_zip_once_and_then_only_checks_it(demo: Flask) -> None:
    one, _two = ids(demo)
    client = signed_in(demo, "manager")
    answer = client.get(f"/phases/{one}/press-kit.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    disposition = answer.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="press-kit_peru-unido-contra-la-trata_phase-1.zip"'
    files = entries(answer.data)
    assert {"contents.csv", "contents.html", "es/texts/zero-tolerance.txt"} <= set(files)
    etag = answer.headers["ETag"]
    again = client.get(f"/phases/{one}/press-kit.zip", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with demo.app_context():
        add_version("recognise-the-signs", "approved", "Nueva versión")
    changed = client.get(f"/phases/{one}/press-kit.zip", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.data != answer.data


def test_a_phase_without_approved_material_says_why_and_offers_no_button(demo: Flask) -> None:
    _one, two = ids(demo)
    with demo.app_context():
        add_version("draft-only", "draft", "Borrador")
        book("draft-only", 2)
    client = signed_in(demo, "manager", locale="en")
    html = client.get(f"/phases/{two}/press-kit").get_data(as_text=True)
    assert "has no approved material yet" in html and "draft-only" in html
    assert "press-kit.zip" not in html
    answer = client.get(f"/phases/{two}/press-kit.zip")
    assert answer.status_code == 422 and "no approved material" in answer.get_data(as_text=True)


def test_partners_have_the_kits_of_their_campaigns_only(demo: Flask) -> None:
    one, _two = ids(demo)
    partner = signed_in(demo, "partner", "mimp")
    page = partner.get(f"/phases/{one}/press-kit")
    assert page.status_code == 200
    assert "/admin/phases/" not in page.get_data(as_text=True)  # not theirs to open
    assert partner.get(f"/phases/{one}/press-kit.zip").status_code == 200
    with demo.app_context():
        partner_id("elsewhere")  # an organisation the campaign is not shared with
    outsider = signed_in(demo, "partner", "elsewhere")
    assert outsider.get(f"/phases/{one}/press-kit").status_code == 404
    assert outsider.get(f"/phases/{one}/press-kit.zip").status_code == 404
    anonymous = demo.test_client().get(f"/phases/{one}/press-kit.zip")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_api_answers_the_zip_and_errors_as_json(demo: Flask) -> None:
    one, two = ids(demo)
    api = demo.test_client()
    mimp = caller(demo, "p@mimp.example.org", "partner", "mimp")
    answer = api.get(f"/api/v1/phases/{one}/press-kit", headers=mimp.headers)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "contents.csv" in entries(answer.data)
    headers = {**mimp.headers, "If-None-Match": answer.headers["ETag"]}
    assert api.get(f"/api/v1/phases/{one}/press-kit", headers=headers).status_code == 304
    empty = api.get(f"/api/v1/phases/{two}/press-kit", headers=mimp.headers)
    assert empty.status_code == 422 and empty.get_json()["error"] == "invalid"
    assert "no message is booked" in empty.get_json()["detail"]
    outsider = caller(demo, "p@else.example.org", "partner", "elsewhere")
    refused = api.get(f"/api/v1/phases/{one}/press-kit", headers=outsider.headers)
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    assert api.get(f"/api/v1/phases/{one}/press-kit").status_code == 401


def test_the_api_documents_the_kit_as_a_zip(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    answers = document["paths"]["/api/v1/phases/{phase_id}/press-kit"]["get"]["responses"]
    assert "application/zip" in answers["200"]["content"]
    assert {"304", "404", "422"} <= set(answers)
