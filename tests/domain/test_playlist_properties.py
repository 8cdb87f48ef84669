"""Properties of the playlist engine over random networks and instants around DST changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from strategies import DST_CHANGES, PROPERTY, dst_scenarios, scenarios

from campaign.domain.eligibility import booking_plays_at, playing_bookings
from campaign.domain.item_ids import ItemRef, parse_item_id
from campaign.domain.model import Network, Screen
from campaign.domain.playlist import (
    Playlist,
    PlaylistEngine,
    PlaylistSettings,
    build_playlist,
    language_policy_of,
)
from campaign.domain.rotation import effective_policy

ONE_US = timedelta(microseconds=1)


def slot_messages(playlist: Playlist, screen: Screen, n: Network) -> list[str]:
    """The message of each slot of the loop (under pair a slot is one item per language)."""
    languages = n.campaign.languages
    mode = effective_policy(language_policy_of(screen, n), languages)
    step = len(languages) if mode == "pair" else 1
    return [item.message_key for item in playlist.items[::step]]


@PROPERTY
@given(scenarios())
def test_never_empty_and_well_formed(scenario) -> None:
    n, at = scenario
    engine = PlaylistEngine(n)
    for s in n.screens.values():
        playlist = engine.build(s.code, at)
        assert playlist.items
        assert at < playlist.valid_until <= at + timedelta(hours=24)
        assert playlist.valid_until.utcoffset() == timedelta(0)
        assert playlist.is_fallback == all(i.booking_key is None for i in playlist.items)
        for item in playlist.items:
            assert parse_item_id(item.id) == ItemRef(
                n.campaign.slug, item.message_key, item.message_version, item.lang
            )
            message = n.messages[item.message_key]
            words = sum(message.texts[lang].words() for lang in item.lang.split("+"))
            assert item.duration_s >= 2 + words * 60 / 200


def assert_stable_until_valid_until(n: Network, at: datetime, fractions: list[float]) -> None:
    """Every instant in [at, valid_until) gives the same playlist, and valid_until is a real
    change: unless it is the 24 h cap, the bookings playing there differ (rules 1 and 2, checked
    booking by booking). Samples: random instants in between, the last microsecond, and the DST
    changes (and the half hours around them), where clocks jump."""
    engine = PlaylistEngine(n)
    for s in n.screens.values():
        playlist = engine.build(s.code, at)
        capped = playlist.valid_until == at + timedelta(hours=24)
        span = playlist.valid_until - at
        span_us = span // ONE_US
        samples = [at + int(span_us * f) * ONE_US for f in fractions]  # floored: before the end
        samples.append(playlist.valid_until - ONE_US)
        samples += [
            change + timedelta(minutes=minutes)
            for change in DST_CHANGES
            for minutes in (-30, 0, 30, 60)
            if at <= change + timedelta(minutes=minutes) < playlist.valid_until
        ]
        for instant in samples:
            later = engine.build(s.code, instant)
            assert later.items == playlist.items, (s.code, at, instant)
            assert later.version == playlist.version
            if not capped:
                assert later.valid_until == playlist.valid_until
        if not capped:
            before = {b.key for b in playing_bookings(s, n, playlist.valid_until - ONE_US)}
            after = {b.key for b in playing_bookings(s, n, playlist.valid_until)}
            assert before != after, (s.code, at, playlist.valid_until)


fractions = st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=4)


@PROPERTY
@given(scenarios(), fractions)
def test_stable_until_valid_until_and_changed_there(scenario, fractions) -> None:
    assert_stable_until_valid_until(*scenario, fractions)


@PROPERTY
@given(dst_scenarios(), fractions)
def test_stable_across_dst_changes(scenario, fractions) -> None:
    """Madrid and Santiago, the day before their clocks change: windows opening in the skipped
    hour, in the repeated hour, bookings starting on a day whose midnight never happens."""
    assert_stable_until_valid_until(*scenario, fractions)


@PROPERTY
@given(scenarios())
def test_deterministic(scenario) -> None:
    n, at = scenario
    first, second = PlaylistEngine(n), PlaylistEngine(n)
    for s in n.screens.values():
        playlist = first.build(s.code, at)
        assert playlist == second.build(s.code, at) == build_playlist(s, n, at)
        assert playlist == first.build(s.code, at)  # from the caches too


@PROPERTY
@given(scenarios(busy=True))
def test_no_message_twice_in_a_row_where_the_weights_leave_room(scenario) -> None:
    n, at = scenario
    engine = PlaylistEngine(n)
    for s in n.screens.values():
        playlist = engine.build(s.code, at)
        messages = slot_messages(playlist, s, n)
        per_message = Counter[str]()
        for b in engine.playing(s, at):
            per_message[b.message_key] += b.weight
        room = not per_message or max(per_message.values()) * 2 <= sum(per_message.values())
        if len(set(messages)) > 1 and (playlist.is_fallback or room):
            wrapped = messages[1:] + messages[:1]
            assert all(a != b for a, b in zip(messages, wrapped, strict=True)), messages


@PROPERTY
@given(scenarios(busy=True))
def test_weights_within_one_slot_per_cycle(scenario) -> None:
    """Each booking's share of the loop is its weight's share, within one slot, whichever message
    is the heaviest (3:1 plays 3:1)."""
    n, at = scenario
    engine = PlaylistEngine(n)
    languages = n.campaign.languages
    for s in n.screens.values():
        playlist = engine.build(s.code, at)
        if playlist.is_fallback:
            continue
        bookings = {b.key: b for b in engine.playing(s, at)}
        mode = effective_policy(language_policy_of(s, n), languages)
        keys = [item.booking_key for item in playlist.items]
        if mode == "pair":
            keys = keys[:: len(languages)]  # one item per language for each slot
        if mode == "alternate":
            keys = keys[: len(keys) // len(languages)]  # the loop is played once per language
        counts, loop = Counter(keys), len(keys)
        per_message = Counter[str]()
        for b in bookings.values():
            per_message[b.message_key] += b.weight
        total = sum(per_message.values())
        for key, b in bookings.items():
            assert abs(counts[key] - loop * b.weight / total) < 1, (key, counts, loop)


@PROPERTY
@given(scenarios(busy=True))
def test_alternate_shows_each_message_equally_in_each_language(scenario) -> None:
    n, at = scenario
    engine = PlaylistEngine(n)
    languages = n.campaign.languages
    for s in n.screens.values():
        if effective_policy(language_policy_of(s, n), languages) != "alternate":
            continue
        items = engine.build(s.code, at).items
        seen = Counter((i.message_key, i.lang) for i in items)
        for message_key in {i.message_key for i in items}:
            assert len({seen[message_key, lang] for lang in languages}) == 1, seen


@PROPERTY
@given(scenarios())
def test_urgent_bookings_take_over_and_hand_back(scenario) -> None:
    """Walking a screen's change points: only the highest priority eligible plays (takeover), and
    the playlist is exactly the one of a network holding only the bookings that play, so once
    an urgent booking stops the loop of the others is back as it was."""
    n, at = scenario
    engine = PlaylistEngine(n, PlaylistSettings(max_validity=timedelta(hours=8)))
    for s in n.screens.values():
        instant = at
        for _ in range(5):
            playlist = engine.build(s.code, instant)
            eligible = [b for b in n.bookings if booking_plays_at(b, s, n, instant)]
            playing = {b.key for b in engine.playing(s, instant)}
            if eligible:
                top = max(b.priority for b in eligible)
                assert playing == {b.key for b in eligible if b.priority == top}
            alone = replace(n, bookings=tuple(b for b in n.bookings if b.key in playing))
            assert build_playlist(s, alone, instant).items == playlist.items
            instant = playlist.valid_until
