"""Rule 3 of the playlist engine: a loop of weighted bookings, spread out, no message repeated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd

from campaign.domain.model import LanguagePolicy

MAX_CYCLE_SLOTS = 120


@dataclass(frozen=True)
class Share:
    """A booking's claim on the loop: which message it plays and with what weight."""

    key: str
    message_key: str
    weight: int


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Share `total` slots out in proportion to `weights` by largest remainders (Hamilton's method):
    every count is its exact quota rounded down or up; ties go to the earlier weight."""
    whole = sum(weights)
    counts = [total * weight // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def cycle_counts(weights: Sequence[int], max_slots: int = MAX_CYCLE_SLOTS) -> list[int]:
    """How many slots each booking gets in one loop, keeping loops short.

    Weights below 1 count as 1 (loaders only let positive weights through). The weights are
    divided by their greatest common divisor (2:4 plays as 1:2). When they still add up to more
    than `max_slots`, the slots are shared out over `max_slots` by largest remainders, and a
    booking whose share rounds to nothing keeps one slot: every eligible booking plays at least
    once per loop, so a loop is at most max(max_slots + bookings below one slot, bookings) long."""
    weights = [max(1, weight) for weight in weights]
    if not weights:
        return []
    if sum(weights) > max_slots:
        weights = [max(1, count) for count in apportion(max_slots, weights)]
    divisor = gcd(*weights)
    return [weight // divisor for weight in weights]


def spread(count: int, gaps: int) -> list[int]:
    """`count` slots shared over `gaps` places as evenly as possible, the larger shares spread out
    rather than bunched at the start (Bresenham): spread(5, 3) == [1, 2, 2]."""
    return [(g + 1) * count // gaps - g * count // gaps for g in range(gaps)]


def can_finish(left: Counter[str], placed: str, remaining: int, first: str) -> bool:
    """Whether the `remaining` slots of the loop can still be filled so that no message plays twice
    in a row, just after `placed` and wrapping round to `first` (the loop's first message). A
    message with c slots left needs 2c - 1 places with gaps between them; the place right after
    `placed` is closed to `placed`, and the last place (before the wrap) is closed to `first`.
    `left` counts the slots each message still has, `placed` already taken off."""
    if remaining == 0:
        return placed != first
    for message, count in left.items():
        room = remaining - (message == placed) - (message == first)
        if count > (room + 1) // 2:
            return False
    return True


def rotation(shares: Sequence[Share], max_slots: int = MAX_CYCLE_SLOTS) -> list[int]:
    """Rule 3. One loop of the shares, as indices into `shares`.

    In one loop each booking appears exactly in proportion to its weight (`cycle_counts`): two
    messages at 3:1 play 3:1. The slots are spread out rather than bunched, and when two or more
    messages are eligible the same message never plays twice in a row (across the loop's wrap
    too) wherever the weights leave room for it, that is while no message has more than half of
    the loop. A message that has more (3:1) repeats, its slots spread as evenly as they can be
    over the gaps between the others' (`arrange`). Deterministic: the same shares in the same
    order give the same loop."""
    return arrange(shares, cycle_counts([share.weight for share in shares], max_slots))


def arrange(shares: Sequence[Share], counts: Sequence[int]) -> list[int]:
    """Rule 3 with each share's slot count given: a loop of exactly `counts[i]` turns of share i.

    When no message has more than half of the turns: smooth weighted round-robin as nginx does
    for upstreams (every turn each share gains its count in credit, the one with the most credit
    plays and pays the loop's length back; ties go to the earlier share), where the turn goes to
    the richest share whose message differs from the previous one and after which the loop can
    still be finished without a repeat (`can_finish`). When one message has more: the others'
    loop is arranged first (the same way), and the big message's turns fill the gaps between
    its turns, `spread` evenly, so its repeats are as short as the weights allow."""
    per_message = Counter[str]()
    for share, count in zip(shares, counts, strict=True):
        per_message[share.message_key] += count
    total = sum(counts)
    if len(per_message) > 1:
        message, largest = per_message.most_common(1)[0]
        if largest > total - largest:
            mine = [i for i, share in enumerate(shares) if share.message_key == message]
            rest = [i for i, share in enumerate(shares) if share.message_key != message]
            rest_loop = [
                rest[j] for j in arrange([shares[i] for i in rest], [counts[i] for i in rest])
            ]
            mine_loop = [mine[j] for j in smooth_round_robin([counts[i] for i in mine])]
            loop: list[int] = []
            taken = 0
            for gap, size in zip(rest_loop, spread(largest, len(rest_loop)), strict=True):
                loop.extend(mine_loop[taken : taken + size])
                loop.append(gap)
                taken += size
            return loop
    return _no_repeat_round_robin(shares, counts)


def smooth_round_robin(counts: Sequence[int]) -> list[int]:
    """Smooth weighted round-robin over exact counts, with no other rule."""
    total = sum(counts)
    credit = [0] * len(counts)
    loop = []
    for _ in range(total):
        for i, count in enumerate(counts):
            credit[i] += count
        chosen = max(range(len(counts)), key=credit.__getitem__)
        credit[chosen] -= total
        loop.append(chosen)
    return loop


def _no_repeat_round_robin(shares: Sequence[Share], counts: Sequence[int]) -> list[int]:
    """Smooth weighted round-robin over exact counts where no message plays twice in a row
    (callers make sure no message has more than half of the turns)."""
    total = sum(counts)
    playing = [i for i, count in enumerate(counts) if count]
    left = Counter[str]()
    for i in playing:
        left[shares[i].message_key] += counts[i]
    several_messages = len(left) > 1
    credit = [0] * len(shares)
    slots_left = list(counts)
    loop: list[int] = []
    previous: str | None = None
    first: str | None = None

    def can_take_turn(i: int, turn: int) -> bool:
        """Taking this turn leaves a way to finish the loop without a repeat."""
        message = shares[i].message_key
        left[message] -= 1
        if can_finish(left, message, total - turn - 1, message if first is None else first):
            return True
        left[message] += 1
        return False

    for turn in range(total):
        for i in playing:
            credit[i] += counts[i]
        open_to = [
            i
            for i in playing
            if slots_left[i] and not (several_messages and shares[i].message_key == previous)
        ]
        chosen = max(open_to, key=credit.__getitem__)  # the first of the richest
        if several_messages and not can_take_turn(chosen, turn):
            by_credit = sorted(open_to, key=lambda i: (-credit[i], i))
            chosen = next(i for i in by_credit if i != chosen and can_take_turn(i, turn))
        credit[chosen] -= total
        slots_left[chosen] -= 1
        loop.append(chosen)
        previous = shares[chosen].message_key
        if first is None:
            first = previous
    return loop


# --- Rule 4 -------------------------------------------------------------------------------------


def effective_policy(policy: str, languages: Sequence[str]) -> str:
    """A policy the engine can apply: pair, alternate, bilingual or one of the campaign languages.
    Anything else (a language the campaign does not speak, an unknown word) plays as pair, so no
    traveller misses a language because of a typo."""
    if policy in {p.value for p in LanguagePolicy} or policy in languages:
        return policy
    return LanguagePolicy.PAIR.value


def language_sequence(
    length: int, policy: str, languages: Sequence[str]
) -> list[tuple[int, tuple[str, ...]]]:
    """Rule 4. How the `length` slots of the loop show the campaign languages: the items to play,
    in order, each as (slot position, languages on the slide).

    - pair (the default): each slot shows the message in every language back to back, in campaign
      order (es, then en).
    - alternate: consecutive slots alternate languages, and over the loop every message is shown
      equally often in each language: the loop of W slots is played once per language (L rounds),
      slot p of round r in language (p + r*k) mod L. With k = W, when W and L share no divisor
      (e.g. an odd loop in two languages), the languages simply keep alternating across rounds;
      otherwise k = 1, each round starting one language later, and the two slots either side of a
      round boundary share a language (two different messages): with two messages of equal weight
      in two languages there is no other way to balance them without playing one twice in a row.
    - bilingual: one slide carrying every language, lang "es+en".
    - a single campaign language code ("es"): only that language."""
    mode = effective_policy(policy, languages)
    languages = tuple(languages)
    if mode == LanguagePolicy.PAIR:
        return [(p, (lang,)) for p in range(length) for lang in languages]
    if mode == LanguagePolicy.BILINGUAL:
        return [(p, languages) for p in range(length)]
    if mode == LanguagePolicy.ALTERNATE:
        count = len(languages)
        step = length if gcd(length, count) == 1 else 1
        return [
            (p, (languages[(p + r * step) % count],)) for r in range(count) for p in range(length)
        ]
    return [(p, (mode,)) for p in range(length)]
