"""Proposal views: load, check, one service call, commit, flash, redirect."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app.core import dates
from app.core.cache import cached_page
from app.core.focus_areas import FOCUS_AREAS
from app.core.forms import ConfirmForm
from app.core.i18n import translated
from app.core.permissions import Role, confirmed_required, role_required
from app.extensions import db, limiter
from app.proposals import bp, queries, rules, services
from app.proposals.forms import (
    CommentForm,
    DecisionForm,
    FilterForm,
    OpenForm,
    PaperForm,
    ProposalForm,
    ReasonForm,
    ReportForm,
    SignForm,
)
from app.proposals.labels import OUTCOME_LABELS, STATE_COLORS, STATE_LABELS
from app.proposals.models import (
    Comment,
    DecisionOutcome,
    Proposal,
    ProposalState,
    Signature,
)

PER_PAGE = 20


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "state_labels": translated(STATE_LABELS),
        "state_colors": STATE_COLORS,
        "outcome_labels": translated(OUTCOME_LABELS),
        "focus_areas": translated(FOCUS_AREAS),
    }


def _proposal_or_404(proposal_id: int) -> Proposal:
    """A proposal the reader may see: drafts only for their author."""
    return _visible_or_404(db.session.get(Proposal, proposal_id))


def _visible_or_404(proposal: Proposal | None) -> Proposal:
    if proposal is None:
        abort(404)
    if not proposal.public and not (
        current_user.is_authenticated and current_user.id == proposal.author_id
    ):
        abort(404)
    return proposal


def _done(proposal: Proposal, message: str):  # type: ignore[no-untyped-def]
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


def _refused(proposal: Proposal, error: Exception):  # type: ignore[no-untyped-def]
    db.session.rollback()
    flash(str(error), "danger")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.get("/")
@cached_page("state", "focus_area", "topic", "q", "sort", "page")
def index():  # type: ignore[no-untyped-def]
    """All public proposals, with filters, search and sorting."""
    form = FilterForm(request.args)
    args = (
        (form.state.data, int(form.focus_area.data or 0) or None, form.topic.data, form.q.data,
         form.sort.data) if form.validate() else ()
    )  # fmt: skip
    total = queries.count(*args[:4])
    stmt = queries.proposals(*args, hits=total, card=True)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False, count=False)
    page.total = total  # counted the cheapest way (Flask-SQLAlchemy: "set manually")
    # A proposal's address is this and its id (the route is /<int:proposal_id>): built once,
    # not once per row
    detail_prefix = url_for("proposals.detail", proposal_id=1).removesuffix("1")
    return render_template(
        "proposals/index.html",
        form=form,
        page=page,
        threshold=services.threshold(),
        detail_prefix=detail_prefix,
    )


@bp.route("/new", methods=["GET", "POST"])
@confirmed_required
def new():  # type: ignore[no-untyped-def]
    """Write a proposal: preview it, see similar ones, save it as a draft."""
    form = ProposalForm()
    if form.validate_on_submit() and form.save.data:
        proposal = services.create_proposal(current_user, **form.values())
        db.session.commit()
        flash(_("Utkastet er lagret. Ingen andre ser det før du åpner det for underskrifter."),
              "success")  # fmt: skip
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return _edit_page(form, None)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@confirmed_required
def edit(proposal_id: int):  # type: ignore[no-untyped-def]
    """Change a draft, or an open proposal no one else has signed."""
    proposal = _proposal_or_404(proposal_id)
    if proposal.author_id != current_user.id:
        abort(403)
    form = ProposalForm(obj=proposal)
    if form.validate_on_submit() and form.save.data:
        try:
            services.update_proposal(current_user, proposal, **form.values())
        except services.ProposalError as error:
            return _refused(proposal, error)
        return _done(proposal, _("Endringene er lagret."))
    return _edit_page(form, proposal)


def _edit_page(form: ProposalForm, proposal: Proposal | None):  # type: ignore[no-untyped-def]
    previewing = form.is_submitted() and form.preview.data and not form.errors
    similar = []
    if previewing:
        text = f"{form.title.data} {form.summary.data}"
        similar = db.session.scalars(queries.similar(text, proposal.id if proposal else None)).all()
    return render_template(
        "proposals/edit.html", form=form, proposal=proposal, previewing=previewing,
        similar=similar,
    )  # fmt: skip


@bp.get("/<int:proposal_id>")
@cached_page()
def detail(proposal_id: int):  # type: ignore[no-untyped-def]
    """A proposal with its progress, timeline and the actions the reader may take."""
    reader = current_user.id if current_user.is_authenticated else None
    found = db.session.execute(queries.PROPOSAL_PAGE, {"proposal": proposal_id, "reader": reader})
    page = found.first()
    proposal = _visible_or_404(page.Proposal if page else None)
    if not services.can_read_text(current_user, proposal):
        return render_template("proposals/rejected.html", proposal=proposal)
    comments = db.session.scalars(queries.COMMENTS, {"proposal": proposal.id}).all()
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        threshold=services.threshold(),
        overdue=services.is_overdue(proposal),
        campaign_running=services.campaign_running(proposal),
        signed_at=page.signed_at,
        missing=services.missing_for_signing(current_user),
        may_edit=_may_edit(proposal),
        manage_signatures=services.can_manage_signatures(current_user, proposal),
        is_committee=current_user.is_authenticated
        and current_user.has_role(Role.committee, Role.admin),
        today=dates.today(),
        latest_end=rules.latest_campaign_end(dates.today()),
        sign_form=SignForm(version=proposal.version),
        # Forms are built for what the page shows (each costs a few hundredths of a ms)
        open_form=OpenForm() if proposal.state == ProposalState.draft else None,
        confirm_form=ConfirmForm(),
        same_as=db.session.get(Proposal, proposal.same_as_id) if proposal.same_as_id else None,
        comments=comments,
        following=page.following,
        comment_form=CommentForm(),
        report_form=ReportForm() if comments else None,
    )


def _may_edit(proposal: Proposal) -> bool:
    if not current_user.is_authenticated or current_user.id != proposal.author_id:
        return False
    if proposal.state == ProposalState.draft:
        return True
    return proposal.state == ProposalState.open and not services.others_have_signed(proposal)


@bp.post("/<int:proposal_id>/open")
@confirmed_required
def open_for_signatures(proposal_id: int):  # type: ignore[no-untyped-def]
    """Open a draft for signatures."""
    proposal = _proposal_or_404(proposal_id)
    form = OpenForm()
    if not form.validate_on_submit():
        return _refused(proposal, services.ProposalError(" ".join(form.campaign_ends_on.errors)))
    try:
        services.open_proposal(current_user, proposal, form.campaign_ends_on.data)
    except services.ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("Forslaget er åpent for underskrifter."))


def _sign_limit() -> str:
    return current_app.config["SIGN_RATE_LIMIT"]


def _signer() -> str:
    """Signatures are counted per account (a town hall's residents share one address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


@bp.post("/<int:proposal_id>/sign")
@limiter.limit(_sign_limit, key_func=_signer)
@login_required
def sign(proposal_id: int):  # type: ignore[no-untyped-def]
    """Sign with one click the text the page showed (its version); no proposal is loaded on
    the way (see services.sign). A changed text is refused back to the proposal's page."""
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.sign(current_user, proposal_id, form.version.data, notify=bool(form.notify.data))
        db.session.commit()
    except services.NotReadyToSign as missing:  # told exactly what, where it can be fixed
        flash(str(missing), "warning")
        return redirect(url_for("account.profile"))
    except services.ProposalNotFound:
        abort(404)
    except services.ProposalError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("proposals.detail", proposal_id=proposal_id))
    flash(_("Takk! Underskriften din er registrert."), "success")
    # Back to the signing section, where the page now says the reader has signed
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor="sign-heading"))


@bp.post("/<int:proposal_id>/unsign")
@login_required
def unsign(proposal_id: int):  # type: ignore[no-untyped-def]
    """Take one's signature back while the proposal is open."""
    proposal = _proposal_or_404(proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_signature(current_user, proposal)
    except services.ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("Underskriften din er trukket."))


@bp.route("/<int:proposal_id>/submit", methods=["GET", "POST"])
@confirmed_required
def submit(proposal_id: int):  # type: ignore[no-untyped-def]
    """Confirm, then hand the proposal to the council."""
    return _initiator_confirms(
        proposal_id, services.submit, _("Forslaget er sendt til kommunen."),
        "proposals/confirm_submit.html", threshold=services.threshold(),
    )  # fmt: skip


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):  # type: ignore[no-untyped-def]
    """Confirm, then withdraw the proposal."""
    return _initiator_confirms(
        proposal_id, services.withdraw, _("Forslaget er trukket."),
        "proposals/confirm_withdraw.html",
    )  # fmt: skip


def _initiator_confirms(  # type: ignore[no-untyped-def]
    proposal_id: int, act, done: str, template: str, **context: object
):
    """The initiator's two-step actions: a confirmation page, then the action on POST."""
    proposal = _proposal_or_404(proposal_id)
    if proposal.author_id != current_user.id:
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            act(current_user, proposal)
        except services.ProposalError as error:
            return _refused(proposal, error)
        return _done(proposal, done)
    return render_template(template, proposal=proposal, form=form, **context)


@bp.get("/<int:proposal_id>/signatures")
@login_required
def signatures(proposal_id: int):  # type: ignore[no-untyped-def]
    """Names and postal codes: the initiator and the committee only."""
    proposal = _proposal_or_404(proposal_id)
    if not services.can_manage_signatures(current_user, proposal):
        abort(403)
    rows = db.session.scalars(queries.signatures(proposal.id)).all()
    return render_template(
        "proposals/signatures.html", proposal=proposal, signatures=rows,
        strike_form=ReasonForm(), paper_form=PaperForm(),
        can_strike=services.can_strike_signatures(current_user, proposal),
        is_committee=current_user.has_role(Role.committee, Role.admin),
    )  # fmt: skip


@bp.post("/<int:proposal_id>/signatures/<int:signature_id>/strike")
@login_required
def strike(proposal_id: int, signature_id: int):  # type: ignore[no-untyped-def]
    """Strike a signature, with a reason."""
    proposal = _proposal_or_404(proposal_id)
    signature = db.get_or_404(Signature, signature_id)
    if signature.proposal_id != proposal.id or not services.can_manage_signatures(
        current_user, proposal
    ):
        abort(403)
    back = redirect(url_for("proposals.signatures", proposal_id=proposal.id))
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Skriv hvorfor underskriften strykes."), "danger")
        return back
    try:
        services.strike_signature(current_user, signature, form.reason.data)
    except services.ProposalError as error:  # submitted meanwhile, say: nothing is struck
        db.session.rollback()
        flash(str(error), "danger")
        return back
    db.session.commit()
    flash(_("Underskriften er strøket."), "success")
    return back


@bp.post("/<int:proposal_id>/paper")
@role_required(Role.committee, Role.admin)
def paper(proposal_id: int):  # type: ignore[no-untyped-def]
    """Register a counted batch of paper signatures."""
    proposal = _proposal_or_404(proposal_id)
    form = PaperForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in map(str, errors)), "danger")
        return redirect(url_for("proposals.signatures", proposal_id=proposal.id))
    try:
        services.add_paper_batch(current_user, proposal, form.count.data, form.received_on.data,
                                 form.note.data)  # fmt: skip
    except services.ProposalError as error:
        return _refused(proposal, error)
    db.session.commit()
    flash(_("Papirunderskriftene er registrert."), "success")
    return redirect(url_for("proposals.signatures", proposal_id=proposal.id))


@bp.get("/review")
@role_required(Role.committee, Role.admin)
def review():  # type: ignore[no-untyped-def]
    """The committee's queue: submitted proposals by deadline, overdue ones marked."""
    rows = db.session.scalars(queries.review_queue()).all()
    overdue = {p.id for p in rows if services.is_overdue(p)}
    return render_template("proposals/review.html", proposals=rows, overdue=overdue,
                           confirm_form=ConfirmForm())  # fmt: skip


@bp.post("/<int:proposal_id>/review")
@role_required(Role.committee, Role.admin)
def start_review(proposal_id: int):  # type: ignore[no-untyped-def]
    """Take a submitted proposal into review."""
    proposal = _proposal_or_404(proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.start_review(current_user, proposal)
    except services.ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("Forslaget er tatt til behandling."))


@bp.route("/<int:proposal_id>/decide", methods=["GET", "POST"])
@role_required(Role.committee, Role.admin)
def decide(proposal_id: int):  # type: ignore[no-untyped-def]
    """Record the council's decision."""
    proposal = _proposal_or_404(proposal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        same_as = db.session.get(Proposal, form.same_as_id.data) if form.same_as_id.data else None
        try:
            services.decide(
                current_user, proposal, DecisionOutcome(form.outcome.data), form.decided_on.data,
                form.case_reference.data, form.answer.data, same_as, form.same_as_case.data,
            )  # fmt: skip
        except services.ProposalError as error:
            form.form_errors.append(str(error))
        else:
            return _done(proposal, _("Vedtaket er registrert, og de som ba om det får e-post."))
    return render_template("proposals/decide.html", proposal=proposal, form=form)


@bp.route("/<int:proposal_id>/reject", methods=["GET", "POST"])
@role_required(Role.committee, Role.admin)
def reject(proposal_id: int):  # type: ignore[no-untyped-def]
    """Moderation: reject a proposal that breaks the terms, with a public reason."""
    proposal = _proposal_or_404(proposal_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.reject(current_user, proposal, form.reason.data)
        except services.ProposalError as error:
            return _refused(proposal, error)
        return _done(proposal, _("Forslaget er avvist."))
    return render_template("proposals/reject.html", proposal=proposal, form=form)


@bp.post("/<int:proposal_id>/comments")
@confirmed_required
def comment(proposal_id: int):  # type: ignore[no-untyped-def]
    """Add a comment under the proposal."""
    proposal = _proposal_or_404(proposal_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.body.errors) or _("Skriv en kommentar."), "danger")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#comments")
    try:
        services.add_comment(current_user, proposal, form.body.data)
    except services.ProposalError as error:
        return _refused(proposal, error)
    db.session.commit()
    flash(_("Kommentaren er publisert."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#comments")


@bp.post("/comments/<int:comment_id>/report")
@login_required
def report_comment(comment_id: int):  # type: ignore[no-untyped-def]
    """Tell the moderators about a comment."""
    comment = db.get_or_404(Comment, comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        services.report_comment(current_user, comment, form.reason.data or None)
        db.session.commit()
        flash(_("Takk! Moderatorene ser på kommentaren."), "success")
    return redirect(url_for("proposals.detail", proposal_id=comment.proposal_id) + "#comments")


@bp.get("/comments")
@role_required(Role.committee, Role.admin)
def moderation():  # type: ignore[no-untyped-def]
    """Reported and hidden comments."""
    rows = db.session.scalars(queries.reported_comments()).all()
    return render_template("proposals/moderation.html", comments=rows, form=ReasonForm())


@bp.post("/comments/<int:comment_id>/<any(hide, restore):action>")
@role_required(Role.committee, Role.admin)
def moderate(comment_id: int, action: str):  # type: ignore[no-untyped-def]
    """Hide a comment, or show it again, with a reason."""
    comment = db.get_or_404(Comment, comment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Skriv en begrunnelse."), "danger")
        return redirect(url_for("proposals.moderation"))
    change = services.hide_comment if action == "hide" else services.restore_comment
    change(current_user, comment, form.reason.data)
    db.session.commit()
    flash(_("Kommentaren er skjult.") if action == "hide" else _("Kommentaren vises igjen."),
          "success")  # fmt: skip
    return redirect(url_for("proposals.moderation"))


@bp.post("/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):  # type: ignore[no-untyped-def]
    """Follow the proposal (mail on submission and decision), or stop following it."""
    proposal = _proposal_or_404(proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    following = services.toggle_follow(current_user, proposal)
    db.session.commit()
    flash(_("Du følger forslaget og får e-post når det sendes inn og når det er vedtatt.")
          if following else _("Du følger ikke lenger forslaget."), "success")  # fmt: skip
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))
