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


def _shift_heading(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for a user's Markdown: no raw HTML, no scripts, only http(s)/mailto links.

    Headings move two levels down (# becomes h3), so a user's text sits under the page's
    own h1 and h2 sections and never competes with them.
    """
    if not text:
        return Markup("")
    if len(text) <= _KEPT_LENGTH:
        return _rendered(text)
    return _render(text)


#: Texts up to this long are rendered once per process (a proposal's body and its comments
#: on every view of its page); _KEPT of them at most, a few MB in all
_KEPT_LENGTH = 4000
_KEPT = 256


@lru_cache(maxsize=_KEPT)
def _rendered(text: str) -> Markup:
    return _render(text)


def _render(text: str) -> Markup:
    html = _HEADING.sub(_shift_heading, _md.render(text))
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
