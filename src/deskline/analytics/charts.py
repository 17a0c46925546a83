"""Report charts as SVG drawn on the server (pygal): no script runs in them, so they show under
the desk's strict Content-Security-Policy, in e-mail and in PDFs alike. No ORM: a chart is drawn
from a report's table, and the same table is shown beside it for those who read numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from deskline.analytics.reports import BUCKET_KEYS, Table


@dataclass(frozen=True)
class ChartPlan:
    """The series a report plots (column keys), its label column, and whether it is a time line."""

    label: str
    series: tuple[str, ...]
    line: bool
    percent: bool = False
    #: Rows become the series and the series columns the x axis (a histogram per row), for
    #: at most this many first rows; 0 plots columns as series as usual.
    rows_as_series: int = 0


PLANS = {
    "sla": ChartPlan("period", ("reaction_met_pct", "resolution_met_pct"), line=True, percent=True),
    "flow": ChartPlan("period", ("created", "resolved", "backlog"), line=True),
    "csat": ChartPlan("period", ("csat_avg",), line=True),
    "distribution": ChartPlan("measure", BUCKET_KEYS, line=False, rows_as_series=2),
    "breakdown": ChartPlan("label", ("created", "resolved"), line=False),
    "channels": ChartPlan("label", ("created", "resolved"), line=False),
    "time": ChartPlan("agent", ("hours", "billable_hours"), line=False),
    "nps": ChartPlan("period", ("nps", "answer_rate"), line=True),
    "tone": ChartPlan("period", ("negative_pct",), line=True, percent=True),
    "forecast": ChartPlan("period", ("actual", "forecast", "lower", "upper"), line=True),
}
#: At most this many labels under the x axis (a year by day would be unreadable).
MAX_LABELS = 16
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#e5e7eb",
    colors=("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed"),
    font_family="DejaVu Sans, Arial, sans-serif",
)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def plan_of(table: Table) -> ChartPlan:
    return PLANS.get(table.name) or ChartPlan(table.columns[0][0], (), line=False)


def chart_data(
    table: Table, plan: ChartPlan
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The x labels and the (title, values) series a chart of the table draws."""
    titles = dict(table.columns)
    if plan.rows_as_series:
        rows = table.rows[: plan.rows_as_series]
        labels = [str(titles.get(key, key)) for key in plan.series]
        return labels, [
            (str(row.get(plan.label, "")), [_number(row.get(key)) for key in plan.series])
            for row in rows
        ]
    labels = [str(row.get(plan.label, "")) for row in table.rows]
    return labels, [
        (str(titles.get(key, key)), [_number(row.get(key)) for row in table.rows])
        for key in plan.series
    ]


def chart_svg(
    table: Table, *, width: int = 900, height: int = 320, no_data: str = "No data"
) -> str:
    """The report's chart as an SVG document (no script, no external reference)."""
    plan = plan_of(table)
    kind = pygal.Line if plan.line else pygal.Bar
    labels, series = chart_data(table, plan)
    step = max(1, -(-len(labels) // MAX_LABELS))
    chart = kind(
        x_labels=labels,
        x_labels_major=labels[::step],
        width=width,
        height=height,
        style=STYLE,
        js=[],  # no script: the chart is a picture
        disable_xml_declaration=False,
        show_dots=len(table.rows) <= 62,
        x_label_rotation=30 if plan.line or plan.rows_as_series else 0,
        show_minor_x_labels=False,
        legend_at_bottom=True,
        range=(0, 100) if plan.percent else None,
        print_values=False,
        no_data_text=no_data,
    )
    for title, values in series:
        chart.add(title, values)
    rendered = chart.render()
    svg = rendered.decode() if isinstance(rendered, bytes) else str(rendered)
    # pygal always writes its tooltip configuration as a script; a picture needs none.
    return _SCRIPT.sub("", svg)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
