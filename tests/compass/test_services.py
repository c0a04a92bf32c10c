"""Compass rules: scores and totals, unknown areas, roll-up arithmetic, the measure log,
and snapshots (idempotent per month, kept when the data later changes)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.compass import queries, services
from app.compass.models import AreaScore, Evaluation, Measure, MeasureStatus, Snapshot
from app.core.dates import first_of_month, today
from app.extensions import db
from tests.compass.fixtures import ROROS_2017


def test_all_eight_known_means_the_total_is_their_sum():
    scores = dict.fromkeys(range(1, 9), 50)
    services.check_scores(400, scores)
    with pytest.raises(services.CompassError, match="summen av dem: 400"):
        services.check_scores(396, scores)


def test_partly_known_total_is_taken_as_published():
    services.check_scores(396, ROROS_2017)  # 283 known, 113 for areas 4 and 5
    with pytest.raises(services.CompassError, match="mer enn totalen"):
        services.check_scores(200, ROROS_2017)
    with pytest.raises(services.CompassError, match="høyst 200"):
        services.check_scores(490, ROROS_2017)  # 207 left for two areas of at most 100


def test_area_scores_are_0_to_100():
    with pytest.raises(services.CompassError, match="Hvert fokusområde har mellom 0 og 100 poeng"):
        services.check_scores(500, {1: 101})
    with pytest.raises(services.CompassError, match="Fokusområdene er nummerert fra 1 til 8"):
        services.check_scores(500, {9: 10})


def test_unknown_area_is_stored_as_nothing_not_zero(evaluations):
    e2017 = evaluations[1]
    rows = dict(
        db.session.execute(
            sa.select(AreaScore.area, AreaScore.score).where(AreaScore.evaluation_id == e2017.id)
        ).all()
    )
    assert rows == {1: 33, 2: 38, 3: 65, 6: 43, 7: 35, 8: 69}
    assert e2017.score_for(4) is None
    assert e2017.score_for(5) is None
    assert evaluations[0].scores == []  # 2013: only the total was published


def test_zero_is_a_real_score(compass_admin):
    e = services.save_evaluation(compass_admin, None, year=2030, evaluator="X", total=0,
                                 scores=dict.fromkeys(range(1, 9), 0))  # fmt: skip
    assert e.score_for(4) == 0


def test_one_evaluation_per_year(compass_admin, evaluations):
    with pytest.raises(services.CompassError, match="2017"):
        services.save_evaluation(compass_admin, None, year=2017, evaluator="Y", total=1,
                                 scores={})  # fmt: skip
    db.session.rollback()
    changed = services.save_evaluation(
        compass_admin,
        evaluations[1],
        year=2017,
        evaluator="Y",
        total=396,
        scores={**ROROS_2017, 4: 60, 5: 53},
    )
    db.session.commit()  # fmt: skip
    assert changed.score_for(4) == 60
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 3


def test_rollup_leaves_out_cancelled_measures(strategy):
    # done 100, in progress 40, cancelled 10 -> (100 + 40) / 2
    assert services.rollup(strategy.measures) == 70.0


def test_rollup_of_nothing_is_unknown_not_zero(compass_admin, strategy):
    assert services.rollup([]) is None
    assert services.rollup([m for m in strategy.measures if m.status == "cancelled"]) is None


def test_rollup_rounds_to_one_decimal(compass_admin, strategy):
    brukerpanel = next(m for m in strategy.measures if m.title == "Brukerpanel")
    services.record_update(
        compass_admin,
        brukerpanel,
        noted_on=today(),
        text="Mer",
        status=MeasureStatus.in_progress,
        progress=33,
        today=today(),
    )
    extra = services.save_measure(
        compass_admin,
        None,
        strategy=strategy,
        title="Nytt",
        description="",
        focus_areas=[1],
        owner="X",
        due_on=None,
    )
    assert services.rollup(strategy.measures) == round((100 + 33 + 0) / 3, 1) == 44.3
    assert extra.status == MeasureStatus.planned  # fmt: skip
    db.session.commit()
    empty = services.save_strategy(
        compass_admin, None, title="Uten tiltak", description="", position=9
    )
    db.session.commit()
    # the dashboard counts the same in one query, a strategy without measures included
    found = {s.title: s for s in queries.strategy_progress()}
    assert (found[strategy.title].measures, found[strategy.title].done) == (4, 1)
    assert found[strategy.title].progress == services.rollup(strategy.measures) == 44.3
    assert (found[empty.title].measures, found[empty.title].progress) == (0, None)


def test_update_log_sets_status_and_done_means_100(compass_admin, strategy):
    measure = next(m for m in strategy.measures if m.title == "Brukerpanel")
    services.record_update(
        compass_admin,
        measure,
        noted_on=today() - timedelta(days=1),
        text="Ferdig",
        status=MeasureStatus.done,
        progress=80,
        today=today(),
    )
    db.session.commit()  # fmt: skip
    db.session.refresh(measure)
    assert (measure.status, measure.progress) == (MeasureStatus.done, 100)
    assert [u.text for u in measure.updates] == ["Brukerpanel: status", "Ferdig"]


def test_update_in_the_future_is_refused(compass_admin, strategy):
    measure = strategy.measures[0]
    with pytest.raises(services.CompassError, match="senere enn i dag"):
        services.record_update(
            compass_admin,
            measure,
            noted_on=today() + timedelta(days=1),
            text="x",
            status=MeasureStatus.done,
            progress=100,
            today=today(),
        )


def test_focus_areas_must_be_1_to_8(compass_admin, strategy):
    with pytest.raises(services.CompassError, match="Fokusområdene er nummerert fra 1 til 8"):
        services.save_measure(compass_admin, None, strategy=strategy, title="x", description="",
                              focus_areas=[0], owner="x", due_on=None)  # fmt: skip


def test_deleting_a_strategy_takes_its_measures(compass_admin, strategy):
    services.delete_strategy(compass_admin, strategy)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0


def _snapshots(month):
    return {
        s.key: s.value
        for s in db.session.scalars(sa.select(Snapshot).where(Snapshot.month == month))
    }


def test_snapshot_is_idempotent_per_month(open_proposal, resident):
    from app.proposals import services as proposal_services

    proposal = open_proposal()
    proposal_services.sign(resident(), proposal.id, proposal.version, notify=False)
    db.session.commit()
    month = first_of_month(today())
    first = services.take_snapshot(month)
    db.session.commit()
    assert first > 5
    stored = _snapshots(month)
    assert stored["proposals.opened"] == 1
    assert stored["proposals.signatures"] == 1
    assert services.take_snapshot(month) == 0  # the second run writes nothing
    db.session.commit()
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot))
    assert rows == first
    # A later change to the data does not rewrite the stored month ...
    proposal_services.sign(resident(), proposal.id, proposal.version, notify=False)
    db.session.commit()
    services.take_snapshot(month)
    assert _snapshots(month)["proposals.signatures"] == 1
    # ... unless asked to
    services.take_snapshot(month, replace=True)
    db.session.commit()
    assert _snapshots(month)["proposals.signatures"] == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot)) == rows


def test_snapshot_keeps_unknown_as_unknown(app):
    month = date(2020, 3, 1)
    services.take_snapshot(month)
    stored = _snapshots(month)
    assert stored["panel.satisfaction"] is None  # nothing to measure: not 0
    assert stored["proposals.signatures"] == 0  # a count of nothing is 0


def test_snapshot_months_covers_whole_months_before_this_one(app):
    written = services.snapshot_months(date(2027, 1, 1), 3)
    assert list(written) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    months = set(db.session.scalars(sa.select(Snapshot.month)))
    assert months == set(written)
