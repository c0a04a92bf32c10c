"""One-click signing in front of Flask (app.proposals.signing): the same requests answered
both ways give the same answer, and everything but the common signature is Flask's."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

import flask
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.core.models import MunicipalitySettings
from app.core.settings import invalidate_settings
from app.extensions import db
from app.proposals import rules, services
from app.proposals.models import Signature
from tests.conftest import csrf_token, login, outbox


@pytest.fixture
def answered_by_flask(app):
    """The paths Flask dispatched during the test (the path in front of Flask sends no
    request_started)."""
    paths: list[str] = []

    def started(sender, **_extra):  # type: ignore[no-untyped-def]
        paths.append(flask.request.path)

    flask.request_started.connect(started, app)
    yield paths
    flask.request_started.disconnect(started, app)


def _twin(app: flask.Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding the same cookies (the same session) as ``client``."""
    twin = app.test_client()
    twin.environ_base.update(client.environ_base)
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            twin.set_cookie(name, cookie.value)
    return twin


def _session_of(app: flask.Flask, response) -> dict:  # type: ignore[no-untyped-def]
    """The session in the response's Set-Cookie, and the cookie's attributes."""
    cookie = response.headers["Set-Cookie"]
    value, _, attributes = cookie.partition("; ")
    serializer = app.session_interface.get_signing_serializer(app)
    return {"values": serializer.loads(value.split("=", 1)[1]), "attributes": attributes}


def _compare(app, front, behind, front_id: int, behind_id: int) -> None:  # type: ignore[no-untyped-def]
    """The answer in front of Flask and Flask's, for two proposals alike but for their ids."""
    same = lambda text, pid: text.replace(f"/proposals/{pid}", "/proposals/<id>")  # noqa: E731
    assert front.status == behind.status == "302 FOUND"
    headers = lambda r, pid: sorted(  # noqa: E731
        (name, same(value, pid)) for name, value in r.headers
        if name not in ("Set-Cookie", "Content-Length")
    )  # fmt: skip
    assert headers(front, front_id) == headers(behind, behind_id)
    assert same(front.get_data(as_text=True), front_id) == same(
        behind.get_data(as_text=True), behind_id
    )
    assert _session_of(app, front) == _session_of(app, behind)
    assert [n for n, _ in front.headers] == [n for n, _ in behind.headers]  # and in order


def _signature(proposal_id: int, user_id: int) -> tuple:  # type: ignore[type-arg]
    row = db.session.execute(
        sa.select(Signature.full_name, Signature.postal_code, Signature.birth_year,
                  Signature.notify, Signature.struck_at)
        .where(Signature.proposal_id == proposal_id, Signature.user_id == user_id)
    ).one()  # fmt: skip
    return tuple(row)


def _flask_only(app: flask.Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app.inner)


@pytest.mark.parametrize("notify", [None, "y", "on", "false", ""])
@pytest.mark.parametrize("language", ["nb", "nn", None])
def test_a_signature_in_front_of_flask_is_the_one_flask_makes(
    app, open_proposal, resident, answered_by_flask, monkeypatch, notify, language
):
    first, second = open_proposal(), open_proposal()
    signer = resident(language=language, birth_year=2011)
    client = login(app.test_client(), signer)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nn-NO,nn;q=0.9"
    data = {"csrf_token": csrf_token(client, f"/proposals/{first.id}")}
    if notify is not None:
        data["notify"] = notify
    twin = _twin(app, client)
    answered_by_flask.clear()

    front = client.post(f"/proposals/{first.id}/sign", data=data)
    assert answered_by_flask == []
    _flask_only(app, monkeypatch)
    behind = twin.post(f"/proposals/{second.id}/sign", data=data)
    assert answered_by_flask == [f"/proposals/{second.id}/sign"]

    _compare(app, front, behind, first.id, second.id)
    assert _signature(first.id, signer.id) == _signature(second.id, signer.id)
    assert _signature(first.id, signer.id)[3] is (notify not in (None, "false", ""))
    db.session.expire_all()
    assert first.signature_count == second.signature_count == 1
    thanks = "Takk! Underskrifta di er registrert." if language in ("nn", None) else (
        "Takk! Underskriften din er registrert."
    )  # fmt: skip
    assert _session_of(app, front)["values"]["_flashes"] == [("success", thanks)]
    monkeypatch.undo()
    page = client.get(front.location).get_data(as_text=True)  # the cookie opens in Flask
    assert thanks in page


def test_the_way_back_follows_the_script_name(app, open_proposal, resident, answered_by_flask,
                                              monkeypatch):  # fmt: skip
    first, second = open_proposal(), open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{first.id}")
    twin = _twin(app, client)
    base = "http://localhost/medvirke"
    answered_by_flask.clear()
    front = client.post(f"/proposals/{first.id}/sign", base_url=base, data={"csrf_token": token})
    assert front.location == f"/medvirke/proposals/{first.id}"
    _flask_only(app, monkeypatch)
    behind = twin.post(f"/proposals/{second.id}/sign", base_url=base, data={"csrf_token": token})
    assert answered_by_flask == [f"/proposals/{second.id}/sign"]
    _compare(app, front, behind, first.id, second.id)


def test_over_https_the_referrer_must_be_this_site(app, open_proposal, resident,
                                                   answered_by_flask):  # fmt: skip
    """Flask-WTF's strict check over HTTPS: without a Referer from this host Flask refuses
    the form (400); with one, the signature is made in front of Flask."""
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    path, base = f"/proposals/{proposal.id}/sign", "https://localhost"
    answered_by_flask.clear()
    for referrer in (None, "https://elsewhere.example/", "http://localhost/"):
        headers = {"Referer": referrer} if referrer else {}
        response = client.post(path, base_url=base, headers=headers, data={"csrf_token": token})
        assert response.status_code == 400
    assert answered_by_flask == [path] * 3
    answered_by_flask.clear()
    response = client.post(path, base_url=base, headers={"Referer": "https://localhost/p"},
                           data={"csrf_token": token})  # fmt: skip
    assert response.status_code == 302
    assert answered_by_flask == []
    db.session.expire_all()
    assert proposal.signature_count == 1


def test_a_host_not_trusted_is_flasks_to_refuse(app, open_proposal, resident,
                                                answered_by_flask, monkeypatch):  # fmt: skip
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["medvirke.example"])
    answered_by_flask.clear()
    path = f"/proposals/{proposal.id}/sign"
    response = client.post(path, data={"csrf_token": token})  # Host: localhost
    assert response.status_code == 400
    assert response.mimetype == "text/plain"  # the error page has no links to make for it
    assert "Noe var galt med forespørselen" in response.get_data(as_text=True)
    assert answered_by_flask == [path]
    db.session.expire_all()
    assert proposal.signature_count == 0


def _another_browser(client: FlaskClient) -> None:
    client.environ_base["HTTP_USER_AGENT"] = "En annen nettleser"


def _remember_me(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["_remember"] = "set"
        session["_remember_seconds"] = 3600


#: (what is different, what changes the client, the form, where the answer sends the browser,
#: signatures counted). Each is Flask's to answer.
FLASK_ANSWERS: list[tuple[str, Callable[[FlaskClient], None] | None, str, str | int, int]] = [
    ("another browser", _another_browser, "token", "/proposals/", 1),
    ("a remember-me cookie to set", _remember_me, "token", "/proposals/", 1),
    ("no token in the form", None, "", 400, 0),
    ("a forged token", None, "forged", 400, 0),
    ("the token in a header", None, "header", "/proposals/", 1),
    ("a multipart form", None, "multipart", "/proposals/", 1),
]


@pytest.mark.parametrize(("case", "change", "form", "answer", "counted"), FLASK_ANSWERS,
                         ids=[c[0] for c in FLASK_ANSWERS])  # fmt: skip
def test_what_is_not_the_common_signature_flask_answers(
    app, open_proposal, resident, answered_by_flask, case, change, form, answer, counted
):
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    if change:
        change(client)
    path = f"/proposals/{proposal.id}/sign"
    answered_by_flask.clear()
    if form == "header":
        response = client.post(path, headers={"X-CSRFToken": token}, data={"notify": "y"})
    elif form == "multipart":
        response = client.post(path, data={"csrf_token": token}, content_type="multipart/form-data")
    else:
        response = client.post(path, data={"csrf_token": token if form == "token" else form})
    assert answered_by_flask == [path]
    if isinstance(answer, int):
        assert response.status_code == answer
    else:
        assert response.location.endswith(f"/proposals/{proposal.id}")
    if case == "a remember-me cookie to set":
        assert "remember_token=" in str(response.headers.getlist("Set-Cookie"))
    db.session.expire_all()
    assert proposal.signature_count == counted


def test_refusals_are_explained_by_flask(app, open_proposal, resident, make_user,
                                         answered_by_flask):  # fmt: skip
    """Signed already, closed, no such proposal, not ready, a deactivated account: rolled
    back in front of Flask, and the route answers as it always has."""
    from app.core.permissions import Role

    proposal, closed = open_proposal(), open_proposal()
    closed.campaign_ends_on = rules.today() - timedelta(days=1)
    db.session.commit()
    signer = resident()
    client = login(app.test_client(), signer)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    answered_by_flask.clear()
    sign = lambda c, pid, **kw: c.post(f"/proposals/{pid}/sign", data={"csrf_token": token}, **kw)  # noqa: E731
    assert sign(client, proposal.id).status_code == 302
    assert answered_by_flask == []
    page = sign(client, proposal.id, follow_redirects=True).get_data(as_text=True)
    assert "allerede skrevet under" in page
    page = sign(client, closed.id, follow_redirects=True).get_data(as_text=True)
    assert "samler ikke inn underskrifter" in page
    assert sign(client, 999_999).status_code == 404
    assert sign(client, "0" + str(proposal.id)).status_code in (302, 404)  # Flask's spelling
    assert answered_by_flask[:4] == [
        f"/proposals/{proposal.id}/sign", f"/proposals/{proposal.id}",
        f"/proposals/{closed.id}/sign", f"/proposals/{closed.id}",
    ]  # fmt: skip
    assert "/proposals/999999/sign" in answered_by_flask

    unready = login(app.test_client(), make_user(Role.resident, postal_code=None))
    token = csrf_token(unready, f"/proposals/{proposal.id}")
    assert sign(unready, proposal.id).location.endswith("/account")
    gone = resident()
    client = login(app.test_client(), gone)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    gone.active = False
    db.session.commit()
    assert "/auth/login" in sign(client, proposal.id).location
    db.session.expire_all()
    assert (proposal.signature_count, closed.signature_count) == (1, 0)


@pytest.mark.parametrize("body", [b"csrf_token=%FF%FE", b"\xff\xfe=1", b"x" * 3000])
def test_a_body_that_is_not_a_small_form_goes_to_flask(app, open_proposal, resident,
                                                       answered_by_flask, body):  # fmt: skip
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    csrf_token(client, f"/proposals/{proposal.id}")
    path = f"/proposals/{proposal.id}/sign"
    answered_by_flask.clear()
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert answered_by_flask == [path]
    assert response.status_code == 400
    db.session.expire_all()
    assert proposal.signature_count == 0


def test_an_error_in_front_of_flask_is_rolled_back_and_flask_answers(
    app, open_proposal, resident, answered_by_flask, monkeypatch, caplog
):
    """Nothing is done twice: the first try fails after the signature was written, is
    rolled back, and the route signs once."""
    proposal = open_proposal()
    signer = resident()
    client = login(app.test_client(), signer)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    real, calls = services.sign, []
    answered_by_flask.clear()

    def failing_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        calls.append(result)
        if len(calls) == 1:
            raise RuntimeError("the disk is full")
        return result

    monkeypatch.setattr(services, "sign", failing_once)
    with caplog.at_level(logging.ERROR, logger="app.proposals.signing"):
        response = client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert "the disk is full" in caplog.text
    assert answered_by_flask == [f"/proposals/{proposal.id}/sign"]
    assert response.location.endswith(f"/proposals/{proposal.id}")
    assert len(calls) == 2
    db.session.expire_all()
    assert proposal.signature_count == 1
    count = sa.select(sa.func.count()).select_from(Signature)
    assert db.session.scalar(count.where(Signature.user_id == signer.id)) == 1


def test_the_initiator_hears_of_the_threshold_from_a_signature_in_front(
    app, open_proposal, resident, answered_by_flask
):
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = 50  # threshold 1
    db.session.commit()
    invalidate_settings()
    author = resident(name="Anne Initiativ")
    proposal = open_proposal(author)
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    answered_by_flask.clear()
    client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert answered_by_flask == []
    mails = [m for m in outbox(author.email) if m.template == "proposal_threshold"]
    assert len(mails) == 1
    assert re.search(rf"/proposals/{proposal.id}\b", mails[0].body_text)
    db.session.expire_all()
    assert proposal.threshold_reached_at is not None


def test_a_referrer_that_cannot_be_read_is_flasks(app, open_proposal, resident,
                                                  answered_by_flask):  # fmt: skip
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    answered_by_flask.clear()
    path = f"/proposals/{proposal.id}/sign"
    client.post(path, base_url="https://localhost", headers={"Referer": "https://localhost:x/"},
                data={"csrf_token": token})  # fmt: skip
    assert answered_by_flask == [path]
    db.session.expire_all()
    assert proposal.signature_count == 0


def test_once_signed_the_answer_is_the_redirect(app, open_proposal, resident, answered_by_flask,
                                                caplog):  # fmt: skip
    """A failure after the commit (a message_flashed receiver) does not send the request on
    to Flask, which would try to sign again."""
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    answered_by_flask.clear()

    def broken(sender, **_extra):  # type: ignore[no-untyped-def]
        raise RuntimeError("receiver failed")

    flask.message_flashed.connect(broken, app)
    try:
        response = client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    finally:
        flask.message_flashed.disconnect(broken, app)
    assert response.status_code == 302
    assert answered_by_flask == []
    assert "receiver failed" in caplog.text
    db.session.expire_all()
    assert proposal.signature_count == 1


def test_a_remember_cookie_renewed_on_every_request_is_flasks(
    app, open_proposal, resident, answered_by_flask, monkeypatch
):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_REFRESH_EACH_REQUEST", True)
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")
    answered_by_flask.clear()
    client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert answered_by_flask == [f"/proposals/{proposal.id}/sign"]
    db.session.expire_all()
    assert proposal.signature_count == 1
