"""Administration views (admins only)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, queries, services
from app.admin.forms import (
    AuditFilterForm,
    RolesForm,
    SettingsForm,
    UnitForm,
    UserFilterForm,
)
from app.auth.models import User
from app.auth.reauth import recent_password_required
from app.core.forms import ConfirmForm
from app.core.models import Unit
from app.core.permissions import Role, role_required
from app.core.settings import get_settings
from app.extensions import db

PER_PAGE = 25


@bp.before_request
@role_required(Role.admin)
def _admins_only() -> None:
    """Every page here is for administrators."""


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """The administration front page."""
    return render_template("admin/index.html")


@bp.get("/users")
def users():  # type: ignore[no-untyped-def]
    """Search and page through users."""
    form = UserFilterForm(request.args)
    valid = form.validate()
    stmt = (
        queries.users(form.q.data, form.role.data, form.status.data) if valid else (queries.users())
    )
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", form=form, page=page)


@bp.get("/users/<int:user_id>")
def user(user_id: int):  # type: ignore[no-untyped-def]
    """One user: roles and status."""
    target = db.get_or_404(User, user_id)
    roles_form = RolesForm(roles=[r.value for r in target.role_set])
    return render_template(
        "admin/user.html", target=target, roles_form=roles_form, confirm_form=ConfirmForm()
    )


@bp.post("/users/<int:user_id>/roles")
@recent_password_required
def set_roles(user_id: int):  # type: ignore[no-untyped-def]
    """Grant and revoke roles."""
    target = db.get_or_404(User, user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        flash(_("Velg roller fra listen."), "danger")
        return redirect(url_for("admin.user", user_id=user_id))
    try:
        services.set_roles(current_user, target, {Role(r) for r in form.roles.data})
    except services.AdminRuleError as error:
        flash(str(error), "danger")
        return redirect(url_for("admin.user", user_id=user_id))
    db.session.commit()
    flash(_("Rollene til %(name)s er lagret.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@recent_password_required
def deactivate(user_id: int):  # type: ignore[no-untyped-def]
    """Ask for confirmation, then close the account."""
    target = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.deactivate_user(current_user, target)
        except services.AdminRuleError as error:
            flash(str(error), "danger")
            return redirect(url_for("admin.user", user_id=user_id))
        db.session.commit()
        flash(_("Kontoen til %(name)s er deaktivert.", name=target.name), "success")
        return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/deactivate.html", target=target, form=form)


@bp.post("/users/<int:user_id>/reactivate")
@recent_password_required
def reactivate(user_id: int):  # type: ignore[no-untyped-def]
    """Open a closed account again."""
    target = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.reactivate_user(current_user, target)
    db.session.commit()
    flash(_("Kontoen til %(name)s er aktiv igjen.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/settings", methods=["GET", "POST"])
@recent_password_required
def settings():  # type: ignore[no-untyped-def]
    """The municipality's settings."""
    current = get_settings()
    form = SettingsForm(obj=current)
    if request.method == "GET":
        form.postal_codes.data = "\n".join(current.postal_codes)
        form.areas.data = "\n".join(current.areas)
        form.age_shares.data = _lines(current.age_shares)
        form.area_shares.data = _lines(current.area_shares)
        form.kind.data = current.kind.value
    if form.validate_on_submit():
        services.update_settings(current_user, form.values())
        db.session.commit()
        flash(_("Innstillingene er lagret."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


@bp.get("/audit")
def audit():  # type: ignore[no-untyped-def]
    """The audit log, filterable."""
    form = AuditFilterForm(request.args)
    if form.validate():
        stmt = queries.audit_entries(
            form.action.data, form.actor.data, form.target_type.data,
            form.date_from.data, form.date_to.data, form.target_id.data,
        )  # fmt: skip
    else:
        stmt = queries.audit_entries()
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template(
        "admin/audit.html", form=form, page=page, actions=queries.audit_actions()
    )


def _lines(shares: dict[str, float]) -> str:
    return "\n".join(f"{name}: {value:g}" for name, value in shares.items())


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    owners = services.service_owners()
    form.contact.choices = [(0, _("Ingen kontaktperson")), *((u.id, u.name) for u in owners)]
    if unit is not None and request.method == "GET":
        form.contact.data = unit.contact_id or 0
    return form


def _save_unit(form: UnitForm, unit: Unit | None) -> bool:
    """Create or update from the form; False (with the message on the form) if refused."""
    contact = form.contact.data or None
    try:
        if unit is None:
            services.create_unit(current_user, form.name.data, contact)
        else:
            services.update_unit(current_user, unit, form.name.data, contact)
        db.session.commit()
    except services.AdminRuleError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False
    except sa.exc.IntegrityError:  # the same name saved by someone else at the same moment
        db.session.rollback()
        form.form_errors.append(_("Det finnes allerede en enhet med det navnet."))
        return False
    return True


@bp.route("/units", methods=["GET", "POST"])
def units():  # type: ignore[no-untyped-def]
    """The municipality's units: list them and add one."""
    form = _unit_form()
    if form.validate_on_submit() and _save_unit(form, None):
        flash(_("Enheten %(name)s er lagt til.", name=form.name.data), "success")
        return redirect(url_for("admin.units"))
    rows = db.session.execute(queries.units()).all()
    return render_template("admin/units.html", form=form, rows=rows)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit(unit_id: int):  # type: ignore[no-untyped-def]
    """Rename a unit and choose its contact."""
    target = db.get_or_404(Unit, unit_id)
    form = _unit_form(target)
    if form.validate_on_submit() and _save_unit(form, target):
        flash(_("Enheten %(name)s er lagret.", name=target.name), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit.html", target=target, form=form,
                           confirm_form=ConfirmForm())  # fmt: skip


@bp.route("/units/<int:unit_id>/deactivate", methods=["GET", "POST"])
def deactivate_unit(unit_id: int):  # type: ignore[no-untyped-def]
    """Ask for confirmation, then stop offering the unit for new records."""
    target = db.get_or_404(Unit, unit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.set_unit_active(current_user, target, False)
        db.session.commit()
        flash(_("Enheten %(name)s er deaktivert.", name=target.name), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_deactivate.html", target=target, form=form)


@bp.post("/units/<int:unit_id>/reactivate")
def reactivate_unit(unit_id: int):  # type: ignore[no-untyped-def]
    """Offer a deactivated unit again."""
    target = db.get_or_404(Unit, unit_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.set_unit_active(current_user, target, True)
    db.session.commit()
    flash(_("Enheten %(name)s er aktiv igjen.", name=target.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id))
