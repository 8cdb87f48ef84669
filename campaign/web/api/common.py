"""What every management blueprint shares: service errors as JSON, paging, the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields
from webargs.flaskparser import FlaskParser

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


def _wrong_type(field: fields.Field, value: Any) -> str | None:
    """Why a JSON value is not of the type the document gives its field (None: it is)."""
    if isinstance(field, fields.Boolean):
        return None if isinstance(value, bool) else "Not a valid boolean."
    if isinstance(field, fields.Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Not a valid integer."
    if isinstance(field, fields.Decimal) and field.as_string:
        return None if isinstance(value, str) else "Not a valid string."
    if isinstance(field, fields.Number):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "Not a valid number."
    return None


def json_type_errors(schema: Schema, data: Any) -> dict[str, Any]:
    """Values of another JSON type than their field's, by field and nested field."""
    errors: dict[str, Any] = {}
    if not isinstance(data, dict):
        return errors
    for field in schema.fields.values():
        key = field.data_key or field.name
        if field.dump_only or key not in data or data[key] is None:
            continue
        found = _field_errors(field, data[key])
        if found:
            errors[key] = found
    return errors


def _field_errors(field: fields.Field, value: Any) -> Any:
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        if field.many and isinstance(value, list):
            found = {i: json_type_errors(field.schema, v) for i, v in enumerate(value)}
            return {i: e for i, e in found.items() if e}
        return json_type_errors(field.schema, value)
    if isinstance(field, fields.List) and isinstance(value, list):
        found = {i: _field_errors(field.inner, v) for i, v in enumerate(value) if v is not None}
        return {i: e for i, e in found.items() if e}
    if isinstance(field, fields.Dict) and field.value_field is not None and isinstance(value, dict):
        found = {k: _field_errors(field.value_field, v) for k, v in value.items() if v is not None}
        return {k: e for k, e in found.items() if e}
    reason = _wrong_type(field, value)
    return [reason] if reason else None


class JsonTypesParser(FlaskParser):  # type: ignore[misc]
    """Reads JSON bodies by the document's types: marshmallow alone takes 0 for false, "5" and
    2.5 for integers, and 5 for a money string, which the document says are refused."""

    def pre_load(self, location_data: Any, *, schema: Schema, req: Any, location: str) -> Any:
        if location == "json":
            errors = json_type_errors(schema, location_data)
            if errors:
                raise ValidationError(errors)
        return location_data


def blueprint(name: str, description: str) -> Blueprint:
    """A management blueprint under /api/v1: CSRF is checked per view (sessions only)."""
    blp = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    blp.ARGUMENTS_PARSER = JsonTypesParser()
    csrf.exempt(blp)

    @blp.errorhandler(ServiceError)
    def service_error(exc: ServiceError) -> Response:
        response = error_response(exc.status, exc.code, exc.detail)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    return blp
