"""The mail outbox: queue in the request's transaction, deliver after it commits."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.core.jobs import crontab, huey, in_app_context, periodic
from app.core.models import MailStatus, OutboxMail
from app.core.owndata import register_own_data
from app.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
#: A row a worker claimed but never finished (the worker died) is released after this
STALE_CLAIM = timedelta(minutes=10)
_SESSION_KEY = "outbox_new_ids"


def queue_mail(to: str, template: str, language: str, **context: object) -> OutboxMail:
    """Render ``mail/<template>.{subject.txt,txt,html}`` in ``language`` into the outbox."""
    context["mail_language"] = language
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", **context)
    mail = OutboxMail(
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=language,
        template=template,
    )
    db.session.add(mail)
    db.session.flush()
    db.session.info.setdefault(_SESSION_KEY, []).append(mail.id)
    return mail


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4 … minutes, at most a few hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def deliver_pending(
    ids: list[int] | None = None, limit: int = 100, now: datetime | None = None
) -> int:
    """Send due mail one row at a time and return how many were sent. Commits.

    A row is claimed by a compare-and-set from ``pending`` to ``sending`` before it is sent,
    so two workers never send the same row; on PostgreSQL the candidate is picked with
    ``FOR UPDATE SKIP LOCKED`` so workers do not queue behind each other's locks.
    """
    now = now or utcnow()
    _release_stale_claims(now)
    sent = 0
    for _ in range(limit):
        mail = _claim_next(now, ids)
        if mail is None:
            break
        sent += _send_claimed(mail, now)
    return sent


def _release_stale_claims(now: datetime) -> None:
    db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.status == MailStatus.sending, OutboxMail.claimed_at < now - STALE_CLAIM)
        .values(status=MailStatus.pending, claimed_at=None)
    )
    db.session.commit()


def _claim_next(now: datetime, ids: list[int] | None) -> OutboxMail | None:
    while True:
        candidate = (
            sa.select(OutboxMail.id)
            .where(OutboxMail.status == MailStatus.pending, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if ids is not None:
            candidate = candidate.where(OutboxMail.id.in_(ids))
        mail_id = db.session.scalar(candidate)
        if mail_id is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.pending)
            .values(status=MailStatus.sending, claimed_at=now)
        )
        db.session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return db.session.get(OutboxMail, mail_id)


def _send_claimed(mail: OutboxMail, now: datetime) -> int:
    try:
        _send(_build_message(mail))
    except (OSError, smtplib.SMTPException) as exc:
        mail.attempts += 1
        mail.last_error = str(exc)[:2000]
        mail.claimed_at = None
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = MailStatus.failed
        else:
            mail.status = MailStatus.pending
            mail.next_attempt_at = now + backoff(mail.attempts)
        log.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, exc)
        db.session.commit()
        return 0
    mail.status = MailStatus.sent
    mail.sent_at = utcnow()
    db.session.commit()
    return 1


def _build_message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain="medvirke.local")
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
    # After add_alternative, which moves Content-* headers into the first part
    msg["Content-Language"] = mail.language
    return msg


def console_text(message: EmailMessage) -> str:
    """A mail as a person reads it in the terminal running ``make run``: who it is to, the
    subject, and the plain-text part decoded (letters as letters, each link whole), not the
    quoted-printable MIME that would cut a confirmation link at its soft line breaks."""
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    rule = "-" * 72
    return (
        f"{rule}\nTo: {message['To']}\nSubject: {message['Subject']}\n{rule}\n"
        f"{text.rstrip()}\n{rule}"
    )


def _send(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "console":
        print(console_text(message), flush=True)  # noqa: T201 - the development backend
    elif backend == "smtp":
        cfg = current_app.config
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
    elif backend != "memory":
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


def _committed(session: Session) -> None:
    ids = session.info.pop(_SESSION_KEY, None)
    if ids and has_app_context():
        g.setdefault("outbox_committed", []).extend(ids)


def _rolled_back(session: Session) -> None:
    session.info.pop(_SESSION_KEY, None)


def register(app: Flask) -> None:
    """Hand mail queued by a request to delivery once the request's transaction commits."""
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_rollback", _rolled_back)

    @app.after_request
    def _deliver(response):  # type: ignore[no-untyped-def]
        deliver_committed()
        return response


def deliver_committed() -> None:
    """Hand the mail this request's commits queued to delivery: at once when
    MAIL_DELIVER_INLINE, else to the worker. A failed delivery never fails the request."""
    ids = g.pop("outbox_committed", None)
    if not ids:
        return
    try:
        if current_app.config["MAIL_DELIVER_INLINE"]:
            deliver_pending(ids=ids)
        else:
            send_outbox()
    except Exception:
        log.exception("mail delivery failed; the worker will retry")
        db.session.rollback()


def _to_own_address(user: Any) -> sa.ColumnElement[bool]:
    """Mail is matched by address, so only a confirmed address owns it: an account
    registered with someone else's address neither reads nor deletes their mail."""
    if not user.is_confirmed:
        return sa.false()
    return OutboxMail.to_address == user.email


def _export_mail(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(OutboxMail).where(_to_own_address(user)).order_by(OutboxMail.id)
    )
    return [
        {
            "created": m.created_at.isoformat(),
            "subject": m.subject,
            "kind": m.template,
            "status": m.status.value,
        }
        for m in rows
    ]


def _anonymise_mail(user: Any) -> None:
    """Mail to the person holds their name and address; it goes with the account."""
    db.session.execute(sa.delete(OutboxMail).where(_to_own_address(user)))


register_own_data("mail", _export_mail, _anonymise_mail)


# --- the outbox's jobs (mail imports jobs, never the other way round) ----------------------


@huey.task(name="mail.send_outbox")
@in_app_context
def send_outbox() -> int:
    """Send every due mail in the outbox."""
    total = 0
    while sent := deliver_pending():
        total += sent
    return total


@periodic(crontab(minute="*"), "mail.retry_outbox")
def retry_outbox() -> int:
    """Every minute: send what is due, including retries after SMTP was down."""
    return send_outbox.call_local()
