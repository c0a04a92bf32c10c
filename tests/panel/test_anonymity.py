"""The brukerpanel's anonymity under attack.

Hypothesis builds panels (6–60 members, profiles with missing values and overlapping user
groups) and their answers through the real write path; the test then collects every number
the app publishes about the survey, through every channel (the read side behind the results
page, results.csv, the API, the open-data tables, the compass's panel indicators), checks each
against the ground truth (the stored answers), and runs a differencing attack on them with
exact linear algebra.

The attack. A published cell that carries a sum (n and mean: a question's overall figures, a
group's, a dimension's pooled mean, a compass indicator) is the indicator vector of a set of
(response, question) pairs; its count and sum are known, and so are the count and sum of any
linear combination of cells. Pairs that lie in exactly the same published cells form atoms. A
disclosure is a set of atoms of 1 to K pairs in all whose indicator vector lies in the span of
the published vectors: its count and sum (and sum of squares, from the intervals) can be
worked out by adding and subtracting published figures.

Counts of values are cells too: a distribution's cell (a value, or a bin of them) is the set
of pairs whose value falls in it (count known, and the sum within a value's bounds), and
"vet ikke" is the set of pairs that said it; the survey's number of responses is, for each
question, the set of every response's pair (with a value, "vet ikke", or skipped). All of
them go into the same span as the groups, so a group against the distribution, or the
responses less n, are tried too. A set of skipped pairs alone is not counted as a
disclosure: skipping a question is not an answer (app.panel.disclosure).

And no shown group (nor a question's overall mean) may be made of answers all alike, or all
in one cell of the distribution shown: that gives each member's answer away.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.auth.models import User, UserRole
from app.core.dates import today
from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import cache, db
from app.panel import opendata, results, services
from app.panel.indicators import indicators
from app.panel.models import (
    USER_GROUPS,
    Answer,
    Audience,
    PanelMember,
    QuestionKind,
    Response,
    Survey,
)
from app.panel.stats import age_band

BIRTH_YEARS = [None, 1950, 1975, 1990, 2005]
AREAS = [None, "Brekken", "Glåmos", "Feragen"]
GROUPS = ["barnehage", "skole", "kultur"]
SCALE = [1, 2, 3, 4, 5, 6, "dont_know", None]
BREAKDOWNS = ("age_band", "area", "user_groups")


def _k(app) -> int:
    return int(app.config.get("ANONYMITY_K", 5))


# --- building a panel and a survey round ---------------------------------------------------


def _clear() -> None:
    db.session.execute(sa.delete(Survey))  # questions, responses, answers, tallies go with it
    db.session.execute(sa.delete(PanelMember))
    db.session.execute(sa.delete(User).where(User.email.like("angrep%")))
    db.session.commit()
    cache.clear()


def _admin() -> User:
    admin = db.session.scalar(sa.select(User).where(User.email == "admin-angrep@x.example"))
    if admin is None:
        admin = User(
            email="admin-angrep@x.example",
            name="Admin",
            password_hash="!",  # noqa: S106 - matches no password
            confirmed_at=utcnow(),
        )
        admin.roles = [UserRole(role=Role.admin)]
        db.session.add(admin)
        db.session.flush()
    return admin


def _round(members: list[tuple]) -> tuple[Survey, list[tuple]]:
    """Members join, those with answers answer, the survey closes. Returns the survey and
    each member's (birth year, area, groups) profile."""
    _clear()
    admin = _admin()
    survey = services.create_survey(
        admin,
        title="Angrepsundersøkelsen",
        intro="",
        audience=Audience.panel,
        opens_on=today(),
        closes_on=today() + timedelta(days=7),
        results_public=True,
    )
    for text in ("Informasjon A?", "Informasjon B?"):
        services.add_question(
            admin, survey, kind=QuestionKind.scale6, text=text, dimension="Informasjon"
        )
    services.add_question(
        admin,
        survey,
        kind=QuestionKind.number,
        text="Hvor mange?",
        min_value=0,
        max_value=20,
        required=False,
    )
    services.publish(admin, survey)
    users = []
    for i, (birth_year, area, groups, _answers) in enumerate(members):
        user = User(
            email=f"angrep{i}@x.example",
            name=f"Medlem {i}",
            password_hash="!",  # noqa: S106 - matches no password
            confirmed_at=utcnow(),
        )
        user.roles = [UserRole(role=Role.resident)]
        db.session.add(user)
        db.session.flush()
        db.session.add(
            PanelMember(user_id=user.id, birth_year=birth_year, area=area, user_groups=groups)
        )
        users.append(user)
    db.session.flush()
    questions = [q.id for q in survey.questions]
    for user, (_b, _a, _g, answers) in zip(users, members, strict=True):
        if answers is not None:
            services.submit_answers(user, survey, dict(zip(questions, answers, strict=True)))
    survey.opens_on, survey.closes_on = today() - timedelta(days=10), today() - timedelta(days=1)
    db.session.commit()
    return survey, [(b, a, sorted(g)) for b, a, g, _answers in members]


# --- what the app publishes ------------------------------------------------------------------


@dataclass
class Cell:
    """One published figure: ``key`` names the set it describes; ``n`` and ``mean`` as
    published (None where the channel leaves one out)."""

    channel: str
    key: tuple
    n: int | None
    mean: float | None


def _as_float(value: object) -> float | None:
    return None if value in ("", None) else float(value)  # type: ignore[arg-type]


def _published(app, survey: Survey) -> tuple[list[Cell], list[tuple[str, tuple, int]]]:
    """(cells with sums, counts of values) from every channel."""
    by_text = {q.text: q.id for q in survey.questions}
    cells: list[Cell] = []
    counts: list[tuple[str, tuple, int]] = []

    rows = results.question_results(survey, include_text=False)
    for r in rows:
        qid = r.question.id
        if r.summary is not None and r.summary.n:
            cells.append(Cell("page", ("q", qid, "", ""), r.summary.n, r.summary.mean))
        for name, groups in r.breakdowns.items():
            for group, s in groups:
                cells.append(Cell("page", ("q", qid, name, group), s.n, s.mean))
        counts += [("page", (qid, label), count) for label, count in r.distribution]
        if r.dont_know is not None:
            counts.append(("page", (qid, "dont_know"), r.dont_know))
    for dimension, s in results.dimension_means(rows):
        cells.append(Cell("page", ("pooled", dimension), s.n, s.mean))

    def table_rows(channel: str, found: list[dict[str, object]]) -> None:
        for row in found:
            qid = by_text[str(row["question"])]
            breakdown, group = row["breakdown"] or "", row["group_or_value"] or ""
            if breakdown == "" and _as_float(row["mean"]) is not None:
                n = int(row["n"])  # type: ignore[call-overload]
                cells.append(Cell(channel, ("q", qid, "", ""), n, _as_float(row["mean"])))
            elif breakdown in BREAKDOWNS:
                key = ("q", qid, breakdown, group)
                cells.append(Cell(channel, key, None, _as_float(row["count_or_mean"])))
            elif breakdown == "distribution":
                counts.append((channel, (qid, group), int(float(row["count_or_mean"]))))  # type: ignore[arg-type]
            if breakdown == "" and row["dont_know"] not in ("", None):
                counts.append((channel, (qid, "dont_know"), int(row["dont_know"])))  # type: ignore[call-overload]

    client = app.test_client()
    page = client.get(f"/panel/surveys/{survey.id}/results")
    assert page.status_code == 200
    text = client.get(f"/panel/surveys/{survey.id}/results.csv").get_data(as_text=True)
    header, *csv_rows = list(csv.reader(io.StringIO(text)))
    table_rows("csv", [dict(zip(header, row, strict=True)) for row in csv_rows])

    api = client.get(f"/api/v1/surveys/{survey.id}/results")
    assert api.status_code == 200
    for q in api.json["questions"]:
        qid = q["question_id"]
        if q["summary"] and q["summary"]["n"]:
            cells.append(Cell("api", ("q", qid, "", ""), q["summary"]["n"], q["summary"]["mean"]))
        for name, groups in q["breakdowns"].items():
            for g in groups:
                cells.append(Cell("api", ("q", qid, name, g["group"]), g["n"], g["mean"]))
        counts += [("api", (qid, d["value"]), d["count"]) for d in q["distribution"]]
        if q["dont_know"] is not None:
            counts.append(("api", (qid, "dont_know"), q["dont_know"]))
    # The number of responses (published even while the survey is open) says who took part,
    # not what anyone answered: it is a cell of a question's pairs where its n is published,
    # so that the responses less n ("vet ikke" and skipped) are tried
    counts += [
        ("api", (q["question_id"], "responses"), api.json["answers"])
        for q in api.json["questions"]
        if q["n"] is not None
    ]
    for d in api.json["dimensions"]:
        cells.append(Cell("api", ("pooled", d["group"]), d["n"], d["mean"]))

    tables = {t["name"]: t for t in opendata.open_data_tables(db.session)}
    table_rows(
        "opendata", [r for r in tables["survey_results"]["rows"] if r["survey_id"] == survey.id]
    )

    window = (today() - timedelta(days=30), today() + timedelta(days=1))
    for indicator in indicators(db.session, *window):
        if indicator.key == "panel.satisfaction" and indicator.value is not None:
            cells.append(Cell("compass", ("pooled", "*"), None, indicator.value))
        elif indicator.key.startswith("panel.satisfaction.") and indicator.value is not None:
            dimension = indicator.key.removeprefix("panel.satisfaction.")
            cells.append(Cell("compass", ("pooled", dimension), None, indicator.value))
    return cells, counts


# --- the ground truth ----------------------------------------------------------------------


Pair = tuple[str, int]  # (response id, question id)


def _other_pairs(survey: Survey) -> tuple[set[Pair], set[Pair]]:
    """Every response's pairs that said "vet ikke", and those that skipped the question."""
    responses = db.session.scalars(
        sa.select(Response.id).where(Response.survey_id == survey.id)
    ).all()
    answered = {
        (rid, qid): (value, dk)
        for rid, qid, value, dk in db.session.execute(
            sa.select(Answer.response_id, Answer.question_id, Answer.value_int, Answer.dont_know)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey.id)
        )
    }
    dont_know, skipped = set(), set()
    for rid in responses:
        for q in survey.questions:
            value, dk = answered.get((rid, q.id), (None, False))
            if dk:
                dont_know.add((rid, q.id))
            elif value is None:
                skipped.add((rid, q.id))
    return dont_know, skipped


def _truth(survey: Survey) -> tuple[dict[Pair, tuple], dict[Pair, int]]:
    """The stored answers that carry a value: (response, question) -> (age band, area,
    group mask), and -> value."""
    rows = db.session.execute(
        sa.select(
            Answer.response_id,
            Answer.question_id,
            Answer.value_int,
            Response.age_band,
            Response.area,
            Response.user_groups_mask,
        )
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.survey_id == survey.id,
            Answer.value_int.is_not(None),
            Answer.dont_know.is_(False),
        )
    )
    profiles, values = {}, {}
    for rid, qid, value, band, area, mask in rows:
        profiles[(rid, qid)] = (band, area, mask)
        values[(rid, qid)] = value
    return profiles, values


def _members(key: tuple, survey: Survey, cells: list[Cell], profiles) -> frozenset[Pair]:
    """The pairs a cell describes."""
    bits = {str(label): i for i, (_key, label) in enumerate(USER_GROUPS)}
    kinds = {q.id: q for q in survey.questions}
    if key[0] == "pooled":  # the scale questions of a dimension whose overall is published
        published = {c.key[1] for c in cells if c.key[0] == "q" and c.key[2] == ""}
        return frozenset(
            p
            for p in profiles
            if p[1] in published
            and kinds[p[1]].kind == QuestionKind.scale6
            and (key[1] == "*" or kinds[p[1]].dimension == key[1])
        )
    _q, qid, breakdown, group = key

    def inside(profile: tuple) -> bool:
        band, area, mask = profile
        if breakdown == "age_band":
            return band == group
        if breakdown == "area":
            return area == group
        if breakdown == "user_groups":
            return bool(mask & (1 << bits[group]))
        return True

    return frozenset(p for p, profile in profiles.items() if p[1] == qid and inside(profile))


# --- the attack ----------------------------------------------------------------------------


def _rref(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form: [(pivot column, row)]."""
    rows = [r[:] for r in rows]
    out: list[tuple[int, list[Fraction]]] = []
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        lead = pivot[col]
        pivot = [v / lead for v in pivot]
        for r in rows:
            if r[col]:
                f = r[col]
                r[:] = [a - f * b for a, b in zip(r, pivot, strict=True)]
        for _c, r in out:
            if r[col]:
                f = r[col]
                r[:] = [a - f * b for a, b in zip(r, pivot, strict=True)]
        out.append((col, pivot))
    return out


def _disclosure(
    vectors: list[frozenset[Pair]], k: int, skipped: frozenset[Pair] = frozenset()
) -> set[Pair] | None:
    """A set of 1..k pairs, not all ``skipped``, whose indicator vector is in the span of
    ``vectors``, or None."""
    vectors = [v for v in vectors if not _redundant(v, vectors)]
    parent: dict[Pair, Pair] = {}

    def find(p: Pair) -> Pair:
        while parent.setdefault(p, p) != p:
            p = parent[p]
        return p

    for v in vectors:  # the span splits into the spans of vectors on disjoint pairs
        first, *rest = sorted(v)
        for p in rest:
            parent[find(p)] = find(first)
    parts: dict[Pair, list[frozenset[Pair]]] = defaultdict(list)
    for v in vectors:
        parts[find(next(iter(v)))].append(v)
    for part in parts.values():
        found = _disclosure_in(part, k, skipped)
        if found:
            return found
    return None


def _redundant(v: frozenset[Pair], vectors: list[frozenset[Pair]]) -> bool:
    """Whether ``v`` spans several questions and is the sum of other vectors, one per
    question (a pooled mean of published questions): leaving it out changes no span."""
    by_question: dict[int, set[Pair]] = defaultdict(set)
    for p in v:
        by_question[p[1]].add(p)
    return len(by_question) > 1 and all(part in vectors for part in by_question.values())


def _disclosure_in(
    vectors: list[frozenset[Pair]], k: int, skipped: frozenset[Pair] = frozenset()
) -> set[Pair] | None:
    signature: dict[Pair, tuple[bool, ...]] = {}
    for p in set().union(*vectors):
        signature[p] = tuple(p in v for v in vectors)
    atoms: dict[tuple[bool, ...], list[Pair]] = defaultdict(list)
    for p, sig in signature.items():
        atoms[sig].append(p)
    # Large atoms first: then a vector in the span that is 0 on them is a combination of the
    # rows whose pivots are small atoms, with coefficients 0 or 1 (its own pivot entries)
    order = sorted(atoms, key=lambda sig: -len(atoms[sig]))
    size = [len(atoms[sig]) for sig in order]
    matrix = [[Fraction(int(sig[i])) for sig in order] for i in range(len(vectors))]
    small = [(col, row) for col, row in _rref(matrix) if size[col] <= k]
    for count in range(1, k + 1):
        for chosen in itertools.combinations(small, count):
            if sum(size[col] for col, _row in chosen) > k:
                continue
            t = [sum(row[j] for _col, row in chosen) for j in range(len(order))]
            answers = sum(s for s, v in zip(size, t, strict=True) if v)
            if all(v in (0, 1) for v in t) and 1 <= answers <= k:
                found = {p for sig, v in zip(order, t, strict=True) if v for p in atoms[sig]}
                if not found <= skipped:
                    return found
    return None


def _value_cells(survey: Survey, counts, values) -> dict[tuple, tuple[str, int]]:
    """(question, label) -> (a channel, count) of every published count of values, after
    checking that the channels agree."""
    out: dict[tuple, tuple[str, int]] = {}
    for channel, key, count in counts:
        if key in out:
            assert out[key][1] == count, (channel, key, count, out[key])
        else:
            out[key] = (channel, count)
    return out


def _cell_pairs(key, values, dont_know, skipped, survey) -> frozenset[Pair]:
    """The pairs a count of values describes: a value or a bin "a–b", "vet ikke", or every
    response's pair (the number of responses)."""
    qid, label = key
    if label == "dont_know":
        return frozenset(p for p in dont_know if p[1] == qid)
    if label == "responses":
        mine = {p for p in values if p[1] == qid} | dont_know | skipped
        return frozenset(p for p in mine if p[1] == qid)
    low, _dash, high = str(label).partition("–")
    low_value, high_value = int(low), int(high or low)
    return frozenset(p for p, v in values.items() if p[1] == qid and low_value <= v <= high_value)


# --- the test ------------------------------------------------------------------------------


def linkable(survey: Survey, profiles: list[tuple], k: int) -> tuple[list[tuple], list[tuple]]:
    """The survey's stored (age band, area, groups), and those of them that fewer than k of
    the audience share (``profiles``: their birth years, areas and groups). A member shares a
    stored combination that says nothing untrue about them."""
    bits = {key: i for i, (key, _label) in enumerate(USER_GROUPS)}
    audience = [
        (age_band(year, today().year), area, sum(1 << bits[g] for g in groups if g in bits))
        for year, area, groups in profiles
    ]
    stored = db.session.execute(
        sa.select(Response.age_band, Response.area, Response.user_groups_mask).where(
            Response.survey_id == survey.id
        )
    ).all()
    return [tuple(row) for row in stored], [
        (band, area, mask)
        for band, area, mask in stored
        if sum(
            (band is None or b == band) and (area is None or a == area) and m & mask == mask
            for b, a, m in audience
        )
        < k
    ]


def _check(app, members: list[tuple]) -> None:
    k = _k(app)
    survey, audience = _round(members)
    assert linkable(survey, audience, k)[1] == []
    cells, counts = _published(app, survey)
    profiles, values = _truth(survey)
    vectors: dict[tuple, frozenset[Pair]] = {}
    for cell in cells:  # every published figure is what the answers give
        pairs = _members(cell.key, survey, cells, profiles)
        vectors[cell.key] = pairs
        if cell.n is not None:
            assert cell.n == len(pairs), cell
        if cell.mean is not None:
            truth = sum(values[p] for p in pairs) / len(pairs)
            assert cell.mean == pytest.approx(truth, abs=0.006), cell
    for key, pairs in list(vectors.items()):  # no mean shown of answers all alike
        if key[0] == "q" and pairs:
            assert len({values[p] for p in pairs}) > 1, ("all alike", key)
    dont_know, skipped = _other_pairs(survey)
    bins = _value_cells(survey, counts, values)
    for key, (channel, count) in bins.items():
        pairs = _cell_pairs(key, values, dont_know, skipped, survey)
        assert count == len(pairs), (channel, key, count)
        vectors[("cell", *key)] = pairs
    for key, pairs in list(vectors.items()):  # no group all in one cell of the distribution
        if key[0] == "q" and key[2] and pairs:
            cells = {
                cell
                for cell, in_cell in vectors.items()
                if cell[0] == "cell"
                and cell[1] == key[1]
                and cell[2] not in ("dont_know", "responses")
                and pairs & in_cell
            }
            assert len(cells) != 1, ("all in one cell", key)
    groups = {key for key, v in vectors.items() if key[0] == "q" and key[2] and v}
    event(f"groups shown: {min(len(groups), 10)}{'+' if len(groups) >= 10 else ''}")
    found = _disclosure([v for v in set(vectors.values()) if v], k, frozenset(skipped))
    if found:
        shown = sorted({key for key, v in vectors.items() if v})
        detail = sorted(
            (qid, str(profiles.get((rid, qid))), values.get((rid, qid), "vet ikke/tomt"))
            for rid, qid in found
        )
        pytest.fail(f"{len(found)} answers worked out: {detail}\nfrom {shown}")
    number = next(q.id for q in survey.questions if q.kind == QuestionKind.number)
    for channel, (qid, label), count in counts:
        if qid == number and label != "dont_know":
            assert count == 0 or count > k, (channel, label, count)


PROFILE = st.tuples(
    st.sampled_from(BIRTH_YEARS),
    st.sampled_from(AREAS),
    st.lists(st.sampled_from(GROUPS), unique=True, max_size=3),
)
ANSWERS = st.tuples(st.sampled_from(SCALE), st.sampled_from(SCALE), st.none() | st.integers(0, 20))


@st.composite
def panels(draw: st.DrawFn) -> list[tuple]:
    """6 to 60 members drawn from a few profiles (so that groups are large enough to be
    shown, and overlap), some with missing values; about three in four answer."""
    size = draw(st.integers(6, 60))
    pool = draw(st.lists(PROFILE, min_size=1, max_size=8))
    members = st.tuples(st.sampled_from(pool), st.one_of(ANSWERS, ANSWERS, ANSWERS, st.none()))
    drawn = draw(st.lists(members, min_size=size, max_size=size))
    return [(*profile, answers) for profile, answers in drawn]


#: Two tiny areas (3 and 2) hidden together next to one shown (7): the overall figures less
#: the shown area give the five answers of the other two
HIDDEN_PAIR = [(1990, "Brekken", [], (1, 1, None))] * 3 + [(1990, "Glåmos", [], (2, 2, None))] * 2
HIDDEN_PAIR += [(1990, "Feragen", [], (6, 6, None))] * 7
#: Ten in one area and two with no area, birth year or group: the overall figures less the
#: area give the two
RESIDUAL = [(1975, "Brekken", [], (4, 4, None))] * 10 + [(None, None, [], (1, 1, None))] * 2


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(members=panels())
@example(members=HIDDEN_PAIR)
@example(members=RESIDUAL)
def test_no_published_figure_gives_away_five_or_fewer(app, members):
    _check(app, members)
