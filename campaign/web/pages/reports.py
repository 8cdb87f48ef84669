"""Reports: plays and on-screen time, uptime and audience, with filters, charts and CSV."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
