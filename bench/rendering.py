"""Benchmark of the imaging layer: renditions against a minimal Pillow control, and a slide."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from io import BytesIO

from PIL import Image, ImageChops

from campaign.domain.model import Campaign, MessageText
from campaign.rendering.renditions import RESAMPLE, ScreenClass, render_renditions
from campaign.rendering.slides import render_text_slide

SOURCE_SIZE = (6000, 4000)
SOURCE_QUALITY = 90
QUALITY = 85
CLASSES = [ScreenClass(1920, 1080), ScreenClass(1080, 1920), ScreenClass(1366, 768)]
BACKGROUND = "#0B3D91"
REPEAT = 5


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
        "repeat": REPEAT,
        "ok": project_s / control_s <= 1.2 and project_s / strict_s <= 1.2,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
