"""What a partner sees from a preview link: read-only, phone-friendly, in their language."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partner_view", __name__)
