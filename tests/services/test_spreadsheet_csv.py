"""CSV files for spreadsheets: a BOM, a header, formula starts neutralised, plain numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from campaign.services.spreadsheet_csv import cell, csv_bytes


def test_the_file_has_a_bom_a_header_and_safe_cells() -> None:
    data = csv_bytes(
        ["name", "plays", "hours"],
        [
            ["=cmd|' /C calc'!A0", 1234567, 1234.5],
            ["+1", 0, 0.0],
            ["-1", 3, 0.25],
            ["@SUM(A1)", 4, 2.0],
            ["\tTAB", 5, None],
            ["\rCR", 6, 1e-7],
            ["Perú, «unido»", -2, -1.5],
        ],
    )
    assert data.startswith(b"\xef\xbb\xbfname,plays,hours\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["'=cmd|' /C calc'!A0", "1234567", "1234.5"],
        ["'+1", "0", "0"],
        ["'-1", "3", "0.25"],
        ["'@SUM(A1)", "4", "2"],
        ["'\tTAB", "5", ""],
        ["'\rCR", "6", "0.0000001"],
        ["Perú, «unido»", "-2", "-1.5"],  # numbers are numbers, even negative ones
    ]


def test_days_and_instants_are_written_as_iso_dates() -> None:
    assert cell(date(2026, 11, 28)) == "2026-11-28"
    assert cell(datetime(2026, 11, 28, 17, 0, 5, 123, tzinfo=UTC)) == "2026-11-28T17:00:05+00:00"
    assert cell(True) == "1" and cell(None) == ""
