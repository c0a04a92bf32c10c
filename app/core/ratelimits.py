"""Rate limits every domain's views may share (the limiter itself is app.extensions')."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.extensions import limiter


def limit_posts(limit: Callable[[], str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Rate-limit a view's POSTs; its GETs (showing the form) are not counted."""
    return limiter.limit(limit, methods=["POST"])
