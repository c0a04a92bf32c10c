"""The front page's sections, from a registry the domains fill.

Core imports no domain: each domain registers a provider when its package is imported
(``register_section`` in its ``frontpage`` module, imported by its ``__init__``), and the
front page asks the registry. A provider is ``provider(reader)`` returning a Section, a list
of them, or None (nothing for this reader); ``reader`` is the current user (anonymous or
not). It must run a fixed number of queries however much data there is: indexed reads with
a LIMIT, or the counts the domain keeps already.

A section's template is the domain's own (``proposals/_front.html``), rendered by the front
page with ``section`` (the Section) in its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    #: Stable key, e.g. "proposals"; also the section's id on the page
    key: str
    #: The domain's template that renders it
    template: str
    #: What the template reads (as ``section.data``)
    data: dict[str, Any] = field(default_factory=dict)
    #: The reader's own things (their drafts, surveys waiting for them): shown first,
    #: under "Ditt", and only to a logged-in reader
    own: bool = False


Provider = Callable[[Any], "Section | list[Section] | None"]


@dataclass(frozen=True)
class _Entry:
    key: str
    order: int
    provider: Provider


_REGISTRY: dict[str, _Entry] = {}


class FrontPageError(Exception):
    """A provider returned something the front page cannot show."""


def register_section(key: str, provider: Provider, order: int = 100) -> None:
    """Add (or, under the same key, replace) a provider; lower ``order`` comes first."""
    _REGISTRY[key] = _Entry(key, order, provider)


def unregister_section(key: str) -> None:
    _REGISTRY.pop(key, None)


def registered() -> list[str]:
    """The registered keys in page order."""
    return [e.key for e in sorted(_REGISTRY.values(), key=lambda e: (e.order, e.key))]


def sections(reader: Any) -> list[Section]:
    """Every provider's section for ``reader``, in page order; the reader's own sections
    only when they are logged in."""
    found: list[Section] = []
    for entry in sorted(_REGISTRY.values(), key=lambda e: (e.order, e.key)):
        for section in _as_list(entry, entry.provider(reader)):
            if section.own and not getattr(reader, "is_authenticated", False):
                continue
            found.append(section)
    return found


def _as_list(entry: _Entry, result: object) -> list[Section]:
    if result is None:
        return []
    items = list(result) if isinstance(result, list | tuple) else [result]
    for item in items:
        if not isinstance(item, Section):
            raise FrontPageError(f"{entry.key}: a provider returned {type(item).__name__}")
    return items
