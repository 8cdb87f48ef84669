"""/api/v1/audit: the audit trail, filtered, as JSON pages or a CSV file (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from marshmallow import fields, validate

from campaign.domain.roles import Role
from campaign.services import audit as service
from campaign.web.api.common import blueprint, page_request
from campaign.web.api.schemas.common import filter_args, id_field, list_args, page_body, page_of
from campaign.web.api.schemas.users import AuditEventSchema
from campaign.web.api_access import requires

blp = blueprint("audit", "Who changed what, when, from where")

_FILTERS: dict[str, fields.Field] = {
    "entity": fields.String(validate=validate.Length(max=60)),
    "entity_id": fields.String(validate=validate.Length(max=60)),
    "action": fields.String(validate=validate.Length(max=40)),
    "source": fields.String(validate=validate.OneOf(service.SOURCES)),
    "actor_id": id_field(),
    "since": fields.AwareDateTime(metadata={"description": "From this instant on"}),
    "until": fields.AwareDateTime(metadata={"description": "Before this instant"}),
}
AuditArgs = list_args("Audit", service.EVENT_SORTS, _FILTERS)
AuditCsvArgs = filter_args("AuditCsv", dict(_FILTERS))


@blp.route("/audit")
class Audit(MethodView):
    @requires(Role.ADMIN)
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_of(AuditEventSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Audit events, newest first unless sorted otherwise."""
        # The service applies the filters itself (since and until are ranges): the page
        # request carries paging and sort only.
        return page_body(service.list_events(args, page_request(args, ())))


@blp.route("/audit/export.csv", methods=["GET"])
@requires(Role.ADMIN)
@blp.arguments(AuditCsvArgs, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export(args: dict[str, Any]) -> Response:
    """The matching audit events as a CSV file, oldest first."""
    return Response(
        stream_with_context(service.export_events(args)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
