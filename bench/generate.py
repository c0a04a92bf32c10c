"""Fill an already-migrated database with synthetic data at a chosen scale.

Every generator in ``GENERATORS`` is a function ``(engine, scale, rng) -> {table: rows}``
that writes with SQLAlchemy Core bulk inserts (never the ORM per row) and returns how many
rows it wrote. ``generate()`` runs them in order, each with its own ``random.Random``
derived from the seed and the generator's name, so adding a generator never changes what
the ones before it write.

    python -m bench.generate --scale roros --database instance/bench/roros.sqlite3

migrates the file to head (creating it if needed) and fills it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa

from app.core.demo import DEMO_UNITS, RØROS
from app.core.permissions import Role
from app.panel.forms import DIMENSIONS, USER_GROUPS
from app.panel.services import group_mask
from app.panel.stats import age_band

#: Rows per executemany; large enough to be fast, small enough to keep memory flat.
BATCH_SIZE = 5_000

#: Every generated account has this password (hashed once, with cheap argon2 parameters).
BENCH_PASSWORD = "bench-password-123"  # noqa: S105 - synthetic accounts only

#: "Now" for generated timestamps: fixed, so the same seed writes the same rows.
REFERENCE_TIME = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@dataclasses.dataclass(frozen=True)
class Scale:
    """How much of everything to generate. Later issues add fields (with defaults)."""

    name: str
    #: The municipality's population (written to the settings row)
    inhabitants: int
    #: Accounts in ``users`` (including the role holders below)
    users: int
    #: Accounts with the admin role (ids 1..admins)
    admins: int
    #: Accounts with the service_owner role (the next ids)
    service_owners: int
    #: Accounts with committee + resident (the next ids); everyone else is a resident
    committee: int
    #: Innbyggerforslag and the electronic signatures on them
    proposals: int = 0
    signatures: int = 0
    #: Services with a service declaration, feedback on their promises, broken-promise reports
    services: int = 0
    feedback: int = 0
    reports: int = 0
    #: Municipal units (made only when the units table is empty), golden-moment nominations
    #: spread over ``moment_months`` months (each with a winner) and weekly reflections
    units: int = 0
    nominations: int = 0
    moment_months: int = 0
    reflection_weeks: int = 0
    #: Share of residents who never confirmed their email
    unconfirmed_share: float = 0.05
    #: Share of residents whose account is deactivated
    inactive_share: float = 0.005
    #: Kompass: measures spread over four sub-strategies, log entries per measure, and
    #: months of indicator snapshots (computed from the generated data)
    compass_measures: int = 0
    compass_updates_per_measure: int = 0
    compass_snapshot_months: int = 0
    #: Brukerpanel: members (confirmed residents with a profile), surveys closed one a month
    #: back from the reference time (each the next round of the one before), and the
    #: anonymous responses to each (ten questions: seven scale6, single, multi, text)
    panel_members: int = 0
    surveys: int = 0
    responses_per_survey: int = 0


SCALES: dict[str, Scale] = {
    s.name: s
    for s in [
        Scale(
            "tiny",
            inhabitants=50,
            users=50,
            admins=1,
            service_owners=2,
            committee=3,
            proposals=20,
            signatures=200,
            compass_measures=8,
            compass_updates_per_measure=2,
            compass_snapshot_months=3,
            services=4,
            feedback=400,
            reports=40,
            units=5,
            nominations=100,
            moment_months=12,
            reflection_weeks=8,
            panel_members=20,
            surveys=2,
            responses_per_survey=12,
        ),
        Scale(
            "roros",
            inhabitants=6_000,
            users=6_000,
            admins=3,
            service_owners=25,
            committee=15,
            proposals=300,
            signatures=15_000,
            compass_measures=20,
            compass_updates_per_measure=4,
            compass_snapshot_months=24,
            services=20,
            feedback=30_000,
            reports=600,
            units=8,
            nominations=2_000,
            moment_months=36,
            reflection_weeks=52,
            panel_members=600,
            surveys=8,
            responses_per_survey=200,
        ),
        Scale(
            "oslo",
            inhabitants=700_000,
            users=700_000,
            admins=20,
            service_owners=600,
            committee=59,
            proposals=10_000,
            signatures=500_000,
            compass_measures=200,
            compass_updates_per_measure=6,
            compass_snapshot_months=24,
            services=200,
            feedback=1_000_000,
            reports=20_000,
            units=60,
            nominations=100_000,
            moment_months=120,
            reflection_weeks=260,
            panel_members=35_000,
            surveys=24,
            responses_per_survey=4_000,
        ),
    ]
}

Generator = Callable[[sa.Engine, Scale, random.Random], dict[str, int]]


def bench_email(user_number: int) -> str:
    """The email of the ``user_number``-th generated account (1-based)."""
    return f"user{user_number}@bench.example"


def _table(name: str) -> sa.Table:
    # Importing the models registers their tables on the shared metadata.
    import app.auth.models  # noqa: F401
    import app.compass.models  # noqa: F401
    import app.core.models  # noqa: F401
    import app.declarations.models  # noqa: F401
    import app.moments.models  # noqa: F401
    import app.panel.models  # noqa: F401
    import app.proposals.models  # noqa: F401
    from app.extensions import db

    return db.metadata.tables[name]


def insert_batches(
    conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]], size: int = BATCH_SIZE
) -> int:
    """Insert ``rows`` with executemany, ``size`` at a time; return how many were written."""
    written = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            conn.execute(table.insert(), batch)
            written += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        written += len(batch)
    return written


def _next_id(conn: sa.Connection, table: sa.Table) -> int:
    return (conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


# --- generators -----------------------------------------------------------------------------


def generate_settings(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """The one municipality settings row: Røros, with the scale's population."""
    table = _table("municipality_settings")
    with engine.begin() as conn:
        conn.execute(table.delete())
        conn.execute(
            table.insert(),
            [{**RØROS, "population": scale.inhabitants, "updated_at": REFERENCE_TIME}],
        )
    return {"municipality_settings": 1}


FIRST_NAMES = (
    "Ingrid Kari Anne Marit Solveig Astrid Liv Nora Emma Sofie Ida Maja Sara Hanne Tone "
    "Ola Per Jan Lars Knut Arne Bjørn Nils Jon Erik Sander Jakob Emil Magnus Henrik Aksel"
).split()
LAST_NAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
    "Johnsen Pettersen Eriksen Berg Haugen Hagen Moen Bakken Aas Sæther Brodal Kokkvold "
    "Mølmann Rasch Ryen Flatgård Gjelsvik Stuedal Tamnes Svendsen"
).split()
LANGUAGES = ("nb", "nn", "en", None)
LANGUAGE_WEIGHTS = (70, 8, 7, 15)
OUTSIDE_POSTAL_CODES = ("0150", "7010", "7080", "2450", "5003")


def _user_rows(
    scale: Scale, rng: random.Random, first_id: int, password_hash: str
) -> Iterator[dict[str, Any]]:
    postal_codes = RØROS["postal_codes"]
    three_years = 3 * 365 * 24 * 3600
    special = scale.admins + scale.service_owners + scale.committee
    for n in range(1, scale.users + 1):
        created = REFERENCE_TIME - timedelta(seconds=rng.randrange(three_years))
        role_holder = n <= special
        roll = rng.random()
        confirmed = role_holder or roll >= scale.unconfirmed_share
        active = role_holder or rng.random() >= scale.inactive_share
        if confirmed and rng.random() < 0.6:
            since = int((REFERENCE_TIME - created).total_seconds())
            last_login = created + timedelta(seconds=rng.randrange(since))
        else:
            last_login = None
        yield {
            "id": first_id + n - 1,
            "email": bench_email(n),
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "password_hash": password_hash,
            "confirmed_at": created + timedelta(minutes=rng.randrange(1, 600))
            if confirmed
            else None,
            "active": active,
            "language": rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
            "postal_code": (
                rng.choice(postal_codes)
                if rng.random() < 0.93
                else rng.choice(OUTSIDE_POSTAL_CODES)
            )
            if rng.random() < 0.9
            else None,
            "birth_year": rng.randrange(1930, 2010) if rng.random() < 0.8 else None,
            "created_at": created,
            "last_login_at": last_login,
        }


def _role_rows(scale: Scale, first_id: int) -> Iterator[dict[str, Any]]:
    a, s, c = scale.admins, scale.service_owners, scale.committee
    for n in range(1, scale.users + 1):
        user_id = first_id + n - 1
        if n <= a:
            roles: tuple[Role, ...] = (Role.admin,)
        elif n <= a + s:
            roles = (Role.service_owner,)
        elif n <= a + s + c:
            roles = (Role.resident, Role.committee)
        else:
            roles = (Role.resident,)
        for role in roles:
            yield {"user_id": user_id, "role": role, "granted_at": REFERENCE_TIME}


def generate_users(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Accounts and their roles: user1..userN@bench.example, all with BENCH_PASSWORD.

    The first ``admins`` accounts are administrators, the next ``service_owners`` service
    owners, the next ``committee`` committee members (and residents); the rest residents.
    """
    from argon2 import PasswordHasher

    # One hash for every account (hashing per user would take hours at the oslo scale);
    # the salt comes from the seed so the same seed writes the same rows.
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    password_hash = hasher.hash(BENCH_PASSWORD, salt=rng.randbytes(16))
    users, user_roles = _table("users"), _table("user_roles")
    with engine.begin() as conn:
        first_id = _next_id(conn, users)
        n_users = insert_batches(conn, users, _user_rows(scale, rng, first_id, password_hash))
        n_roles = insert_batches(conn, user_roles, _role_rows(scale, first_id))
    return {"users": n_users, "user_roles": n_roles}


TOPICS = ("Trafikk", "Skole", "Kultur", "Byrom", "Friluftsliv", "Helse", "Ungdom", "Næring")
WORDS = (
    "sykkelvei gatelys benker badstu skatebane bibliotek buss barnehage parkering idrettshall "
    "turvei fortau lekeplass kafé marked scene skiløype brygge toalett snøbrøyting"
).split()
#: (state, weight): most proposals collect signatures; some are further along
PROPOSAL_STATES = (("open", 60), ("expired", 10), ("submitted", 8), ("in_review", 4),
                   ("decided", 12), ("withdrawn", 4), ("rejected", 2))  # fmt: skip


def _proposal_rows(scale: Scale, rng: random.Random, first_id: int) -> Iterator[dict[str, Any]]:
    states, weights = zip(*PROPOSAL_STATES, strict=True)
    for n in range(scale.proposals):
        state = rng.choices(states, weights)[0]
        opened = REFERENCE_TIME - timedelta(days=rng.randrange(1, 700))
        submitted = opened + timedelta(days=60) if state in ("submitted", "in_review",
                                                             "decided") else None  # fmt: skip
        words = rng.sample(WORDS, 3)
        yield {
            "id": first_id + n,
            "title": f"Forslag {n + 1}: {words[0]} og {words[1]}"[:120],
            "summary": f"Vi foreslår {words[0]}, {words[1]} og {words[2]} i kommunen.",
            "body": " ".join(rng.choices(WORDS, k=80)),
            "focus_area": rng.randrange(1, 9),
            "topic": rng.choice(TOPICS),
            "state": state,
            "author_id": rng.randrange(1, scale.users + 1),
            "created_at": opened - timedelta(days=2),
            "updated_at": opened,
            "opened_at": opened,
            # Open campaigns run until two years after the reference time, so the signing
            # benchmark has proposals that accept signatures
            "campaign_ends_on": (REFERENCE_TIME + timedelta(days=730)).date()
            if state == "open"
            else (opened + timedelta(days=180)).date(),
            "signature_count": 0,
            "paper_count": 0,
            "submitted_at": submitted,
            "obliged": True if submitted else None,
            "decision_due_on": (submitted + timedelta(days=182)).date() if submitted else None,
        }


def generate_proposals(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Proposals and distinct signers on each; the counters match the signature rows."""
    proposals, signatures = _table("proposals"), _table("signatures")
    if not scale.proposals:
        return {"proposals": 0, "signatures": 0}
    with engine.begin() as conn:
        first_id = _next_id(conn, proposals)
        n_proposals = insert_batches(conn, proposals, _proposal_rows(scale, rng, first_id))
        per_proposal = [0] * scale.proposals
        for _ in range(scale.signatures):
            per_proposal[int(rng.paretovariate(1.2)) % scale.proposals] += 1

        def signature_rows() -> Iterator[dict[str, Any]]:
            for index, count in enumerate(per_proposal):
                count = min(count, scale.users)
                for user_id in rng.sample(range(1, scale.users + 1), count):
                    signed = REFERENCE_TIME - timedelta(days=rng.randrange(700))
                    yield {"proposal_id": first_id + index, "user_id": user_id,
                           "full_name": f"Signer {user_id}", "postal_code": "7374",
                           "birth_year": rng.randrange(1930, 2015), "notify": False,
                           "created_at": signed}  # fmt: skip

        n_signatures = insert_batches(conn, signatures, signature_rows())
        conn.execute(
            proposals.update().values(
                signature_count=sa.select(sa.func.count())
                .where(signatures.c.proposal_id == proposals.c.id)
                .scalar_subquery()
            )
        )
    return {"proposals": n_proposals, "signatures": n_signatures}


#: Røros' Kommunekompasset evaluations (2017 with six of the eight areas published)
COMPASS_EVALUATIONS = [(2013, 254, {}, None), (2017, 396, {1: 33, 2: 38, 3: 65, 6: 43, 7: 35,
                                                            8: 69}, (362, 356, 500)),
                       (2021, 593, {}, None)]  # fmt: skip
MEASURE_STATUSES = (("planned", 20), ("in_progress", 50), ("done", 25), ("cancelled", 5))


def generate_compass(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Evaluations, the target, four sub-strategies with measures and their logs, and
    monthly snapshots of every registered indicator, computed from the generated data for
    the months before REFERENCE_TIME."""
    names = ("compass_evaluations", "compass_area_scores", "compass_targets",
             "compass_strategies", "compass_measures", "compass_measure_updates")  # fmt: skip
    evaluations, scores, targets, strategies, measures, updates = map(_table, names)
    statuses, weights = zip(*MEASURE_STATUSES, strict=True)
    now = REFERENCE_TIME
    with engine.begin() as conn:
        for n, (year, total, areas, refs) in enumerate(COMPASS_EVALUATIONS, start=1):
            conn.execute(evaluations.insert(), [{
                "id": n, "year": year, "evaluator": "KS-Konsulent", "total": total, "notes": "",
                "national_average": refs[0] if refs else None,
                "group_average": refs[1] if refs else None,
                "best_municipality": refs[2] if refs else None,
                "created_at": now, "updated_at": now}])  # fmt: skip
            if areas:
                conn.execute(scores.insert(), [{"evaluation_id": n, "area": a, "score": v}
                                               for a, v in areas.items()])  # fmt: skip
        conn.execute(targets.insert(), [{"id": 1, "score": 550, "year": 2027, "updated_at": now}])
        conn.execute(strategies.insert(), [
            {"id": n, "position": n, "title": f"Delstrategi {n}", "description": "",
             "created_at": now} for n in range(1, 5)])  # fmt: skip

        def measure_rows() -> Iterator[dict[str, Any]]:
            for n in range(1, scale.compass_measures + 1):
                status = rng.choices(statuses, weights)[0]
                yield {"id": n, "strategy_id": n % 4 + 1, "position": n, "title": f"Tiltak {n}",
                       "description": " ".join(rng.choices(WORDS, k=20)),
                       "focus_areas": sorted(rng.sample(range(1, 9), rng.randrange(1, 4))),
                       "owner": rng.choice(TOPICS), "due_on": (now + timedelta(days=rng.randrange(
                           -200, 700))).date(), "status": status,
                       "progress": 100 if status == "done" else rng.randrange(0, 100),
                       "created_at": now, "updated_at": now}  # fmt: skip

        def update_rows() -> Iterator[dict[str, Any]]:
            for n in range(1, scale.compass_measures + 1):
                for k in range(scale.compass_updates_per_measure):
                    yield {"measure_id": n, "noted_on": (now - timedelta(days=30 * k + 1)).date(),
                           "text": " ".join(rng.choices(WORDS, k=12)), "status": "in_progress",
                           "progress": rng.randrange(0, 100), "author_id": 1,
                           "created_at": now}  # fmt: skip

        n_measures = insert_batches(conn, measures, measure_rows())
        n_updates = insert_batches(conn, updates, update_rows())
    return {"compass_evaluations": len(COMPASS_EVALUATIONS), "compass_measures": n_measures,
            "compass_measure_updates": n_updates,
            "compass_snapshots": _compass_snapshots(engine, scale)}  # fmt: skip


def _compass_snapshots(engine: sa.Engine, scale: Scale) -> int:
    """Every registered indicator per month, through the compass's own snapshot service (a
    few hundred rows: one per indicator and month)."""
    from app import create_app
    from app.compass import services
    from app.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = engine.url.render_as_string(hide_password=False)
        RATELIMIT_ENABLED = False

    app = create_app(BenchConfig)
    with app.app_context():
        written = services.snapshot_months(REFERENCE_TIME.date(), scale.compass_snapshot_months)
        db.session.commit()
        db.engine.dispose()
    return sum(written.values())


PROMISES_PER_DECLARATION = 5
#: (status, weight) of generated broken-promise reports
REPORT_STATES = (("new", 5), ("acknowledged", 5), ("answered", 30), ("closed", 60))


def _declaration_rows(
    scale: Scale, rng: random.Random, unit_ids: list[int], first: dict[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Services (slug tjeneste-N), one published bokmål declaration each (every other one
    also in nynorsk) and five promises per declaration, the first three measurable."""
    services, versions, promises = [], [], []
    owners = range(scale.admins + 1, scale.admins + scale.service_owners + 1)
    for n in range(scale.services):
        service_id = first["services"] + n
        services.append({
            "id": service_id, "slug": f"tjeneste-{n + 1}", "name": f"Tjeneste {n + 1}",
            "unit_id": unit_ids[n % len(unit_ids)], "description": "",
            "focus_areas": [2, 5], "active": True, "created_at": REFERENCE_TIME,
            "feedback_kept": 0, "feedback_not_kept": 0,
            "owner_id": owners[n % len(owners)] if owners else None,
        })  # fmt: skip
        for language in ("nb", "nn") if n % 2 == 0 else ("nb",):
            version_id = first["declaration_versions"] + len(versions)
            published = REFERENCE_TIME - timedelta(days=rng.randrange(30, 300))
            versions.append({
                "id": version_id, "service_id": service_id, "language": language, "number": 1,
                "status": "published", "about": " ".join(rng.choices(WORDS, k=40)),
                "audience": "Alle innbyggere.", "expectations": "- Svar når vi spør.",
                "price": "Gratis.", "complaints": "Du kan klage innen tre uker.",
                "contact": "Servicetorget", "created_at": published, "updated_at": published,
                "effective_from": published.date(), "published_at": published,
                "reviewed_on": published.date(),
            })  # fmt: skip
            for position in range(1, PROMISES_PER_DECLARATION + 1):
                measurable = position <= 3
                promises.append({
                    "id": first["declaration_promises"] + len(promises), "version_id": version_id,
                    "position": position, "text": f"Løfte {position}: {rng.choice(WORDS)}",
                    "target_value": rng.choice((2, 3, 5, 10, 15)) if measurable else None,
                    "target_unit": "working_days" if measurable else None,
                    "kept_count": 0, "not_kept_count": 0, "service_id": service_id,
                })  # fmt: skip
    return services, versions, promises


def _set_counts(
    conn: sa.Connection, table: sa.Table, kept: str, not_kept: str, counts: dict[int, list[int]]
) -> None:
    conn.execute(
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({kept: sa.bindparam("k"), not_kept: sa.bindparam("nk")}),
        [{"row_id": id_, "k": k, "nk": nk} for id_, (k, nk) in counts.items()],
    )


@dataclasses.dataclass
class ReportFigures:
    """A service's report counters, as the app keeps them with each report it is given."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "reports_count",
        "reports_answered",
        "reports_answered_in_time",
        "answer_days_median",
    )
    reports: int = 0
    in_time: int = 0
    days: list[int] = dataclasses.field(default_factory=list)

    def add(self, answer_days: int | None, in_time: bool) -> None:
        self.reports += 1
        self.in_time += in_time
        if answer_days is not None:
            self.days.append(answer_days)

    def row(self) -> dict[str, Any]:
        median = float(statistics.median(self.days)) if self.days else None
        return dict(
            zip(self.COLUMNS, (self.reports, len(self.days), self.in_time, median), strict=True)
        )


def generate_declarations(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Services with declarations, feedback on their promises and reports; the counters
    match the feedback rows (as the app keeps them)."""
    from app.core.workdays import add_working_days, working_days_between

    if not scale.services:
        return {}
    names = ("units", "services", "service_owners", "declaration_versions",
             "declaration_promises", "declaration_feedback", "declaration_reports")  # fmt: skip
    tables = {name: _table(name) for name in names}
    with engine.begin() as conn:
        unit_ids = list(conn.scalars(sa.select(tables["units"].c.id)))
        if not unit_ids:
            first_unit = _next_id(conn, tables["units"])
            unit_ids = [first_unit + n for n in range(20)]
            conn.execute(tables["units"].insert(), [
                {"id": id_, "name": f"Enhet {n + 1}", "active": True, "created_at": REFERENCE_TIME}
                for n, id_ in enumerate(unit_ids)
            ])  # fmt: skip
        first = {name: _next_id(conn, tables[name]) for name in names if name != "service_owners"}
        services, versions, promises = _declaration_rows(scale, rng, unit_ids, first)
        owners = [{"service_id": s["id"], "user_id": s.pop("owner_id")} for s in services]
        insert_batches(conn, tables["services"], services)
        insert_batches(conn, tables["service_owners"], [o for o in owners if o["user_id"]])
        insert_batches(conn, tables["declaration_versions"], versions)
        promise_service = {p["id"]: p.pop("service_id") for p in promises}
        promise_ids = list(promise_service)
        insert_batches(conn, tables["declaration_promises"], promises)
        counts = {id_: [0, 0] for id_ in promise_ids}

        def feedback_rows() -> Iterator[dict[str, Any]]:
            for n in range(scale.feedback):
                promise_id = promise_ids[int(rng.paretovariate(1.1) * 7) % len(promise_ids)]
                kept = rng.random() < 0.8
                counts[promise_id][0 if kept else 1] += 1
                yield {"id": first["declaration_feedback"] + n,
                       "service_id": promise_service[promise_id], "promise_id": promise_id,
                       "kept": kept, "comment": None if rng.random() < 0.9 else "Takk!",
                       "created_on": (REFERENCE_TIME - timedelta(days=rng.randrange(365))).date(),
                       "user_id": None}  # fmt: skip

        n_feedback = insert_batches(conn, tables["declaration_feedback"], feedback_rows())
        _set_counts(conn, tables["declaration_promises"], "kept_count", "not_kept_count", counts)
        per_service: dict[int, list[int]] = {}
        for promise_id, (kept, not_kept) in counts.items():
            totals = per_service.setdefault(promise_service[promise_id], [0, 0])
            totals[0], totals[1] = totals[0] + kept, totals[1] + not_kept
        _set_counts(conn, tables["services"], "feedback_kept", "feedback_not_kept", per_service)
        states, weights = zip(*REPORT_STATES, strict=True)
        figures: dict[int, ReportFigures] = {s["id"]: ReportFigures() for s in services}

        def report_rows() -> Iterator[dict[str, Any]]:
            for n in range(scale.reports):
                status = rng.choices(states, weights)[0]
                received = (REFERENCE_TIME - timedelta(days=rng.randrange(1, 365))).date()
                due = add_working_days(received, 10)
                answered = (add_working_days(received, rng.randrange(0, 20))
                            if status in ("answered", "closed") else None)  # fmt: skip
                promise_id = rng.choice(promise_ids)
                figures[promise_service[promise_id]].add(
                    working_days_between(received, answered) if answered else None,
                    bool(answered and answered <= due),
                )
                yield {
                    "id": first["declaration_reports"] + n,
                    "service_id": promise_service[promise_id], "promise_id": promise_id,
                    "description": " ".join(rng.choices(WORDS, k=20)), "happened_on": received,
                    "reporter_name": None if status == "closed" else f"Innbygger {n}",
                    "reporter_email": None if status == "closed" else bench_email(n + 1),
                    "reporter_language": "nb", "user_id": None, "status": status,
                    "created_at": datetime.combine(received, datetime.min.time(), tzinfo=UTC),
                    "due_on": due,
                    "answered_at": datetime.combine(answered, datetime.min.time(), tzinfo=UTC)
                    if answered else None,
                    "answer": "Svar." if answered else None,
                    "answer_working_days": working_days_between(received, answered)
                    if answered else None,
                    "answered_in_time": answered <= due if answered else None,
                }  # fmt: skip

        n_reports = insert_batches(conn, tables["declaration_reports"], report_rows())
        conn.execute(
            tables["services"]
            .update()
            .where(tables["services"].c.id == sa.bindparam("row_id"))
            .values({name: sa.bindparam(name) for name in ReportFigures.COLUMNS}),
            [{"row_id": id_, **f.row()} for id_, f in figures.items()],
        )
    return {"services": len(services), "declaration_versions": len(versions),
            "declaration_promises": len(promises), "declaration_feedback": n_feedback,
            "declaration_reports": n_reports}  # fmt: skip


# --- golden service moments -----------------------------------------------------------

#: (state, weight) of a golden-moment nomination
MOMENT_STATES = (("approved", 80), ("rejected", 10), ("pending", 5), ("unconfirmed", 5))


def _month(back: int) -> date:
    """The first day of the month ``back`` months before REFERENCE_TIME's month."""
    index = REFERENCE_TIME.year * 12 + REFERENCE_TIME.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _units(conn: sa.Connection, scale: Scale) -> list[int]:
    """The existing units, or ``scale.units`` new ones with service owners as contacts."""
    units = _table("units")
    existing = list(conn.scalars(sa.select(units.c.id).order_by(units.c.id)))
    if existing or not scale.units:
        return existing
    first_owner = scale.admins + 1
    rows = [
        {"name": DEMO_UNITS[n] if n < len(DEMO_UNITS) else f"Enhet {n + 1}",
         "contact_id": first_owner + n % max(scale.service_owners, 1) if scale.service_owners
         else None, "active": True, "created_at": REFERENCE_TIME}
        for n in range(scale.units)
    ]  # fmt: skip
    conn.execute(units.insert(), rows)
    return list(conn.scalars(sa.select(units.c.id).order_by(units.c.id)))


def _nomination_rows(
    scale: Scale, rng: random.Random, first_id: int, unit_ids: list[int]
) -> Iterator[dict[str, Any]]:
    states, weights = zip(*MOMENT_STATES, strict=True)
    for n in range(scale.nominations):
        month = _month(n % scale.moment_months)
        state = rng.choices(states, weights)[0]
        day = month + timedelta(days=rng.randrange(28))
        at = REFERENCE_TIME.replace(year=day.year, month=day.month, day=day.day)
        user = rng.randrange(1, scale.users + 1)
        yield {
            "id": first_id + n,
            "unit_id": rng.choice(unit_ids),
            "employee_name": f"Ansatt {rng.randrange(1, 5000)}" if rng.random() < 0.6 else None,
            "happened_on": day - timedelta(days=rng.randrange(10)),
            "story": " ".join(rng.choices(WORDS, k=rng.randrange(20, 120))).capitalize() + ".",
            "nominator_name": f"Nominator {user}",
            "nominator_email": f"user{user}@bench.example",
            "nominator_id": user if rng.random() < 0.5 else None,
            "may_contact": rng.random() < 0.7,
            "language": "nb",
            "state": state,
            "name_consent": rng.random() < 0.5,
            "month": None if state == "unconfirmed" else month,
            "created_at": at,
            "confirmed_at": None if state == "unconfirmed" else at,
            "moderated_at": at + timedelta(days=3) if state in ("approved", "rejected") else None,
            "rejection_reason": "Gjelder ikke kommunen." if state == "rejected" else None,
        }


def generate_moments(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Nominations, one winner per month (the month's first approved nomination), and
    reflection prompts for the last weeks, each held by about 60 % of the units."""
    if not scale.nominations:
        return {}
    nominations, winners = _table("moment_nominations"), _table("moment_winners")
    prompts, reflections = _table("moment_reflection_prompts"), _table("moment_reflections")
    with engine.begin() as conn:
        unit_ids = _units(conn, scale)
        first_id = _next_id(conn, nominations)
        n_nominations = insert_batches(
            conn, nominations, _nomination_rows(scale, rng, first_id, unit_ids)
        )
        firsts = conn.execute(
            sa.select(nominations.c.month, sa.func.min(nominations.c.id))
            .where(nominations.c.state == "approved", nominations.c.id >= first_id)
            .group_by(nominations.c.month)
        ).all()
        n_winners = insert_batches(conn, winners, (
            {"month": month, "nomination_id": nomination_id,
             "citation": f"For {rng.choice(WORDS)} og omtanke.",
             "published_at": REFERENCE_TIME.replace(year=month.year, month=month.month, day=28)}
            for month, nomination_id in firsts
        ))  # fmt: skip
        monday = REFERENCE_TIME.date() - timedelta(days=REFERENCE_TIME.weekday())
        first_prompt = _next_id(conn, prompts)
        n_prompts = insert_batches(conn, prompts, (
            {"id": first_prompt + w, "week_start": monday - timedelta(weeks=w),
             "prompt": f"Uke {w}: hva lærte vi om {rng.choice(WORDS)}?",
             "created_at": REFERENCE_TIME}
            for w in range(scale.reflection_weeks)
        ))  # fmt: skip
        n_reflections = insert_batches(conn, reflections, (
            {"prompt_id": first_prompt + w, "unit_id": unit_id,
             "learning": rng.choice((None, f"Mer {rng.choice(WORDS)}.")),
             "recorded_at": REFERENCE_TIME}
            for w in range(scale.reflection_weeks) for unit_id in unit_ids if rng.random() < 0.6
        ))  # fmt: skip
    return {
        "moment_nominations": n_nominations,
        "moment_winners": n_winners,
        "moment_reflection_prompts": n_prompts,
        "moment_reflections": n_reflections,
    }


#: (kind, dimension, focus area) of each survey's ten questions
PANEL_QUESTIONS = [
    *(("scale6", DIMENSIONS[i % len(DIMENSIONS)], 1 + i) for i in range(7)),
    ("single", None, 2),
    ("multi", None, 3),
    ("text", None, None),
]
PANEL_OPTIONS = ["Nettsiden", "Servicetorget", "Telefon", "Sosiale medier"]


def _panel_profile(rng: random.Random, birth_year: int | None) -> dict[str, Any]:
    groups = [key for key, _label in USER_GROUPS if rng.random() < 0.25]
    return {"birth_year": birth_year if rng.random() < 0.9 else None,
            "area": rng.choice(RØROS["areas"]) if rng.random() < 0.9 else None,
            "user_groups": groups}  # fmt: skip


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _recount(engine: sa.Engine, survey_ids: list[int]) -> int:
    """The tallies that submit_answers keeps, counted for bulk-written answers, with the
    app's own ``recount``."""
    from app import create_app
    from app.extensions import db
    from app.panel.models import Tally
    from app.panel.services import recount
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = engine.url.render_as_string(hide_password=False)
        RATELIMIT_ENABLED = False

    app = create_app(BenchConfig)
    with app.app_context():
        for survey_id in survey_ids:
            recount(survey_id)
        db.session.commit()
        written = db.session.scalar(sa.select(sa.func.count()).select_from(Tally)) or 0
        db.engine.dispose()
    return written


def generate_panel(engine: sa.Engine, scale: Scale, rng: random.Random) -> dict[str, int]:
    """Panel members with profiles; surveys closed a month apart, each the next round of
    the one before (so results show trends), with participations, anonymous responses and
    answers as submit_answers writes them, then their tallies; follow-ups ("Dette gjør
    vi") on about half the surveys."""
    if not scale.surveys:
        return {}
    members_t, surveys_t = _table("panel_members"), _table("surveys")
    questions_t, participations_t = _table("survey_questions"), _table("survey_participations")
    responses_t, answers_t = _table("survey_responses"), _table("survey_answers")
    followups_t = _table("survey_followups")
    users = _table("users")
    special = scale.admins + scale.service_owners + scale.committee
    with engine.begin() as conn:
        candidates = conn.execute(
            sa.select(users.c.id, users.c.birth_year)
            .where(users.c.confirmed_at.is_not(None), users.c.active, users.c.id > special)
            .order_by(users.c.id)
        ).all()
        chosen = rng.sample(candidates, min(scale.panel_members, len(candidates)))
        members = [(uid, _panel_profile(rng, year)) for uid, year in chosen]
        n_members = insert_batches(conn, members_t, (
            {"user_id": uid, "joined_at": REFERENCE_TIME - timedelta(days=rng.randrange(900)),
             **profile} for uid, profile in members
        ))  # fmt: skip
        first_survey = _next_id(conn, surveys_t)
        first_question = _next_id(conn, questions_t)
        lineages = [f"bench{q:027d}" for q in range(len(PANEL_QUESTIONS))]
        survey_rows, question_rows, survey_ids = [], [], []
        for n in range(scale.surveys):
            sid = first_survey + n
            closes = REFERENCE_TIME.date() - timedelta(days=30 * (scale.surveys - n))
            survey_ids.append(sid)
            survey_rows.append({
                "id": sid, "title": f"Innbyggerundersøkelse, runde {n + 1}",
                "intro": "Hva synes du om kommunens tjenester?", "audience": "panel",
                "opens_on": closes - timedelta(days=21), "closes_on": closes,
                "results_public": True,
                "published_at": _midnight(closes - timedelta(days=21)),
                "closed_at": _midnight(closes),
                "invited_at": None, "reminded_at": None,
                "previous_round_id": sid - 1 if n else None,
                "created_at": REFERENCE_TIME - timedelta(days=30 * (scale.surveys - n) + 30),
            })  # fmt: skip
            for q, (kind, dimension, area) in enumerate(PANEL_QUESTIONS):
                question_rows.append({
                    "id": first_question + n * len(PANEL_QUESTIONS) + q, "survey_id": sid,
                    "position": q + 1, "lineage": lineages[q], "kind": kind,
                    "text": f"Spørsmål {q + 1}: {dimension or 'Hva mener du?'}",
                    "required": kind != "text",
                    "options": PANEL_OPTIONS if kind in ("single", "multi") else [],
                    "low_label": "Svært misfornøyd" if kind == "scale6" else None,
                    "high_label": "Svært fornøyd" if kind == "scale6" else None,
                    "min_value": None, "max_value": None,
                    "dimension": dimension, "focus_area": area,
                })  # fmt: skip
        conn.execute(surveys_t.insert(), survey_rows)
        conn.execute(questions_t.insert(), question_rows)

        def answers() -> Iterator[tuple[str, dict[str, Any]]]:
            for n, sid in enumerate(survey_ids):
                closes = survey_rows[n]["closes_on"]
                answering = rng.sample(members, min(scale.responses_per_survey, len(members)))
                for uid in sorted(uid for uid, _profile in answering):  # (survey, user) order
                    yield "participation", {"survey_id": sid, "user_id": uid}
                rng.shuffle(answering)  # responses are not in the participations' order
                for _uid, profile in answering:
                    rid = f"{rng.getrandbits(128):032x}"
                    groups = {"age_band": age_band(profile["birth_year"], closes.year),
                              "area": profile["area"],
                              "user_groups_mask": group_mask(profile["user_groups"])}  # fmt: skip
                    yield "response", {"id": rid, "survey_id": sid,
                                       "submitted_on": closes - timedelta(days=rng.randrange(21)),
                                       **groups}  # fmt: skip
                    drift = n / max(1, len(survey_ids))  # later rounds a little better
                    for q, (kind, _dimension, _area) in enumerate(PANEL_QUESTIONS):
                        row = {"response_id": rid,
                               "question_id": first_question + n * len(PANEL_QUESTIONS) + q,
                               "value_int": None, "value_text": None, "dont_know": False,
                               **groups}  # fmt: skip
                        if kind == "scale6":
                            if rng.random() < 0.06:
                                row["dont_know"] = True
                            else:
                                row["value_int"] = min(
                                    6, max(1, round(rng.gauss(3.8 + drift, 1.2)))
                                )
                        elif kind == "single":
                            row["value_int"] = rng.randrange(len(PANEL_OPTIONS))
                        elif kind == "multi":
                            row["value_int"] = rng.randrange(1, 1 << len(PANEL_OPTIONS))
                        elif rng.random() < 0.2:
                            row["value_text"] = f"Mer {rng.choice(WORDS)}, takk."
                        else:
                            continue
                        yield "answer", row

        tables = {"participation": participations_t, "response": responses_t, "answer": answers_t}
        written = {"participation": 0, "response": 0, "answer": 0}
        batches: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}

        def flush() -> None:  # in this order: an answer's response must be there first
            for name, batch in batches.items():
                if batch:
                    conn.execute(tables[name].insert(), batch)
                    written[name] += len(batch)
                    batch.clear()

        for name, row in answers():
            batches[name].append(row)
            if len(batches[name]) >= BATCH_SIZE:
                flush()
        flush()
        n_followups = insert_batches(conn, followups_t, (
            {"survey_id": sid, "what": f"Vi forbedrer {rng.choice(WORDS)}.",
             "owner": "Servicetorget", "due_on": REFERENCE_TIME.date() + timedelta(days=90),
             "status": rng.choice(["planned", "in_progress", "done"]),
             "updated_at": REFERENCE_TIME}
            for sid in survey_ids if rng.random() < 0.5
        ))  # fmt: skip
    n_tallies = _recount(engine, survey_ids)
    return {
        "panel_members": n_members,
        "surveys": len(survey_rows),
        "survey_questions": len(question_rows),
        "survey_participations": written["participation"],
        "survey_responses": written["response"],
        "survey_answers": written["answer"],
        "survey_tallies": n_tallies,
        "survey_followups": n_followups,
    }


#: Run in this order; later issues append theirs (after the tables they refer to).
GENERATORS: list[Generator] = [
    generate_settings,
    generate_users,
    generate_proposals,
    generate_declarations,
    generate_moments,
    generate_panel,
    generate_compass,  # after every domain: its snapshots read their data
]


def generate(
    engine: sa.Engine, scale: Scale, seed: int = 1, generators: list[Generator] | None = None
) -> dict[str, int]:
    """Run every generator (or those given); return the rows written per table."""
    counts: dict[str, int] = {}
    for generator in generators or GENERATORS:
        rng = random.Random(f"{seed}:{generator.__name__}")
        for table, rows in generator(engine, scale, rng).items():
            counts[table] = counts.get(table, 0) + rows
    return counts


def migrate(database_url: str) -> None:
    """Migrate the database at ``database_url`` to head, the way the tests do."""
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = False

    app = create_app(BenchConfig)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


#: What signing needs: the settings, the residents and open proposals
FOR_SIGNING: list[Generator] = [generate_settings, generate_users, generate_proposals]


def prepare(
    database_url: str, scale: Scale, seed: int = 1, generators: list[Generator] | None = None
) -> dict[str, int]:
    """Migrate to head and run every generator (or those given); return the rows written."""
    migrate(database_url)
    engine = sa.create_engine(database_url)
    try:
        counts = generate(engine, scale, seed, generators)
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load, and what pg_restore's
            # documentation says to do after one: without statistics the planner guesses,
            # and the run would measure its guesses over 700,000 users, not the application
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        return counts
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="roros")
    parser.add_argument("--database", type=Path, required=True, help="SQLite file to fill")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = prepare(f"sqlite:///{args.database.resolve()}", SCALES[args.scale], args.seed)
    elapsed = time.perf_counter() - started
    print(json.dumps({"scale": args.scale, "seconds": round(elapsed, 1), "generated": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
