"""Sample slides written to a folder, for a person to look at (`campaign slides samples DIR`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from campaign.domain.model import (
    Campaign,
    Message,
    MessageStatus,
    MessageText,
    Partner,
    PartnerRole,
)
from campaign.rendering.fonts import FONT_DIR
from campaign.rendering.slides import render_text_slide

# Placeholder wording for the samples only: the campaign team writes and approves the real text.
SAMPLE_CAMPAIGN = Campaign(
    slug="peru-unido",
    names={
        "es": "Perú unido contra la trata de personas",
        "en": "Peru united against human trafficking",
    },
    languages=("es", "en"),
)
SAMPLE_PARTNERS = (
    Partner("ministerio", "Ministerio del Interior", PartnerRole.MINISTRY, appears_on_slides=True),
    Partner("oim", "OIM Perú", PartnerRole.AGENCY, appears_on_slides=True),
)
SAMPLE_MESSAGE = Message(
    key="oferta-falsa",
    version=1,
    status=MessageStatus.APPROVED,
    link="https://example.org/trata",
    texts={
        "es": MessageText(
            headline="¿Te ofrecieron un trabajo demasiado bueno para ser verdad?",
            body="La trata de personas empieza con una promesa. Si alguien retiene tus "
            "documentos o te cobra una deuda que nunca termina, pide ayuda.",
            call_to_action="Denuncia gratis y de forma confidencial.",
            hotline="Línea 1818 – opción 1",
        ),
        "en": MessageText(
            headline="Were you offered a job that seems too good to be true?",
            body="Human trafficking starts with a promise. If someone keeps your documents "
            "or charges you a debt that never ends, ask for help.",
            call_to_action="Report it free and in confidence.",
            hotline="Line 1818 – option 1",
        ),
    },
)
SAMPLE_LONG_SPANISH = MessageText(
    headline="¡Atención! La trata de personas también ocurre en los aeropuertos",
    body="Desconfía de las ofertas de empleo en el extranjero que prometen «sueldos "
    "increíbles» sin experiencia ni contrato escrito. Nadie puede quedarse con tu "
    "pasaporte ni con tu DNI, ni obligarte a pagar una “deuda” por el viaje, el "
    "alojamiento o la comida. Si viajas con alguien que habla por ti, decide adónde vas "
    "o no te deja comunicarte con tu familia, acércate al personal del aeropuerto o a la "
    "Policía. Pedir ayuda es tu derecho: la atención es gratuita, confidencial y en tu idioma.",
    call_to_action="¿Sospechas de un caso? Llama ahora; no tienes que dar tu nombre.",
    hotline="Línea 1818 – opción 1",
)


def _main_text(message: Message, campaign: Campaign) -> tuple[str, MessageText]:
    for lang in campaign.languages:
        if lang in message.texts:
            return lang, message.texts[lang]
    lang = next(iter(message.texts))
    return lang, message.texts[lang]


def render_samples(
    out_dir: Path,
    campaign: Campaign | None = None,
    messages: Sequence[Message] = (),
    *,
    partners: Sequence[Partner] | None = None,
    font_dir: Path = FONT_DIR,
) -> list[Path]:
    """Write landscape, portrait, bilingual and long-Spanish sample slides; return their paths.

    Without arguments a built-in campaign and message are used. The first message gives the
    landscape, portrait and bilingual slides; the long Spanish slide uses the message with the
    most Spanish words when several are given, else a built-in long text.
    """
    campaign = campaign or SAMPLE_CAMPAIGN
    partners = SAMPLE_PARTNERS if partners is None else partners
    message = messages[0] if messages else SAMPLE_MESSAGE
    lang, main = _main_text(message, campaign)
    spanish = [m.texts["es"] for m in messages if "es" in m.texts]
    long_text = max(spanish, key=MessageText.words) if len(spanish) > 1 else SAMPLE_LONG_SPANISH
    pairs = [(code, message.texts[code]) for code in campaign.languages if code in message.texts]
    labels = {"es": "Español", "en": "English"}
    jobs: list[tuple[str, MessageText | list[tuple[str, MessageText]], int, int, str]] = [
        (f"landscape-1920x1080-{lang}.png", main, 1920, 1080, message.link),
        (f"portrait-1080x1920-{lang}.png", main, 1080, 1920, message.link),
        ("bilingual-1920x1080.png", pairs, 1920, 1080, message.link),
        ("long-spanish-1920x1080.png", long_text, 1920, 1080, ""),
    ]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, text, width, height, link in jobs:
        result = render_text_slide(
            text,
            width=width,
            height=height,
            campaign=campaign,
            partners=partners,
            link=link,
            lang_labels=labels,
            font_dir=font_dir,
        )
        path = out_dir / name
        path.write_bytes(result.image)
        paths.append(path)
    return paths
