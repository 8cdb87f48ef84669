"""Rule 3 (weights, spreading, no message twice in a row) and rule 4's language sequences."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import reduce
from math import gcd

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY

from campaign.domain.rotation import (
    MAX_CYCLE_SLOTS,
    Share,
    apportion,
    can_finish,
    cycle_counts,
    effective_policy,
    language_sequence,
    rotation,
    spread,
)


def shares(*spec: tuple[str, int]) -> list[Share]:
    return [Share(f"B{i}", message_key, weight) for i, (message_key, weight) in enumerate(spec)]


def played(spec: list[Share]) -> str:
    return "".join(spec[i].message_key for i in rotation(spec))


def assert_no_repeat(messages: list[str]) -> None:
    if len(set(messages)) > 1:
        pairs = zip(messages, messages[1:] + messages[:1], strict=True)  # the wrap included
        assert all(a != b for a, b in pairs), messages


@pytest.mark.parametrize(
    ("spec", "loop"),
    [
        ((("A", 1),), "A"),
        ((("A", 1), ("B", 1)), "AB"),
        ((("A", 1), ("B", 1), ("C", 1)), "ABC"),
        ((("A", 2), ("B", 4)), "BBA"),  # 2:4 plays as 1:2: B has no room but to repeat
        ((("A", 3), ("B", 1)), "AAAB"),  # 3:1 plays 3:1
        ((("A", 2), ("B", 1), ("C", 1)), "ABAC"),  # plain SWRR would give ABCA: A twice at wrap
        ((("A", 5), ("B", 3), ("C", 2)), "ABACABACAB"),
        ((("A", 4), ("B", 2), ("C", 1), ("D", 1)), "ABACADAB"),
        # SWRR gives ABCAB then C, which would leave A last, next to the first A: A, then C.
        ((("A", 3), ("B", 2), ("C", 2)), "ABCABAC"),
    ],
)
def test_hand_checked_loops(spec, loop: str) -> None:
    assert played(shares(*spec)) == loop


def test_smooth_weighted_round_robin_spreads_the_heavy_booking() -> None:
    # nginx's example: weights 5, 1, 1 give a a b a c a a; here a's runs are evened out too.
    assert played(shares(("a", 5), ("b", 1), ("c", 1))) == "aabaaac"
    # With enough other messages it keeps its full weight, every other slot.
    loop = played(shares(("a", 3), ("b", 1), ("c", 1), ("d", 1)))
    assert loop == "abacad"


def test_a_message_alone_may_repeat() -> None:
    assert played(shares(("A", 3))) == "A"  # weights reduce by their gcd
    assert played(shares(("A", 2), ("A", 1))) == "AAA"  # nothing else to play in between


def test_bookings_sharing_a_message_share_its_turns() -> None:
    spec = shares(("A", 1), ("A", 1), ("B", 2))
    loop = rotation(spec)
    assert "".join(spec[i].message_key for i in loop) == "BABA"
    assert sorted(spec[i].key for i in loop if spec[i].message_key == "A") == ["B0", "B1"]


def test_a_dominant_message_keeps_its_weight_its_repeats_spread_evenly() -> None:
    spec = shares(("A", 6), ("A", 3), ("B", 1), ("C", 2))
    loop = rotation(spec)
    assert Counter(loop) == {0: 6, 1: 3, 2: 1, 3: 2}  # every weight kept: A has 9 of 12
    assert played(spec) == "AAACAAACAAAB"  # A's 9 slots in runs of 3 between the others'
    assert [spec[i].key for i in loop[:3]] == ["B0", "B1", "B0"]  # A's bookings share its runs


def test_spread_evens_out_the_runs() -> None:
    assert spread(5, 3) == [1, 2, 2]
    assert spread(6, 3) == [2, 2, 2]
    assert spread(1, 4) == [0, 0, 0, 1]


def test_cycle_counts_reduce_and_cap() -> None:
    assert cycle_counts([2, 4, 6]) == [1, 2, 3]
    assert cycle_counts([0, -1, 3]) == [1, 1, 3]  # below 1 counts as 1
    assert cycle_counts([1] * 150) == [1] * 150  # every booking at least once
    big = cycle_counts([100, 50, 30, 1])
    assert big == [66, 33, 20, 1]  # 120 slots by largest remainders, 0.66 raised to 1
    assert sum(cycle_counts([7, 11, 13, 17, 19, 23, 29, 31])) <= MAX_CYCLE_SLOTS


def test_apportion_by_largest_remainders() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]  # ties go to the earlier weight
    assert apportion(7, [5, 3]) == [4, 3]
    assert apportion(3, [10, 1]) == [3, 0]


# --- Properties ---------------------------------------------------------------------------------

share_lists = st.lists(
    st.tuples(st.sampled_from("ABCDEF"), st.integers(1, 9)), min_size=1, max_size=12
).map(lambda spec: shares(*spec))


def message_slots(spec: list[Share]) -> Counter[str]:
    """Each message's slots in one loop (the weights reduced as cycle_counts does)."""
    per_message = Counter[str]()
    for share, count in zip(spec, cycle_counts([s.weight for s in spec]), strict=True):
        per_message[share.message_key] += count
    return per_message


def longest_runs(messages: list[str]) -> Counter[str]:
    """Each message's longest run of plays in a row, the loop's wrap included."""
    runs = Counter[str]()
    if len(set(messages)) == 1:
        return Counter({messages[0]: len(messages)})
    start = next(i for i in range(len(messages)) if messages[i] != messages[i - 1])
    turned = messages[start:] + messages[:start]
    for message, group in itertools.groupby(turned):
        runs[message] = max(runs[message], len(list(group)))
    return runs


@PROPERTY
@given(share_lists)
def test_no_message_twice_in_a_row_where_the_weights_leave_room(spec: list[Share]) -> None:
    messages = [spec[i].message_key for i in rotation(spec)]
    per_message = message_slots(spec)
    message, largest = per_message.most_common(1)[0]
    others = sum(per_message.values()) - largest
    if len(per_message) == 1 or largest <= others:
        assert_no_repeat(messages)
    else:  # only the big message repeats, in runs as even as its slots allow
        runs = longest_runs(messages)
        assert runs[message] == -(-largest // others)
        assert all(run == 1 for other, run in runs.items() if other != message), messages


@PROPERTY
@given(share_lists)
def test_weights_are_kept_exactly(spec) -> None:
    loop = rotation(spec)
    counts = Counter(loop)
    total = sum(s.weight for s in spec)
    divisor = reduce(gcd, (s.weight for s in spec))
    assert len(loop) == total // divisor  # share_lists stay under MAX_CYCLE_SLOTS
    for i, share in enumerate(spec):  # exact proportions, whichever message is heavy: 3:1 is 3:1
        assert counts[i] * total == share.weight * len(loop)


@PROPERTY
@given(st.lists(st.integers(1, 500), min_size=1, max_size=200))
def test_long_loops_are_capped_and_stay_proportional(weights: list[int]) -> None:
    counts = cycle_counts(weights)
    assert all(count >= 1 for count in counts)
    assert sum(counts) <= max(MAX_CYCLE_SLOTS + counts.count(1), len(weights))
    if sum(weights) > MAX_CYCLE_SLOTS:
        scale = sum(counts) / sum(weights)  # each within one slot of its share of the loop
        for weight, count in zip(weights, counts, strict=True):
            assert count == 1 or abs(count - weight * scale) < 1 + counts.count(1)


@PROPERTY
@given(share_lists)
def test_the_loop_is_deterministic_and_spread(spec: list[Share]) -> None:
    loop = rotation(spec)
    assert rotation(list(spec)) == loop
    positions: dict[int, list[int]] = {}
    for position, i in enumerate(loop):
        positions.setdefault(i, []).append(position)
    for i, seen in positions.items():  # no booking waits much longer than its fair gap
        following = seen[1:] + seen[:1]
        gaps = [(b - a) % len(loop) or len(loop) for a, b in zip(seen, following, strict=True)]
        fair = len(loop) / len(seen)
        assert max(gaps) <= 2 * fair + 2, (spec[i], loop)


def test_can_finish_is_exact_for_small_loops() -> None:
    """The greedy loop never gets stuck because can_finish is exactly "a way to finish exists"."""

    def brute(left: Counter[str], placed: str, first: str) -> bool:
        rest = [m for m, c in left.items() for _ in range(c)]
        return any(
            all(a != b for a, b in itertools.pairwise((placed, *order, first)))
            for order in set(itertools.permutations(rest))
        )

    for counts in itertools.product(range(4), repeat=3):
        left = Counter(dict(zip("ABC", counts, strict=True)))
        for placed, first in itertools.product("ABC", repeat=2):
            assert can_finish(left, placed, sum(counts), first) == brute(left, placed, first)


# --- Rule 4 -------------------------------------------------------------------------------------


def test_language_sequences() -> None:
    es_en = ("es", "en")
    assert language_sequence(2, "pair", es_en) == [
        (0, ("es",)), (0, ("en",)), (1, ("es",)), (1, ("en",)),
    ]  # fmt: skip
    assert language_sequence(2, "bilingual", es_en) == [(0, es_en), (1, es_en)]
    assert language_sequence(2, "en", es_en) == [(0, ("en",)), (1, ("en",))]
    assert language_sequence(1, "fr", es_en) == [(0, ("es",)), (0, ("en",))]  # unknown: pair
    odd = language_sequence(3, "alternate", es_en)  # the languages keep alternating
    assert [lang for _, (lang,) in odd] == ["es", "en", "es", "en", "es", "en"]
    assert [p for p, _ in odd] == [0, 1, 2, 0, 1, 2]
    even = language_sequence(2, "alternate", es_en)  # the second round starts one language later
    assert even == [(0, ("es",)), (1, ("en",)), (0, ("en",)), (1, ("es",))]


@pytest.mark.parametrize(
    ("policy", "mode"),
    [("pair", "pair"), ("alternate", "alternate"), ("bilingual", "bilingual"), ("es", "es"),
     ("fr", "pair"), ("", "pair"), ("ES", "pair")],
)  # fmt: skip
def test_effective_policy(policy: str, mode: str) -> None:
    assert effective_policy(policy, ("es", "en")) == mode


@PROPERTY
@given(st.integers(1, 40), st.sampled_from([("es", "en"), ("es", "en", "qu"), ("es",)]))
def test_alternate_balances_every_slot_across_languages(length: int, languages) -> None:
    sequence = language_sequence(length, "alternate", languages)
    per_slot = Counter((p, langs) for p, langs in sequence)
    assert all(per_slot[p, (lang,)] == 1 for p in range(length) for lang in languages)
    langs = [lang for _, (lang,) in sequence]
    if gcd(length, len(languages)) == 1:  # then the languages alternate all the way round
        assert all(
            languages.index(b) == (languages.index(a) + 1) % len(languages)
            for a, b in zip(langs, langs[1:] + langs[:1], strict=True)
        )
    else:  # inside each round they alternate
        for r in range(len(languages)):
            chunk = langs[r * length : (r + 1) * length]
            assert all(a != b for a, b in itertools.pairwise(chunk)) or len(languages) == 1
