"""Serviceerklæringer: the write side. Each function enforces one rule and flushes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User, UserRole
from app.core.audit import audit
from app.core.dates import oslo_date, today
from app.core.db import utcnow
from app.core.links import absolute_url
from app.core.mail import queue_mail
from app.core.models import Unit
from app.core.permissions import Role, can_participate
from app.core.workdays import add_working_days, working_days_between
from app.declarations import queries
from app.declarations.models import (
    CONTENT_LANGUAGES,
    DeclarationVersion,
    Feedback,
    Promise,
    Report,
    ReportStatus,
    Service,
    TargetUnit,
    VersionStatus,
)
from app.extensions import db

#: A version still being written (at most one per service and language)
OPEN = (VersionStatus.draft, VersionStatus.submitted)
SECTIONS = ("about", "audience", "expectations", "price", "complaints", "contact")
#: Reports whose answer is waiting
AWAITING_ANSWER = (ReportStatus.new, ReportStatus.acknowledged)
#: Answered reports are closed (and the reporter's contact erased) after this long
CLOSE_ANSWERED_AFTER = timedelta(days=30)


NO_PROMISES = _l("En erklæring må ha minst ett løfte under «Hva du kan forvente».")


class DeclarationError(Exception):
    """A rule was broken; the message is for the user."""


@dataclass(frozen=True)
class PromiseInput:
    text: str
    target_value: int | None = None
    target_unit: TargetUnit | None = None


# --- permissions ----------------------------------------------------------------------------


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.admin))


def owns(user: Any, service: Service) -> bool:
    """Whether ``user`` is one of the service's owners (and still holds the role)."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.service_owner)
        and db.session.scalar(queries.is_owner(service.id, user.id))
    )


def can_edit(user: Any, service: Service) -> bool:
    """Draft and submit the service's declarations, answer its reports."""
    return is_admin(user) or owns(user, service)


def can_manage(user: Any) -> bool:
    """May open /declarations/manage/ at all."""
    return bool(user.is_authenticated and user.has_role(Role.admin, Role.service_owner))


def can_report(user: Any, email: str | None) -> bool:
    """A confirmed resident, or anyone who leaves an email, may report a broken promise."""
    return bool((email or "").strip()) or can_participate(user)


# --- services -------------------------------------------------------------------------------


def create_service(actor: User, **fields: Any) -> Service:
    """An administrator adds a service."""
    owner_ids = fields.pop("owner_ids", [])
    _check_service_fields(None, fields)
    service = Service(**fields)
    db.session.add(service)
    db.session.flush()
    _set_owners(service, owner_ids)
    audit(actor, "service.created", service, {"name": service.name, "owners": owner_ids})
    return service


def update_service(actor: User, service: Service, **fields: Any) -> None:
    """An administrator changes a service and its owners."""
    owner_ids = fields.pop("owner_ids", [])
    _check_service_fields(service, fields)
    for key, value in fields.items():
        setattr(service, key, value)
    _set_owners(service, owner_ids)
    audit(actor, "service.updated", service, {"name": service.name, "owners": owner_ids})


def _check_service_fields(service: Service | None, fields: dict[str, Any]) -> None:
    taken = db.session.scalar(sa.select(Service.id).where(Service.slug == fields["slug"]))
    if taken and (service is None or taken != service.id):
        raise DeclarationError(_l("Adressen (kortnavnet) er allerede i bruk av en annen tjeneste."))
    if db.session.get(Unit, fields["unit_id"]) is None:
        raise DeclarationError(_l("Velg en enhet fra listen."))


def _set_owners(service: Service, owner_ids: list[int]) -> None:
    owners = db.session.scalars(
        sa.select(User).where(
            User.id.in_(owner_ids), User.roles.any(UserRole.role == Role.service_owner)
        )
    ).all()
    if len(owners) != len(set(owner_ids)):
        raise DeclarationError(_l("Bare brukere med rollen tjenesteleder kan eie en tjeneste."))
    service.owners = list(owners)
    db.session.flush()


# --- declarations ---------------------------------------------------------------------------


def start_draft(actor: User, service: Service, language: str) -> DeclarationVersion:
    """A new draft in ``language``, starting from the current text (that language's, else
    bokmål's); the draft already being written if there is one."""
    if not can_edit(actor, service):
        raise DeclarationError(_l("Du kan bare skrive erklæringer for dine egne tjenester."))
    if language not in CONTENT_LANGUAGES:
        raise DeclarationError(_l("Velg et av språkene i listen."))
    existing = db.session.scalar(queries.open_draft(service.id, language))
    if existing is not None:
        return existing
    source = db.session.scalar(queries.current_version(service.id, language)) or db.session.scalar(
        queries.current_version(service.id, "nb")
    )
    number = db.session.scalar(queries.last_number(service.id, language)) or 0
    draft = DeclarationVersion(
        service_id=service.id,
        language=language,
        number=number + 1,
        status=VersionStatus.draft,
        author_id=actor.id,
        **{name: getattr(source, name) if source else "" for name in SECTIONS},
    )
    if source is not None:
        draft.promises = [
            Promise(position=p.position, text=p.text, target_value=p.target_value,
                    target_unit=p.target_unit)
            for p in source.promises
        ]  # fmt: skip
    db.session.add(draft)
    db.session.flush()
    return draft


def save_draft(
    actor: User, version: DeclarationVersion, sections: dict[str, str], promises: list[PromiseInput]
) -> None:
    """Change a draft's text and promises; a submitted draft goes back to being a draft."""
    _check_open(actor, version)
    if not promises:
        raise DeclarationError(NO_PROMISES)
    for name in SECTIONS:
        setattr(version, name, sections.get(name) or "")
    version.promises = [
        Promise(position=n, text=p.text, target_value=p.target_value,
                target_unit=p.target_unit if p.target_value else None)
        for n, p in enumerate(promises, start=1)
    ]  # fmt: skip
    version.status = VersionStatus.draft
    version.submitted_at = None
    db.session.flush()


def submit_draft(actor: User, version: DeclarationVersion) -> None:
    """A service owner asks for the draft to be published; the administrators are told."""
    _check_open(actor, version)
    if not version.promises:
        raise DeclarationError(NO_PROMISES)
    version.status = VersionStatus.submitted
    version.submitted_at = utcnow()
    db.session.flush()
    audit(actor, "declaration.submitted", version, {"language": version.language})
    admins = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.roles.any(UserRole.role == Role.admin))
    )
    service = version.service
    for admin in admins:
        link = absolute_url("declarations.edit_version", version_id=version.id)
        queue_mail(admin.email, "declaration_submitted", admin.language or "nb", user=admin,
                   service=service, version=version, by=actor, link=link)  # fmt: skip


def publish(actor: User, version: DeclarationVersion, effective_from: date) -> None:
    """An administrator publishes; the current version in the same language is superseded."""
    if not is_admin(actor):
        raise DeclarationError(_l("Bare administratorer kan publisere erklæringer."))
    if version.status not in OPEN:
        raise DeclarationError(_l("Denne versjonen er allerede publisert."))
    if not version.promises:
        raise DeclarationError(NO_PROMISES)
    current = db.session.scalar(queries.current_version(version.service_id, version.language))
    if current is not None:
        if current.effective_from and effective_from < current.effective_from:
            raise DeclarationError(
                _l("Datoen kan ikke være før den gjeldende versjonen trådte i kraft (%(date)s).",
                   date=current.effective_from.isoformat())
            )  # fmt: skip
        current.status = VersionStatus.superseded
        current.superseded_at = utcnow()
        db.session.flush()  # before the new one becomes current
    version.status = VersionStatus.published
    version.effective_from = effective_from
    version.published_at = utcnow()
    version.published_by_id = actor.id
    version.reviewed_on = today()
    db.session.flush()
    audit(actor, "declaration.published", version,
          {"language": version.language, "number": version.number,
           "effective_from": effective_from.isoformat(),
           "superseded": current.id if current else None})  # fmt: skip


def mark_reviewed(actor: User, version: DeclarationVersion) -> None:
    """The owner or an administrator confirms the published text is still right (the
    compass counts a declaration as up to date for 12 months after this)."""
    if not can_edit(actor, version.service):
        raise DeclarationError(_l("Du kan bare skrive erklæringer for dine egne tjenester."))
    if version.status != VersionStatus.published:
        raise DeclarationError(_l("Bare den gjeldende versjonen kan merkes som gjennomgått."))
    version.reviewed_on = today()
    audit(actor, "declaration.reviewed", version, {"language": version.language})


def discard_draft(actor: User, version: DeclarationVersion) -> None:
    """Throw away a draft that was never published."""
    _check_open(actor, version)
    db.session.delete(version)
    db.session.flush()


def _check_open(actor: User, version: DeclarationVersion) -> None:
    if not can_edit(actor, version.service):
        raise DeclarationError(_l("Du kan bare skrive erklæringer for dine egne tjenester."))
    if version.status not in OPEN:
        raise DeclarationError(_l("En publisert versjon kan ikke endres. Lag et nytt utkast."))


# --- feedback and reports -------------------------------------------------------------------


def _current_promise(service: Service, promise_id: int | None) -> Promise:
    promise = db.session.scalar(queries.current_promise(service.id, promise_id or 0))
    if promise is None:
        raise DeclarationError(_l("Velg et av løftene i den gjeldende erklæringen."))
    return promise


def give_feedback(
    actor: Any, service: Service, promise_id: int | None, kept: bool, comment: str | None
) -> Feedback:
    """Anyone tells whether a promise was kept for them; the counters move in this
    transaction (in the database, so concurrent answers are all counted)."""
    promise = _current_promise(service, promise_id)
    feedback = Feedback(
        service_id=service.id,
        promise_id=promise.id,
        kept=kept,
        comment=(comment or "").strip() or None,
        created_on=today(),
        user_id=actor.id if actor.is_authenticated else None,
    )
    db.session.add(feedback)
    column = "kept_count" if kept else "not_kept_count"
    counts = db.session.execute(
        sa.update(Promise).where(Promise.id == promise.id)
        .values({column: getattr(Promise, column) + 1})
        .returning(Promise.kept_count, Promise.not_kept_count)
        .execution_options(synchronize_session=False)
    ).one()  # fmt: skip
    set_committed_value(promise, "kept_count", counts.kept_count)
    set_committed_value(promise, "not_kept_count", counts.not_kept_count)
    service_column = "feedback_kept" if kept else "feedback_not_kept"
    db.session.execute(
        sa.update(Service).where(Service.id == service.id)
        .values({service_column: getattr(Service, service_column) + 1})
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.expire(service, ["feedback_kept", "feedback_not_kept"])
    db.session.flush()
    return feedback


def answer_deadline(received: date) -> date:
    return add_working_days(received, current_app.config["REPORT_ANSWER_WORKING_DAYS"])


def report_broken_promise(
    actor: Any,
    service: Service,
    promise_id: int | None,
    description: str,
    happened_on: date,
    name: str | None,
    email: str | None,
    language: str,
) -> Report:
    """A broken promise: a reference, a deadline, a receipt to the reporter, word to the owners."""
    email = (email or "").strip().lower() or None
    if email is None and can_participate(actor):
        email = actor.email
    if not can_report(actor, email):
        raise DeclarationError(_l("Skriv e-postadressen din, så vi kan svare deg."))
    if happened_on > today():
        raise DeclarationError(_l("Datoen kan ikke være fram i tid."))
    promise = _current_promise(service, promise_id)
    report = Report(
        service_id=service.id,
        promise_id=promise.id,
        description=description,
        happened_on=happened_on,
        reporter_name=(name or "").strip() or (actor.name if actor.is_authenticated else None),
        reporter_email=email,
        reporter_language=language,
        user_id=actor.id if actor.is_authenticated else None,
        due_on=answer_deadline(today()),
    )
    db.session.add(report)
    _move_counters(service, reports_count=1)
    db.session.flush()
    link = absolute_url("declarations.detail", slug=service.slug)
    # Nobody has shown the address is theirs: the receipt repeats none of what was typed
    queue_mail(
        email,
        "report_receipt",
        language,
        reference=report.reference,
        due_on=report.due_on,
        service=service,
        promise=promise,
        link=link,
    )
    for owner in _active_owners(service):
        queue_mail(owner.email, "report_new", owner.language or "nb", user=owner, report=report,
                   service=service, promise=promise,
                   link=absolute_url("declarations.report", report_id=report.id))  # fmt: skip
    return report


def acknowledge(actor: User, report: Report) -> None:
    """The service has seen the report and is looking into it."""
    _check_handler(actor, report)
    if report.status != ReportStatus.new:
        raise DeclarationError(_l("Avviket er allerede mottatt."))
    report.status = ReportStatus.acknowledged
    report.acknowledged_at = utcnow()
    audit(actor, "report.acknowledged", report)


def answer_report(actor: User, report: Report, text: str) -> None:
    """The answer, mailed to the reporter; the working days it took are kept for the figures."""
    _check_handler(actor, report)
    if report.status not in AWAITING_ANSWER:
        raise DeclarationError(_l("Avviket er allerede besvart."))
    if not text.strip():
        raise DeclarationError(_l("Skriv svaret."))
    now = utcnow()
    report.status = ReportStatus.answered
    report.acknowledged_at = report.acknowledged_at or now
    report.answered_at = now
    report.answer = text.strip()
    report.answered_by_id = actor.id
    report.answer_working_days = working_days_between(oslo_date(report.created_at), oslo_date(now))
    report.answered_in_time = oslo_date(now) <= report.due_on
    # The counters' UPDATE locks the service's row until the commit, so two answers at
    # the same moment each take the median over the other's too (the later waits)
    _move_counters(
        report.service, reports_answered=1, reports_answered_in_time=int(report.answered_in_time)
    )
    db.session.flush()
    _keep_median(report.service)
    audit(actor, "report.answered", report, {"in_time": report.answered_in_time})
    if report.reporter_email:
        queue_mail(report.reporter_email, "report_answer", report.reporter_language,
                   report=report, service=report.service, promise=report.promise,
                   link=absolute_url("declarations.detail", slug=report.service.slug))  # fmt: skip


def _move_counters(service: Service, **steps: int) -> None:
    """Add to the service's counters in the database (concurrent writers are all counted)."""
    db.session.execute(
        sa.update(Service)
        .where(Service.id == service.id)
        .values({name: getattr(Service, name) + step for name, step in steps.items()})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(service, list(steps))


def _keep_median(service: Service) -> None:
    medians = queries.median_answer_days(db.session, [service.id])
    service.answer_days_median = medians.get(service.id)
    db.session.flush()


def recount_report_figures(service_ids: Iterable[int] | None = None) -> None:
    """Count the services' report figures afresh from their reports (all when None): what
    the counters kept with each report must already say."""
    ids = None if service_ids is None else list(service_ids)
    counts = queries.report_counts(db.session, ids)
    medians = queries.median_answer_days(db.session, ids)
    stmt = sa.select(Service)
    for service in db.session.scalars(stmt if ids is None else stmt.where(Service.id.in_(ids))):
        total, answered, in_time = counts.get(service.id, (0, 0, 0))
        service.reports_count, service.reports_answered = total, answered
        service.reports_answered_in_time = in_time
        service.answer_days_median = medians.get(service.id)
    db.session.flush()


def close_report(actor: User | None, report: Report) -> None:
    """Close an answered report (or one that needs no answer); the contact is erased."""
    if actor is not None:
        _check_handler(actor, report)
    if not _close(Report.id == report.id):
        raise DeclarationError(_l("Avviket er allerede lukket."))
    audit(actor, "report.closed", report, {"answered": report.answered_at is not None})


def close_answered_reports(now: datetime | None = None) -> int:
    """Close reports answered more than 30 days ago, so no contact is kept longer than needed."""
    cutoff = (now or utcnow()) - CLOSE_ANSWERED_AFTER
    reports = _close(Report.status == ReportStatus.answered, Report.answered_at < cutoff)
    for report in reports:
        audit(None, "report.closed", report, {"answered": True})
    return len(reports)


def _close(*where: Any) -> list[Report]:
    """Close the open reports ``where`` selects, erasing the contact, and return them.

    One UPDATE … RETURNING checks and sets at once: a report that two close at the same
    moment (two job workers, or a worker and its owner) is closed and logged once.
    """
    closed = db.session.scalars(
        sa.update(Report)
        .where(Report.status != ReportStatus.closed, *where)
        .values(
            status=ReportStatus.closed, closed_at=utcnow(), reporter_name=None, reporter_email=None
        )
        .returning(Report)
    )
    return list(closed)


def _check_handler(actor: User, report: Report) -> None:
    if not can_edit(actor, report.service):
        raise DeclarationError(_l("Du kan bare behandle avvik for dine egne tjenester."))


def _active_owners(service: Service) -> list[User]:
    return [owner for owner in service.owners if owner.active]


def is_overdue(report: Report, on: date | None = None) -> bool:
    return report.status in AWAITING_ANSWER and report.due_on < (on or today())
