"""Full-text search: what it finds, and its count against a recount from the proposals."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import dates
from app.core.permissions import Role
from app.extensions import db
from app.proposals import queries, search, services
from app.proposals.models import Proposal
from tests.proposals.fixtures import TEXT

#: Made-up words that neither stemmer nor tokeniser changes, none a prefix of another
WORDS = ["blimk", "trovp", "zarub", "knolp", "gnurk"]


def _listed_with(word: str) -> int:
    """Listed proposals whose title, summary or body has a word starting with ``word``,
    counted from the rows themselves."""
    rows = db.session.execute(
        sa.select(Proposal.title, Proposal.summary, Proposal.body).where(queries.LISTED)
    )
    return sum(
        any(token.startswith(word) for token in re.findall(r"\w+", " ".join(row).lower()))
        for row in rows
    )


def _text(words: list[str]) -> dict[str, str]:
    return {
        "title": f"Forslag om {words[0]}",
        "summary": " ".join(words) + ".",
        "body": f"Mer om {' og '.join(words)}.",
    }


def test_a_search_finds_listed_proposals_only(app, open_proposal, resident, make_user):
    author = resident()
    services.create_proposal(author, **TEXT)  # a draft: its initiator's alone
    rejected = open_proposal()
    services.reject(make_user(Role.committee), rejected, "Bryter vilkårene.")
    listed = open_proposal()
    db.session.commit()
    found = db.session.scalars(queries.proposals(q="hyttelva")).all()
    assert [p.id for p in found] == [listed.id]
    assert search.hits("hyttelva") == queries.count(q="hyttelva") == 1
    page = app.test_client().get("/proposals/?q=hyttelva").get_data(as_text=True)
    assert "1 forslag" in page


def test_many_hits_are_listed_newest_first_as_few_are(app, open_proposal):
    """Above MANY_HITS the query runs along the list's index; the rows and their order are
    the same as when SQLite looks each hit up."""
    made = [open_proposal(title=f"Sykkelvei {i}") for i in range(5)]
    for i, proposal in enumerate(made):  # opened out of id order
        proposal.opened_at = proposal.opened_at - timedelta(days=(i * 3) % 5)
    db.session.commit()
    few = db.session.scalars(queries.proposals(q="sykkelvei", hits=1)).all()
    many = db.session.scalars(queries.proposals(q="sykkelvei", hits=search.MANY_HITS)).all()
    newest_first = sorted(made, key=lambda p: (p.opened_at, p.id), reverse=True)
    assert [p.id for p in few] == [p.id for p in many] == [p.id for p in newest_first]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["create", "open", "edit", "reject", "withdraw"]),
            st.integers(0, 3),
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_search_counts_equal_a_recount_of_the_listed_proposals(app, resident, make_user, steps):
    """Whatever is written, opened, edited, rejected or withdrawn, a search's count (on
    SQLite the full-text index alone, kept by triggers) is the number of listed proposals
    whose text has the word, and the list shows that many."""
    db.session.execute(sa.delete(Proposal))
    db.session.commit()
    author, committee = resident(), make_user(Role.committee)
    made: list[Proposal] = []
    ends = dates.today() + timedelta(days=30)
    for action, n, words in steps:
        proposal = made[n % len(made)] if made else None
        try:
            if action == "create" or proposal is None:
                made.append(services.create_proposal(author, **{**TEXT, **_text(words)}))
            elif action == "open":
                services.open_proposal(author, proposal, ends)
            elif action == "edit":
                services.update_proposal(author, proposal, **_text(words))
            elif action == "reject":
                services.reject(committee, proposal, "Bryter vilkårene.")
            else:
                services.withdraw(author, proposal)
        except services.ProposalError:  # not allowed in that state: nothing is written
            db.session.rollback()
            continue
        db.session.commit()
    for word in WORDS:
        expected = _listed_with(word)
        assert search.hits(word) == expected
        assert queries.count(q=word) == expected
        assert len(db.session.scalars(queries.proposals(q=word)).all()) == expected
