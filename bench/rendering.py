"""Benchmark of the imaging layer: renditions against a Pillow control, a slide, an approval."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from campaign.domain.model import Campaign, MessageText
from campaign.rendering.renditions import RESAMPLE, ScreenClass, render_renditions
from campaign.rendering.slides import clear_caches, render_text_slide

SOURCE_SIZE = (6000, 4000)
SOURCE_QUALITY = 90
QUALITY = 85
CLASSES = [ScreenClass(1920, 1080), ScreenClass(1080, 1920), ScreenClass(1366, 768)]
BACKGROUND = "#0B3D91"
REPEAT = 5
DEMO_PLAN = Path(__file__).resolve().parent.parent / "schedules" / "peru-unido-2026.toml"
DEMO_TODAY = date(2026, 11, 28)
DEMO_NOON = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima: every demo phase is on
APPROVE_MESSAGE = "zero-tolerance"  # a typical bilingual message of the demo
APPROVE_GOAL_S = 1.0


def synthetic_photo(size: tuple[int, int] = SOURCE_SIZE) -> bytes:
    """A camera-sized JPEG with gradients, shapes and sensor-like noise (hard to compress)."""
    w, h = size
    small = (w // 8, h // 8)
    red = Image.linear_gradient("L").resize(small)
    green = Image.radial_gradient("L").resize(small)
    blue = Image.linear_gradient("L").rotate(90).resize(small)
    base = Image.merge("RGB", (red, green, blue)).resize(size, Image.Resampling.BICUBIC)
    noise = Image.effect_noise(size, 28).convert("RGB")
    picture = ImageChops.overlay(base, noise)
    out = BytesIO()
    picture.save(out, "JPEG", quality=SOURCE_QUALITY)
    return out.getvalue()


def project(source: bytes) -> dict[ScreenClass, bytes]:
    return render_renditions(source, CLASSES, fit="contain", background=BACKGROUND, quality=QUALITY)


def control(source: bytes) -> dict[ScreenClass, bytes]:
    """What a person would write with Pillow alone: open, draft, resize, letterbox, save."""
    out = {}
    for cls in CLASSES:
        im = Image.open(BytesIO(source))
        scale = min(cls.width / im.width, cls.height / im.height)
        inner = (round(im.width * scale), round(im.height * scale))
        im.draft("RGB", inner)
        picture = im.resize(inner, RESAMPLE, reducing_gap=2.0)
        canvas = Image.new("RGB", cls.size, BACKGROUND)
        canvas.paste(picture, ((cls.width - inner[0]) // 2, (cls.height - inner[1]) // 2))
        buf = BytesIO()
        canvas.save(buf, "JPEG", quality=QUALITY)
        out[cls] = buf.getvalue()
    return out


def control_one_decode(source: bytes) -> dict[ScreenClass, bytes]:
    """A stricter control: decode once, drafted for the largest target, then the same work."""
    im = Image.open(BytesIO(source))
    inners = []
    for cls in CLASSES:
        scale = min(cls.width / im.width, cls.height / im.height)
        inners.append((round(im.width * scale), round(im.height * scale)))
    im.draft("RGB", max(inners))
    im.load()
    out = {}
    for cls, inner in zip(CLASSES, inners, strict=True):
        picture = im.resize(inner, RESAMPLE, reducing_gap=2.0)
        canvas = Image.new("RGB", cls.size, BACKGROUND)
        canvas.paste(picture, ((cls.width - inner[0]) // 2, (cls.height - inner[1]) // 2))
        buf = BytesIO()
        canvas.save(buf, "JPEG", quality=QUALITY)
        out[cls] = buf.getvalue()
    return out


def best_of(func: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _slide() -> bytes:
    campaign = Campaign(slug="bench", names={"es": "Perú unido contra la trata de personas"})
    es = MessageText(
        headline="¿Te ofrecieron un trabajo demasiado bueno para ser verdad?",
        body="La trata de personas empieza con una promesa. Si alguien retiene tus documentos "
        "o te cobra una deuda que nunca termina, pide ayuda.",
        call_to_action="Denuncia gratis y de forma confidencial.",
        hotline="Línea 1818 – opción 1",
    )
    en = MessageText(
        headline="Were you offered a job that seems too good to be true?",
        body="Human trafficking starts with a promise. If someone keeps your documents or "
        "charges you a debt that never ends, ask for help.",
        call_to_action="Report it free and in confidence.",
        hotline="Line 1818 – option 1",
    )
    return render_text_slide(
        [("es", es), ("en", en)],
        width=1920,
        height=1080,
        campaign=campaign,
        link="https://example.org/trata",
    ).image


@contextmanager
def _demo_app() -> Iterator[Any]:
    """The app on a fresh SQLite database with the demo plan loaded, in an app context."""
    from campaign import create_app
    from campaign.extensions import db
    from campaign.services.plans import load_plan

    with tempfile.TemporaryDirectory(prefix="bench-approve-") as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "INSTANCE_PATH": Path(tmp) / "instance",
                "ASSET_DIR": Path(tmp) / "assets",
            }
        )
        with app.app_context():
            db.create_all()
            load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def _cold(func: Callable[[], object]) -> Callable[[], object]:
    """`func` after forgetting every remembered measurement: a message never checked before."""

    def run() -> object:
        clear_caches()
        return func()

    return run


def approve_figures() -> dict[str, Any]:
    """Time the approval check of a typical bilingual demo message over the demo's screens:
    message_problems alone, cold and warm, and a whole approve through the service."""
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.persistence import campaigns as c_rows
    from campaign.persistence import messages as m_rows
    from campaign.persistence.queries import campaign_row, live_version, load_network
    from campaign.services import accounts, messages
    from campaign.services.legibility import _sizes_in_use, message_problems

    with _demo_app():
        row = db.session.scalar(select(m_rows.Message).filter_by(key=APPROVE_MESSAGE))
        version = live_version(row)
        sizes, bilingual = _sizes_in_use(campaign_row(), DEMO_NOON)
        assert message_problems(version, DEMO_NOON) == [], "the demo message must be approvable"
        check = lambda: message_problems(version, DEMO_NOON)  # noqa: E731
        cold_s = best_of(_cold(check))
        warm_s = best_of(check)

        # The whole use case: a manager edits, another approves (no partner needed here).
        db.session.scalar(select(c_rows.Campaign)).requires_partner_approval = False
        db.session.commit()
        accounts.PASSWORD_METHOD = "scrypt:1024:8:1"  # users are set-up, not what is timed
        author = accounts.add_user("author@example.org", "manager", "bench-pass-1", now=DEMO_NOON)
        approver = accounts.add_user(
            "approver@example.org", "manager", "bench-pass-2", now=DEMO_NOON
        )
        texts = load_network(campaign_row()).messages[APPROVE_MESSAGE].texts
        wording = {
            lang: {
                "headline": t.headline,
                "body": t.body,
                "call_to_action": t.call_to_action,
                "hotline": t.hotline,
            }
            for lang, t in texts.items()
        }
        times = []
        for _ in range(REPEAT):
            message = db.session.scalar(select(m_rows.Message).filter_by(key=APPROVE_MESSAGE))
            draft = messages.edit_texts(message.id, author, wording, version=message.lock_version)
            messages.submit(message.id, author)
            clear_caches()
            start = time.perf_counter()
            messages.approve(message.id, approver, number=draft.number, now=DEMO_NOON)
            times.append(time.perf_counter() - start)
    approve_s = min(times)
    return {
        "message": APPROVE_MESSAGE,
        "screen_sizes": [f"{w}x{h}" for w, h in sizes],
        "bilingual_sizes": [f"{w}x{h}" for w, h in sorted(bilingual)],
        "message_problems_cold_s": round(cold_s, 4),
        "message_problems_warm_s": round(warm_s, 4),
        "approve_service_s": round(approve_s, 4),
        "goal_s": APPROVE_GOAL_S,
        "ok": max(cold_s, approve_s) <= APPROVE_GOAL_S,
    }


def run() -> dict:
    """Time both paths in the same run (best of 5) and return plain numbers."""
    source = synthetic_photo()
    project(source)  # warm up: plugins imported, fonts read
    control(source)
    control_one_decode(source)
    _slide()
    project_s = best_of(lambda: project(source))
    control_s = best_of(lambda: control(source))
    strict_s = best_of(lambda: control_one_decode(source))
    slide_s = best_of(_slide)
    sizes = {str(c): len(b) for c, b in project(source).items()}
    approve = approve_figures()
    return {
        "source_bytes": len(source),
        "source_megapixels": SOURCE_SIZE[0] * SOURCE_SIZE[1] / 1e6,
        "renditions_project_s": round(project_s, 4),
        "renditions_control_s": round(control_s, 4),
        "ratio_project_over_control": round(project_s / control_s, 3),
        "renditions_control_one_decode_s": round(strict_s, 4),
        "ratio_project_over_control_one_decode": round(project_s / strict_s, 3),
        "ratio_goal": 1.2,
        "slide_bilingual_1920x1080_s": round(slide_s, 4),
        "rendition_bytes": sizes,
        "approve": approve,
        "repeat": REPEAT,
        "ok": project_s / control_s <= 1.2 and project_s / strict_s <= 1.2,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
