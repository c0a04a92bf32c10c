"""Benchmark: survey results for many answers, against the same aggregation in raw SQL.

    python -m bench.panel_results --responses 100000 --questions 20

Builds a migrated SQLite database with one closed survey (scale6, single, multi and number
questions), fills it with Core bulk inserts, then measures in the same run:

- ``raw``: one ``SELECT value_int, count(*) … GROUP BY value_int`` per question, straight
  through sqlite3 (the floor for "aggregate in SQL");
- ``aggregation``: Medvirke's ``question_results`` (sums, distribution, breakdowns by age,
  area and user group with suppression, trends), the work behind the results page, counted in
  SQL from the survey's tallies (kept by ``submit_answers`` in the answers' transaction; the
  bulk-inserted answers here are counted into them once with ``services.recount``);
- ``page``: the whole results page through the Flask test client; ``page_cold_s`` is the
  first view after the app starts, ``page_s`` later ones (nothing is cached between views).

``tallies_match`` checks that the tallies by age band equal a fresh GROUP BY over every answer.

Prints one JSON document with the medians and ``ratio`` (aggregation / raw); the target is
at most 2 and a page under 0.5 s. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

AREAS = ["Røros sentrum", "Brekken", "Glåmos", "Hitterdalen", "Feragen", "Galåen"]
BANDS = ["18-29", "30-44", "45-66", "67+"]


def log(message: str) -> None:
    print(f"[panel-bench] {message}", file=sys.stderr, flush=True)


def build(path: Path, responses: int, questions: int, seed: int) -> int:
    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.panel.models import Answer, Question, QuestionKind, Response, Survey
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(Config)
    rng = random.Random(seed)
    with app.app_context():
        flask_migrate.upgrade()
        survey = Survey(
            title="Benchmark",
            intro="",
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 1, 31),
            results_public=True,
            published_at=sa.func.now(),
        )
        db.session.add(survey)
        db.session.flush()
        kinds = (
            [QuestionKind.scale6] * (questions - 6)
            + [QuestionKind.single] * 2
            + [QuestionKind.multi] * 2
            + [QuestionKind.number] * 2
        )
        qs = []
        for i, kind in enumerate(kinds[:questions]):
            q = Question(
                survey_id=survey.id,
                position=i + 1,
                kind=kind,
                text=f"Spørsmål {i + 1}",
                options=["A", "B", "C", "D"]
                if kind in (QuestionKind.single, QuestionKind.multi)
                else [],
                dimension=rng.choice(["Informasjon", "Tilgjengelighet", None]),
            )
            db.session.add(q)
            qs.append(q)
        db.session.commit()
        survey_id = survey.id
        engine = db.engine
        response_table, answer_table = Response.__table__, Answer.__table__
        batch_r, batch_a = [], []
        with engine.begin() as conn:
            for n in range(responses):
                rid = f"{rng.getrandbits(128):032x}"
                groups = {
                    "age_band": rng.choice(BANDS),
                    "area": rng.choice(AREAS),
                    "user_groups_mask": rng.randrange(32),
                }
                batch_r.append(
                    {
                        "id": rid,
                        "survey_id": survey_id,
                        "submitted_on": date(2026, 1, 1) + timedelta(days=n % 30),
                        **groups,
                    }
                )
                for q in qs:
                    value = {
                        QuestionKind.scale6: rng.randint(1, 6),
                        QuestionKind.single: rng.randrange(4),
                        QuestionKind.multi: rng.randrange(1, 16),
                        QuestionKind.number: rng.randrange(0, 50),
                    }[q.kind]
                    batch_a.append(
                        {
                            "response_id": rid,
                            "question_id": q.id,
                            "value_int": value,
                            "dont_know": False,
                            **groups,
                        }
                    )
                if len(batch_a) >= 20_000:
                    conn.execute(response_table.insert(), batch_r)
                    conn.execute(answer_table.insert(), batch_a)
                    batch_r, batch_a = [], []
            if batch_r:
                conn.execute(response_table.insert(), batch_r)
                conn.execute(answer_table.insert(), batch_a)
        from app.panel.services import recount

        recount(survey_id)  # the tallies submit_answers would have kept, counted in one go
        db.session.commit()
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return survey_id


def measure(path: Path, survey_id: int, rounds: int) -> dict[str, object]:
    from app import create_app
    from app.extensions import db
    from app.panel import results
    from app.panel.models import Survey
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    raw = sqlite3.connect(path)
    question_ids = [
        r[0]
        for r in raw.execute(
            "SELECT id FROM survey_questions WHERE survey_id = ? ORDER BY position", (survey_id,)
        )
    ]

    def run_raw() -> None:
        for qid in question_ids:
            raw.execute(
                "SELECT value_int, count(*) FROM survey_answers WHERE question_id = ? "
                "GROUP BY value_int",
                (qid,),
            ).fetchall()

    app = create_app(Config)
    client = app.test_client()

    def run_aggregation() -> None:
        with app.app_context():
            survey = db.session.get(Survey, survey_id)
            results.question_results(survey, include_text=False)
            db.session.remove()

    def run_page() -> None:
        response = client.get(f"/panel/surveys/{survey_id}/results")
        assert response.status_code == 200, response.status_code

    timings: dict[str, list[float]] = {"raw": [], "aggregation": [], "page": []}
    run_raw()
    run_aggregation()
    started = time.perf_counter()
    run_page()  # the first view of a closed survey computes and stores its results
    page_cold = time.perf_counter() - started
    for _ in range(rounds):  # interleaved, so a noisy moment hits all three alike
        for name, fn in (("raw", run_raw), ("aggregation", run_aggregation), ("page", run_page)):
            started = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - started)
    med = {name: statistics.median(values) for name, values in timings.items()}
    counted = (
        "SELECT question_id, COALESCE(value_int, 0), dont_know, age_band, COUNT(*) "
        "FROM survey_answers WHERE age_band IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 4, 2, 3"
    )
    kept = (
        "SELECT question_id, value_int, dont_know, group_key, count FROM survey_tallies "
        "WHERE breakdown = 'age_band' ORDER BY 1, 4, 2, 3"
    )
    tallies_match = raw.execute(counted).fetchall() == raw.execute(kept).fetchall()
    return {
        "raw_s": round(med["raw"], 4),
        "aggregation_s": round(med["aggregation"], 4),
        "page_cold_s": round(page_cold, 4),
        "page_s": round(med["page"], 4),
        "ratio": round(med["aggregation"] / med["raw"], 2),
        "tallies_match": tallies_match,
        "meets_target": tallies_match
        and med["aggregation"] <= 2 * med["raw"]
        and max(med["page"], page_cold) < 0.5,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.panel_results")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    stdout = sys.stdout
    sys.stdout = sys.stderr
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.sqlite3"
        started = time.perf_counter()
        survey_id = build(path, args.responses, args.questions, args.seed)
        log(
            f"built {args.responses} responses x {args.questions} questions in "
            f"{time.perf_counter() - started:.1f} s"
        )
        result = measure(path, survey_id, args.rounds)
    result.update(responses=args.responses, questions=args.questions, rounds=args.rounds)
    sys.stdout = stdout
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HUEY_IMMEDIATE", "true")
    sys.exit(main())
