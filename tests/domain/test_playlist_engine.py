"""The playlist engine by hand-checked examples: rules 4, 5, 6, 8 and 9, and the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from strategies import (
    DEFAULT_SCREENS,
    booking,
    local,
    message,
    network,
    phase,
    screen,
    utc,
)

from campaign.domain.model import FundingStatus, MessageStatus, Network
from campaign.domain.playlist import (
    NoPlayableContent,
    Playlist,
    PlaylistEngine,
    PlaylistSettings,
    build_playlist,
    fallback_playlist,
    language_policy_of,
)

LIM_DEP, LIM_DEP_PORTRAIT, LIM_ARR, SCL_DEP, MAD_DEP = DEFAULT_SCREENS
MONDAY_NOON = local("America/Lima", 2024, 5, 6, 12, 0)


def shown(playlist: Playlist) -> list[tuple[str, str, int]]:
    return [(item.message_key, item.lang, item.duration_s) for item in playlist.items]


def two_messages(**options) -> Network:
    return network(
        messages=[message("M1"), message("M2")],
        bookings=[booking("B1", "M1"), booking("B2", "M2")],
        **options,
    )


# --- Rule 4: language policies ------------------------------------------------------------------


def test_pair_shows_every_language_back_to_back() -> None:
    playlist = build_playlist(LIM_DEP, two_messages(), MONDAY_NOON)
    assert shown(playlist) == [
        ("M1", "es", 10),
        ("M1", "en", 10),
        ("M2", "es", 10),
        ("M2", "en", 10),
    ]
    first = playlist.items[0]
    assert (first.id, first.message_key, first.message_version, first.booking_key) == (
        "respect/M1.v1.es", "M1", 1, "B1",
    )  # fmt: skip
    assert not playlist.is_fallback


def test_alternate_balances_languages() -> None:
    n = two_messages(screens=(screen("LIM-DEP-01", policy="alternate"),))
    # Two slots: round 1 es, en; round 2 starts one language later so each message gets both.
    items = build_playlist(n.screens["LIM-DEP-01"], n, MONDAY_NOON).items
    assert [(i.message_key, i.lang) for i in items] == [
        ("M1", "es"), ("M2", "en"), ("M1", "en"), ("M2", "es"),
    ]  # fmt: skip
    three = network(
        messages=[message("M1"), message("M2"), message("M3")],
        bookings=[booking("B1", "M1"), booking("B2", "M2"), booking("B3", "M3")],
        zone_policies={("LIM", "DEP"): "alternate"},
    )
    items = build_playlist(LIM_DEP, three, MONDAY_NOON).items  # odd loop: plain alternation
    assert [(i.message_key, i.lang) for i in items] == [
        ("M1", "es"), ("M2", "en"), ("M3", "es"), ("M1", "en"), ("M2", "es"), ("M3", "en"),
    ]  # fmt: skip


def test_bilingual_is_one_slide_reading_both_languages() -> None:
    n = network(
        messages=[message("M1", words={"es": 30, "en": 20})],
        bookings=[booking("B1", "M1", slot=10)],
        screens=(screen("LIM-DEP-01", policy="bilingual"),),
    )
    (item,) = build_playlist(n.screens["LIM-DEP-01"], n, MONDAY_NOON).items
    assert (item.id, item.lang) == ("respect/M1.v1.es+en", "es+en")
    assert item.duration_s == 17  # 2 s + 50 words at 200 a minute (15 s)


def test_a_single_language_and_an_unknown_one() -> None:
    n = two_messages(
        screens=(screen("LIM-DEP-01", policy="en"), screen("LIM-ARR-01", "LIM", "ARR", policy="fr"))
    )
    english, french = n.screens["LIM-DEP-01"], n.screens["LIM-ARR-01"]
    assert [i.lang for i in build_playlist(english, n, MONDAY_NOON).items] == ["en", "en"]
    assert [i.lang for i in build_playlist(french, n, MONDAY_NOON).items] == ["es", "en"] * 2


def test_a_campaign_in_one_language() -> None:
    spanish = network(
        messages=[message("M1", languages=("es",)), message("M2", languages=("es",))],
        bookings=[booking("B1", "M1"), booking("B2", "M2")],
        languages=("es",),
        with_fallbacks=False,
        screens=(
            screen("LIM-DEP-01", policy="bilingual"),
            screen("LIM-ARR-01", "LIM", "ARR", policy="alternate"),
        ),
    )
    for s in spanish.screens.values():
        items = build_playlist(s, spanish, MONDAY_NOON).items
        assert [(i.id, i.lang) for i in items] == [
            ("respect/M1.v1.es", "es"),
            ("respect/M2.v1.es", "es"),
        ]


def test_language_policy_of_screen_then_zone_then_pair() -> None:
    zones = {("LIM", "DEP"): "alternate"}
    n = network(
        screens=(screen("LIM-DEP-01"), screen("LIM-DEP-02", policy="es"), LIM_ARR),
        zone_policies=zones,
    )
    assert language_policy_of(n.screens["LIM-DEP-01"], n) == "alternate"
    assert language_policy_of(n.screens["LIM-DEP-02"], n) == "es"
    assert language_policy_of(LIM_ARR, n) == "pair"


# --- Rule 5: durations --------------------------------------------------------------------------


def test_an_item_lasts_its_slot_or_its_reading_time() -> None:
    n = network(
        messages=[message("M1", words={"es": 100, "en": 8}), message("M2")],
        bookings=[booking("B1", "M1", slot=10), booking("B2", "M2", slot=15)],
    )
    assert shown(build_playlist(LIM_DEP, n, MONDAY_NOON)) == [
        ("M1", "es", 32), ("M1", "en", 10), ("M2", "es", 15), ("M2", "en", 15),
    ]  # fmt: skip
    slow = PlaylistSettings(words_per_minute=50)  # 8 words: 2 + 9.6 s
    assert [i.duration_s for i in build_playlist(LIM_DEP, n, MONDAY_NOON, slow).items] == [
        122, 12, 15, 15,
    ]  # fmt: skip


# --- Rule 6: fallback ---------------------------------------------------------------------------


def test_nothing_booked_plays_the_fallback_messages() -> None:
    n = network()
    playlist = build_playlist(LIM_DEP, n, MONDAY_NOON)
    assert playlist.is_fallback
    assert shown(playlist) == [
        ("FB1", "es", 10),
        ("FB1", "en", 10),
        ("FB2", "es", 10),
        ("FB2", "en", 10),
    ]
    assert all(item.booking_key is None for item in playlist.items)
    assert fallback_playlist(LIM_DEP, n) == playlist.items
    short = PlaylistSettings(fallback_slot_s=3)  # never shorter than reading: 8 words take 5 s
    assert {i.duration_s for i in fallback_playlist(LIM_DEP, n, short)} == {5}


@pytest.mark.parametrize(
    "phases",
    [
        [phase(1, {"LIM"}, date(2024, 1, 1), date(2024, 5, 5))],  # ended
        [phase(1, {"LIM"}, funding=FundingStatus.PENDING)],  # unfunded
        [phase(1, {"MAD"})],  # LIM in no phase
    ],
)
def test_fallback_plays_when_the_hub_phase_is_not_active(phases) -> None:
    n = two_messages(phases=phases)
    assert build_playlist(LIM_DEP, n, MONDAY_NOON).is_fallback


def test_fallback_messages_must_be_playable_else_any_playable_message() -> None:
    n = network(
        messages=[
            message("FB9", fallback=True, status=MessageStatus.PAUSED),
            message("Z1"),
            message("A1"),
            message("R1", status=MessageStatus.RETIRED),
        ],
        with_fallbacks=False,
    )
    assert [i.message_key for i in build_playlist(LIM_DEP, n, MONDAY_NOON).items] == [
        "A1", "A1", "Z1", "Z1",
    ]  # fmt: skip


def test_a_message_lacking_a_new_language_plays_in_those_it_has() -> None:
    spanish_only = message("FB8", fallback=True, languages=("es",))  # "en" added after approval
    n = network(messages=[spanish_only, message("A1")], with_fallbacks=False)
    pair = build_playlist(LIM_DEP, n, MONDAY_NOON).items
    assert [(i.message_key, i.lang) for i in pair] == [("FB8", "es")]
    alternate = replace(LIM_DEP, language_policy="alternate")
    n = replace(n, screens={**n.screens, alternate.code: alternate})
    items = build_playlist(alternate, n, MONDAY_NOON).items
    assert [(i.message_key, i.lang) for i in items] == [("FB8", "es"), ("FB8", "es")]
    bilingual = replace(LIM_DEP, language_policy="bilingual")
    n = replace(n, screens={**n.screens, bilingual.code: bilingual})
    assert [i.lang for i in build_playlist(bilingual, n, MONDAY_NOON).items] == ["es"]


def test_no_playable_message_at_all_plays_the_campaign_card() -> None:
    n = network(messages=[message("M1", status=MessageStatus.DRAFT)], with_fallbacks=False)
    items = build_playlist(LIM_DEP, n, MONDAY_NOON).items
    assert [(i.message_key, i.lang) for i in items] == [("_campaign", "es"), ("_campaign", "en")]
    assert items == fallback_playlist(LIM_DEP, n)
    assert items[0].id == f"{n.campaign.slug}/_campaign.v0.es"


def test_a_campaign_without_any_name_has_nothing_to_show() -> None:
    n = network(messages=[message("M1", status=MessageStatus.DRAFT)], with_fallbacks=False)
    nameless = replace(n, campaign=replace(n.campaign, names={}))
    with pytest.raises(NoPlayableContent, match="no approved message and no name"):
        build_playlist(LIM_DEP, nameless, MONDAY_NOON)


# --- Rule 8: version ----------------------------------------------------------------------------


def test_version_depends_on_content_only() -> None:
    n = two_messages()
    monday = build_playlist(LIM_DEP, n, MONDAY_NOON)
    later = build_playlist(LIM_DEP, n, MONDAY_NOON + timedelta(days=40, hours=3))
    assert len(monday.version) == 32 and int(monday.version, 16) >= 0
    assert later.version == monday.version and later.valid_until != monday.valid_until
    portrait = build_playlist(LIM_DEP_PORTRAIT, n, MONDAY_NOON)
    assert portrait.version == monday.version  # same items on another screen
    slower = build_playlist(LIM_DEP, n, MONDAY_NOON, PlaylistSettings(words_per_minute=20))
    assert slower.version != monday.version  # durations are content
    v2 = network(messages=[message("M1", version=2), message("M2")], bookings=list(n.bookings))
    assert build_playlist(LIM_DEP, v2, MONDAY_NOON).version != monday.version


VERSION_SCRIPT = """
import json, sys
from strategies import booking, message, network, local
from campaign.domain.playlist import build_playlist
n = network(messages=[message("M1"), message("M2")],
            bookings=[booking("B1", "M1", weight=2), booking("B2", "M2"), booking("B3", "M1")])
playlist = build_playlist(n.screens["LIM-DEP-01"], n, local("America/Lima", 2024, 5, 6, 12))
print(json.dumps(playlist.version))
"""


def test_version_is_the_same_in_another_process() -> None:
    n = network(
        messages=[message("M1"), message("M2")],
        bookings=[booking("B1", "M1", weight=2), booking("B2", "M2"), booking("B3", "M1")],
    )
    here = build_playlist(LIM_DEP, n, MONDAY_NOON).version
    tests = Path(__file__).parent
    for seed in ("1", "4242"):  # different string hashing, same version
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(tests)}
        out = subprocess.run(
            [sys.executable, "-c", VERSION_SCRIPT], env=env, capture_output=True, text=True,
            check=True, cwd=tests.parent.parent,
        )  # fmt: skip
        assert json.loads(out.stdout) == here


# --- Rule 9 and the API -------------------------------------------------------------------------


def test_preview_is_the_same_function_at_a_future_instant() -> None:
    n = network(
        messages=[message("M1"), message("XMAS")],
        bookings=[
            booking("B1", "M1"),
            booking(
                "X1",
                "XMAS",
                "zone:LIM/DEP",
                starts_on=date(2024, 12, 24),
                ends_on=date(2024, 12, 25),
                window=(time(20), time(23)),
            ),
        ],
    )
    christmas_eve = datetime(2024, 12, 24, 21, 0, tzinfo=ZoneInfo("America/Lima"))
    preview = build_playlist(LIM_DEP, n, christmas_eve)
    assert {i.message_key for i in preview.items} == {"M1", "XMAS"}
    assert preview == build_playlist(LIM_DEP, n, utc(2024, 12, 25, 2, 0))  # same instant in UTC
    assert {i.message_key for i in build_playlist(LIM_ARR, n, christmas_eve).items} == {"M1"}


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_playlist(LIM_DEP, network(), datetime(2024, 5, 6, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        PlaylistEngine(network()).build("LIM-DEP-01", datetime(2024, 5, 6, 12, 0))


def test_engine_and_build_playlist_agree() -> None:
    n = two_messages()
    engine = PlaylistEngine(n)
    for s in n.screens.values():
        assert engine.build(s.code, MONDAY_NOON) == build_playlist(s, n, MONDAY_NOON)
    with pytest.raises(KeyError):
        engine.build("NOPE", MONDAY_NOON)


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        PlaylistSettings(words_per_minute=0)
    with pytest.raises(ValueError):
        PlaylistSettings(max_validity=timedelta(0))


def test_a_long_lived_engine_forgets_and_recomputes_alike(monkeypatch) -> None:
    n = network(
        messages=[message("M1"), message("M2")],
        bookings=[booking("B1", "M1"), booking("B2", "M2", window=(time(9), time(17)))],
    )
    expected = [build_playlist(LIM_DEP, n, MONDAY_NOON + timedelta(hours=h)) for h in range(48)]
    monkeypatch.setattr("campaign.domain.playlist.CACHE_LIMIT", 2)
    engine = PlaylistEngine(n)
    for _ in range(2):
        got = [engine.build("LIM-DEP-01", MONDAY_NOON + timedelta(hours=h)) for h in range(48)]
        assert got == expected
