"""The press kit's words: each message's texts as a file, and the contents sheet (CSV, HTML)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from campaign.domain.model import MessageText
from campaign.services.spreadsheet_csv import text_cell

# The contents sheet speaks both of the app's languages, Spanish first: the kit is forwarded
# to press and partners whatever language the person who made it reads.
SHEET_LANGUAGES = ("es", "en")
BOM = "\ufeff"  # spreadsheet programs read a CSV file as UTF-8 only with it
CSV_COLUMNS = (
    "path",
    "kind",
    "message_key",
    "headline",
    "language",
    "version",
    "approved_at",
    "approved_by",
    "size_bytes",
    "sha256",
)
HTML_TEMPLATE, HTML_STYLE = "press_kits/contents.html", "press_kits/contents.css"


@dataclass(frozen=True)
class ContentsRow:
    """One file of the kit as the contents sheet lists it."""

    path: str
    kind: str
    message_key: str
    headline: str
    language: str  # "es", "es+en", "" for a poster in any language
    version: int
    approved_at: str  # ISO 8601 with its UTC offset, in the sheet's timezone; "" if unknown
    approved_by: str
    size_bytes: int
    sha256: str


def local_instant(instant: datetime | None, timezone: str) -> str:
    """An instant as the sheet writes it: 2026-11-28T12:00-05:00 in `timezone`."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="minutes")


def _locale(lang: str) -> str:
    """The catalogue to write a language's words in; English where the app has none."""
    return lang if lang in current_app.config["BABEL_SUPPORTED_LOCALES"] else "en"


def text_file(lang: str, key: str, version: int, text: MessageText, link: str) -> bytes:
    """A message's words in one language as the screens show them, with labels in that language:
    UTF-8, one field a paragraph, empty fields left out."""
    with force_locale(_locale(lang)):
        fields = (
            (_("Headline"), text.headline),
            (_("Body"), text.body),
            (_("Call to action"), text.call_to_action),
            (_("Hotline"), text.hotline),
            (_("Link"), link),
        )
        footer = _("Message %(key)s, version %(number)s", key=key, number=version)
    parts = [f"{label}:\n{value.strip()}" for label, value in fields if value.strip()]
    return ("\n\n".join([*parts, footer]) + "\n").encode("utf-8")


def contents_csv(rows: Iterable[ContentsRow]) -> bytes:
    """The contents sheet as CSV: UTF-8 with a byte-order mark, a header line of stable column
    names, one line per file; kinds are codes (slide, poster, poster_original, text)."""
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([text_cell(getattr(row, name)) for name in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _labels(timezone: str) -> dict[str, str]:
    """The sheet's words in the current locale."""
    return {
        "title": _("Press and partner kit"),
        "intro": _(
            "Every approved material of the phase, as the screens show it: the slides for each "
            "screen shape they are shown on, the posters (as uploaded, and as each screen shape "
            "shows them) and the texts. Each folder holds one language; a folder like es-en "
            "holds the bilingual slides, and any-language the posters shown in every language. "
            "Nothing that was not approved is in it."
        ),
        "check": _(
            "The SHA-256 of each file lets anyone check that it arrived unchanged (for example "
            "with sha256sum on Linux, shasum -a 256 on macOS or Get-FileHash in PowerShell)."
        ),
        "messages": _("Messages"),
        "files": _("Files"),
        "path": _("File"),
        "kind": _("Kind"),
        "message_key": _("Message"),
        "headline": _("Headline"),
        "language": _("Language"),
        "version": _("Version"),
        "approved_at": _("Approved at (%(timezone)s)", timezone=timezone),
        "approved_by": _("Approved by"),
        "size_bytes": _("Size (bytes)"),
        "sha256": "SHA-256",
        "slide": _("Slide"),
        "poster": _("Poster"),
        "poster_original": _("Poster, as uploaded"),
        "text": _("Texts"),
        "any_language": _("any language"),
        "not_recorded": _("not recorded"),
    }


def sheet_labels(timezone: str, phase_number: int) -> dict[str, dict[str, str]]:
    """The sheet's words in each of its languages."""
    found = {}
    for lang in SHEET_LANGUAGES:
        with force_locale(lang):
            found[lang] = {**_labels(timezone), "phase": _("Phase %(number)s", number=phase_number)}
    return found


def sheet_source() -> str:
    """A hash of the contents page's template and style: a new layout is a new kit (ETag)."""
    env = current_app.jinja_env
    assert env.loader is not None
    sources = [env.loader.get_source(env, name)[0] for name in (HTML_TEMPLATE, HTML_STYLE)]
    return hashlib.sha256("\0".join(sources).encode("utf-8")).hexdigest()


def contents_html(
    rows: Sequence[ContentsRow],
    *,
    labels: Mapping[str, Mapping[str, str]],
    names: Mapping[str, str],
    phase_name: str,
) -> bytes:
    """The contents sheet as a page of its own (no script, no outside file), in Spanish and
    English; each file's name links to it, so the sheet opens the kit once unpacked."""
    template = current_app.jinja_env.get_template(HTML_TEMPLATE)
    html = template.render(
        rows=rows,
        labels=labels,
        languages=SHEET_LANGUAGES,
        columns=CSV_COLUMNS,
        names={lang: names.get(lang) or next(iter(names.values()), "") for lang in labels},
        phase_name=phase_name,
    )
    return html.encode("utf-8")
