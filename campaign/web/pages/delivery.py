"""Planned plays against actual plays, per booking, with the shortfall."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("delivery", __name__)
