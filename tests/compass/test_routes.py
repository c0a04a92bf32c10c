"""Compass pages: who may see what, unknown scores never shown as 0, charts with the same
numbers as their tables, the annual report and its CSV, and the administration forms."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.compass import services
from app.compass.models import Evaluation, Measure, MeasureStatus, MeasureUpdate, Strategy, Target
from app.core.dates import today
from app.core.models import AuditEntry
from app.extensions import db
from tests.conftest import ROLES, csrf_token, submit

PUBLIC = ["/compass/", "/compass/areas/1", "/compass/areas/8", "/compass/report/2017",
          "/compass/report/2017.csv", "/compass/charts/history.svg",
          "/compass/charts/areas.svg", "/compass/charts/areas/4.svg",
          "/compass/charts/strategies.svg", "/opendata/"]  # fmt: skip
ADMIN = ["/compass/manage/", "/compass/manage/evaluations/new", "/compass/manage/strategies/new"]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_for, evaluations, strategy, role):
    client = client_for(role)
    for path in PUBLIC:
        assert client.get(path).status_code == 200, path
    e2017 = evaluations[1]
    measure = strategy.measures[0]
    admin_paths = [*ADMIN, f"/compass/manage/evaluations/{e2017.id}",
                   f"/compass/manage/evaluations/{e2017.id}/delete",
                   f"/compass/manage/strategies/{strategy.id}",
                   f"/compass/manage/strategies/{strategy.id}/delete",
                   f"/compass/manage/strategies/{strategy.id}/measures/new",
                   f"/compass/manage/measures/{measure.id}",
                   f"/compass/manage/measures/{measure.id}/delete"]  # fmt: skip
    expected = {"anonymous": 302, "admin": 200}.get(role, 403)
    for path in admin_paths:
        assert client.get(path).status_code == expected, (role, path)
    posts = ["/compass/manage/target", f"/compass/manage/measures/{measure.id}/updates",
             f"/compass/manage/evaluations/{e2017.id}/delete"]  # fmt: skip
    if role != "admin":
        # a real token (from the login form, or the logout form every page has when logged in)
        token = csrf_token(client, "/auth/login" if role == "anonymous" else "/compass/")
        for path in posts:
            data = {"csrf_token": token, "score": 1, "year": 2030}
            assert client.post(path, data=data).status_code == expected, (role, path)
        assert db.session.scalar(sa.select(Target.score)) == 550
        assert db.session.get(Evaluation, e2017.id) is not None


def test_unknown_area_scores_are_never_shown_as_zero(client, evaluations):
    html = client.get("/compass/").get_data(as_text=True)
    table = html.split("Poeng per fokusområde i 2017 (av 100)")[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert cells == ["33", "38", "65", "ikke oppgitt", "ikke oppgitt", "43", "35", "69"]
    area4 = client.get("/compass/areas/4").get_data(as_text=True)
    assert "ikke oppgitt" in area4
    assert ">0<" not in area4.split('id="scores-heading"')[1].split("</section>")[0]
    svg = client.get("/compass/charts/areas.svg").get_data(as_text=True)
    assert _values(svg) == ["33", "38", "65", "43", "35", "69"]  # 4 and 5 are not drawn
    assert "4. Lederskap" not in svg
    line = client.get("/compass/charts/areas/4.svg").get_data(as_text=True)
    assert _values(line) == []


def _values(svg: str) -> list[str]:
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def test_charts_have_title_desc_and_no_script(client, evaluations, strategy):
    for path in PUBLIC:
        if path.endswith(".svg"):
            response = client.get(path)
            svg = response.get_data(as_text=True)
            assert response.mimetype == "image/svg+xml"
            assert "<script" not in svg
            assert re.search(r"<title>[^<]+</title><desc>[^<]+</desc>", svg), path
            assert "script-src" not in response.headers["Content-Security-Policy"]


def test_history_chart_has_the_table_numbers(client, evaluations):
    svg = client.get("/compass/charts/history.svg").get_data(as_text=True)
    # totals, the 2017 reference values, the target for each year
    assert sorted(_values(svg)) == sorted(["254", "396", "593", "362", "356", "500",
                                           "550", "550", "550"])  # fmt: skip
    html = client.get("/compass/").get_data(as_text=True)
    table = html.split("Totalpoeng per evaluering (av 800)")[1].split("</table>")[0]
    assert sorted(re.findall(r'<td class="v">([^<]*)</td>', table)) == sorted(_values(svg))


def test_strategy_progress_rolls_up_on_the_page(client, strategy):
    html = client.get("/compass/").get_data(as_text=True)
    table = html.split("Fremdrift per delstrategi, regnet ut")[1].split("</table>")[0]
    assert '<td class="v">70</td>' in table
    assert _values(client.get("/compass/charts/strategies.svg").get_data(as_text=True)) == ["70"]


def test_dashboard_says_when_figures_were_computed(client):
    html = client.get("/compass/").get_data(as_text=True)
    assert "ble regnet ut" in html
    assert "etter høyst 0 sekunder" in html  # TestConfig computes afresh every time


def test_area_page_shows_its_measures_and_log(client, strategy):
    html = client.get("/compass/areas/7").get_data(as_text=True)
    assert "Brukerpanel" in html
    assert "Brukerpanel: status" in html
    assert "Etablere serviceerklæringer" not in html  # areas 2 and 5 only
    assert client.get("/compass/areas/0").status_code == 404
    assert client.get("/compass/areas/9").status_code == 404


def test_area_page_shows_a_measures_new_log_entry_and_language_at_once(
    client, compass_admin, strategy
):
    """A measure's article is written once per (measure, log, language): a new entry or a
    changed title shows on the next request, and each language gets its own words."""
    measure = db.session.scalar(sa.select(Measure).where(Measure.title == "Brukerpanel"))
    assert "Brukerpanel: status" in client.get("/compass/areas/7").get_data(as_text=True)
    services.record_update(
        compass_admin,
        measure,
        noted_on=today(),
        text="Nytt utvalg trukket",
        status=MeasureStatus.in_progress,
        progress=60,
        today=today(),
    )
    measure.title = "Brukerpanelet <2027>"
    db.session.commit()
    html = client.get("/compass/areas/7").get_data(as_text=True)
    assert "Nytt utvalg trukket (Pågår, 60 %)" in html
    assert "Brukerpanelet &lt;2027&gt;" in html
    english = client.get("/compass/areas/7", headers={"Accept-Language": "en"})
    assert "Nytt utvalg trukket (In progress, 60%)" in english.get_data(as_text=True)


def test_cards_write_their_months_values_and_words(client, compass_admin, strategy):
    """Each card: its chart's alt text, its change since the month before, and its table
    of months with the values (and "ingen data" for a month without one); an area's
    measure says how many log entries there are beyond the three shown."""
    from datetime import timedelta

    from app.compass.live import months_after
    from app.compass.models import Snapshot
    from app.core.dates import first_of_month

    first = months_after(first_of_month(today()), -3)
    for n, value in enumerate([10.0, None, 12.5]):
        db.session.add(
            Snapshot(
                key="proposals.opened",
                month=months_after(first, n),
                focus_area=1,
                label="Innbyggerforslag åpnet",
                value=value,
                unit="count",
                direction="higher_is_better",
            )
        )
    brukerpanel = db.session.scalar(sa.select(Measure).where(Measure.title == "Brukerpanel"))
    for days in range(1, 5):
        services.record_update(
            compass_admin,
            brukerpanel,
            noted_on=today() - timedelta(days),
            text=f"Steg {days}",
            status=MeasureStatus.in_progress,
            progress=40 + days,
            today=today(),
        )
    db.session.commit()
    html = client.get("/compass/").get_data(as_text=True)
    # the dashboard sums the area up: the value and the change, the charts are on its page
    summary = html.split('<th scope="row">Innbyggerforslag åpnet</th>')[1].split("</tr>")[0]
    assert "Siste måned: bedre enn måneden før · Høyere er bedre" in summary
    assert "/compass/areas/1" in html
    assert "indicator_chart" not in html
    assert "/compass/charts/indicator.svg" not in html
    page = client.get("/compass/areas/1").get_data(as_text=True)
    card = page.split("Innbyggerforslag åpnet</h3>")[1].split("</section>")[0]
    alt = 'alt="Linjediagram over indikatoren per måned. Tallene står i tabellen under."'
    assert alt in card
    assert "siste 12 måneder · Høyere er bedre · Siste måned: bedre enn måneden før" in card
    # the chart's table right after it, behind <details>
    table = card.split(alt)[1].split(">", 1)[1]
    assert table.lstrip().startswith("<details><summary>Tallene per måned (3 måneder)")
    assert "<caption>Innbyggerforslag åpnet per måned</caption>" in table
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="(\w+)">([^<]+)</td>', table)
    assert [(cls, value) for _month, cls, value in rows] == [
        ("v", "10"),
        ("unknown", "ingen data"),
        ("v", "12,5"),
    ]
    area = client.get("/compass/areas/7").get_data(as_text=True)
    assert "De 3 siste av 5 oppdateringer:" in area
    assert "Steg 1" in area  # the newest three
    assert "Steg 4" not in area
    assert "41 %" in area


def test_area_page_links_what_feeds_it(client, open_proposal):
    proposal = open_proposal(focus_area=1, title="Åpne møter i kommunestyret")
    html = client.get("/compass/areas/1").get_data(as_text=True)
    assert f"/proposals/{proposal.id}" in html
    assert "/proposals/?focus_area=1" in html


def test_report_years_outside_range_are_404(client):
    assert client.get(f"/compass/report/{today().year + 1}").status_code == 404
    assert client.get("/compass/report/1989").status_code == 404
    assert client.get("/compass/report/99999999999").status_code == 404


def test_report_shows_the_year_and_its_csv_has_the_same(client, evaluations, strategy):
    html = client.get("/compass/report/2017").get_data(as_text=True)
    assert "KS-Konsulent evaluerte kommunen i 2017: 396 av 800 poeng." in html
    assert html.count("ikke oppgitt") == 2
    assert "Etablere serviceerklæringer" in html
    assert "Det ble ikke holdt noen evaluering i 2016." in client.get(
        "/compass/report/2016"
    ).get_data(as_text=True)
    response = client.get("/compass/report/2017.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    areas = {r["key"]: r["value"] for r in rows if r["section"] == "evaluation"}
    assert areas["total"] == "396"
    assert areas["area-1"] == "33"
    assert areas["area-4"] == ""  # unknown: an empty cell, never 0
    strategy_row = next(r for r in rows if r["section"] == "strategy")
    assert strategy_row["value"] == "70.0"
    keys = {r["key"] for r in rows if r["section"] == "indicator"}
    assert {"proposals.signatures", "panel.members"} <= keys


def test_report_prints_without_navigation(client):
    html = client.get("/compass/report/2017").get_data(as_text=True)
    assert "/compass/static/compass.css" in html
    with client.get("/compass/static/compass.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css
    assert ".site-header" in css.split("@media print")[1]


# --- administration -------------------------------------------------------------------------


def _evaluation_form(**values):
    data = {"year": "2025", "evaluator": "KS-Konsulent", "total": "450", "area_1": "60",
            "area_2": "", "notes": "", "source_url": ""}  # fmt: skip
    data.update(values)
    return data


def test_admin_records_an_evaluation(admin_client):
    response = submit(admin_client, "/compass/manage/evaluations/new", _evaluation_form())
    assert response.status_code == 302
    evaluation = db.session.scalar(sa.select(Evaluation))
    assert (evaluation.year, evaluation.total, evaluation.score_for(1)) == (2025, 450, 60)
    assert evaluation.score_for(2) is None
    assert db.session.scalar(sa.select(AuditEntry.action)) == "compass.evaluation_created"


def test_evaluation_total_must_be_the_sum_when_all_are_known(admin_client):
    areas = {f"area_{n}": "50" for n in range(1, 9)}
    html = submit(admin_client, "/compass/manage/evaluations/new",
                  _evaluation_form(total="399", **areas)).get_data(as_text=True)  # fmt: skip
    assert "summen av dem: 400" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("year", "1800", "mellom 1990 og 2100"), ("total", "900", "fra 0 til 800"),
     ("area_3", "101", "fra 0 til 100"), ("total", "mange", "helt tall"),
     ("source_url", "javascript:alert(1)", "https://"), ("evaluator", "", "Fyll ut")],
)  # fmt: skip
def test_bad_evaluation_input_gets_a_message_and_changes_nothing(
    admin_client, field, value, message
):
    response = submit(admin_client, "/compass/manage/evaluations/new",
                      _evaluation_form(**{field: value}))  # fmt: skip
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0


def test_editing_shows_unknown_areas_as_empty_fields(admin_client, evaluations):
    html = admin_client.get(f"/compass/manage/evaluations/{evaluations[1].id}").get_data(
        as_text=True
    )
    assert 'id="area_1" name="area_1" value="33"' in html
    assert 'id="area_4" name="area_4" value=""' in html


def test_delete_evaluation_after_confirmation(admin_client, evaluations):
    evaluation_id = evaluations[0].id
    path = f"/compass/manage/evaluations/{evaluation_id}/delete"
    page = admin_client.get(path).get_data(as_text=True)
    assert "Slette evalueringen fra 2013?" in page
    assert db.session.get(Evaluation, evaluation_id) is not None
    assert submit(admin_client, path).status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation_id) is None


def test_target_form(admin_client, evaluations):
    assert submit(admin_client, "/compass/manage/target", {"score": "600", "year": "2029"}
                  ).status_code == 302  # fmt: skip
    assert db.session.scalar(sa.select(Target.score)) == 600
    bad = submit(admin_client, "/compass/manage/target", {"score": "801", "year": "2029"})
    assert bad.status_code == 400
    assert "fra 0 til 800" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Target)) == 1


def test_strategy_measure_and_log_through_the_forms(admin_client):
    assert submit(admin_client, "/compass/manage/strategies/new",
                  {"title": "Digital transformasjon", "description": "", "position": "4"}
                  ).status_code == 302  # fmt: skip
    strategy = db.session.scalar(sa.select(Strategy))
    response = submit(admin_client, f"/compass/manage/strategies/{strategy.id}/measures/new",
                      {"title": "Brukerpanel", "owner": "Servicetorget", "focus_areas": ["2", "7"],
                       "due_on": "2027-06-30", "description": ""})  # fmt: skip
    assert response.status_code == 302
    measure = db.session.scalar(sa.select(Measure))
    assert measure.focus_areas == [2, 7]
    response = submit(admin_client, f"/compass/manage/measures/{measure.id}/updates",
                      {"u-noted_on": today().isoformat(), "u-text": "Første runde er sendt ut",
                       "u-status": "in_progress", "u-progress": "35"})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    measure = db.session.get(Measure, measure.id)
    assert (measure.status, measure.progress) == (MeasureStatus.in_progress, 35)
    page = admin_client.get(f"/compass/manage/measures/{measure.id}").get_data(as_text=True)
    assert "Første runde er sendt ut" in page


def test_bad_update_changes_nothing(admin_client, strategy):
    measure = strategy.measures[1]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(MeasureUpdate))
    for data, message in [({"u-progress": "120"}, "fra 0 til 100"),
                          ({"u-status": "finished"}, "alternativene"),
                          ({"u-noted_on": "2999-01-01"}, "senere enn i dag"),
                          ({"u-noted_on": "i går"}, "åååå-mm-dd"),
                          ({"u-text": ""}, "Fyll ut")]:  # fmt: skip
        form = {"u-noted_on": today().isoformat(), "u-text": "Oppdatering",
                "u-status": "done", "u-progress": "50", **data}  # fmt: skip
        response = submit(admin_client, f"/compass/manage/measures/{measure.id}/updates", form)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeasureUpdate)) == before
    db.session.refresh(measure)
    assert measure.progress == 40


def test_delete_strategy_after_confirmation(admin_client, strategy):
    path = f"/compass/manage/strategies/{strategy.id}/delete"
    assert "alle de 3 tiltakene" in admin_client.get(path).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 3
    submit(admin_client, path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0


def test_delete_measure_after_confirmation(admin_client, strategy):
    measure = strategy.measures[0]
    path = f"/compass/manage/measures/{measure.id}/delete"
    assert "Slette tiltaket" in admin_client.get(path).get_data(as_text=True)
    submit(admin_client, path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 2


def test_post_without_csrf_is_refused(admin_client, strategy):
    measure = strategy.measures[0]
    response = admin_client.post(f"/compass/manage/measures/{measure.id}/delete")
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 3
    assert services.current_target() is None


class TestAreasFragment:
    @pytest.fixture
    def config_overrides(self):
        return {"PAGE_CACHE_SECONDS": 60}

    def test_a_logged_in_reader_sees_a_changed_score_at_once(self, app, evaluations,
                                                             compass_admin):  # fmt: skip
        from tests.compass.fixtures import ROROS_2017
        from tests.conftest import login

        reader = login(app.test_client(), compass_admin)
        assert "Poeng i 2017: 33." in reader.get("/compass/").get_data(as_text=True)
        services.save_evaluation(compass_admin, evaluations[1], year=2017,
                                 evaluator="KS-Konsulent", total=397,
                                 scores={**ROROS_2017, 1: 34})  # fmt: skip
        db.session.commit()
        page = reader.get("/compass/").get_data(as_text=True)
        assert "Poeng i 2017: 34." in page  # the kept areas fragment was not reused
        assert "Poeng i 2017: 33." not in page
