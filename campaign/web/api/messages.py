"""/api/v1/messages: texts, versions, the approval workflow and reviewers' comments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from campaign.domain.roles import ANY, STAFF
from campaign.services import messages as service
from campaign.web.api.common import blueprint, now, page_request
from campaign.web.api.schemas.common import VersionArgs, id_field, list_args, page_body, page_of
from campaign.web.api.schemas.messages import (
    CommentInSchema,
    CommentSchema,
    MessageOutSchema,
    MessagePatchSchema,
    MessageSchema,
    NumberSchema,
    RejectSchema,
    TextsEditSchema,
    VersionSchema,
)
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required

blp = blueprint("messages", "Messages and their approval workflow")

MessageArgs = list_args(
    "Message",
    service.MESSAGE_SORTS,
    {
        "campaign_id": id_field(),
        "key": fields.String(),
        "topic": fields.String(),
        "is_fallback": fields.Boolean(),
    },
)


def out(row: service.Message) -> dict[str, Any]:
    live = service.live_version_of(row)
    return {
        "id": row.id,
        "lock_version": row.lock_version,
        "campaign_id": row.campaign_id,
        "key": row.key,
        "topic": row.topic,
        "link": row.latest.link if row.latest else "",
        "is_fallback": row.is_fallback,
        "latest": row.latest,
        "live": live,
        "missing_languages": service.missing_languages(row),
    }


@blp.route("/messages")
class Messages(MethodView):
    @requires(*ANY)
    @blp.arguments(MessageArgs, location="query")
    @blp.response(200, page_of(MessageOutSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List messages of the campaigns you may see."""
        request = page_request(args, service.MESSAGE_FILTERS)
        page = service.list_messages(current_user_required(), request)
        return {**page_body(page), "items": [out(m) for m in page.items]}

    @requires(*STAFF)
    @blp.arguments(MessageSchema)
    @blp.response(201, MessageOutSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a message; its first version is a draft by you."""
        return out(service.create_message(data, current_user_required()))


@blp.route("/messages/<int:message_id>")
class MessageItem(MethodView):
    @requires(*ANY)
    @blp.response(200, MessageOutSchema)
    def get(self, message_id: int) -> Any:
        """One message, with its newest and its live version."""
        return out(service.get_message(message_id, current_user_required()))

    @requires(*STAFF)
    @blp.arguments(MessagePatchSchema)
    @blp.response(200, MessageOutSchema)
    def patch(self, data: dict[str, Any], message_id: int) -> Any:
        """Change topic, link or fallback; send the version you read."""
        return out(service.update_message(message_id, current_user_required(), data))

    @requires(*STAFF)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], message_id: int) -> None:
        """Delete a message that was never approved (otherwise retire it)."""
        service.delete_message(message_id, current_user_required(), args["version"])


@blp.route("/messages/<int:message_id>/texts", methods=["PUT"])
@requires(*STAFF)
@blp.arguments(TextsEditSchema)
@blp.response(200, VersionSchema)
def edit_texts(data: dict[str, Any], message_id: int) -> Any:
    """Change the wording: the draft in place, or a new draft after approval."""
    return service.edit_texts(
        message_id, current_user_required(), data["texts"], version=data["version"]
    )


@blp.route("/messages/<int:message_id>/versions", methods=["GET"])
@requires(*ANY)
@blp.response(200, VersionSchema(many=True))
def versions(message_id: int) -> Any:
    """Every version of the message, oldest first."""
    return service.get_message(message_id, current_user_required()).versions


@blp.route("/messages/<int:message_id>/versions/<int:number>", methods=["GET"])
@requires(*ANY)
@blp.response(200, VersionSchema)
def version(message_id: int, number: int) -> Any:
    """One version of the message."""
    return service.get_version(service.get_message(message_id, current_user_required()), number)


@blp.route("/messages/<int:message_id>/submit", methods=["POST"])
@requires(*STAFF)
@blp.response(200, VersionSchema)
def submit(message_id: int) -> Any:
    """Send the draft for review (every campaign language must be complete)."""
    return service.submit(message_id, current_user_required())


@blp.route("/messages/<int:message_id>/withdraw", methods=["POST"])
@requires(*STAFF)
@blp.response(200, VersionSchema)
def withdraw(message_id: int) -> Any:
    """Take the version under review back to draft."""
    return service.withdraw(message_id, current_user_required())


@blp.route("/messages/<int:message_id>/approve", methods=["POST"])
@requires(*ANY)
@blp.arguments(NumberSchema)
@blp.response(200, VersionSchema)
def approve(data: dict[str, Any], message_id: int) -> Any:
    """Approve the version under review: a manager other than its author, or a partner
    of the campaign when it requires partner approval."""
    user = current_user_required()
    return service.approve(message_id, user, number=data["number"], now=now())


@blp.route("/messages/<int:message_id>/reject", methods=["POST"])
@requires(*ANY)
@blp.arguments(RejectSchema)
@blp.response(200, VersionSchema)
def reject(data: dict[str, Any], message_id: int) -> Any:
    """Send the version under review back to draft, with a comment."""
    user = current_user_required()
    return service.reject(
        message_id, user, number=data["number"], comment=data["comment"], now=now()
    )


@blp.route("/messages/<int:message_id>/pause", methods=["POST"])
@requires(*STAFF)
@blp.response(200, VersionSchema)
def pause(message_id: int) -> Any:
    """The crisis switch: off every screen at their next poll."""
    return service.pause(message_id, current_user_required())


@blp.route("/messages/<int:message_id>/resume", methods=["POST"])
@requires(*STAFF)
@blp.response(200, VersionSchema)
def resume(message_id: int) -> Any:
    """Put a paused message back on screens."""
    return service.resume(message_id, current_user_required())


@blp.route("/messages/<int:message_id>/retire", methods=["POST"])
@requires(*STAFF)
@blp.response(200, MessageOutSchema)
def retire(message_id: int) -> Any:
    """Take the message out of service for good."""
    return out(service.retire(message_id, current_user_required()))


@blp.route("/messages/<int:message_id>/versions/<int:number>/comments")
class Comments(MethodView):
    @requires(*ANY)
    @blp.response(200, CommentSchema(many=True))
    def get(self, message_id: int, number: int) -> Any:
        """Reviewers' comments on a version."""
        return service.comments(message_id, current_user_required(), number)

    @requires(*ANY)
    @blp.arguments(CommentInSchema)
    @blp.response(201, CommentSchema)
    def post(self, data: dict[str, Any], message_id: int, number: int) -> Any:
        """Comment on a version (partners of the campaign too)."""
        user = current_user_required()
        return service.add_comment(message_id, user, number, data["body"], now=now())
