"""Account pages through the test client, with CSRF on."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.core.models import AuditEntry
from app.core.permissions import Role, confirmed_required
from app.extensions import db
from tests.conftest import PASSWORD, ROLES, csrf_token, login, mail_text, outbox, submit


def _link(mail_body: str, part: str) -> str:
    url = next(line.strip() for line in mail_body.splitlines() if part in line)
    return url.replace("http://localhost", "")


def test_journey_register_confirm_login_nynorsk_logout(client):
    """Through the real forms with CSRF: register, confirm by mail, log in, nynorsk, log out."""
    response = submit(
        client,
        "/auth/register",
        {
            "name": "Siri Sjøvold",
            "email": "siri@roros.example",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "siri@roros.example" in client.get(response.location).get_data(as_text=True)

    [mail] = outbox("siri@roros.example")
    assert mail.status == "sent"
    link = _link(mail.body_text, "/auth/confirm/")
    asked = client.get(link, follow_redirects=True)  # the link asks for the password first
    assert "Logg inn for å bekrefte e-postadressen" in asked.get_data(as_text=True)
    response = submit(
        client, f"/auth/login?next={link}", {"email": "siri@roros.example", "password": PASSWORD}
    )
    assert response.location == link
    confirm = client.get(link, follow_redirects=True)
    assert "E-postadressen din er bekreftet" in confirm.get_data(as_text=True)
    page = client.get("/account").get_data(as_text=True)
    assert "Min konto" in page
    assert "siri@roros.example" in page

    response = client.get("/language/nn?next=/account")
    assert response.location.endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="nn">' in page
    assert "Kontoen min" in page  # Nynorsk, not Bokmål
    assert "Min konto" not in page
    assert db.session.scalar(sa.select(User.language)) == "nn"

    response = submit(client, "/auth/logout")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # logged out: sent to log in


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user(email="known@roros.example")
    wrong = submit(client, "/auth/login", {"email": "known@roros.example", "password": "x" * 12})
    unknown = submit(client, "/auth/login", {"email": "nobody@roros.example", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 200

    def message(response):  # the page minus the CSRF token, which differs per request
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert message(wrong) == message(unknown)
    assert "Feil e-postadresse eller passord" in message(wrong)


def test_registering_a_known_email_looks_the_same_as_a_new_one(client, make_user):
    make_user(email="taken@roros.example")
    data = {"name": "X", "password": PASSWORD, "password_confirm": PASSWORD}
    known = submit(client, "/auth/register", {**data, "email": "taken@roros.example"})
    fresh = submit(client, "/auth/register", {**data, "email": "fresh@roros.example"})
    assert known.status_code == fresh.status_code == 302
    assert known.location == fresh.location


def test_register_validation_messages(client):
    response = submit(
        client,
        "/auth/register",
        {"name": "", "email": "ikke-epost", "password": "kort", "password_confirm": "annet"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skriv inn fullt navn" in html
    assert "gyldig e-postadresse" in html
    assert "mellom 10 og 200 tegn" in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.own_app
def test_unconfirmed_user_can_log_in_but_is_told_why_they_cannot_take_part(app, make_user):
    @app.get("/test-take-part")
    @confirmed_required
    def take_part():  # type: ignore[no-untyped-def]
        return "ok"

    client = app.test_client()
    make_user(email="new@roros.example", confirmed=False)
    response = submit(client, "/auth/login", {"email": "new@roros.example", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "ikke bekreftet e-postadressen" in page
    response = client.get("/test-take-part", follow_redirects=True)
    assert "bekrefte e-postadressen din før du kan delta" in response.get_data(as_text=True)

    confirmed = login(app.test_client(), make_user(email="ok@roros.example"))
    assert confirmed.get("/test-take-part").get_data(as_text=True) == "ok"


def test_resend_confirmation(client, make_user):
    login(client, make_user(email="again@roros.example", confirmed=False))
    response = submit(client, "/account/confirm")
    assert response.status_code == 302
    assert [m.template for m in outbox("again@roros.example")] == ["confirm_email"]


def test_mail_to_an_unconfirmed_address_repeats_no_name_anyone_typed(client):
    """Whoever registers a stranger's address must not get their words mailed to it: not
    in the confirmation, nor in the mails a second registration and a reset request send."""
    spam = ["Vinn en iPhone på svindel.example", "Ring 815 00 000 nå"]
    for name in spam:
        response = submit(
            client,
            "/auth/register",
            {
                "name": name,
                "email": "offer@roros.example",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
            },
        )
        assert response.status_code == 302
    assert submit(client, "/auth/reset", {"email": "offer@roros.example"}).status_code == 302
    mails = outbox("offer@roros.example")
    assert [m.template for m in mails] == ["confirm_email", "already_registered", "reset_password"]
    for mail in mails:
        for name in spam:
            assert name not in mail_text(mail), mail.template
        assert mail.body_text.startswith("Hei!")


def test_deactivated_account_cannot_log_in(client, make_user):
    make_user(email="closed@roros.example", active=False)
    response = submit(
        client, "/auth/login", {"email": "closed@roros.example", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Kontoen er stengt" in response.get_data(as_text=True)


def test_deactivated_account_loses_its_session(client, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/account").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_password_reset_journey(client, make_user):
    make_user(email="glemt@roros.example")
    response = submit(client, "/auth/reset", {"email": "glemt@roros.example"})
    assert response.status_code == 302
    link = _link(outbox("glemt@roros.example")[0].body_text, "/auth/reset/")
    assert client.get(link).status_code == 200
    response = submit(
        client, link, {"password": "nytt passord 2026", "password_confirm": "nytt passord 2026"}
    )
    assert response.status_code == 302
    response = submit(
        client, "/auth/login", {"email": "glemt@roros.example", "password": "nytt passord 2026"}
    )
    assert response.status_code == 302
    # the link is used up
    assert client.get(link).status_code == 302


def test_reset_for_unknown_email_says_the_same(client):
    response = submit(
        client, "/auth/reset", {"email": "ukjent@roros.example"}, follow_redirects=True
    )
    assert "Hvis adressen er registrert" in response.get_data(as_text=True)
    [mail] = outbox("ukjent@roros.example")  # the same work as for a known address: one mail
    assert mail.template == "reset_unknown"
    assert "ingen aktiv konto" in mail.body_text
    assert "/auth/reset/" not in mail.body_text  # and no reset link


def test_reset_does_the_same_work_for_a_known_and_an_unknown_address(client, make_user):
    """The answer's time must not tell whether an address is registered: both paths render
    and queue one mail (counted, not timed)."""
    make_user(email="kjent@roros.example")
    for address in ("kjent@roros.example", "ukjent@roros.example", "stengt@roros.example"):
        submit(client, "/auth/reset", {"email": address})
    make_user(email="stengt@roros.example", active=False)
    submit(client, "/auth/reset", {"email": "stengt@roros.example"})
    assert [m.template for m in outbox("kjent@roros.example")] == ["reset_password"]
    assert [m.template for m in outbox("ukjent@roros.example")] == ["reset_unknown"]
    assert [m.template for m in outbox("stengt@roros.example")][-1] == "reset_unknown"


def test_account_update(client, make_user):
    user = make_user()
    login(client, user)
    response = submit(
        client,
        "/account",
        {"name": "Kari Nordmann", "postal_code": "7374", "birth_year": "1990", "language": "en"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.postal_code, user.birth_year, user.language) == ("7374", 1990, "en")
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "123", "fire sifre"),
        ("postal_code", "abcd", "fire sifre"),
        ("birth_year", "1850", "mellom 1900 og i år"),
        ("birth_year", "3000", "mellom 1900 og i år"),
        ("birth_year", "nittenåtti", "helt tall"),
        ("name", "", "fullt navn"),
    ],
)
def test_account_refuses_bad_input_with_a_message(client, make_user, field, value, message):
    user = make_user(postal_code="7374")
    login(client, user)
    data = {"name": "Kari", "postal_code": "7374", "birth_year": "", "language": "nb"}
    response = submit(client, "/account", {**data, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.postal_code == "7374"
    assert user.name == "Kari Nordmann"


def test_login_is_rate_limited_with_a_friendly_page(client):
    token = csrf_token(client)
    statuses = [
        client.post(
            "/auth/login",
            data={"csrf_token": token, "email": "a@roros.example", "password": "x" * 12},
        ).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429
    page = client.post("/auth/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "For mange forsøk" in page


def test_login_redirects_only_within_the_site(client, make_user):
    make_user(email="next@roros.example")
    data = {"email": "next@roros.example", "password": PASSWORD}
    response = submit(client, "/auth/login?next=https://evil.example/", data)
    assert response.location == "/"
    client.get("/")  # keep the session
    response = submit(client, "/auth/login?next=/account", data)
    assert response.location == "/account"


def test_accept_language_and_default(client):
    assert '<html lang="nb">' in client.get("/").get_data(as_text=True)
    for header, lang in [("en-GB,en;q=0.9", "en"), ("nn-NO", "nn"), ("no", "nb"), ("de", "nb")]:
        html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, header


def test_language_chooser_remembered_in_session_for_visitors(client):
    client.get("/language/en?next=/privacy")
    html = client.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Privacy statement" in html


def test_dates_are_shown_in_oslo_time(client, make_user):
    from datetime import UTC, datetime

    user = make_user(created_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    login(client, user)
    html = client.get("/account").get_data(as_text=True)
    assert "1. januar 2027" in html  # 00:30 in Oslo


# --- permission matrix -------------------------------------------------------------------


GET_MATRIX = {
    # path: status for anonymous, status for everyone logged in
    "/": (200, 200),
    "/accessibility": (200, 200),
    "/privacy": (200, 200),
    "/healthz": (200, 200),
    "/auth/login": (200, 200),
    "/auth/register": (200, 302),
    "/auth/register/sent": (200, 200),
    "/auth/reset": (200, 200),
    "/language/nn?next=/": (302, 302),
    "/account": (302, 200),
    "/auth/reauth?next=/account": (302, 200),
    "/account/password": (302, 200),
    "/account/sessions/end-all": (302, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(GET_MATRIX))
def test_permission_matrix_get(client_for, role, path):
    expected = GET_MATRIX[path][0 if role == "anonymous" else 1]
    assert client_for(role).get(path).status_code == expected


#: Own data needs a confirmed address (an unconfirmed account may hold someone else's):
#: path -> status for anonymous (to the login), unconfirmed (to /account), the rest
CONFIRMED_MATRIX = {
    "/account/export": (302, 302, 200),
    "/account/delete": (302, 302, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(CONFIRMED_MATRIX))
def test_permission_matrix_own_data(client_for, role, path):
    anonymous, unconfirmed, confirmed = CONFIRMED_MATRIX[path]
    response = client_for(role).get(path)
    expected = {"anonymous": anonymous, "unconfirmed": unconfirmed}.get(role, confirmed)
    assert response.status_code == expected
    if role == "anonymous":
        assert "/auth/login" in response.location
    elif role == "unconfirmed":
        assert response.location.endswith("/account")


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_confirmation_link(client_for, role):
    """The link in the confirmation mail asks who is reading it (the login first, coming
    back to the link); a bad token confirms nothing and sends the reader home, told why."""
    client = client_for(role)
    response = client.get("/auth/confirm/not-a-real-token")
    assert response.status_code == 302
    if role == "anonymous":
        assert response.location == "/auth/login?next=/auth/confirm/not-a-real-token"
    else:
        assert response.location == "/"
        with client.session_transaction() as session:
            assert session.get("_flashes")


POST_MATRIX = {
    "/auth/logout": (302, 302),
    "/account/confirm": (302, 302),
    "/auth/reauth": (302, 200),  # without a password: the page again, with the message
    "/account/password": (302, 200),  # logged in: the form again, with what is missing
    "/account/sessions/1/end": (302, 302),  # someone's or this one's: the account page says
    "/account/sessions/end-all": (302, 302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(POST_MATRIX))
def test_permission_matrix_post(client_for, role, path):
    client = client_for(role)
    response = submit(client, path, {"language": "nb", "next": "/"})
    assert response.status_code == POST_MATRIX[path][0 if role == "anonymous" else 1]
    if path == "/account/confirm" and role == "anonymous":
        assert "/auth/login" in response.location
    assert client.post(path).status_code == 400  # never without a CSRF token


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("unconfirmed", 403),
        ("resident", 403),
        ("committee", 200),
        ("service_owner", 403),
        ("admin", 200),
    ],
)
@pytest.mark.own_app
def test_role_required(app, client_for, role, expected):
    from app.core.permissions import role_required

    @app.get("/test-committee-or-admin")
    @role_required(Role.committee, Role.admin)
    def guarded():  # type: ignore[no-untyped-def]
        return "ok"

    assert client_for(role).get("/test-committee-or-admin").status_code == expected


def test_the_csrf_token_is_renewed_at_login(client, make_user):
    """A token seen before logging in (a planted or shared one) is worthless afterwards."""
    user = make_user(email="ny-token@roros.example")
    before = csrf_token(client)
    form = {"csrf_token": before, "email": user.email, "password": PASSWORD}
    assert client.post("/auth/login", data=form).status_code == 302
    logout = client.post("/auth/logout", data={"csrf_token": before})
    assert client.get("/account").status_code == 200  # the old token logged nobody out
    assert logout.status_code < 500
    after = csrf_token(client)
    assert after != before
    client.post("/auth/logout", data={"csrf_token": after})
    assert client.get("/account").status_code == 302


def test_logins_failures_resets_and_logouts_are_in_the_audit_log(client, make_user):
    """ASVS 7.1: authentication events are logged, never with a password or token."""
    user = make_user(email="logg@roros.example")
    secret = "feil-passord-123"
    submit(client, "/auth/login", {"email": user.email, "password": secret})
    submit(client, "/auth/login", {"email": "ingen@roros.example", "password": secret})
    submit(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    submit(client, "/auth/logout")
    submit(client, "/auth/reset", {"email": user.email})
    token = re.search(r"/auth/reset/(\S+)", outbox(user.email)[-1].body_text).group(1)
    submit(
        client,
        f"/auth/reset/{token}",
        {"password": "nytt-passord-456", "password_confirm": "nytt-passord-456"},
    )
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [(e.action, e.target_id) for e in entries]
    assert actions == [
        ("auth.login_failed", str(user.id)),
        ("auth.login_failed", None),
        ("auth.login", str(user.id)),
        ("auth.logout", str(user.id)),
        ("auth.reset_requested", str(user.id)),
        ("auth.password_changed", str(user.id)),
    ]
    written = repr([(e.actor_label, e.details) for e in entries])
    assert secret not in written
    assert "nytt-passord" not in written
    assert token not in written
    assert "ingen@roros.example" not in written  # an unknown address only as a digest
    assert "address_digest" in entries[1].details
