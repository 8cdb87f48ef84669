"""What every page must pass in the browser: axe-core's WCAG 2.1 AA rules, no sideways scroll."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from campaign.config import PROJECT_ROOT

# Not committed: instance/ is ignored. A person opens this folder to look at the pages.
SCREENSHOTS = PROJECT_ROOT / "instance" / "screenshots"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_axe = Axe()


def shot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    results = _axe.run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n.get("target")) for n in v["nodes"][:4])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def sideways_overflow(page: Any) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its width)."""
    return int(
        page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
    )


def inspect_page(page: Any, name: str) -> list[str]:
    """The page's problems at phone and desktop widths, with a screenshot of each kept."""
    problems = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        overflow = sideways_overflow(page)
        if overflow > 0 and label == "phone":
            problems.append(f"{name}: scrolls {overflow}px sideways at 390 px")
        page.screenshot(path=str(shot(f"{name}-{label}")), full_page=True)
        problems += [f"{name} ({label}): {v}" for v in serious_violations(page)]
    return problems
