"""Valid HTML: the Nu HTML Checker over every page of the demo, for each role and language.

The demo is seeded, a test client per role crawls what it can reach (and a few forms sent
empty, to see their error states), and one run of vnu checks it all. Without Java or
node_modules/vnu-jar the tests skip with a reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.core.demo import seed
from app.declarations import services as declaration_services
from app.declarations.models import DeclarationVersion, Service
from app.extensions import db
from app.proposals import services as proposal_services
from app.proposals.models import Proposal, ProposalState
from tests.conftest import csrf_token, login
from tests.htmlcheck import VNU_JAR, Page, crawl, vnu_errors

ROLES = {
    "visitor": None,
    "resident": "innbygger@roros.example",
    "committee": "utvalg@roros.example",
    "service_owner": "tjenesteleder@roros.example",
    "admin": "admin@roros.example",
}


@pytest.fixture
def vnu() -> None:
    if shutil.which("java") is None or not VNU_JAR.exists():
        reason = f"the HTML checker needs java and {VNU_JAR}: make setup"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _posted(client, role: str, language: str, path: str, data: dict[str, str]) -> Page:
    """A form sent with what is in ``data`` (nothing, mostly): the page with its errors."""
    headers = {"Accept-Language": language}
    token = csrf_token(client, "/auth/login")
    response = client.post(path, data={"csrf_token": token, **data}, headers=headers)
    assert response.status_code in (200, 400), (path, response.status_code)
    html = response.get_data(as_text=True)
    return Page(f"POST {path}", role, language, html, response.status_code)


def _demo_with_drafts() -> dict[str, list[str]]:
    """Seed the demo, add what it lacks (a draft proposal whose text has headings, a draft
    declaration), and name the pages no page links to, per role."""
    for _line in seed():
        pass
    resident, owner = _user(ROLES["resident"]), _user(ROLES["service_owner"])
    draft = proposal_services.create_proposal(
        resident,
        title="Lys i lysløypa",
        summary="Lys i lysløypa hele vinteren.",
        body="# Hvorfor\n\nDet er mørkt.\n\n### Hvor\n\nPå Ormhaugen.\n\n## Hva\n\nLys.",
        focus_area=1,
        topic=None,
    )
    service = db.session.scalars(sa.select(Service).order_by(Service.id)).first()
    version = declaration_services.start_draft(owner, service, "en")
    db.session.commit()
    in_review = db.session.scalar(
        sa.select(Proposal.id).where(Proposal.state == ProposalState.in_review)
    )
    versions = db.session.scalars(
        sa.select(DeclarationVersion.id)
        .where(DeclarationVersion.service_id == service.id, DeclarationVersion.id != version.id)
        .order_by(DeclarationVersion.id)
    ).all()
    diff = f"/declarations/{service.slug}/history/diff?a={versions[0]}&b={versions[-1]}"
    staff = [
        f"/declarations/manage/versions/{version.id}",
        f"/declarations/manage/versions/{version.id}/discard",
    ]
    return {
        "visitor": [diff, f"/declarations/{service.slug}/history/diff?a=x&b=y"],
        "resident": [f"/proposals/{draft.id}", f"/proposals/{draft.id}/edit"],
        "committee": [f"/proposals/{in_review}/decide", f"/proposals/{in_review}/reject"],
        "service_owner": staff,
        "admin": [*staff, f"/declarations/manage/versions/{version.id}/publish"],
    }


def test_every_page_of_the_demo_is_valid_html(app, vnu, tmp_path):
    extra = _demo_with_drafts()
    slug = db.session.scalars(sa.select(Service.slug).order_by(Service.id)).first()
    pages: list[Page] = []
    clients = {}
    for role, email in ROLES.items():
        client = clients[role] = app.test_client()
        if email:
            login(client, _user(email))
        # bokmål: a few pages of each kind for each role (what a role sees differs)
        pages += crawl(client, role, "nb", start=[*extra[role], "/"], per_endpoint=2)
    for language in ("nn", "en"):  # each kind of page once, by the first role to reach it
        seen: Counter[str] = Counter()
        for role, client in clients.items():
            pages += crawl(
                client, role, language, start=[*extra[role], "/"], per_endpoint=1, per=seen
            )
    for language in ("nb", "nn", "en"):
        visitor, resident = clients["visitor"], clients["resident"]
        for path in (
            "/auth/register",
            "/auth/login",
            "/auth/reset",
            "/moments/nominate",
            f"/declarations/{slug}/feedback",
            f"/declarations/{slug}/report",
        ):
            pages.append(_posted(visitor, "visitor", language, path, {}))
        pages.append(
            _posted(
                resident,
                "resident",
                language,
                "/proposals/new",
                {
                    "preview": "1",
                    "title": "Benker",
                    "summary": "Flere benker.",
                    "body": "## Hvorfor\n\n#### Detalj\n\nTekst.",
                },
            )
        )
        pages.append(_posted(resident, "resident", language, "/account/password", {}))

    errors = vnu_errors(pages, tmp_path)

    assert not errors, f"vnu found {len(errors)} errors:\n" + "\n".join(errors[:40])
    counts = Counter((page.role, page.language) for page in pages)
    assert all(counts[(role, "nb")] > 40 for role in ROLES), counts  # the crawl got far
    assert len(pages) > 350, len(pages)
    status = {(page.role, page.url): page.status for page in pages if page.language == "nb"}
    missed = [
        (role, path, status.get((role, path)))
        for role in ROLES
        for path in extra[role]
        if status.get((role, path)) not in (200, 400)
    ]
    assert not missed, missed
    assert not [page.url for page in pages if page.status >= 500]


def test_the_checker_reports_what_is_wrong(vnu, tmp_path):
    """A page with the two errors the demo had names both, with its address."""
    html = (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>x</title></head>'
        "<body><main><h1>x</h1><h2>y</h2><h4>z</h4><label for=s>s</label>"
        '<select id="s" name="s" required><option value="1">1</option></select></main></body>'
        "</html>"
    )
    errors = vnu_errors([Page("/broken", "visitor", "nb", html)], tmp_path)

    assert len(errors) == 2, errors
    assert all(error.startswith("visitor nb /broken:1: ") for error in errors)
    assert any("“select”" in error for error in errors)
    assert any("skipping 1 heading level" in error for error in errors)
