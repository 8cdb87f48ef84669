"""The OpenOOH venue taxonomy types a transport hub or a tourist area's screens stand in."""

from __future__ import annotations

from dataclasses import dataclass

# OpenOOH Venue Taxonomy 1.1 (openooh/venue-taxonomy, specification-1.1.md): its enumeration
# ids and its string values. The strings are the ones zones store (the demo plan uses them,
# e.g. "transit.airports.arrivals_hall"); the ids are what bid requests and exports carry.
# Only the part of the taxonomy where this campaign's screens stand is listed. The taxonomy
# has no border-crossing type: a border post's screens take its terminal's type (bus, train,
# ferry) or, in a waiting hall, "transit.buses.terminal".
TAXONOMY_VERSION = "1.1"


@dataclass(frozen=True)
class VenueType:
    """One assignable type: a child category, or a grandchild of one."""

    code: str  # the taxonomy's string value, e.g. "transit.airports.gates"
    id: int  # its enumeration id, e.g. 10105
    name: str  # the taxonomy's English name
    category: str  # the code of the child category it belongs to (itself for a child)


@dataclass(frozen=True)
class VenueCategory:
    """A child category of the taxonomy and the types under it, itself first."""

    code: str
    id: int
    name: str
    parent: str  # the top-level category's English name, e.g. "Transit"
    types: tuple[VenueType, ...]


def _category(
    parent: str, code: str, id: int, name: str, *children: tuple[str, int, str]
) -> VenueCategory:
    own = VenueType(code, id, name, code)
    grandchildren = tuple(VenueType(f"{code}.{leaf}", gid, n, code) for leaf, gid, n in children)
    return VenueCategory(code, id, name, parent, (own, *grandchildren))


CATEGORIES: tuple[VenueCategory, ...] = (
    _category(
        "Transit",
        "transit.airports",
        101,
        "Airports",
        ("arrivals_hall", 10101, "Arrival hall"),
        ("baggage_claim", 10102, "Baggage claim"),
        ("departures_hall", 10103, "Departures hall"),
        ("food_court", 10104, "Food court"),
        ("gates", 10105, "Gates"),
        ("lounges", 10106, "Lounges"),
        ("shopping_area", 10107, "Shopping area"),
    ),
    _category(
        "Transit",
        "transit.buses",
        102,
        "Buses",
        ("bus", 10201, "Bus"),
        ("terminal", 10202, "Terminal"),
    ),
    _category(
        "Transit",
        "transit.train_stations",
        106,
        "Train stations",
        ("train", 10601, "Train"),
        ("platform", 10602, "Platform"),
    ),
    _category(
        "Transit",
        "transit.subway",
        105,
        "Subway",
        ("train", 10501, "Subway train"),
        ("platform", 10502, "Platform"),
    ),
    _category("Transit", "transit.ferry", 107, "Ferry"),
    _category("Outdoor", "outdoor.urban_panels", 302, "Urban panels"),
    _category("Outdoor", "outdoor.bus_shelters", 303, "Bus shelters"),
    _category("Outdoor", "outdoor.billboards", 301, "Billboards"),
    _category(
        "Leisure",
        "entertainment.recreational",
        801,
        "Recreational locations",
        ("theme_parks", 80101, "Theme parks"),
        ("museums_galleries", 80102, "Museums and galleries"),
    ),
    _category(
        "Leisure",
        "entertainment.hotels",
        807,
        "Hotels",
        ("lobby", 80701, "Lobby"),
    ),
    _category("Leisure", "entertainment.casual_dining", 805, "Casual dining"),
    _category("Leisure", "entertainment.qsr", 806, "Quick-service restaurants"),
    _category("Leisure", "entertainment.bars", 804, "Bars"),
    _category(
        "Retail",
        "retail.malls",
        205,
        "Malls",
        ("concourse", 20501, "Concourse"),
        ("food_court", 20502, "Food court"),
    ),
    _category("Retail", "retail.convenience_store", 202, "Convenience stores"),
    _category("Retail", "retail.parking_garages", 208, "Parking garages"),
)

BY_CODE: dict[str, VenueType] = {t.code: t for c in CATEGORIES for t in c.types}
CATEGORY_BY_CODE: dict[str, VenueCategory] = {c.code: c for c in CATEGORIES}

# The categories a kind of hub (`model.HubKind` values) usually has screens in, listed first
# in a chooser; every other category stays available.
USUAL_BY_HUB_KIND: dict[str, tuple[str, ...]] = {
    "airport": ("transit.airports",),
    "bus_terminal": ("transit.buses",),
    "border_crossing": ("transit.buses", "transit.train_stations"),
    "port": ("transit.ferry",),
    "tourist_area": (
        "entertainment.recreational",
        "outdoor.urban_panels",
        "entertainment.hotels",
    ),
}


def venue_type(code: str) -> VenueType | None:
    """The type with this string value; None for an empty or unknown one."""
    return BY_CODE.get(code)


def is_known(code: str) -> bool:
    return code in BY_CODE


def categories_for(hub_kind: str | None = None) -> tuple[VenueCategory, ...]:
    """Every category, those usual for `hub_kind` first (in their usual order), the rest as
    listed."""
    usual = USUAL_BY_HUB_KIND.get(hub_kind or "", ())
    first = tuple(CATEGORY_BY_CODE[c] for c in usual)
    return first + tuple(c for c in CATEGORIES if c.code not in usual)
