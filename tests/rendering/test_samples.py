"""The sample slides a person looks at: four files, the right sizes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from campaign.rendering.samples import SAMPLE_MESSAGE, render_samples
from campaign.rendering.slides import SlideDoesNotFit


def test_render_samples_writes_four_slides(tmp_path: Path):
    paths = render_samples(tmp_path / "out")
    assert [p.name for p in paths] == [
        "landscape-1920x1080-es.png",
        "portrait-1080x1920-es.png",
        "bilingual-1920x1080.png",
        "long-spanish-1920x1080.png",
    ]
    sizes = []
    for path in paths:
        with Image.open(path) as im:
            sizes.append(im.size)
    assert sizes == [(1920, 1080), (1080, 1920), (1920, 1080), (1920, 1080)]


def test_render_samples_with_given_messages(tmp_path: Path, campaign, spanish, english):
    short = replace(SAMPLE_MESSAGE, texts={"es": spanish, "en": english})
    longer = replace(SAMPLE_MESSAGE, key="b", texts={"es": replace(spanish, body=spanish.body * 2)})
    paths = render_samples(tmp_path, campaign, [short, longer], partners=[])
    assert len(paths) == 4
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_a_sample_that_does_not_fit_says_so(tmp_path: Path, campaign, spanish):
    endless = replace(SAMPLE_MESSAGE, texts={"es": replace(spanish, body=spanish.body * 40)})
    with pytest.raises(SlideDoesNotFit):
        render_samples(tmp_path, campaign, [endless])
