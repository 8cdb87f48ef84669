"""CSV files that open right in spreadsheet programs: UTF-8 with a BOM, a header, safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it
# A text cell starting with one of these runs as a formula (or hides one); a quote makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPE = "text/csv"


def cell(value: object) -> str:
    """One cell: numbers plainly (no thousands separator, "." before decimals, which Peru's
    spreadsheets read as such), days as YYYY-MM-DD, text with a formula start neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        # The shortest digits that read back as the value, never in exponent form.
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return text_cell(value)


def text_cell(value: object) -> str:
    """A cell as text ("" for None), with a formula start neutralised by a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A whole file: the byte-order mark, the header row, one row per item, comma-separated
    (the list separator of Peru's locale), CRLF line ends as the CSV standard has them."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([cell(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The same file, encoded as UTF-8 (the BOM included)."""
    return csv_text(header, rows).encode("utf-8")
