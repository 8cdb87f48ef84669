"""API: partner preview links (make, list, revoke)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView

from campaign.domain.roles import STAFF
from campaign.services import preview_links
from campaign.web.api.common import blueprint, now
from campaign.web.api.schemas.preview_links import (
    NewPreviewLinkSchema,
    PreviewLinkArgs,
    PreviewLinkInSchema,
    PreviewLinkSchema,
)
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required
from campaign.web.pages.preview_links import link_url

blp = blueprint("preview-links", "Partner preview links: signed, expiring, revocable.")


@blp.route("/preview-links")
class PreviewLinks(MethodView):
    @requires(*STAFF)
    @blp.arguments(PreviewLinkArgs, location="query")
    @blp.response(200, PreviewLinkSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """The preview links, the newest first, expired and revoked ones too (never their
        addresses)."""
        return preview_links.list_links(current_user_required(), args.get("campaign_id"), now=now())

    @requires(*STAFF)
    @blp.arguments(PreviewLinkInSchema)
    @blp.response(201, NewPreviewLinkSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Make a preview link for a partner organisation of the campaign, of the whole
        campaign or of one phase, hub or message; its address is in this answer only. Anyone
        with the address can open the preview until it expires or is revoked."""
        made, token = preview_links.make_link(
            data["campaign_id"],
            data["partner_id"],
            data["scope"],
            current_user_required(),
            phase_id=data["phase_id"],
            hub_code=data["hub_code"],
            message_id=data["message_id"],
            approver_id=data["approver_id"],
            days=data["days"],
            label=data["label"],
            now=now(),
        )
        return {**asdict(made), "url": link_url(token)}


@blp.route("/preview-links/<int:link_id>/revoke", methods=["POST"])
@requires(*STAFF)
@blp.response(200, PreviewLinkSchema)
def revoke_link(link_id: int) -> Any:
    """Revoke a preview link: from now on it shows nothing (410)."""
    return preview_links.revoke_link(link_id, current_user_required(), now=now())
