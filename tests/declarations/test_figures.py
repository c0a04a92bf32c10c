"""The report figures kept on each service (reports, answered, answered in time, median
answer time) against a count afresh from the reports, and the pages that read them."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.dates import OSLO, today
from app.declarations import queries, services
from app.declarations.models import Report, ReportStatus, Service
from app.extensions import db
from tests.concurrency import in_workers
from tests.conftest import count_queries, login

VISITOR = AnonymousUserMixin()
COLUMNS = ("reports_count", "reports_answered", "reports_answered_in_time", "answer_days_median")


def _kept() -> dict[int, tuple]:
    rows = db.session.execute(sa.select(Service.id, *(getattr(Service, c) for c in COLUMNS)))
    return {id_: tuple(values) for id_, *values in rows}


def _from_the_reports() -> dict[int, tuple]:
    """The figures counted in Python from every report row."""
    out: dict[int, tuple] = {}
    for service_id in db.session.scalars(sa.select(Service.id)):
        reports = db.session.scalars(sa.select(Report).where(Report.service_id == service_id))
        reports = list(reports)
        days = [r.answer_working_days for r in reports if r.answer_working_days is not None]
        out[service_id] = (
            len(reports),
            sum(r.answered_in_time is not None for r in reports),
            sum(r.answered_in_time is True for r in reports),
            float(statistics.median(days)) if days else None,
        )
    return out


def _report(service, promise_id, days_ago=0):
    report = services.report_broken_promise(
        VISITOR, service, promise_id, "Brutt løfte", today(), "Kari", "kari@roros.example", "nb"
    )
    if days_ago:  # came in earlier: its deadline and answer time count from that day
        received = today() - timedelta(days=days_ago)
        report.created_at = datetime.combine(received, time(10), tzinfo=OSLO).astimezone(UTC)
        report.due_on = services.answer_deadline(received)
    return report


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["report", "acknowledge", "answer", "close"]),
            st.integers(0, 1),  # which service
            st.integers(0, 40),  # days ago it came in / which of the service's reports
        ),
        min_size=1,
        max_size=14,
    )
)
def test_kept_report_figures_equal_a_count_from_the_reports(
    app, make_service, publish, owner, steps
):
    """Whatever is reported, acknowledged, answered (in time or late) and closed, the figures
    kept on each service are those counted afresh from its reports, in Python and by
    recount_report_figures alike."""
    db.session.execute(sa.delete(Report))
    db.session.execute(sa.delete(Service))
    db.session.commit()
    pairs = []
    for _ in range(2):
        service = make_service(owner)
        pairs.append((service, publish(service).promises[0].id))
    for action, which, n in steps:
        service, promise_id = pairs[which]
        mine = db.session.scalars(
            sa.select(Report).where(Report.service_id == service.id).order_by(Report.id)
        ).all()
        if action == "report" or not mine:
            _report(service, promise_id, days_ago=n)
            continue
        report = mine[n % len(mine)]
        try:
            {
                "acknowledge": services.acknowledge,
                "close": services.close_report,
                "answer": lambda actor, r: services.answer_report(actor, r, "Svar"),
            }[action](owner, report)
        except services.DeclarationError:  # a step the rules refuse changes nothing
            db.session.rollback()
        else:
            db.session.commit()
    db.session.commit()
    kept = _kept()
    assert kept == _from_the_reports()
    services.recount_report_figures()
    assert _kept() == kept
    db.session.rollback()


def test_the_pages_read_the_kept_figures(client, service, publish, owner):
    version = publish(service)
    promise_id = version.promises[0].id
    late, fast, waiting = (_report(service, promise_id, days_ago=d) for d in (30, 0, 20))
    db.session.commit()
    services.answer_report(owner, late, "Svar")
    services.answer_report(owner, fast, "Svar")
    db.session.commit()
    figures = queries.figures_by_service(db.session)[service.id]
    # three reports; two answered (one in time) and one waiting past its deadline are due
    assert (figures.reports, figures.due, figures.answered_in_time) == (3, 3, 1)
    assert figures.median_days == statistics.median([late.answer_working_days, 0])
    row = next(r for r in queries.public_services(db.session) if r.id == service.id)
    assert row.figures == figures
    page = client.get(f"/declarations/{service.slug}").get_data(as_text=True)
    assert "33,3 %" in page  # answered in time: one of three
    assert waiting.status == ReportStatus.new


def test_two_answers_at_once_both_count_in_the_median(config_class, service, publish, owner):
    """Two owners answer two reports of the same service at the same moment (each its own
    app and connection): the counters have both, and the median is over both answers."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: the second waits for the first's commit")
    promise_id = publish(service).promises[0].id
    ids = [_report(service, promise_id, days_ago=d).id for d in (2, 30)]
    db.session.commit()
    owner_id = owner.id
    turn = iter(ids)

    def answer() -> None:
        from app.auth.models import User

        report = db.session.get(Report, next(turn))
        services.answer_report(db.session.get(User, owner_id), report, "Svar")
        db.session.commit()

    in_workers(config_class, answer)
    db.session.expire_all()
    assert _kept() == _from_the_reports()
    assert _kept()[service.id][1] == 2


def test_the_migration_counts_existing_reports(app, service, publish, owner):
    """Reports made before the counters existed are counted by the migration that adds them."""
    import flask_migrate

    promise_id = publish(service).promises[0].id
    for days_ago in (1, 25, 40):
        services.answer_report(owner, _report(service, promise_id, days_ago=days_ago), "Svar")
    _report(service, promise_id)
    db.session.commit()
    kept = _kept()
    assert kept[service.id][:3] == (4, 3, 1)
    db.session.remove()
    flask_migrate.downgrade(revision="e4c3d9ed048c")
    assert "reports_count" not in {c["name"] for c in sa.inspect(db.engine).get_columns("services")}
    flask_migrate.upgrade()
    assert _kept() == kept


@pytest.mark.parametrize("path", ["/declarations/", "/declarations/{slug}"])
def test_declaration_pages_read_as_many_queries_however_many_reports(
    app, make_service, publish, owner, make_user, path
):
    """The list and a service's page run the same queries with few services, reports and
    feedback as with many: figures come with the services, not from the reports."""
    from app.core.permissions import Role

    reader = login(app.test_client(), make_user(Role.resident))
    first = make_service(owner)
    url = path.format(slug=first.slug)

    def add(n: int) -> None:
        for _ in range(n):
            service = make_service(owner)
            for target in (service, first):
                promise_id = publish(target).promises[0].id
                services.give_feedback(VISITOR, target, promise_id, True, None)
                report = _report(target, promise_id, days_ago=20)
                services.answer_report(owner, _report(target, promise_id, days_ago=3), "Svar")
                services.acknowledge(owner, report)
        db.session.commit()

    add(1)
    few = count_queries(reader, url)
    add(6)
    assert count_queries(reader, url) == few
