"""/api/v1/hubs, /zones and /screens, with screen tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from campaign.domain.roles import STAFF, Role
from campaign.services import places as service
from campaign.web.api.common import blueprint, now, page_request
from campaign.web.api.schemas.common import VersionArgs, id_field, list_args, page_body, page_of
from campaign.web.api.schemas.places import (
    HubPatchSchema,
    HubSchema,
    ScreenPatchSchema,
    ScreenSchema,
    ScreenTokenSchema,
    ZonePatchSchema,
    ZoneSchema,
)
from campaign.web.api_access import requires

blp = blueprint("places", "Hubs, zones and screens")

HubArgs = list_args(
    "Hub",
    service.HUB_SORTS,
    {"code": fields.String(), "kind": fields.String(), "region": fields.String()},
)
ZoneArgs = list_args("Zone", service.ZONE_SORTS, {"hub_id": id_field(), "code": fields.String()})
ScreenArgs = list_args(
    "Screen",
    service.SCREEN_SORTS,
    {"zone_id": id_field(), "code": fields.String(), "orientation": fields.String()},
)


@blp.route("/hubs")
class Hubs(MethodView):
    @requires(*STAFF)
    @blp.arguments(HubArgs, location="query")
    @blp.response(200, page_of(HubSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List hubs."""
        return page_body(service.list_hubs(page_request(args, service.HUB_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(HubSchema)
    @blp.response(201, HubSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a hub."""
        return service.create_hub(data)


@blp.route("/hubs/<int:hub_id>")
class HubItem(MethodView):
    @requires(*STAFF)
    @blp.response(200, HubSchema)
    def get(self, hub_id: int) -> Any:
        """One hub."""
        return service.get_hub(hub_id)

    @requires(*STAFF)
    @blp.arguments(HubPatchSchema)
    @blp.response(200, HubSchema)
    def patch(self, data: dict[str, Any], hub_id: int) -> Any:
        """Change a hub; send the version you read."""
        return service.update_hub(hub_id, data)

    @requires(Role.ADMIN)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], hub_id: int) -> None:
        """Delete a hub with its zones and screens (admins only)."""
        service.delete_hub(hub_id, args["version"])


@blp.route("/zones")
class Zones(MethodView):
    @requires(*STAFF)
    @blp.arguments(ZoneArgs, location="query")
    @blp.response(200, page_of(ZoneSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List zones."""
        return page_body(service.list_zones(page_request(args, service.ZONE_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(ZoneSchema)
    @blp.response(201, ZoneSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a zone to a hub."""
        return service.create_zone(data)


@blp.route("/zones/<int:zone_id>")
class ZoneItem(MethodView):
    @requires(*STAFF)
    @blp.response(200, ZoneSchema)
    def get(self, zone_id: int) -> Any:
        """One zone."""
        return service.get_zone(zone_id)

    @requires(*STAFF)
    @blp.arguments(ZonePatchSchema)
    @blp.response(200, ZoneSchema)
    def patch(self, data: dict[str, Any], zone_id: int) -> Any:
        """Change a zone; send the version you read."""
        return service.update_zone(zone_id, data)

    @requires(Role.ADMIN)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], zone_id: int) -> None:
        """Delete a zone with its screens (admins only)."""
        service.delete_zone(zone_id, args["version"])


@blp.route("/screens")
class Screens(MethodView):
    @requires(*STAFF)
    @blp.arguments(ScreenArgs, location="query")
    @blp.response(200, page_of(ScreenSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List screens."""
        return page_body(service.list_screens(page_request(args, service.SCREEN_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(ScreenSchema)
    @blp.response(201, ScreenTokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a screen; the answer holds its token, shown only this once."""
        screen, token = service.create_screen(data, now=now())
        return {"screen": screen, "token": token}


@blp.route("/screens/<int:screen_id>")
class ScreenItem(MethodView):
    @requires(*STAFF)
    @blp.response(200, ScreenSchema)
    def get(self, screen_id: int) -> Any:
        """One screen."""
        return service.get_screen(screen_id)

    @requires(*STAFF)
    @blp.arguments(ScreenPatchSchema)
    @blp.response(200, ScreenSchema)
    def patch(self, data: dict[str, Any], screen_id: int) -> Any:
        """Change a screen; send the version you read."""
        return service.update_screen(screen_id, data)

    @requires(Role.ADMIN)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], screen_id: int) -> None:
        """Delete a screen (admins only)."""
        service.delete_screen(screen_id, args["version"])


@blp.route("/screens/<int:screen_id>/token")
class ScreenToken(MethodView):
    @requires(*STAFF)
    @blp.response(201, ScreenTokenSchema)
    def post(self, screen_id: int) -> Any:
        """Issue a new token (create or rotate): the old one stops working at once."""
        screen, token = service.rotate_screen_token(screen_id, now=now())
        return {"screen": screen, "token": token}

    @requires(*STAFF)
    @blp.response(200, ScreenSchema)
    def delete(self, screen_id: int) -> Any:
        """Revoke the screen's token: it stops getting playlists until given a new one."""
        return service.revoke_screen_token(screen_id, now=now())
