"""Management: services (administrators), drafts and publishing, answering reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.auth.models import User, UserRole
from app.core.dates import today
from app.core.forms import BaseForm, ConfirmForm
from app.core.models import Unit
from app.core.permissions import Role, role_required
from app.declarations import bp, queries, services
from app.declarations.forms import (
    SPARE_ROWS,
    AnswerForm,
    DraftForm,
    NewDraftForm,
    PublishForm,
    ServiceForm,
)
from app.declarations.models import DeclarationVersion, Report, Service
from app.extensions import db

STAFF = (Role.admin, Role.service_owner)
#: Promise rows on a new draft's form
MIN_ROWS = 5


def _attempt(act: Callable[[], Any], done: str, form: BaseForm | None = None) -> Any:
    """One service call: commit and flash ``done``, returning its result (True when it has
    none); or, when a rule stops it, roll back and say why (on the form, else in a flash)
    and return None."""
    try:
        result = act()
    except services.DeclarationError as error:
        db.session.rollback()
        if form is not None:
            form.form_errors.append(str(error))
        else:
            flash(str(error), "danger")
        return None
    db.session.commit()
    flash(done, "success")
    return True if result is None else result


def _scope() -> int | None:
    """Whose services a page shows: all for administrators, else the owner's own."""
    return None if current_user.has_role(Role.admin) else current_user.id


@bp.get("/manage/")
@role_required(*STAFF)
def manage():  # type: ignore[no-untyped-def]
    """The owner's (or every) service, drafts waiting for publishing, and reports."""
    status = request.args.get("status")
    if status not in {None, "", "new", "acknowledged", "answered", "closed"}:
        status = None
    reports = db.session.scalars(queries.reports_for(_scope(), status or None)).all()
    return render_template(
        "declarations/manage.html",
        services=db.session.scalars(queries.services_for(_scope())).all(),
        submitted=db.session.scalars(queries.submitted_versions()).all()
        if current_user.has_role(Role.admin) else [],
        reports=reports,
        overdue={r.id for r in reports if services.is_overdue(r)},
        status=status or "",
        new_draft_form=NewDraftForm(),
    )  # fmt: skip


def _service_form(service: Service | None = None) -> ServiceForm:
    form = ServiceForm(obj=service)
    current_unit = service.unit_id if service else None
    units = db.session.scalars(
        sa.select(Unit).where(sa.or_(Unit.active.is_(True), Unit.id == current_unit))
        .order_by(Unit.name)
    ).all()  # fmt: skip
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in units]
    owners = db.session.scalars(
        sa.select(User)
        .where(User.roles.any(UserRole.role == Role.service_owner))
        .order_by(User.name)
    ).all()
    form.owner_ids.choices = [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in owners]
    if service is not None and not form.is_submitted():
        form.focus_areas.data = [str(n) for n in service.focus_areas]
        form.owner_ids.data = [str(u.id) for u in service.owners]
        form.active.data = "1" if service.active else "0"
    return form


@bp.route("/manage/services/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new_service():  # type: ignore[no-untyped-def]
    """Add a service."""
    form = _service_form()
    if form.validate_on_submit() and (service := _attempt(
        lambda: services.create_service(current_user, **form.values()), _("Tjenesten er lagret."),
        form,
    )):  # fmt: skip
        return redirect(url_for("declarations.manage_service", service_id=service.id))
    return render_template("declarations/service_form.html", form=form, service=None)


@bp.route("/manage/services/<int:service_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_service(service_id: int):  # type: ignore[no-untyped-def]
    """Change a service and choose its owners."""
    service = db.get_or_404(Service, service_id)
    form = _service_form(service)
    if form.validate_on_submit() and _attempt(
        lambda: services.update_service(current_user, service, **form.values()),
        _("Tjenesten er lagret."), form,
    ):  # fmt: skip
        return redirect(url_for("declarations.manage_service", service_id=service.id))
    return render_template("declarations/service_form.html", form=form, service=service)


def _editable_service_or_403(service_id: int) -> Service:
    service = db.get_or_404(Service, service_id)
    if not services.can_edit(current_user, service):
        abort(403)
    return service


@bp.get("/manage/services/<int:service_id>")
@role_required(*STAFF)
def manage_service(service_id: int):  # type: ignore[no-untyped-def]
    """A service's versions in every language, and a new draft."""
    service = _editable_service_or_403(service_id)
    return render_template(
        "declarations/manage_service.html", service=service,
        versions=db.session.scalars(queries.versions(service.id, public_only=False)).all(),
        new_draft_form=NewDraftForm(), confirm_form=ConfirmForm(),
    )  # fmt: skip


@bp.post("/manage/services/<int:service_id>/drafts")
@role_required(*STAFF)
def new_draft(service_id: int):  # type: ignore[no-untyped-def]
    """Start a draft in a language (or go on with the one being written)."""
    service = _editable_service_or_403(service_id)
    form = NewDraftForm()
    if not form.validate_on_submit():
        flash(_("Velg et av språkene i listen."), "danger")
        return redirect(url_for("declarations.manage_service", service_id=service.id))
    draft = services.start_draft(current_user, service, form.language.data)
    db.session.commit()
    return redirect(url_for("declarations.edit_version", version_id=draft.id))


def _version_or_403(version_id: int) -> DeclarationVersion:
    version = db.get_or_404(DeclarationVersion, version_id)
    if not services.can_edit(current_user, version.service):
        abort(403)
    return version


def _draft_form(version: DeclarationVersion) -> DraftForm:
    form = DraftForm(obj=version if request.method == "GET" else None)
    if request.method == "GET":
        while len(form.promises) < max(len(version.promises) + SPARE_ROWS, MIN_ROWS):
            form.promises.append_entry()
        for entry, promise in zip(form.promises, version.promises, strict=False):
            entry.form.position.data = promise.position
            entry.form.text.data = promise.text
            entry.form.target_value.data = promise.target_value
            entry.form.target_unit.data = promise.target_unit.value if promise.target_unit else ""
    return form


@bp.route("/manage/versions/<int:version_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_version(version_id: int):  # type: ignore[no-untyped-def]
    """Write a draft: the sections, and the promises in order."""
    version = _version_or_403(version_id)
    form = _draft_form(version)
    if version.status.value in ("draft", "submitted") and form.validate_on_submit() and _attempt(
        lambda: services.save_draft(current_user, version, form.sections(), form.promise_inputs()),
        _("Utkastet er lagret."), form,
    ):  # fmt: skip
        return redirect(url_for("declarations.edit_version", version_id=version.id))
    return render_template(
        "declarations/edit_version.html", version=version, service=version.service, form=form,
        confirm_form=ConfirmForm(), is_admin=services.is_admin(current_user),
    )  # fmt: skip


@bp.post("/manage/versions/<int:version_id>/submit")
@role_required(*STAFF)
def submit_version(version_id: int):  # type: ignore[no-untyped-def]
    """Ask an administrator to publish the draft."""
    version = _version_or_403(version_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = _("Utkastet er sendt til publisering. Administratorene har fått beskjed.")
    _attempt(lambda: services.submit_draft(current_user, version), done)
    return redirect(url_for("declarations.edit_version", version_id=version.id))


@bp.route("/manage/versions/<int:version_id>/publish", methods=["GET", "POST"])
@role_required(Role.admin)
def publish_version(version_id: int):  # type: ignore[no-untyped-def]
    """Confirm, with the date it applies from, then publish."""
    version = _version_or_403(version_id)
    form = PublishForm()
    if request.method == "GET":
        form.effective_from.data = today()
    current = db.session.scalar(queries.current_version(version.service_id, version.language))
    if form.validate_on_submit() and _attempt(
        lambda: services.publish(current_user, version, form.effective_from.data),
        _("Erklæringen er publisert."), form,
    ):  # fmt: skip
        return redirect(url_for("declarations.detail", slug=version.service.slug,
                                lang=version.language))  # fmt: skip
    return render_template("declarations/publish.html", version=version, service=version.service,
                           form=form, current=current)  # fmt: skip


@bp.post("/manage/versions/<int:version_id>/reviewed")
@role_required(*STAFF)
def mark_reviewed(version_id: int):  # type: ignore[no-untyped-def]
    """Confirm that the published text has been reviewed and is still right."""
    version = _version_or_403(version_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _attempt(lambda: services.mark_reviewed(current_user, version),
             _("Erklæringen er merket som gjennomgått i dag."))  # fmt: skip
    return redirect(url_for("declarations.manage_service", service_id=version.service_id))


@bp.route("/manage/versions/<int:version_id>/discard", methods=["GET", "POST"])
@role_required(*STAFF)
def discard_version(version_id: int):  # type: ignore[no-untyped-def]
    """Confirm, then throw away a draft."""
    version = _version_or_403(version_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        service_id = version.service_id
        if _attempt(
            lambda: services.discard_draft(current_user, version), _("Utkastet er slettet.")
        ):
            return redirect(url_for("declarations.manage_service", service_id=service_id))
        return redirect(url_for("declarations.edit_version", version_id=version_id))
    return render_template("declarations/discard.html", version=version, service=version.service,
                           form=form)  # fmt: skip


def _report_or_403(report_id: int) -> Report:
    report = db.get_or_404(Report, report_id)
    if not services.can_edit(current_user, report.service):
        abort(403)
    return report


@bp.get("/manage/reports/<int:report_id>")
@login_required
def report(report_id: int):  # type: ignore[no-untyped-def]
    """A report with its contact, deadline and actions."""
    report = _report_or_403(report_id)
    return render_template(
        "declarations/report.html", report=report, overdue=services.is_overdue(report),
        answer_form=AnswerForm(), confirm_form=ConfirmForm(),
    )  # fmt: skip


@bp.post("/manage/reports/<int:report_id>/acknowledge")
@login_required
def acknowledge(report_id: int):  # type: ignore[no-untyped-def]
    """Tell the reporter's case it has been seen and is being looked into."""
    report = _report_or_403(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _attempt(lambda: services.acknowledge(current_user, report),
             _("Avviket er markert som mottatt."))  # fmt: skip
    return redirect(url_for("declarations.report", report_id=report.id))


@bp.route("/manage/reports/<int:report_id>/close", methods=["GET", "POST"])
@login_required
def close(report_id: int):  # type: ignore[no-untyped-def]
    """Confirm, then close the report and erase the reporter's contact details."""
    report = _report_or_403(report_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        _attempt(lambda: services.close_report(current_user, report),
                 _("Avviket er lukket, og kontaktopplysningene er slettet."))  # fmt: skip
        return redirect(url_for("declarations.report", report_id=report.id))
    return render_template("declarations/close.html", report=report, form=form)


@bp.post("/manage/reports/<int:report_id>/answer")
@login_required
def answer(report_id: int):  # type: ignore[no-untyped-def]
    """Answer the report; the answer is mailed to the reporter."""
    report = _report_or_403(report_id)
    form = AnswerForm()
    if form.validate_on_submit() and _attempt(
        lambda: services.answer_report(current_user, report, form.answer.data),
        _("Svaret er sendt."), form,
    ):  # fmt: skip
        return redirect(url_for("declarations.report", report_id=report.id))
    return render_template(
        "declarations/report.html", report=report, overdue=services.is_overdue(report),
        answer_form=form, confirm_form=ConfirmForm(),
    ), 400  # fmt: skip
