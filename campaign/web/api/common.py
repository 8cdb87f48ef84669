"""What every management blueprint shares: service errors as JSON, paging, the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from campaign.extensions import csrf
from campaign.services import clock
from campaign.services.errors import ServiceError
from campaign.services.records import PageRequest
from campaign.web.errors import error_response


def now() -> datetime:
    return clock.now()


def page_request(args: dict[str, Any], filters: tuple[str, ...]) -> PageRequest:
    return PageRequest(
        page=args.get("page", 1),
        per_page=args.get("per_page", 25),
        sort=args.get("sort"),
        filters={name: args[name] for name in filters if name in args},
    )


def blueprint(name: str, description: str) -> Blueprint:
    """A management blueprint under /api/v1: CSRF is checked per view (sessions only)."""
    blp = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    csrf.exempt(blp)

    @blp.errorhandler(ServiceError)
    def service_error(exc: ServiceError) -> Response:
        response = error_response(exc.status, exc.code, exc.detail)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    return blp
