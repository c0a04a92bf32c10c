"""Passwords people choose: refused when common, leaked or easy to guess (ASVS 2.1.7).

zxcvbn ships its lists offline: 30,000 of the most common passwords from leaked password
sets (Norwegian ones such as "passord", "sommer" and "hemmelig" among them), words, names,
and keyboard rows. It also sees through the usual disguises (a capital letter, "123", a
year, l33t spelling); what the user is known by counts too, so "kari.nordmann1" is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

#: zxcvbn's score from 0 to 4; 3 needs about 10^8 guesses, "safely unguessable" for an
#: attacker who has the argon2 hashes, and far out of reach of anyone guessing at the login
MIN_SCORE = 3
#: zxcvbn refuses longer input; the first 72 characters tell whether a password is guessable
_CHECKED_LENGTH = 72
#: Words of the site itself that make a password easy to guess here
_SITE_WORDS = ("medvirke", "kommune", "innbygger")

COMMON_MESSAGE = _l(
    "Passordet er blant de mye brukte eller lekkede passordene, eller ligner dem (et vanlig "
    "ord med et årstall eller 123 bak er lett å gjette). Velg et annet: noen få ord som ikke "
    "hører sammen, er et godt passord."
)
PERSONAL_MESSAGE = _l(
    "Passordet bygger på navnet eller e-postadressen din og er lett å gjette. Velg et annet: "
    "noen få ord som ikke hører sammen, er et godt passord."
)


def _words(known: Iterable[str | None]) -> list[str]:
    """The words of what a person is known by ("kari.nordmann@x.no": kari, nordmann, x),
    longest first."""
    words = {w for text in known if text for w in re.split(r"[\W_]+", text.lower()) if len(w) > 2}
    return sorted(words, key=len, reverse=True)


def _guessable(password: str) -> bool:
    # Imported by the first password checked: its lists take 11 MB and 0.1 s to load, which
    # every web worker would otherwise pay at start for what a few requests a day use
    from zxcvbn import zxcvbn

    return zxcvbn(password, user_inputs=_SITE_WORDS)["score"] < MIN_SCORE


def password_weakness(password: str, known: Iterable[str | None] = ()) -> str | None:
    """Why ``password`` is too easy to guess, as advice to show, or None if it is not.

    ``known`` is what the account is known by (name, email address): a password is weak
    when what is left without those words is guessable ("kari.nordmann1" for Kari)."""
    checked = password[:_CHECKED_LENGTH]
    words = _words(known)
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        rest = pattern.sub("", checked)
        if rest != checked and _guessable(rest):
            return str(PERSONAL_MESSAGE)
    return str(COMMON_MESSAGE) if _guessable(checked) else None
