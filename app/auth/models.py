"""Accounts and the roles they hold."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import db


def token_digest(token: str) -> str:
    """What the database keeps of a login session's token: a copy of the table opens none."""
    return hashlib.sha256(token.encode()).hexdigest()


USER_AGENT_MAX = 200


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)",
            name="birth_year_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case, so each address has one account
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    postal_code: Mapped[str | None] = mapped_column(sa.String(4))
    birth_year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    #: Loaded when first asked for (lists of users load them with selectinload)
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )

    def get_id(self) -> str | None:
        """Flask-Login's alternative id: the token of the login session this object was
        loaded through or has just started, not the account's id, so that ending the session
        ends every copy of its cookies (Flask-Login keeps this in both)."""
        return sa.inspect(self).info.get("login_token")

    @property
    def login_session(self) -> LoginSession | None:
        """The login session of this request, if the account is the one logged in."""
        return sa.inspect(self).info.get("login_session")  # type: ignore[no-any-return]

    def attach_login_session(self, login: LoginSession, token: str) -> None:
        """Tie this object to ``login`` for the request (the token is never stored)."""
        info = sa.inspect(self).info
        info["login_session"], info["login_token"] = login, token

    def end_sessions(self, keep: LoginSession | None = None) -> int:
        """End every login session of the account but ``keep``; how many ended."""
        stmt = sa.delete(LoginSession).where(LoginSession.user_id == self.id)
        if keep is not None:
            stmt = stmt.where(LoginSession.id != keep.id)
        return db.session.execute(stmt).rowcount  # type: ignore[attr-defined, no-any-return]

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class LoginSession(db.Model):
    """One logged-in browser. Logging out, "log out everywhere", a new password, a confirmed
    address and deactivation delete rows; a row older than REMEMBER_COOKIE_DURATION opens
    nothing and is deleted at night."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: token_digest() of the token in the browser's session and remember-me cookies
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The day (Oslo) it was last used: written at most once a day, and to the day only
    last_seen_on: Mapped[date]
    #: As the browser gave it, cut short; shown summarised as browser and system
    user_agent: Mapped[str] = mapped_column(sa.String(USER_AGENT_MAX), default="")


def active_holders(role: Role) -> list[User]:
    """Every active account that holds ``role`` (the committee to notify, say)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.roles.any(UserRole.role == role))
            .order_by(User.id)
        )
    )
