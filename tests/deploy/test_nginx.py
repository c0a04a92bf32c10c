"""The shipped deployment, started as an operator would: nginx from deploy/nginx/medvirke.conf
(TLS, gzip, /static/, the microcache) in front of two gunicorn processes started with
deploy/gunicorn.conf.py, sharing one PostgreSQL database and Redis, seeded with the Røros
demo. Clients talk HTTPS to nginx from two loopback addresses (127.0.0.2, 127.0.0.3).

Needs nginx, openssl, PostgreSQL and Redis on 127.0.0.1; outside CI the module is skipped
when one is missing, in CI (CI=true) it fails instead."""

from __future__ import annotations

import gzip
import html as html_module
import http.client
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

import pytest

from bench.nginx import SERVER_NAME, Nginx, free_port, nginx_binary

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379"
REDIS_DBS = {"CACHE_REDIS_URL": 10, "RATELIMIT_STORAGE_URI": 11, "HUEY_REDIS_URL": 12}
#: The visitors' pages' max-age, short so that the test can watch the microcache expire
PAGE_SECONDS = 2
RESIDENT = ("innbygger@roros.example", "innbygger-demo-2026")
COMMITTEE = ("utvalg@roros.example", "utvalg-demo-2026")


def _missing() -> str | None:
    if nginx_binary() is None:
        return "nginx is not installed"
    if shutil.which("openssl") is None:
        return "openssl is not installed"
    try:
        import psycopg
        import redis

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as error:  # noqa: BLE001 - any failure means the service is not there
        return f"PostgreSQL or Redis not reachable: {error}"
    return None


def _require_services() -> None:
    missing = _missing()
    if missing and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"the deployment test must run in CI: {missing}")
    if missing:
        pytest.skip(missing)


@dataclass
class Deployment:
    nginx: Nginx
    gunicorn_ports: list[int]
    database_url: str
    logs: Path


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Client:
    """One browser: HTTPS to nginx (or HTTP straight to one gunicorn) from one address,
    keeping the cookies it is given, as a browser does."""

    port: int
    source: str = "127.0.0.2"
    tls: bool = True
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Response:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the run's self-signed certificate
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.port,
                timeout=30,
                source_address=(self.source, 0),
                context=context,
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
            )
        sent = {"Host": SERVER_NAME, "Accept-Language": "nb", **headers}
        sent = {k.replace("_", "-"): v for k, v in sent.items()}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent.setdefault("Origin", f"https://{SERVER_NAME}")
            sent.setdefault("Referer", f"https://{SERVER_NAME}{path}")
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in cookie and "expires=Thu, 01 Jan 1970" not in cookie:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, **headers)

    def post_form(self, page: str, action: str, fields: dict[str, str], **headers: str) -> Response:
        """Post the form whose action is ``action`` on ``page`` with its hidden fields
        (the CSRF token and whatever else the page put there) and ``fields``."""
        html = self.get(page).text
        forms = re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S)
        inner = next(
            (
                body
                for attrs, body in forms
                if (re.search(r'action="([^"]*)"', attrs) or [None, page])[1] == action
            ),
            None,
        )
        assert inner is not None, f"no form for {action} on {page}"
        hidden = {}
        for tag in re.findall(r"<input\b[^>]*>", inner):
            attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
            if attrs.get("type") == "hidden" and "name" in attrs:
                hidden[attrs["name"]] = html_module.unescape(attrs.get("value", ""))
        return self.request("POST", action, form={**hidden, **fields}, **headers)

    def log_in(self, email: str, password: str) -> None:
        response = self.post_form(
            "/auth/login", "/auth/login", {"email": email, "password": password}
        )
        assert response.status == 302, response.text[:500]


def _start(command: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": SERVER_NAME})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError(f"gunicorn on {port} did not answer:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    _require_services()
    import psycopg
    import redis

    folder = tmp_path_factory.mktemp("deploy")
    name = f"medvirke_deploy_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    for db in REDIS_DBS.values():
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MEDVIRKE_", "GUNICORN_"))}
    base.update(DATABASE_URL=database_url, PYTHONDONTWRITEBYTECODE="1")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    setup = {**base, "MEDVIRKE_ENV": "development", "HUEY_IMMEDIATE": "true"}
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=setup, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "seed"], cwd=ROOT, env=setup, check=True, capture_output=True)

    production = {
        **base,
        **{key: f"{REDIS}/{db}" for key, db in REDIS_DBS.items()},
        # what an operator's /etc/medvirke/medvirke.env holds (deploy/medvirke.env.example);
        # MEDVIRKE_ENV and TRUSTED_PROXY_HOPS come from deploy/gunicorn.conf.py
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SITE_URL": f"https://{SERVER_NAME}",
        "TRUSTED_HOSTS": SERVER_NAME,
        "MAIL_BACKEND": "console",
        "PAGE_CACHE_SECONDS": str(PAGE_SECONDS),
        "LOGIN_RATE_LIMIT": "6 per minute",
        "GUNICORN_WORKERS": "1",
    }
    ports = [free_port(), free_port()]
    processes = []
    logs: list[IO[bytes]] = []
    nginx = Nginx(folder / "nginx", [f"127.0.0.1:{p}" for p in ports])
    try:
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        for number, port in enumerate(ports):
            log = folder / f"gunicorn-{number}.log"
            logs.append(log.open("wb"))
            env = {**production, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            processes.append((_start(command, env, logs[-1]), port, log))
        for process, port, log in processes:
            _wait_for(port, process, log)
        nginx.start()
        yield Deployment(nginx, ports, database_url, folder)
    finally:
        nginx.stop()
        for process, _, _ in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for file in logs:
            file.close()
        for db in REDIS_DBS.values():
            redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _via_nginx(deployment: Deployment, source: str = "127.0.0.2") -> Client:
    return Client(deployment.nginx.https_port, source=source)


def _direct(deployment: Deployment, number: int) -> Client:
    return Client(deployment.gunicorn_ports[number], tls=False)


def _open_proposal_unsigned_by_committee(deployment: Deployment) -> int:
    import psycopg

    url = deployment.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT p.id FROM proposals p WHERE p.state = 'open' AND NOT EXISTS ("
            " SELECT 1 FROM signatures s JOIN users u ON u.id = s.user_id"
            " WHERE s.proposal_id = p.id AND u.email = %s) ORDER BY p.id LIMIT 1",
            (COMMITTEE[0],),
        ).fetchone()
    assert row, "the demo has an open proposal the committee member has not signed"
    return int(row[0])


def _signatures_shown(response: Response) -> int:
    found = re.search(r"(\d[\d\s\u00a0]*) av [\d\s\u00a0]+ underskrifter", response.text)
    assert found, response.text[:300]
    return int(re.sub(r"\D", "", found.group(1)))


def test_a_signature_through_one_process_is_seen_at_once_through_the_other(deployment):
    """No per-process copy: after a signature made through nginx, the other gunicorn
    process, the signer through nginx and (once the page's max-age has passed) a visitor
    through nginx all show the new count."""
    proposal = _open_proposal_unsigned_by_committee(deployment)
    page = f"/proposals/{proposal}"
    visitor = _via_nginx(deployment, source="127.0.0.3")
    before = [_signatures_shown(_direct(deployment, n).get(page)) for n in (0, 1)]
    assert before[0] == before[1]
    assert _signatures_shown(visitor.get(page)) == before[0]  # now in the microcache

    signer = _via_nginx(deployment)
    signer.log_in(*COMMITTEE)
    signed = signer.post_form(page, f"/proposals/{proposal}/sign", {})
    assert signed.status in (302, 303), signed.text[:500]
    assert signed.header("Location").endswith("#sign-heading"), signed.header("Location")

    for number in (0, 1):  # each process, each with the shared Redis cache
        assert _signatures_shown(_direct(deployment, number).get(page)) == before[0] + 1
    mine = signer.get(page)
    assert mine.header("X-Cache-Status") == "BYPASS"  # a cookie: never the cache
    assert _signatures_shown(mine) == before[0] + 1
    # A visitor without cookies may get nginx's copy for at most the page's max-age
    deadline = time.monotonic() + PAGE_SECONDS + 3
    while _signatures_shown(seen := visitor.get(page)) != before[0] + 1:
        assert seen.header("X-Cache-Status") in {"HIT", "UPDATING", "STALE"}
        assert time.monotonic() < deadline, "the microcache kept a page past its max-age"
        time.sleep(0.25)


def test_a_comment_is_seen_at_once_by_logged_in_readers_of_either_process(deployment):
    commenter = _via_nginx(deployment)
    commenter.log_in(*RESIDENT)
    text = f"Kommentar gjennom nginx {secrets.token_hex(4)}"
    posted = commenter.post_form("/proposals/1", "/proposals/1/comments", {"body": text})
    assert posted.status in (302, 303), posted.text[:500]
    for number in (0, 1):
        reader = _direct(deployment, number)
        assert text in reader.get("/proposals/1").text
    assert text in commenter.get("/proposals/1").text


def test_the_limiter_counts_the_client_nginx_saw_not_the_proxy(deployment):
    """LOGIN_RATE_LIMIT is 6 per minute here. A client flooding the login form (with a forged
    X-Forwarded-For each time, which nginx overwrites) is stopped; another client is not."""
    flooder = _via_nginx(deployment, source="127.0.0.4")
    statuses = []
    for attempt in range(8):
        response = flooder.post_form(
            "/auth/login",
            "/auth/login",
            {"email": f"ingen{attempt}@roros.example", "password": "feil passord her"},
            X_Forwarded_For=f"10.0.0.{attempt + 1}",  # a new address each time, it claims
        )
        statuses.append(response.status)
    assert statuses[:6] == [200] * 6, statuses  # refused logins, counted
    assert statuses[6:] == [429, 429], statuses
    other = _via_nginx(deployment, source="127.0.0.5")
    other.log_in(*RESIDENT)  # not limited by the flood
    right = {"email": RESIDENT[0], "password": RESIDENT[1]}
    assert flooder.post_form("/auth/login", "/auth/login", right).status == 429


def test_text_is_gzip_compressed_and_static_files_come_from_nginx(deployment):
    client = _via_nginx(deployment)
    page = client.get("/", Accept_Encoding="gzip")
    assert page.status == 200
    assert page.header("Content-Encoding") == "gzip"
    html = gzip.decompress(page.body).decode()
    assert "<html" in html
    stylesheet = re.search(r'href="(/static/css/medvirke\.css\?v=[0-9a-f]+)"', html).group(1)
    css = client.get(stylesheet, Accept_Encoding="gzip")
    assert css.status == 200
    assert css.header("Content-Encoding") == "gzip"
    assert css.header("Cache-Control") == "public, max-age=31536000, immutable"
    # nginx answered from the folder: the app's own headers (its CSP) are not on it
    assert "Content-Security-Policy" not in css.headers
    api = client.get("/api/v1/proposals", Accept_Encoding="gzip")
    assert api.header("Content-Encoding") == "gzip"


def test_a_logged_in_page_is_never_served_from_the_microcache(deployment):
    visitor = _via_nginx(deployment, source="127.0.0.3")
    visitor.get("/")
    assert visitor.get("/").header("X-Cache-Status") in {"HIT", "UPDATING"}  # it does cache
    member = _via_nginx(deployment)
    member.log_in(*RESIDENT)
    for _ in range(3):
        mine = member.get("/")
        assert mine.header("X-Cache-Status") == "BYPASS"
        assert "Logg ut" in mine.text
    assert "Logg ut" not in visitor.get("/").text  # nor did a logged-in page enter it
    account = member.get("/account")
    assert account.status == 200
    assert account.header("X-Cache-Status") == "BYPASS"
    assert "no-store" in account.header("Cache-Control")


def test_behind_tls_the_app_knows_it_is_https(deployment):
    """ProxyFix with the shipped TRUSTED_PROXY_HOPS=1: request.is_secure is true, so cookies
    are Secure and Flask-WTF's HTTPS Referer check runs (a cross-site Referer is refused)."""
    client = _via_nginx(deployment)
    login = client.get("/auth/login")
    assert all("Secure" in c for c in login.headers.get_all("Set-Cookie") or [])
    html = login.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    forged = client.request(
        "POST",
        "/auth/login",
        form={"csrf_token": token, "email": RESIDENT[0], "password": RESIDENT[1]},
        Referer="https://angriper.example/",
        Origin="https://angriper.example",
    )
    assert forged.status == 400


@pytest.mark.parametrize(
    "path", ["/", "/proposals/", "/proposals/1", "/compass/", "/declarations/byggesak", "/moments/"]
)
def test_visitors_pages_are_kept_by_the_microcache(deployment, path):
    """The pages the benchmark through nginx measures are ones nginx may keep: no cookie,
    public Cache-Control; the second visitor's copy comes from nginx."""
    first = _via_nginx(deployment, source="127.0.0.6").get(path)
    assert first.status == 200
    assert first.header("Cache-Control").startswith("public")
    assert not first.headers.get_all("Set-Cookie")
    second = _via_nginx(deployment, source="127.0.0.7").get(path)
    assert second.header("X-Cache-Status") in {"HIT", "UPDATING"}
