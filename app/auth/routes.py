"""Account views: thin, one service call and one commit each."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import account_bp, bp, queries, reauth, services, sessions
from app.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    ReauthForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.core.audit import audit
from app.core.forms import ConfirmForm, LogoutForm, safe_next
from app.core.permissions import confirmed_required
from app.core.ratelimits import limit_posts
from app.extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Logg inn for å se denne siden.")
login_manager.login_message_category = "info"


login_manager.user_loader(sessions.user_for_token)


def _logged_out(message: str, category: str = "success", to: str = "auth.login") -> Any:
    """The session has ended on the server (committed): clear the browser's cookies too."""
    logout_user()
    flash(message, category)
    return redirect(url_for(to))


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limit_posts(_reset_limit)
def register():  # type: ignore[no-untyped-def]
    """Create a resident account and mail a confirmation link."""
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register_user(
            form.name.data, form.email.data, form.password.data, str(get_locale())
        )
        db.session.commit()
        session["registered_email"] = services.normalise_email(form.email.data)
        return redirect(url_for("auth.registered"))
    return render_template("auth/register.html", form=form)


@bp.get("/register/sent")
def registered():  # type: ignore[no-untyped-def]
    """Tell the new user to look for the confirmation mail."""
    return render_template("auth/registered.html", email=session.get("registered_email"))


@bp.get("/confirm/<token>")
def confirm(token: str):  # type: ignore[no-untyped-def]
    """Confirm an email address from the link in the mail, logged in as the account: the
    link alone (someone else's address, clicked by its owner) confirms nothing."""
    if not current_user.is_authenticated:
        flash(_("Logg inn for å bekrefte e-postadressen."), "info")
        return redirect(url_for("auth.login", next=url_for("auth.confirm", token=token)))
    try:
        services.confirm_email(token, current_user._get_current_object())
    except services.ExpiredToken:
        flash(_("Lenken er utløpt. Logg inn og be om en ny bekreftelseslenke."), "warning")
        return redirect(url_for("auth.login"))
    except services.InvalidToken:
        flash(_("Lenken er ugyldig. Sjekk at du har kopiert hele lenken."), "danger")
        return redirect(url_for("core.index"))
    db.session.commit()  # this session goes on; the account's others have ended
    flash(_("Takk! E-postadressen din er bekreftet."), "success")
    return redirect(url_for("account.profile"))


@bp.route("/login", methods=["GET", "POST"])
@reauth.login_attempts
def login():  # type: ignore[no-untyped-def]
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            services.record_failed_login(form.email.data)
            db.session.commit()
            form.form_errors.append(_("Feil e-postadresse eller passord."))
        elif not user.active:
            form.form_errors.append(_("Kontoen er stengt. Kontakt kommunen om du har spørsmål."))
        else:
            if user.language is None and session.get("lang"):
                user.language = session["lang"]
            if current_user.is_authenticated:  # this browser's earlier session ends
                sessions.log_out(current_user._get_current_object())
            sessions.start_session(user, request.user_agent.string)
            login_user(user, remember=bool(form.remember.data))
            reauth.mark_password_entered(user)
            audit(user, "auth.login", user)
            # A CSRF token from before the login is not carried into the account's session
            session.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
            db.session.commit()
            if not user.is_confirmed:
                flash(_("Du er logget inn, men må bekrefte e-postadressen før du kan delta."),
                      "warning")  # fmt: skip
            else:
                flash(_("Du er logget inn."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("core.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/reauth", methods=["GET", "POST"], endpoint="reauth")
@login_required
@reauth.confirmation_attempts
def reauth_prompt():  # type: ignore[no-untyped-def]
    """Type the password again before a sensitive page, then go on to it (``next``)."""
    form = ReauthForm()
    if reauth.confirm(form):
        db.session.commit()
        return redirect(safe_next(request.args.get("next"), url_for("core.index")))
    return reauth.render_prompt(form, carry=False)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Log out (POST, so a link on another site cannot do it): the session ends on the
    server too, so a copy of its cookies opens nothing."""
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.log_out(current_user._get_current_object())
            db.session.commit()
        logout_user()
        flash(_("Du er logget ut."), "info")
    return redirect(url_for("core.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limit_posts(_reset_limit)
def reset_request():  # type: ignore[no-untyped-def]
    """Ask for a password reset link."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, str(get_locale()))
        db.session.commit()
        flash(_("Hvis adressen er registrert hos oss, har vi sendt en lenke for nytt passord. "
                "Lenken virker i to timer."), "info")  # fmt: skip
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limit_posts(_reset_limit)
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password from the link in the mail."""
    try:
        user = services.user_for_reset_token(token)
    except services.AuthError:
        flash(_("Lenken for nytt passord er ugyldig eller utløpt. Be om en ny."), "warning")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm(user)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        return _logged_out(_("Passordet er endret. Logg inn med det nye passordet."))
    return render_template("auth/reset_password.html", form=form)


@account_bp.route("", methods=["GET", "POST"])
@login_required
def profile():  # type: ignore[no-untyped-def]
    """The user's own profile."""
    form = AccountForm(obj=current_user)
    if request.method == "GET" and current_user.language is None:
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data,
            postal_code=form.postal_code.data,
            birth_year=form.birth_year.data,
            language=form.language.data,
        )
        session["lang"] = form.language.data
        db.session.commit()
        flash(_("Endringene er lagret."), "success")
        return redirect(url_for("account.profile"))
    return render_template(
        "auth/account.html",
        form=form,
        resend_form=ResendConfirmationForm(),
        logins=db.session.scalars(queries.active_sessions(current_user)).all(),
        current_login=current_user.login_session,
        device_label=queries.device_label,
        end_form=ConfirmForm(),
    )


@account_bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):  # type: ignore[no-untyped-def]
    """Log out one of the account's browsers ("log out this one")."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        was_this_one = sessions.end_session(current_user._get_current_object(), session_id)
    except sessions.NoSuchSession:
        flash(
            _("Den innloggingen finnes ikke på kontoen din. Kanskje er den alt logget ut."),
            "warning",
        )
        return redirect(url_for("account.profile", _anchor="sessions"))
    db.session.commit()
    if was_this_one:
        return _logged_out(_("Du er logget ut."), "info", "core.index")
    flash(_("Den andre innloggingen er logget ut."), "success")
    return redirect(url_for("account.profile", _anchor="sessions"))


@account_bp.route("/sessions/end-all", methods=["GET", "POST"])
@login_required
def end_all_sessions():  # type: ignore[no-untyped-def]
    """Ask first, then log out every browser of the account, this one too."""
    form = ConfirmForm()
    if form.validate_on_submit():
        sessions.end_all_sessions(current_user._get_current_object())
        db.session.commit()
        return _logged_out(_("Du er logget ut overalt. Logg inn igjen der du vil bruke Medvirke."))
    return render_template("auth/end_all_sessions.html", form=form)


@account_bp.route("/password", methods=["GET", "POST"])
@login_required
@limit_posts(_reset_limit)
def change_password():  # type: ignore[no-untyped-def]
    """Change the password; every other browser is logged out, this one stays in."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        if services.change_password(user, form.current_password.data, form.password.data):
            db.session.commit()
            flash(_("Passordet er endret. Du er logget ut på alle andre enheter."), "success")
            return redirect(url_for("account.profile"))
        form.current_password.errors.append(_("Passordet stemmer ikke."))
    return render_template("auth/change_password.html", form=form)


@account_bp.post("/confirm")
@login_required
@limiter.limit(_reset_limit)
def resend_confirmation():  # type: ignore[no-untyped-def]
    """Send the confirmation link again."""
    form = ResendConfirmationForm()
    if form.validate_on_submit() and not current_user.is_confirmed:
        services.send_confirmation(current_user)
        db.session.commit()
        flash(_("Vi har sendt en ny bekreftelseslenke til %(email)s.", email=current_user.email),
              "info")  # fmt: skip
    return redirect(url_for("account.profile"))


@account_bp.get("/export")
@confirmed_required
def export():  # type: ignore[no-untyped-def]
    """Download everything Medvirke holds about the user, as JSON."""
    data = services.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    filename = f"medvirke-mine-data-{data['exported'][:10]}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@account_bp.route("/delete", methods=["GET", "POST"])
@confirmed_required
@limit_posts(_reset_limit)
def delete():  # type: ignore[no-untyped-def]
    """Delete the account after a confirmation with the password."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.password.data) is None:
            form.password.errors.append(_("Passordet stemmer ikke."))
        else:
            services.delete_account(current_user._get_current_object())
            db.session.commit()
            logout_user()
            session.pop("lang", None)
            flash(_("Kontoen din er slettet. Takk for at du var med."), "success")
            return redirect(url_for("core.index"))
    return render_template("auth/delete.html", form=form)
