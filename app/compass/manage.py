"""Kompass administration: evaluations, the target, sub-strategies and measures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.compass import bp, queries, services
from app.compass.forms import EvaluationForm, MeasureForm, StrategyForm, TargetForm, UpdateForm
from app.compass.models import Evaluation, Measure, Strategy
from app.core.dates import today
from app.core.forms import ConfirmForm
from app.core.permissions import Role, role_required
from app.extensions import db


def _saved(message: str, endpoint: str, **values: Any):  # type: ignore[no-untyped-def]
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _attempt(form: Any, action: Callable[[], Any]) -> Any:
    """Run a service call; a broken rule becomes the form's message and nothing is kept."""
    try:
        return action()
    except services.CompassError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return None


@bp.get("/manage/")
@role_required(Role.admin)
def manage():  # type: ignore[no-untyped-def]
    """Evaluations, the target and the strategies with their measures."""
    return _manage_page(TargetForm(obj=services.current_target()))


def _manage_page(target_form: TargetForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "compass/manage/index.html",
        evaluations=queries.evaluations(),
        strategies=queries.strategies(),
        target=services.current_target(),
        target_form=target_form,
    ), status


@bp.post("/manage/target")
@role_required(Role.admin)
def set_target():  # type: ignore[no-untyped-def]
    """Set the target score and year."""
    form = TargetForm()
    if form.validate_on_submit():
        services.set_target(current_user, form.score.data, form.year.data)
        return _saved(_("Målet er lagret."), "compass.manage")
    return _manage_page(form, 400)


# --- evaluations ---------------------------------------------------------------------------


@bp.route("/manage/evaluations/new", methods=["GET", "POST"])
@bp.route("/manage/evaluations/<int:evaluation_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_evaluation(evaluation_id: int | None = None):  # type: ignore[no-untyped-def]
    """Record an evaluation, or correct one."""
    evaluation = db.get_or_404(Evaluation, evaluation_id) if evaluation_id else None
    form = EvaluationForm(obj=evaluation)
    if request.method == "GET" and evaluation is not None:
        for area in range(1, 9):
            form[f"area_{area}"].data = evaluation.score_for(area)
    if form.validate_on_submit():
        values = form.values()
        if _attempt(form, lambda: services.save_evaluation(current_user, evaluation, **values)):
            return _saved(_("Evalueringen er lagret."), "compass.manage")
    return render_template("compass/manage/evaluation.html", form=form, evaluation=evaluation)


@bp.route("/manage/evaluations/<int:evaluation_id>/delete", methods=["GET", "POST"])
@role_required(Role.admin)
def delete_evaluation(evaluation_id: int):  # type: ignore[no-untyped-def]
    """Delete an evaluation, after a confirmation page."""
    evaluation = db.get_or_404(Evaluation, evaluation_id)
    return _confirm_delete(
        lambda: services.delete_evaluation(current_user, evaluation),
        done=_("Evalueringen er slettet."),
        title=_("Slette evalueringen fra %(year)s?", year=evaluation.year),
        warning=_("Totalen, områdepoengene og referanseverdiene slettes for godt."),
        cancel=url_for("compass.edit_evaluation", evaluation_id=evaluation.id),
    )


def _confirm_delete(delete: Callable[[], None], *, done: str, **page: str):  # type: ignore[no-untyped-def]
    """A confirmation page on GET; the deletion on a confirmed POST."""
    form = ConfirmForm()
    if form.validate_on_submit():
        delete()
        return _saved(done, "compass.manage")
    return render_template("compass/manage/confirm.html", form=form, **page)


# --- strategies ----------------------------------------------------------------------------


@bp.route("/manage/strategies/new", methods=["GET", "POST"])
@bp.route("/manage/strategies/<int:strategy_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_strategy(strategy_id: int | None = None):  # type: ignore[no-untyped-def]
    """Write a sub-strategy, or change one."""
    strategy = db.get_or_404(Strategy, strategy_id) if strategy_id else None
    form = StrategyForm(obj=strategy)
    if form.validate_on_submit():
        services.save_strategy(current_user, strategy, title=form.title.data,
                               description=form.description.data or "",
                               position=form.position.data or 0)  # fmt: skip
        return _saved(_("Delstrategien er lagret."), "compass.manage")
    return render_template("compass/manage/strategy.html", form=form, strategy=strategy)


@bp.route("/manage/strategies/<int:strategy_id>/delete", methods=["GET", "POST"])
@role_required(Role.admin)
def delete_strategy(strategy_id: int):  # type: ignore[no-untyped-def]
    """Delete a sub-strategy with its measures, after a confirmation page."""
    strategy = db.get_or_404(Strategy, strategy_id)
    return _confirm_delete(
        lambda: services.delete_strategy(current_user, strategy),
        done=_("Delstrategien er slettet."),
        title=_("Slette delstrategien «%(title)s»?", title=strategy.title),
        warning=ngettext("Delstrategien og %(num)s tiltak i den, med loggen, slettes for godt.",
                         "Delstrategien og alle de %(num)s tiltakene i den, med loggene deres, "
                         "slettes for godt.", len(strategy.measures)),
        cancel=url_for("compass.edit_strategy", strategy_id=strategy.id),
    )  # fmt: skip


# --- measures ------------------------------------------------------------------------------


@bp.route("/manage/strategies/<int:strategy_id>/measures/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new_measure(strategy_id: int):  # type: ignore[no-untyped-def]
    """Add a measure to a sub-strategy."""
    strategy = db.get_or_404(Strategy, strategy_id)
    form = MeasureForm()
    if form.validate_on_submit():
        measure = services.save_measure(current_user, None, strategy=strategy, **form.values())
        return _saved(_("Tiltaket er lagt til."), "compass.edit_measure", measure_id=measure.id)
    return render_template(
        "compass/manage/measure.html", form=form, strategy=strategy, measure=None
    )


@bp.route("/manage/measures/<int:measure_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_measure(measure_id: int):  # type: ignore[no-untyped-def]
    """Change a measure; its log and the form for a new entry."""
    measure = db.get_or_404(Measure, measure_id)
    form = MeasureForm(obj=measure)
    if request.method == "GET":
        form.focus_areas.data = [str(a) for a in measure.focus_areas]
    if form.validate_on_submit():
        services.save_measure(current_user, measure, strategy=measure.strategy, **form.values())
        return _saved(_("Tiltaket er lagret."), "compass.edit_measure", measure_id=measure.id)
    return _measure_page(measure, form, _update_form(measure))


def _update_form(measure: Measure, formdata: Any = None) -> UpdateForm:
    form = UpdateForm(formdata=formdata, prefix="u")
    if formdata is None:
        form.noted_on.data, form.status.data = today(), measure.status.value
        form.progress.data = measure.progress
    return form


def _measure_page(measure: Measure, form: MeasureForm, update_form: UpdateForm, status=200):  # type: ignore[no-untyped-def]
    return render_template(
        "compass/manage/measure.html",
        form=form,
        update_form=update_form,
        strategy=measure.strategy,
        measure=measure,
    ), status


@bp.post("/manage/measures/<int:measure_id>/updates")
@role_required(Role.admin)
def add_update(measure_id: int):  # type: ignore[no-untyped-def]
    """Log what happened, with the measure's new status and progress."""
    measure = db.get_or_404(Measure, measure_id)
    form = _update_form(measure, request.form)
    if form.validate_on_submit():
        values = form.values()
        if _attempt(form, lambda: services.record_update(current_user, measure, today=today(),
                                                         **values)):  # fmt: skip
            return _saved(_("Oppdateringen er lagret."), "compass.edit_measure",
                          measure_id=measure.id)  # fmt: skip
    measure_form = MeasureForm(formdata=None, obj=measure)
    measure_form.focus_areas.data = [str(a) for a in measure.focus_areas]
    return _measure_page(measure, measure_form, form, 400)


@bp.route("/manage/measures/<int:measure_id>/delete", methods=["GET", "POST"])
@role_required(Role.admin)
def delete_measure(measure_id: int):  # type: ignore[no-untyped-def]
    """Delete a measure with its log, after a confirmation page."""
    measure = db.get_or_404(Measure, measure_id)
    return _confirm_delete(
        lambda: services.delete_measure(current_user, measure),
        done=_("Tiltaket er slettet."),
        title=_("Slette tiltaket «%(title)s»?", title=measure.title),
        warning=ngettext("Tiltaket og loggen med %(num)s oppdatering slettes for godt.",
                         "Tiltaket og loggen med %(num)s oppdateringer slettes for godt.",
                         len(measure.updates)),
        cancel=url_for("compass.edit_measure", measure_id=measure.id),
    )  # fmt: skip
