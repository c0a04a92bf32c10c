"""The compass's charts: pygal SVGs without scripts, each with a <title> and a <desc>, shown
as images beside a table with the same numbers (formatted by the same function).

A value that is not known (an area score not published, a month with nothing to measure)
is None, which pygal leaves out: it is never drawn as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import pygal

from app.core.charts import STYLE, without_scripts

Number = float | int | None

#: Colours for several series: Medvirke's blue, then Designsystemet-like greys, green, red
SERIES_STYLE = STYLE.__class__(
    **{**STYLE.__dict__, "colors": ("#0062ba", "#5b5d60", "#8b6a00", "#06893a", "#c01b1b")}
)


SMALL_STYLE = SERIES_STYLE.__class__(
    **{**SERIES_STYLE.__dict__, "label_font_size": 10, "major_label_font_size": 10}
)


def _finish(chart: pygal.graph.graph.Graph, title: str, description: str) -> bytes:
    """Render without scripts, with a <title> (pygal writes one for a visible title) and a
    <desc> first inside the <svg>."""
    svg = without_scripts(chart.render())
    desc = f"<desc>{escape(description)}</desc>".encode()
    head, found, rest = svg.partition(b"</title>")
    if found:
        return head + found + desc + rest
    start = svg.index(b"<svg")
    end = svg.index(b">", start) + 1
    return svg[:end] + f"<title>{escape(title)}</title>".encode() + desc + svg[end:]


def line_svg(
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[Any, ...]],
    formatter: Callable[[float], str],
    range_: tuple[float, float] | None = None,
    small: bool = False,
) -> bytes:
    """A line chart of one or more (name, values[, "dashed"]) series over ``labels``; None
    leaves a gap."""
    chart = pygal.Line(
        style=SMALL_STYLE if small else SERIES_STYLE,
        js=[],
        title=None if small else title,
        width=320 if small else 720,
        height=120 if small else 400,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        truncate_legend=-1,
        show_x_labels=not small,
        show_y_labels=not small,
        show_y_guides=not small,
        dots_size=2 if small else 3,
        x_label_rotation=0 if len(labels) < 13 else 45,
        allow_interruptions=True,
        value_formatter=formatter,
        range=range_,
        include_x_axis=range_ is not None and range_[0] == 0,
        disable_xml_declaration=False,
    )
    chart.x_labels = list(labels)
    for name, values, *dashed in series:
        chart.add(name, list(values), stroke_style={"dasharray": "8, 4"} if dashed else None)
    return _finish(chart, title, description)


def bar_height(bars: int) -> int:
    """The height of a bar chart (720 wide) of this many bars: the page's <img> says it, so
    that the browser keeps the room before the chart arrives."""
    return max(180, 44 * bars + 100)


def bar_svg(
    title: str,
    description: str,
    bars: Sequence[tuple[str, Number]],
    formatter: Callable[[float], str],
    range_: tuple[float, float],
) -> bytes:
    """A horizontal bar chart of (label, value); None bars are left out entirely."""
    shown = [(label, value) for label, value in bars if value is not None]
    chart = pygal.HorizontalBar(
        style=STYLE,
        js=[],
        title=title,
        width=720,
        height=bar_height(len(shown)),
        show_legend=False,
        print_values=True,
        value_formatter=formatter,
        range=range_,
        disable_xml_declaration=False,
    )
    chart.x_labels = [_short(label) for label, _value in shown]
    chart.add(title, [value for _label, value in shown])
    return _finish(chart, title, description)


def _short(label: str, limit: int = 36) -> str:
    """Long labels squeeze the plot to nothing; the table beside the chart has them whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
