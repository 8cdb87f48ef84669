"""The press and partner kit: a ZIP of a phase's approved materials, per language."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("press_kits", __name__)
