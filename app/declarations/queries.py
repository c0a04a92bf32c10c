"""Serviceerklæringer: the read side, as plain functions an API can call too.

The public figures are counters kept on the service in the transaction that changes them
(``services.give_feedback``, ``report_broken_promise``, ``answer_report``), so a page reads
them with the service; only what time changes is counted when the page is asked for: the
reports still waiting past their deadline, per service from the index of its reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.core.dates import today
from app.core.models import Unit
from app.declarations.models import (
    DeclarationVersion,
    Promise,
    Report,
    ReportStatus,
    Service,
    VersionStatus,
    service_owners,
)

PUBLIC_STATUSES = (VersionStatus.published, VersionStatus.superseded)
WAITING = (ReportStatus.new, ReportStatus.acknowledged)
#: Answer times in working days, grouped for the chart and its table
ANSWER_DAY_BANDS = ((0, 2), (3, 5), (6, 10), (11, 15), (16, None))


class Figures(NamedTuple):
    """A service's public figures (a tuple: a list makes 200 of them)."""

    kept: int = 0
    not_kept: int = 0
    reports: int = 0
    #: Reports answered, or still waiting past their deadline
    due: int = 0
    answered_in_time: int = 0
    median_days: float | None = None

    @property
    def feedback(self) -> int:
        return self.kept + self.not_kept

    @property
    def kept_share(self) -> float | None:
        return round(100 * self.kept / self.feedback, 1) if self.feedback else None

    @property
    def in_time_share(self) -> float | None:
        return round(100 * self.answered_in_time / self.due, 1) if self.due else None


class ServiceRow(NamedTuple):
    id: int
    slug: str
    name: str
    unit: str
    focus_areas: list[int]
    languages: list[str]
    figures: Figures


# --- statements -----------------------------------------------------------------------------


def is_owner(service_id: int, user_id: int) -> sa.Select[tuple[bool]]:
    return sa.select(
        sa.exists().where(
            service_owners.c.service_id == service_id, service_owners.c.user_id == user_id
        )
    )


def service_by_slug(slug: str) -> sa.Select[tuple[Service]]:
    return sa.select(Service).where(Service.slug == slug)


def current_version(service_id: int, language: str) -> sa.Select[tuple[DeclarationVersion]]:
    """The published version in ``language`` (at most one)."""
    return sa.select(DeclarationVersion).where(
        DeclarationVersion.service_id == service_id,
        DeclarationVersion.status == VersionStatus.published,
        DeclarationVersion.language == language,
    )


def open_draft(service_id: int, language: str) -> sa.Select[tuple[DeclarationVersion]]:
    return sa.select(DeclarationVersion).where(
        DeclarationVersion.service_id == service_id,
        DeclarationVersion.language == language,
        DeclarationVersion.status.in_([VersionStatus.draft, VersionStatus.submitted]),
    )


def last_number(service_id: int, language: str) -> sa.Select[tuple[int | None]]:
    return sa.select(sa.func.max(DeclarationVersion.number)).where(
        DeclarationVersion.service_id == service_id, DeclarationVersion.language == language
    )


def current_promise(service_id: int, promise_id: int) -> sa.Select[tuple[Promise]]:
    """The promise, if it is in one of the service's published versions."""
    return (
        sa.select(Promise)
        .join(DeclarationVersion, DeclarationVersion.id == Promise.version_id)
        .where(
            Promise.id == promise_id,
            DeclarationVersion.service_id == service_id,
            DeclarationVersion.status == VersionStatus.published,
        )
    )


def versions(service_id: int, public_only: bool = True) -> sa.Select[tuple[DeclarationVersion]]:
    """The service's versions, newest first within each language."""
    stmt = sa.select(DeclarationVersion).where(DeclarationVersion.service_id == service_id)
    if public_only:
        stmt = stmt.where(DeclarationVersion.status.in_(PUBLIC_STATUSES))
    return stmt.order_by(DeclarationVersion.language, DeclarationVersion.number.desc())


def reports_for(user_id: int | None, status: str | None = None) -> sa.Select[tuple[Report]]:
    """Reports of the services ``user_id`` owns (every service's when None), waiting first,
    earliest deadline first."""
    stmt = sa.select(Report).options(joinedload(Report.service), joinedload(Report.promise))
    if user_id is not None:
        owned = sa.select(service_owners.c.service_id).where(service_owners.c.user_id == user_id)
        stmt = stmt.where(Report.service_id.in_(owned))
    if status:
        stmt = stmt.where(Report.status == ReportStatus(status))
    waiting_first = sa.case((Report.status.in_(WAITING), 0), else_=1)
    return stmt.order_by(waiting_first, Report.due_on, Report.id)


def services_for(user_id: int | None) -> sa.Select[tuple[Service]]:
    """The services ``user_id`` owns (all when None), by name."""
    stmt = sa.select(Service).options(joinedload(Service.unit))
    if user_id is not None:
        stmt = stmt.join(service_owners).where(service_owners.c.user_id == user_id)
    return stmt.order_by(Service.name)


def submitted_versions() -> sa.Select[tuple[DeclarationVersion]]:
    return (
        sa.select(DeclarationVersion)
        .options(joinedload(DeclarationVersion.service))
        .where(DeclarationVersion.status == VersionStatus.submitted)
        .order_by(DeclarationVersion.submitted_at)
    )


# --- figures --------------------------------------------------------------------------------


def median_answer_days(
    session: Session,
    service_ids: Iterable[int] | None = None,
    where: sa.ColumnElement[bool] | None = None,
    per_service: bool = True,
) -> dict[int | None, float]:
    """Median working days to answer, per service (or over all, under the key None),
    computed in the database: a histogram of answer times (read from an index), running
    totals over it by window functions, and the middle value (the mean of the middle two
    for an even count). The same SQL on SQLite and PostgreSQL."""
    days = Report.answer_working_days
    keys = [Report.service_id] if per_service else []
    histogram = sa.select(*keys, days.label("days"), sa.func.count().label("n")).where(
        days.is_not(None)
    )
    if service_ids is not None:
        histogram = histogram.where(Report.service_id.in_(list(service_ids)))
    if where is not None:
        histogram = histogram.where(where)
    h = histogram.group_by(*keys, days).subquery()
    # PostgreSQL has no GROUP BY or PARTITION BY a constant: the overall median has none
    partition = [h.c.service_id] if per_service else []
    key = h.c.service_id if per_service else sa.null()
    running = sa.select(
        key.label("key"),
        h.c.days,
        # SUM is NUMERIC on PostgreSQL; the middle positions need whole-number division
        sa.cast(
            sa.func.sum(h.c.n).over(partition_by=partition, order_by=h.c.days), sa.Integer
        ).label("cum"),
        sa.cast(sa.func.sum(h.c.n).over(partition_by=partition), sa.Integer).label("total"),
    ).subquery()
    lower = sa.func.min(sa.case((running.c.cum >= (running.c.total + 1) // 2, running.c.days)))
    upper = sa.func.min(sa.case((running.c.cum >= (running.c.total + 2) // 2, running.c.days)))
    median = sa.cast(lower + upper, sa.Float) / 2
    stmt = sa.select(running.c.key, median)
    if per_service:
        stmt = stmt.group_by(running.c.key)
    else:
        stmt = sa.select(sa.null(), median).select_from(running)
    return {row[0]: float(row[1]) for row in session.execute(stmt) if row[1] is not None}


def report_counts(
    session: Session, service_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int, int]]:
    """service id -> (reports, answered, answered in time), counted from the reports: what
    the counters kept on the service must say (``services.recount_report_figures``)."""
    stmt = sa.select(
        Report.service_id,
        sa.func.count(),
        sa.func.count(Report.answered_in_time),
        sa.func.sum(sa.case((Report.answered_in_time.is_(True), 1), else_=0)),
    ).group_by(Report.service_id)
    if service_ids is not None:
        stmt = stmt.where(Report.service_id.in_(list(service_ids)))
    return {row[0]: (row[1], row[2], int(row[3] or 0)) for row in session.execute(stmt)}


def late_reports(on: date | None = None) -> sa.ScalarSelect[int]:
    """A column of a query of services: its reports still waiting for an answer past their
    deadline (read from the figures index, per service)."""
    return (
        sa.select(sa.func.count())
        .where(
            Report.service_id == Service.id,
            Report.status.in_(WAITING),
            Report.due_on < (on or today()),
        )
        .correlate(Service)
        .scalar_subquery()
    )


def figure_columns(on: date | None = None) -> tuple[sa.ColumnElement[Any], ...]:
    """The columns of a query of services that _figures takes: the counters kept on the
    service, and its reports waiting past their deadline."""
    return (
        Service.feedback_kept,
        Service.feedback_not_kept,
        Service.reports_count,
        Service.reports_answered,
        Service.reports_answered_in_time,
        Service.answer_days_median,
        late_reports(on),
    )


def _figures(
    kept: int,
    not_kept: int,
    reports: int,
    answered: int,
    in_time: int,
    median: float | None,
    late: int,
) -> Figures:
    return Figures(kept, not_kept, reports, answered + late, in_time, median)


def figures_of(service: Service, late: int) -> Figures:
    """A loaded service's figures, with its count of reports waiting past their deadline."""
    return _figures(
        service.feedback_kept,
        service.feedback_not_kept,
        service.reports_count,
        service.reports_answered,
        service.reports_answered_in_time,
        service.answer_days_median,
        late,
    )


def figures_by_service(
    session: Session, service_ids: Iterable[int] | None = None, on: date | None = None
) -> dict[int, Figures]:
    """Figures for the given services (all when None), in one query."""
    stmt = sa.select(Service.id, *figure_columns(on))
    if service_ids is not None:
        stmt = stmt.where(Service.id.in_(list(service_ids)))
    return {id_: _figures(*figures) for id_, *figures in session.execute(stmt)}


@dataclass(frozen=True)
class Breakdown:
    """One service's reports by status, its answer times in bands of working days, and how
    many are waiting past their deadline."""

    statuses: list[tuple[ReportStatus, int]]
    days: list[tuple[str, int]]
    late: int


def report_breakdown(session: Session, service_id: int, on: date | None = None) -> Breakdown:
    """One service's breakdown in one query over its index entries: a count per (status,
    working days to answer), with how many of them are past their deadline."""
    past = sa.func.sum(sa.case((Report.due_on < (on or today()), 1), else_=0))
    rows = session.execute(
        sa.select(Report.status, Report.answer_working_days, sa.func.count(), past)
        .where(Report.service_id == service_id)
        .group_by(Report.status, Report.answer_working_days)
    ).all()
    statuses = dict.fromkeys(ReportStatus, 0)
    bands = dict.fromkeys(ANSWER_DAY_BANDS, 0)
    late = 0
    for status, days, n, overdue in rows:
        statuses[status] += n
        late += int(overdue or 0) if status in WAITING else 0
        if days is not None:
            band = next(
                b for b in ANSWER_DAY_BANDS if days >= b[0] and (b[1] is None or days <= b[1])
            )
            bands[band] += n
    labels = [f"{low}–{high}" if high is not None else f"{low}+" for low, high in ANSWER_DAY_BANDS]
    return Breakdown(list(statuses.items()), list(zip(labels, bands.values(), strict=True)), late)


def public_services(session: Session) -> list[ServiceRow]:
    """Active services with a published declaration, with their figures and languages, in
    one query."""
    languages = (
        sa.select(sa.func.aggregate_strings(DeclarationVersion.language, ","))
        .where(
            DeclarationVersion.service_id == Service.id,
            DeclarationVersion.status == VersionStatus.published,
        )
        .correlate(Service)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            Service.id,
            Service.slug,
            Service.name,
            Unit.name,
            Service.focus_areas,
            languages,
            *figure_columns(),
        )
        .join(Unit, Unit.id == Service.unit_id)
        .where(Service.active.is_(True))
        .order_by(Service.name)
    )
    return [
        ServiceRow(id_, slug, name, unit, list(areas or []), sorted(published.split(",")),
                   _figures(*figures))
        for id_, slug, name, unit, areas, published, *figures in rows
        if published
    ]  # fmt: skip


def current_versions(session: Session, service_id: int) -> dict[str, DeclarationVersion]:
    """The published version per language."""
    rows = session.scalars(
        sa.select(DeclarationVersion).where(
            DeclarationVersion.service_id == service_id,
            DeclarationVersion.status == VersionStatus.published,
        )
    )
    return {version.language: version for version in rows}


def current_promise_choices(session: Session, service_id: int) -> list[tuple[int, str]]:
    """Every promise of the service's published versions (what a feedback form accepts)."""
    rows = session.execute(
        sa.select(Promise.id, Promise.position, Promise.text)
        .join(DeclarationVersion, DeclarationVersion.id == Promise.version_id)
        .where(
            DeclarationVersion.service_id == service_id,
            DeclarationVersion.status == VersionStatus.published,
        )
    )
    return [(id_, f"{position}. {text}") for id_, position, text in rows]


def pick_version(
    versions: dict[str, DeclarationVersion], asked: str | None, reader: str
) -> tuple[DeclarationVersion | None, bool]:
    """The version to show and whether it is a fallback: the language asked for (a link to
    another version, sma say), else the reader's, else bokmål (or whatever exists)."""
    for language in (asked, reader):
        if language in versions:
            return versions[language], False
    if "nb" in versions:
        return versions["nb"], True
    return (next(iter(sorted(versions.items())))[1], True) if versions else (None, False)
