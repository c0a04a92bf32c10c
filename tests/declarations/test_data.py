"""What declarations give the compass, the open-data export and a person's own data; the
demo seed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.core.dates import today
from app.core.demo import seed
from app.core.models import Unit
from app.core.permissions import Role
from app.declarations import services
from app.declarations.indicators import indicators
from app.declarations.models import Feedback, Report, ReportStatus, Service, VersionStatus
from app.declarations.opendata import open_data_tables
from app.extensions import db
from tests.conftest import PASSWORD, login, submit

VISITOR = AnonymousUserMixin()


def _report(service, promise_id, actor=VISITOR, email="kari@roros.example"):
    return services.report_broken_promise(actor, service, promise_id, "Brutt løfte", today(),
                                          "Kari Klager", email, "nb")  # fmt: skip


def _values(start: date, end: date) -> dict[str, float | None]:
    return {i.key: i.value for i in indicators(db.session, start, end)}


def test_indicators(service, publish, make_service, owner):
    version = publish(service)
    make_service()  # active, but without a declaration: not up to date
    promise = version.promises[0].id
    for kept in (True, True, True, False):
        services.give_feedback(VISITOR, service, promise, kept, None)
    answered_fast, answered_late, waiting = (_report(service, promise) for _ in range(3))
    services.answer_report(owner, answered_fast, "Svar")
    services.answer_report(owner, answered_late, "Svar")
    answered_late.answered_in_time, answered_late.answer_working_days = False, 12
    answered_fast.answer_working_days = 2
    waiting.due_on = today() - timedelta(days=1)  # late, no answer
    db.session.commit()
    for report in (answered_fast, answered_late):
        report.due_on = today() - timedelta(days=2)
    db.session.commit()
    start, end = today() - timedelta(days=30), today() + timedelta(days=1)
    values = _values(start, end)
    assert values["declarations.published"] == 1
    assert values["declarations.up_to_date"] == 50.0
    assert values["declarations.promises_kept"] == 75.0
    assert values["declarations.reports_in_time"] == round(100 / 3, 1)
    assert values["declarations.median_answer_days"] == 7.0
    keys = {i.key: i.focus_area for i in indicators(db.session, start, end)}
    assert set(keys.values()) == {2, 5}
    # an empty period measures nothing (None, never 0)
    empty = _values(date(2020, 1, 1), date(2020, 2, 1))
    assert empty["declarations.promises_kept"] is None
    assert empty["declarations.median_answer_days"] is None
    assert empty["declarations.up_to_date"] == 0.0  # two active services, none in force then
    # a declaration reviewed more than 12 months before the period's end is not up to date
    version.reviewed_on = today() - timedelta(days=400)
    db.session.commit()
    assert _values(start, end)["declarations.up_to_date"] == 0.0


def test_open_data_is_public_data_only(service, publish, make_service, owner):
    publish(service, price="Gammel pris")
    publish(service)
    draft = services.start_draft(owner, service, "nn")  # never in open data
    hidden = make_service(active=False)
    publish(hidden)
    current = services.queries.current_versions(db.session, service.id)["nb"]
    services.give_feedback(VISITOR, service, current.promises[0].id, False, "Hemmelig kommentar")
    _report(service, current.promises[0].id)
    db.session.commit()
    tables = {t["name"]: t for t in open_data_tables(db.session)}
    assert set(tables) == {"declarations_services", "declarations_versions",
                           "declarations_promises"}  # fmt: skip
    for table in tables.values():
        table["rows"] = list(table["rows"])
        assert table["pk"] == "id"
        assert table["description"].endswith(".")
        assert all(column in table["rows"][0] for column in table["fts"])
    [row] = tables["declarations_services"]["rows"]
    assert (row["name"], row["feedback_not_kept"], row["reports"]) == (service.name, 1, 1)
    versions = tables["declarations_versions"]["rows"]
    assert {(v["version"], v["status"]) for v in versions} == {(1, "superseded"), (2, "published")}
    assert draft.id not in {v["id"] for v in versions}
    assert "Gammel pris" in {v["price"] for v in versions}
    assert {p["version_id"] for p in tables["declarations_promises"]["rows"]} == {
        v["id"] for v in versions
    }
    dumped = json.dumps([t["rows"] for t in tables.values()])  # plain JSON values
    for secret in ("kari@roros.example", "Kari Klager", "Hemmelig kommentar", "Brutt løfte"):
        assert secret not in dumped


def test_own_data_export_and_anonymise(app, service, publish, make_user):
    promise = publish(service).promises[0].id
    user = make_user(Role.resident, email="eva@roros.example", name="Eva Eksport")
    client = login(app.test_client(), user)
    services.give_feedback(user, service, promise, True, "Fint")
    report = _report(service, promise, actor=user, email="eva@roros.example")
    db.session.commit()
    data = json.loads(client.get("/account/export").get_data(as_text=True))["declarations"]
    assert data["feedback"][0]["comment"] == "Fint"
    assert data["reports"][0]["reference"] == report.reference
    assert data["reports"][0]["email"] == "eva@roros.example"

    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    db.session.expire_all()
    feedback = db.session.scalar(sa.select(Feedback))
    kept = db.session.get(Report, report.id)
    assert (feedback.user_id, feedback.comment) == (None, "Fint")  # content stays
    assert (kept.user_id, kept.reporter_email, kept.reporter_name) == (None, None, None)
    assert kept.description == "Brutt løfte"


def test_an_owner_deleting_the_account_leaves_the_service(app, service, owner):
    client = login(app.test_client(), owner)
    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    db.session.expire_all()
    assert db.session.get(Service, service.id).owners == []


def test_demo_seed_is_idempotent_and_has_every_report_status(app):
    list(seed())
    list(seed())
    names = db.session.scalars(sa.select(Service.slug).order_by(Service.slug)).all()
    assert names == ["barnehage", "byggesak", "hjemmetjenester", "renovasjon"]
    for service in db.session.scalars(sa.select(Service)):
        current = services.queries.current_versions(db.session, service.id)
        assert set(current) == {"nb", "nn"}
        assert any(p.target_value for p in current["nb"].promises)  # measurable promises
        statuses = set(db.session.scalars(
            sa.select(Report.status).where(Report.service_id == service.id)))  # fmt: skip
        assert statuses == set(ReportStatus)
        assert service.feedback_kept + service.feedback_not_kept > 0
    byggesak = db.session.scalar(sa.select(Service).where(Service.slug == "byggesak"))
    history = db.session.scalars(services.queries.versions(byggesak.id)).all()
    assert VersionStatus.superseded in {v.status for v in history}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 8
    page = app.test_client().get("/declarations/").get_data(as_text=True)
    assert all(name in page for name in ("Byggesak", "Renovasjon", "Hjemmetjenester",
                                         "Barnehage"))  # fmt: skip
    nn = app.test_client().get("/declarations/hjemmetjenester", headers={"Accept-Language": "nn"})
    nn = nn.get_data(as_text=True)
    assert "Vi besøkjer deg innan 3 verkedagar" in nn
