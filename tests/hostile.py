"""Hostile strings every form in Medvirke must survive: no 500, nothing stored unescaped,
and a clear message where the input is refused. Later domains reuse this list."""

from __future__ import annotations

HOSTILE_STRINGS: list[str] = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "Robert'); DROP TABLE users;--",
    '"; DELETE FROM users WHERE ""="',
    "nul\x00byte",
    "control\x07\x1b[31mchars",
    "\u202egpj.exe",  # right-to-left override
    "zero\u200bwidth\ufeffjoiner",
    "emoji 🏔️🦌👩‍👩‍👧‍👦",
    "Ærlig Østlie Åsen",
    "{{ 7*7 }} {% raw %}",
    "%(name)s %s %d {0}",
    "javascript:alert(1)",
    "line one\nline two\r\nline three",
    "   ",
    "x" * 10_000,
    "ø" * 10_000,
]

#: Strings a form must refuse with a message (the rest may be stored, escaped on output).
REFUSED_MARKERS = ("\x00", "\x07", "\x1b", "\u202e")


def must_be_refused(value: str) -> bool:
    return any(marker in value for marker in REFUSED_MARKERS)
