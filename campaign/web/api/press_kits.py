"""API: a phase's press and partner kit as a ZIP."""

from __future__ import annotations

from flask import Response

from campaign.domain.roles import ANY
from campaign.services import press_kit
from campaign.web.api.common import blueprint
from campaign.web.api.schemas.common import ApiErrorSchema
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required
from campaign.web.pages.press_kits import kit_response, not_modified

blp = blueprint("press-kits", "Press and partner kits")

_ERROR = {"application/json": {"schema": ApiErrorSchema}}
ZIP = {"type": "string", "format": "binary"}
KIT_DOC = {
    "304": {"description": "Not modified: the kit is the one of the If-None-Match ETag"},
    "404": {"description": "No such phase in a campaign you may see", "content": _ERROR},
    "422": {"description": "The phase has no approved material (or too much)", "content": _ERROR},
}


@blp.route("/phases/<int:phase_id>/press-kit", methods=["GET"])
@requires(*ANY)
@blp.response(200, ZIP, content_type="application/zip", description="The kit, with an ETag")
@blp.doc(responses=KIT_DOC)
def get_press_kit(phase_id: int) -> Response:
    """Every approved material of a phase as a ZIP: per language folder (es/, en/, es-en/ for
    bilingual slides, any-language/ for posters in every language) the slides as the screens
    show them, as PNG, for each screen shape they are shown on; the posters (as uploaded, and
    as each shape shows them); the texts as UTF-8 .txt files; and at the top contents.html
    (Spanish and English) and contents.csv (UTF-8 with BOM), listing every file with its
    message, version, approval and SHA-256. Staff may have any phase's kit, a partner those
    of the campaigns shared with their organisation. The same content gives the same bytes
    and ETag; send If-None-Match for a 304."""
    plan = press_kit.plan_press_kit(phase_id, current_user_required())
    return not_modified(plan.etag) or kit_response(press_kit.assemble(plan))
