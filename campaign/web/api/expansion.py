"""/api/v1: Opening hubs from a kit, and every hub at a glance."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from campaign.domain.roles import ANY, STAFF
from campaign.services import expansion as service
from campaign.services.hub_overview import hub_overview, hub_overview_csv
from campaign.web.api.common import blueprint, now
from campaign.web.api.schemas.expansion import (
    KitArgs,
    KitSchema,
    OpenHubPlanSchema,
    OpenHubSchema,
    OverviewArgs,
    OverviewSchema,
)
from campaign.web.api_access import requires
from campaign.web.errors import error_response
from campaign.web.identity import current_user_required

blp = blueprint("expansion", "Opening hubs from a kit, and every hub at a glance")

# Both answers of the overview (the manual doc replaces the generated 200 whole).
CSV_DOC = {
    "200": {
        "description": "The hubs, as JSON or as a CSV file",
        "content": {
            "application/json": {"schema": OverviewSchema},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}
REQUEST_FIELDS = (
    "code",
    "name",
    "kind",
    "region",
    "timezone",
    "latitude",
    "longitude",
    "yearly_passengers",
    "source_hub",
    "phase",
    "campaign",
    "source_phase",
    "create_screens",
)


@blp.errorhandler(service.OpenHubRefused)
def refused(exc: service.OpenHubRefused) -> Response:
    """A refusal names the field at fault, as a refused schema field is named."""
    return error_response(
        exc.status, exc.code, f"{exc.field}: {exc.detail}", {"json": {exc.field: [exc.detail]}}
    )


@blp.errorhandler(service.CodeInUse)
def code_in_use(exc: service.CodeInUse) -> Response:
    return error_response(exc.status, exc.code, exc.detail, {"json": {exc.field: [exc.detail]}})


def _wants_csv(args: dict[str, Any]) -> bool:
    if args.get("format") == "csv":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


@blp.route("/hubs/overview", methods=["GET"])
@requires(*ANY)
@blp.arguments(OverviewArgs, location="query")
@blp.response(200, OverviewSchema)
@blp.doc(responses=CSV_DOC)
def overview(args: dict[str, Any]) -> Any:
    """Every hub you may see: kind, region, the phase that decides it and its status, screens
    planned, installed and online, plays so far, passengers a year. As CSV (UTF-8 with a
    byte-order mark) with `format=csv` or `Accept: text/csv`."""
    at = now()
    rows = hub_overview(current_user_required(), at)
    if _wants_csv(args):
        return Response(
            hub_overview_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="hubs.csv"'},
        )
    return {"at": at, "items": rows}


@blp.route("/hubs/<code>/kit", methods=["GET"])
@requires(*STAFF)
@blp.arguments(KitArgs, location="query")
@blp.response(200, KitSchema)
def kit(args: dict[str, Any], code: str) -> Any:
    """What opening a hub from this one copies: its zones with their screen classes, and the
    bookings reaching it in a phase (venue bookings are listed, not copied: they reach the new
    zones already)."""
    return service.kit_from_hub(code, args.get("phase"), args.get("campaign"))


@blp.route("/hubs/open", methods=["POST"])
@requires(*STAFF)
@blp.arguments(OpenHubSchema)
@blp.response(201, OpenHubPlanSchema)
@blp.alt_response(200, schema=OpenHubPlanSchema, description="The plan of a dry run")
def open_hub(data: dict[str, Any]) -> Any:
    """Open a hub from another's kit, in one step: its zones, its screens per class (planned,
    without a token), the kit's bookings copied with their dates shifted to the phase, and the
    hub added to the phase. `dry_run: true` answers the plan and saves nothing. A code in use
    is a 409; a source hub with no zones, or a phase that has ended or is cancelled, a 422."""
    values = {name: data.get(name) for name in REQUEST_FIELDS if name in data}
    values["region"] = values.get("region") or ""
    open_request = service.OpenHubRequest(**values)
    if data.get("dry_run"):
        return service.preview_open_hub(open_request, now()), 200
    return service.open_hub(open_request, now())
