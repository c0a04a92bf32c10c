"""The open API's one rate limit per client address, counted without a request context.

Flask-Limiter's decorator does the same with several times the work per request, which the
API's cached answers would feel; this counts in the limiter's own storage (memory, or Redis
when there are several servers) with its strategy, so ``limiter.reset()`` clears it too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from limits import RateLimitItem, parse_many

from app.extensions import limiter

_parsed: dict[str, list[RateLimitItem]] = {}


def over_api_limit(config: Mapping[str, Any], address: str) -> int | None:
    """Count one request from ``address`` against ``API_RATE_LIMIT``; the seconds to wait
    when it is over the limit, else None (also when rate limits are switched off)."""
    if not (limiter.enabled and config["RATELIMIT_ENABLED"]):
        return None
    text = config["API_RATE_LIMIT"]
    items = _parsed.get(text)
    if items is None:
        items = _parsed[text] = parse_many(text)
    for item in items:
        if not limiter.limiter.hit(item, "api", address):
            reset = limiter.limiter.get_window_stats(item, "api", address).reset_time
            return max(1, math.ceil(reset - time.time()))
    return None
