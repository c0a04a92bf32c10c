"""Atom feed of declaration updates: each newly published version, newest first."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.core.cache import cached_page
from app.core.feeds import Entry, atom_feed
from app.core.links import absolute_url
from app.declarations import bp
from app.declarations.forms import CONTENT_LANGUAGE_NAMES
from app.declarations.models import DeclarationVersion, Service
from app.declarations.queries import PUBLIC_STATUSES
from app.extensions import db

FEED_LENGTH = 30


@bp.get("/feed.atom")
@cached_page()
def feed():  # type: ignore[no-untyped-def]
    """Declarations published lately (a new service, a new language, a new version)."""
    rows = db.session.scalars(
        sa.select(DeclarationVersion)
        .options(joinedload(DeclarationVersion.service))
        .join(Service, Service.id == DeclarationVersion.service_id)
        .where(DeclarationVersion.status.in_(PUBLIC_STATUSES), Service.active.is_(True))
        .order_by(DeclarationVersion.published_at.desc(), DeclarationVersion.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    entries = []
    for v in rows:
        link = absolute_url("declarations.version", slug=v.service.slug, version_id=v.id)
        language = str(CONTENT_LANGUAGE_NAMES.get(v.language, v.language))
        title = _("%(service)s: versjon %(number)s (%(language)s)", service=v.service.name,
                  number=v.number, language=language)  # fmt: skip
        effective = format_date(v.effective_from, "long") if v.effective_from else ""
        entries.append(Entry(id=link, title=title, link=link, updated=v.published_at,
                             published=v.published_at,
                             summary=_("Gjelder fra %(date)s.", date=effective)))  # fmt: skip
    return atom_feed(
        _("Serviceerklæringer: nye versjoner"),
        absolute_url("declarations.feed"),
        absolute_url("declarations.feed"),
        absolute_url("declarations.index"),
        entries,
    )
