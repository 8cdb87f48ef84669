"""Several campaigns on one screen: shares of voice, the mixed loop, and never an empty screen."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.domain.model import FundingStatus, MessageStatus, Network
from campaign.domain.plans import Plan, parse_plan, shift_plan
from campaign.domain.playback import NetworkPlayback
from campaign.domain.playlist import PlaylistItem
from campaign.domain.share_of_voice import loop_repeats, mix, slot_groups

DEMO = (Path(__file__).resolve().parents[2] / "schedules" / "peru-unido-2026.toml").read_text()
AT = datetime(2026, 10, 15, 17, 0, tzinfo=UTC)  # phase 1 of the demo plan runs


def network_of(plan: Plan) -> Network:
    return Network(
        campaign=plan.campaign,
        phases=plan.phases,
        hubs={h.code: h for h in plan.hubs},
        zones={(z.hub_code, z.code): z for z in plan.zones},
        screens={s.code: s for s in plan.screens},
        messages={m.key: m for m in plan.messages},
        bookings=plan.bookings,
    )


DEMO_NETWORK = network_of(parse_plan(DEMO))
# The same campaign again under another slug: a second campaign on the same screens.
SECOND = replace(DEMO_NETWORK, campaign=replace(DEMO_NETWORK.campaign, slug="segunda"))


def item(campaign: str, key: str, lang: str, seconds: int = 10) -> PlaylistItem:
    return PlaylistItem(f"{campaign}/{key}.v1.{lang}", campaign, key, 1, lang, seconds, "b-" + key)


def airtime(items: tuple[PlaylistItem, ...]) -> Counter[str]:
    seconds = Counter[str]()
    for i in items:
        seconds[i.campaign] += i.duration_s
    return seconds


def test_one_campaign_alone_is_its_own_loop() -> None:
    loop = NetworkPlayback([DEMO_NETWORK]).loop("LIM-ARR-01", AT)
    from campaign.domain.playlist import PlaylistEngine

    alone = PlaylistEngine(DEMO_NETWORK).build("LIM-ARR-01", AT)
    assert loop.items == alone.items and loop.version == alone.version


def test_equal_shares_by_default_and_the_share_set_on_a_phase() -> None:
    equal = NetworkPlayback([DEMO_NETWORK, SECOND]).loop("LIM-ARR-01", AT)
    seconds = airtime(equal.items)
    assert seconds[DEMO_NETWORK.campaign.slug] == seconds["segunda"]
    doubled = replace(SECOND, phases=tuple(replace(p, share_of_voice=2) for p in SECOND.phases))
    loop = NetworkPlayback([DEMO_NETWORK, doubled]).loop("LIM-ARR-01", AT)
    seconds = airtime(loop.items)
    assert Fraction(seconds["segunda"], seconds[DEMO_NETWORK.campaign.slug]) == 2
    by_hub = replace(
        SECOND, campaign=replace(SECOND.campaign, share_of_voice_by_hub={"LIM": 3})
    )  # the hub's share wins over the phase's
    seconds = airtime(NetworkPlayback([DEMO_NETWORK, by_hub]).loop("LIM-ARR-01", AT).items)
    assert Fraction(seconds["segunda"], seconds[DEMO_NETWORK.campaign.slug]) == 3


def test_a_pair_of_languages_stays_together_in_the_mix() -> None:
    a = (item("a", "m1", "es"), item("a", "m1", "en"), item("a", "m2", "es"), item("a", "m2", "en"))
    b = (item("b", "x", "es"), item("b", "x", "en"))
    assert [len(g) for g in slot_groups(a)] == [2, 2]
    loop = mix([(Fraction(1), a), (Fraction(1), b)])
    ids = [i.id for i in loop]
    for position, current in enumerate(loop):
        if current.lang == "en":  # every English slide follows its own Spanish one
            assert ids[position - 1] == current.id.replace(".en", ".es")
    assert airtime(loop) == {"a": 40, "b": 40}


def test_loop_repeats_are_exact_when_short_and_close_when_long() -> None:
    assert loop_repeats([Fraction(1), Fraction(2)], [40, 20], [4, 2]) == [1, 4]
    repeats = loop_repeats([Fraction(1), Fraction(1)], [137, 71], [60, 30])
    assert sum(k * n for k, n in zip(repeats, [60, 30], strict=True)) <= 360
    ratio = Fraction(repeats[0] * 137, repeats[1] * 71)
    assert abs(ratio - 1) < Fraction(1, 20)


def test_a_campaign_whose_phase_is_unfunded_takes_nothing() -> None:
    unfunded = replace(
        SECOND,
        phases=tuple(replace(p, funding_status=FundingStatus.PENDING) for p in SECOND.phases),
    )
    loop = NetworkPlayback([DEMO_NETWORK, unfunded]).loop("LIM-ARR-01", AT)
    assert loop.campaigns == (DEMO_NETWORK.campaign.slug,)


# --- never empty, whatever a manager does ---------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["add-language", "remove-language", "pause", "retire", "unbook", "unfund"]),
        st.integers(0, 20),
    ),
    max_size=12,
)


def act(network: Network, action: str, index: int) -> Network:
    """One manager action on a campaign, as the services allow it."""
    campaign = network.campaign
    keys = sorted(network.messages)
    if action == "add-language" and "qu" not in campaign.languages:
        names = {**campaign.names, "qu": "Ama pipas"}
        return replace(
            network, campaign=replace(campaign, languages=(*campaign.languages, "qu"), names=names)
        )
    if action == "remove-language" and len(campaign.languages) > 1:
        gone = campaign.languages[index % len(campaign.languages)]
        kept = tuple(lang for lang in campaign.languages if lang != gone)
        names = {k: v for k, v in campaign.names.items() if k != gone}
        return replace(network, campaign=replace(campaign, languages=kept, names=names))
    if action in {"pause", "retire"} and keys:
        key = keys[index % len(keys)]
        status = MessageStatus.PAUSED if action == "pause" else MessageStatus.RETIRED
        messages = {**network.messages, key: replace(network.messages[key], status=status)}
        return replace(network, messages=messages)
    if action == "unbook" and network.bookings:
        gone = index % len(network.bookings)
        return replace(network, bookings=network.bookings[:gone] + network.bookings[gone + 1 :])
    if action == "unfund" and network.phases:
        phases = list(network.phases)
        phases[index % len(phases)] = replace(
            phases[index % len(phases)], funding_status=FundingStatus.DECLINED
        )
        return replace(network, phases=tuple(phases))
    return network


@settings(max_examples=60, deadline=None)
@given(
    first=ACTIONS,
    second=ACTIONS,
    days=st.integers(-200, 400),
    minutes=st.integers(0, 24 * 60 - 1),
)
def test_every_screen_always_has_something_to_play(first, second, days, minutes) -> None:
    one, two = DEMO_NETWORK, SECOND
    for action, index in first:
        one = act(one, action, index)
    for action, index in second:
        two = act(two, action, index)
    playback = NetworkPlayback([one, two])
    instant = AT + timedelta(days=days, minutes=minutes)
    for code in playback.screens:
        loop = playback.loop(code, instant)
        assert loop.items and loop.fallback, (code, first, second)
        assert instant < loop.valid_until <= instant + timedelta(hours=24)
        for shown in loop.items + loop.fallback:  # never a language the message lacks
            network = one if shown.campaign == one.campaign.slug else two
            if shown.message_key != "_campaign":
                message = network.messages[shown.message_key]
                assert message.status is MessageStatus.APPROVED
                assert all(message.texts[lang].is_complete() for lang in shown.lang.split("+"))


def test_shifted_demo_dates_play_the_same_way() -> None:
    shifted = network_of(shift_plan(parse_plan(DEMO), 10))
    loop = NetworkPlayback([shifted]).loop("LIM-ARR-01", AT + timedelta(days=10))
    assert loop.items == NetworkPlayback([DEMO_NETWORK]).loop("LIM-ARR-01", AT).items


@settings(max_examples=40, deadline=None)
@given(
    shares=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    sizes=st.tuples(st.integers(1, 30), st.integers(1, 30)),
    seconds=st.tuples(st.integers(8, 20), st.integers(8, 20)),
)
def test_long_loops_keep_their_shares(shares, sizes, seconds) -> None:
    """However long the campaigns' own loops, the mix gives each its share of airtime, within
    a few percent (exactly where the loop can be short enough)."""
    parts = [
        (
            Fraction(share),
            tuple(item(name, f"m{i}", lang, length) for i in range(count) for lang in ("es", "en")),
        )
        for name, share, count, length in zip("ab", shares, sizes, seconds, strict=True)
    ]
    seconds_of = airtime(mix(parts))
    ratio = Fraction(seconds_of["a"], seconds_of["b"])
    wanted = Fraction(shares[0], shares[1])
    assert abs(ratio / wanted - 1) <= Fraction(1, 20), (ratio, wanted)
