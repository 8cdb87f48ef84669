"""Schema building blocks: errors, list arguments and pages, patches with a lock version."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, missing, pre_load, validate

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$", error="lowercase letters, digits and '-'")
CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{0,39}$", error="capital letters, digits, '-' and '_'")
LANG = validate.Regexp(r"^[a-z]{2,3}$", error="a language code like 'es'")
COLOUR = validate.Regexp(r"^#[0-9A-Fa-f]{6}$", error="a colour like #0B3D91")
# Ids beyond a 32-bit integer cannot exist and would overflow the database driver.
ID = validate.Range(min=1, max=2**31 - 1)
# Printable ASCII: "\S" differs between Python and the document's (ECMAScript) regexes.
HTTPS = validate.Regexp(r"^(https://[!-~]+)?$", error="an https:// link")
# An amount as a string, as the document states it (its bound is checked by each schema).
MONEY_PATTERN = r"^0*[0-9]{1,12}(\.[0-9]+)?$"


class LocalDateTime(fields.DateTime):
    """A date-time in a hub's own time, as RFC 3339 writes it: its offset in whole minutes.

    Before standard time a zone's offset has seconds (Lima's was -05:08:12), which isoformat
    writes and RFC 3339 has no way to say; the same instant is written with the offset rounded
    to the minute instead (the clock shown moves by under 30 seconds, the instant does not)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime):
            value = whole_minute_offset(value)
        return super()._serialize(value, attr, obj, **kwargs)


def whole_minute_offset(value: datetime) -> datetime:
    """The same instant with its UTC offset rounded to a whole minute (unchanged if it is)."""
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() % 60 == 0:
        return value
    minutes = round(offset.total_seconds() / 60)
    return value.astimezone(timezone(timedelta(minutes=minutes)))


def id_field(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=ID, **kwargs)


def text(max_length: int, min_length: int = 0, **kwargs: Any) -> fields.String:
    """Free text, stored exactly as sent (it is escaped when shown, never interpreted)."""
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


class ApiErrorSchema(Schema):
    error = fields.String(required=True)
    detail = fields.String(required=True)
    # "fields" would shadow Schema.fields, so the attribute has another name.
    field_errors = fields.Dict(data_key="fields")


class VersionArgs(Schema):
    version = fields.Integer(
        required=True, metadata={"description": "The version you read; a stale one gets 409"}
    )


class FilterArgs(Schema):
    """Query filters: only the declared ones are accepted (others are a 400, not ignored)."""

    class Meta:
        unknown = EXCLUDE

    SORTS: tuple[str, ...] = ()

    @pre_load
    def only_known(self, data: Any, **_kwargs: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            abort(400, message=f"cannot filter by {', '.join(unknown)}")
        sort = data.get("sort") if "sort" in data else None
        if isinstance(sort, str) and sort.removeprefix("-") not in self.SORTS:
            abort(400, message=f"cannot sort by {sort!r}; use one of {', '.join(self.SORTS)}")
        return data


class ListArgs(FilterArgs):
    """Paging and sorting on top of the filters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))
    sort = fields.String()


def filter_args(name: str, filters: dict[str, fields.Field]) -> type[FilterArgs]:
    return type(f"{name}FilterArgs", (FilterArgs,), dict(filters))


def list_args(name: str, sorts: set[str], filters: dict[str, fields.Field]) -> type[ListArgs]:
    """A query-string schema for one list endpoint: its sort keys and filters, nothing else."""
    ordered = tuple(sorted(sorts))
    sort = fields.String(
        metadata={
            "enum": [*ordered, *(f"-{s}" for s in ordered)],
            "description": "A field to sort by; '-' first for descending",
        }
    )
    attrs: dict[str, Any] = {"SORTS": ordered, "sort": sort, **filters}
    return type(f"{name}ListArgs", (ListArgs,), attrs)


def page_of(item: type[Schema]) -> type[Schema]:
    """The envelope of a list answer: one page of items and the total count."""
    name = item.__name__.removesuffix("Schema")
    return type(
        f"{name}PageSchema",
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        },
    )


def patch_of(schema: type[Schema], *, exclude: tuple[str, ...] = ()) -> type[Schema]:
    """The same fields, all optional and without defaults, plus the required lock version."""
    attrs: dict[str, Any] = {}
    for field_name, field in schema._declared_fields.items():
        if field.dump_only or field_name in exclude:
            continue
        clone = copy.deepcopy(field)
        clone.required = False
        clone.load_default = missing
        attrs[field_name] = clone
    attrs["version"] = fields.Integer(
        required=True, metadata={"description": "The version you read; a stale one gets 409"}
    )
    name = schema.__name__.removesuffix("Schema")
    return type(f"{name}PatchSchema", (Schema,), attrs)


def page_body(page: Any) -> dict[str, Any]:
    return {
        "items": page.items,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }
