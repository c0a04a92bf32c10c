"""Norwegian word forms for full-text search, made as PostgreSQL's ``norwegian`` text search
configuration makes them: words lowercased, its stop words left out (Bokmål and Nynorsk),
the rest cut to their stem by the Snowball Norwegian stemmer (PyStemmer, the same algorithm
PostgreSQL ships), so "sykkelveier", "sykkelveien" and "sykkelvei" are all "sykkelvei", and
"skulen", "skular" and "skulane" all "skul".

SQLite's FTS5 cannot stem Norwegian, so a proposal's stems are written to a column of its
own (``Proposal.search_stems``) when its text is written, and the full-text index holds
that column (see ``app.proposals.search``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import Stemmer

#: A word as SQLite's unicode61 tokeniser sees one: letters and digits (no underscore)
WORD = re.compile(r"[^\W_]+")

#: PostgreSQL's norwegian.stop (Snowball's list, with Nynorsk forms); PostgreSQL leaves
#: them out of both the index and a query, and so does the SQLite search
STOP_WORDS = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men
    ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan
    hans hvor eller hva skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom
    noen noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget
    hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni
    mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge
    siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe
    henne hennar hennes hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi
    kvifor me medan mi mine mykje no nokon noka nokor noko nokre sia sidan so somt somme um
    upp vere vore verte vort varte vart
    """.split()
)

#: A PyStemmer stemmer may not be shared between threads (gunicorn's gthread workers)
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("norwegian")
    return stemmer


def words(text: str) -> list[str]:
    """The searchable words of ``text``, lowercased, in order, stop words left out. The text
    is composed first (NFC), so an "å" typed as "a" and a combining ring is still "å"."""
    text = unicodedata.normalize("NFC", (text or "").lower())
    return [w for w in WORD.findall(text) if w not in STOP_WORDS]


def stem(word: str) -> str:
    """The stem of one lowercased word."""
    return _stemmer().stemWord(word)


def stems(texts: Iterable[str | None]) -> str:
    """The distinct stems of the words of ``texts``, in the order they first occur, joined
    by spaces: what the full-text index holds for a proposal. Each stem once, as search
    only asks whether a proposal has a word, which keeps the index small."""
    found = _stemmer().stemWords(words(" ".join(t for t in texts if t)))
    return " ".join(dict.fromkeys(found))
