"""The playlist engine: what a screen plays at an instant, until when, and under which version."""

# Each numbered rule of the specification lives in one function, the rule as its docstring:
# rule 1 (eligibility) and rule 2 (priority) in campaign.domain.eligibility, rule 3 (weights and
# the no-repeat loop) and rule 4's language sequences in campaign.domain.rotation, rules 4 to 9
# here. PlaylistEngine indexes a network once and keeps what does not depend on the instant;
# build_playlist is the one-off form of the same thing.

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from campaign.domain.durations import DEFAULT_WORDS_PER_MINUTE, slot_seconds
from campaign.domain.eligibility import (
    ONE_DAY,
    Candidate,
    DayTimeline,
    NetworkIndex,
    active_phase_numbers,
    day_timeline,
    index_network,
    message_is_playable,
    steady_pieces,
    wall_micros,
)
from campaign.domain.item_ids import item_id
from campaign.domain.model import (
    Booking,
    LanguagePolicy,
    Message,
    MessageText,
    Network,
    Phase,
    Screen,
    campaign_card,
)
from campaign.domain.rotation import Share, effective_policy, language_sequence, rotation

__all__ = [
    "NetworkIndex",
    "NoPlayableContent",
    "Playlist",
    "PlaylistEngine",
    "PlaylistItem",
    "PlaylistSettings",
    "build_playlist",
    "fallback_playlist",
    "index_network",
    "language_policy_of",
]


@dataclass(frozen=True)
class PlaylistSettings:
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE
    max_validity: timedelta = timedelta(hours=24)
    fallback_slot_s: int = 10  # the slot a fallback message gets before reading time (rule 6)

    def __post_init__(self) -> None:
        if self.words_per_minute <= 0:
            raise ValueError("the reading rate must be a positive number of words a minute")
        if self.max_validity <= timedelta(0):
            raise ValueError("a playlist must stay valid for some time")


@dataclass(frozen=True)
class PlaylistItem:
    id: str  # campaign.domain.item_ids.item_id: the same slide has the same id
    campaign: str  # the campaign's slug
    message_key: str
    message_version: int
    lang: str  # one language code, or the campaign languages joined by "+" (bilingual slide)
    duration_s: int
    booking_key: str | None  # None for fallback items


@dataclass(frozen=True)
class Playlist:
    items: tuple[PlaylistItem, ...]
    valid_until: datetime  # aware (UTC): the first instant the playlist may be different
    version: str  # hex hash of the items: equal content, equal version, anywhere
    is_fallback: bool


class NoPlayableContent(LookupError):
    """The campaign has no approved message and no name to make its card of: nothing to show."""


Slot = tuple[Message, int, str | None]  # a message, the booking's slot seconds, the booking key
ItemKey = tuple[int, str | None, str, tuple[str, ...]]  # slot seconds, booking, message, languages


# --- Rule 4 -------------------------------------------------------------------------------------


def language_policy_of(screen: Screen, network: Network) -> str:
    """The screen's language policy, else its zone's, else "pair"."""
    if screen.language_policy:
        return screen.language_policy
    zone = network.zones.get((screen.hub_code, screen.zone_code))
    if zone is not None and zone.language_policy:
        return zone.language_policy
    return LanguagePolicy.PAIR.value


def shown_languages(
    message: Message,
    langs: tuple[str, ...],
    policy: str,
    languages: Sequence[str],
    has: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """Rule 4, for a message that lacks some campaign languages (one was added after approval):
    the languages `language_sequence` asked for that the message has. Where it has none of
    them: under pair nothing (the message's other languages have their own turn); under a
    one-language policy (alternate, or a single language) its next language after the one asked
    for, in campaign order, so the slot is not lost. A message is shown in every language it
    has, and never in one it lacks."""
    has = message.languages_in(tuple(languages)) if has is None else has
    shown = tuple(lang for lang in langs if lang in has)
    if shown or not has or policy == LanguagePolicy.PAIR:
        return shown
    start = languages.index(langs[0]) if langs and langs[0] in languages else 0
    return next(
        (lang,)
        for step in range(len(languages))
        if (lang := languages[(start + step) % len(languages)]) in has
    )


def language_items(
    slots: Sequence[Slot],
    policy: str,
    languages: Sequence[str],
    words_per_minute: int,
    made: dict[ItemKey, PlaylistItem] | None = None,
    campaign: str = "",
) -> tuple[PlaylistItem, ...]:
    """Rule 4. The loop's slots shown in languages as `language_sequence` orders them (each
    message only in the languages it has). `made` remembers items already made (by slot
    seconds, booking and languages) for reuse; `campaign` is the campaign's slug."""
    made = {} if made is None else made
    items = []
    mode = effective_policy(policy, languages)
    has: dict[str, tuple[str, ...]] = {}  # each message's languages, worked out once
    for position, asked in language_sequence(len(slots), policy, languages):
        message, slot_duration_s, booking_key = slot = slots[position]
        if message.key not in has:
            has[message.key] = message.languages_in(tuple(languages))
        langs = shown_languages(message, asked, mode, languages, has[message.key])
        if not langs:
            continue
        key = (slot_duration_s, booking_key, message.key, langs)
        item = made.get(key)
        if item is None:
            item = made[key] = make_item(slot, langs, words_per_minute, campaign)
        items.append(item)
    return tuple(items)


# --- Rule 5 -------------------------------------------------------------------------------------


def item_duration(
    slot_duration_s: int, message: Message, langs: Sequence[str], words_per_minute: int
) -> int:
    """Rule 5. An item lasts its booking's slot, but never less than the time a traveller needs to
    read it: 2 s plus its words at the reading rate, rounded up. A bilingual slide's reading time
    counts the words of every language on it."""
    words = sum(text_words(message.texts[lang]) for lang in langs)
    return slot_seconds(slot_duration_s, words, words_per_minute)


@lru_cache(maxsize=8192)
def text_words(text: MessageText) -> int:
    """MessageText.words, remembered: the same text is timed in many playlists."""
    return text.words()


def make_item(
    slot: Slot, langs: Sequence[str], words_per_minute: int, campaign: str = ""
) -> PlaylistItem:
    message, slot_duration_s, booking_key = slot
    lang = "+".join(langs)
    return PlaylistItem(
        id=item_id(campaign, message.key, message.version, lang),
        campaign=campaign,
        message_key=message.key,
        message_version=message.version,
        lang=lang,
        duration_s=item_duration(slot_duration_s, message, langs, words_per_minute),
        booking_key=booking_key,
    )


# --- Rule 6 -------------------------------------------------------------------------------------


def fallback_messages(network: Network) -> list[Message]:
    """Rule 6. What a screen plays when no booking does (nothing eligible, or the hub's phase is not
    active): the campaign's fallback messages that are approved, by key; if none qualifies,
    every approved message; if there is none at all, the campaign's card (its name and slogan,
    `campaign_card`), so a playlist is never empty whatever a manager pauses or retires."""
    languages = network.campaign.languages
    playable = sorted(
        (m for m in network.messages.values() if message_is_playable(m, languages)),
        key=lambda m: m.key,
    )
    chosen = [m for m in playable if m.is_fallback] or playable
    if not chosen:
        card = campaign_card(network.campaign)
        if not message_is_playable(card, languages):
            raise NoPlayableContent(
                f"campaign {network.campaign.slug!r} has no approved message and no name in "
                f"{', '.join(languages)}: screens would have nothing of it to show"
            )
        chosen = [card]
    return chosen


def fallback_playlist(
    screen: Screen, network: Network, settings: PlaylistSettings = PlaylistSettings()
) -> tuple[PlaylistItem, ...]:
    """Rule 6. The items a screen plays when nothing is booked, and when it cannot reach the
    server: each fallback message once per loop, for the fallback slot (or its reading time), in
    the screen's language policy; booking_key None."""
    slots = [(m, settings.fallback_slot_s, None) for m in fallback_messages(network)]
    policy = language_policy_of(screen, network)
    languages = network.campaign.languages
    return language_items(
        slots, policy, languages, settings.words_per_minute, campaign=network.campaign.slug
    )


# --- Rule 8 -------------------------------------------------------------------------------------


CANONICAL_FIELDS = (
    "id",
    "campaign",
    "message_key",
    "message_version",
    "lang",
    "duration_s",
    "booking_key",
)


def playlist_version(items: Sequence[PlaylistItem]) -> str:
    """Rule 8. A sha256 of the canonical content (items and durations, not when it was built nor
    valid_until) as plain JSON with sorted keys, so equal content has the same version in any
    process on any machine; never Python's hash()."""
    content = {
        "fields": CANONICAL_FIELDS,
        "items": [[getattr(item, name) for name in CANONICAL_FIELDS] for item in items],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:32]


# --- The engine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ScreenView:
    hub_code: str
    timezone: str
    zone: ZoneInfo
    phases: tuple[Phase, ...]
    candidates: tuple[Candidate, ...]
    group: int  # screens with the same hub and candidates share their day timelines
    policy: str  # effective language policy


CACHE_LIMIT = 100_000  # timelines or contents a long-lived engine keeps before starting afresh


class PlaylistEngine:
    """Builds playlists for the screens of one network. What does not depend on the instant is done
    once and kept: the index, each screen's candidates, each local day's timeline, and the items of
    every set of bookings met. Make a new engine when the network changes (rule 7: message status
    changes are not time edges). A cache entry is the same whichever thread computes it."""

    def __init__(self, network: Network, settings: PlaylistSettings = PlaylistSettings()):
        self.network = network
        self.settings = settings
        self.index = index_network(network)
        self._views: dict[Screen, _ScreenView] = {}
        self._groups: dict[tuple[str, tuple[Candidate, ...]], int] = {}
        self._days: dict[tuple[int, date], DayTimeline] = {}
        self._contents: dict[tuple[str, frozenset[int]], tuple[tuple[PlaylistItem, ...], str]] = {}
        self._items: dict[ItemKey, PlaylistItem] = {}

    def build(self, screen_code: str, at: datetime) -> Playlist:
        """The playlist of the network's screen `screen_code` at the aware instant `at`."""
        return self.build_for(self.network.screens[screen_code], at)

    def build_for(self, screen: Screen, at: datetime) -> Playlist:
        """The playlist of `screen` at the aware instant `at` (rules 1 to 8)."""
        at = _as_utc(at)
        view = self._view(screen)
        playing = self._playing(view, at)
        items, version = self._content(view.policy, playing)
        return Playlist(
            items=items,
            valid_until=self._valid_until(view, at, playing),
            version=version,
            is_fallback=not playing,
        )

    def fallback_for(self, screen: Screen) -> tuple[tuple[PlaylistItem, ...], str]:
        """Rule 6. The items `screen` plays when nothing is booked, and offline, with their
        version (cached)."""
        return self._content(self._view(screen).policy, frozenset())

    def playing(self, screen: Screen, at: datetime) -> list[Booking]:
        """Rules 1 and 2 at the aware instant `at`: the bookings playing on `screen`, by key (none:
        the screen plays fallback). Equal to `eligibility.playing_bookings`, only faster."""
        chosen = self._playing(self._view(screen), _as_utc(at))
        return sorted((self.network.bookings[i] for i in chosen), key=lambda b: b.key)

    def _valid_until(self, view: _ScreenView, at: datetime, playing: frozenset[int]) -> datetime:
        """Rule 7. The next instant at which the output could change, capped at at + max_validity.

        The output depends on the instant only through the hub's local date and wall-clock time
        (booking dates, weekdays, windows, phase dates: all local), which `DayTimeline` turns into
        segments. Between two DST changes the wall clock runs steadily, so the next change is the
        next segment start (local midnight when the next day starts differently), converted with
        the offset of that stretch; at a DST change the wall clock jumps (a spring-forward gap
        skips times, a fall-back repeats them) and the playlist is compared on both sides. So
        edges in a gap take effect at the first instant after the gap, and repeated wall times
        are edges each time they occur: the playlist is the same for every instant in
        [at, valid_until)."""
        horizon = at + self.settings.max_validity
        for low, high, offset in steady_pieces(view.timezone, at, horizon):
            wall = (low + offset).replace(tzinfo=None)
            wall_limit = (high + offset).replace(tzinfo=None)
            day, timeline = wall.date(), self._timeline(view, wall.date())
            segment = timeline.segment_at(wall_micros(wall.time()))
            while True:
                segment += 1
                if segment == len(timeline.starts):
                    day, segment = day + ONE_DAY, 0
                    timeline = self._timeline(view, day)
                edge = datetime.combine(day, time()) + timedelta(
                    microseconds=timeline.starts[segment]
                )
                if edge >= wall_limit:
                    break
                if timeline.sets[segment] != playing:
                    return (edge - offset).replace(tzinfo=UTC)
            if high < horizon and self._playing(view, high) != playing:
                return high
        return horizon

    def _view(self, screen: Screen) -> _ScreenView:
        view = self._views.get(screen)
        if view is None:
            hub = self.network.hubs[screen.hub_code]
            candidates = self.index.candidates(screen)
            group = self._groups.setdefault((hub.code, candidates), len(self._groups))
            languages = self.network.campaign.languages
            view = self._views[screen] = _ScreenView(
                hub_code=hub.code,
                timezone=hub.timezone,
                zone=ZoneInfo(hub.timezone),
                phases=self.index.phases_of_hub.get(hub.code, ()),
                candidates=candidates,
                group=group,
                policy=effective_policy(language_policy_of(screen, self.network), languages),
            )
        return view

    def _timeline(self, view: _ScreenView, day: date) -> DayTimeline:
        timeline = self._days.get((view.group, day))
        if timeline is None:
            if len(self._days) >= CACHE_LIMIT:
                self._days.clear()
            active = active_phase_numbers(view.hub_code, view.phases, day)
            timeline = self._days[view.group, day] = day_timeline(view.candidates, active, day)
        return timeline

    def _playing(self, view: _ScreenView, at: datetime) -> frozenset[int]:
        """Rules 1 and 2 at an instant: the bookings that play (indices into Network.bookings)."""
        local = at.astimezone(view.zone)
        timeline = self._timeline(view, local.date())
        return timeline.sets[timeline.segment_at(wall_micros(local.time()))]

    def _content(
        self, policy: str, playing: frozenset[int]
    ) -> tuple[tuple[PlaylistItem, ...], str]:
        """Rules 3 to 6 and 8 for a set of playing bookings (none: the fallback)."""
        content = self._contents.get((policy, playing))
        if content is None:
            if len(self._contents) >= CACHE_LIMIT:
                self._contents.clear()
                self._items.clear()
            slots = self._slots(playing) if playing else self._fallback_slots()
            languages, rate = self.network.campaign.languages, self.settings.words_per_minute
            slug = self.network.campaign.slug
            items = language_items(slots, policy, languages, rate, self._items, slug)
            content = self._contents[policy, playing] = (items, playlist_version(items))
        return content

    def _slots(self, playing: frozenset[int]) -> list[Slot]:
        bookings: list[Booking] = sorted(
            (self.network.bookings[i] for i in playing), key=lambda b: b.key
        )
        loop = rotation([Share(b.key, b.message_key, b.weight) for b in bookings])
        messages = self.network.messages
        return [
            (messages[bookings[i].message_key], bookings[i].slot_duration_s, bookings[i].key)
            for i in loop
        ]

    def _fallback_slots(self) -> list[Slot]:
        return [(m, self.settings.fallback_slot_s, None) for m in fallback_messages(self.network)]


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"the instant must be timezone-aware, not naive: {at.isoformat()}")
    return at.astimezone(UTC)


def build_playlist(
    screen: Screen, network: Network, at: datetime, settings: PlaylistSettings = PlaylistSettings()
) -> Playlist:
    """The playlist `screen` plays at the aware instant `at` (a naive instant is a ValueError).

    Rule 9. The same function answers previews: "what will LIM departures play on 24 December at
    21:00" is this call with that instant (in the hub's timezone or any other); there is no other
    code path. Indexes the network for this one call; `PlaylistEngine` keeps the index for many."""
    _as_utc(at)
    return PlaylistEngine(network, settings).build_for(screen, at)
