"""/api/v1: Signed iCalendar feeds of phases and bookings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView

from campaign.domain.roles import STAFF
from campaign.services import calendar_feeds
from campaign.web.api.common import blueprint, now
from campaign.web.api.schemas.calendars import (
    CalendarFeedArgs,
    CalendarFeedInSchema,
    CalendarFeedSchema,
    NewCalendarFeedSchema,
)
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required
from campaign.web.pages.calendars import feed_urls

blp = blueprint("calendar_feeds", "Signed iCalendar feeds of phases and bookings")


@blp.route("/calendar-feeds")
class CalendarFeeds(MethodView):
    @requires(*STAFF)
    @blp.arguments(CalendarFeedArgs, location="query")
    @blp.response(200, CalendarFeedSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """The calendar feeds, the newest first, revoked ones too (never their addresses)."""
        return calendar_feeds.list_feeds(current_user_required(), args.get("campaign_id"))

    @requires(*STAFF)
    @blp.arguments(CalendarFeedInSchema)
    @blp.response(201, NewCalendarFeedSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Make a calendar feed of a campaign, or of one of its hubs; its address is in this
        answer only. Anyone with the address can read the feed, until it is revoked."""
        user = current_user_required()
        made, token = calendar_feeds.create_feed(
            data["campaign_id"], data["hub_code"], data["label"], user, now=now()
        )
        url, webcal = feed_urls(token)
        return {**asdict(made), "status": made.status, "url": url, "webcal_url": webcal}


@blp.route("/calendar-feeds/<int:feed_id>", methods=["DELETE"])
@requires(*STAFF)
@blp.response(200, CalendarFeedSchema)
def revoke_feed(feed_id: int) -> Any:
    """Revoke a calendar feed: its address answers 404 from now on."""
    return calendar_feeds.revoke_feed(feed_id, current_user_required(), now=now())
