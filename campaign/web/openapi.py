"""The API's OpenAPI document (flask-smorest), shared by the player and management APIs."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_smorest import Api
from marshmallow import fields, validate


class CampaignApi(Api):  # type: ignore[misc]
    def _register_error_handlers(self) -> None:
        """Errors are answered by campaign.web.errors, in one shape for the whole app."""


api = CampaignApi()

API_CONFIG = {
    "API_TITLE": "Campaign scheduler API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

JSON_SCHEMA_ATTR = "json_schema"
_METHODS = ("get", "put", "post", "patch", "delete")
_ITEM = re.compile(r"\A(?P<collection>.+)/\{(?P<param>[a-z_]+_id)\}\Z")


def _documented_rules(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """What apispec leaves out of a field's rules: a dict's size (it writes a string's), and the
    JSON Schema a validator states itself (its `json_schema` attribute, e.g. days as a pattern)."""
    extra: dict[str, Any] = {}
    validators = list(getattr(field, "validators", []))
    if isinstance(field, fields.Dict):
        ret.pop("minLength", None)
        ret.pop("maxLength", None)
        for rule in validators:
            if isinstance(rule, validate.Length):
                if rule.min is not None:
                    extra["minProperties"] = rule.min
                if rule.max is not None:
                    extra["maxProperties"] = rule.max
    for rule in validators:
        extra.update(getattr(rule, JSON_SCHEMA_ATTR, {}))
    return extra


def _error(schema: str, description: str, **more: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"description": description, "content": content, **more}


def _add_storage_errors(paths: dict[str, Any]) -> None:
    """503 and 507 can answer any operation (campaign.web.errors): documented once, here."""
    for path, item in paths.items():
        schema = "PlayerError" if path.startswith(("/api/v1/player/", "/assets/")) else "Error"
        for method in _METHODS:
            if method not in item:
                continue
            responses = item[method].setdefault("responses", {})
            responses.setdefault(
                "503",
                _error(
                    schema,
                    "The database is busy with another change: nothing was saved; send it "
                    "again after Retry-After seconds",
                    headers={
                        "Retry-After": {
                            "description": "Seconds to wait",
                            "schema": {"type": "integer"},
                        }
                    },
                ),
            )
            responses.setdefault(
                "507", _error(schema, "The server's disk is full: nothing was saved")
            )


def _operation_ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + f"/{method}"


def _add_links(paths: dict[str, Any]) -> None:
    """OpenAPI links, for stateful clients and tests: what a create answers (its `id`) names
    the record in every operation on it, and a deleted record's id is the one to read again."""
    for path, item in paths.items():
        match = _ITEM.match(path)
        if match is None or "post" not in paths.get(match["collection"], {}):
            continue
        param = match["param"]
        created = paths[match["collection"]]["post"].get("responses", {}).get("201")
        targets = [
            (other, method)
            for other, other_item in paths.items()
            if other == path or (other.startswith(path + "/") and other.count("{") == 1)
            for method in _METHODS
            if method in other_item
        ]
        if created is not None:
            links = created.setdefault("links", {})
            for other, method in targets:
                link: dict[str, Any] = {
                    "operationRef": _operation_ref(other, method),
                    "parameters": {param: "$response.body#/id"},
                }
                rest = re.sub(r"[^A-Za-z0-9]+", "_", other.removeprefix(path)).strip("_")
                links.setdefault(f"{method}_{rest or 'item'}", link)
        deleted = item.get("delete", {}).get("responses", {}).get("204")
        if deleted is not None and "get" in item:
            deleted.setdefault("links", {})["GetDeleted"] = {
                "operationRef": _operation_ref(path, "get"),
                "parameters": {param: f"$request.path.{param}"},
            }


def _add_schema_rules(api: Api) -> None:
    """Rules across fields that a schema states as JSON Schema itself (its JSON_SCHEMA)."""
    from campaign.web.api.assets import UploadFormSchema
    from campaign.web.api.schemas.phase_lifecycle import ResizeSchema

    for name, schema in (("Resize", ResizeSchema), ("UploadForm", UploadFormSchema)):
        found = api.spec.components.schemas.get(name)
        if found is not None:
            found.update(schema.JSON_SCHEMA)


def init_app(app: Flask) -> None:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(_documented_rules)
    api.spec.components.security_scheme(
        "screenToken", {"type": "http", "scheme": "bearer", "description": "A screen's token"}
    )
    api.spec.components.security_scheme(
        "apiToken", {"type": "http", "scheme": "bearer", "description": "A personal API token"}
    )
    from campaign.web import api as management
    from campaign.web import player

    player.register(api)
    management.register(api)
    # flask-smorest writes each path into the spec as its blueprint registers; apispec keeps
    # them in `_paths` (no public accessor), which these add to once every path is in.
    _add_storage_errors(api.spec._paths)
    _add_links(api.spec._paths)
    _add_schema_rules(api)
