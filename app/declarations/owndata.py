"""What the declarations domain holds about a person: feedback, reports, owned services."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.owndata import register_own_data
from app.declarations.models import Feedback, Promise, Report, Service, service_owners
from app.extensions import db


def export(user: Any) -> dict[str, Any]:
    feedback = db.session.execute(
        sa.select(Feedback, Service.name, Promise.text)
        .join(Service, Service.id == Feedback.service_id)
        .join(Promise, Promise.id == Feedback.promise_id)
        .where(Feedback.user_id == user.id)
        .order_by(Feedback.id)
    )
    reports = db.session.scalars(
        sa.select(Report).where(Report.user_id == user.id).order_by(Report.id)
    )
    owned = db.session.scalars(
        sa.select(Service.name).join(service_owners).where(service_owners.c.user_id == user.id)
    )
    return {
        "feedback": [
            {"service": name, "promise": text, "kept": f.kept, "comment": f.comment,
             "day": f.created_on.isoformat()}
            for f, name, text in feedback
        ],
        "reports": [
            {"reference": r.reference, "service": r.service.name, "what_happened": r.description,
             "happened_on": r.happened_on.isoformat(), "status": r.status.value,
             "name": r.reporter_name, "email": r.reporter_email, "answer": r.answer}
            for r in reports
        ],
        "services_owned": list(owned),
    }  # fmt: skip


def anonymise(user: Any) -> None:
    """Feedback and reports keep their content and lose the person; ownership ends."""
    db.session.execute(sa.update(Feedback).where(Feedback.user_id == user.id).values(user_id=None))
    db.session.execute(
        sa.update(Report)
        .where(Report.user_id == user.id)
        .values(user_id=None, reporter_name=None, reporter_email=None)
    )
    db.session.execute(sa.delete(service_owners).where(service_owners.c.user_id == user.id))
    db.session.flush()


register_own_data("declarations", export, anonymise)
