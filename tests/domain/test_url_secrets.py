"""Link tokens in paths, request lines and referers are masked before anything is logged."""

from __future__ import annotations

from campaign.domain.url_secrets import MASK, mask_secrets

TOKEN = "IkxGTl9NZmhQ.aGVsbG8-d29ybGQ_Xy1f"


def test_preview_link_tokens_are_masked_wherever_they_are_in_the_path() -> None:
    assert mask_secrets(f"/p/{TOKEN}") == f"/p/{MASK}"
    assert mask_secrets(f"/p/{TOKEN}/messages/4?x=1") == f"/p/{MASK}/messages/4?x=1"
    line = f"GET /p/{TOKEN}/pictures/3/v1/es/480x270.png HTTP/1.1"
    assert TOKEN not in mask_secrets(line) and mask_secrets(line).endswith("480x270.png HTTP/1.1")


def test_calendar_feed_tokens_are_masked_and_the_extension_kept() -> None:
    assert mask_secrets(f"/calendar/{TOKEN}.ics") == f"/calendar/{MASK}.ics"
    referer = f"https://campaign.example.org/calendar/{TOKEN}.ics"
    assert mask_secrets(referer) == f"https://campaign.example.org/calendar/{MASK}.ics"


def test_other_paths_are_left_alone() -> None:
    for path in ("/previews", "/reports/phases/1", "/api/v1/player/plays", "/play", "/posters/2"):
        assert mask_secrets(path) == path
