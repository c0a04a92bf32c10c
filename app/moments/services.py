"""Golden service moments: the write side. Each function enforces one rule and flushes."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.core.audit import audit
from app.core.dates import add_months, first_of_month, today
from app.core.db import utcnow
from app.core.links import BadLink, ExpiredLink, absolute_url, read_signed_token, signed_token
from app.core.mail import queue_mail
from app.core.models import Unit
from app.core.permissions import Role
from app.extensions import db
from app.moments.models import (
    Nomination,
    NominationState,
    Reflection,
    ReflectionPrompt,
    Winner,
)
from app.moments.months import this_month, week_of
from app.moments.public import public_name

CONFIRM_SALT = "confirm-nomination"
STORY_MAX = 3000
#: The oldest moment one can nominate (a year back) and the moderation states
OLDEST_DAYS = 366
MODERATABLE = (NominationState.pending, NominationState.approved)


class MomentError(Exception):
    """A rule was broken; the message is for the user."""


class LinkExpired(MomentError):
    """The confirmation link was too old; a new one has been sent."""


# --- who may do what -------------------------------------------------------------------


def can_moderate(user: Any) -> bool:
    """The committee and administrators moderate and choose the winners."""
    return bool(user.is_authenticated and user.has_role(Role.committee, Role.admin))


def can_publish_prompts(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.admin))


def can_record_reflection(user: Any, unit: Unit | None) -> bool:
    """A unit's contact (a service owner) records its reflection; administrators may too."""
    if unit is None or not user.is_authenticated or not unit.active:
        return False
    if user.has_role(Role.admin):
        return True
    return unit.contact_id == user.id and user.has_role(Role.service_owner)


# --- nominating --------------------------------------------------------------------------


def nominate(
    actor: Any,
    *,
    unit_id: int,
    employee_name: str | None,
    happened_on: date,
    story: str,
    nominator_name: str,
    nominator_email: str,
    may_contact: bool,
    language: str,
) -> Nomination:
    """A new nomination; it reaches moderation once the nominator opens the mailed link
    (at once for a logged-in, confirmed account nominating with its own address)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise MomentError(_l("Velg en av enhetene i listen."))
    if not today().toordinal() - OLDEST_DAYS <= happened_on.toordinal() <= today().toordinal():
        raise MomentError(_l("Datoen må være i dag eller tidligere, og høyst ett år tilbake."))
    if not story.strip() or len(story) > STORY_MAX:
        raise MomentError(_l("Fortell hva som skjedde, med høyst 3 000 tegn."))
    email = nominator_email.strip().lower()
    user_id = actor.id if getattr(actor, "is_authenticated", False) else None
    nomination = Nomination(
        unit_id=unit.id,
        employee_name=(employee_name or "").strip() or None,
        happened_on=happened_on,
        story=story.strip(),
        nominator_name=nominator_name.strip(),
        nominator_email=email,
        nominator_id=user_id,
        may_contact=may_contact,
        language=language,
    )
    db.session.add(nomination)
    db.session.flush()
    if user_id and actor.is_confirmed and actor.email == email:
        _confirm(nomination)
    else:
        send_confirmation(nomination)
    return nomination


def send_confirmation(nomination: Nomination) -> None:
    """Mail the nominator a signed link that sends the nomination to the committee."""
    token = signed_token(CONFIRM_SALT, {"n": nomination.id, "e": nomination.nominator_email})
    _mail_nominator(nomination, "moment_confirm",
                    link=absolute_url("moments.confirm", token=token),
                    hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600)  # fmt: skip


def confirm_nomination(token: str) -> tuple[Nomination, bool]:
    """Confirm from the link; returns the nomination and whether this confirmed it.

    BadLink for a link that is not ours; LinkExpired (with a fresh link mailed) for one that
    is too old, so nothing the nominator wrote is lost.
    """
    try:
        data = read_signed_token(token, CONFIRM_SALT, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except ExpiredLink as expired:
        nomination = _named_by(expired.payload)
        if nomination.state == NominationState.unconfirmed:
            send_confirmation(nomination)
            raise LinkExpired(_l("Lenken var utløpt. Vi har sendt deg en ny.")) from expired
        return nomination, False
    nomination = _named_by(data)
    if nomination.state != NominationState.unconfirmed:
        return nomination, False
    _confirm(nomination)
    return nomination, True


def _named_by(data: dict[str, Any]) -> Nomination:
    nomination_id = data.get("n")
    nomination = (
        db.session.get(Nomination, nomination_id) if isinstance(nomination_id, int) else None
    )
    if nomination is None or nomination.nominator_email != data.get("e"):
        raise BadLink
    return nomination


def _confirm(nomination: Nomination) -> None:
    nomination.state = NominationState.pending
    nomination.confirmed_at = utcnow()
    nomination.month = this_month()
    db.session.flush()


# --- moderating ----------------------------------------------------------------------------


def approve(actor: User, nomination: Nomination, name_consent: bool) -> None:
    """Approve a confirmed nomination, recording whether the employee consented to their
    name being published; the nominator is told."""
    if nomination.state != NominationState.pending:
        raise MomentError(_l("Bare nominasjoner som venter på behandling kan godkjennes."))
    nomination.state = NominationState.approved
    nomination.name_consent = bool(name_consent and nomination.employee_name)
    _moderated(actor, nomination)
    audit(actor, "moment.approved", nomination, {"name_consent": nomination.name_consent})
    _mail_nominator(nomination, "moment_approved", link=absolute_url("moments.index"))


def reject(actor: User, nomination: Nomination, reason: str) -> None:
    """Reject a nomination (not one that has won), with a reason the nominator is told."""
    if nomination.state not in MODERATABLE or _has_won(nomination):
        raise MomentError(_l("Denne nominasjonen kan ikke avvises."))
    if not reason.strip():
        raise MomentError(_l("Skriv en begrunnelse."))
    nomination.state = NominationState.rejected
    nomination.rejection_reason = reason.strip()
    _moderated(actor, nomination)
    audit(actor, "moment.rejected", nomination, {"reason": nomination.rejection_reason})
    _mail_nominator(nomination, "moment_rejected", reason=nomination.rejection_reason)


def _moderated(actor: User, nomination: Nomination) -> None:
    nomination.moderated_at = utcnow()
    nomination.moderated_by_id = actor.id
    db.session.flush()


def edit_nomination(
    actor: User, nomination: Nomination, employee_name: str | None, story: str, name_consent: bool
) -> list[str]:
    """The committee edits for anonymisation (third parties' names out of the story) and
    records consent. The audit entry names what changed, never the removed text."""
    if not story.strip() or len(story) > STORY_MAX:
        raise MomentError(_l("Fortell hva som skjedde, med høyst 3 000 tegn."))
    employee_name = (employee_name or "").strip() or None
    consent = bool(name_consent and employee_name)
    changed = [
        field
        for field, value in (("employee_name", employee_name), ("story", story.strip()),
                             ("name_consent", consent))
        if getattr(nomination, field) != value
    ]  # fmt: skip
    if not changed:
        return []
    details: dict[str, Any] = {"fields": changed}
    if "story" in changed:
        details["story_length"] = [len(nomination.story), len(story.strip())]
    if "name_consent" in changed:
        details["name_consent"] = consent
    nomination.employee_name = employee_name
    nomination.story = story.strip()
    nomination.name_consent = consent
    db.session.flush()
    audit(actor, "moment.edited", nomination, details)
    return changed


# --- the monthly winner ------------------------------------------------------------------


def _has_won(nomination: Nomination) -> bool:
    return bool(
        db.session.scalar(sa.select(Winner.id).where(Winner.nomination_id == nomination.id))
    )


def publishable_month(month: date) -> bool:
    return first_of_month(month) == month and month <= this_month()


def publish_winner(actor: User, month: date, nomination: Nomination, citation: str) -> Winner:
    """Publish ``nomination`` as the winner of ``month`` with a short citation.

    A month has one winner: the unique constraint on moment_winners.month decides between
    two committee members publishing at once (the view turns the loser's IntegrityError
    into a message). The nominator and the unit's contact are told.
    """
    if not publishable_month(month):
        raise MomentError(_l("Vinneren kan bare kåres for denne måneden eller en tidligere."))
    if db.session.scalar(sa.select(Winner.id).where(Winner.month == month)):
        raise MomentError(_l("Denne måneden har allerede en vinner."))
    if nomination.state != NominationState.approved or nomination.month not in (
        month,
        add_months(month, -1),
    ):
        raise MomentError(
            _l("Vinneren må være en godkjent nominasjon fra måneden eller måneden før.")
        )
    if _has_won(nomination):
        raise MomentError(_l("Denne nominasjonen har allerede vunnet en måned."))
    if not citation.strip():
        raise MomentError(_l("Skriv en kort begrunnelse for kåringen."))
    winner = Winner(month=month, nomination_id=nomination.id, citation=citation.strip(),
                    published_by_id=actor.id)  # fmt: skip
    db.session.add(winner)
    db.session.flush()
    audit(actor, "moment.winner_published", winner,
          {"month": month.isoformat(), "nomination": nomination.id})  # fmt: skip
    link = absolute_url("moments.year", year=month.year, _anchor=month.strftime("m-%Y-%m"))
    _mail_nominator(nomination, "moment_winner", winner=winner, link=link)
    contact_id = nomination.unit.contact_id
    contact = db.session.get(User, contact_id) if contact_id else None
    if contact is not None and contact.active:
        queue_mail(contact.email, "moment_winner_unit", contact.language or "nb", user=contact,
                   nomination=nomination, winner=winner, link=link,
                   employee_name=public_name(nomination.employee_name, nomination.name_consent),
                   unit=nomination.unit.name)  # fmt: skip
    return winner


def _mail_nominator(nomination: Nomination, template: str, **context: Any) -> None:
    if not nomination.nominator_email:  # the nominator has deleted their account
        return
    if nomination.state != NominationState.unconfirmed:  # the address is shown to be theirs
        context["name"] = nomination.nominator_name
    queue_mail(
        nomination.nominator_email,
        template,
        nomination.language,
        unit=nomination.unit.name,
        **context,
    )


# --- ukas servicerefleksjon --------------------------------------------------------------


def publish_prompt(actor: User, day: date, prompt: str) -> ReflectionPrompt:
    """Publish the reflection prompt for the ISO week of ``day`` (one per week)."""
    week_start = week_of(day)
    if week_start < week_of(today()):
        raise MomentError(_l("Velg denne uken eller en senere uke."))
    if not prompt.strip():
        raise MomentError(_l("Skriv refleksjonsspørsmålet."))
    if db.session.scalar(
        sa.select(ReflectionPrompt.id).where(ReflectionPrompt.week_start == week_start)
    ):
        raise MomentError(_l("Den uken har allerede et refleksjonsspørsmål."))
    row = ReflectionPrompt(week_start=week_start, prompt=prompt.strip(), created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit(actor, "reflection.prompt_published", row, {"week": week_start.isoformat()})
    return row


def record_reflection(actor: User, prompt: ReflectionPrompt, unit: Unit, learning: str | None
                      ) -> Reflection:  # fmt: skip
    """The unit's contact records that the unit held the week's reflection (once)."""
    if not can_record_reflection(actor, unit):
        raise MomentError(_l("Bare enhetens kontaktperson kan registrere refleksjonen."))
    if prompt.week_start > week_of(today()):
        raise MomentError(_l("Refleksjonen kan registreres fra den uken den gjelder."))
    if db.session.scalar(
        sa.select(Reflection.id).where(
            Reflection.prompt_id == prompt.id, Reflection.unit_id == unit.id
        )
    ):
        raise MomentError(_l("%(unit)s har allerede registrert denne refleksjonen.",
                             unit=unit.name))  # fmt: skip
    reflection = Reflection(prompt_id=prompt.id, unit_id=unit.id,
                            learning=(learning or "").strip() or None,
                            recorded_by_id=actor.id)  # fmt: skip
    db.session.add(reflection)
    db.session.flush()
    return reflection
