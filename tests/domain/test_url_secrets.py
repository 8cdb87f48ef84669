"""Tokens in paths, query strings, request lines and referers are masked before logging."""

from __future__ import annotations

from campaign.domain.url_secrets import MASK, is_secret_header, mask_query, mask_secrets

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


def test_token_query_parameters_are_masked_whatever_their_name_or_case() -> None:
    for name in ("token", "access_token", "bearer", "auth", "authorization", "key", "Token"):
        line = f"GET /api/v1/player/playlist?a=1&{name}={TOKEN}&b=2 HTTP/1.1"
        assert mask_secrets(line) == f"GET /api/v1/player/playlist?a=1&{name}={MASK}&b=2 HTTP/1.1"
    assert mask_query(f"key={TOKEN}") == f"key={MASK}"
    assert mask_query(f"x=1;bearer={TOKEN}") == f"x=1;bearer={MASK}"
    referer = f"https://campaign.example.org/play?access_token={TOKEN}#top"
    assert mask_secrets(referer) == f"https://campaign.example.org/play?access_token={MASK}#top"


def test_percent_encoded_tokens_are_masked_too() -> None:
    # A sign-in redirect carries the asked-for URL, encoded, in `next=`; or a client encodes.
    for text in (
        f"/login?next=%2Fplay%3Ftoken%3D{TOKEN}",
        f"/login?next=%252Fplay%253Ftoken%253D{TOKEN}",
        f"/login?next=%2Fp%2F{TOKEN}",
        f"/play?%74oken={TOKEN}",
        f"/%70/{TOKEN}/messages/4",
    ):
        assert TOKEN not in mask_secrets(text) and MASK in mask_secrets(text), text
    assert TOKEN not in mask_query(f"next=%2Fplay%3Fauth%3D{TOKEN}")


def test_other_query_parameters_and_look_alikes_are_left_alone() -> None:
    for text in ("/reports?monkey=1&tokens=2", "/previews?sort=key", "/reports?from=2026-11-01"):
        assert mask_secrets(text) == text


def test_credential_headers_are_recognised() -> None:
    for name in ("{authorization}i", "{cookie}i", "{x-api-key}i", "{http_authorization}e"):
        assert is_secret_header(name)
    for name in ("{user-agent}i", "{referer}i", "{content-type}o", "{raw_uri}e"):
        assert not is_secret_header(name)
