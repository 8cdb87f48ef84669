"""Several campaigns on one screen: each campaign's share of the loop, and the loops mixed by it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from math import gcd, lcm

from campaign.domain.eligibility import active_phase_numbers
from campaign.domain.model import Network
from campaign.domain.playlist import PlaylistItem
from campaign.domain.rotation import smooth_round_robin

DEFAULT_SHARE = Fraction(1)
# A mixed loop longer than this many items is approximated: the shortest within 0.5 % of each
# share (relative) up to this length, else a longer one within 2 % (see loop_repeats).
MAX_MIX_ITEMS = 360
CLOSE_ENOUGH = Fraction(1, 200)
# Past MAX_MIX_ITEMS a loop may grow to this many items, until each share is within GOOD_ENOUGH.
LONGEST_MIX_ITEMS = 1200
GOOD_ENOUGH = Fraction(2, 100)


def as_share(value: float | int) -> Fraction:
    """A share of voice as an exact fraction (2.5 → 5/2); managers give at most a few decimals,
    and a positive share never rounds to nothing."""
    return max(Fraction(value).limit_denominator(1000), Fraction(1, 1000))


def campaign_share(network: Network, hub_code: str, local_day: date) -> Fraction:
    """The campaign's share of voice at the hub on `local_day`: the one the manager set for the
    hub, else the largest one of the campaign's phases active there that day, else 1 (equal)."""
    by_hub = network.campaign.share_of_voice_by_hub.get(hub_code)
    if by_hub is not None:
        return as_share(by_hub)
    active = active_phase_numbers(hub_code, network.phases, local_day)
    shares = [as_share(p.share_of_voice) for p in network.phases if p.number in active]
    return max(shares, default=DEFAULT_SHARE)


def slot_groups(items: Sequence[PlaylistItem]) -> list[tuple[PlaylistItem, ...]]:
    """The loop cut where another campaign's slot may come in: never inside one message's run of
    languages (a pair, es then en, stays together), so each group is one message shown once in
    each of its languages."""
    groups: list[list[PlaylistItem]] = []
    for item in items:
        group = groups[-1] if groups else None
        if (
            group is None
            or group[-1].message_key != item.message_key
            or group[-1].booking_key != item.booking_key
            or any(other.lang == item.lang for other in group)
        ):
            groups.append([item])
        else:
            group.append(item)
    return [tuple(group) for group in groups]


def loop_repeats(
    shares: Sequence[Fraction], airtimes: Sequence[int], lengths: Sequence[int]
) -> list[int]:
    """How many times each campaign's own loop is played in the mixed loop so that each one's
    airtime is in proportion to its share: k_i * airtime_i ∝ share_i, in the smallest whole
    numbers. Where those make the mixed loop longer than MAX_MIX_ITEMS items: the shortest
    repeats within CLOSE_ENOUGH of every share, searched up to that length; past it, longer
    loops (up to LONGEST_MIX_ITEMS) only until the shares are within GOOD_ENOUGH: a longer loop
    rather than wrong shares. Each campaign's loop plays at least once."""
    rates = [share / airtime for share, airtime in zip(shares, airtimes, strict=True)]
    scale = lcm(*(rate.denominator for rate in rates))
    whole = [int(rate * scale) for rate in rates]
    divisor = gcd(*whole)
    exact = [w // divisor for w in whole]
    if sum(k * n for k, n in zip(exact, lengths, strict=True)) <= MAX_MIX_ITEMS:
        return exact
    total_share = sum(shares)
    smallest = min(rates)
    best: list[int] | None = None
    best_error = Fraction(1)
    for base in range(1, LONGEST_MIX_ITEMS + 1):
        repeats = [max(1, round(base * rate / smallest)) for rate in rates]
        items = sum(k * n for k, n in zip(repeats, lengths, strict=True))
        if best is not None and items > LONGEST_MIX_ITEMS:
            break
        air = [k * a for k, a in zip(repeats, airtimes, strict=True)]
        error = max(  # relative: a small share is as wrong at 1:8 for 1:7 as a big one
            abs(Fraction(t, sum(air)) / (share / total_share) - 1)
            for t, share in zip(air, shares, strict=True)
        )
        if best is None or error < best_error:
            best, best_error = repeats, error
        if best_error <= CLOSE_ENOUGH or (items > MAX_MIX_ITEMS and best_error <= GOOD_ENOUGH):
            break
    assert best is not None  # base 1 always gives one
    return best


def mix(parts: Sequence[tuple[Fraction, tuple[PlaylistItem, ...]]]) -> tuple[PlaylistItem, ...]:
    """One loop of several campaigns' loops, each given with its share of voice.

    Each campaign's airtime in the loop is in proportion to its share (`loop_repeats`), each
    campaign's own loop plays whole and in its own order (so its weights and no-repeat rule
    hold), and the campaigns take turns slot by slot, spread by smooth weighted round-robin.
    One campaign alone is its own loop, unchanged."""
    parts = [(share, items) for share, items in parts if items]
    if len(parts) <= 1:
        return parts[0][1] if parts else ()
    groups = [slot_groups(items) for _, items in parts]
    repeats = loop_repeats(
        [share for share, _ in parts],
        [sum(item.duration_s for item in items) for _, items in parts],
        [len(items) for _, items in parts],
    )
    turns = smooth_round_robin([k * len(g) for k, g in zip(repeats, groups, strict=True)])
    taken = [0] * len(parts)
    loop: list[PlaylistItem] = []
    for part in turns:
        loop.extend(groups[part][taken[part] % len(groups[part])])
        taken[part] += 1
    return tuple(loop)
