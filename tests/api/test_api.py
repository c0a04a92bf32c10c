"""The open API: what it shows, what it never shows, conditional answers, errors, limits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.core import dates
from app.core.permissions import Role
from app.extensions import db
from app.panel import services as panel_services
from app.panel.results import question_results
from app.proposals import services
from tests.panel.fixtures import _answers


def test_proposals_show_counts_never_signers(app, client, open_proposal, resident):
    proposal = open_proposal(title="Gatelys i Bergmannsgata")
    draft = services.create_proposal(resident(), title="Hemmelig utkast", summary="x", body="y",
                                     focus_area=1)  # fmt: skip
    signer = resident(name="Sigrid Underskriversen", postal_code="7373")
    services.sign(signer, proposal.id, proposal.version)
    db.session.commit()
    listing = client.get("/api/v1/proposals")
    detail = client.get(f"/api/v1/proposals/{proposal.id}")
    assert listing.status_code == detail.status_code == 200
    [item] = listing.json["items"]
    assert (item["title"], item["signatures"], item["threshold"]) == (
        "Gatelys i Bergmannsgata",
        1,
        114,
    )
    assert detail.json["online_signatures"] == 1
    for body in (listing.get_data(as_text=True), detail.get_data(as_text=True)):
        assert "Underskriversen" not in body
        assert signer.email not in body
        assert "Hemmelig utkast" not in body
    assert client.get(f"/api/v1/proposals/{draft.id}").status_code == 404


def test_proposal_filters_search_and_pages(client, open_proposal):
    for i in range(3):
        open_proposal(title=f"Gatelys {i}", focus_area=8)
    open_proposal(title="Benker i parken", focus_area=2)
    found = client.get("/api/v1/proposals?q=gatel&per_page=2").json
    assert found["total"] == 3
    assert found["pages"] == 2
    assert len(found["items"]) == 2
    assert found["links"]["next"].endswith("page=2")
    assert found["links"]["prev"] is None
    second = client.get(found["links"]["next"]).json
    assert len(second["items"]) == 1
    assert {i["title"] for i in client.get("/api/v1/proposals?focus_area=2").json["items"]} == {
        "Benker i parken"
    }


def test_survey_results_suppress_small_groups_as_the_web_does(app, client, survey, member,
                                                                 make_user):  # fmt: skip
    areas = [("Røros sentrum", 8), ("Brekken", 7), ("Glåmos", 2)]
    users = [member(area=area) for area, n in areas for _ in range(n)]
    for i, user in enumerate(users):  # Glåmos (two) is stored as unknown: fewer than five
        panel_services.submit_answers(user, survey, _answers(survey, scale=3 + i % 3))
    db.session.commit()
    assert client.get("/api/v1/surveys").json["total"] == 0  # still open: nothing published
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404
    panel_services.close_now(make_user(Role.admin), survey)
    db.session.commit()
    results = client.get(f"/api/v1/surveys/{survey.id}/results")
    assert results.status_code == 200
    body = results.get_data(as_text=True)
    assert "Glåmos" not in body  # two answers
    assert "Brekken" not in body  # the one hidden group could be worked out from it
    assert "Fint!" not in body  # free text is for staff only
    scale = results.json["questions"][0]
    web = question_results(survey, include_text=False)[0]
    assert [g["group"] for g in scale["breakdowns"]["area"]] == [
        g for g, _s in web.breakdowns["area"]
    ] == ["Røros sentrum"]  # fmt: skip
    assert all(g["n"] > 5 for groups in scale["breakdowns"].values() for g in groups)
    assert results.json["answers"] == 17


def test_a_survey_with_private_results_is_not_in_the_api(client, survey, make_user):
    survey.results_public = False
    db.session.commit()
    panel_services.close_now(make_user(Role.admin), survey)
    db.session.commit()
    assert client.get("/api/v1/surveys").json["items"] == []
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404


def test_etag_and_last_modified_give_304(client, open_proposal):
    proposal = open_proposal()
    first = client.get(f"/api/v1/proposals/{proposal.id}")
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = client.get(f"/api/v1/proposals/{proposal.id}",
                       headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert again.status_code == 304
    assert again.get_data() == b""
    since = client.get(f"/api/v1/proposals/{proposal.id}",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})  # fmt: skip
    assert since.status_code == 304
    proposal.title = "Et nytt navn"
    db.session.commit()
    changed = client.get(f"/api/v1/proposals/{proposal.id}",
                         headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert changed.status_code == 200
    assert changed.json["title"] == "Et nytt navn"


def test_cors_is_open_for_reading(client):
    response = client.get("/api/v1/proposals", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_errors_are_json_with_one_shape(client):
    missing = client.get("/api/v1/proposals/123456")
    bad = client.get("/api/v1/proposals?per_page=1000&sort=nope")
    unknown = client.get("/api/v1/nothing-here")
    for response, status in ((missing, 404), (bad, 400), (unknown, 404)):
        assert response.status_code == status
        assert response.mimetype == "application/json"
        assert set(response.json["error"]) >= {"status", "title", "message"}
    assert set(bad.json["error"]["details"]) == {"per_page", "sort"}


def test_docs_page_lists_every_endpoint_without_outside_resources(client):
    page = client.get("/api/docs").get_data(as_text=True)
    for path in client.get("/api/v1/openapi.json").json["paths"]:
        assert path in page
    assert "https://cdn" not in page
    assert "<script" not in page


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"API_RATE_LIMIT": "3 per minute", "RATELIMIT_ENABLED": True}

    def test_the_api_limit_is_per_ip_across_endpoints(self, client):
        statuses = [client.get(path).status_code
                    for path in ["/api/v1/proposals", "/api/v1/surveys"] * 2]  # fmt: skip
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/proposals")
        assert limited.json["error"]["status"] == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.headers["Access-Control-Allow-Origin"] == "*"
        other = client.get("/api/v1/proposals", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 200


class TestKeptWhole:
    @pytest.fixture
    def config_overrides(self):
        return {"API_CACHE_SECONDS": 60, "API_RATE_LIMIT": "3 per minute",
                "RATELIMIT_ENABLED": True}  # fmt: skip

    def test_kept_answers_count_against_one_limit_for_the_whole_api(self, app):
        client = app.test_client()
        first = client.get("/api/v1/proposals?per_page=5")
        again = [client.get("/api/v1/proposals?per_page=5") for _ in range(2)]
        assert [r.status_code for r in again] == [200, 200]
        for header in ("ETag", "Cache-Control", "Access-Control-Allow-Origin", "Content-Type"):
            assert again[0].headers[header] == first.headers[header]
        assert again[0].get_data() == first.get_data()
        refused = client.get("/api/v1/surveys")  # another endpoint, the same budget
        assert refused.status_code == 429
        assert refused.json["error"]["status"] == 429
        assert "Retry-After" in refused.headers
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
        assert other.get("/api/v1/surveys").status_code == 200  # counted per address

    def test_a_conditional_request_gets_its_304(self, app):
        client = app.test_client()
        etag = client.get("/api/v1/surveys").headers["ETag"]
        assert client.get("/api/v1/surveys", headers={"If-None-Match": etag}).status_code == 304


def test_declarations_show_figures_and_versions_never_reporters(client, service, publish,
                                                                owner):  # fmt: skip
    from app.declarations import services as declaration_services
    from app.declarations.models import Promise

    publish(service)
    publish(service, language="nn")
    second = publish(service, about="Ny tekst om tenesta")  # supersedes the first nb only
    promise = db.session.scalars(sa.select(Promise).where(Promise.version_id == second.id)).first()
    declaration_services.give_feedback(AnonymousUserMixin(), service, promise.id, False,
                                       "Ventet i fire uker")  # fmt: skip
    declaration_services.report_broken_promise(
        AnonymousUserMixin(), service, promise.id, "Ingen svar", dates.today(),
        "Rita Rapportør", "rita@roros.example", "nb")  # fmt: skip
    db.session.commit()
    listing = client.get("/api/v1/declarations").json
    [row] = listing["items"]
    assert (row["slug"], row["languages"]) == (service.slug, ["nb", "nn"])
    assert (row["figures"]["not_kept"], row["figures"]["reports"]) == (1, 1)
    detail = client.get(f"/api/v1/declarations/{service.slug}")
    assert set(detail.json["current"]) == {"nb", "nn"}
    assert detail.json["current"]["nb"]["sections"]["about"] == "Ny tekst om tenesta"
    versions = client.get(f"/api/v1/declarations/{service.slug}/versions").json
    assert sorted((v["language"], v["status"]) for v in versions["items"]) == [
        ("nb", "published"), ("nb", "superseded"), ("nn", "published")]  # fmt: skip
    for body in (client.get(f"/api/v1/declarations/{service.slug}").get_data(as_text=True),
                 client.get(f"/api/v1/declarations/{service.slug}/versions").get_data(as_text=True),
                 client.get("/api/v1/declarations").get_data(as_text=True)):  # fmt: skip
        assert "Rita" not in body
        assert "rita@roros.example" not in body
        assert "fire uker" not in body  # feedback comments are not public
    assert client.get("/api/v1/declarations/finnes-ikke").status_code == 404


def test_a_service_without_a_published_declaration_is_not_in_the_api(client, service):
    assert client.get("/api/v1/declarations").json["total"] == 0
    assert client.get(f"/api/v1/declarations/{service.slug}").status_code == 404


def test_winners_credit_the_unit_alone_without_consent(client, winner):
    winner(consent=False, employee_name="Gunnhild Hemmelig")
    [item] = client.get("/api/v1/moments/winners").json["items"]
    assert item["employee_name"] is None
    assert item["unit"]
    assert "Gunnhild" not in client.get("/api/v1/moments/winners").get_data(as_text=True)


def test_compass_unknown_scores_are_null_never_zero(client, evaluations, strategy):
    data = client.get("/api/v1/compass/evaluations").json
    by_year = {e["year"]: e for e in data["evaluations"]}
    scores = {s["area"]: s["score"] for s in by_year[2017]["scores"]}
    assert (scores[4], scores[5], scores[1]) == (None, None, 33)
    assert all(s["score"] is None for s in by_year[2013]["scores"])
    assert data["target"] == {"score": 550, "year": 2021}
    [strategy_row] = client.get("/api/v1/compass/strategies").json["strategies"]
    assert strategy_row["progress"] == 70.0  # (100 + 40) / 2, the cancelled one left out
    areas = client.get("/api/v1/compass/areas").json
    assert [a["key"] for a in areas] == list(range(1, 9))
    assert areas[0]["name"]["nn"] == "Offentlegheit og demokrati"
    indicators = client.get("/api/v1/compass/indicators").json["indicators"]
    assert {"proposals", "panel", "declarations", "moments"} <= {
        i["key"].split(".")[0] for i in indicators}  # fmt: skip
