"""The outbox over a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.core import mail as mail_module
from app.core.db import utcnow
from app.core.mail import send_outbox
from app.core.models import MailStatus, OutboxMail
from app.extensions import db
from tests.conftest import PASSWORD, outbox, submit

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[email.message.Message]:
        return self.inbox.messages


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(smtp):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def _text(message: email.message.Message) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
    if part is None:
        for p in message.walk():
            if p.get_content_type() == "text/plain":
                part = p
                break
    return part.get_payload(decode=True).decode()


def _register(client, email_address, language):
    client.get(f"/language/{language}")
    return submit(
        client,
        "/auth/register",
        {"name": "Nils Nynorsk", "email": email_address, "password": PASSWORD,
         "password_confirm": PASSWORD},
    )  # fmt: skip


def test_confirmation_mail_arrives_over_smtp_in_the_right_language_with_a_working_link(
    client, smtp
):
    assert _register(client, "nils@roros.example", "nn").status_code == 302
    [message] = smtp.messages
    assert message["To"] == "nils@roros.example"
    assert message["Content-Language"] == "nn"
    assert "Stadfest" in message["Subject"]  # Nynorsk, not "Bekreft"
    body = _text(message)
    link = next(line for line in body.splitlines() if "/auth/confirm/" in line).strip()
    page = client.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert page.status_code == 200
    assert '<html lang="nn">' in page.get_data(as_text=True)
    html_part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert link in html_part.get_payload(decode=True).decode()
    [row] = outbox("nils@roros.example")
    assert row.status == MailStatus.sent
    assert row.sent_at is not None


def test_mail_waits_while_smtp_is_down_and_is_sent_when_it_returns(client, smtp):
    smtp.stop()
    assert _register(client, "kari@roros.example", "nb").status_code == 302  # user not bothered
    [row] = outbox("kari@roros.example")
    assert row.status == MailStatus.pending
    assert row.attempts == 1
    assert row.last_error
    assert row.next_attempt_at > utcnow()

    assert mail_module.deliver_pending() == 0  # not due yet: backoff
    smtp.start()
    later = utcnow() + timedelta(minutes=5)
    assert mail_module.deliver_pending(now=later) == 1
    assert len(smtp.messages) == 1
    assert mail_module.deliver_pending(now=later + timedelta(hours=1)) == 0  # exactly once
    db.session.expire_all()
    assert outbox("kari@roros.example")[0].status == MailStatus.sent


def test_a_rolled_back_request_leaves_no_mail(app, smtp):
    from app.auth import services

    @app.post("/test-register-then-fail")
    def register_then_fail():  # type: ignore[no-untyped-def]
        services.register_user("Rulle Tilbake", "rb@roros.example", PASSWORD, "nb")
        raise RuntimeError("after the mail was queued")

    client = app.test_client()
    response = submit(client, "/test-register-then-fail")
    assert response.status_code == 500
    assert outbox() == []
    assert smtp.messages == []


def test_backoff_grows_and_gives_up(app, smtp):
    smtp.stop()
    queued = _queue("giveup@roros.example")
    now = utcnow()
    for attempt in range(1, mail_module.MAX_ATTEMPTS + 1):
        now += timedelta(hours=5)
        mail_module.deliver_pending(now=now)
        db.session.refresh(queued)
        assert queued.attempts == attempt
    assert queued.status == MailStatus.failed
    assert mail_module.backoff(1) < mail_module.backoff(2) < mail_module.backoff(5)


def _queue(address: str, n: int = 1) -> OutboxMail:
    from app.auth.models import User

    user = User(email=address, name="Mottaker", password_hash="x")
    rows = [
        mail_module.queue_mail(address, "confirm_email", "nb", user=user,
                               link=f"http://x/{i}", hours=48)
        for i in range(n)
    ]  # fmt: skip
    db.session.commit()
    return rows[0]


def test_a_stale_claim_is_released_and_sent(app, smtp):
    row = _queue("stale@roros.example")
    row.status = MailStatus.sending
    row.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert mail_module.deliver_pending() == 1
    assert len(smtp.messages) == 1


def test_several_workers_send_each_mail_exactly_once(app, smtp):
    _queue("many@roros.example", n=30)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                results.append(mail_module.deliver_pending())
                db.session.remove()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 30
    assert len(smtp.messages) == 30
    subjects_links = [_text(m) for m in smtp.messages]
    assert len(set(subjects_links)) == 30  # thirty different mails, none twice
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(OutboxMail.status)).all()
    assert set(statuses) == {MailStatus.sent}


def test_the_job_sends_the_outbox(app, smtp):
    _queue("job@roros.example", n=3)
    assert send_outbox().get() == 3  # huey runs it at once in tests
    assert len(smtp.messages) == 3


def test_without_inline_delivery_the_request_hands_mail_to_the_job_queue(app, smtp, monkeypatch):
    app.config["MAIL_DELIVER_INLINE"] = False
    called = []
    real = send_outbox.call_local
    monkeypatch.setattr("app.core.mail.send_outbox", lambda: called.append(1) or real())
    client = app.test_client()
    assert _register(client, "queued@roros.example", "en").status_code == 302
    assert called == [1]
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("config_overrides", [{"MAIL_BACKEND": "console"}])
def test_the_console_mail_can_be_read_and_its_link_followed(app, client, capfd):
    """What `make run` prints for a new account: the address, the subject and the text as
    text (letters as letters, not =C3=A5), the link whole on a line of its own; following
    it from there confirms the address."""
    name, email = "Åse Ødegård", "aase@roros.example"
    form = {"name": name, "email": email, "password": PASSWORD, "password_confirm": PASSWORD}
    assert submit(client, "/auth/register", form).status_code == 302

    printed = capfd.readouterr().out
    assert f"To: {email}" in printed
    assert "Bekreft e-postadressen" in printed
    assert "=C3=" not in printed
    assert "Content-Transfer-Encoding" not in printed
    [link] = [line for line in printed.splitlines() if "/auth/confirm/" in line]
    assert link.startswith(app.config["SITE_URL"] + "/auth/confirm/")
    path = link.removeprefix(app.config["SITE_URL"])
    login = submit(client, f"/auth/login?next={path}", {"email": email, "password": PASSWORD})
    assert login.location == path
    confirmed = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "E-postadressen din er bekreftet" in confirmed


def test_site_url_follows_the_development_port():
    """`make run PORT=5077` serves on 5077, and links in mail and feeds say 5077 too
    (read in a fresh interpreter, as config.py reads the environment once)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}

    def site_url(**extra: str) -> str:
        code = "import config; print(config.Config.SITE_URL)"
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, **extra},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert site_url(PORT="5077") == "http://127.0.0.1:5077"
    assert site_url() == "http://127.0.0.1:5000"
    assert site_url(PORT="5077", SITE_URL="https://medvirke.example") == "https://medvirke.example"
