"""Shared fixtures for the imaging tests: a campaign, texts and fonts."""

from __future__ import annotations

import pytest

from campaign.domain.model import Campaign, MessageText, Partner, PartnerRole


@pytest.fixture
def campaign() -> Campaign:
    return Campaign(
        slug="peru-unido",
        names={"es": "Perú unido contra la trata de personas"},
        languages=("es", "en"),
        background="#0B3D91",
        foreground="#FFFFFF",
        accent="#FFC72C",
    )


@pytest.fixture
def spanish() -> MessageText:
    return MessageText(
        headline="¿Te ofrecieron un trabajo demasiado bueno para ser verdad?",
        body="La trata de personas empieza con una promesa. Si alguien retiene tus "
        "documentos o te cobra una «deuda» que nunca termina, pide ayuda.",
        call_to_action="Denuncia gratis y de forma confidencial.",
        hotline="Línea 1818 – opción 1",
    )


@pytest.fixture
def english() -> MessageText:
    return MessageText(
        headline="Were you offered a job that seems too good to be true?",
        body="Human trafficking starts with a promise. If someone keeps your documents "
        "or charges you a “debt” that never ends, ask for help.",
        call_to_action="Report it free and in confidence.",
        hotline="Line 1818 – option 1",
    )


@pytest.fixture
def partners() -> list[Partner]:
    return [
        Partner("oim", "OIM Perú", PartnerRole.AGENCY, appears_on_slides=True),
        Partner("hidden", "Fondo Discreto", PartnerRole.FUNDER, appears_on_slides=False),
    ]
