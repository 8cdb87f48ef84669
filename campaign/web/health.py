"""GET /healthz: 200 only while the database answers at the schema the code expects."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from campaign.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    report = health.check_database()
    return jsonify(report), 200 if report["database"]["ok"] else 503
