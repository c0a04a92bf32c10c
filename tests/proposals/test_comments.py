"""Comments under a proposal: write, report, hide and restore with a reason."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from app.proposals.models import Comment, CommentReport
from tests.conftest import PASSWORD, ROLES, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused


def _comment(app, proposal, user, body="Godt forslag! **Enig.**"):
    client = login(app.test_client(), user)
    return client, submit(client, f"/proposals/{proposal.id}/comments", {"body": body})


def test_confirmed_resident_comments_and_markdown_is_rendered(app, open_proposal, resident):
    proposal = open_proposal()
    _, response = _comment(app, proposal, resident(name="Kari Kommentar"))
    assert response.status_code == 302
    page = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<strong>Enig.</strong>" in page
    assert "Kari Kommentar" in page


def test_unconfirmed_and_anonymous_cannot_comment(app, open_proposal, make_user):
    proposal = open_proposal()
    _comment(app, proposal, make_user(confirmed=False))
    anonymous = app.test_client()
    response = submit(anonymous, f"/proposals/{proposal.id}/comments", {"body": "Hei"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_report_hide_and_restore(app, open_proposal, resident, make_user):
    proposal = open_proposal()
    _comment(app, proposal, resident(), body="Et stygt personangrep")
    comment = db.session.scalar(sa.select(Comment))
    reporter = login(app.test_client(), resident())
    for _ in range(2):  # reporting twice counts once
        submit(reporter, f"/proposals/comments/{comment.id}/report", {"reason": "Sjikane"})
    db.session.refresh(comment)
    assert comment.open_reports == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentReport)) == 1

    moderator = login(app.test_client(), make_user(Role.committee))
    assert "Et stygt personangrep" in moderator.get("/proposals/comments").get_data(as_text=True)
    no_reason = submit(moderator, f"/proposals/comments/{comment.id}/hide", {"reason": ""})
    assert no_reason.status_code == 302
    db.session.refresh(comment)
    assert comment.hidden_at is None
    submit(moderator, f"/proposals/comments/{comment.id}/hide", {"reason": "Personangrep"})
    page = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Et stygt personangrep" not in page
    assert "Personangrep" in page
    submit(moderator, f"/proposals/comments/{comment.id}/restore", {"reason": "Feilvurdering"})
    assert "Et stygt personangrep" in app.test_client().get(f"/proposals/{proposal.id}").get_data(
        as_text=True
    )
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["comment.hidden", "comment.restored"]


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_moderate(client_for, open_proposal, resident, app, role):
    proposal = open_proposal()
    _comment(app, proposal, resident())
    comment = db.session.scalar(sa.select(Comment))
    client = client_for(role)
    listing = client.get("/proposals/comments").status_code
    hide = submit(client, f"/proposals/comments/{comment.id}/hide", {"reason": "x"}).status_code
    db.session.refresh(comment)
    if role in ("committee", "admin"):
        assert listing == 200
        assert comment.hidden_at is not None
    else:
        assert listing in {302, 403}
        assert hide in {302, 403}
        assert comment.hidden_at is None


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_comments(app, open_proposal, resident, value):
    proposal = open_proposal()
    client, response = _comment(app, proposal, resident(), body=value)
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}", follow_redirects=True).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img" not in page  # shown as text, never as markup
    stored = db.session.scalar(sa.select(Comment.body))
    if must_be_refused(value) or not value.strip() or len(value.strip()) > 5000:
        assert stored is None
    else:
        assert stored == value.strip()


def test_deleting_an_account_keeps_the_comment_as_deleted_user(app, open_proposal, resident):
    proposal = open_proposal()
    writer = resident(name="Petter Sletter")
    client, _ = _comment(app, proposal, writer, body="Jeg er for.")
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert data["proposals"]["comments"][0]["text"] == "Jeg er for."
    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    page = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Jeg er for." in page
    assert "Petter Sletter" not in page
    assert "slettet bruker" in page
