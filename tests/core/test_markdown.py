"""User text to HTML: rendered once per text, within a bound."""

from __future__ import annotations

from app.core import markdown
from app.core.markdown import render_markdown


def test_a_text_is_rendered_once_and_a_long_one_is_not_kept():
    markdown._rendered.cache_clear()
    short = "# Tittel\n\n<script>alert(1)</script> *viktig*"
    first = render_markdown(short)
    assert render_markdown(short) is first  # kept
    assert "<h3>Tittel</h3>" in first
    assert "<script" not in first
    assert "<em>viktig</em>" in first
    long = "ord " * (markdown._KEPT_LENGTH // 4 + 1)
    assert render_markdown(long) == f"<p>{long.strip()}</p>\n"
    assert markdown._rendered.cache_info().currsize == 1  # the long text was not kept
