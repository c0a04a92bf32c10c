"""The open-data export, read back from the files it wrote: no drafts, no signers, survey
aggregates with the web's suppression, full-text search, Datasette metadata, the licence;
/opendata/ lists and serves the files; a failed build leaves the last one in place."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.compass import registry
from app.compass.export import ExportError, export_open_data, read_manifest
from app.compass.jobs import rebuild_open_data
from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.panel import services as panel_services
from app.proposals import services as proposal_services
from tests.panel.fixtures import _answers

SIGNER = "Signe Hemmeligsen"


@pytest.fixture
def config_overrides(tmp_path):
    return {"OPENDATA_DIR": str(tmp_path / "opendata")}


@pytest.fixture
def out(app) -> Path:
    return Path(app.config["OPENDATA_DIR"])


@pytest.fixture
def public_data(open_proposal, resident, make_user, survey, member, evaluations, strategy):
    """A draft, an open proposal with a signer, a closed survey with public results whose
    areas have 3, 6 and 7 answers, and a closed survey whose results are not public."""
    author = resident()
    proposal_services.create_proposal(
        author,
        title="Hemmelig utkast",
        summary="Utkast",
        body="Ikke publisert",
        focus_area=1,
        topic=None,
    )
    proposal = open_proposal(title="Sykkelvei til skolen")
    proposal_services.sign(
        resident(name=SIGNER, postal_code="7372"), proposal.id, proposal.version, notify=False
    )
    answering = [
        (member(area=area, birth_year=1990), value)
        for area, values in (
            ("Feragen", [4, 4, 4]),
            ("Glåmos", [2, 3, 4, 5, 6, 6]),
            ("Brekken", [3, 5, 5, 5, 6, 6, 6]),  # not all in one cell ("5–6")
        )
        for value in values
    ]  # the audience first: Feragen (three) is then stored as unknown, the others kept
    for user, value in answering:
        panel_services.submit_answers(user, survey, _answers(survey, scale=value))
    survey.opens_on, survey.closes_on = today() - timedelta(days=10), today() - timedelta(days=1)
    admin = make_user(Role.admin)
    hidden = panel_services.create_survey(
        admin,
        title="Intern undersøkelse",
        intro="",
        audience=survey.audience,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
        results_public=False,
    )
    panel_services.add_question(admin, hidden, kind=survey.questions[0].kind, text="Internt?")
    panel_services.publish(admin, hidden)
    db.session.commit()
    return {"proposal": proposal, "survey": survey}  # fmt: skip


def _query(path: Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_export_holds_public_data_only(app, out, public_data):
    manifest = export_open_data(out)
    database = out / "medvirke.db"
    tables = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert {"proposals", "surveys", "survey_results", "survey_followups", "focus_areas",
            "compass_evaluations", "compass_strategies", "compass_measures",
            "compass_measure_updates", "compass_indicator_snapshots"} <= set(tables)  # fmt: skip
    titles = [t for (t,) in _query(database, "SELECT title FROM proposals")]
    assert titles == ["Sykkelvei til skolen"]  # the draft is not there
    assert _query(database, "SELECT total_signatures FROM proposals") == [(1,)]
    # no signer, no postal code: not in any column of any file
    for path in out.iterdir():
        if path.is_file():
            assert SIGNER.encode() not in path.read_bytes(), path.name
    columns = {c for (c,) in _query(database, "SELECT name FROM pragma_table_info('proposals')")}
    assert not columns & {"author_id", "full_name", "postal_code", "user_id"}
    assert [t for (t,) in _query(database, "SELECT title FROM surveys")] == [
        public_data["survey"].title
    ]  # the survey whose results are not public is left out


def test_survey_results_use_the_web_suppression(app, client, out, public_data):
    export_open_data(out)
    database = out / "medvirke.db"
    groups = {g for (g,) in _query(database, "SELECT group_or_value FROM survey_results "
                                             "WHERE breakdown = 'area'")}  # fmt: skip
    # Feragen (3, stored as unknown) and Glåmos (6) would give away Feragen's three by
    # subtraction, so Glåmos (the smallest shown) is held back too, as on the web
    assert groups == {"Brekken"}
    survey = public_data["survey"]
    web = list(
        csv.reader(
            io.StringIO(
                client.get(f"/panel/surveys/{survey.id}/results.csv").get_data(as_text=True)
            )
        )
    )
    exported = _query(database, "SELECT question, kind, n, mean, breakdown, group_or_value, "
                                "count_or_mean FROM survey_results ORDER BY id")  # fmt: skip
    assert len(exported) == len(web) - 1
    for row, web_row in zip(exported, web[1:], strict=True):
        assert row[0] == web_row[0]
        assert row[4] == web_row[7]
        assert str(row[5] or "") == web_row[8]
        assert row[2] == int(web_row[2])
    text = "".join(str(v) for row in _query(database, "SELECT * FROM survey_results")
                   for v in row)  # fmt: skip
    assert "Fint!" not in text  # free text is never exported


def test_full_text_search_and_types(app, out, public_data):
    export_open_data(out)
    database = out / "medvirke.db"
    hits = _query(database, "SELECT title FROM proposals WHERE rowid IN "
                            "(SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH ?)",
                  "sykkel*")  # fmt: skip
    assert hits == [("Sykkelvei til skolen",)]
    rows = _query(database, "SELECT year, area_1, area_4, typeof(area_4) FROM "
                            "compass_evaluations ORDER BY year")  # fmt: skip
    assert rows[1] == (2017, 33, None, "null")  # unknown stays unknown
    assert _query(database, "SELECT typeof(mean) FROM survey_results WHERE mean IS NOT NULL "
                            "LIMIT 1") == [("real",)]  # fmt: skip


def test_metadata_for_datasette_and_the_licence(app, out, public_data):
    manifest = export_open_data(out)
    metadata = json.loads((out / "metadata.json").read_text("utf-8"))
    assert metadata["license"] == "NLOD 2.0"
    assert metadata["license_url"] == "https://data.norge.no/nlod/no/2.0"
    assert metadata["source"] == "Røros kommune – Medvirke"
    tables = metadata["databases"]["medvirke"]["tables"]
    assert tables["proposals"]["description"].startswith("Citizen proposals")
    assert set(tables) == {t["name"] for t in manifest["tables"]}
    for table in manifest["tables"]:
        with (out / table["csv"]).open(encoding="utf-8") as f:
            assert sum(1 for _ in csv.reader(f)) == table["rows"] + 1


def test_opendata_page_lists_and_serves_the_files(app, client, out, public_data):
    page = client.get("/opendata/")
    assert page.status_code == 200
    assert "Ingen eksport er laget ennå" in page.get_data(as_text=True)
    assert client.get("/opendata/medvirke.db").status_code == 404
    assert rebuild_open_data.call_local() >= 10  # the nightly job: the number of tables
    html = client.get("/opendata/").get_data(as_text=True)
    assert "Norsk lisens for offentlige data (NLOD) 2.0" in html
    assert "https://data.norge.no/nlod/no/2.0" in html
    assert "Citizen proposals" in html
    assert 'lang="en"' in html
    assert "Sist bygget" in html
    assert "proposals.csv" in html
    with client.get("/opendata/medvirke.db") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.get_data()[:15] == b"SQLite format 3"
    with client.get("/opendata/proposals.csv") as response:
        assert "Sykkelvei til skolen" in response.get_data(as_text=True)
    for bad in ("manifest.json", "../medvirke.db", "..%2Fconfig.py", "x.csv", ".build-1"):
        assert client.get(f"/opendata/{bad}").status_code == 404, bad


def test_a_failed_build_leaves_the_last_export(app, out, public_data, monkeypatch):
    export_open_data(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(
        registry, "OPEN_DATA_SOURCES", [*registry.OPEN_DATA_SOURCES, "tests.compass.broken_sources"]
    )
    with pytest.raises(RuntimeError, match="went away"):
        export_open_data(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing half-written
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_new_source_needs_only_its_line(app, out, monkeypatch):
    monkeypatch.setattr(
        registry,
        "OPEN_DATA_SOURCES",
        [*registry.OPEN_DATA_SOURCES, "tests.compass.extra_indicators"],
    )
    manifest = export_open_data(out)
    assert {"name": "extra_numbers", "rows": 5}.items() <= next(
        t for t in manifest["tables"] if t["name"] == "extra_numbers"
    ).items()
    database = out / "medvirke.db"
    # the first rows have no value for "half": it is still a number column, not text
    assert _query(database, "SELECT typeof(half) FROM extra_numbers WHERE n = 4") == [("real",)]
    assert _query(
        database,
        "SELECT n FROM extra_numbers WHERE rowid IN (SELECT rowid FROM "
        "extra_numbers_fts WHERE extra_numbers_fts MATCH 'ord3')",
    ) == [(3,)]


def test_bad_table_shapes_are_refused(app, out, monkeypatch):
    from app.compass import export

    with pytest.raises(ExportError, match="name"):
        export._check({"name": "Robert'); DROP TABLE", "description": "x", "pk": "id"}, set())
    with pytest.raises(ExportError, match="description"):
        export._check({"name": "ok", "pk": "id"}, set())
    with pytest.raises(ExportError, match="repeated"):
        export._check({"name": "ok", "description": "x", "pk": "id"}, {"ok"})


def test_export_command(app, tmp_path, public_data):
    target = tmp_path / "cli"
    result = app.test_cli_runner().invoke(args=["opendata", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert "proposals: 1 row(s)" in result.output
    assert read_manifest(target)["database"] == "medvirke.db"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("proposals"))) == 2
