"""Every route in ``app.url_map`` × every role, with the exact status each must get.

The table below has one entry per (rule, method). A route the app has and the table does
not, or an entry naming a route the app no longer has, fails ``test_table_covers_url_map``:
a new route cannot be added untested. Each role's test requests every entry that names it
and checks the status (a login redirect must point at the login page with ``next`` set to
the page asked for; an unconfirmed user sent to confirm must land on /account; an allowed
redirect must go anywhere else). For a POST it fingerprints the tables the route writes
and the audit log before and after: an allowed POST must change them, a refused one must
leave them exactly as they were.

Roles: the six of DESIGN.md, plus ``author`` (the author of the world's proposals) and
``owner`` (the owner of the world's service) where a route is about one object; the
plain ``resident`` and ``service_owner`` are then the other author and the other owner.

The objects are built once per role and reused while requests leave them alone; after
an allowed POST (or a GET that changes state) the tables are emptied and built again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.core.dates import today
from app.core.demo import RØROS
from app.core.models import MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import cache, db, limiter
from tests.conftest import clear_tables, csrf_token, login
from tests.route_world import World

A, U, R, C, S, D = "anonymous", "unconfirmed", "resident", "committee", "service_owner", "admin"
BASE = (A, U, R, C, S, D)
AUTHOR, OWNER = "author", "owner"
ALL_ROLES = (*BASE, AUTHOR, OWNER)
LOGIN = "login"  # 302 to /auth/login?next=<the page>
ACCOUNT = "account"  # 302 to /account (confirm your address first)
MOVED = "302"  # a redirect somewhere other than the login or account page
REFUSED = {400, 403, 404, 405, LOGIN, ACCOUNT}
# A path (starting with "/"): a 302 to exactly that page

Expect = dict[str, object]


def public(ok: object = 200) -> Expect:
    return dict.fromkeys(BASE, ok)


def logged_in(ok: object = 200) -> Expect:
    return {**dict.fromkeys(BASE, ok), A: LOGIN}


def confirmed(ok: object = 200) -> Expect:
    return {**dict.fromkeys(BASE, ok), A: LOGIN, U: ACCOUNT}


def roles(*allowed: str, ok: object = 200) -> Expect:
    """role_required: visitors to the login page, every other role refused (an
    unconfirmed user holds the resident role, so refused too)."""
    return {A: LOGIN, U: 403, **{r: ok if r in allowed else 403 for r in (R, C, S, D)}}


def admin(ok: object = 200) -> Expect:
    return roles(D, ok=ok)


def staff(ok: object = 200) -> Expect:
    return roles(S, D, ok=ok)


def committee(ok: object = 200) -> Expect:
    return roles(C, D, ok=ok)


_SHORT = {"A": A, "U": U, "R": R, "C": C, "S": S, "D": D}


def but(expect: Expect, **changed: object) -> Expect:
    """``expect`` with some roles' statuses changed (A, U, R, C, S, D name the six)."""
    return {**expect, **{_SHORT.get(k, k): v for k, v in changed.items()}}


@dataclass(frozen=True)
class Entry:
    method: str
    rule: str
    expect: Expect
    #: the path, formatted with ``w`` (a World): attributes are built on first use
    url: str = ""
    data: Callable[[World], dict[str, object]] | dict[str, object] = field(default_factory=dict)
    #: tables an allowed POST writes (the audit log is always fingerprinted)
    tables: tuple[str, ...] = ()
    #: roles whose allowed request writes nothing (a form shown again, a no-op)
    unchanged: frozenset[str] = frozenset()
    #: the request changes state even as a GET: build the world again after it
    dirty: bool = False


def E(method: str, rule: str, expect: Expect, url: str | None = None, **kw: object) -> Entry:
    return Entry(method, rule, expect, url if url is not None else rule, **kw)  # type: ignore[arg-type]


def G(rule: str, expect: Expect, url: str | None = None, **kw: object) -> Entry:
    return E("GET", rule, expect, url, **kw)


def P(rule: str, expect: Expect, url: str | None = None, **kw: object) -> Entry:
    return E("POST", rule, expect, url, **kw)


def day(offset: int = 0) -> str:
    from datetime import timedelta

    return (today() + timedelta(days=offset)).isoformat()


PROPOSAL = {
    "title": "Benker langs Hitterelva",
    "summary": "Sett opp benker langs elva.",
    "body": "Eldre trenger hvile på turen.",
    "focus_area": "8",
    "topic": "Friluft",
    "save": "1",
}
SETTINGS = {
    "name": "Røros kommune",
    "number": "5025",
    "kind": "kommune",
    "population": "5700",
    "postal_codes": "7374\n7372, 7370",
    "areas": "Røros sentrum\nBrekken",
    "electoral_period_start": "2023-10-01",
    "electoral_period_end": "2027-09-30",
}
REASON = {"reason": "Bryter vilkårene for bruk."}
P_ID = "{w.proposal.id}"
SRV = "{w.service.id}"

TABLE: list[Entry] = [
    # --- core ----------------------------------------------------------------------------
    G("/", public()),
    G("/favicon.ico", public()),
    G("/apple-touch-icon.png", public()),
    G("/accessibility", public()),
    G("/privacy", public()),
    G("/healthz", public()),
    G("/language/<code>", public(MOVED), "/language/en", dirty=True),
    G("/opendata/", public()),
    G("/opendata/<path:filename>", public(), "/opendata/{w.opendata_file}"),
    G("/static/<path:filename>", public(), "/static/css/medvirke.css"),
    G("/compass/static/<path:filename>", public(), "/compass/static/compass.css"),
    # --- API: public reads -----------------------------------------------------------------
    G("/api/docs", public()),
    G("/api/v1/openapi.json", public()),
    G("/api/v1/compass/areas", public()),
    G("/api/v1/compass/evaluations", public()),
    G("/api/v1/compass/indicators", public()),
    G("/api/v1/compass/snapshots", public()),
    G("/api/v1/compass/strategies", public()),
    G("/api/v1/declarations", public()),
    G("/api/v1/declarations/<slug>", public(), "/api/v1/declarations/{w.service.slug}"),
    G(
        "/api/v1/declarations/<slug>/versions",
        public(),
        "/api/v1/declarations/{w.service.slug}/versions",
    ),
    G("/api/v1/moments/winners", public()),
    G("/api/v1/proposals", public()),
    G("/api/v1/proposals/<int:proposal_id>", public(), f"/api/v1/proposals/{P_ID}"),
    G("/api/v1/surveys", public()),
    G(
        "/api/v1/surveys/<int:survey_id>/results",
        public(),
        "/api/v1/surveys/{w.closed_survey.id}/results",
    ),
    # --- auth and account ------------------------------------------------------------------
    G("/auth/login", public()),
    P(
        "/auth/login",
        but(logged_in(MOVED), A=MOVED),
        data=lambda w: {"email": w.target.email, "password": "et langt passord 123"},
        tables=("login_sessions",),
    ),
    # a visitor has no session to end
    P("/auth/logout", public(MOVED), tables=("login_sessions",), unchanged=frozenset({A})),
    G("/auth/reauth", logged_in()),
    P("/auth/reauth", logged_in(MOVED), data={"reauth_password": "et langt passord 123"}),
    # a logged-in user is sent to their account, and no account is made
    G("/auth/register", but(logged_in("/account"), A=200)),
    P(
        "/auth/register",
        but(logged_in("/account"), A=MOVED),
        unchanged=frozenset({U, R, C, S, D}),
        data={
            "email": "ny@roros.example",
            "name": "Ny Bruker",
            "password": "blåbærsyltetøy på vaffel",
            "password_confirm": "blåbærsyltetøy på vaffel",
        },
        tables=("users",),
    ),
    G("/auth/register/sent", public()),
    G("/auth/confirm/<token>", but(public("/"), A="/auth/login"), "/auth/confirm/ugyldig"),
    G("/auth/reset", public()),
    P(
        "/auth/reset",
        public("/auth/login"),
        data=lambda w: {"email": w.target.email},
        tables=("outbox",),
    ),
    # a broken link: back to ask for a new one, nothing changed
    G("/auth/reset/<token>", public("/auth/reset"), "/auth/reset/ugyldig"),
    P(
        "/auth/reset/<token>",
        public("/auth/reset"),
        "/auth/reset/ugyldig",
        unchanged=frozenset(BASE),
    ),
    G("/account", logged_in()),
    P(
        "/account",
        logged_in("/account"),
        data={"name": "Nytt Navn", "postal_code": "7374", "language": "nb"},
        tables=("users",),
    ),
    # only the unconfirmed user has an address to confirm (a new link is mailed)
    P(
        "/account/confirm",
        logged_in("/account"),
        tables=("outbox",),
        unchanged=frozenset({R, C, S, D}),
    ),
    G("/account/delete", confirmed()),
    P(
        "/account/delete",
        confirmed(MOVED),
        data={"password": "et langt passord 123", "understood": "y"},
        tables=("users",),
    ),
    G("/account/export", confirmed()),
    G("/account/password", logged_in()),
    P(
        "/account/password",
        logged_in("/account"),
        data={
            "current_password": "et langt passord 123",
            "password": "blåbærsyltetøy på vaffel",
            "password_confirm": "blåbærsyltetøy på vaffel",
        },
        tables=("users",),
    ),
    P(
        "/account/sessions/<int:session_id>/end",
        logged_in("/account"),
        "/account/sessions/{w.own_session}/end",
        tables=("login_sessions",),
    ),
    G("/account/sessions/end-all", logged_in()),
    P("/account/sessions/end-all", logged_in("/auth/login"), tables=("login_sessions",)),
    # --- admin -----------------------------------------------------------------------------
    G("/admin/", admin()),
    G("/admin/audit", admin()),
    G("/admin/settings", admin()),
    P(
        "/admin/settings",
        admin(MOVED),
        data=but(SETTINGS, population="5800"),
        tables=("municipality_settings",),
    ),
    G("/admin/units", admin()),
    P(
        "/admin/units",
        admin(MOVED),
        data={"name": "Kulturskolen", "contact": "0"},
        tables=("units",),
    ),
    G("/admin/units/<int:unit_id>", admin(), "/admin/units/{w.unit.id}"),
    P(
        "/admin/units/<int:unit_id>",
        admin(MOVED),
        "/admin/units/{w.unit.id}",
        data={"name": "Byggesak og plan", "contact": "0"},
        tables=("units",),
    ),
    G("/admin/units/<int:unit_id>/deactivate", admin(), "/admin/units/{w.unit.id}/deactivate"),
    P(
        "/admin/units/<int:unit_id>/deactivate",
        admin(MOVED),
        "/admin/units/{w.unit.id}/deactivate",
        tables=("units",),
    ),
    P(
        "/admin/units/<int:unit_id>/reactivate",
        admin(MOVED),
        "/admin/units/{w.inactive_unit.id}/reactivate",
        tables=("units",),
    ),
    G("/admin/users", admin()),
    G("/admin/users/<int:user_id>", admin(), "/admin/users/{w.target.id}"),
    G("/admin/users/<int:user_id>/deactivate", admin(), "/admin/users/{w.target.id}/deactivate"),
    P(
        "/admin/users/<int:user_id>/deactivate",
        admin(MOVED),
        "/admin/users/{w.target.id}/deactivate",
        tables=("users",),
    ),
    P(
        "/admin/users/<int:user_id>/reactivate",
        admin(MOVED),
        "/admin/users/{w.inactive_user.id}/reactivate",
        tables=("users",),
    ),
    P(
        "/admin/users/<int:user_id>/roles",
        admin(MOVED),
        "/admin/users/{w.target.id}/roles",
        data={"roles": ["resident", "committee"]},
        tables=("user_roles",),
    ),
    # --- proposals -------------------------------------------------------------------------
    G("/proposals/", public()),
    G("/proposals/<int:proposal_id>", public(), f"/proposals/{P_ID}"),
    G("/proposals/decided.atom", public()),
    G("/proposals/feed.atom", public()),
    G("/proposals/new", confirmed()),
    P("/proposals/new", confirmed(MOVED), data=PROPOSAL, tables=("proposals",)),
    G("/proposals/review", committee()),
    G("/proposals/comments", committee()),
    # a draft: no one but its author knows it is there
    G(
        "/proposals/<int:proposal_id>/edit",
        but(confirmed(404), author=200),
        "/proposals/{w.draft.id}/edit",
    ),
    P(
        "/proposals/<int:proposal_id>/edit",
        but(confirmed(404), author=MOVED),
        "/proposals/{w.draft.id}/edit",
        data=PROPOSAL,
        tables=("proposals",),
    ),
    P(
        "/proposals/<int:proposal_id>/open",
        but(confirmed(404), author=MOVED),
        "/proposals/{w.draft.id}/open",
        data={"campaign_ends_on": day(60)},
        tables=("proposals",),
    ),
    # an unconfirmed user is told on /account what is missing before they may sign
    P(
        "/proposals/<int:proposal_id>/sign",
        but(logged_in(MOVED), U=ACCOUNT),
        f"/proposals/{P_ID}/sign",
        data=lambda w: {"version": str(w.proposal.version)},
        tables=("signatures",),
    ),
    # only the signer has a signature to take back; the others are told they have none
    P(
        "/proposals/<int:proposal_id>/unsign",
        but(logged_in(MOVED), signer=MOVED),
        f"/proposals/{P_ID}/unsign",
        tables=("signatures",),
        unchanged=frozenset({U, R, C, S, D}),
    ),
    G(
        "/proposals/<int:proposal_id>/submit",
        but(confirmed(403), author=200),
        f"/proposals/{P_ID}/submit",
    ),
    P(
        "/proposals/<int:proposal_id>/submit",
        but(confirmed(403), author=MOVED),
        f"/proposals/{P_ID}/submit",
        tables=("proposals",),
    ),
    G(
        "/proposals/<int:proposal_id>/withdraw",
        but(logged_in(403), author=200),
        f"/proposals/{P_ID}/withdraw",
    ),
    P(
        "/proposals/<int:proposal_id>/withdraw",
        but(logged_in(403), author=MOVED),
        f"/proposals/{P_ID}/withdraw",
        tables=("proposals",),
    ),
    G(
        "/proposals/<int:proposal_id>/signatures",
        but(committee(), author=200),
        f"/proposals/{P_ID}/signatures",
    ),
    P(
        "/proposals/<int:proposal_id>/signatures/<int:signature_id>/strike",
        but(committee(MOVED), author=MOVED),
        f"/proposals/{P_ID}/signatures/{{w.signature.id}}/strike",
        data=REASON,
        tables=("signatures",),
    ),
    P(
        "/proposals/<int:proposal_id>/paper",
        committee(MOVED),
        f"/proposals/{P_ID}/paper",
        data={"count": "5", "received_on": day()},
        tables=("paper_batches",),
    ),
    P(
        "/proposals/<int:proposal_id>/review",
        committee(MOVED),
        "/proposals/{w.submitted.id}/review",
        tables=("proposals",),
    ),
    G("/proposals/<int:proposal_id>/decide", committee(), "/proposals/{w.submitted.id}/decide"),
    P(
        "/proposals/<int:proposal_id>/decide",
        committee(MOVED),
        "/proposals/{w.submitted.id}/decide",
        data={
            "outcome": "adopted",
            "decided_on": day(),
            "case_reference": "2026/17",
            "answer": "Kommunestyret vedtok forslaget.",
        },
        tables=("proposals",),
    ),
    G("/proposals/<int:proposal_id>/reject", committee(), f"/proposals/{P_ID}/reject"),
    P(
        "/proposals/<int:proposal_id>/reject",
        committee(MOVED),
        f"/proposals/{P_ID}/reject",
        data=REASON,
        tables=("proposals",),
    ),
    P(
        "/proposals/<int:proposal_id>/comments",
        confirmed(MOVED),
        f"/proposals/{P_ID}/comments",
        data={"body": "Dette støtter jeg."},
        tables=("proposal_comments",),
    ),
    P(
        "/proposals/<int:proposal_id>/follow",
        logged_in(MOVED),
        f"/proposals/{P_ID}/follow",
        tables=("proposal_follows",),
    ),
    P(
        "/proposals/comments/<int:comment_id>/report",
        logged_in(MOVED),
        "/proposals/comments/{w.comment.id}/report",
        data={"reason": "Hets"},
        tables=("comment_reports",),
    ),
    P(
        "/proposals/comments/<int:comment_id>/<any(hide, restore):action>",
        committee(MOVED),
        "/proposals/comments/{w.comment.id}/hide",
        data=REASON,
        tables=("proposal_comments",),
    ),
    # --- panel -----------------------------------------------------------------------------
    G("/panel/", public()),
    P(
        "/panel/join",
        confirmed(MOVED),
        data={"birth_year": "1980", "area": "Røros sentrum"},
        tables=("panel_members",),
    ),
    # only a member can leave (the viewers are not members)
    P(
        "/panel/leave",
        confirmed(MOVED),
        "/panel/leave",
        tables=("panel_members",),
        unchanged=frozenset({R, C, S, D}),
    ),
    # the audience is the residents: staff without the resident role are not asked
    G("/panel/surveys/<int:survey_id>", but(confirmed(403), R=200), "/panel/surveys/{w.survey.id}"),
    P(
        "/panel/surveys/<int:survey_id>",
        but(confirmed(403), R=200),
        "/panel/surveys/{w.survey.id}",
        data=lambda w: {f"q{q.id}": "0" if q.options else "5" for q in w.survey.questions},
        tables=("survey_participations",),
    ),
    G(
        "/panel/surveys/<int:survey_id>/results",
        public(),
        "/panel/surveys/{w.closed_survey.id}/results",
    ),
    G(
        "/panel/surveys/<int:survey_id>/results.csv",
        public(),
        "/panel/surveys/{w.closed_survey.id}/results.csv",
    ),
    G(
        "/panel/surveys/<int:survey_id>/charts/<int:question_id>.svg",
        public(),
        "/panel/surveys/{w.answered_survey.id}/charts/{w.answered_survey.questions[0].id}.svg",
    ),
    G(
        "/panel/surveys/<int:survey_id>/answers.csv",
        admin(),
        "/panel/surveys/{w.closed_survey.id}/answers.csv",
    ),
    P(
        "/panel/surveys/<int:survey_id>/followups",
        committee(MOVED),
        "/panel/surveys/{w.survey.id}/followups",
        data={"what": "Lengre åpningstider", "owner": "Biblioteket"},
        tables=("survey_followups",),
    ),
    P(
        "/panel/followups/<int:followup_id>/<any(planned, in_progress, done):new>",
        committee(MOVED),
        "/panel/followups/{w.followup.id}/done",
        tables=("survey_followups",),
    ),
    G("/panel/subpanels/<int:subpanel_id>", public(), "/panel/subpanels/{w.subpanel.id}"),
    G("/panel/manage/", admin()),
    P(
        "/panel/manage/",
        admin(MOVED),
        data={
            "title": "Ny undersøkelse",
            "intro": "Hei",
            "audience": "residents",
            "opens_on": day(1),
            "closes_on": day(15),
        },
        tables=("surveys",),
    ),
    G("/panel/manage/lottery", admin()),
    P(
        "/panel/manage/lottery",
        admin(MOVED),
        "/panel/manage/lottery{w.volunteer_made}",
        data={"name": "Ungdomspanel", "size": "1"},
        tables=("subpanels",),
    ),
    G(
        "/panel/manage/surveys/<int:survey_id>",
        admin(),
        "/panel/manage/surveys/{w.survey_draft.id}",
    ),
    P(
        "/panel/manage/surveys/<int:survey_id>",
        admin(MOVED),
        "/panel/manage/surveys/{w.survey_draft.id}",
        data={"q-kind": "text", "q-text": "Har du noe å legge til?", "q-submit": "1"},
        tables=("survey_questions",),
    ),
    P(
        "/panel/manage/questions/<int:question_id>/<any(up, down, delete):action>",
        admin(MOVED),
        "/panel/manage/questions/{w.question.id}/up",
        tables=("survey_questions",),
    ),
    P(
        "/panel/manage/surveys/<int:survey_id>/<any(publish, close):action>",
        admin(MOVED),
        "/panel/manage/surveys/{w.survey_draft.id}/publish",
        tables=("surveys",),
    ),
    P(
        "/panel/manage/surveys/<int:survey_id>/copy",
        admin(MOVED),
        "/panel/manage/surveys/{w.closed_survey.id}/copy",
        data={"r-opens_on": day(30), "r-closes_on": day(44)},
        tables=("surveys",),
    ),
    # --- declarations ----------------------------------------------------------------------
    G("/declarations/", public()),
    G("/declarations/feed.atom", public()),
    G("/declarations/<slug>", public(), "/declarations/{w.service.slug}"),
    G(
        "/declarations/<slug>/charts/<any(kept, reports, in_time, days):name>.svg",
        public(),
        "/declarations/{w.service.slug}/charts/kept.svg",
    ),
    G("/declarations/<slug>/feedback", public(), "/declarations/{w.service.slug}/feedback"),
    P(
        "/declarations/<slug>/feedback",
        public(MOVED),
        "/declarations/{w.service.slug}/feedback",
        data=lambda w: {"f-kept": "yes", "f-promise_id": str(w.promise_id)},
        tables=("declaration_feedback",),
    ),
    G("/declarations/<slug>/report", public(), "/declarations/{w.service.slug}/report"),
    P(
        "/declarations/<slug>/report",
        public(MOVED),
        "/declarations/{w.service.slug}/report",
        data=lambda w: {
            "r-description": "Ingen svar på tre uker.",
            "r-happened_on": day(-1),
            "r-name": "Per Melder",
            "r-email": "per@roros.example",
            "r-promise_id": str(w.promise_id),
        },
        tables=("declaration_reports",),
    ),
    G("/declarations/<slug>/history", public(), "/declarations/{w.service.slug}/history"),
    G(
        "/declarations/<slug>/history/<int:version_id>",
        public(),
        "/declarations/{w.service.slug}/history/{w.published.id}",
    ),
    G(
        "/declarations/<slug>/history/diff",
        public(),
        "/declarations/{w.service.slug}/history/diff?a={w.published.id}&b={w.newer.id}",
        dirty=True,
    ),
    G("/declarations/manage/", staff()),
    G("/declarations/manage/services/new", admin()),
    P(
        "/declarations/manage/services/new",
        admin(MOVED),
        data=lambda w: {
            "name": "Renovasjon",
            "slug": "renovasjon",
            "unit_id": str(w.unit.id),
            "focus_areas": ["2"],
            "active": "1",
        },
        tables=("services",),
    ),
    G(
        "/declarations/manage/services/<int:service_id>/edit",
        admin(),
        f"/declarations/manage/services/{SRV}/edit",
    ),
    P(
        "/declarations/manage/services/<int:service_id>/edit",
        admin(MOVED),
        f"/declarations/manage/services/{SRV}/edit",
        data=lambda w: {
            "name": "Byggesak og plan",
            "slug": "byggesak",
            "unit_id": str(w.unit.id),
            "focus_areas": ["2"],
            "owner_ids": [str(w.owner.id)],
            "active": "1",
        },
        tables=("services",),
    ),
    G(
        "/declarations/manage/services/<int:service_id>",
        but(roles(D), owner=200),
        f"/declarations/manage/services/{SRV}",
    ),
    P(
        "/declarations/manage/services/<int:service_id>/drafts",
        but(roles(D, ok=MOVED), owner=MOVED),
        f"/declarations/manage/services/{SRV}/drafts",
        data={"language": "en"},
        tables=("declaration_versions",),
    ),
    G(
        "/declarations/manage/versions/<int:version_id>",
        but(roles(D), owner=200),
        "/declarations/manage/versions/{w.version.id}",
    ),
    P(
        "/declarations/manage/versions/<int:version_id>",
        but(roles(D, ok=MOVED), owner=MOVED),
        "/declarations/manage/versions/{w.version.id}",
        data={
            "about": "Nytt om byggesak.",
            "audience": "Alle.",
            "expectations": "-",
            "price": "Gebyr.",
            "complaints": "Tre uker.",
            "contact": "Servicetorget",
            "promises-0-text": "Du får svar innen 3 uker.",
            "promises-0-position": "1",
            "save": "1",
        },
        tables=("declaration_versions",),
    ),
    P(
        "/declarations/manage/versions/<int:version_id>/submit",
        but(roles(D, ok=MOVED), owner=MOVED),
        "/declarations/manage/versions/{w.version.id}/submit",
        tables=("declaration_versions",),
    ),
    G(
        "/declarations/manage/versions/<int:version_id>/publish",
        admin(),
        "/declarations/manage/versions/{w.submitted_version.id}/publish",
    ),
    P(
        "/declarations/manage/versions/<int:version_id>/publish",
        admin(MOVED),
        "/declarations/manage/versions/{w.submitted_version.id}/publish",
        data={"effective_from": day()},
        tables=("declaration_versions",),
    ),
    P(
        "/declarations/manage/versions/<int:version_id>/reviewed",
        but(roles(D, ok=MOVED), owner=MOVED),
        "/declarations/manage/versions/{w.published.id}/reviewed",
        tables=("declaration_versions",),
    ),
    G(
        "/declarations/manage/versions/<int:version_id>/discard",
        but(roles(D), owner=200),
        "/declarations/manage/versions/{w.version.id}/discard",
    ),
    P(
        "/declarations/manage/versions/<int:version_id>/discard",
        but(roles(D, ok=MOVED), owner=MOVED),
        "/declarations/manage/versions/{w.version.id}/discard",
        tables=("declaration_versions",),
    ),
    G(
        "/declarations/manage/reports/<int:report_id>",
        but(logged_in(403), D=200, owner=200),
        "/declarations/manage/reports/{w.report.id}",
    ),
    P(
        "/declarations/manage/reports/<int:report_id>/acknowledge",
        but(logged_in(403), D=MOVED, owner=MOVED),
        "/declarations/manage/reports/{w.report.id}/acknowledge",
        tables=("declaration_reports",),
    ),
    P(
        "/declarations/manage/reports/<int:report_id>/answer",
        but(logged_in(403), D=MOVED, owner=MOVED),
        "/declarations/manage/reports/{w.report.id}/answer",
        data={"answer": "Beklager, svaret kommer i dag."},
        tables=("declaration_reports",),
    ),
    G(
        "/declarations/manage/reports/<int:report_id>/close",
        but(logged_in(403), D=200, owner=200),
        "/declarations/manage/reports/{w.report.id}/close",
    ),
    P(
        "/declarations/manage/reports/<int:report_id>/close",
        but(logged_in(403), D=MOVED, owner=MOVED),
        "/declarations/manage/reports/{w.report.id}/close",
        tables=("declaration_reports",),
    ),
    # --- compass ---------------------------------------------------------------------------
    G("/compass/", public()),
    G("/compass/areas/<int:area>", public(), "/compass/areas/2"),
    G("/compass/charts/areas.svg", public(), "/compass/charts/areas.svg{w.evaluation_made}"),
    G("/compass/charts/areas/<int:area>.svg", public(), "/compass/charts/areas/2.svg"),
    G("/compass/charts/history.svg", public()),
    G(
        "/compass/charts/indicator.svg",
        public(),
        "/compass/charts/indicator.svg?key=proposals.opened",
    ),
    G("/compass/charts/strategies.svg", public()),
    G("/compass/report/<int:year>", public(), "/compass/report/{w.this_year}"),
    G("/compass/report/<int:year>.csv", public(), "/compass/report/{w.this_year}.csv"),
    G("/compass/manage/", admin()),
    P(
        "/compass/manage/target",
        admin(MOVED),
        data={"score": "600", "year": "2029"},
        tables=("compass_targets",),
    ),
    G("/compass/manage/evaluations/new", admin()),
    P(
        "/compass/manage/evaluations/new",
        admin(MOVED),
        data={"year": "2025", "evaluator": "KS-Konsulent", "total": "450"},
        tables=("compass_evaluations",),
    ),
    G(
        "/compass/manage/evaluations/<int:evaluation_id>",
        admin(),
        "/compass/manage/evaluations/{w.evaluation.id}",
    ),
    P(
        "/compass/manage/evaluations/<int:evaluation_id>",
        admin(MOVED),
        "/compass/manage/evaluations/{w.evaluation.id}",
        data={"year": "2017", "evaluator": "KS-Konsulent", "total": "400"},
        tables=("compass_evaluations",),
    ),
    G(
        "/compass/manage/evaluations/<int:evaluation_id>/delete",
        admin(),
        "/compass/manage/evaluations/{w.evaluation.id}/delete",
    ),
    P(
        "/compass/manage/evaluations/<int:evaluation_id>/delete",
        admin(MOVED),
        "/compass/manage/evaluations/{w.evaluation.id}/delete",
        tables=("compass_evaluations",),
    ),
    G("/compass/manage/strategies/new", admin()),
    P(
        "/compass/manage/strategies/new",
        admin(MOVED),
        data={"title": "Digital kommune", "position": "2"},
        tables=("compass_strategies",),
    ),
    G(
        "/compass/manage/strategies/<int:strategy_id>",
        admin(),
        "/compass/manage/strategies/{w.strategy.id}",
    ),
    P(
        "/compass/manage/strategies/<int:strategy_id>",
        admin(MOVED),
        "/compass/manage/strategies/{w.strategy.id}",
        data={"title": "Servicekommunen", "position": "1"},
        tables=("compass_strategies",),
    ),
    G(
        "/compass/manage/strategies/<int:strategy_id>/delete",
        admin(),
        "/compass/manage/strategies/{w.strategy.id}/delete",
    ),
    P(
        "/compass/manage/strategies/<int:strategy_id>/delete",
        admin(MOVED),
        "/compass/manage/strategies/{w.strategy.id}/delete",
        tables=("compass_strategies",),
    ),
    G(
        "/compass/manage/strategies/<int:strategy_id>/measures/new",
        admin(),
        "/compass/manage/strategies/{w.strategy.id}/measures/new",
    ),
    P(
        "/compass/manage/strategies/<int:strategy_id>/measures/new",
        admin(MOVED),
        "/compass/manage/strategies/{w.strategy.id}/measures/new",
        data={
            "title": "Servicebuss",
            "focus_areas": ["2"],
            "owner": "Servicetorget",
            "position": "1",
        },
        tables=("compass_measures",),
    ),
    G(
        "/compass/manage/measures/<int:measure_id>",
        admin(),
        "/compass/manage/measures/{w.measure.id}",
    ),
    P(
        "/compass/manage/measures/<int:measure_id>",
        admin(MOVED),
        "/compass/manage/measures/{w.measure.id}",
        data={
            "title": "Brukerpanelet",
            "focus_areas": ["2"],
            "owner": "Servicetorget",
            "position": "1",
        },
        tables=("compass_measures",),
    ),
    P(
        "/compass/manage/measures/<int:measure_id>/updates",
        admin(MOVED),
        "/compass/manage/measures/{w.measure.id}/updates",
        data={
            "u-noted_on": day(),
            "u-text": "Godt i gang.",
            "u-status": "in_progress",
            "u-progress": "30",
        },
        tables=("compass_measure_updates",),
    ),
    G(
        "/compass/manage/measures/<int:measure_id>/delete",
        admin(),
        "/compass/manage/measures/{w.measure.id}/delete",
    ),
    P(
        "/compass/manage/measures/<int:measure_id>/delete",
        admin(MOVED),
        "/compass/manage/measures/{w.measure.id}/delete",
        tables=("compass_measures",),
    ),
    # --- moments ---------------------------------------------------------------------------
    G("/moments/", public()),
    G("/moments/<int:year>", public(), "/moments/{w.this_year}"),
    G("/moments/feed.atom", public()),
    G("/moments/confirm/<token>", public(MOVED), "/moments/confirm/ugyldig"),
    G("/moments/nominate", public()),
    P(
        "/moments/nominate",
        public(MOVED),
        data=lambda w: {
            "unit": str(w.unit.id),
            "employee_name": "Siri Bakken",
            "happened_on": day(-2),
            "story": "Hun hjalp meg raskt og vennlig.",
            "nominator_name": "Nora Nominerer",
            "nominator_email": "nora@roros.example",
            "may_contact": "y",
        },
        tables=("moment_nominations",),
    ),
    G("/moments/nominate/sent", public()),
    G("/moments/reflection", public()),
    G(
        "/moments/reflection/<int:iso_year>/<int:week>",
        public(),
        "/moments/reflection/{w.this_year}/1",
    ),
    # the unit's contact, a service owner, records it; another service owner may not
    P(
        "/moments/reflection/<int:prompt_id>/units/<int:unit_id>",
        but(roles(D, ok=MOVED), owner=MOVED),
        "/moments/reflection/{w.prompt.id}/units/{w.unit.id}",
        data={"learning": "Ring tilbake samme dag."},
        tables=("moment_reflections",),
    ),
    G("/moments/manage/", committee()),
    G(
        "/moments/manage/nominations/<int:nomination_id>",
        committee(),
        "/moments/manage/nominations/{w.nomination.id}",
    ),
    P(
        "/moments/manage/nominations/<int:nomination_id>",
        committee(MOVED),
        "/moments/manage/nominations/{w.nomination.id}",
        data={"employee_name": "Siri B.", "story": "Hun hjalp meg raskt og vennlig."},
        tables=("moment_nominations",),
    ),
    P(
        "/moments/manage/nominations/<int:nomination_id>/approve",
        committee(MOVED),
        "/moments/manage/nominations/{w.nomination.id}/approve",
        tables=("moment_nominations",),
    ),
    G(
        "/moments/manage/nominations/<int:nomination_id>/reject",
        committee(),
        "/moments/manage/nominations/{w.nomination.id}/reject",
    ),
    P(
        "/moments/manage/nominations/<int:nomination_id>/reject",
        committee(MOVED),
        "/moments/manage/nominations/{w.nomination.id}/reject",
        data=REASON,
        tables=("moment_nominations",),
    ),
    G(
        "/moments/manage/winner/<int:year>/<int:month>",
        committee(),
        "/moments/manage/winner/{w.this_year}/1",
    ),
    P(
        "/moments/manage/winner/<int:year>/<int:month>",
        committee("/moments/{w.this_year}"),
        "/moments/manage/winner/{w.this_year}/{w.this_month}",
        data=lambda w: {
            "nomination": str(w.approved_nomination.id),
            "citation": "For omtanke utover det vanlige.",
        },
        tables=("moment_winners",),
    ),
    G("/moments/manage/reflection", admin()),
    P(
        "/moments/manage/reflection",
        admin(MOVED),
        data={"week": day(7), "prompt": "Hva gjorde vi bra?"},
        tables=("moment_reflection_prompts",),
    ),
]

#: The same routes on objects in another state, or with another of their forms
VARIANTS: list[Entry] = [
    # after submission no one strikes a signature: told so on the signatures page
    P(
        "/proposals/<int:proposal_id>/signatures/<int:signature_id>/strike",
        but(
            committee("/proposals/{w.submitted.id}/signatures"),
            author="/proposals/{w.submitted.id}/signatures",
        ),
        "/proposals/{w.submitted.id}/signatures/{w.submitted_signature.id}/strike",
        data=REASON,
        tables=("signatures", "proposals"),
        unchanged=frozenset({C, D, AUTHOR}),
    ),
    # an open proposal someone else has signed: its author may no longer change it
    P(
        "/proposals/<int:proposal_id>/edit",
        but(confirmed(403), author=f"/proposals/{P_ID}"),
        f"/proposals/{P_ID}/edit",
        data=PROPOSAL,
        tables=("proposals",),
        unchanged=frozenset({AUTHOR}),
    ),
    # the survey's own details, the other form on its page
    P(
        "/panel/manage/surveys/<int:survey_id>",
        admin("/panel/manage/surveys/{w.survey_draft.id}"),
        "/panel/manage/surveys/{w.survey_draft.id}",
        data={
            "title": "Innbyggerundersøkelse 2027",
            "intro": "Hei igjen!",
            "audience": "residents",
            "opens_on": day(1),
            "closes_on": day(20),
            "subpanel_id": "",
            "submit": "1",
        },
        tables=("surveys",),
    ),
]

CASES = sum(len(entry.expect) for entry in (*TABLE, *VARIANTS))


@pytest.fixture
def config_overrides(tmp_path):
    """Somewhere to write the open-data export that /opendata/ serves."""
    return {"OPENDATA_DIR": str(tmp_path / "opendata")}


def _methods(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def _uncovered(app: Flask) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (method, rule) pairs the app serves with no entry, and the entries it does not serve."""
    keys = {(e.method, e.rule) for e in TABLE}
    served = _methods(app)
    return sorted(served - keys), sorted(keys - served)


def test_table_covers_url_map(app):
    """Every (rule, method) the app serves has one entry, and every entry is served."""
    keys = [(e.method, e.rule) for e in TABLE]
    assert len(keys) == len(set(keys)), "an entry is listed twice"
    served = _methods(app)
    unlisted, gone = _uncovered(app)
    assert unlisted == [], "routes with no entry in the table"
    assert gone == [], "entries for routes the app does not have"
    for entry in (*TABLE, *VARIANTS):
        assert (entry.method, entry.rule) in served, entry.rule
        assert set(entry.expect) <= set(ALL_ROLES) | {"signer"}, entry.rule
        assert set(BASE) <= set(entry.expect), entry.rule
    pairs, variants = len(TABLE), len(VARIANTS)
    print(f"route matrix: {pairs} (rule, method) pairs + {variants} variants, {CASES} cases")
    assert (len(TABLE), CASES) == (198, 1232)


@pytest.mark.own_app
def test_a_new_route_without_an_entry_is_caught(app):
    app.add_url_rule("/ny-side", "ny_side", lambda: "ny", methods=["GET", "POST"])
    assert _uncovered(app) == ([("GET", "/ny-side"), ("POST", "/ny-side")], [])


# --- running the cases -----------------------------------------------------------------


def _fingerprint(tables: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    db.session.expire_all()
    for name in (*tables, "audit_log"):
        rows = db.session.execute(sa.text(f'SELECT * FROM "{name}"')).all()
        digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def _fresh(app: Flask, role: str) -> tuple[World, FlaskClient]:
    """Empty tables, the settings back, a new world and a client logged in as ``role``."""
    db.session.remove()
    clear_tables(db.engine)
    db.session.add(MunicipalitySettings(**RØROS))
    db.session.commit()
    invalidate_settings()
    cache.clear()
    limiter.reset()
    world = World()
    client = app.test_client()
    viewer = {
        A: None,
        U: lambda: world.user(confirmed=False),
        R: lambda: world.user(Role.resident),
        C: lambda: world.user(Role.committee),
        S: lambda: world.user(Role.service_owner),
        D: lambda: world.user(Role.admin),
        AUTHOR: lambda: world.author,
        OWNER: lambda: world.owner,
        "signer": lambda: world.signer,
    }[role]
    if viewer is not None:
        world.viewer = viewer()
        login(client, world.viewer)
    return world, client


def _check(expected: object, response, path: str) -> str | None:  # type: ignore[no-untyped-def]
    status, location = response.status_code, response.headers.get("Location", "")
    where = urlsplit(location)
    if expected == LOGIN:
        nexts = parse_qs(where.query).get("next", [""])
        if status == 302 and where.path == "/auth/login" and urlsplit(nexts[0]).path == path:
            return None
    elif expected == ACCOUNT:
        if status == 302 and where.path == "/account":
            return None
    elif expected == MOVED:
        if status == 302 and where.path not in ("/auth/login", "/account"):
            return None
    elif isinstance(expected, str) and expected.startswith("/"):
        if status == 302 and where.path == expected:
            return None
    elif status == expected:
        return None
    return f"expected {expected}, got {status} {location}".strip()


@pytest.mark.parametrize("role", [*ALL_ROLES, "signer"])
def test_route_matrix(app, role, capsys):
    cases = [entry for entry in (*TABLE, *VARIANTS) if role in entry.expect]
    world, client = _fresh(app, role)
    failures, ran, token = [], 0, None
    for entry in cases:
        expected = entry.expect[role]
        if isinstance(expected, str) and expected.startswith("/"):
            expected = expected.format(w=world)
        path = entry.url.format(w=world)
        label = f"{entry.method} {path} as {role}"
        if entry.method == "GET":
            response = client.get(path)
            response.close()
            before = after = None
        else:
            data = entry.data(world) if callable(entry.data) else entry.data
            before = _fingerprint(entry.tables)
            # the session's token, read once from a page as a browser would: it holds
            # until the session changes, and after any change the world is built anew
            token = token or csrf_token(client)
            response = client.post(path, data={"csrf_token": token, **data})
            response.close()
            after = _fingerprint(entry.tables)
        ran += 1
        problem = _check(expected, response, urlsplit(path).path)
        if problem is None and before is not None:
            allowed = expected not in REFUSED and role not in entry.unchanged
            if allowed and before == after:
                problem = f"allowed, but {entry.tables or ('audit_log',)} did not change"
            if not allowed and before != after:
                problem = "refused, but the tables changed"
        if problem:
            failures.append(f"{label}: {problem}")
        if entry.dirty or (before is not None and before != after) or problem:
            world, client = _fresh(app, role)
            token = None
    with capsys.disabled():
        print(f"\nroute matrix, {role}: {ran} cases")
    assert ran == len(cases)
    assert not failures, "\n".join(failures)
