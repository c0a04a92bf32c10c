"""Survey results, aggregated in SQL (never by loading the answers into Python)."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from typing import Any

import sqlalchemy as sa

from app.auth.models import User, UserRole
from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import db
from app.panel.models import (
    Answer,
    Audience,
    PanelMember,
    Participation,
    Question,
    QuestionKind,
    ResultCache,
    SubPanelMember,
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
    """One question's distribution (the chart endpoint)."""
    return _distributions([question])[question.id]


def _distributions(questions: list[Question]) -> dict[int, list[tuple[str, int]]]:
    """Every question's distribution in two queries (one for multi, one for the rest)."""
    plain = [q for q in questions if q.kind != QuestionKind.multi]
    multi = [q for q in questions if q.kind == QuestionKind.multi]
    counts: dict[int, dict[int, int]] = {q.id: {} for q in plain}
    if plain:
        rows = db.session.execute(
            sa.select(Answer.question_id, Answer.value_int, sa.func.count())
            .where(Answer.question_id.in_([q.id for q in plain]), Answer.value_int.is_not(None))
            .group_by(Answer.question_id, Answer.value_int)
        )
        for qid, value, count in rows:
            counts[qid][value] = count
    out: dict[int, list[tuple[str, int]]] = {}
    for q in plain:
        found = counts[q.id]
        if q.kind == QuestionKind.scale6:
            out[q.id] = [(str(v), found.get(v, 0)) for v in range(1, 7)]
        elif q.kind == QuestionKind.single:
            out[q.id] = [(label, found.get(i, 0)) for i, label in enumerate(q.options)]
        else:
            out[q.id] = [(str(v), c) for v, c in sorted(found.items())]
    if multi:
        width = max(len(q.options) for q in multi)
        bits = [
            sa.func.sum(sa.case((Answer.value_int.op("&")(1 << i) != 0, 1), else_=0))
            for i in range(width)
        ]
        rows = db.session.execute(
            sa.select(Answer.question_id, *bits)
            .where(Answer.question_id.in_([q.id for q in multi]))
            .group_by(Answer.question_id)
        )
        by_id = {row[0]: row[1:] for row in rows}
        for q in multi:
            found = by_id.get(q.id, ())
            out[q.id] = [
                (label, int(found[i] or 0) if i < len(found) else 0)
                for i, label in enumerate(q.options)
            ]
    return out


def _breakdowns(
    question_ids: list[int],
) -> dict[int, dict[str, list[tuple[str, int, float, float]]]]:
    """question id -> breakdown -> [(group, n, sum, sum of squares)], three queries in all."""
    from app.panel.forms import USER_GROUPS

    value = Answer.value_int
    out: dict[int, dict[str, list[tuple[str, int, float, float]]]] = {
        qid: {name: [] for name in BREAKDOWNS} for qid in question_ids
    }
    if not question_ids:
        return out
    answers = sa.select(Answer.question_id).where(
        Answer.question_id.in_(question_ids), value.is_not(None)
    )
    for column in ("age_band", "area"):
        group = getattr(Answer, column)
        rows = db.session.execute(
            answers.add_columns(
                group, sa.func.count(value), sa.func.sum(value), sa.func.sum(value * value)
            )
            .where(group.is_not(None))
            .group_by(Answer.question_id, group)
            .order_by(Answer.question_id, group)
        )
        for qid, g, n, total, squares in rows:
            out[qid][column].append((g, n, float(total), float(squares)))
    # Groups per distinct mask (few), then summed per group bit in Python: a handful of rows
    rows = db.session.execute(
        answers.add_columns(
            Answer.user_groups_mask,
            sa.func.count(value),
            sa.func.sum(value),
            sa.func.sum(value * value),
        )
        .where(Answer.user_groups_mask != 0)
        .group_by(Answer.question_id, Answer.user_groups_mask)
    )
    per_group: dict[tuple[int, int], list[float]] = {}
    for qid, mask, n, total, squares in rows:
        for bit in range(len(USER_GROUPS)):
            if mask & (1 << bit):
                acc = per_group.setdefault((qid, bit), [0, 0.0, 0.0])
                acc[0] += n
                acc[1] += float(total)
                acc[2] += float(squares)
    for (qid, bit), (n, total, squares) in sorted(per_group.items()):
        out[qid]["user_groups"].append((str(USER_GROUPS[bit][1]), int(n), total, squares))
    return out


def _suppress(rows: list[tuple[str, int, float, float]]) -> list[tuple[str, Summary]]:
    """The groups that may be shown. Groups of five or fewer are hidden; if that hides only
    one, the smallest shown group is hidden too, or the hidden group's answers could be
    worked out by subtracting the shown groups from the overall figures."""
    shown_rows = sorted((r for r in rows if shown(r[1])), key=lambda r: (r[1], r[0]))
    if len(rows) - len(shown_rows) == 1 and shown_rows:
        shown_rows = shown_rows[1:]
    return [(g, summarise(n, t, sq)) for g, n, t, sq in sorted(shown_rows)]


def question_results(survey: Survey, include_text: bool) -> list[QuestionResult]:
    """Every question's numbers in a handful of queries, whatever the number of questions."""
    questions = list(survey.questions)
    sums = _numeric_sums([q.id for q in questions])
    numeric = [q for q in questions if q.kind in (QuestionKind.scale6, QuestionKind.number)]
    groups = _breakdowns([q.id for q in numeric])
    distributions = _distributions([q for q in questions if q.kind != QuestionKind.text])
    trends = _trends(survey, numeric)
    texts = _texts(questions) if include_text else {}
    results = []
    for question in questions:
        n, dont_know, total, squares = sums.get(question.id, (0, 0, 0.0, 0.0))
        result = QuestionResult(question, n=n, dont_know=dont_know)
        if question in numeric:
            result.summary = summarise(n, total, squares)
            for name, rows in groups[question.id].items():
                kept = _suppress(rows)
                result.breakdowns[name] = kept
                result.hidden_groups += len(rows) - len(kept)
            result.trend = trends.get(question.lineage, [])
        result.distribution = distributions.get(question.id, [])
        if question.kind == QuestionKind.text:
            result.n = db.session.scalar(
                sa.select(sa.func.count()).where(
                    Answer.question_id == question.id, Answer.value_text.is_not(None)
                )
            )
            result.texts = texts.get(question.id, [])
        results.append(result)
    return results


def _texts(questions: list[Question]) -> dict[int, list[str]]:
    ids = [q.id for q in questions if q.kind == QuestionKind.text]
    out: dict[int, list[str]] = {qid: [] for qid in ids}
    if ids:
        rows = db.session.execute(
            sa.select(Answer.question_id, Answer.value_text)
            .where(Answer.question_id.in_(ids), Answer.value_text.is_not(None))
            .order_by(Answer.response_id)
        )
        for qid, text in rows:
            out[qid].append(text)
    return out


def _trends(survey: Survey, numeric: list[Question]) -> dict[str, list[tuple[str, float | None]]]:
    """Means of the same questions (by lineage) in earlier rounds, oldest first: one query
    per earlier round."""
    lineages = [q.lineage for q in numeric]
    trends: dict[str, list[tuple[str, float | None]]] = {lineage: [] for lineage in lineages}
    previous, seen = survey.previous_round_id, set()
    while previous and previous not in seen and lineages:
        seen.add(previous)
        earlier = db.session.get(Survey, previous)
        if earlier is None:
            break
        means = dict(
            db.session.execute(
                sa.select(Question.lineage, sa.func.avg(Answer.value_int))
                .join(Question, Question.id == Answer.question_id)
                .where(Question.survey_id == earlier.id, Question.lineage.in_(lineages))
                .group_by(Question.lineage)
            ).all()
        )
        for lineage in lineages:
            mean = means.get(lineage)
            trends[lineage].insert(0, (earlier.title, float(mean) if mean is not None else None))
        previous = earlier.previous_round_id
    return trends


def response_rate(survey: Survey) -> tuple[int, int]:
    """(answers, audience size)."""
    answered = db.session.scalar(
        sa.select(sa.func.count()).where(Participation.survey_id == survey.id)
    )
    if survey.audience == Audience.panel:
        audience = db.session.scalar(sa.select(sa.func.count()).select_from(PanelMember))
    elif survey.audience == Audience.subpanel:
        audience = db.session.scalar(
            sa.select(sa.func.count()).where(SubPanelMember.subpanel_id == survey.subpanel_id)
        )
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


def results_for_page(survey: Survey, state: str, include_text: bool) -> list[QuestionResult]:
    """The results page's numbers: from the cache for a closed survey (computed in SQL the
    first time), live otherwise. Free text is never cached; it is read for staff only."""
    if state != "closed":
        return question_results(survey, include_text)
    answered = db.session.scalar(
        sa.select(sa.func.count()).where(Participation.survey_id == survey.id)
    )
    cache = db.session.get(ResultCache, survey.id)
    if cache is None or cache.participations != answered:
        rows = question_results(survey, include_text=False)
        cache = cache or ResultCache(survey_id=survey.id)
        cache.participations, cache.payload = answered, [_dump(r) for r in rows]
        cache.computed_at = utcnow()
        db.session.add(cache)
        db.session.commit()
        loaded = rows
    else:
        by_id = {q.id: q for q in survey.questions}
        loaded = [
            _load(by_id[item["question"]], item)
            for item in cache.payload
            if item["question"] in by_id
        ]
    if include_text:
        texts = _texts(list(survey.questions))
        for r in loaded:
            r.texts = texts.get(r.question.id, [])
    return loaded


def _summary(values: list[object] | None) -> Summary | None:
    return Summary(*values) if values is not None else None  # type: ignore[arg-type]


def _dump(r: QuestionResult) -> dict[str, object]:
    return {
        "question": r.question.id,
        "n": r.n,
        "dont_know": r.dont_know,
        "summary": list(astuple(r.summary)) if r.summary else None,
        "distribution": r.distribution,
        "breakdowns": {k: [(g, list(astuple(s))) for g, s in v] for k, v in r.breakdowns.items()},
        "hidden_groups": r.hidden_groups,
        "trend": r.trend,
    }


def _load(question: Question, item: dict[str, Any]) -> QuestionResult:
    return QuestionResult(
        question,
        n=item["n"],
        dont_know=item["dont_know"],
        summary=_summary(item["summary"]),
        distribution=[tuple(d) for d in item["distribution"]],
        breakdowns={k: [(g, Summary(*s)) for g, s in v] for k, v in item["breakdowns"].items()},
        hidden_groups=item["hidden_groups"],
        trend=[tuple(t) for t in item["trend"]],
    )
