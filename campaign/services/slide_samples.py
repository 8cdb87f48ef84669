"""Sample slides for a person to look at: the loaded campaign's own messages, else built-ins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from campaign.persistence.queries import campaign_row, load_network, to_partner
from campaign.rendering.refusals import SlideNotLegible
from campaign.services.errors import Invalid


@dataclass(frozen=True)
class Samples:
    """The slides written, and what they were drawn from (for the person reading the output)."""

    paths: list[Path]
    source: str


def write_samples(out_dir: Path) -> Samples:
    """Write landscape, portrait, bilingual and long-Spanish sample slides as PNGs in out_dir.

    They use the campaign and its real messages when there is exactly one campaign, else
    built-in examples. Raises Invalid when a slide would not be legible (e.g. its colours)."""
    from campaign.rendering.samples import render_samples  # Pillow: only when drawing

    row = campaign_row()
    try:
        if row is None:
            return Samples(render_samples(out_dir), "built-in examples")
        network = load_network(row)
        messages = sorted(network.messages.values(), key=lambda m: (not m.is_fallback, m.key))
        partners = [to_partner(p) for p in row.partners]
        paths = render_samples(out_dir, network.campaign, messages, partners=partners)
    except SlideNotLegible as exc:
        raise Invalid(exc.message) from exc
    return Samples(paths, f"campaign {row.slug}")
