"""/api/v1/campaigns, /partners and /phases."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from campaign.domain.roles import ANY, STAFF, Role
from campaign.services import campaigns as service
from campaign.web.api.common import blueprint, page_request
from campaign.web.api.schemas.campaigns import (
    CampaignOutSchema,
    CampaignPatchSchema,
    CampaignSchema,
    PartnerPatchSchema,
    PartnerSchema,
    PhaseOutSchema,
    PhasePatchSchema,
    PhaseSchema,
)
from campaign.web.api.schemas.common import VersionArgs, id_field, list_args, page_body, page_of
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required

blp = blueprint("campaigns", "Campaigns, partner organisations and phases")

CampaignArgs = list_args(
    "Campaign",
    service.CAMPAIGN_SORTS,
    {"slug": fields.String(), "requires_partner_approval": fields.Boolean()},
)
PartnerArgs = list_args(
    "Partner", service.PARTNER_SORTS, {"slug": fields.String(), "role": fields.String()}
)
PhaseArgs = list_args(
    "Phase",
    service.PHASE_SORTS,
    {"campaign_id": id_field(), "funding_status": fields.String()},
)


@blp.route("/campaigns")
class Campaigns(MethodView):
    @requires(*ANY)
    @blp.arguments(CampaignArgs, location="query")
    @blp.response(200, page_of(CampaignOutSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List the campaigns you may see (partners: those shared with their organisation)."""
        user = current_user_required()
        return page_body(service.list_campaigns(user, page_request(args, service.CAMPAIGN_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(CampaignSchema)
    @blp.response(201, CampaignOutSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a campaign."""
        return service.create_campaign(data)


@blp.route("/campaigns/<int:campaign_id>")
class CampaignItem(MethodView):
    @requires(*ANY)
    @blp.response(200, CampaignOutSchema)
    def get(self, campaign_id: int) -> Any:
        """One campaign."""
        return service.get_campaign(campaign_id, current_user_required())

    @requires(*STAFF)
    @blp.arguments(CampaignPatchSchema)
    @blp.response(200, CampaignOutSchema)
    def patch(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Change a campaign; send the version you read."""
        return service.update_campaign(campaign_id, current_user_required(), data)

    @requires(Role.ADMIN)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], campaign_id: int) -> None:
        """Delete a campaign with everything in it (admins only)."""
        service.delete_campaign(campaign_id, current_user_required(), args["version"])


@blp.route("/partners")
class Partners(MethodView):
    @requires(*STAFF)
    @blp.arguments(PartnerArgs, location="query")
    @blp.response(200, page_of(PartnerSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List partner organisations."""
        return page_body(service.list_partners(page_request(args, service.PARTNER_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(PartnerSchema)
    @blp.response(201, PartnerSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a partner organisation."""
        return service.create_partner(data)


@blp.route("/partners/<int:partner_id>")
class PartnerItem(MethodView):
    @requires(*STAFF)
    @blp.response(200, PartnerSchema)
    def get(self, partner_id: int) -> Any:
        """One partner organisation."""
        return service.get_partner(partner_id)

    @requires(*STAFF)
    @blp.arguments(PartnerPatchSchema)
    @blp.response(200, PartnerSchema)
    def patch(self, data: dict[str, Any], partner_id: int) -> Any:
        """Change a partner organisation; send the version you read."""
        return service.update_partner(partner_id, data)

    @requires(Role.ADMIN)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], partner_id: int) -> None:
        """Delete a partner organisation (admins only)."""
        service.delete_partner(partner_id, args["version"])


@blp.route("/phases")
class Phases(MethodView):
    @requires(*STAFF)
    @blp.arguments(PhaseArgs, location="query")
    @blp.response(200, page_of(PhaseOutSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List phases."""
        return page_body(service.list_phases(page_request(args, service.PHASE_FILTERS)))

    @requires(*STAFF)
    @blp.arguments(PhaseSchema)
    @blp.response(201, PhaseOutSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a phase to a campaign; funding other than pending is recorded as its first
        funding decision."""
        return service.create_phase(data, current_user_required())


@blp.route("/phases/<int:phase_id>")
class PhaseItem(MethodView):
    @requires(*STAFF)
    @blp.response(200, PhaseOutSchema)
    def get(self, phase_id: int) -> Any:
        """One phase."""
        return service.get_phase(phase_id)

    @requires(*STAFF)
    @blp.arguments(PhasePatchSchema)
    @blp.response(200, PhaseOutSchema)
    def patch(self, data: dict[str, Any], phase_id: int) -> Any:
        """Change a phase; send the version you read.

        New dates move the bookings as POST /phases/{phase_id}/resize does: the campaign's
        bookings that run in the phase and started on its old first day start on the new one,
        those that ended on its old last day end on the new one. Dates that resize would refuse
        are refused here too (422), with nothing changed: preview them there with dry_run. A new
        funding_status is recorded as a funding decision by you (see /phases/{phase_id}/funding).
        """
        return service.update_phase(phase_id, data, current_user_required())

    @requires(*STAFF)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], phase_id: int) -> None:
        """Delete a phase and its bookings."""
        service.delete_phase(phase_id, args["version"])
