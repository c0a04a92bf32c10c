"""Golden service moment views: load, check, one service call, commit, flash, redirect."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.core.cache import cached_fragment, cached_page
from app.core.dates import add_months, today
from app.core.feeds import Entry, atom_feed
from app.core.i18n import translated
from app.core.links import BadLink, absolute_url
from app.core.markdown import render_markdown
from app.core.models import Unit
from app.core.permissions import Role, role_required
from app.core.ratelimits import limit_posts
from app.core.settings import get_settings
from app.core.templating import render_shared
from app.extensions import db
from app.moments import bp, queries, services
from app.moments.forms import (
    ApproveForm,
    EditForm,
    NominationForm,
    PromptForm,
    ReflectionForm,
    RejectForm,
    WinnerForm,
)
from app.moments.labels import STATE_LABELS
from app.moments.models import Nomination, NominationState, ReflectionPrompt
from app.moments.months import add_week, iso_week, monday_of, this_month, this_week
from app.moments.public import public_moment

#: Winners on the gallery's front page; older ones are on the year pages
GALLERY_SIZE = 12
FEED_SIZE = 20
FIRST_YEAR = 2000


@lru_cache(maxsize=2048)
def _story_html(text: str) -> Markup:
    """A story's HTML, rendered once per process (stories rarely change)."""
    return render_markdown(text)


@bp.app_template_filter("story")
def _story_filter(text: str) -> Markup:
    return _story_html(text)


@bp.context_processor
def _permissions() -> dict[str, object]:
    return {
        "can_moderate": services.can_moderate(current_user),
        "can_publish_prompts": services.can_publish_prompts(current_user),
        "state_labels": translated(STATE_LABELS),
    }


def _commit_public() -> None:
    """Commit a change the gallery shows (the commit clears the kept pages, app.core.cache)."""
    db.session.commit()


def _counts(year: int) -> list[tuple[str, int]]:
    return [tuple(row) for row in db.session.execute(queries.approved_per_unit(year))]


# --- public pages ------------------------------------------------------------------------


@bp.get("/")
@cached_page()
def index():  # type: ignore[no-untyped-def]
    """The gallery: the newest winners, this year's count per unit, links to earlier years."""
    return render_template("moments/index.html",
                           content=cached_fragment("moments.gallery", _gallery))  # fmt: skip


def _gallery() -> str:
    """The part of the gallery that is the same for every reader."""
    rows = db.session.execute(queries.winners(limit=GALLERY_SIZE))
    winners = [public_moment(row) for row in rows]
    years = [int(y) for y in db.session.scalars(queries.WINNER_YEARS)]
    year = today().year
    return render_shared(
        "moments/_gallery.html", winners=winners, years=years, year=year, counts=_counts(year)
    )


@bp.get("/<int:year>")
@cached_page()
def year(year: int):  # type: ignore[no-untyped-def]
    """One year's winners, newest month first, and the year's count per unit."""
    if not FIRST_YEAR <= year <= today().year:
        abort(404)

    def content() -> str:
        rows = db.session.execute(queries.winners(year=year))
        return render_shared(
            "moments/_year.html",
            year=year,
            counts=_counts(year),
            winners=[public_moment(row) for row in rows],
        )

    return render_template("moments/year.html", year=year,
                           content=cached_fragment(f"moments.year.{year}", content))  # fmt: skip


@bp.get("/feed.atom")
@cached_page()
def feed():  # type: ignore[no-untyped-def]
    """Atom feed of the winners."""
    winners = [public_moment(row) for row in db.session.execute(queries.winners(limit=FEED_SIZE))]
    entries = []
    for m in winners:
        link = absolute_url("moments.year", year=m.month.year) + m.month.strftime("#m-%Y-%m")
        content = Markup("<p><strong>{}</strong></p>").format(m.citation) + _story_html(m.story)
        entries.append(Entry(
            id=link, title=f"{format_date(m.month, 'LLLL y')}: {m.credited_to}", link=link,
            updated=m.published_at, published=m.published_at, summary=m.citation or "",
            content_html=str(content)))  # fmt: skip
    name = get_settings().name
    return atom_feed(f"{_('Månedens gylne serviceøyeblikk')} – {name}",
                     absolute_url("moments.index"), absolute_url("moments.feed"),
                     absolute_url("moments.index"), entries,
                     language=str(get_locale()), author=name)  # fmt: skip


@bp.route("/nominate", methods=["GET", "POST"])
@limit_posts(lambda: current_app.config["NOMINATION_RATE_LIMIT"])
def nominate():  # type: ignore[no-untyped-def]
    """Nominate a golden service moment; no account needed."""
    form = NominationForm()
    form.unit.choices = [(u.id, u.name) for u in db.session.scalars(queries.active_units())]
    if request.method == "GET" and current_user.is_authenticated:
        form.nominator_name.data = current_user.name
        form.nominator_email.data = current_user.email
    if form.validate_on_submit():
        if form.website.data:  # a bot filled in the hidden field: pretend all went well
            return _sent(form.nominator_email.data, confirmed=False)
        try:
            nomination = services.nominate(
                current_user, unit_id=form.unit.data, employee_name=form.employee_name.data,
                happened_on=form.happened_on.data, story=form.story.data,
                nominator_name=form.nominator_name.data, nominator_email=form.nominator_email.data,
                may_contact=bool(form.may_contact.data), language=str(get_locale()),
            )  # fmt: skip
        except services.MomentError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return _sent(nomination.nominator_email,
                         nomination.state == NominationState.pending)  # fmt: skip
    return render_template("moments/nominate.html", form=form)


def _sent(email: str | None, confirmed: bool):  # type: ignore[no-untyped-def]
    session["nomination_sent"] = {"email": email, "confirmed": confirmed}
    return redirect(url_for("moments.nominated"))


@bp.get("/nominate/sent")
def nominated():  # type: ignore[no-untyped-def]
    """Tell the nominator to look for the confirmation mail (or that it is confirmed)."""
    sent = session.get("nomination_sent") or {}
    return render_template("moments/nominated.html", email=sent.get("email"),
                           confirmed=sent.get("confirmed", False))  # fmt: skip


@bp.get("/confirm/<token>")
def confirm(token: str):  # type: ignore[no-untyped-def]
    """Confirm a nomination from the link in the mail."""
    try:
        _nomination, confirmed = services.confirm_nomination(token)
    except services.LinkExpired as expired:
        db.session.commit()  # the fresh link's mail
        flash(str(expired), "warning")
        return redirect(url_for("moments.index"))
    except BadLink:
        flash(_("Lenken er ugyldig. Sjekk at du har kopiert hele lenken."), "danger")
        return redirect(url_for("moments.index"))
    db.session.commit()
    if confirmed:
        flash(_("Takk! Nominasjonen er bekreftet og sendt til utvalget."), "success")
    else:
        flash(_("Nominasjonen var allerede bekreftet."), "info")
    return redirect(url_for("moments.index"))


# --- the committee -----------------------------------------------------------------------

committee_only = role_required(Role.committee, Role.admin)


@bp.get("/manage/")
@committee_only
def manage():  # type: ignore[no-untyped-def]
    """The committee's page: nominations to moderate and the months to choose winners for."""
    pending = db.session.scalars(queries.nominations_in(NominationState.pending)).all()
    months = [add_months(this_month(), -n) for n in range(6)]
    winners = {w.month: w for w in db.session.scalars(queries.winners_for(months))}
    approved = dict(db.session.execute(queries.approved_counts_by_month(months)).all())
    unconfirmed = db.session.scalar(
        sa.select(sa.func.count()).where(Nomination.state == NominationState.unconfirmed)
    )
    return render_template("moments/manage.html", pending=pending, months=months,
                           winners=winners, approved=approved, unconfirmed=unconfirmed)  # fmt: skip


def _nomination_or_404(nomination_id: int) -> Nomination:
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.state == NominationState.unconfirmed:
        abort(404)  # not the committee's until the nominator confirms
    return nomination


@bp.route("/manage/nominations/<int:nomination_id>", methods=["GET", "POST"])
@committee_only
def nomination(nomination_id: int):  # type: ignore[no-untyped-def]
    """One nomination: approve, edit for anonymisation, record consent."""
    nomination = _nomination_or_404(nomination_id)
    form = EditForm(obj=nomination)
    if form.validate_on_submit():
        try:
            changed = services.edit_nomination(
                current_user, nomination, form.employee_name.data, form.story.data,
                bool(form.name_consent.data),
            )  # fmt: skip
        except services.MomentError as error:
            form.form_errors.append(str(error))
        else:
            _commit_public()
            flash(_("Endringene er lagret.") if changed else _("Ingen endringer å lagre."),
                  "success")  # fmt: skip
            return redirect(url_for("moments.nomination", nomination_id=nomination.id))
    return render_template("moments/nomination.html", nomination=nomination, form=form,
                           approve_form=ApproveForm(formdata=None))  # fmt: skip


@bp.post("/manage/nominations/<int:nomination_id>/approve")
@committee_only
def approve(nomination_id: int):  # type: ignore[no-untyped-def]
    """Approve, recording the employee's consent to publication of the name."""
    nomination = _nomination_or_404(nomination_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve(current_user, nomination, bool(form.name_consent.data))
    except services.MomentError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        _commit_public()
        flash(_("Nominasjonen er godkjent, og den som nominerte har fått beskjed."), "success")
    return redirect(url_for("moments.nomination", nomination_id=nomination_id))


@bp.route("/manage/nominations/<int:nomination_id>/reject", methods=["GET", "POST"])
@committee_only
def reject(nomination_id: int):  # type: ignore[no-untyped-def]
    """Confirm, with a reason, then reject; the nominator is told why."""
    nomination = _nomination_or_404(nomination_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(current_user, nomination, form.reason.data)
        except services.MomentError as error:
            form.form_errors.append(str(error))
        else:
            _commit_public()
            flash(_("Nominasjonen er avvist, og den som nominerte har fått begrunnelsen."),
                  "success")  # fmt: skip
            return redirect(url_for("moments.manage"))
    return render_template("moments/reject.html", nomination=nomination, form=form)


@bp.route("/manage/winner/<int:year>/<int:month>", methods=["GET", "POST"])
@committee_only
def winner(year: int, month: int):  # type: ignore[no-untyped-def]
    """Choose the month's winner among its approved nominations (and last month's)."""
    if not (FIRST_YEAR <= year <= today().year and 1 <= month <= 12):
        abort(404)
    first = date(year, month, 1)
    existing = db.session.scalar(queries.winners_for([first]))
    candidates = db.session.scalars(queries.eligible(first)).all()
    form = WinnerForm()
    form.nomination.choices = [(n.id, n.unit.name) for n in candidates]
    if existing is None and form.validate_on_submit():
        chosen = next((n for n in candidates if n.id == form.nomination.data), None)
        try:
            if chosen is None:
                raise services.MomentError(_("Velg en av nominasjonene i listen."))
            services.publish_winner(current_user, first, chosen, form.citation.data)
            _commit_public()
        except services.MomentError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except sa.exc.IntegrityError:  # another member published this month at the same moment
            db.session.rollback()
            flash(_("Noen andre i utvalget publiserte nettopp vinneren for denne måneden."),
                  "warning")  # fmt: skip
            return redirect(url_for("moments.winner", year=year, month=month))
        else:
            flash(_("Månedens vinner er publisert."), "success")
            return redirect(url_for("moments.year", year=year, _anchor=f"m-{year}-{month:02d}"))
    return render_template(
        "moments/winner.html", month=first, form=form, existing=existing,
        candidates=candidates, open=services.publishable_month(first),
    )  # fmt: skip


# --- ukas servicerefleksjon --------------------------------------------------------------


@bp.get("/reflection")
@bp.get("/reflection/<int:iso_year>/<int:week>")
def reflection(iso_year: int | None = None, week: int | None = None):  # type: ignore[no-untyped-def]
    """The week's reflection prompt and which units have held it."""
    try:
        monday = this_week() if iso_year is None or week is None else monday_of(iso_year, week)
    except ValueError:
        abort(404)
    prompt = db.session.scalar(queries.prompt_for(monday))
    held = db.session.execute(queries.reflections(prompt.id)).all() if prompt else []
    held_ids = {row.id for row in held}
    units = db.session.scalars(queries.active_units()).all()
    may_record = prompt is not None and monday <= this_week()
    own = [u for u in units if may_record and u.id not in held_ids
           and services.can_record_reflection(current_user, u)]  # fmt: skip
    return render_template(
        "moments/reflection.html", monday=monday, week=iso_week(monday), prompt=prompt,
        held=held, units=units, own=own,
        form=ReflectionForm(formdata=None), previous=add_week(monday, -1),
        following=add_week(monday, 1) if monday < this_week() else None,
    )  # fmt: skip


@bp.post("/reflection/<int:prompt_id>/units/<int:unit_id>")
@role_required(Role.service_owner, Role.admin)
def record_reflection(prompt_id: int, unit_id: int):  # type: ignore[no-untyped-def]
    """The unit's contact records that the unit held the reflection."""
    prompt = db.get_or_404(ReflectionPrompt, prompt_id)
    unit = db.get_or_404(Unit, unit_id)
    if not services.can_record_reflection(current_user, unit):
        abort(403)
    form = ReflectionForm()
    target = url_for("moments.reflection", iso_year=iso_week(prompt.week_start)[0],
                     week=iso_week(prompt.week_start)[1])  # fmt: skip
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.learning.errors) or _("Prøv igjen."), "danger")
        return redirect(target)
    try:
        services.record_reflection(current_user, prompt, unit, form.learning.data)
        db.session.commit()
    except services.MomentError as error:
        db.session.rollback()
        flash(str(error), "danger")
    except sa.exc.IntegrityError:  # the same unit recorded in another tab at the same moment
        db.session.rollback()
        flash(_("%(unit)s har allerede registrert denne refleksjonen.", unit=unit.name), "info")
    else:
        flash(_("Takk! Refleksjonen er registrert for %(unit)s.", unit=unit.name), "success")
    return redirect(target)


@bp.route("/manage/reflection", methods=["GET", "POST"])
@role_required(Role.admin)
def prompts():  # type: ignore[no-untyped-def]
    """Administrators publish the reflection prompt of a week."""
    form = PromptForm()
    if request.method == "GET":
        form.week.data = this_week()
    if form.validate_on_submit():
        try:
            services.publish_prompt(current_user, form.week.data, form.prompt.data)
            db.session.commit()
        except services.MomentError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except sa.exc.IntegrityError:
            db.session.rollback()
            form.form_errors.append(_("Den uken har allerede et refleksjonsspørsmål."))
        else:
            flash(_("Refleksjonsspørsmålet er publisert."), "success")
            return redirect(url_for("moments.prompts"))
    return render_template("moments/prompts.html", form=form,
                           recent=db.session.execute(queries.prompts(limit=30)).all(),
                           units=len(db.session.scalars(queries.active_units()).all()))  # fmt: skip
