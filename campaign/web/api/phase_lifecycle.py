"""/api/v1: Phase lifecycle: funding decisions, transitions, moving a phase's dates."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from campaign.domain.roles import STAFF
from campaign.services import phase_lifecycle as service
from campaign.web.api.common import blueprint
from campaign.web.api.schemas.campaigns import PhaseOutSchema
from campaign.web.api.schemas.phase_lifecycle import (
    CancelSchema,
    FundingDecisionInSchema,
    FundingDecisionSchema,
    ResizePlanSchema,
    ResizeSchema,
    TransitionSchema,
)
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required

blp = blueprint(
    "phase-lifecycle", "Phase lifecycle: funding decisions, transitions, moving a phase's dates"
)


def _plan(plan: service.ResizePlan) -> dict[str, Any]:
    return {**plan.__dict__, "allowed": plan.allowed}


@blp.route("/phases/<int:phase_id>/funding")
class Funding(MethodView):
    @requires(*STAFF)
    @blp.response(200, FundingDecisionSchema(many=True))
    def get(self, phase_id: int) -> Any:
        """The phase's funding decisions, the latest first: who decided, when, the amount."""
        return service.funding_history(phase_id)

    @requires(*STAFF)
    @blp.arguments(FundingDecisionInSchema)
    @blp.response(201, FundingDecisionSchema)
    def post(self, data: dict[str, Any], phase_id: int) -> Any:
        """Record a funding decision; it becomes the phase's funding status (and an amount its
        budget). Confirmed funding lets the phase play within its dates; declining cancels it
        for good. Refused (422) on a cancelled phase, or to undo a completed phase's funding."""
        return service.decide_funding(phase_id, **data, user=current_user_required())


@blp.route("/phases/<int:phase_id>/cancel")
class Cancel(MethodView):
    @requires(*STAFF)
    @blp.arguments(CancelSchema)
    @blp.response(200, PhaseOutSchema)
    def post(self, data: dict[str, Any], phase_id: int) -> Any:
        """Cancel the phase now, for a reason: it plays no more, whatever its dates and
        funding. Refused (422) on a phase already cancelled or completed."""
        return service.cancel_phase(phase_id, reason=data["reason"], user=current_user_required())


@blp.route("/phases/<int:phase_id>/resize")
class Resize(MethodView):
    @requires(*STAFF)
    @blp.arguments(ResizeSchema)
    @blp.response(200, ResizePlanSchema)
    def post(self, data: dict[str, Any], phase_id: int) -> Any:
        """Move the phase's first or last day. The campaign's bookings that run in the phase
        and started on its old first day start on the new one; those that ended on its old last
        day end on the new one; the others keep their dates. With dry_run the plan is answered
        and nothing is saved (its refusals say why it could not be applied); without it the
        phase and the bookings change in one go (send the version you read, and the dry run's
        fingerprint to be sure the same bookings move), or nothing does (422 with the refusals,
        409 when the phase or its bookings changed meanwhile)."""
        starts_on, ends_on = data["starts_on"], data["ends_on"]
        if data["dry_run"]:
            return _plan(service.preview_resize(phase_id, starts_on, ends_on))
        plan = service.apply_resize(
            phase_id, starts_on, ends_on, data["version"], fingerprint=data["fingerprint"]
        )
        return _plan(plan)


@blp.route("/phases/<int:phase_id>/transitions")
class Transitions(MethodView):
    @requires(*STAFF)
    @blp.response(200, TransitionSchema(many=True))
    def get(self, phase_id: int) -> Any:
        """The phase's recorded transitions at each hub (active, completed, cancelled), in the
        order they happened: when each happened and when the scheduler recorded it."""
        return service.transitions(phase_id)
