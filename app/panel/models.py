"""Brukerpanel: members, surveys, and answers that are never linked to a person.

Anonymity is built into the tables: ``Participation`` records *that* someone answered (to
stop a second answer and to send reminders); ``Response`` and ``Answer`` hold *what* was
answered, with no user id, no IP address, only the day, and a random key instead of an
auto-increment. On SQLite these tables (and participations) are WITHOUT ROWID, so even their
storage order follows their keys, not the order people answered in; on PostgreSQL a nightly
job (``panel.reorder``) gives every participation the same transaction id and rewrites the
tables in key order with CLUSTER, so neither the order of rows on disk nor their transaction ids
can be matched between participations and responses after that night. ``Tally`` holds the counts
the results are read from.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db

#: The service user groups a panel member may tick; their order is the bit order of
#: Respondent.user_groups_mask (bit i: USER_GROUPS[i]), so never reorder them
USER_GROUPS = [
    ("barnehage", _l("Barnehage")),
    ("skole", _l("Skole")),
    ("helse_omsorg", _l("Helse og omsorg")),
    ("byggesak", _l("Byggesak")),
    ("kultur", _l("Kultur")),
]


def random_key() -> str:
    return uuid.uuid4().hex


class Audience(enum.StrEnum):
    panel = "panel"
    subpanel = "subpanel"
    residents = "residents"


class QuestionKind(enum.StrEnum):
    scale6 = "scale6"
    single = "single"
    multi = "multi"
    text = "text"
    number = "number"


class FollowUpStatus(enum.StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (
        sa.CheckConstraint(
            "birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)",
            name="birth_year_range",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    birth_year: Mapped[int | None]
    area: Mapped[str | None] = mapped_column(sa.String(80))
    user_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class SubPanel(db.Model):
    """A sub-panel drawn by stratified lottery from the volunteers (see app.panel.lottery)."""

    __tablename__ = "subpanels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    #: Shown on the page: anyone can repeat the draw with it
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    #: Per stratum: population share, volunteers and drawn, as shown on the page
    report: Mapped[list[dict[str, object]]] = mapped_column(sa.JSON, default=list)
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubPanelMember(db.Model):
    __tablename__ = "subpanel_members"

    subpanel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subpanels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (sa.CheckConstraint("closes_on >= opens_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[Audience] = mapped_column(default=Audience.panel)
    #: For audience "subpanel": the drawn sub-panel that is asked
    subpanel_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("subpanels.id", ondelete="SET NULL")
    )
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    #: Results public after closing; otherwise committee and administrators only
    results_public: Mapped[bool] = mapped_column(default=True)
    #: A survey is a draft until it is published; then it opens on opens_on
    published_at: Mapped[datetime | None]
    #: Set when an administrator closes the survey before its closing date
    closed_at: Mapped[datetime | None]
    #: When the invitations and the one reminder were queued (by the hourly job)
    invited_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    #: The earlier round this survey repeats (for trends)
    previous_round_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    #: The same question across rounds shares a lineage (for trends)
    lineage: Mapped[str] = mapped_column(sa.String(32), default=random_key, index=True)
    kind: Mapped[QuestionKind]
    text: Mapped[str] = mapped_column(sa.String(500))
    required: Mapped[bool] = mapped_column(default=True)
    #: Choices for single and multi
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    low_label: Mapped[str | None] = mapped_column(sa.String(80))
    high_label: Mapped[str | None] = mapped_column(sa.String(80))
    #: A number question's range, which add_question requires (set for older questions by
    #: the migration that made it required): answers are held to it and shown in bins over it
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    dimension: Mapped[str | None] = mapped_column(sa.String(80))
    focus_area: Mapped[int | None]

    survey: Mapped[Survey] = relationship(back_populates="questions")


class Participation(db.Model):
    """That a person has answered a survey: never what they answered."""

    __tablename__ = "survey_participations"
    #: Stored in (survey, user) order, not in the order people answered
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: No date here: the response keeps its day, and the two together could be matched


class Response(db.Model):
    """One anonymous set of answers, with coarse groups for breakdowns (never a person).

    The groups are generalised when stored (app.panel.disclosure.generalise): an attribute is
    kept only where at least ANONYMITY_K of the survey's audience share the kept combination,
    so no stored combination matches fewer people than that in ``panel_members``."""

    __tablename__ = "survey_responses"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_key)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    submitted_on: Mapped[date]
    age_band: Mapped[str | None] = mapped_column(sa.String(10))
    area: Mapped[str | None] = mapped_column(sa.String(80))
    #: Service user groups as a bit mask (bit i: USER_GROUPS[i]), so breakdowns stay in SQL
    user_groups_mask: Mapped[int] = mapped_column(default=0)


class Answer(db.Model):
    __tablename__ = "survey_answers"
    #: Results are counted from Tally; this index serves the free text and the CSV
    __table_args__ = (
        sa.Index("ix_survey_answers_question", "question_id", "value_int", "dont_know"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[str] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    #: scale6 (1–6), number, the index of a single choice, or for multi a bit mask of the
    #: chosen indexes (bit i set: option i chosen), so every count is done in SQL
    value_int: Mapped[int | None] = mapped_column(sa.BigInteger)
    value_text: Mapped[str | None] = mapped_column(sa.Text)
    #: "vet ikke / ikke relevant" on a scale6 question
    dont_know: Mapped[bool] = mapped_column(default=False)
    #: The response's groups, repeated here (they say nothing the response does not already
    #: say); the tallies are keyed by them
    age_band: Mapped[str | None] = mapped_column(sa.String(10))
    area: Mapped[str | None] = mapped_column(sa.String(80))
    user_groups_mask: Mapped[int] = mapped_column(default=0)


class FollowUp(db.Model):
    """«Dette gjør vi»: an action the municipality takes because of a survey."""

    __tablename__ = "survey_followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(sa.String(500))
    owner: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date | None]
    status: Mapped[FollowUpStatus] = mapped_column(default=FollowUpStatus.planned)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tally(db.Model):
    """How many answers to a question share one value, overall ("" breakdown) and within
    each group of each breakdown (age band, area, service user group), kept in the same
    transaction as the answers (which never change once given). Results read these few rows
    instead of aggregating every answer on each view. A tally says less than the answers do:
    each breakdown is counted on its own, never crossed with another."""

    __tablename__ = "survey_tallies"
    __table_args__ = {"sqlite_with_rowid": False}

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    #: "" for every answer, else "age_band", "area" or "user_groups" (app.panel.results)
    breakdown: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    #: The group within the breakdown: an age band, an area, a user group's key; "" overall
    group_key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    #: As Answer.value_int; 0 for free text and for "vet ikke"
    value_int: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    dont_know: Mapped[bool] = mapped_column(primary_key=True)
    count: Mapped[int]


class ProfileTally(db.Model):
    """How many answers to a scale or number question gave one value from one stored profile
    (age band, area and user groups together; "" is unknown), kept with the answers like
    Tally. These are the classes of answers app.panel.disclosure checks the groups and the
    distribution shown against, so that none can be worked out from another; they say no
    more than the responses' own stored profiles and answers do."""

    __tablename__ = "survey_profile_tallies"
    __table_args__ = {"sqlite_with_rowid": False}

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    age_band: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    user_groups_mask: Mapped[int] = mapped_column(primary_key=True)
    value_int: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, default=0)
    count: Mapped[int]
