"""Public pages: the list, a declaration with its figures and forms, history and diff."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.core.cache import cached_page
from app.core.charts import CHART_CSP
from app.declarations import bp, queries, services
from app.declarations.charts import chart_svg, service_figures
from app.declarations.diff import diff_versions
from app.declarations.forms import DiffForm, FeedbackForm, ReportForm
from app.declarations.models import DeclarationVersion, Report, Service
from app.extensions import db, limiter


def feedback_limit() -> str:
    return current_app.config["DECLARATION_FEEDBACK_RATE_LIMIT"]


def service_or_404(slug: str) -> Service:
    """An active service, or any service for those who may edit it."""
    service = db.session.scalar(queries.service_by_slug(slug))
    if service is None or not (service.active or services.can_edit(current_user, service)):
        abort(404)
    return service


@bp.get("/")
@cached_page()
def index():  # type: ignore[no-untyped-def]
    """Every service with a published declaration, with its figures."""
    return render_template("declarations/index.html", services=queries.public_services(db.session))


def _promise_choices(version: DeclarationVersion | None) -> list[SelectChoice]:
    if version is None:
        return []
    return [SelectChoice(p.id, f"{p.position}. {p.text}") for p in version.promises]


def _current_version(service: Service) -> tuple[DeclarationVersion | None, bool, list[str]]:
    """The version in the reader's language (or ?lang=), whether it is another language's
    for want of one, and the languages there are; 404 where nothing is published."""
    versions = queries.current_versions(db.session, service.id)
    version, fallback = queries.pick_version(versions, request.args.get("lang"), str(get_locale()))
    if version is None and not services.can_edit(current_user, service):
        abort(404)
    return version, fallback, sorted(versions)


def _form_page(service: Service, template: str, field: str, form, status: int = 200):  # type: ignore[no-untyped-def]
    """The feedback or report form on its own page, the promises of the reader's version
    to choose from (?promise= picks one), or the posted form again with its errors."""
    version, _fallback, _languages = _current_version(service)
    if version is None:
        abort(404)
    if not form.is_submitted():
        form.promise_id.choices = _promise_choices(version)
        form.promise_id.data = request.args.get("promise", type=int)
    return render_template(template, service=service, version=version, **{field: form}), status


def _all_promise_choices(service: Service) -> list[SelectChoice]:
    """What a posted form may name: a promise of any of the service's current versions."""
    rows = queries.current_promise_choices(db.session, service.id)
    return [SelectChoice(id_, label) for id_, label in rows]


@bp.get("/<slug>")
@cached_page("lang")
def detail(slug: str):  # type: ignore[no-untyped-def]
    """The current declaration in the reader's language, its figures, and the ways to
    answer (forms of their own, so that this page is the same for every visitor)."""
    service = service_or_404(slug)
    version, fallback, languages = _current_version(service)
    figures, tables = service_figures(db.session, service)
    return render_template(
        "declarations/detail.html",
        service=service,
        version=version,
        fallback=fallback,
        languages=languages,
        figures=figures,
        tables=tables,
        may_edit=services.can_edit(current_user, service),
    )


@bp.get("/<slug>/feedback")
def feedback_page(slug: str):  # type: ignore[no-untyped-def]
    """Was the promise kept for you? The form."""
    form = FeedbackForm(formdata=None, prefix="f")
    service = service_or_404(slug)
    return _form_page(service, "declarations/feedback_form.html", "feedback_form", form)


@bp.get("/<slug>/report")
def report_page(slug: str):  # type: ignore[no-untyped-def]
    """Report a broken promise: the form."""
    form = ReportForm(formdata=None, prefix="r")
    service = service_or_404(slug)
    return _form_page(service, "declarations/report_form.html", "report_form", form)


def _receive(service: Service, form, template: str, act, thanks):  # type: ignore[no-untyped-def]
    """Take a visitor's feedback or report: a bot that filled in the field people never see
    is thanked and nothing is kept; a broken rule shows the form again with the reason;
    otherwise one service call, one commit, and thanks."""
    form.promise_id.choices = _all_promise_choices(service)
    if form.website.data:
        return _thanks(service, thanks(None))
    if form.validate_on_submit():
        try:
            result = act(form)
        except services.DeclarationError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return _thanks(service, thanks(result))
    field = f"{template}_form"
    return _form_page(service, f"declarations/{field}.html", field, form, status=400)


def _thanks(service: Service, message: str):  # type: ignore[no-untyped-def]
    flash(message, "success")
    return redirect(url_for("declarations.detail", slug=service.slug) + "#feedback")


@bp.post("/<slug>/feedback")
@limiter.shared_limit(feedback_limit, scope="declaration-feedback")
def feedback(slug: str):  # type: ignore[no-untyped-def]
    """Was the promise kept for you? Anyone may answer."""
    service = service_or_404(slug)
    return _receive(
        service, FeedbackForm(prefix="f"), "feedback",
        lambda form: services.give_feedback(current_user, service, form.promise_id.data,
                                            form.kept.data == "yes", form.comment.data),
        lambda _result: _("Takk for tilbakemeldingen!"),
    )  # fmt: skip


def _report_thanks(report: Report | None) -> str:
    if report is None:
        return _("Takk! Avviket er registrert.")
    return _("Takk! Avviket er registrert med referansen %(reference)s. "
             "Vi har sendt en kvittering til %(email)s.",
             reference=report.reference, email=report.reporter_email)  # fmt: skip


@bp.post("/<slug>/report")
@limiter.shared_limit(feedback_limit, scope="declaration-feedback")
def report_breach(slug: str):  # type: ignore[no-untyped-def]
    """Report a broken promise (avvik); the reporter gets a reference and a receipt."""
    service = service_or_404(slug)
    return _receive(
        service, ReportForm(prefix="r"), "report",
        lambda form: services.report_broken_promise(
            current_user, service, form.promise_id.data, form.description.data,
            form.happened_on.data, form.name.data, form.email.data, str(get_locale())),
        _report_thanks,
    )  # fmt: skip


@bp.get("/<slug>/charts/<any(kept, reports, in_time, days):name>.svg")
def chart(slug: str, name: str):  # type: ignore[no-untyped-def]
    """One of the service's figures as a small SVG bar chart (the page has its table)."""
    service = service_or_404(slug)
    svg = chart_svg(db.session, service, name)
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": CHART_CSP})


def _public_version_or_404(service: Service, version_id: int) -> DeclarationVersion:
    version = db.session.get(DeclarationVersion, version_id)
    if version is None or version.service_id != service.id:
        abort(404)
    if version.status not in queries.PUBLIC_STATUSES and not services.can_edit(
        current_user, service
    ):
        abort(404)
    return version


@bp.get("/<slug>/history")
def history(slug: str):  # type: ignore[no-untyped-def]
    """Every published version, in each language, with links to read and compare them."""
    service = service_or_404(slug)
    versions = db.session.scalars(queries.versions(service.id)).all()
    return render_template(
        "declarations/history.html", service=service, versions=versions,
        form=_diff_form(versions, None),
    )  # fmt: skip


@bp.get("/<slug>/history/<int:version_id>")
def version(slug: str, version_id: int):  # type: ignore[no-untyped-def]
    """One version as it was published."""
    service = service_or_404(slug)
    return render_template(
        "declarations/version.html", service=service,
        version=_public_version_or_404(service, version_id),
    )  # fmt: skip


def _diff_form(versions, formdata) -> DiffForm:  # type: ignore[no-untyped-def]
    form = DiffForm(formdata=formdata)
    choices = [SelectChoice(v.id, f"{v.language} {v.number}") for v in versions]
    form.a.choices = form.b.choices = choices
    if formdata is None and len(versions) > 1:
        form.b.data, form.a.data = versions[0].id, versions[1].id
    return form


@bp.get("/<slug>/history/diff")
def diff(slug: str):  # type: ignore[no-untyped-def]
    """What changed between two versions, section by section."""
    service = service_or_404(slug)
    versions = db.session.scalars(queries.versions(service.id)).all()
    form = _diff_form(versions, request.args)
    if not form.validate():
        return render_template("declarations/history.html", service=service, versions=versions,
                               form=form), 400  # fmt: skip
    by_id = {v.id: v for v in versions}
    old, new = by_id[form.a.data], by_id[form.b.data]
    return render_template(
        "declarations/diff.html", service=service, old=old, new=new,
        sections=diff_versions(old, new), form=form,
    )  # fmt: skip
