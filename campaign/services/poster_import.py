"""Bulk poster imports: which campaign a folder of pictures goes into."""

from __future__ import annotations

from campaign.persistence.queries import campaign_row


def import_campaign_id(slug: str | None) -> int | None:
    """The id of the campaign with this slug; with no slug, of the only campaign there is.

    None when there is no such campaign (or, without a slug, several or none)."""
    row = campaign_row(slug)
    return None if row is None else row.id
