"""Immutable value objects that describe a campaign network to the pure rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal


class FundingStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class PhaseStatus(enum.StrEnum):
    """A phase's lifecycle at one hub: planned → active → completed, or cancelled."""

    PLANNED = "planned"  # before its first day, or waiting for funding: plays nothing
    ACTIVE = "active"  # funding confirmed and within its dates
    COMPLETED = "completed"  # ran, and its last day is over
    CANCELLED = "cancelled"  # cancelled, funding declined, or its dates passed unfunded


class HubKind(enum.StrEnum):
    AIRPORT = "airport"
    BORDER_CROSSING = "border_crossing"
    BUS_TERMINAL = "bus_terminal"
    PORT = "port"
    TOURIST_AREA = "tourist_area"


class PartnerRole(enum.StrEnum):
    IMPLEMENTER = "implementer"
    MINISTRY = "ministry"
    FUNDER = "funder"
    AGENCY = "agency"
    OTHER = "other"


class Orientation(enum.StrEnum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class LanguagePolicy(enum.StrEnum):
    """How a screen shows a campaign's languages; a single language is given by its code."""

    PAIR = "pair"
    ALTERNATE = "alternate"
    BILINGUAL = "bilingual"


class MessageStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PAUSED = "paused"
    RETIRED = "retired"


class TargetKind(enum.StrEnum):
    PHASE = "phase"
    HUB = "hub"
    ZONE = "zone"
    SCREEN = "screen"
    VENUE = "venue"  # every zone of one venue type (OpenOOH code), in whichever hub


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_WEEKDAYS = frozenset(range(7))


@dataclass(frozen=True)
class Campaign:
    slug: str
    names: dict[str, str]
    slogans: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ("es", "en")
    background: str = "#0B3D91"
    foreground: str = "#FFFFFF"
    accent: str = "#FFC72C"
    requires_partner_approval: bool = False
    # The campaign's share of voice at a hub (hub code → positive number), over its phases' own.
    share_of_voice_by_hub: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Partner:
    slug: str
    name: str
    role: PartnerRole
    appears_on_slides: bool = False
    website: str = ""


@dataclass(frozen=True)
class Hub:
    code: str
    name: str
    kind: HubKind
    timezone: str
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    yearly_passengers: int | None = None


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    starts_on: date
    ends_on: date  # inclusive: the last day the phase runs
    funding_status: FundingStatus
    hub_codes: frozenset[str]
    funding_source: str = ""
    budget: Decimal | None = None
    currency: str = "USD"
    # The campaign's share of a screen's loop at this phase's hubs, against other campaigns there.
    share_of_voice: float = 1.0
    cancelled: bool = False


@dataclass(frozen=True)
class Zone:
    hub_code: str
    code: str
    name: str
    venue_type: str = ""  # OpenOOH venue taxonomy code, e.g. "transit.airports.arrivals"
    language_policy: str | None = None


@dataclass(frozen=True)
class Screen:
    code: str
    hub_code: str
    zone_code: str
    orientation: Orientation
    width: int
    height: int
    language_policy: str | None = None  # falls back to the zone's, then to "pair"
    name: str = ""


@dataclass(frozen=True)
class MessageText:
    headline: str
    body: str
    call_to_action: str = ""
    hotline: str = ""

    def is_complete(self) -> bool:
        return bool(self.headline.strip() and self.body.strip())

    def words(self) -> int:
        return sum(
            len(part.split())
            for part in (self.headline, self.body, self.call_to_action, self.hotline)
        )


@dataclass(frozen=True)
class Message:
    """One version of a message: the engine plays it only when it is approved and complete."""

    key: str
    version: int
    status: MessageStatus
    texts: dict[str, MessageText]
    topic: str = ""
    link: str = ""
    is_fallback: bool = False

    def missing_languages(self, languages: tuple[str, ...]) -> list[str]:
        return [
            lang
            for lang in languages
            if lang not in self.texts or not self.texts[lang].is_complete()
        ]

    def languages_in(self, languages: tuple[str, ...]) -> tuple[str, ...]:
        """The campaign languages (in campaign order) this version has a complete text in: the
        ones it can be shown in. A language added to the campaign later is missing here until a
        new version with it is approved; meanwhile the message plays in the others."""
        return tuple(
            lang for lang in languages if lang in self.texts and self.texts[lang].is_complete()
        )


# The key of a campaign's last-resort slide (its name and slogan): message keys are slugs of
# lowercase letters, digits and '-', so this one can never be a manager's message.
CAMPAIGN_CARD_KEY = "_campaign"


def campaign_card(campaign: Campaign) -> Message:
    """The slide a campaign's screens show when it has no approved message at all: its name as
    the headline and its slogan as the body, in every language it has a name in. Managers set
    both with the campaign, so a screen always has something of the campaign's own to show."""
    texts = {
        lang: MessageText(headline=name, body=campaign.slogans.get(lang) or name)
        for lang, name in campaign.names.items()
        if name.strip()
    }
    return Message(
        key=CAMPAIGN_CARD_KEY,
        version=0,
        status=MessageStatus.APPROVED,
        texts=texts,
        is_fallback=True,
    )


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    ref: str  # phase number as text, hub code, "HUB/ZONE", screen code, or venue type code

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.ref}"


@dataclass(frozen=True)
class Booking:
    key: str
    message_key: str
    target: Target
    starts_on: date
    ends_on: date  # inclusive
    weekdays: frozenset[int] = ALL_WEEKDAYS  # 0 = Monday, as date.weekday()
    window_start: time | None = None  # None/None: all day
    window_end: time | None = None  # may be earlier than window_start: the window crosses midnight
    weight: int = 1
    priority: int = 0
    slot_duration_s: int = 10
    orientation: Orientation | None = None  # None: any orientation


@dataclass(frozen=True)
class Network:
    """Everything the rules need about one campaign and the places it runs."""

    campaign: Campaign
    phases: tuple[Phase, ...]
    hubs: dict[str, Hub]
    zones: dict[tuple[str, str], Zone]
    screens: dict[str, Screen]
    messages: dict[str, Message]
    bookings: tuple[Booking, ...]
