"""Rendering text that users write: Markdown without raw HTML, then sanitised."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

_HEADING = re.compile(r"<(/?)h([1-6])>")


def _place_headings(html: str, below: int) -> str:
    """The text's headings moved under a page heading of level ``below``: the text's
    highest level becomes ``below`` + 1, the next ``below`` + 2 and so on, and none goes
    more than one level deeper than the heading before it (the HTML checker calls a skipped
    level an error: "## Why" after "# Title" is fine, "#### Detail" right after it is h4)."""
    levels = sorted({int(level) for closing, level in _HEADING.findall(html) if not closing})
    rank = {level: index for index, level in enumerate(levels)}
    previous = below
    placed: list[int] = []

    def place(match: re.Match[str]) -> str:
        nonlocal previous
        if match.group(1):  # a closing tag: markdown-it never nests headings
            return f"</h{placed[-1]}>"
        level = min(below + 1 + rank[int(match.group(2))], previous + 1, 6)
        placed.append(level)
        previous = level
        return f"<h{level}>"

    return _HEADING.sub(place, html)


_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None, below: int = 2) -> Markup:
    """Safe HTML for a user's Markdown: no raw HTML, no scripts, only http(s)/mailto links.

    Headings go under the page heading (of level ``below``) that the text sits in: the
    text's first level becomes h3 under an h2, so a user's text never competes with the
    page's own sections (see _place_headings).
    """
    if not text:
        return Markup("")
    if len(text) <= _KEPT_LENGTH:
        return _rendered(text, below)
    return _render(text, below)


#: Texts up to this long are rendered once per (text, heading level) and process (a
#: proposal's body and its comments on every view of its page, a declaration's sections);
#: _KEPT of them at most, a few MB in all
_KEPT_LENGTH = 4000
_KEPT = 256


@lru_cache(maxsize=_KEPT)
def _rendered(text: str, below: int) -> Markup:
    return _render(text, below)


def _render(text: str, below: int) -> Markup:
    html = _place_headings(_md.render(text), below)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
