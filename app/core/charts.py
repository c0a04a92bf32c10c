"""Server-rendered SVG charts (pygal), shared by the domains: each is shown beside a table
with the same numbers, so the chart is never the only way to read them, and served with
CHART_CSP, so it can run nothing."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)

#: An SVG shown as an image cannot run scripts; pygal's own <style> inside it is allowed
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#292c30",
    foreground_strong="#292c30",
    foreground_subtle="#5b5d60",
    colors=("#0062ba",),
    font_family="system-ui, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    title_font_size=16,
    value_font_size=13,
)


def without_scripts(svg: bytes) -> bytes:
    """pygal always writes a small configuration script for its (unused) tooltips; drop it."""
    return _SCRIPT.sub(b"", svg)


def distribution_height(bars: int) -> int:
    """The height of a distribution chart (640 wide) of this many bars, for the <img>."""
    return max(160, 48 * bars + 80)


def distribution_svg(title: str, distribution: list[tuple[str, int]]) -> bytes:
    """A horizontal bar chart of (label, count), with no scripts."""
    chart = pygal.HorizontalBar(
        style=STYLE,
        js=[],
        show_legend=False,
        title=title,
        width=640,
        height=distribution_height(len(distribution)),
        print_values=True,
        disable_xml_declaration=False,
    )
    chart.x_labels = [label for label, _count in distribution]
    chart.add(title, [count for _label, count in distribution])
    return without_scripts(chart.render())
