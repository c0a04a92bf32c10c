"""The consent rule: a name without the employee's consent appears nowhere public."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.auth import services as auth_services
from app.compass.export import DATABASE_FILE, export_open_data
from app.core.models import Unit
from app.extensions import db
from app.moments import services
from app.moments.opendata import open_data_tables
from app.moments.public import public_moment
from tests.conftest import login

SECRET_NAME = "Gunnhild Hemmelig"


def _exported(tmp_path: Path) -> str:
    """Every file of the open-data export, as the public downloads it (SQLite dumped to SQL)."""
    export_open_data(tmp_path)
    texts = [p.read_text() for p in sorted(tmp_path.glob("*.csv"))]
    with sqlite3.connect(tmp_path / DATABASE_FILE) as conn:
        texts += list(conn.iterdump())
    return "\n".join(texts)


def _public_outputs(client, year: int, tmp_path: Path) -> dict[str, str]:
    tables = open_data_tables(db.session)
    return {
        "gallery": client.get("/moments/").get_data(as_text=True),
        "year page": client.get(f"/moments/{year}").get_data(as_text=True),
        "feed": client.get("/moments/feed.atom").get_data(as_text=True),
        "open data": json.dumps([{**t, "rows": list(t["rows"])} for t in tables]),
        "open-data export": _exported(tmp_path),
        "API": client.get(f"/api/v1/moments/winners?year={year}").get_data(as_text=True),
    }


def test_a_name_without_consent_appears_nowhere_public(app, client, make_user, winner, tmp_path):
    won = winner(consent=False, employee_name=SECRET_NAME)
    nomination = won.nomination
    outputs = _public_outputs(client, won.month.year, tmp_path)
    for where, text in outputs.items():
        assert SECRET_NAME not in text, where
        assert nomination.unit.name in text, where  # the unit alone is credited
        assert nomination.nominator_email not in text, where
        assert nomination.nominator_name not in text, where
    # the nominator's own export names the employee only as the public sees it
    nominator = make_user(email=nomination.nominator_email)
    export = json.dumps(auth_services.export_data(nominator))
    assert SECRET_NAME not in export
    assert nomination.story in json.loads(export)["moments"]["nominations"][0]["story"]
    # logged in, too: the committee's own view is the only place the name shows
    reader = login(app.test_client(), make_user())
    assert SECRET_NAME not in reader.get("/moments/").get_data(as_text=True)


def test_with_consent_the_name_is_published_everywhere(client, winner, tmp_path):
    won = winner(consent=True, employee_name="Siri Bakken")
    for where, text in _public_outputs(client, won.month.year, tmp_path).items():
        assert "Siri Bakken" in text, where


def test_consent_withdrawn_later_takes_the_name_off(committee_client, client, winner, make_user,
                                                   tmp_path):  # fmt: skip
    won = winner(consent=True, employee_name="Siri Bakken")
    nomination = won.nomination
    services.edit_nomination(make_user(), nomination, "Siri Bakken", nomination.story, False)
    db.session.commit()
    for where, text in _public_outputs(client, won.month.year, tmp_path).items():
        assert "Siri Bakken" not in text, where


def test_consent_without_a_name_records_nothing(make_nomination, make_user):
    nomination = make_nomination(employee_name=None)
    services.approve(make_user(), nomination, name_consent=True)
    assert nomination.name_consent is False


def test_public_moment_is_the_one_rule():
    unit = "Servicetorget"
    row = type("Row", (), {"nomination_id": 1, "unit": unit, "employee_name": SECRET_NAME,
                           "name_consent": False, "happened_on": None, "story": "x"})()  # fmt: skip
    assert public_moment(row).employee_name is None
    assert public_moment(row).credited_to == unit
    row.name_consent = True
    assert public_moment(row).credited_to == f"{SECRET_NAME}, {unit}"


def test_open_data_never_holds_nominators(approved, winner):
    won = winner(consent=True, employee_name="Siri Bakken")
    approved(unit=db.session.get(Unit, won.nomination.unit_id))
    tables = {t["name"]: {**t, "rows": list(t["rows"])} for t in open_data_tables(db.session)}
    assert set(tables) == {"moments_winners", "moments_unit_years", "moments_reflections"}
    for table in tables.values():
        assert isinstance(table["description"], str)
        assert table["description"].endswith(".")
        assert table["pk"] == "id"
        for row in table["rows"]:
            json.dumps(row)  # plain JSON-able values
            assert not {"nominator_name", "nominator_email", "nominator_id"} & set(row)
            assert "nominerer" not in json.dumps(row)
            assert set(table["fts"]) <= set(row)
    [row] = tables["moments_winners"]["rows"]
    assert row["employee_name"] == "Siri Bakken"
    assert row["month"] == won.month.strftime("%Y-%m")
    [count] = tables["moments_unit_years"]["rows"]
    assert count["approved"] == 2
    assert count["year"] == won.month.year
