"""Brukerpanel: the write side."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.auth.models import User, UserRole
from app.core.audit import audit
from app.core.dates import today
from app.core.db import upsert_insert, utcnow
from app.core.links import absolute_url
from app.core.mail import queue_mail
from app.core.permissions import Role, can_participate
from app.extensions import db
from app.panel import disclosure
from app.panel.models import (
    USER_GROUPS,
    Answer,
    Audience,
    FollowUp,
    FollowUpStatus,
    PanelMember,
    Participation,
    ProfileTally,
    Question,
    QuestionKind,
    Response,
    SubPanel,
    SubPanelMember,
    Survey,
    Tally,
)
from app.panel.stats import age_band


class PanelError(Exception):
    """A rule was broken; the message is for the user."""


def join_panel(actor: User, birth_year: int | None, area: str | None, groups: list[str]) -> None:
    """Join the panel, or change one's profile."""
    if not can_participate(actor):
        raise PanelError(_l("Du må bekrefte e-postadressen din før du kan bli med i panelet."))
    member = db.session.get(PanelMember, actor.id) or PanelMember(user_id=actor.id)
    member.birth_year, member.area, member.user_groups = birth_year, area or None, groups
    db.session.add(member)
    db.session.flush()


def leave_panel(actor: User) -> None:
    """Leave: the membership and profile go; past answers were never linked and stay."""
    member = db.session.get(PanelMember, actor.id)
    if member is not None:
        db.session.delete(member)
        db.session.flush()


def status(survey: Survey, on: date | None = None) -> str:
    """draft, scheduled, open or closed."""
    on = on or today()
    if survey.published_at is None:
        return "draft"
    if survey.closed_at is not None:
        return "closed"
    if on < survey.opens_on:
        return "scheduled"
    return "open" if on <= survey.closes_on else "closed"


def editable(survey: Survey) -> bool:
    """A survey with answers cannot change (copy it instead)."""
    return not db.session.scalar(sa.select(sa.exists().where(Participation.survey_id == survey.id)))


def create_survey(actor: User, **fields: Any) -> Survey:
    survey = Survey(**fields)
    db.session.add(survey)
    db.session.flush()
    audit(actor, "survey.created", survey)
    return survey


def update_survey(actor: User, survey: Survey, **fields: Any) -> None:
    _check_editable(survey)
    for key, value in fields.items():
        setattr(survey, key, value)
    db.session.flush()


def add_question(actor: User, survey: Survey, **fields: Any) -> Question:
    """Add a question; a number question needs its range (answers are held to it and
    shown in bins over it)."""
    from app.panel.forms import NUMBER_LIMIT

    _check_editable(survey)
    if fields.get("kind") == QuestionKind.number:
        low, high = fields.get("min_value"), fields.get("max_value")
        if low is None or high is None or not -NUMBER_LIMIT <= low < high <= NUMBER_LIMIT:
            raise PanelError(
                _l(
                    "Et tallspørsmål trenger laveste og høyeste tall, mellom %(low)s og %(high)s.",
                    low=-NUMBER_LIMIT,
                    high=NUMBER_LIMIT,
                )
            )
    position = max((q.position for q in survey.questions), default=0) + 1
    question = Question(survey_id=survey.id, position=position, **fields)
    db.session.add(question)
    db.session.flush()
    db.session.refresh(survey, ["questions"])
    return question


def delete_question(actor: User, question: Question) -> None:
    _check_editable(question.survey)
    db.session.delete(question)
    db.session.flush()


def move_question(actor: User, question: Question, step: int) -> None:
    """Swap the question with its neighbour above (-1) or below (+1)."""
    survey = question.survey
    _check_editable(survey)
    ordered = sorted(survey.questions, key=lambda q: q.position)
    index = ordered.index(question)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, q in enumerate(ordered, start=1):
            q.position = position
    db.session.flush()


def publish(actor: User, survey: Survey) -> None:
    if not survey.questions:
        raise PanelError(_l("Undersøkelsen må ha minst ett spørsmål."))
    survey.published_at = utcnow()
    audit(actor, "survey.published", survey)


def close_now(actor: User, survey: Survey) -> None:
    """End the survey now."""
    survey.closed_at = utcnow()
    survey.closes_on = max(min(survey.closes_on, today()), survey.opens_on)
    audit(actor, "survey.closed", survey)


def copy_as_next_round(actor: User, survey: Survey, opens_on: date, closes_on: date) -> Survey:
    """A new draft with the same questions (same lineage, for trends)."""
    copy = create_survey(
        actor,
        title=survey.title,
        intro=survey.intro,
        audience=survey.audience,
        subpanel_id=survey.subpanel_id,
        opens_on=opens_on,
        closes_on=closes_on,
        results_public=survey.results_public,
        previous_round_id=survey.id,
    )
    for q in survey.questions:
        db.session.add(
            Question(
                survey_id=copy.id,
                position=q.position,
                lineage=q.lineage,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=list(q.options),
                low_label=q.low_label,
                high_label=q.high_label,
                min_value=q.min_value,
                max_value=q.max_value,
                dimension=q.dimension,
                focus_area=q.focus_area,
            )
        )
    db.session.flush()
    return copy


def may_answer(user: Any, survey: Survey) -> bool:
    """Open today, in the audience, and not answered before."""
    return survey in answerable(user, [survey])


def answerable(user: Any, surveys: list[Survey]) -> list[Survey]:
    """The surveys ``user`` may answer now, in two queries however many there are."""
    if not user.is_authenticated or not can_participate(user):
        return []
    candidates = [s for s in surveys if status(s) == "open"]
    if not candidates:
        return []
    ids = [s.id for s in candidates]
    answered = set(
        db.session.scalars(
            sa.select(Participation.survey_id).where(
                Participation.user_id == user.id, Participation.survey_id.in_(ids)
            )
        )
    )
    in_panel = db.session.get(PanelMember, user.id) is not None
    subpanels = set(
        db.session.scalars(
            sa.select(SubPanelMember.subpanel_id).where(SubPanelMember.user_id == user.id)
        )
    )
    in_audience = {
        Audience.panel: lambda s: in_panel,
        Audience.subpanel: lambda s: s.subpanel_id in subpanels,
        Audience.residents: lambda s: user.has_role(Role.resident),
    }
    return [s for s in candidates if s.id not in answered and in_audience[s.audience](s)]


def has_answered(user: Any, survey: Survey) -> bool:
    return db.session.get(Participation, (survey.id, user.id)) is not None


def submit_answers(actor: User, survey: Survey, values: dict[int, Any]) -> None:
    """Store the answers with no trace of who gave them; record only that actor answered.

    ``values`` maps question id to: an int (scale6, number, single), a list of indexes
    (multi), a string (text), "dont_know" (scale6), or None (skipped).
    """
    if not may_answer(actor, survey):
        raise PanelError(_l("Du kan ikke svare på denne undersøkelsen."))
    day = today()
    # The participation row is what makes a second answer impossible (its primary key)
    db.session.add(Participation(survey_id=survey.id, user_id=actor.id))
    member = db.session.get(PanelMember, actor.id)
    own = _profile(
        (member.birth_year if member else None) or actor.birth_year,
        member.area if member else None,
        member.user_groups if member else [],
        day.year,
    )
    band, area, mask = disclosure.generalise(
        own, audience_profiles(survey, day.year), disclosure.threshold()
    )
    response = Response(
        survey_id=survey.id, submitted_on=day, age_band=band, area=area, user_groups_mask=mask
    )
    db.session.add(response)
    db.session.flush()
    answers = [_answer(question, values.get(question.id)) for question in survey.questions]
    answers = [answer for answer in answers if answer is not None]
    for answer in answers:
        answer.response_id = response.id
        answer.age_band, answer.area = response.age_band, response.area
        answer.user_groups_mask = response.user_groups_mask
    db.session.add_all(answers)
    db.session.flush()
    numeric = {q.id for q in survey.questions if q.kind in NUMERIC_KINDS}
    _count(response, answers, numeric)


#: The kinds of question whose answers are counted per stored profile (ProfileTally)
NUMERIC_KINDS = (QuestionKind.scale6, QuestionKind.number)


def _profile(
    birth_year: int | None, area: str | None, groups: list[str], year: int
) -> disclosure.Profile:
    return age_band(birth_year, year), area or None, group_mask(groups or [])


def audience_profiles(survey: Survey, year: int) -> Counter[disclosure.Profile]:
    """How many of the survey's audience have each profile (as a response would store it
    ungeneralised), in one query."""
    rows = db.session.execute(
        audience(survey)
        .outerjoin(PanelMember, PanelMember.user_id == User.id)
        .with_only_columns(
            User.birth_year, PanelMember.birth_year, PanelMember.area, PanelMember.user_groups
        )
    )
    return Counter(
        _profile(member_year or user_year, area, groups, year)
        for user_year, member_year, area, groups in rows
    )


def _groups(response: Response | Answer) -> list[tuple[str, str]]:
    """The (breakdown, group) pairs an answer is counted in, "" overall first."""
    pairs = [("", "")]
    if response.age_band:
        pairs.append(("age_band", response.age_band))
    if response.area:
        pairs.append(("area", response.area))
    mask = response.user_groups_mask or 0
    pairs += [("user_groups", key) for i, (key, _) in enumerate(USER_GROUPS) if mask & (1 << i)]
    return pairs


def _upsert_counts(model: type[Tally] | type[ProfileTally], rows: list[dict[str, Any]]) -> None:
    """Add ``rows`` (with a count of 1 each) to a tally table."""
    if not rows:
        return
    table = model.__table__
    insert = upsert_insert(table)
    stmt = insert.on_conflict_do_update(
        index_elements=list(table.primary_key.columns),
        set_={"count": table.c.count + insert.excluded.count},
    )
    db.session.execute(stmt, rows)


def _count(response: Response, answers: list[Answer], numeric: set[int]) -> None:
    """Add the answers to the tallies the results are read from, in the same transaction:
    per value and group, and (for ``numeric`` questions) per stored profile."""
    rows = [
        {
            "question_id": a.question_id,
            "breakdown": breakdown,
            "group_key": group,
            "value_int": a.value_int or 0,
            "dont_know": bool(a.dont_know),
            "count": 1,
        }
        for a in answers
        for breakdown, group in _groups(response)
    ]
    _upsert_counts(Tally, rows)
    profile = {
        "age_band": response.age_band or "",
        "area": response.area or "",
        "user_groups_mask": response.user_groups_mask or 0,
        "count": 1,
    }
    valued = [a for a in answers if a.question_id in numeric and _valued(a)]
    _upsert_counts(
        ProfileTally,
        [{"question_id": a.question_id, "value_int": a.value_int, **profile} for a in valued],
    )


def _valued(answer: Answer) -> bool:
    return answer.value_int is not None and not answer.dont_know


def recount(survey_id: int) -> None:
    """Count a survey's tallies afresh from its answers (for answers written in bulk, as
    the benchmark does; submit_answers keeps them up to date itself)."""
    questions = sa.select(Question.id).where(Question.survey_id == survey_id)
    db.session.execute(sa.delete(Tally).where(Tally.question_id.in_(questions)))
    db.session.execute(sa.delete(ProfileTally).where(ProfileTally.question_id.in_(questions)))
    value = sa.func.coalesce(Answer.value_int, 0)
    columns = ["question_id", "breakdown", "group_key", "value_int", "dont_know", "count"]

    def count(breakdown: str, group: Any, *where: Any) -> None:
        """INSERT … SELECT of one breakdown's counts; ``group`` a column or a constant."""
        keys = [Answer.question_id, value, Answer.dont_know]
        if isinstance(group, str):
            group = sa.literal(group, sa.String)
        else:
            keys.append(group)
        counted = (
            sa.select(
                Answer.question_id,
                sa.literal(breakdown, sa.String),
                group,
                value,
                Answer.dont_know,
                sa.func.count(),
            )
            .where(Answer.question_id.in_(questions), *where)
            .group_by(*keys)
        )
        db.session.execute(sa.insert(Tally).from_select(columns, counted))

    count("", "")
    count("age_band", Answer.age_band, Answer.age_band.is_not(None))
    count("area", Answer.area, Answer.area.is_not(None))
    for i, (key, _label) in enumerate(USER_GROUPS):
        count("user_groups", key, Answer.user_groups_mask.op("&")(1 << i) != 0)
    profile = (
        sa.func.coalesce(Answer.age_band, ""),
        sa.func.coalesce(Answer.area, ""),
        Answer.user_groups_mask,
    )
    numeric = questions.where(Question.kind.in_(NUMERIC_KINDS))
    counted = (
        sa.select(Answer.question_id, *profile, Answer.value_int, sa.func.count())
        .where(
            Answer.question_id.in_(numeric),
            Answer.value_int.is_not(None),
            Answer.dont_know.is_(False),
        )
        .group_by(Answer.question_id, *profile, Answer.value_int)
    )
    db.session.execute(
        sa.insert(ProfileTally).from_select(
            ["question_id", "age_band", "area", "user_groups_mask", "value_int", "count"],
            counted,
        )
    )


def _answer(question: Question, value: Any) -> Answer | None:
    if value is None or value == "" or value == []:
        return None
    answer = Answer(question_id=question.id)
    if question.kind == QuestionKind.scale6 and value == "dont_know":
        answer.dont_know = True
    elif question.kind == QuestionKind.multi:
        answer.value_int = sum(1 << int(i) for i in value)
    elif question.kind == QuestionKind.text:
        answer.value_text = str(value)
    else:
        answer.value_int = int(value)
    return answer


def add_followup(actor: User, survey: Survey, what: str, owner: str, due_on: date | None) -> None:
    db.session.add(FollowUp(survey_id=survey.id, what=what, owner=owner, due_on=due_on))
    audit(actor, "survey.followup_added", survey, {"what": what})


def set_followup_status(actor: User, followup: FollowUp, new: FollowUpStatus) -> None:
    followup.status = new
    audit(actor, "survey.followup_status", followup, {"status": new.value})


def _check_editable(survey: Survey) -> None:
    if not editable(survey):
        raise PanelError(_l("Undersøkelsen har fått svar og kan ikke endres. Kopier den i stedet."))


#: Tables whose physical order must not follow the order people answered in
_ANONYMOUS_TABLES = ("survey_participations", "survey_responses", "survey_answers")


def reorder_for_anonymity() -> None:
    """PostgreSQL keeps rows in the order they were written, and stamps each row with the
    transaction that wrote it (xmin), which a participation shares with its response. So:
    rewrite every participation in this one transaction (they all get its xmin), then the
    tables in key order (random for responses), so neither disk order nor transaction ids
    link a participation to a response. SQLite needs nothing: the tables are WITHOUT ROWID,
    always stored in key order, and rows carry no transaction id."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(sa.text("UPDATE survey_participations SET survey_id = survey_id"))
    for table in _ANONYMOUS_TABLES:
        db.session.execute(sa.text(f"CLUSTER {table} USING pk_{table}"))


def group_mask(groups: list[str]) -> int:
    keys = [key for key, _label in USER_GROUPS]
    return sum(1 << keys.index(g) for g in groups if g in keys)


REMIND_DAYS_BEFORE_CLOSING = 3


def audience(survey: Survey) -> sa.Select[tuple[User]]:
    """Everyone the survey asks: active, confirmed users in the panel or all residents."""
    stmt = sa.select(User).where(User.active.is_(True), User.confirmed_at.is_not(None))
    if survey.audience == Audience.panel:
        return stmt.where(User.id.in_(sa.select(PanelMember.user_id)))
    if survey.audience == Audience.subpanel:
        members = sa.select(SubPanelMember.user_id).where(
            SubPanelMember.subpanel_id == survey.subpanel_id
        )
        return stmt.where(User.id.in_(members))
    return stmt.where(User.roles.any(UserRole.role == Role.resident))


def audience_key(survey: Survey) -> tuple[Audience, int | None]:
    """What ``audience_sizes`` counts a survey's audience under."""
    return survey.audience, survey.subpanel_id if survey.audience == Audience.subpanel else None


def audience_sizes(
    session: Session, surveys: Iterable[Survey]
) -> dict[tuple[Audience, int | None], int]:
    """(audience, sub-panel id) -> how many ``audience`` asks, for the surveys' audiences:
    one query per kind of audience among them (the panel, the sub-panels, the residents)."""
    kinds = {audience_key(s) for s in surveys}
    people = sa.select(sa.func.count()).where(User.active.is_(True), User.confirmed_at.is_not(None))
    out: dict[tuple[Audience, int | None], int] = {}
    if (Audience.panel, None) in kinds:
        panel = session.scalar(people.where(User.id.in_(sa.select(PanelMember.user_id))))
        out[(Audience.panel, None)] = panel or 0
    if (Audience.residents, None) in kinds:
        residents = session.scalar(people.where(User.roles.any(UserRole.role == Role.resident)))
        out[(Audience.residents, None)] = residents or 0
    subpanels = [sub for kind, sub in kinds if kind == Audience.subpanel and sub is not None]
    if subpanels:
        rows = session.execute(
            sa.select(SubPanelMember.subpanel_id, sa.func.count())
            .join(User, User.id == SubPanelMember.user_id)
            .where(
                SubPanelMember.subpanel_id.in_(subpanels),
                User.active.is_(True),
                User.confirmed_at.is_not(None),
            )
            .group_by(SubPanelMember.subpanel_id)
        )
        out.update({(Audience.subpanel, sub): n for sub, n in rows})
    return out


def send_invitations_and_reminders(on: date | None = None) -> tuple[int, int]:
    """Invite the audience when a survey opens; remind those who have not answered three
    days before it closes (once). Returns (invitations, reminders) queued."""
    on = on or today()
    open_on = (
        Survey.published_at.is_not(None),
        Survey.closed_at.is_(None),
        Survey.opens_on <= on,
        Survey.closes_on >= on,
    )
    # Reminders first: a survey invited in this run is reminded in a later one at the earliest
    reminded = 0
    for survey in _claim(
        Survey.reminded_at,
        *open_on,
        Survey.invited_at.is_not(None),
        Survey.closes_on <= on + timedelta(days=REMIND_DAYS_BEFORE_CLOSING),
    ):
        answered = sa.select(Participation.user_id).where(Participation.survey_id == survey.id)
        reminded += _mail_audience(
            survey, "panel_reminder", audience(survey).where(User.id.not_in(answered))
        )
    invited = 0
    for survey in _claim(Survey.invited_at, *open_on):
        invited += _mail_audience(survey, "panel_invitation", audience(survey))
    db.session.flush()
    return invited, reminded


def _claim(sent_at: InstrumentedAttribute[datetime | None], *where: Any) -> list[Survey]:
    """Set ``sent_at`` on the surveys ``where`` selects that have it empty, and return them.

    One UPDATE … RETURNING checks and sets at once, so when two workers run the job at the
    same moment each survey goes to one of them (the other's UPDATE waits for the row and
    then finds it set): nobody is mailed twice.
    """
    claimed = db.session.scalars(
        sa.update(Survey)
        .where(sent_at.is_(None), *where)
        .values({sent_at: utcnow()})
        .returning(Survey)
    )
    return list(claimed)


def _mail_audience(survey: Survey, template: str, users: sa.Select[tuple[User]]) -> int:
    link = absolute_url("panel.answer", survey_id=survey.id)
    count = 0
    for user in db.session.scalars(users.execution_options(yield_per=500)):
        queue_mail(user.email, template, user.language or "nb", user=user, survey=survey, link=link)
        count += 1
    return count


def volunteers_by_stratum() -> dict[tuple[str, str], list[int]]:
    """Active, confirmed panel members with a known age band and area, by stratum."""
    year = today().year
    strata: dict[tuple[str, str], list[int]] = {}
    for user_id, birth_year, area in db.session.execute(
        sa.select(PanelMember.user_id, PanelMember.birth_year, PanelMember.area)
        .join(User, User.id == PanelMember.user_id)
        .where(User.active.is_(True), User.confirmed_at.is_not(None))
    ):
        band = age_band(birth_year, year)
        if band and area:
            strata.setdefault((band, area), []).append(user_id)
    return strata


def draw_subpanel(actor: User, name: str, size: int, seed: int | None) -> SubPanel:
    """Draw a sub-panel by stratified lottery, store it with its seed, tell the members."""
    from app.core.settings import get_settings
    from app.panel import lottery

    settings = get_settings()
    if not settings.age_shares or not settings.area_shares:
        raise PanelError(
            _l("Legg inn befolkningen etter aldersgruppe og område i innstillingene først.")
        )
    seed = seed if seed is not None else secrets.randbelow(10**9)
    drawn, report = lottery.draw(
        size, seed, volunteers_by_stratum(), settings.age_shares, settings.area_shares
    )
    if not drawn:
        raise PanelError(_l("Ingen frivillige med alder og område å trekke blant."))
    subpanel = SubPanel(
        name=name,
        size=size,
        seed=seed,
        report=[
            {
                "age_band": r.stratum[0],
                "area": r.stratum[1],
                "share": round(100 * r.population_share, 1),
                "volunteers": r.volunteers,
                "drawn": r.drawn,
            }
            for r in report
        ],
    )
    db.session.add(subpanel)
    db.session.flush()
    db.session.add_all(SubPanelMember(subpanel_id=subpanel.id, user_id=uid) for uid in drawn)
    link = absolute_url("panel.index")
    for user in db.session.scalars(sa.select(User).where(User.id.in_(drawn))):
        queue_mail(
            user.email,
            "panel_drawn",
            user.language or "nb",
            user=user,
            subpanel=subpanel,
            link=link,
        )
    audit(actor, "panel.subpanel_drawn", subpanel, {"size": size, "seed": seed})
    return subpanel
