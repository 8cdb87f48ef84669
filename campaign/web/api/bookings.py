"""/api/v1/bookings."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from campaign.domain.roles import ANY, STAFF
from campaign.services import bookings as service
from campaign.web.api.common import blueprint, page_request
from campaign.web.api.schemas.bookings import BookingPatchSchema, BookingSchema
from campaign.web.api.schemas.common import VersionArgs, id_field, list_args, page_body, page_of
from campaign.web.api_access import requires
from campaign.web.errors import error_response
from campaign.web.identity import current_user_required

blp = blueprint("bookings", "Which message runs where and when")

BookingArgs = list_args(
    "Booking",
    service.BOOKING_SORTS,
    {name: id_field() for name in service.BOOKING_FILTERS},
)


@blp.errorhandler(service.BookingInvalid)
def booking_invalid(exc: service.BookingInvalid) -> Response:
    """A refused booking names the field at fault, as a refused schema field is named."""
    return error_response(
        exc.status, exc.code, f"{exc.field}: {exc.detail}", {"json": {exc.field: [exc.detail]}}
    )


@blp.route("/bookings")
class Bookings(MethodView):
    @requires(*ANY)
    @blp.arguments(BookingArgs, location="query")
    @blp.response(200, page_of(BookingSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List bookings of the campaigns you may see."""
        request = page_request(args, service.BOOKING_FILTERS)
        return page_body(service.list_bookings(current_user_required(), request))

    @requires(*STAFF)
    @blp.arguments(BookingSchema)
    @blp.response(201, BookingSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Book a message onto a phase, hub, zone, screen or venue type, by ids or codes."""
        return service.create_booking(data, current_user_required())


@blp.route("/bookings/<int:booking_id>")
class BookingItem(MethodView):
    @requires(*ANY)
    @blp.response(200, BookingSchema)
    def get(self, booking_id: int) -> Any:
        """One booking."""
        return service.get_booking(booking_id, current_user_required())

    @requires(*STAFF)
    @blp.arguments(BookingPatchSchema)
    @blp.response(200, BookingSchema)
    def patch(self, data: dict[str, Any], booking_id: int) -> Any:
        """Change a booking; send the version you read. A new target (by id or code) replaces
        the old one."""
        return service.update_booking(booking_id, current_user_required(), data)

    @requires(*STAFF)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], booking_id: int) -> None:
        """Delete a booking."""
        service.delete_booking(booking_id, current_user_required(), args["version"])
