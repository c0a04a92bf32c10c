"""The mail outbox: queue in the request's transaction, deliver after it commits."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.core.models import MailStatus, OutboxMail
from app.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
_SESSION_KEY = "outbox_new_ids"


def queue_mail(to: str, template: str, language: str, **context: object) -> OutboxMail:
    """Render ``mail/<template>.{txt,html}`` in ``language`` and add it to the outbox."""
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


def _build_message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain="medvirke.local")
    msg["Content-Language"] = mail.language
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
    return msg


def _send(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "console":
        print(message.as_string(), flush=True)  # noqa: T201 - the development backend
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


def deliver_pending(ids: list[int] | None = None, limit: int = 50) -> int:
    """Send due mail; each row is claimed under a row lock so it is sent once. Commits."""
    now = utcnow()
    stmt = (
        sa.select(OutboxMail)
        .where(OutboxMail.status == MailStatus.pending, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        stmt = stmt.where(OutboxMail.id.in_(ids))
    sent = 0
    for mail in db.session.scalars(stmt).all():
        try:
            _send(_build_message(mail))
        except (OSError, smtplib.SMTPException) as exc:
            mail.attempts += 1
            mail.last_error = str(exc)[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.failed
            else:
                mail.next_attempt_at = now + timedelta(seconds=30 * 2**mail.attempts)
            log.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, exc)
        else:
            mail.status = MailStatus.sent
            mail.sent_at = now
            sent += 1
    db.session.commit()
    return sent


def _committed(session: Session) -> None:
    ids = session.info.pop(_SESSION_KEY, None)
    if ids and has_app_context():
        g.setdefault("outbox_committed", []).extend(ids)


def _rolled_back(session: Session) -> None:
    session.info.pop(_SESSION_KEY, None)


def register(app: Flask) -> None:
    """Deliver mail queued by a request once that request's transaction has committed."""
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_rollback", _rolled_back)

    @app.after_request
    def _deliver(response):  # type: ignore[no-untyped-def]
        ids = g.pop("outbox_committed", None)
        if ids and app.config["MAIL_DELIVER_INLINE"]:
            try:
                deliver_pending(ids=ids)
            except Exception:  # a failed delivery must never fail the user's request
                log.exception("inline mail delivery failed; the worker will retry")
                db.session.rollback()
        return response
