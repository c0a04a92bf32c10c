"""Smoke test of the benchmark harness (bench/): a tiny run, end to end, with wrk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120

URL_FIELDS = {
    "path",
    "rps",
    "p50_ms",
    "p99_ms",
    "errors",
    "non_2xx_3xx",
    "ratio_to_baseline",
    "target_ratio",
    "meets_target",
}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_tiny_run_prints_complete_json() -> None:
    if shutil.which("wrk") is None:
        message = "wrk not installed: apt-get install wrk"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    command = [sys.executable, "-m", "bench.run", "--scale", "tiny", "--duration", "1"]
    command += ["--connections", "2"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.terminate()  # lets the harness stop its servers
            stdout, stderr = process.communicate(timeout=30)
            pytest.fail(f"bench.run took over {TIMEOUT_S} s:\n{stderr}")
    assert process.returncode == 0, stderr
    # the database, its WAL, the writers' lock file and the logs are gone
    assert not list((ROOT / "instance" / "bench").glob(f"tiny-{process.pid}*"))

    result = json.loads(stdout)  # stdout holds the JSON document and nothing else
    assert set(result) >= {
        "scale",
        "duration_s",
        "connections",
        "baseline",
        "urls",
        "memory",
        "generated",
        "all_targets_met",
    }
    assert (result["scale"], result["duration_s"], result["connections"]) == ("tiny", 1, 2)
    assert isinstance(result["all_targets_met"], bool)

    baseline = result["baseline"]
    assert set(baseline) >= {"url", "rps", "p50_ms", "p99_ms"}
    assert baseline["url"] == "/"
    for field in ("rps", "p50_ms", "p99_ms"):
        assert _number(baseline[field]), (field, baseline)
    assert baseline["rps"] > 0

    from bench.run import SIGN, TARGETS

    assert [u["path"] for u in result["urls"]] == [path for path, _ in TARGETS]
    for url in result["urls"]:
        assert set(url) >= URL_FIELDS, url
        for field in ("rps", "p50_ms", "p99_ms", "ratio_to_baseline", "target_ratio"):
            assert _number(url[field]), (field, url)
        assert url["rps"] > 0, url
        assert url["errors"] == 0, url
        assert url["non_2xx_3xx"] == 0, url
        assert isinstance(url["meets_target"], bool)
    signing = next(u for u in result["urls"] if u["path"] == SIGN)
    assert signing["signatures_added"] > 0, signing  # the residents' cookies log them in

    memory = result["memory"]
    peaks = memory["peak_rss_mb_per_worker"]
    assert len(peaks) == 2
    assert all(_number(p) for p in peaks)
    assert min(peaks) > 0
    assert memory["max_peak_rss_mb"] == max(peaks)

    generated = result["generated"]
    assert generated["municipality_settings"] == 1
    assert generated["users"] >= 50
    assert generated["user_roles"] >= generated["users"]


def test_tiny_generation_fills_every_domain_the_compass_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from bench import generate
    from bench.generate import SCALES, prepare

    # Batches of seven: a table's rows go out in many batches, as at oslo scale, where an
    # answer batch once went out before its responses' (a foreign key failed)
    monkeypatch.setattr(generate, "BATCH_SIZE", 7)

    database = tmp_path / "tiny.sqlite3"
    counts = prepare(f"sqlite:///{database}", SCALES["tiny"])
    for table in ("proposals", "signatures", "declaration_feedback", "moment_nominations",
                  "panel_members", "surveys", "survey_responses", "survey_answers",
                  "survey_tallies", "compass_snapshots"):  # fmt: skip
        assert counts[table] > 0, table
    with sqlite3.connect(database) as conn:
        per_survey = conn.execute(
            "SELECT s.id, (SELECT count(*) FROM survey_participations p WHERE p.survey_id = s.id),"
            " (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id) FROM surveys s"
        ).fetchall()
        assert all(answered == responses > 0 for _id, answered, responses in per_survey)
        rounds = conn.execute("SELECT previous_round_id FROM surveys ORDER BY id").fetchall()
        assert [r[0] for r in rounds] == [None, per_survey[0][0]]  # the second is a next round
        # The tallies are the answers counted: overall, per question and value
        assert conn.execute(
            "SELECT count(*) FROM (SELECT question_id, value_int, sum(count) AS n FROM "
            "survey_tallies WHERE breakdown = '' GROUP BY 1, 2) t WHERE n != (SELECT count(*) "
            "FROM survey_answers a WHERE a.question_id = t.question_id AND "
            "coalesce(a.value_int, 0) = t.value_int)"
        ).fetchone() == (0,)
        # The report figures on each service are its reports counted, as the app keeps them
        assert conn.execute(
            "SELECT count(*) FROM services s WHERE reports_count != (SELECT count(*) FROM "
            "declaration_reports r WHERE r.service_id = s.id) OR reports_answered != (SELECT "
            "count(answered_in_time) FROM declaration_reports r WHERE r.service_id = s.id) OR "
            "reports_answered_in_time != (SELECT count(*) FROM declaration_reports r WHERE "
            "r.service_id = s.id AND r.answered_in_time) OR reports_answered = 0"
        ).fetchone() == (0,)
        satisfaction = conn.execute(
            "SELECT count(*) FROM compass_snapshots WHERE key = 'panel.satisfaction' "
            "AND value BETWEEN 1 AND 6"
        ).fetchone()[0]
    assert satisfaction >= 1  # the panel's answers reach the compass
