"""Before approval: can a message's text slide be drawn legibly on every screen that may show it?"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from campaign.domain.model import Campaign, Message, MessageText, Partner, campaign_card
from campaign.domain.playlist import language_policy_of
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence.queries import (
    campaign_row,
    load_network,
    to_campaign,
    to_message,
    to_partner,
)
from campaign.rendering.colours import contrast_ratio, parse_hex
from campaign.rendering.refusals import SlideDoesNotFit, SlideNotLegible
from campaign.services.renditions import LANG_LABELS

# Checked when no screen is registered yet: the two usual full-HD shapes.
DEFAULT_SIZES = ((1920, 1080), (1080, 1920))


def _sizes_in_use(row: c_rows.Campaign, at: datetime) -> tuple[list[tuple[int, int]], set]:
    """Screen sizes that may show the campaign from `at` on, and those with a bilingual policy.

    Screens of hubs in phases not yet over count; with none, every registered screen does.
    """
    network = load_network(row)
    hubs = {h for p in network.phases if p.ends_on >= at.date() for h in p.hub_codes}
    screens = [s for s in network.screens.values() if s.hub_code in hubs]
    screens = screens or list(network.screens.values())
    sizes = sorted({(s.width, s.height) for s in screens}) or list(DEFAULT_SIZES)
    bilingual = {
        (s.width, s.height) for s in screens if language_policy_of(s, network) == "bilingual"
    }
    return sizes, bilingual


def _check(
    texts: list[tuple[str, MessageText]],
    size: tuple[int, int],
    campaign: Campaign,
    partners: tuple[Partner, ...],
    link: str,
    share: float,
) -> None:
    """Raise what drawing the slide would raise; measures the layout, draws nothing."""
    from campaign.rendering.slides import check_text_slide  # Pillow: only when checking

    check_text_slide(
        texts if len(texts) > 1 else texts[0][1],
        width=size[0],
        height=size[1],
        campaign=campaign,
        partners=partners,
        link=link,
        lang_labels=LANG_LABELS,
        min_text_share=share,
    )


def _words_to_cut(texts, size, campaign, partners, link, share) -> int | None:  # type: ignore[no-untyped-def]
    """How many words of the longest body must go for the slide to fit; None if cutting the
    body is not enough. Bisects on the body's length: a handful of layout checks."""
    index = max(range(len(texts)), key=lambda i: len(texts[i][1].body.split()))
    lang, text = texts[index]
    words = text.body.split()

    def fits(keep: int) -> bool:
        trial = list(texts)
        trial[index] = (lang, replace(text, body=" ".join(words[:keep])))
        try:
            _check(trial, size, campaign, partners, link, share)
        except SlideNotLegible:
            return False
        return True

    if not words or not fits(0):
        return None
    low, high = 0, len(words)  # fits(low) holds; fits(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return len(words) - low


def _problem(
    texts: list[tuple[str, MessageText]],
    size: tuple[int, int],
    campaign: Campaign,
    partners: tuple[Partner, ...],
    link: str,
    share: float,
) -> list[str]:
    """Why this slide cannot be drawn legibly, one sentence per problem; [] when it can."""
    width, height = size
    shape = "portrait" if height > width else "landscape"
    langs = "+".join(lang for lang, _ in texts)
    where = f"{shape} {width}×{height}, {langs}{' (bilingual)' if len(texts) > 1 else ''}"
    try:
        _check(texts, size, campaign, partners, link, share)
    except SlideDoesNotFit as exc:
        cut = _words_to_cut(texts, size, campaign, partners, link, share)
        if cut is None:
            return [f"{where}: {exc.message}"]
        return [
            f"{where}: the body is too long to fit at a legible size; cut about {cut} "
            f"word{'s' if cut != 1 else ''}"
        ]
    except SlideNotLegible as exc:
        return [f"{where}: {problem}" for problem in exc.problems]
    except ValueError as exc:
        return [f"{where}: {exc}"]
    return []


def _resolve(message: m_rows.MessageVersion | Message) -> tuple[Message, c_rows.Campaign]:
    if isinstance(message, m_rows.MessageVersion):
        return to_message(message.message, message), message.message.campaign
    row = campaign_row()
    if row is None:  # several campaigns: the one holding a message with this key
        row = db.session.scalar(
            select(c_rows.Campaign)
            .join(m_rows.Message, m_rows.Message.campaign_id == c_rows.Campaign.id)
            .where(m_rows.Message.key == message.key)
            .limit(1)
        )
    if row is None:
        raise LookupError(f"no campaign holds message {message.key!r}")
    return message, row


def card_problems(row: c_rows.Campaign, at: datetime) -> list[str]:
    """Every reason the campaign's card (its name and slogan: the slide its screens show when it
    has no approved message) would not be legible on a screen that may show it; [] when fine.
    The card is what keeps a screen from going blank, so a campaign is saved only when it is."""
    return message_problems(campaign_card(to_campaign(row)), at, campaign=row)


def message_problems(
    message: m_rows.MessageVersion | Message, at: datetime, campaign: c_rows.Campaign | None = None
) -> list[str]:
    """Every reason the message's text slide would not be legible on a screen that may show it,
    one sentence each, e.g. "portrait 1080×1920, es: the body is too long to fit at a legible
    size; cut about 12 words"; [] when every screen size, language and bilingual pair is fine.
    `campaign` is the message's campaign when it is not one of its rows (a campaign's card).
    """
    domain, row = (message, campaign) if campaign is not None else _resolve(message)
    campaign = to_campaign(row)
    partners = tuple(to_partner(p) for p in row.partners)
    from campaign.rendering.legibility import MIN_CONTRAST, MIN_TEXT_SHARE

    share = current_app.config.get("SLIDE_MIN_TEXT_SHARE", MIN_TEXT_SHARE)
    sizes, bilingual = _sizes_in_use(row, at)
    problems = [
        f"{lang}: there is no text in this language yet; write the headline and the body"
        for lang in campaign.languages
        if lang not in domain.texts or not domain.texts[lang].is_complete()
    ]
    ratio = contrast_ratio(parse_hex(campaign.foreground), parse_hex(campaign.background))
    if ratio < MIN_CONTRAST:  # the same on every screen: say it once, not per size
        return [
            *problems,
            f"campaign colours: the text colour has a contrast of {ratio:.1f}:1 against the "
            f"background; at least {MIN_CONTRAST:g}:1 is needed — choose other colours",
        ]
    present = [lang for lang in campaign.languages if lang in domain.texts]
    for size in sizes:
        for lang in present:
            problems += _problem(
                [(lang, domain.texts[lang])], size, campaign, partners, domain.link, share
            )
        if size in bilingual and len(present) > 1:
            texts = [(lang, domain.texts[lang]) for lang in present]
            problems += _problem(texts, size, campaign, partners, domain.link, share)
    return problems
