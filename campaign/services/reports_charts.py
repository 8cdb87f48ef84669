"""The reports' charts: a play report's figures as accessible SVG, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _

from campaign.rendering import charts

if TYPE_CHECKING:
    from campaign.services.reports import Figure, PlayReport

CHART_BARS = 12  # bars at most in a "by hub" or "by message" chart (the table has them all)


def _number(value: float, lang: str) -> str:
    return format_decimal(value, locale=lang)


def _bars(figures: Sequence[Figure], lang: str) -> list[charts.Bar]:
    return [charts.Bar(f.label, f.plays, _number(f.plays, lang)) for f in figures]


def by_day(report: PlayReport, lang: str, chart_id: str = "chart-days") -> str:
    """Plays per day, a column a day, with a sentence that says the total and the busiest day."""
    days = [
        charts.Bar(
            format_date(date.fromisoformat(f.key), "d MMM", locale=lang),
            f.plays,
            _number(f.plays, lang),
        )
        for f in report.by_day
    ]
    busiest = max(report.by_day, key=lambda f: f.plays, default=None)
    text = charts.ChartText(
        title=_("Plays per day"),
        desc=_(
            "Plays per day from %(first)s to %(last)s: %(total)s in all; the most, %(most)s, "
            "on %(day)s.",
            first=format_date(report.date_from, "long", locale=lang),
            last=format_date(report.date_to, "long", locale=lang),
            total=_number(report.total.plays, lang),
            most=_number(busiest.plays if busiest else 0, lang),
            day=busiest.label if busiest else "",
        ),
        x_label=_("Day (at the hub)"),
        y_label=_("Number of plays"),
    )
    top = charts.nice_ceiling(max((f.plays for f in report.by_day), default=0))
    return charts.column_chart(chart_id, days, text, _number(top, lang))


def _ranked(figures: Sequence[Figure], lang: str, chart_id: str, title: str, axis: str) -> str:
    shown = sorted(figures, key=lambda f: (-f.plays, f.key))[:CHART_BARS]
    listed = "; ".join(f"{f.label}: {_number(f.plays, lang)}" for f in shown)
    text = charts.ChartText(
        title=title,
        desc=_("%(title)s, the most first: %(list)s.", title=title, list=listed),
        x_label=_("Bar length: plays"),
        y_label=axis,
    )
    return charts.bar_chart(chart_id, _bars(shown, lang), text)


def by_hub(report: PlayReport, lang: str, chart_id: str = "chart-hubs") -> str:
    """Plays by hub, the most first (at most CHART_BARS bars)."""
    return _ranked(report.by_hub, lang, chart_id, _("Plays by hub"), _("Hub"))


def by_message(report: PlayReport, lang: str, chart_id: str = "chart-messages") -> str:
    """Plays by message, the most first (at most CHART_BARS bars)."""
    return _ranked(report.by_message, lang, chart_id, _("Plays by message"), _("Message"))
