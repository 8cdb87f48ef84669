"""The phase-end report: one page and one PDF per phase, to send a funder as it is."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("phase_reports", __name__)
