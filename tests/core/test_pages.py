"""Public pages, security headers, errors and the health check."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import abort

from app.core.markdown import render_markdown
from tests.conftest import submit

PUBLIC_PAGES = ["/", "/accessibility", "/privacy", "/auth/login", "/auth/register", "/auth/reset"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_one_h1_skip_link_and_footer(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert 'href="/accessibility"' in html
    assert 'href="/privacy"' in html
    assert "Røros kommune" in html
    assert '<html lang="nb">' in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_inline_scripts_or_styles(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<script" not in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly(client, make_user):
    make_user(email="cookie@roros.example")
    response = submit(
        client, "/auth/login", {"email": "cookie@roros.example", "password": "et langt passord 123"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie


def test_designsystemet_css_is_served(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/vendor/designsystemet/index.css" in html
    css = client.get("/static/vendor/designsystemet/index.css")
    assert css.status_code == 200
    assert b".ds-button" in css.data
    css.close()


def test_stylesheet_urls_carry_their_contents_digest(app, client):
    """nginx keeps /static/ for a year; that is safe only because a changed file gets a new
    URL: every stylesheet link names the digest of the file it points at."""
    import hashlib
    from pathlib import Path

    html = client.get("/compass/").get_data(as_text=True)
    links = re.findall(r'<link rel="stylesheet" href="([^"?]+)\?v=([0-9a-f]{12})"', html)
    assert {path for path, _ in links} >= {
        "/static/vendor/designsystemet/index.css",
        "/static/css/medvirke.css",
        "/compass/static/compass.css",
    }
    folders = {
        "/static/": Path(app.static_folder),
        "/compass/static/": Path(app.blueprints["compass"].static_folder),
    }
    for path, digest in links:
        prefix = "/compass/static/" if path.startswith("/compass/") else "/static/"
        content = (folders[prefix] / path.removeprefix(prefix)).read_bytes()
        assert hashlib.sha256(content).hexdigest()[:12] == digest
        with client.get(f"{path}?v={digest}") as response:
            assert response.status_code == 200


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(app, client, monkeypatch):
    from app.extensions import db

    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_404_is_friendly_and_translated(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Fant ikke siden" in html
    assert "<h1" in html
    response = client.get("/finnes-ikke", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)


def test_405_is_friendly(client):
    response = client.post("/privacy")
    assert response.status_code == 405
    assert "Dette går ikke her" in response.get_data(as_text=True)


def test_csrf_failure_is_a_friendly_400(client):
    response = client.post("/auth/login", data={"email": "a@roros.example", "password": "x"})
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in response.get_data(as_text=True)


def test_413_when_the_request_is_too_large(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/auth/login", data={"email": big})
    assert response.status_code == 413
    assert "For mye innhold" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/finnes-ikke")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["status"] == 404


@pytest.mark.own_app
def test_500_rolls_back_and_renders_a_friendly_page(app, client):
    from app.auth.models import User
    from app.extensions import db

    @app.get("/test-boom")
    def boom():  # type: ignore[no-untyped-def]
        db.session.add(User(email="half@roros.example", name="Halv", password_hash="x"))
        db.session.flush()
        raise RuntimeError("boom")

    response = client.get("/test-boom")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "half@roros.example")) is None


@pytest.mark.own_app
def test_403_page(app, client):
    @app.get("/test-forbidden")
    def forbidden():  # type: ignore[no-untyped-def]
        abort(403)

    response = client.get("/test-forbidden")
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("[x](javascript:alert(1))", "href"),
        ('<a href="javascript:alert(1)">x</a>', "<a"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<a href="http://x" onclick="evil()">x</a>', "<a "),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href"),
        ("[x](JaVaScRiPt:alert(1))", "href"),
    ],
)
def test_markdown_is_inert(source, forbidden):
    assert forbidden not in str(render_markdown(source))


def test_markdown_keeps_formatting_and_safe_links():
    html = str(
        render_markdown("# Tittel\n\n## Under\n\n**fet** og [lenke](https://roros.kommune.no)")
    )
    assert "<h3>Tittel</h3>" in html
    assert "<h4>Under</h4>" in html
    assert "<strong>fet</strong>" in html
    assert 'href="https://roros.kommune.no"' in html
    assert "nofollow" in html


@pytest.mark.parametrize(
    ("source", "below", "levels"),
    [
        ("## Hvorfor\n\n#### Detalj", 2, ["3", "4"]),  # the demo's text: h4 after h2 was h6
        ("# A\n\n### B\n\n## C", 2, ["3", "4", "4"]),
        ("### Bare dypt\n\n# Så høyt", 1, ["2", "2"]),
        ("# A\n\n## B\n\n### C\n\n#### D", 4, ["5", "6", "6", "6"]),
    ],
)
def test_user_headings_never_skip_a_level(source, below, levels):
    html = str(render_markdown(source, below))
    assert re.findall(r"<h(\d)>", html) == levels
    assert re.findall(r"</h(\d)>", html) == levels


def test_error_page_renders_even_when_the_database_is_down(app, client, monkeypatch):
    from app.core import settings as settings_module

    settings_module.invalidate_settings()

    def down(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is down"))

    monkeypatch.setattr(settings_module, "_load", down)
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/account", "/account/delete", "/admin/", "/admin/users", "/admin/settings", "/admin/audit"],
)
def test_logged_in_pages_have_one_h1(admin_client, path):
    html = admin_client.get(path).get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "<script" not in html
    assert not re.search(r"\sstyle=", html)


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/99999999999999999999",
        "/panel/subpanels/99999999999999999999",
        "/proposals/?page=99999999999999999999",
    ],
)
def test_huge_numbers_are_not_server_errors(client, path):
    assert client.get(path).status_code in {400, 404}


def test_huge_dates_in_the_audit_filter_are_not_server_errors(admin_client):
    for query in ("date_to=9999-12-31", "date_from=0001-01-01"):
        assert admin_client.get(f"/admin/audit?{query}").status_code in {200, 400}


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%20/evil.example",
        "//evil.example",
        "/\\\\evil.example",
        "https://evil.example",
    ],
)
def test_language_link_never_redirects_off_site(client, target):
    response = client.get(f"/language/en?next={target}")
    assert response.status_code == 302
    assert response.location == "/"


def test_dates_and_numbers_are_written_in_each_readers_language(app):
    """The date and number filters keep what they formatted per language: a reader in
    English after one in bokmål (and back) gets English, and a moment is still shown in
    Oslo time (a datetime is never taken for the plain date it starts with)."""
    from datetime import UTC, date, datetime

    template = app.jinja_env.from_string(
        '{{ day|date("long") }}|{{ moment|date("long") }}|{{ 12345|number }}'
    )
    day, moment = date(2026, 3, 5), datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    seen = []
    for language in ("nb", "en", "nb", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            seen.append(template.render(day=day, moment=moment, current_language=language))
    assert seen[0] == seen[2] == "5. mars 2026|2. januar 2026|12\xa0345"
    assert seen[1] == seen[3] == "March 5, 2026|January 2, 2026|12,345"


def _description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match, "no meta description"
    return match.group(1)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_each_main_page_describes_itself_in_the_readers_language(client, language):
    paths = [
        "/",
        "/proposals/",
        "/panel/",
        "/declarations/",
        "/moments/",
        "/compass/",
        "/opendata/",
        "/privacy",
        "/auth/register",
    ]
    headers = {"Accept-Language": language}
    descriptions = [
        _description(client.get(p, headers=headers).get_data(as_text=True)) for p in paths
    ]
    assert all("Røros kommune" in d and len(d) > 30 for d in descriptions), descriptions
    assert len(set(descriptions)) == len(paths)  # the front page has the default
    words = {"nb": "Innbyggerforslag i", "nn": "Innbyggjarforslag i", "en": "Citizen proposals"}
    assert descriptions[1].startswith(words[language])


def test_other_pages_get_the_default_description(client):
    html = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _description(html) == "Log in to Medvirke in Røros kommune."
    html = client.get("/finnes-ikke").get_data(as_text=True)
    assert _description(html).startswith("Medvirke er Røros kommune sin side")


def test_the_icons_are_served_and_linked(client):
    html = client.get("/").get_data(as_text=True)
    for rel, mimetype in (("icon", "image/svg+xml"), ("apple-touch-icon", "image/png")):
        href = re.search(rf'<link rel="{rel}" href="([^"]+)"', html).group(1)
        with client.get(href) as linked:
            assert linked.mimetype == mimetype
    with client.get("/favicon.ico") as favicon:  # asked for by browsers whatever the page says
        assert favicon.status_code == 200
        assert favicon.mimetype == "image/svg+xml"
        assert b"<svg" in favicon.data
        assert favicon.cache_control.max_age == 86400
    with client.get("/apple-touch-icon.png") as touch:
        assert touch.data.startswith(b"\x89PNG")
