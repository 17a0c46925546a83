"""A report as a PDF (issue 18, item 7): its title and period, its chart drawn with ReportLab's
own chart library (the same series as the page's SVG), and its table. Fonts are the DejaVu
files served from our static folder, so Russian text prints on a machine with no fonts."""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from deskline.analytics.charts import PLANS, ChartPlan, chart_data
from deskline.analytics.reports import Table
from deskline.core.pdf import register_fonts

PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed")
CHART_W, CHART_H = 250 * mm, 70 * mm
#: Labels under the chart's x axis at most (the table has every row).
MAX_LABELS = 14


def _chart(table: Table, font: str) -> Drawing | None:
    plan: ChartPlan | None = PLANS.get(table.name)
    if plan is None or not table.rows:
        return None
    labels, named = chart_data(table, plan)
    series = [values for _title, values in named]
    if not any(v is not None for values in series for v in values):
        return None
    drawing = Drawing(CHART_W, CHART_H)
    chart = HorizontalLineChart() if plan.line else VerticalBarChart()
    chart.x, chart.y = 40, 30
    chart.width, chart.height = CHART_W - 200, CHART_H - 45
    # ReportLab draws a missing point as a gap when it is None.
    chart.data = [tuple(values) for values in series]
    step = max(1, -(-len(labels) // MAX_LABELS))
    chart.categoryAxis.categoryNames = [
        lab if i % step == 0 else "" for i, lab in enumerate(labels)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    slanted = plan.line or bool(plan.rows_as_series)
    chart.categoryAxis.labels.angle = 30 if slanted else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if slanted else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if plan.percent:
        chart.valueAxis.valueMax = 100
    for i, color in enumerate(PALETTE[: len(series)]):
        if plan.line:
            chart.lines[i].strokeColor = colors.HexColor(color)
            chart.lines[i].strokeWidth = 1.5
        else:
            chart.bars[i].fillColor = colors.HexColor(color)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = CHART_W - 150, CHART_H - 20
    legend.fontName, legend.fontSize = font, 7
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i]), title) for i, (title, _values) in enumerate(named)
    ]
    drawing.add(legend)
    return drawing


def table_pdf(
    table: Table, *, subtitle: str = "", no_data: str = "No data for this period."
) -> bytes:
    """The report as an A4 landscape PDF: title, subtitle (the period), chart, table."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=15 * mm, bottomMargin=15 * mm, title=str(table.title),
    )  # fmt: skip
    heading = ParagraphStyle("h", fontName=bold, fontSize=16, leading=20)
    small = ParagraphStyle("s", fontName=regular, fontSize=9, leading=12, textColor="#555555")
    story: list[Any] = [Paragraph(str(table.title), heading)]
    if subtitle:
        story.append(Paragraph(subtitle, small))
    story.append(Spacer(1, 4 * mm))
    chart = _chart(table, regular)
    if chart is not None:
        story += [chart, Spacer(1, 4 * mm)]
    header = [str(label) for _key, label in table.columns]
    rows = [["" if row.get(key) is None else str(row.get(key)) for key, _l in table.columns]
            for row in table.rows]  # fmt: skip
    grid = PdfTable([header, *rows] if rows else [header, [no_data] + [""] * (len(header) - 1)],
                    repeatRows=1, hAlign="LEFT")  # fmt: skip
    grid.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 8),
        ("FONT", (0, 0), (-1, 0), bold, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#cbd5e1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    story.append(grid)
    document.build(story)
    return buffer.getvalue()
