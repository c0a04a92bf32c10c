"""Survey results, aggregated in SQL (never by loading the answers into Python).

Every channel that publishes results (the results page and its charts and CSV, the API, the
open data, the compass's indicators) reads them here, and what is read here obeys the rules
of app.panel.disclosure: nothing of a survey before it closes, and then no figure, shown or
derivable, about K or fewer answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import Session

from app.core.permissions import Role
from app.extensions import db
from app.panel import disclosure
from app.panel.disclosure import Atom, Group, shown_groups, threshold
from app.panel.models import (
    USER_GROUPS,
    Answer,
    Participation,
    ProfileTally,
    Question,
    QuestionKind,
    Response,
    Survey,
    Tally,
)
from app.panel.stats import Summary, summarise

BREAKDOWNS = ("age_band", "area", "user_groups")
#: The questions with means and breakdowns
NUMERIC = (QuestionKind.scale6, QuestionKind.number)


@dataclass
class QuestionResult:
    question: Question
    #: None when K or fewer answered: then nothing of the question is shown
    n: int | None = 0
    dont_know: int | None = 0
    summary: Summary | None = None
    #: (label, count) in the question's order
    distribution: list[tuple[str, int]] = field(default_factory=list)
    #: breakdown name -> [(group, Summary)], only the groups app.panel.disclosure lets out
    breakdowns: dict[str, list[tuple[str, Summary]]] = field(default_factory=dict)
    #: Groups with answers that are not shown (too small, or held back with them)
    hidden_groups: int = 0
    #: Whether other figures of a shown question are held back: "vet ikke", cells of the
    #: distribution gathered or left out, the mean of answers all alike
    withheld: bool = False
    texts: list[str] = field(default_factory=list)
    #: (survey title, mean) for earlier rounds of the same question
    trend: list[tuple[str, float | None]] = field(default_factory=list)

    @property
    def held_back(self) -> bool:
        return self.n is None


_WEIGHT = Tally.count
_VALUE = Tally.value_int
#: Sums and sums of squares in floating point: ten answers near 10⁹ would overflow the
#: databases' 64-bit integers (SQLite raises, PostgreSQL too)
_REAL = sa.cast(Tally.value_int, sa.Float)
#: The tallies of every answer (not of one breakdown's groups)
_OVERALL = Tally.breakdown == ""


def _numeric_sums(ids: list[int]) -> dict[int, tuple[int, int, float, float, int]]:
    """question id -> (n, dont_know, sum, sum of squares, distinct values), one query for
    all questions. n counts every answer with a value (a multi answer once, a free text
    once); a tally row is one value."""
    real = Tally.dont_know.is_(False)
    rows = db.session.execute(
        sa.select(
            Tally.question_id,
            sa.func.sum(sa.case((real, _WEIGHT), else_=0)),
            sa.func.sum(sa.case((real, 0), else_=_WEIGHT)),
            sa.func.sum(sa.case((real, _REAL * _WEIGHT), else_=0.0)),
            sa.func.sum(sa.case((real, _REAL * _REAL * _WEIGHT), else_=0.0)),
            sa.func.sum(sa.case((real & (_WEIGHT > 0), 1), else_=0)),
        )
        .where(Tally.question_id.in_(ids), _OVERALL)
        .group_by(Tally.question_id)
    )
    return {
        qid: (int(n or 0), int(dk or 0), float(s or 0), float(ss or 0), int(distinct or 0))
        for qid, n, dk, s, ss, distinct in rows
    }


def _responses(survey: Survey) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )


@dataclass
class _Overall:
    """A question's own figures as the rule lets them out."""

    n: int | None
    dont_know: int | None
    summary: Summary | None
    #: Whether its answers all have one value
    alike: bool
    withheld: bool


def _overall(
    question: Question, sums: tuple[int, int, float, float, int], responses: int, k: int
) -> _Overall:
    n, dont_know, total, squares, distinct = sums
    if not disclosure.question_shown(n, dont_know, responses, k):
        return _Overall(None, None, None, False, False)
    alike = distinct <= 1 and question.kind != QuestionKind.text
    shown_dk = dont_know if disclosure.dont_know_shown(dont_know, k) else None
    summary = None
    if question.kind in NUMERIC and not alike:
        summary = summarise(n, total, squares)
    return _Overall(n, shown_dk, summary, alike, alike or shown_dk is None)


def published_means(surveys: list[Survey]) -> list[tuple[Question, Summary]]:
    """The means the rule lets out of the closed surveys' scale and number questions (for
    the compass's pooled satisfaction), in three queries however many surveys."""
    if not surveys:
        return []
    k = threshold()
    ids = [survey.id for survey in surveys]
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.survey_id.in_(ids), Question.kind.in_(NUMERIC))
        .order_by(Question.survey_id, Question.position)
    ).all()
    sums = _numeric_sums([q.id for q in questions])
    responses = dict(
        db.session.execute(
            sa.select(Response.survey_id, sa.func.count())
            .where(Response.survey_id.in_(ids))
            .group_by(Response.survey_id)
        ).all()
    )
    out = []
    for q in questions:
        found = _overall(q, sums.get(q.id, (0, 0, 0.0, 0.0, 0)), responses.get(q.survey_id, 0), k)
        if found.summary is not None:
            out.append((q, found.summary))
    return out


def distribution(question: Question) -> list[tuple[str, int]]:
    """One question's distribution as its results show it (the chart endpoint): nothing
    before the survey closes, when K or fewer answered, or when the rule holds it back."""
    from app.panel.services import status

    if status(question.survey) != "closed" or question.kind == QuestionKind.text:
        return []
    k = threshold()
    sums = _numeric_sums([question.id]).get(question.id, (0, 0, 0.0, 0.0, 0))
    overall = _overall(question, sums, _responses(question.survey), k)
    found = _distributions([question], k)[question.id]
    return found.cells if _distribution_shown(overall) else []


def _distribution_shown(overall: _Overall) -> bool:
    """Whether a question's distribution may be shown at all (then in its cells)."""
    return overall.n is not None and not overall.alike


@dataclass
class _Distribution:
    cells: list[tuple[str, int]]
    #: The cell each value is counted in (scale and number questions)
    cell_of: dict[int, int]
    withheld: bool


def _distributions(questions: list[Question], k: int) -> dict[int, _Distribution]:
    """Every question's distribution in two queries (one for multi, one for the rest), in
    cells of none or more than k answers (app.panel.disclosure); none where every answer
    falls in one cell."""
    from flask_babel import gettext

    from app.panel.forms import number_range

    plain = [q for q in questions if q.kind != QuestionKind.multi]
    multi = [q for q in questions if q.kind == QuestionKind.multi]
    counts: dict[int, dict[int, int]] = {q.id: {} for q in questions}
    if plain:
        rows = db.session.execute(
            sa.select(Tally.question_id, _VALUE, _WEIGHT).where(
                Tally.question_id.in_([q.id for q in plain]),
                _OVERALL,
                Tally.dont_know.is_(False),
            )
        )
        for qid, value, count in rows:
            counts[qid][value] = int(count)
    if multi:
        rows = db.session.execute(
            sa.select(Tally.question_id, _VALUE, _WEIGHT).where(
                Tally.question_id.in_([q.id for q in multi]), _OVERALL
            )
        )
        for qid, value, count in rows:
            counts[qid][value] = counts[qid].get(value, 0) + int(count)
    out: dict[int, _Distribution] = {}
    for q in questions:
        found = counts[q.id]
        cell_of: dict[int, int] = {}
        if q.kind in NUMERIC:
            if q.kind == QuestionKind.scale6:
                ranges = disclosure.ordered_ranges(found, range(1, 7), k)
            else:
                ranges = disclosure.number_ranges(found, *number_range(q), k)
            cells = disclosure.labelled(ranges)
            cell_of = disclosure.cell_of(ranges, found)
            # A number's answers are always in bins; a scale's values merged are held back
            withheld = q.kind == QuestionKind.scale6 and len(ranges) < 6
        elif q.kind == QuestionKind.single:
            options = [(label, found.get(i, 0)) for i, label in enumerate(q.options)]
            cells, gathered = disclosure.unordered_cells(
                options, k, gettext("Andre svar (holdt tilbake)")
            )
            withheld = bool(gathered)
        else:
            shown = disclosure.multi_cells(found, len(q.options), k)
            cells = [
                (q.options[i], sum(n for m, n in found.items() if m & (1 << i))) for i in shown
            ]
            withheld = len(shown) < len(q.options)
        if q.kind != QuestionKind.multi and disclosure.one_cell(cells):
            cells, cell_of, withheld = [], {}, True
        out[q.id] = _Distribution(cells, cell_of, withheld)
    return out


def _breakdowns_and_alike(
    question_ids: list[int],
) -> tuple[dict[int, dict[Group, tuple[int, float, float]]], dict[int, set[Group]]]:
    """question id -> (breakdown, group key) -> (n, sum, sum of squares), and the groups
    whose answers all have one value (a tally row is one value), in one query."""
    out: dict[int, dict[Group, tuple[int, float, float]]] = {qid: {} for qid in question_ids}
    alike: dict[int, set[Group]] = {qid: set() for qid in question_ids}
    if not question_ids:
        return out, alike
    rows = db.session.execute(
        sa.select(
            Tally.question_id,
            Tally.breakdown,
            Tally.group_key,
            sa.func.sum(_WEIGHT),
            sa.func.sum(_REAL * _WEIGHT),
            sa.func.sum(_REAL * _REAL * _WEIGHT),
            sa.func.sum(sa.case((_WEIGHT > 0, 1), else_=0)),
        )
        .where(
            Tally.question_id.in_(question_ids),
            Tally.breakdown.in_(BREAKDOWNS),
            Tally.dont_know.is_(False),
        )
        .group_by(Tally.question_id, Tally.breakdown, Tally.group_key)
    )
    for qid, breakdown, group, n, total, squares, distinct in rows:
        out[qid][(breakdown, group)] = (int(n), float(total), float(squares))
        if int(distinct or 0) <= 1:
            alike[qid].add((breakdown, group))
    return out, alike


def _atoms(question_ids: list[int]) -> dict[int, dict[Atom, int]]:
    """question id -> (stored profile, value) -> answers, in one query."""
    out: dict[int, dict[Atom, int]] = {qid: {} for qid in question_ids}
    if question_ids:
        rows = db.session.execute(
            sa.select(
                ProfileTally.question_id,
                ProfileTally.age_band,
                ProfileTally.area,
                ProfileTally.user_groups_mask,
                ProfileTally.value_int,
                ProfileTally.count,
            ).where(ProfileTally.question_id.in_(question_ids))
        )
        for qid, band, area, mask, value, count in rows:
            out[qid][(band or None, area or None, mask, value)] = count
    return out


def _shown_breakdowns(
    n: int,
    groups: dict[Group, tuple[int, float, float]],
    atoms: dict[Atom, int],
    k: int,
    memo: dict[tuple[object, ...], set[Group]],
    cell_of: dict[int, int] | None = None,
    alike: set[Group] | None = None,
) -> tuple[dict[str, list[tuple[str, Summary]]], int]:
    """The groups of one question that may be shown, by breakdown, labelled in order (user
    groups as configured, the others by name), and how many are not shown: checked with the
    distribution shown (``cell_of``, each value's cell) and never one whose answers are all
    ``alike``. Without the profile counts of all n answers (answers written in bulk and not
    recounted) none is. ``memo`` keeps the check's answer for questions answered alike."""
    bits = {key: i for i, (key, _label) in enumerate(USER_GROUPS)}
    labels = {key: str(label) for key, label in USER_GROUPS}
    groups = {g: v for g, v in groups.items() if g[0] != "user_groups" or g[1] in bits}
    shown: set[Group] = set()
    if sum(atoms.values()) == n:
        sizes = {g: v[0] for g, v in groups.items()}
        key = (
            frozenset(sizes.items()),
            frozenset(atoms.items()),
            frozenset((cell_of or {}).items()),
            frozenset(alike or ()),
        )
        if key not in memo:
            memo[key] = shown_groups(sizes, atoms, bits, k, cell_of, alike or ())
        shown = memo[key]
    out: dict[str, list[tuple[str, Summary]]] = {name: [] for name in BREAKDOWNS}

    def place(group: Group) -> tuple[str, int, str]:
        return group[0], bits[group[1]] if group[0] == "user_groups" else 0, group[1]

    for breakdown, key in sorted(shown, key=place):
        label = labels[key] if breakdown == "user_groups" else key
        out[breakdown].append((label, summarise(*groups[(breakdown, key)])))
    return out, len(groups) - len(shown)


def question_results(
    survey: Survey, include_text: bool = False, reader: Any = None
) -> list[QuestionResult]:
    """Every question's published figures in a handful of queries, whatever the number of
    questions; nothing while the survey is open. ``reader`` (a visitor if None) decides
    which earlier rounds the trends may show."""
    from app.panel.services import status

    if status(survey) != "closed":
        return []
    k = threshold()
    questions = list(survey.questions)
    sums = _numeric_sums([q.id for q in questions])
    responses = _responses(survey)
    numeric = [q for q in questions if q.kind in NUMERIC]
    groups, alike = _breakdowns_and_alike([q.id for q in numeric])
    atoms = _atoms([q.id for q in numeric])
    distributions = _distributions([q for q in questions if q.kind != QuestionKind.text], k)
    trends = _trends(survey, numeric, reader or AnonymousUserMixin(), k)
    texts = _texts(questions) if include_text else {}
    memo: dict[tuple[object, ...], set[Group]] = {}
    results = []
    for question in questions:
        overall = _overall(question, sums.get(question.id, (0, 0, 0.0, 0.0, 0)), responses, k)
        result = QuestionResult(question, n=overall.n, dont_know=overall.dont_know)
        result.summary, result.withheld = overall.summary, overall.withheld
        if question.kind == QuestionKind.text:
            result.texts = texts.get(question.id, [])
        shown = question.id in distributions and _distribution_shown(overall)
        found = distributions[question.id] if shown else None
        if found is not None:
            result.distribution = found.cells
            result.withheld = result.withheld or found.withheld
        if result.summary is not None:
            result.breakdowns, result.hidden_groups = _shown_breakdowns(
                result.summary.n,
                groups[question.id],
                atoms[question.id],
                k,
                memo,
                found.cell_of if found is not None and found.cells else None,
                alike[question.id],
            )
        elif not result.held_back and question in numeric:
            result.breakdowns = {name: [] for name in BREAKDOWNS}
            result.hidden_groups = len(groups[question.id])
        if question in numeric:
            result.trend = trends.get(question.lineage, [])
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


def _trends(
    survey: Survey, numeric: list[Question], reader: Any, k: int
) -> dict[str, list[tuple[str, float | None]]]:
    """Means of the same questions (by lineage) in earlier rounds, oldest first: only rounds
    that are closed and whose results ``reader`` may see, a mean only where that round's
    results show it (``published_means``); two queries per earlier round."""
    from app.panel.services import status

    lineages = [q.lineage for q in numeric]
    trends: dict[str, list[tuple[str, float | None]]] = {lineage: [] for lineage in lineages}
    previous, seen = survey.previous_round_id, set()
    while previous and previous not in seen and lineages:
        seen.add(previous)
        earlier = db.session.get(Survey, previous)
        if earlier is None:
            break
        previous = earlier.previous_round_id
        if status(earlier) != "closed" or not may_see_results(reader, earlier, "closed"):
            continue
        means = {
            q.lineage: summary.mean
            for q, summary in published_means([earlier])
            if q.lineage in trends
        }
        for lineage in lineages:
            trends[lineage].insert(0, (earlier.title, means.get(lineage)))
    return trends


def response_rate(survey: Survey) -> tuple[int, int]:
    """(answers, audience size): the audience as the invitations reach it."""
    return response_rates(db.session, [survey])[survey.id]


def response_rates(session: Session, surveys: Iterable[Survey]) -> dict[int, tuple[int, int]]:
    """survey id -> (answers, audience size) for many surveys in at most four queries,
    however many there are: the answers per survey, and the audience per kind (the panel,
    each sub-panel, the residents), as ``services.audience`` describes it. The audience is
    never smaller than the answers (someone may have left the panel since)."""
    from app.panel.services import audience_key, audience_sizes

    found = list(surveys)
    if not found:
        return {}
    answered = dict(
        session.execute(
            sa.select(Participation.survey_id, sa.func.count())
            .where(Participation.survey_id.in_([s.id for s in found]))
            .group_by(Participation.survey_id)
        ).all()
    )
    sizes = audience_sizes(session, found)
    out = {}
    for s in found:
        n = answered.get(s.id, 0)
        out[s.id] = (n, max(sizes.get(audience_key(s), 0), n))
    return out


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


def published_results() -> sa.Select[tuple[Survey]]:
    """Surveys whose results anyone may see: published, closed, results public; newest
    first. The same rule as ``may_see_results`` for a reader who is not staff."""
    from app.core.dates import today

    closed = sa.or_(Survey.closed_at.is_not(None), Survey.closes_on < today())
    return (
        sa.select(Survey)
        .where(Survey.published_at.is_not(None), Survey.results_public.is_(True), closed)
        .order_by(Survey.closes_on.desc(), Survey.id.desc())
    )


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
            "" if r.n is None else r.n,
            _round(s.mean if s else None),
            _round(s.low if s else None),
            _round(s.high if s else None),
            "" if r.dont_know is None else r.dont_know,
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
