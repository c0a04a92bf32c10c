"""Declaration pages through the test client, with CSRF on: the journey, the fallback,
feedback limits and the honeypot, the permission matrix and hostile input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.core.permissions import Role
from app.declarations import services
from app.declarations.models import (
    DeclarationVersion,
    Feedback,
    Report,
    ReportStatus,
    Service,
    VersionStatus,
)
from app.extensions import db
from tests.conftest import ROLES, login, mail_text, outbox, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused


def _promise_rows(*promises: tuple[str, str, str]) -> dict[str, str]:
    data = {}
    for n, (text, value, unit) in enumerate(promises):
        row = {"position": str(n + 1), "text": text, "target_value": value, "target_unit": unit}
        data |= {f"promises-{n}-{key}": v for key, v in row.items()}
    return data


DRAFT = {
    "about": "Vi behandler **byggesøknader**.",
    "audience": "Alle som skal bygge.",
    "expectations": "Send en komplett søknad.",
    "price": "Etter gebyrregulativet.",
    "complaints": "Klag innen tre uker.",
    "contact": "Servicetorget",
    **_promise_rows(("Du får svar innen 3 uker.", "15", "working_days"),
                    ("Vi ringer deg tilbake samme dag.", "", "")),
}  # fmt: skip


def _feedback(promise_id: int, kept: str = "yes", **extra: str) -> dict[str, str]:
    return {"f-promise_id": str(promise_id), "f-kept": kept, "f-comment": "", "f-website": "",
            **extra}  # fmt: skip


def _report(promise_id: int, **extra: str) -> dict[str, str]:
    return {"r-promise_id": str(promise_id), "r-description": "Ingen svar på fire uker.",
            "r-happened_on": today().isoformat(), "r-name": "Kari Klager",
            "r-email": "kari@roros.example", "r-website": "", **extra}  # fmt: skip


def test_journey_service_draft_publish_feedback_report_answer(app, unit, admin, owner):
    """Admin adds a service; its owner drafts and submits; the admin publishes; a visitor
    gives feedback and reports a broken promise; the owner answers; the reporter is mailed."""
    a = login(app.test_client(), admin)
    response = submit(a, "/declarations/manage/services/new", {
        "name": "Byggesak", "slug": "byggesak", "unit_id": str(unit.id), "description": "",
        "focus_areas": ["2", "5"], "owner_ids": [str(owner.id)], "active": "1",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    service = db.session.scalar(sa.select(Service))
    assert [o.email for o in service.owners] == [owner.email]

    o = login(app.test_client(), owner)
    response = submit(o, f"/declarations/manage/services/{service.id}/drafts", {"language": "nb"})
    edit_url = response.location
    assert "/declarations/manage/versions/" in edit_url
    assert "promises-3-text" in o.get(edit_url).get_data(as_text=True)  # spare rows
    response = submit(o, edit_url, {**DRAFT, "save": "1"})
    assert response.status_code == 302
    page = o.get(edit_url).get_data(as_text=True)
    assert "<strong>byggesøknader</strong>" in page  # the preview
    assert "innen 15 virkedager" in page
    version_id = int(edit_url.rsplit("/", 1)[1])
    submit(o, f"{edit_url}/submit")
    assert db.session.get(DeclarationVersion, version_id).status == VersionStatus.submitted
    assert [m.template for m in outbox(admin.email)] == ["declaration_submitted"]
    assert app.test_client().get("/declarations/byggesak").status_code == 404  # not yet

    assert o.get(f"{edit_url}/publish").status_code == 403
    assert "Publisere Byggesak" in a.get(f"{edit_url}/publish").get_data(as_text=True)
    response = submit(a, f"{edit_url}/publish", {"effective_from": today().isoformat()})
    assert response.status_code == 302

    visitor = app.test_client()
    page = visitor.get("/declarations/byggesak").get_data(as_text=True)
    assert "Du får svar innen 3 uker." in page
    assert "<strong>byggesøknader</strong>" in page
    promise_id = db.session.get(DeclarationVersion, version_id).promises[0].id
    response = submit(visitor, "/declarations/byggesak/feedback", _feedback(promise_id, "no"))
    assert response.status_code == 302
    page = visitor.get("/declarations/byggesak").get_data(as_text=True)
    assert "Takk for tilbakemeldingen!" in page
    assert "0 av 1 sier løftet ble holdt." in page
    response = submit(visitor, "/declarations/byggesak/report", _report(promise_id))
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert report.reference in visitor.get("/declarations/byggesak").get_data(as_text=True)
    assert [m.template for m in outbox("kari@roros.example")] == ["report_receipt"]
    assert [m.template for m in outbox(owner.email)] == ["report_new"]

    assert report.reference in o.get("/declarations/manage/").get_data(as_text=True)
    submit(o, f"/declarations/manage/reports/{report.id}/acknowledge")
    response = submit(o, f"/declarations/manage/reports/{report.id}/answer",
                      {"answer": "Beklager! Du får svar i morgen."})  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.answered
    answer = outbox("kari@roros.example")[-1]
    assert answer.template == "report_answer"
    assert "Du får svar i morgen." in answer.body_text
    assert "Lukke avvik" in o.get(f"/declarations/manage/reports/{report.id}/close").get_data(
        as_text=True
    )
    submit(o, f"/declarations/manage/reports/{report.id}/close")
    db.session.refresh(report)
    assert (report.status, report.reporter_email) == (ReportStatus.closed, None)
    index = visitor.get("/declarations/").get_data(as_text=True)
    assert "Byggesak" in index
    assert "0,0 %" in index  # no promise kept so far
    assert "100,0 %" in index  # the one report answered in time


def _page(app, path: str, language: str = "nb") -> str:
    response = app.test_client().get(path, headers={"Accept-Language": language})
    return response.get_data(as_text=True)


def test_fallback_to_bokmal_with_a_note_and_links(app, service, publish):
    publish(service, "nb")
    path = f"/declarations/{service.slug}"
    page = _page(app, path, "nn")
    assert '<html lang="nn">' in page
    assert "Erklæringa finst ikkje på språket ditt enno" in page
    assert '<div class="user-text" lang="nb">' in page
    publish(service, "sma", about="Daate lea åarjelsaemien.")
    page = _page(app, path, "nn")
    assert f'href="{path}?lang=sma" lang="sma"' in page
    sma = _page(app, f"{path}?lang=sma", "nn")
    assert '<div class="user-text" lang="sma"><p>Daate lea åarjelsaemien.</p>' in sma
    assert "finst ikkje" not in sma
    nb = _page(app, path)
    assert "finnes ikke på ditt språk" not in nb
    assert 'lang="nb"><p>' not in nb  # bokmål on a bokmål page needs no lang attribute


def test_history_version_and_diff_pages(app, service, publish):
    old = publish(service, "nb", price="Gebyr for 2026.")
    new = publish(service, "nb", price="Gebyr for 2027.")
    client = app.test_client()
    history = client.get(f"/declarations/{service.slug}/history").get_data(as_text=True)
    assert "Erstattet" in history
    assert "Versjon 2" in history
    page = client.get(f"/declarations/{service.slug}/history/{old.id}").get_data(as_text=True)
    assert "Gebyr for 2026." in page
    assert "gjelder ikke lenger" in page
    diff = client.get(f"/declarations/{service.slug}/history/diff?a={old.id}&b={new.id}")
    html = diff.get_data(as_text=True)
    assert re.search(r"<del><span class=\"sr-only\"[^>]*>\[fjernet:\] </span>2026\.</del>", html)
    assert re.search(r"<ins><span class=\"sr-only\"[^>]*>\[lagt til:\] </span>2027\.</ins>", html)
    assert "1. Du får svar på søknaden innen 3 uker. (innen 15 virkedager)" in html
    bad = client.get(f"/declarations/{service.slug}/history/diff?a=999999&b=abc")
    assert bad.status_code == 400


def test_drafts_are_not_public(app, service, publish, owner):
    version = publish(service, "nb")
    draft = services.start_draft(owner, service, "nn")
    db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get(f"/declarations/{service.slug}/history/{draft.id}").status_code == 404
    assert anonymous.get(f"/declarations/{service.slug}/history/{version.id}").status_code == 200
    assert (
        login(app.test_client(), owner)
        .get(f"/declarations/{service.slug}/history/{draft.id}")
        .status_code
        == 200
    )
    service.active = False
    db.session.commit()
    assert anonymous.get(f"/declarations/{service.slug}").status_code == 404
    assert service.name not in anonymous.get("/declarations/").get_data(as_text=True)


def test_charts_are_svg_without_scripts_beside_the_same_numbers(app, service, publish):
    version = publish(service)
    visitor = app.test_client()
    for kept in ("yes", "yes", "no"):
        submit(visitor, f"/declarations/{service.slug}/feedback", _feedback(version.promises[0].id,
                                                                            kept))  # fmt: skip
    for name in ("kept", "reports", "in_time", "days"):
        response = visitor.get(f"/declarations/{service.slug}/charts/{name}.svg")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<script" not in response.data
    page = visitor.get(f"/declarations/{service.slug}").get_data(as_text=True)
    assert (
        '<tr><th scope="row">Ja</th><td>2</td></tr><tr><th scope="row">Nei</th><td>1</td>' in page
    )
    assert "66,7 %" in page
    assert visitor.get(f"/declarations/{service.slug}/charts/other.svg").status_code == 404


# --- feedback: limits and bots --------------------------------------------------------------


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"DECLARATION_FEEDBACK_RATE_LIMIT": "3 per minute"}

    def test_feedback_and_reports_share_a_rate_limit(self, app, service, publish):
        promise_id = publish(service).promises[0].id
        client = app.test_client()
        path = f"/declarations/{service.slug}"
        statuses = [submit(client, f"{path}/feedback", _feedback(promise_id)).status_code
                    for _ in range(3)]  # fmt: skip
        assert statuses == [302] * 3
        limited = submit(client, f"{path}/report", _report(promise_id))
        assert limited.status_code == 429
        assert "For mange forsøk" in limited.get_data(as_text=True)
        assert submit(client, f"{path}/feedback", _feedback(promise_id)).status_code == 429
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_the_honeypot_keeps_nothing_and_says_thanks(app, service, publish):
    promise_id = publish(service).promises[0].id
    client = app.test_client()
    path = f"/declarations/{service.slug}"
    response = submit(client, f"{path}/feedback", _feedback(promise_id, **{"f-website": "x.com"}),
                      follow_redirects=True)  # fmt: skip
    assert "Takk for tilbakemeldingen!" in response.get_data(as_text=True)
    response = submit(client, f"{path}/report", _report(promise_id, **{"r-website": "x.com"}))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0
    assert outbox() == []
    db.session.refresh(service)
    assert service.feedback_kept == 0
    for form_page in (f"{path}/feedback", f"{path}/report"):
        page = client.get(form_page).get_data(as_text=True)
        assert 'class="hp"' in page
        assert 'tabindex="-1" autocomplete="off"' in page


def test_bad_feedback_gets_a_message_and_changes_nothing(app, service, publish):
    promise_id = publish(service).promises[0].id
    client = app.test_client()
    path = f"/declarations/{service.slug}"
    for data in (_feedback(promise_id, "maybe"), _feedback(999_999), _feedback(promise_id, ""),
                 {"f-kept": "yes"}):  # fmt: skip
        response = submit(client, f"{path}/feedback", data)
        assert response.status_code == 400
        assert "Dette må rettes" in response.get_data(as_text=True)
    response = submit(client, f"{path}/report", _report(promise_id, **{"r-email": ""}))
    assert "Skriv e-postadressen din" in response.get_data(as_text=True)
    response = submit(client, f"{path}/report", _report(promise_id, **{"r-email": "ikke-epost"}))
    assert "gyldig e-postadresse" in response.get_data(as_text=True)
    response = submit(client, f"{path}/report", _report(promise_id, **{"r-happened_on": "i går"}))
    assert "åååå-mm-dd" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_a_confirmed_resident_reports_without_typing_an_email(app, service, publish, make_user):
    promise_id = publish(service).promises[0].id
    resident = make_user(email="ingrid@roros.example", name="Ingrid Innbygger")
    client = login(app.test_client(), resident)
    response = submit(client, f"/declarations/{service.slug}/report",
                      _report(promise_id, **{"r-email": "", "r-name": ""}))  # fmt: skip
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert (report.reporter_email, report.reporter_name) == (resident.email, resident.name)
    assert [m.template for m in outbox(resident.email)] == ["report_receipt"]


def test_the_receipt_repeats_nothing_the_reporter_typed(app, service, publish):
    """Anyone may type any address, so the receipt names the service, the promise, the
    reference and the deadline, and never the description or the name."""
    promise = publish(service).promises[0]
    description = "Kjøp billige klokker på svindel.example " + "x" * 4000
    response = submit(
        app.test_client(),
        f"/declarations/{service.slug}/report",
        _report(
            promise.id,
            **{
                "r-description": description,
                "r-name": "Ring 815 00 000 nå",
                "r-email": "offer@roros.example",
            },
        ),
    )
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert report.description == description
    [receipt] = outbox("offer@roros.example")
    text = mail_text(receipt)
    assert "svindel.example" not in text
    assert "x" * 100 not in text
    assert "815 00 000" not in text
    for shown in (report.reference, service.name, promise.text):
        assert shown in receipt.body_text
        assert shown in receipt.body_html


# --- permissions --------------------------------------------------------------------------

EXPECTED = {
    "/declarations/manage/": {"anonymous": 302, "unconfirmed": 403, "resident": 403,
                              "committee": 403, "service_owner": 200, "admin": 200},
    "/declarations/manage/services/new": {"anonymous": 302, "unconfirmed": 403, "resident": 403,
                                          "committee": 403, "service_owner": 403, "admin": 200},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_permission_matrix_for_pages(client_for, role, path):
    assert client_for(role).get(path).status_code == EXPECTED[path][role]


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_for_everyone(client_for, service, publish, role):
    old, new = publish(service), publish(service)
    client = client_for(role)
    for path in ("/declarations/", f"/declarations/{service.slug}",
                 f"/declarations/{service.slug}/history",
                 f"/declarations/{service.slug}/history/{old.id}",
                 f"/declarations/{service.slug}/history/diff?a={old.id}&b={new.id}",
                 f"/declarations/{service.slug}/charts/kept.svg"):  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_a_service_owner_cannot_touch_another_service(app, service, publish, make_user,
                                                      make_service, owner):  # fmt: skip
    """``owner`` owns ``service``; ``other`` belongs to someone else."""
    other = make_service(make_user(Role.service_owner))
    publish(other)
    draft = services.start_draft(other.owners[0], other, "nb")
    services.save_draft(other.owners[0], draft, {}, [services.PromiseInput("Svar i dag.")])
    report = services.report_broken_promise(
        other.owners[0], other, db.session.scalar(sa.select(DeclarationVersion).where(
            DeclarationVersion.service_id == other.id,
            DeclarationVersion.status == VersionStatus.published)).promises[0].id,
        "Brutt", today(), "Per", "per@roros.example", "nb",
    )  # fmt: skip
    db.session.commit()
    client = login(app.test_client(), owner)
    base = "/declarations/manage"
    for path in (f"{base}/services/{other.id}", f"{base}/versions/{draft.id}",
                 f"{base}/versions/{draft.id}/discard", f"{base}/reports/{report.id}",
                 f"{base}/reports/{report.id}/close", f"{base}/services/{other.id}/edit",
                 f"{base}/versions/{draft.id}/publish"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    for path, data in ((f"{base}/versions/{draft.id}", {**DRAFT, "save": "1"}),
                       (f"{base}/versions/{draft.id}/submit", {}),
                       (f"{base}/versions/{draft.id}/discard", {}),
                       (f"{base}/services/{other.id}/drafts", {"language": "nn"}),
                       (f"{base}/reports/{report.id}/acknowledge", {}),
                       (f"{base}/reports/{report.id}/answer", {"answer": "Hei"}),
                       (f"{base}/reports/{report.id}/close", {})):  # fmt: skip
        assert submit(client, path, data).status_code == 403, path
    db.session.refresh(report)
    db.session.refresh(draft)
    assert (report.status, report.answer, draft.status) == (ReportStatus.new, None,
                                                            VersionStatus.draft)  # fmt: skip
    page = client.get(f"{base}/").get_data(as_text=True)
    assert report.reference not in page
    assert service.name in page
    assert client.get(f"{base}/services/{service.id}").status_code == 200


def test_overdue_reports_are_highlighted(app, service, publish, owner):
    promise_id = publish(service).promises[0].id
    report = services.report_broken_promise(owner, service, promise_id, "Brutt", today(), None,
                                            "a@roros.example", "nb")  # fmt: skip
    report.due_on = today() - timedelta(days=1)
    db.session.commit()
    client = login(app.test_client(), owner)
    page = client.get("/declarations/manage/").get_data(as_text=True)
    assert 'class="overdue"' in page
    assert "over fristen" in page
    assert "Svarfristen var" in client.get(f"/declarations/manage/reports/{report.id}").get_data(
        as_text=True
    )
    report.due_on = today()
    db.session.commit()
    assert 'class="overdue"' not in client.get("/declarations/manage/").get_data(as_text=True)


# --- hostile input ------------------------------------------------------------------------


def _safe(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_every_field(app, unit, admin, service, publish, owner, value):
    version = publish(service)
    promise_id = version.promises[0].id
    a = login(app.test_client(), admin)
    form = {"name": "Renovasjon", "slug": "renovasjon", "unit_id": str(unit.id),
            "description": "", "active": "1"}  # fmt: skip
    for field in ("name", "slug", "description"):
        response = submit(a, "/declarations/manage/services/new", {**form, field: value})
        assert response.status_code in {200, 302}
        _safe(response.get_data(as_text=True))
        if must_be_refused(value):
            assert "kontrolltegn" in response.get_data(as_text=True)
    draft = services.start_draft(owner, service, "nn")
    db.session.commit()
    o = login(app.test_client(), owner)
    edit = f"/declarations/manage/versions/{draft.id}"
    for field in ("about", "audience", "expectations", "price", "complaints", "contact",
                  "promises-0-text", "promises-0-target_value"):  # fmt: skip
        response = submit(o, edit, {**DRAFT, field: value, "save": "1"})
        assert response.status_code in {200, 302}
        html = o.get(edit).get_data(as_text=True) if response.status_code == 302 else (
            response.get_data(as_text=True))  # fmt: skip
        _safe(html)
        if must_be_refused(value) and field != "promises-0-target_value":
            assert "kontrolltegn" in html, field
    visitor = app.test_client()
    path = f"/declarations/{service.slug}"
    forms = [("f-comment", _feedback(promise_id))]
    forms += [(field, _report(promise_id)) for field in ("r-description", "r-name", "r-email")]
    for field, data in forms:
        response = submit(visitor, path + ("/feedback" if field[0] == "f" else "/report"),
                          {**data, field: value})  # fmt: skip
        assert response.status_code in {302, 400}
        _safe(response.get_data(as_text=True))
        if must_be_refused(value):
            assert response.status_code == 400
            assert "kontrolltegn" in response.get_data(as_text=True)
    for report in db.session.scalars(sa.select(Report)).all():
        page = o.get(f"/declarations/manage/reports/{report.id}")
        _safe(page.get_data(as_text=True))
        response = submit(o, f"/declarations/manage/reports/{report.id}/answer", {"answer": value})
        assert response.status_code in {302, 400}
        _safe(o.get(f"/declarations/manage/reports/{report.id}").get_data(as_text=True))
    for page in ("/declarations/", path, f"{path}/history", "/declarations/manage/"):
        response = o.get(page)
        assert response.status_code == 200
        _safe(response.get_data(as_text=True))
    for query in ({"lang": value}, {"promise": value}, {"a": value, "b": value}):
        assert visitor.get(path, query_string=query).status_code == 200
        assert visitor.get(f"{path}/history/diff", query_string=query).status_code in {200, 400}
    assert visitor.get("/declarations/manage/", query_string={"status": value}).status_code == 302
    assert o.get("/declarations/manage/", query_string={"status": value}).status_code == 200


def test_marking_a_declaration_reviewed(app, service, publish, owner, make_user):
    version = publish(service)
    version.reviewed_on = today() - timedelta(days=400)
    db.session.commit()
    resident = login(app.test_client(), make_user(Role.resident))
    path = f"/declarations/manage/versions/{version.id}/reviewed"
    assert submit(resident, path).status_code == 403
    report = services.report_broken_promise(
        owner, service, version.promises[0].id, "Brutt", today(), None, None, "nb"
    )
    db.session.commit()
    assert resident.get(f"/declarations/manage/reports/{report.id}").status_code == 403
    assert resident.get(f"/declarations/manage/reports/{report.id + 1}").status_code == 404
    client = login(app.test_client(), owner)
    assert client.get(f"/declarations/manage/reports/{report.id}").status_code == 200
    assert submit(client, path).status_code == 302
    db.session.refresh(version)
    assert version.reviewed_on == today()
    page = app.test_client().get(f"/declarations/{service.slug}").get_data(as_text=True)
    assert "sist gjennomgått" in page
    draft = services.start_draft(owner, service, "nb")
    db.session.commit()
    submit(client, f"/declarations/manage/versions/{draft.id}/reviewed")
    db.session.refresh(draft)
    assert draft.reviewed_on is None


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 60}])
def test_a_declaration_page_is_the_same_for_every_visitor(app, service, publish):
    """The page carries no form (no CSRF token, no session cookie), so a proxy may keep it;
    the forms are on pages of their own, the promise chosen from the link."""
    promise = publish(service).promises[1]
    visitor = app.test_client()
    page = visitor.get(f"/declarations/{service.slug}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in page.headers
    html = page.get_data(as_text=True)
    assert "csrf_token" not in html
    link = f"/declarations/{service.slug}/feedback?promise={promise.id}"
    assert link in html
    form = visitor.get(link).get_data(as_text=True)
    assert f'<option selected value="{promise.id}">' in form
    assert "csrf_token" in form
    report = visitor.get(f"/declarations/{service.slug}/report")
    assert report.status_code == 200
    assert 'name="r-description"' in report.get_data(as_text=True)


def test_a_refused_answer_shows_its_form_again_with_what_was_written(app, service, publish):
    promise_id = publish(service).promises[0].id
    visitor = app.test_client()
    data = {**_report(promise_id), "r-email": "ikke-epost", "r-description": "Ingen kom, 3 uker."}
    response = submit(visitor, f"/declarations/{service.slug}/report", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ingen kom, 3 uker." in html
    assert 'id="error-summary"' in html


def test_the_lists_rows_follow_their_figures_language_and_escape_names(
    app, make_service, owner, publish
):
    """The list writes each row once per its figures and language: a new answer shows at
    once, each language gets its own row, and a name is escaped like any other text."""
    from flask_login import AnonymousUserMixin

    service = make_service(owner, name="<b>Byggesak & plan</b>")
    promise_id = publish(service).promises[0].id
    visitor = AnonymousUserMixin()

    def row(language: str = "nb") -> str:
        page = _page(app, "/declarations/", language)
        return next(r for r in page.split("<tr>") if service.slug in r)

    services.give_feedback(visitor, service, promise_id, True, None)
    db.session.commit()
    assert "&lt;b&gt;Byggesak &amp; plan&lt;/b&gt;" in row()
    first = row()
    assert "100,0 %" in first
    assert "(1 svar)" in first
    services.give_feedback(visitor, service, promise_id, False, None)
    db.session.commit()
    second, english = row(), row("en")
    assert "50,0 %" in second
    assert "(2 svar)" in second
    assert "50.0 %" in english
    assert "(2 answers)" in english
    assert row() == second


def test_the_promise_list_starts_with_a_placeholder(app, service, publish):
    """Nothing is chosen for the reader: a required list starts with "Velg et løfte", unless
    the link named the promise; sent without a choice, the form says to choose one, once."""
    version = publish(service)
    client = app.test_client()
    path = f"/declarations/{service.slug}"
    page = client.get(f"{path}/feedback").get_data(as_text=True)
    select = page.split("<select")[1].split("</select>")[0]
    assert " required>" in select
    assert '<option selected value="">Velg et løfte</option>' in select
    promise_id = version.promises[1].id
    page = client.get(f"{path}/report?promise={promise_id}").get_data(as_text=True)
    assert f'<option selected value="{promise_id}">' in page
    assert '<option value="">Velg et løfte</option>' in page
    response = submit(client, f"{path}/feedback", _feedback(promise_id, **{"f-promise_id": ""}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Velg et løfte.") == 2  # the summary and the field
    assert "Velg et av alternativene" not in html
    assert '<option selected value="">Velg et løfte</option>' in html
