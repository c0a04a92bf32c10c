"""Brukerpanel views."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.charts import CHART_CSP, distribution_svg
from app.core.csvfiles import csv_response
from app.core.forms import ConfirmForm
from app.core.permissions import Role, confirmed_required, role_required
from app.core.settings import get_settings
from app.extensions import db
from app.panel import bp, results, services
from app.panel.disclosure import threshold
from app.panel.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    USER_GROUPS,
    FollowUpForm,
    LotteryForm,
    MembershipForm,
    QuestionForm,
    RoundForm,
    SurveyForm,
    parse_answers,
)
from app.panel.models import (
    FollowUp,
    FollowUpStatus,
    PanelMember,
    Question,
    SubPanel,
    Survey,
)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "group_labels": dict(USER_GROUPS),
        "survey_status": services.status,
    }


def _membership_form(member: PanelMember | None) -> MembershipForm:
    form = MembershipForm(obj=member)
    form.area.choices = [("", _("Velg område")), *[(a, a) for a in get_settings().areas]]
    return form


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Join the panel; the surveys open to the reader; closed surveys with public results."""
    member = db.session.get(PanelMember, current_user.id) if current_user.is_authenticated else None
    surveys = db.session.scalars(
        sa.select(Survey).where(Survey.published_at.is_not(None)).order_by(Survey.closes_on.desc())
    ).all()
    open_for_me = services.answerable(current_user, list(surveys))
    published = [s for s in surveys if services.status(s) == "closed" and s.results_public]
    return render_template(
        "panel/index.html",
        member=member,
        form=_membership_form(member),
        open_for_me=open_for_me,
        published=published,
        leave_form=ConfirmForm(),
        k=threshold(),
    )


@bp.post("/join")
@confirmed_required
def join():  # type: ignore[no-untyped-def]
    """Join the panel or change one's profile."""
    member = db.session.get(PanelMember, current_user.id)
    form = _membership_form(member)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("panel.index"))
    services.join_panel(
        current_user, form.birth_year.data, form.area.data, form.user_groups.data or []
    )
    db.session.commit()
    flash(
        _("Du er med i brukerpanelet. Takk!") if member is None else _("Profilen er lagret."),
        "success",
    )
    return redirect(url_for("panel.index"))


@bp.post("/leave")
@confirmed_required
def leave():  # type: ignore[no-untyped-def]
    """Leave the panel (past answers stay; they were never linked to you)."""
    if ConfirmForm().validate_on_submit():
        services.leave_panel(current_user)
        db.session.commit()
        flash(_("Du er ikke lenger med i brukerpanelet."), "success")
    return redirect(url_for("panel.index"))


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@confirmed_required
def answer(survey_id: int):  # type: ignore[no-untyped-def]
    """Answer a survey (works without JavaScript; keeps answers on an error)."""
    survey = db.get_or_404(Survey, survey_id)
    preview = request.args.get("preview") == "1" and current_user.has_role(Role.admin)
    if not preview and not services.may_answer(current_user, survey):
        if services.has_answered(current_user, survey):
            flash(_("Du har allerede svart på denne undersøkelsen. Takk!"), "info")
            return redirect(url_for("panel.index"))
        abort(403)
    form = ConfirmForm()
    values, errors = {}, {}
    if request.method == "POST" and not preview and form.validate_on_submit():
        values, errors = parse_answers(list(survey.questions), request.form)
        if not errors:
            try:
                services.submit_answers(current_user, survey, values)
                db.session.commit()
            except (services.PanelError, sa.exc.IntegrityError):
                db.session.rollback()
                flash(_("Du har allerede svart på denne undersøkelsen."), "warning")
                return redirect(url_for("panel.index"))
            return render_template("panel/thanks.html", survey=survey)
        values = {k: v for k, v in values.items() if v is not None}
    return render_template(
        "panel/answer.html", survey=survey, form=form, values=values, errors=errors, preview=preview
    )


@bp.get("/surveys/<int:survey_id>/results")
def results_page(survey_id: int):  # type: ignore[no-untyped-def]
    """While open, how many have answered; then the results, with nothing about a small
    group shown or derivable; free text for committee and admins only."""
    survey, staff = _results_or_abort(survey_id)
    state = services.status(survey)
    rows = results.question_results(survey, include_text=staff, reader=current_user)
    followups = db.session.scalars(
        sa.select(FollowUp).where(FollowUp.survey_id == survey.id).order_by(FollowUp.id)
    ).all()
    return render_template(
        "panel/results.html",
        survey=survey,
        state=state,
        results=rows,
        rate=results.response_rate(survey),
        dimensions=results.dimension_means(rows),
        followups=followups,
        staff=staff,
        k=threshold(),
        followup_form=FollowUpForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/surveys/<int:survey_id>/followups")
@role_required(Role.committee, Role.admin)
def add_followup(survey_id: int):  # type: ignore[no-untyped-def]
    """Dette gjør vi: add a follow-up action."""
    survey = db.get_or_404(Survey, survey_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        services.add_followup(
            current_user, survey, form.what.data, form.owner.data, form.due_on.data
        )
        db.session.commit()
        flash(_("Tiltaket er lagt til."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("panel.results_page", survey_id=survey.id) + "#followups")


@bp.post("/followups/<int:followup_id>/<any(planned, in_progress, done):new>")
@role_required(Role.committee, Role.admin)
def followup_status(followup_id: int, new: str):  # type: ignore[no-untyped-def]
    """Move a follow-up action to a new status."""
    followup = db.get_or_404(FollowUp, followup_id)
    if ConfirmForm().validate_on_submit():
        services.set_followup_status(current_user, followup, FollowUpStatus(new))
        db.session.commit()
    return redirect(url_for("panel.results_page", survey_id=followup.survey_id) + "#followups")


# --- administration ------------------------------------------------------------------------


@bp.route("/manage/", methods=["GET", "POST"])
@role_required(Role.admin)
def manage():  # type: ignore[no-untyped-def]
    """All surveys, and a form for a new one."""
    form = _survey_form()
    if form.validate_on_submit():
        survey = services.create_survey(current_user, **_survey_values(form))
        db.session.commit()
        return redirect(url_for("panel.manage_survey", survey_id=survey.id))
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.id.desc())).all()
    members = db.session.scalar(sa.select(sa.func.count()).select_from(PanelMember))
    subpanels = db.session.scalars(sa.select(SubPanel).order_by(SubPanel.id.desc())).all()
    return render_template(
        "panel/manage.html", form=form, surveys=surveys, members=members, subpanels=subpanels
    )


def _survey_form(obj: Survey | None = None) -> SurveyForm:
    form = SurveyForm(obj=obj)
    subpanels = db.session.scalars(sa.select(SubPanel).order_by(SubPanel.id.desc())).all()
    form.subpanel_id.choices = [("", _("Ingen")), *[(str(p.id), p.name) for p in subpanels]]
    return form


def _survey_values(form: SurveyForm) -> dict[str, object]:
    return {
        "subpanel_id": int(form.subpanel_id.data) if form.subpanel_id.data else None,
        "title": form.title.data,
        "intro": form.intro.data or "",
        "audience": form.audience.data,
        "opens_on": form.opens_on.data,
        "closes_on": form.closes_on.data,
        "results_public": bool(form.results_public.data),
    }


@bp.route("/manage/surveys/<int:survey_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def manage_survey(survey_id: int):  # type: ignore[no-untyped-def]
    """Edit a survey and its questions; publish, close or copy it."""
    survey = db.get_or_404(Survey, survey_id)
    form = _survey_form(survey)
    question_form = QuestionForm(prefix="q")
    if request.method == "GET":
        form.audience.data = survey.audience.value
        form.subpanel_id.data = str(survey.subpanel_id or "")
    if form.submit.data and form.validate_on_submit():
        try:
            services.update_survey(current_user, survey, **_survey_values(form))
            db.session.commit()
            flash(_("Undersøkelsen er lagret."), "success")
        except services.PanelError as error:
            db.session.rollback()
            flash(str(error), "danger")
        return redirect(url_for("panel.manage_survey", survey_id=survey.id))
    if question_form.submit.data and question_form.validate_on_submit():
        try:
            services.add_question(current_user, survey, **question_form.values())
            db.session.commit()
            flash(_("Spørsmålet er lagt til."), "success")
        except services.PanelError as error:
            db.session.rollback()
            flash(str(error), "danger")
        return redirect(url_for("panel.manage_survey", survey_id=survey.id))
    return render_template(
        "panel/manage_survey.html",
        survey=survey,
        form=form,
        question_form=question_form,
        confirm_form=ConfirmForm(),
        round_form=RoundForm(prefix="r"),
        editable=services.editable(survey),
    )


@bp.post("/manage/questions/<int:question_id>/<any(up, down, delete):action>")
@role_required(Role.admin)
def change_question(question_id: int, action: str):  # type: ignore[no-untyped-def]
    """Move a question up or down, or delete it."""
    question = db.get_or_404(Question, question_id)
    survey_id = question.survey_id
    if ConfirmForm().validate_on_submit():
        try:
            if action == "delete":
                services.delete_question(current_user, question)
            else:
                services.move_question(current_user, question, -1 if action == "up" else 1)
            db.session.commit()
        except services.PanelError as error:
            db.session.rollback()
            flash(str(error), "danger")
    return redirect(url_for("panel.manage_survey", survey_id=survey_id) + "#questions")


@bp.post("/manage/surveys/<int:survey_id>/<any(publish, close):action>")
@role_required(Role.admin)
def survey_action(survey_id: int, action: str):  # type: ignore[no-untyped-def]
    """Publish a survey, or close it today."""
    survey = db.get_or_404(Survey, survey_id)
    if ConfirmForm().validate_on_submit():
        try:
            (services.publish if action == "publish" else services.close_now)(current_user, survey)
            db.session.commit()
            flash(
                _("Undersøkelsen er publisert.")
                if action == "publish"
                else _("Undersøkelsen er stengt."),
                "success",
            )
        except services.PanelError as error:
            db.session.rollback()
            flash(str(error), "danger")
    return redirect(url_for("panel.manage_survey", survey_id=survey.id))


@bp.post("/manage/surveys/<int:survey_id>/copy")
@role_required(Role.admin)
def copy_round(survey_id: int):  # type: ignore[no-untyped-def]
    """Copy the survey as the next round of the same questions."""
    survey = db.get_or_404(Survey, survey_id)
    form = RoundForm(prefix="r")
    if not form.validate_on_submit() or form.closes_on.data < form.opens_on.data:
        flash(_("Velg datoer for den nye runden."), "danger")
        return redirect(url_for("panel.manage_survey", survey_id=survey.id))
    copy = services.copy_as_next_round(
        current_user, survey, form.opens_on.data, form.closes_on.data
    )
    db.session.commit()
    flash(_("Ny runde er laget som utkast."), "success")
    return redirect(url_for("panel.manage_survey", survey_id=copy.id))


def _results_or_abort(survey_id: int) -> tuple[Survey, bool]:
    survey = db.get_or_404(Survey, survey_id)
    state = services.status(survey)
    if state == "draft" or not results.may_see_results(current_user, survey, state):
        abort(404 if state == "draft" else 403)
    staff = current_user.is_authenticated and current_user.has_role(Role.committee, Role.admin)
    return survey, staff


@bp.get("/surveys/<int:survey_id>/charts/<int:question_id>.svg")
def chart(survey_id: int, question_id: int):  # type: ignore[no-untyped-def]
    """The distribution of one question's answers as an SVG bar chart."""
    survey, _staff = _results_or_abort(survey_id)
    question = db.get_or_404(Question, question_id)
    if question.survey_id != survey.id:
        abort(404)
    distribution = results.distribution(question)
    if not distribution:  # the survey is open, or too few answered: nothing to show
        abort(404)
    svg = distribution_svg(question.text, distribution)
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": CHART_CSP})


@bp.get("/surveys/<int:survey_id>/results.csv")
def results_csv(survey_id: int):  # type: ignore[no-untyped-def]
    """Aggregates for everyone who may see the results, as the page shows them."""
    survey, _staff = _results_or_abort(survey_id)
    rows = results.question_results(survey, include_text=False, reader=current_user)
    return csv_response(f"resultater-{survey.id}.csv", results.aggregate_rows(rows))


@bp.get("/surveys/<int:survey_id>/answers.csv")
@role_required(Role.admin)
def answers_csv(survey_id: int):  # type: ignore[no-untyped-def]
    """Anonymised raw answers for administrators, once the survey has closed: a random key
    per response, no profile."""
    survey, _staff = _results_or_abort(survey_id)
    if services.status(survey) != "closed":
        abort(403)
    return csv_response(f"svar-{survey.id}.csv", results.raw_rows(survey))


@bp.route("/manage/lottery", methods=["GET", "POST"])
@role_required(Role.admin)
def lottery():  # type: ignore[no-untyped-def]
    """Draw a sub-panel by stratified lottery."""
    form = LotteryForm()
    if form.validate_on_submit():
        try:
            subpanel = services.draw_subpanel(
                current_user, form.name.data, form.size.data, form.seed.data
            )
        except services.PanelError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Underpanelet er trukket, og medlemmene får e-post."), "success")
            return redirect(url_for("panel.subpanel", subpanel_id=subpanel.id))
    strata = services.volunteers_by_stratum()
    return render_template(
        "panel/lottery.html",
        form=form,
        settings=get_settings(),
        strata={k: len(v) for k, v in strata.items()},
    )


@bp.get("/subpanels/<int:subpanel_id>")
def subpanel(subpanel_id: int):  # type: ignore[no-untyped-def]
    """How a drawn sub-panel matches the population, per stratum (no names)."""
    return render_template("panel/subpanel.html", subpanel=db.get_or_404(SubPanel, subpanel_id))
