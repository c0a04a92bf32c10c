"""DriverStatement: a Core statement run on the driver's cursor writes and reads exactly what
SQLAlchemy's own execution would, inside the session's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.core.db import DriverStatement
from app.extensions import db
from app.proposals.models import Proposal
from tests.proposals.fixtures import TEXT

proposals = Proposal.__table__

RENAME = DriverStatement(
    sa.update(proposals)
    .where(proposals.c.id == sa.bindparam("pid"), proposals.c.state == "draft")
    .values(title=sa.bindparam("new_title"), signature_count=proposals.c.signature_count + 2)
    .returning(proposals.c.title, proposals.c.signature_count, proposals.c.updated_at)
)
READ = DriverStatement(
    sa.select(proposals.c.id, proposals.c.campaign_ends_on, proposals.c.opened_at).where(
        proposals.c.id == sa.bindparam("pid")
    )
)


@pytest.fixture
def draft(resident):
    from app.proposals import services

    proposal = services.create_proposal(resident(), **TEXT)
    db.session.commit()
    return proposal


def test_values_go_through_the_column_types_both_ways(draft, resident):
    from app.proposals import services

    opened = datetime(2026, 3, 31, 22, 30, 15, 123456, tzinfo=UTC)
    ends = date(2026, 6, 30)
    set_dates = (
        sa.update(proposals)
        .where(proposals.c.id == sa.bindparam("pid"))
        .values(opened_at=sa.bindparam("opened"), campaign_ends_on=sa.bindparam("ends"))
    )
    DriverStatement(set_dates).rows(db.session, pid=draft.id, opened=opened, ends=ends)
    other = services.create_proposal(resident(), **TEXT)
    db.session.flush()
    db.session.execute(set_dates, {"pid": other.id, "opened": opened, "ends": ends})
    db.session.commit()

    assert READ.first(db.session, pid=draft.id) == (draft.id, ends, opened)
    db.session.expire_all()
    assert (draft.opened_at, draft.campaign_ends_on) == (opened, ends)  # the ORM reads the same
    # and the stored text is the text SQLAlchemy's own execution wrote for the other row
    as_text = sa.select(
        sa.cast(proposals.c.opened_at, sa.Text), sa.cast(proposals.c.campaign_ends_on, sa.Text)
    ).where(proposals.c.id == sa.bindparam("pid"))
    ours = db.session.execute(as_text, {"pid": draft.id}).one()
    theirs = db.session.execute(as_text, {"pid": other.id}).one()
    assert ours == theirs


def test_literals_in_the_statement_and_python_side_defaults(draft):
    before, count_before = draft.updated_at, draft.signature_count
    row = RENAME.first(db.session, pid=draft.id, new_title="Nytt navn")
    db.session.commit()
    title, count, updated_at = row
    assert (title, count) == ("Nytt navn", count_before + 2)
    assert updated_at > before  # onupdate=utcnow ran, as SQLAlchemy's execution runs it
    assert updated_at.tzinfo is not None


def test_no_row_and_a_refusing_where(draft):
    assert RENAME.first(db.session, pid=draft.id + 1000, new_title="x") is None
    assert READ.rows(db.session, pid=draft.id + 1000) == []


def test_runs_in_the_sessions_transaction(draft):
    RENAME.rows(db.session, pid=draft.id, new_title="Angret")
    db.session.rollback()
    assert db.session.get(Proposal, draft.id).title == TEXT["title"]


def test_a_driver_error_is_sqlalchemys(draft):
    with pytest.raises(sa.exc.IntegrityError):
        RENAME.rows(db.session, pid=draft.id, new_title=None)  # title is NOT NULL
    db.session.rollback()
    assert db.session.get(Proposal, draft.id).title == TEXT["title"]


def test_a_missing_value_is_refused_before_anything_runs(draft):
    with pytest.raises(sa.exc.InvalidRequestError):
        RENAME.rows(db.session, pid=draft.id)
    db.session.rollback()
