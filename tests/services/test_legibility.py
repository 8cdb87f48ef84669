"""message_problems: one sentence per screen size and language that cannot be drawn legibly."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence.queries import campaign_row, live_version, load_network
from campaign.services.legibility import message_problems

AT = datetime(2026, 11, 28, tzinfo=UTC)
LONG_BODY = " ".join(["La trata de personas empieza con una promesa falsa de trabajo."] * 30)


def test_the_demo_messages_have_no_problems(demo: Flask) -> None:
    with demo.app_context():
        network = load_network(campaign_row())
        row = db.session.scalar(select(m_rows.Message).filter_by(key="zero-tolerance"))
        assert message_problems(live_version(row), AT) == []
        assert message_problems(network.messages["where-to-report"], AT) == []


def test_a_long_spanish_body_names_each_size_and_the_words_to_cut(demo: Flask) -> None:
    with demo.app_context():
        message = load_network(campaign_row()).messages["zero-tolerance"]
        long = replace(message.texts["es"], body=LONG_BODY)
        problems = message_problems(replace(message, texts={**message.texts, "es": long}), AT)
    assert problems, "a 300-word body cannot fit"
    pattern = re.compile(
        r"^(landscape|portrait) \d+×\d+, es(\+en \(bilingual\))?: the body is too long to fit "
        r"at a legible size; cut about (\d+) words$"
    )
    for problem in problems:
        match = pattern.match(problem)
        assert match, problem
        assert 0 < int(match.group(3)) <= len(LONG_BODY.split())
    assert any(p.startswith("portrait 1080×1920, es:") for p in problems)
    assert any("(bilingual)" in p for p in problems)  # the gates' screens show both languages
    assert not any(", en:" in p for p in problems)


def test_poor_colours_are_reported_once(demo: Flask) -> None:
    with demo.app_context():
        row = db.session.scalar(select(c_rows.Campaign))
        row.foreground, row.background = "#777777", "#888888"
        db.session.commit()
        message = load_network(campaign_row()).messages["zero-tolerance"]
        problems = message_problems(message, AT)
    assert len(problems) == 1 and problems[0].startswith("campaign colours: ")
    assert "4.5:1" in problems[0]


def test_a_missing_language_is_reported(demo: Flask) -> None:
    with demo.app_context():
        message = load_network(campaign_row()).messages["zero-tolerance"]
        only_es = replace(message, texts={"es": message.texts["es"]})
        problems = message_problems(only_es, AT)
    assert problems == [
        "en: there is no text in this language yet; write the headline and the body"
    ]


def test_checking_without_drawing_finds_what_drawing_finds(demo: Flask, monkeypatch) -> None:
    from campaign.rendering import slides

    medium = " ".join(["Si alguien retiene tus documentos, pide ayuda."] * 20)  # fits some sizes
    with demo.app_context():
        message = load_network(campaign_row()).messages["where-to-report"]
        longer = replace(message.texts["es"], body=medium)
        variants = [message, replace(message, texts={**message.texts, "es": longer})]
        checked = [message_problems(m, AT) for m in variants]
        monkeypatch.setattr(slides, "check_text_slide", slides.render_text_slide)
        drawn = [message_problems(m, AT) for m in variants]
    assert checked == drawn
    assert checked[0] == []
    assert any(", es:" in p for p in checked[1]) and any("(bilingual)" in p for p in checked[1])
