"""Declarations: versioning, the language fallback, feedback counters, the report lifecycle."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.core.dates import today
from app.core.models import AuditEntry
from app.declarations import queries, services
from app.declarations.diff import diff_versions
from app.declarations.jobs import close_answered_nightly
from app.declarations.models import (
    DeclarationVersion,
    Feedback,
    Promise,
    Report,
    ReportStatus,
    Service,
    VersionStatus,
)
from app.extensions import db
from tests.concurrency import in_workers
from tests.conftest import outbox
from tests.declarations.fixtures import PROMISES

VISITOR = AnonymousUserMixin()


def _status(version: DeclarationVersion) -> VersionStatus:
    db.session.refresh(version)
    return version.status


# --- versioning ---------------------------------------------------------------------------


def test_publishing_supersedes_only_the_same_language(service, publish):
    nb1 = publish(service, "nb")
    nn1 = publish(service, "nn")
    nb2 = publish(service, "nb", about="Ny tekst om byggesak.")
    assert (nb1.number, nn1.number, nb2.number) == (1, 1, 2)
    assert _status(nb1) == VersionStatus.superseded
    assert nb1.superseded_at is not None
    assert _status(nn1) == VersionStatus.published
    assert _status(nb2) == VersionStatus.published
    current = queries.current_versions(db.session, service.id)
    assert {lang: v.id for lang, v in current.items()} == {"nb": nb2.id, "nn": nn1.id}
    history = db.session.scalars(queries.versions(service.id)).all()
    assert [(v.language, v.number) for v in history] == [("nb", 2), ("nb", 1), ("nn", 1)]


def test_a_new_draft_starts_from_the_current_text_and_leaves_it_alone(service, publish, owner):
    current = publish(service, "nb")
    draft = services.start_draft(owner, service, "nb")
    assert draft.number == 2
    assert draft.about == current.about
    assert [p.text for p in draft.promises] == [p.text for p in current.promises]
    assert services.start_draft(owner, service, "nb").id == draft.id  # one draft per language
    services.save_draft(owner, draft, {"about": "Endret"}, [services.PromiseInput("Nytt løfte")])
    db.session.commit()
    db.session.refresh(current)
    assert current.about.startswith("Byggesak behandler")
    assert [p.text for p in current.promises] == [p.text for p in PROMISES]
    # a draft in a language with no version starts from bokmål
    assert services.start_draft(owner, service, "sma").about == current.about


def test_published_versions_cannot_change_and_dates_cannot_go_back(service, publish, admin):
    version = publish(service, "nb", effective_from=date(2026, 6, 1))
    with pytest.raises(services.DeclarationError, match="publisert"):
        services.save_draft(admin, version, {}, PROMISES)
    draft = services.start_draft(admin, service, "nb")
    with pytest.raises(services.DeclarationError, match="før den gjeldende"):
        services.publish(admin, draft, date(2026, 5, 31))
    db.session.rollback()
    assert _status(version) == VersionStatus.published


def test_only_administrators_publish(service, owner):
    draft = services.start_draft(owner, service, "nb")
    services.save_draft(owner, draft, {}, PROMISES)
    services.submit_draft(owner, draft)
    with pytest.raises(services.DeclarationError, match="administratorer"):
        services.publish(owner, draft, today())


def test_submitting_tells_the_administrators(service, owner, admin):
    draft = services.start_draft(owner, service, "nn")
    services.save_draft(owner, draft, {}, PROMISES)
    services.submit_draft(owner, draft)
    db.session.commit()
    mails = outbox(admin.email)
    assert [m.template for m in mails] == ["declaration_submitted"]
    assert service.name in mails[0].subject
    assert f"/declarations/manage/versions/{draft.id}" in mails[0].body_text


def test_diff_marks_removed_and_added_words(service, publish):
    old = publish(service, "nb", price="Gebyr etter regulativet for 2026.")
    new = publish(service, "nb", price="Gebyr etter regulativet for 2027.",
                  promises=[PROMISES[0]])  # fmt: skip
    sections = {s.key: s for s in diff_versions(old, new)}
    assert not sections["about"].changed
    price = sections["price"].lines
    assert [line.kind for line in price] == ["changed"]
    assert ("removed", "2026.") in price[0].pieces
    assert ("added", "2027.") in price[0].pieces
    promises = sections["promises"].lines
    assert [line.kind for line in promises] == ["same", "removed"]
    assert "veiledning" in promises[1].pieces[0][1]


# --- language fallback --------------------------------------------------------------------


def test_pick_version_prefers_asked_then_reader_then_bokmal(service, publish):
    nb, nn = publish(service, "nb"), publish(service, "nn")
    sma = publish(service, "sma", about="Åarjelsaemien")
    versions = queries.current_versions(db.session, service.id)
    assert queries.pick_version(versions, None, "nn") == (nn, False)
    assert queries.pick_version(versions, "sma", "nn") == (sma, False)
    assert queries.pick_version(versions, None, "en") == (nb, True)
    assert queries.pick_version(versions, "xx", "en") == (nb, True)
    assert queries.pick_version({}, None, "nb") == (None, False)


# --- feedback -----------------------------------------------------------------------------


def test_feedback_moves_the_counters_in_the_same_transaction(service, publish):
    version = publish(service)
    first, second = version.promises
    for kept in (True, True, False):
        services.give_feedback(VISITOR, service, first.id, kept, None)
    services.give_feedback(VISITOR, service, second.id, False, "  Ventet lenge  ")
    db.session.commit()
    db.session.refresh(first)
    assert (first.kept_count, first.not_kept_count) == (2, 1)
    figures = queries.figures_by_service(db.session, [service.id])[service.id]
    assert (figures.kept, figures.not_kept, figures.kept_share) == (2, 2, 50.0)
    comment = db.session.scalar(sa.select(Feedback.comment).where(Feedback.promise_id == second.id))
    assert comment == "Ventet lenge"
    assert db.session.scalar(sa.select(Feedback.user_id).limit(1)) is None


def test_feedback_only_on_promises_of_the_current_declaration(service, publish, make_service):
    old = publish(service)
    publish(service)  # supersedes old
    with pytest.raises(services.DeclarationError, match="gjeldende"):
        services.give_feedback(VISITOR, service, old.promises[0].id, True, None)
    other = make_service()
    other_version = publish(other)
    with pytest.raises(services.DeclarationError, match="Velg et av løftene i den gjeldende"):
        services.give_feedback(VISITOR, service, other_version.promises[0].id, True, None)


def test_counters_stay_exact_with_concurrent_feedback(app, service, publish):
    version = publish(service)
    promise_id, service_id = version.promises[0].id, service.id
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def answer(kept: bool) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                services.give_feedback(VISITOR, db.session.get(Service, service_id), promise_id,
                                       kept, None)  # fmt: skip
                db.session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(n % 4 != 0,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    db.session.expire_all()
    promise = db.session.get(Promise, promise_id)
    counted = db.session.execute(
        sa.select(sa.func.sum(sa.case((Feedback.kept, 1), else_=0)), sa.func.count())
        .where(Feedback.promise_id == promise_id)
    ).one()  # fmt: skip
    assert (promise.kept_count, promise.kept_count + promise.not_kept_count) == (15, 20)
    assert (counted[0], counted[1]) == (15, 20)
    svc = db.session.get(Service, service_id)
    assert (svc.feedback_kept, svc.feedback_not_kept) == (15, 5)


# --- reports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "received", "due"),
    [
        (10, date(2026, 4, 1), date(2026, 4, 20)),  # across Easter
        (3, date(2026, 4, 1), date(2026, 4, 9)),
        (5, date(2025, 12, 22), date(2025, 12, 31)),  # across Christmas
        (1, date(2024, 5, 16), date(2024, 5, 21)),  # 17 May and Whit Monday
    ],
)
def test_deadline_in_working_days(app, days, received, due):
    app.config["REPORT_ANSWER_WORKING_DAYS"] = days
    with app.app_context():
        assert services.answer_deadline(received) == due


def _report(service, version, actor=VISITOR, email="kari@roros.example", **kw) -> Report:
    values = {"description": "Ingen svar etter fire uker.", "happened_on": today(),
              "name": "Kari", "email": email, "language": "nb", **kw}  # fmt: skip
    report = services.report_broken_promise(actor, service, version.promises[0].id, **values)
    db.session.commit()
    return report


def test_report_lifecycle_with_mail_and_audit(service, publish, owner):
    version = publish(service)
    report = _report(service, version)
    assert report.status == ReportStatus.new
    assert report.reference == f"AVVIK-{today().year}-{report.id:05d}"
    assert report.due_on == services.answer_deadline(today())
    receipt = outbox("kari@roros.example")
    assert [m.template for m in receipt] == ["report_receipt"]
    assert report.reference in receipt[0].subject
    assert [m.template for m in outbox(owner.email)] == ["report_new"]

    services.acknowledge(owner, report)
    assert report.status == ReportStatus.acknowledged
    with pytest.raises(services.DeclarationError, match="allerede mottatt"):
        services.acknowledge(owner, report)
    services.answer_report(owner, report, "Vi beklager. Saken er nå behandlet.")
    db.session.commit()
    assert report.status == ReportStatus.answered
    assert (report.answer_working_days, report.answered_in_time) == (0, True)
    answer = outbox("kari@roros.example")[-1]
    assert answer.template == "report_answer"
    assert "Saken er nå behandlet." in answer.body_text

    services.close_report(owner, report)
    db.session.commit()
    assert report.status == ReportStatus.closed
    assert (report.reporter_name, report.reporter_email) == (None, None)
    assert report.description == "Ingen svar etter fire uker."
    from app.core.models import AuditEntry

    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["report.acknowledged", "report.answered", "report.closed"]


def test_a_late_answer_counts_as_late(service, publish, owner):
    version = publish(service)
    report = _report(service, version)
    report.created_at = datetime(2026, 3, 31, 9, tzinfo=UTC)  # Tuesday before Easter
    report.due_on = date(2026, 4, 14)
    db.session.commit()
    assert services.is_overdue(report, on=date(2026, 4, 15))
    assert not services.is_overdue(report, on=date(2026, 4, 14))
    services.answer_report(owner, report, "Beklager at det tok tid.")
    assert report.answered_in_time is False
    # from 31 March to today: Easter's four days off are not counted
    from app.core.workdays import working_days_between

    assert report.answer_working_days == working_days_between(date(2026, 3, 31), today())
    assert not services.is_overdue(report)


def test_who_may_report(service, publish, make_user):
    version = publish(service)
    with pytest.raises(services.DeclarationError, match="e-postadressen"):
        _report(service, version, email=None)
    resident = make_user(email="innbygger@roros.example")
    report = _report(service, version, actor=resident, email=None, name=None)
    assert (report.reporter_email, report.reporter_name) == ("innbygger@roros.example",
                                                             "Kari Nordmann")  # fmt: skip
    assert report.user_id == resident.id
    unconfirmed = make_user(confirmed=False)
    with pytest.raises(services.DeclarationError, match="e-postadressen"):
        _report(service, version, actor=unconfirmed, email="")
    with pytest.raises(services.DeclarationError, match="fram i tid"):
        _report(service, version, happened_on=today() + timedelta(days=1))


def test_answered_reports_close_after_thirty_days(service, publish, owner):
    version = publish(service)
    old, recent = _report(service, version), _report(service, version)
    for report in (old, recent):
        services.answer_report(owner, report, "Svar")
    old.answered_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()
    assert services.close_answered_reports() == 1
    db.session.commit()
    assert (old.status, old.reporter_email) == (ReportStatus.closed, None)
    assert recent.status == ReportStatus.answered
    assert recent.reporter_email == "kari@roros.example"


def test_two_workers_closing_answered_reports_at_once_close_each_once(
    config_class, service, publish, owner
):
    """The nightly job on two workers at once (each its own app and connection): every old
    report is closed by one of them, with one audit entry, not by both."""
    version = publish(service)
    reports = [_report(service, version) for _ in range(3)]
    for report in reports:
        services.answer_report(owner, report, "Svar")
        report.answered_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()

    closed = in_workers(config_class, close_answered_nightly.call_local)

    assert sorted(closed) == [0, len(reports)]
    db.session.expire_all()
    assert {r.status for r in reports} == {ReportStatus.closed}
    logged = db.session.scalars(
        sa.select(AuditEntry.target_id).where(AuditEntry.action == "report.closed")
    ).all()
    assert sorted(logged) == sorted(str(r.id) for r in reports)


def test_a_service_owner_cannot_touch_another_service(service, publish, make_service, make_user):
    from app.core.permissions import Role

    other_owner = make_user(Role.service_owner)
    other = make_service(other_owner)
    report = _report(other, publish(other))
    with pytest.raises(
        services.DeclarationError, match="Du kan bare skrive erklæringer for dine egne"
    ):
        services.start_draft(other_owner, service, "nb")
    owner_of_service = service.owners[0]
    for act in (services.acknowledge, services.close_report):
        with pytest.raises(services.DeclarationError, match="egne tjenester"):
            act(owner_of_service, report)
    with pytest.raises(services.DeclarationError, match="egne tjenester"):
        services.answer_report(owner_of_service, report, "Hei")
    assert not services.can_edit(owner_of_service, other)
    assert services.can_edit(other_owner, other)


def test_medians_computed_in_the_database_match_python(service, publish, make_service, owner):
    import random
    import statistics

    rng = random.Random(7)
    other = make_service(owner)
    expected, promise_ids = {}, {}
    for svc, count in ((service, 7), (other, 8)):  # an odd and an even number of answers
        promise_id = promise_ids[svc.id] = publish(svc).promises[0].id
        values = [rng.randrange(0, 25) for _ in range(count)]
        expected[svc.id] = statistics.median(values)
        for value in values:
            report = services.report_broken_promise(owner, svc, promise_id, "Brutt", today(),
                                                    None, "a@roros.example", "nb")  # fmt: skip
            report.answer_working_days = value
    services.report_broken_promise(owner, service, promise_ids[service.id], "Ubesvart", today(),
                                   None, "b@roros.example", "nb")  # fmt: skip
    db.session.commit()
    assert queries.median_answer_days(db.session) == expected
    every = [r.answer_working_days for r in db.session.scalars(sa.select(Report))
             if r.answer_working_days is not None]  # fmt: skip
    assert queries.median_answer_days(db.session, per_service=False) == {
        None: statistics.median(every)
    }
    services.recount_report_figures()  # answer times set by hand, not by answering
    figures = queries.figures_by_service(db.session)
    assert figures[other.id].median_days == expected[other.id]
    assert figures[service.id].reports == 8
