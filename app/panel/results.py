"""Survey results, aggregated in SQL (never by loading the answers into Python)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.auth.models import User, UserRole
from app.core.permissions import Role
from app.extensions import db
from app.panel.models import (
    Answer,
    Audience,
    PanelMember,
    Participation,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from app.panel.stats import Summary, shown, summarise

BREAKDOWNS = ("age_band", "area", "user_groups")


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    dont_know: int = 0
    summary: Summary | None = None
    #: (label, count) in the question's order
    distribution: list[tuple[str, int]] = field(default_factory=list)
    #: breakdown name -> [(group, Summary)] with small groups left out
    breakdowns: dict[str, list[tuple[str, Summary]]] = field(default_factory=dict)
    hidden_groups: int = 0
    texts: list[str] = field(default_factory=list)
    #: (survey title, mean) for earlier rounds of the same question
    trend: list[tuple[str, float | None]] = field(default_factory=list)


def _numeric_sums(question_ids: list[int]) -> dict[int, tuple[int, int, float, float]]:
    """question id -> (n, dont_know, sum, sum of squares), one query for all questions."""
    value = Answer.value_int
    rows = db.session.execute(
        sa.select(
            Answer.question_id,
            sa.func.count(value),
            sa.func.sum(sa.case((Answer.dont_know.is_(True), 1), else_=0)),
            sa.func.coalesce(sa.func.sum(value), 0),
            sa.func.coalesce(sa.func.sum(value * value), 0),
        )
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    )
    return {qid: (n, dk or 0, float(s), float(ss)) for qid, n, dk, s, ss in rows}


def distribution(question: Question) -> list[tuple[str, int]]:
    if question.kind == QuestionKind.multi:
        counts = [
            sa.func.sum(sa.case((Answer.value_int.op("&")(1 << i) != 0, 1), else_=0))
            for i in range(len(question.options))
        ]
        row = (
            db.session.execute(sa.select(*counts).where(Answer.question_id == question.id)).one()
            if counts
            else ()
        )
        return [(label, int(c or 0)) for label, c in zip(question.options, row, strict=False)]
    rows = dict(
        db.session.execute(
            sa.select(Answer.value_int, sa.func.count())
            .where(Answer.question_id == question.id, Answer.value_int.is_not(None))
            .group_by(Answer.value_int)
        ).all()
    )
    if question.kind == QuestionKind.scale6:
        return [(str(v), rows.get(v, 0)) for v in range(1, 7)]
    if question.kind == QuestionKind.single:
        return [(label, rows.get(i, 0)) for i, label in enumerate(question.options)]
    return [(str(v), c) for v, c in sorted(rows.items())]


def _breakdown(question: Question, column: str) -> tuple[list[tuple[str, Summary]], int]:
    value = Answer.value_int
    sums = (sa.func.count(value), sa.func.sum(value), sa.func.sum(value * value))
    base = (
        sa.select(*sums)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, value.is_not(None))
    )
    if column == "user_groups":  # one row per group: a response may be in several
        from app.panel.forms import USER_GROUPS

        rows = []
        for bit, (_key, label) in enumerate(USER_GROUPS):
            n, s, ss = db.session.execute(
                base.where(Response.user_groups_mask.op("&")(1 << bit) != 0)
            ).one()
            if n:
                rows.append((str(label), n, s, ss))
    else:
        group = getattr(Response, column)
        rows = db.session.execute(
            base.add_columns(group).where(group.is_not(None)).group_by(group).order_by(group)
        ).all()
        rows = [(g, n, s, ss) for n, s, ss, g in rows]
    kept = [(g, summarise(n, float(s), float(ss))) for g, n, s, ss in rows if shown(n)]
    return kept, len(rows) - len(kept)


def question_results(survey: Survey, include_text: bool) -> list[QuestionResult]:
    questions = list(survey.questions)
    sums = _numeric_sums([q.id for q in questions])
    results = []
    for question in questions:
        n, dont_know, total, squares = sums.get(question.id, (0, 0, 0.0, 0.0))
        result = QuestionResult(question, n=n, dont_know=dont_know)
        if question.kind in (QuestionKind.scale6, QuestionKind.number):
            result.summary = summarise(n, total, squares)
            for column in BREAKDOWNS:
                result.breakdowns[column], hidden = _breakdown(question, column)
                result.hidden_groups += hidden
            result.trend = _trend(survey, question)
        if question.kind in (
            QuestionKind.scale6,
            QuestionKind.single,
            QuestionKind.multi,
            QuestionKind.number,
        ):
            result.distribution = distribution(question)
        if question.kind == QuestionKind.text:
            result.n = db.session.scalar(
                sa.select(sa.func.count()).where(
                    Answer.question_id == question.id, Answer.value_text.is_not(None)
                )
            )
            if include_text:
                result.texts = list(
                    db.session.scalars(
                        sa.select(Answer.value_text)
                        .where(Answer.question_id == question.id, Answer.value_text.is_not(None))
                        .order_by(Answer.response_id)
                    )
                )
        results.append(result)
    return results


def _trend(survey: Survey, question: Question) -> list[tuple[str, float | None]]:
    """Means of the same question (same lineage) in earlier rounds, oldest first."""
    trend = []
    previous = survey.previous_round_id
    seen = set()
    while previous and previous not in seen:
        seen.add(previous)
        earlier = db.session.get(Survey, previous)
        if earlier is None:
            break
        row = db.session.execute(
            sa.select(sa.func.avg(Answer.value_int))
            .join(Question, Question.id == Answer.question_id)
            .where(Question.survey_id == earlier.id, Question.lineage == question.lineage)
        ).scalar()
        trend.append((earlier.title, float(row) if row is not None else None))
        previous = earlier.previous_round_id
    return list(reversed(trend))


def response_rate(survey: Survey) -> tuple[int, int]:
    """(answers, audience size)."""
    answered = db.session.scalar(
        sa.select(sa.func.count()).where(Participation.survey_id == survey.id)
    )
    if survey.audience == Audience.panel:
        audience = db.session.scalar(sa.select(sa.func.count()).select_from(PanelMember))
    else:
        audience = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(
                User.active.is_(True),
                User.confirmed_at.is_not(None),
                User.roles.any(UserRole.role == Role.resident),
            )
        )
    return answered, max(audience, answered)


def dimension_means(results: list[QuestionResult]) -> list[tuple[str, Summary]]:
    """Per dimension, the mean over all its scale6 answers (pooled sums), and overall."""
    pooled: dict[str, list[float]] = {}
    for r in results:
        if r.question.kind != QuestionKind.scale6 or not r.summary or not r.summary.n:
            continue
        keys = [r.question.dimension or "", "*"]
        for key in keys:
            acc = pooled.setdefault(key, [0, 0.0])
            acc[0] += r.summary.n
            acc[1] += r.summary.mean * r.summary.n
    return [
        (key, Summary(int(n), total / n, None, None))
        for key, (n, total) in sorted(pooled.items())
        if key and n
    ]


def may_see_results(user: Any, survey: Survey, state: str) -> bool:
    staff = user.is_authenticated and user.has_role(Role.committee, Role.admin)
    return staff or (survey.results_public and state == "closed")


def aggregate_rows(rows: list[QuestionResult]) -> list[list[object]]:
    """The results page's numbers as CSV rows (suppression as on the page)."""
    out: list[list[object]] = [
        [
            "question",
            "kind",
            "n",
            "mean",
            "ci95_low",
            "ci95_high",
            "dont_know",
            "breakdown",
            "group_or_value",
            "count_or_mean",
        ]
    ]
    for r in rows:
        s = r.summary
        head = [
            r.question.text,
            r.question.kind.value,
            r.n,
            _round(s.mean if s else None),
            _round(s.low if s else None),
            _round(s.high if s else None),
            r.dont_know,
        ]
        out.append([*head, "", "", ""])
        out += [[*head, "distribution", label, count] for label, count in r.distribution]
        for name, groups in r.breakdowns.items():
            out += [[*head, name, group, _round(g.mean)] for group, g in groups]
    return out


def raw_rows(survey: Survey) -> list[list[object]]:
    """One row per answer: the response's random key, the question, the value. No profile
    fields, which could single out someone in a small group; free text is included."""
    rows = db.session.execute(
        sa.select(
            Answer.response_id,
            Answer.question_id,
            Answer.value_int,
            Answer.dont_know,
            Answer.value_text,
        )
        .join(Question, Question.id == Answer.question_id)
        .where(Question.survey_id == survey.id)
        .order_by(Answer.response_id, Question.position)
    )
    out: list[list[object]] = [["response", "question", "value", "dont_know", "text"]]
    out += [[rid, qid, value, int(dk), text or ""] for rid, qid, value, dk, text in rows]
    return out


def _round(value: float | None) -> object:
    return round(value, 3) if value is not None else ""
