"""Spanish and English: complete catalogues, no untranslated text, the reader's language chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask, abort
from jinja2 import Environment

from campaign.config import PROJECT_ROOT
from tests.web.signing import PASSWORD, signed_in

CATALOGUES = PROJECT_ROOT / "campaign" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("campaign/**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _shown_strings() -> dict[str, str]:
    """Every string marked for translation in the code and templates, with where it is."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), METHODS, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if not filename.startswith("campaign/translations"):
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalogue(locale: str) -> dict[str, str]:
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            "" if m.fuzzy else (m.string if isinstance(m.string, str) else m.string[0])
        )
        for m in catalogue
        if m.id
    }


def test_strings_are_marked_in_the_code_at_all() -> None:
    shown = _shown_strings()
    assert "wrong e-mail or password" in shown  # a service error shown on the sign-in page
    assert "Skip to content" in shown  # a template string of the shell
    assert len(shown) > 80


@pytest.mark.parametrize("locale", ["es", "en"])
def test_every_string_shown_has_a_translation(locale: str) -> None:
    catalogue = _catalogue(locale)
    untranslated = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(_shown_strings().items(), key=lambda kv: kv[1])
        if not catalogue.get(msgid)
    ]
    assert not untranslated, (
        f"{len(untranslated)} strings have no {locale} translation (run `make messages`, then "
        f"translate campaign/translations/{locale}/LC_MESSAGES/messages.po):\n"
        + "\n".join(untranslated[:40])
    )


@pytest.mark.parametrize("locale", ["es", "en"])
def test_translations_keep_their_placeholders(locale: str) -> None:
    broken = [
        msgid
        for msgid, text in _catalogue(locale).items()
        if text and set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text))
    ]
    assert not broken, f"{locale} translations that drop or add a %(name)s: {broken}"


def _untranslated_text(source: str) -> list[str]:
    """Words in a template's literal HTML, outside tags and outside {{ }} / {% %}."""
    # Expressions and tags become a space, so an HTML tag split by {{ }} is still one tag.
    literal = "".join(
        value if kind == "data" else " " for _line, kind, value in Environment().lex(source)
    )
    text = re.sub(r"<[^>]*>", " ", literal)
    text = re.sub(r"&\w+;|&#\d+;", " ", text)
    return re.findall(r"[^\W\d_]{2,}", text)


def test_no_template_shows_text_outside_a_translation() -> None:
    offenders = {}
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        words = _untranslated_text(path.read_text(encoding="utf-8"))
        if words:
            offenders[str(path.relative_to(PROJECT_ROOT))] = words[:8]
    assert not offenders, f"text a person reads is not translated: {offenders}"


def test_the_template_check_can_fail() -> None:
    assert _untranslated_text("<p>{{ _('fine') }}</p><p>Hola mundo</p>") == ["Hola", "mundo"]
    assert _untranslated_text("<td>{{ n }} s</td><th>#</th>") == []


def test_pages_speak_spanish_by_default(demo: Flask) -> None:
    page = demo.test_client().get("/login")
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html and "Ingresar" in html and "Contraseña" in html


def test_the_browser_language_is_used_before_signing_in(demo: Flask) -> None:
    client = demo.test_client()
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(True)
    assert '<html lang="en">' in html and "Password" in html
    spanish = client.get("/login", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(True)
    assert "Contraseña" in spanish


def test_a_chosen_language_is_kept_in_a_cookie_over_the_browser_language(demo: Flask) -> None:
    client = demo.test_client()
    answer = client.post("/language", data={"locale": "en", "next": "/login"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    html = client.get("/login", headers={"Accept-Language": "es"}).get_data(True)
    assert "Password" in html and "Contraseña" not in html


def test_an_unknown_language_is_refused(demo: Flask) -> None:
    answer = demo.test_client().post("/language", data={"locale": "xx"})
    assert answer.status_code == 400


def test_the_choice_is_remembered_for_the_user_on_another_device(demo: Flask) -> None:
    phone = signed_in(demo, "manager")
    assert "Cuenta" in phone.get("/account").get_data(True)
    phone.post("/language", data={"locale": "en", "next": "/account"})
    laptop = demo.test_client()
    laptop.post("/login", data={"email": "manager-iom@example.org", "password": PASSWORD})
    html = laptop.get("/account", headers={"Accept-Language": "es"}).get_data(True)
    assert '<html lang="en">' in html and "Account" in html


def test_the_language_chosen_before_signing_in_is_saved_at_sign_in(demo: Flask) -> None:
    signed_in(demo, "manager", locale="en")
    other = demo.test_client()
    other.post("/login", data={"email": "manager-iom@example.org", "password": PASSWORD})
    assert '<html lang="en">' in other.get("/account").get_data(True)


def test_the_account_page_saves_the_language(demo: Flask) -> None:
    client = signed_in(demo, "manager")
    answer = client.post("/account/language", data={"language-locale": "en"})
    assert answer.status_code == 302
    assert "Language of the pages" in client.get("/account").get_data(True)


def test_sign_in_errors_are_in_the_readers_language(demo: Flask) -> None:
    client = demo.test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong password!"}
    spanish = client.post("/login", data=wrong)
    assert spanish.status_code == 401
    assert "correo o contraseña incorrectos" in spanish.get_data(True)
    english = client.post("/login", data=wrong, headers={"Accept-Language": "en"})
    assert "wrong e-mail or password" in english.get_data(True)


def test_the_api_answers_in_english_unless_asked(demo: Flask) -> None:
    client = demo.test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong password!"}
    assert client.post("/api/v1/auth/login", json=wrong).get_json()["detail"] == (
        "wrong e-mail or password"
    )


def test_dates_follow_the_locale_and_times_name_the_hub_timezone(demo: Flask) -> None:
    client = signed_in(demo, "manager")
    spanish = client.get("/?at=2026-12-24T21:00").get_data(True)
    assert "24 dic 2026" in spanish and "hora de Perú" in spanish
    client.post("/language", data={"locale": "en"})
    english = client.get("/?at=2026-12-24T21:00").get_data(True)
    assert "Dec 24, 2026" in english and "Peru" in english


@pytest.mark.parametrize(
    ("locale", "heading"), [("es", "Página no encontrada"), ("en", "Page not found")]
)
def test_error_pages_are_translated_with_a_way_back(demo: Flask, locale: str, heading: str) -> None:
    client = demo.test_client()
    client.set_cookie("lang", locale)
    page = client.get("/no/such/page")
    html = page.get_data(True)
    assert page.status_code == 404 and heading in html
    assert 'href="/"' in html and 'class="button primary"' in html


@pytest.mark.parametrize(
    ("status", "spanish"),
    [
        (403, "No puede abrir esta página"),
        (410, "Este enlace ya no es válido"),
        (500, "Algo salió mal"),
    ],
)
def test_every_error_page_has_its_own_words(
    app: Flask, tmp_path: Path, status: int, spanish: str
) -> None:
    @app.get(f"/test-error-{status}")
    def failing() -> str:
        if status == 500:
            raise RuntimeError("boom")
        abort(status)

    page = app.test_client().get(f"/test-error-{status}")
    html = page.get_data(True)
    assert page.status_code == status and spanish in html and "boom" not in html


def test_api_docs_are_served_from_the_installed_package(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/docs")
    html = page.get_data(True)
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") or s.startswith("data:") for s in sources), sources
    bundle = client.get("/api/v1/docs/ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.data) > 100_000
    bundle.close()
    policy = page.headers["Content-Security-Policy"]
    assert "http" not in policy
