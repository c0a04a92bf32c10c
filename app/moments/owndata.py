"""What the golden moments hold about a person, and how they let go of it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.models import Unit
from app.core.owndata import register_own_data
from app.extensions import db
from app.moments.models import Nomination, NominationState, Reflection, Winner
from app.moments.public import public_name


def _own(user: Any) -> sa.ColumnElement[bool]:
    """Nominations sent by the account, and those sent from its address once the address is
    confirmed: an account registered with someone else's address gets none of theirs."""
    if not user.is_confirmed:
        return Nomination.nominator_id == user.id
    return sa.or_(Nomination.nominator_id == user.id, Nomination.nominator_email == user.email)


def export(user: Any) -> dict[str, Any]:
    """The person's nominations; the employee they wrote about is named only as the public
    sees it (with consent), since the name is someone else's."""
    rows = db.session.execute(
        sa.select(Nomination, Unit.name, Winner.month)
        .join(Unit, Unit.id == Nomination.unit_id)
        .outerjoin(Winner, Winner.nomination_id == Nomination.id)
        .where(_own(user))
        .order_by(Nomination.id)
    )
    reflections = db.session.execute(
        sa.select(Reflection.recorded_at, Reflection.learning, Unit.name)
        .join(Unit, Unit.id == Reflection.unit_id)
        .where(Reflection.recorded_by_id == user.id)
        .order_by(Reflection.id)
    )
    return {
        "nominations": [
            {"unit": unit, "employee": public_name(n.employee_name, n.name_consent),
             "happened_on": n.happened_on.isoformat(), "story": n.story,
             "your_name": n.nominator_name, "your_email": n.nominator_email,
             "may_contact": n.may_contact, "state": n.state.value,
             "sent": n.created_at.isoformat(),
             "won": month.strftime("%Y-%m") if month else None}
            for n, unit, month in rows
        ],
        "reflections_recorded": [
            {"unit": unit, "recorded": at.isoformat(), "learning": learning}
            for at, learning, unit in reflections
        ],
    }  # fmt: skip


def anonymise(user: Any) -> None:
    """The story stays, the nominator goes; unconfirmed nominations (never sent to the
    committee, and now impossible to confirm) go entirely."""
    db.session.execute(
        sa.delete(Nomination).where(_own(user), Nomination.state == NominationState.unconfirmed)
    )
    db.session.execute(
        sa.update(Nomination)
        .where(_own(user))
        .values(nominator_id=None, nominator_name=None, nominator_email=None)
    )
    db.session.execute(
        sa.update(Reflection)
        .where(Reflection.recorded_by_id == user.id)
        .values(recorded_by_id=None)
    )
    db.session.flush()


register_own_data("moments", export, anonymise)
