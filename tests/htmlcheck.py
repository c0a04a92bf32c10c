"""The W3C Nu HTML Checker (vnu, from npm) over pages a test client crawls.

vnu's JVM takes seconds to start, so every page goes into one folder and one run checks
them all. The crawl follows the links of each page it fetches, from the pages in START,
and keeps a few pages per endpoint (the proposal page once per state is plenty; all 552
compass values are not).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: Where a crawl starts, besides what the pages link to (pages no page links to, for some role)
START = [
    "/",
    "/auth/login",
    "/auth/register",
    "/auth/register/sent",
    "/auth/reset",
    "/auth/reset/not-a-token",
    "/auth/reauth",
    "/moments/nominate/sent",
    "/account/delete",
    "/account/password",
    "/account/sessions/end-all",
    "/finnes-ikke",
]

#: Links not followed: they change state or language, or are not pages
_SKIP = re.compile(r"^/(language/|static/|api/v1/|healthz|auth/logout)|\.(atom|csv|svg|json|zip)$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _local_path(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return None
    if not parts.path.startswith("/") or _SKIP.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Page:
    url: str
    role: str
    language: str
    html: str
    status: int = 200


def crawl(
    client: FlaskClient,
    role: str,
    language: str,
    *,
    start: Iterable[str] = START,
    per_endpoint: int = 2,
    per: Counter[str] | None = None,
    limit: int = 400,
) -> list[Page]:
    """The HTML pages reachable from ``start`` for this client, in ``language``: at most
    ``per_endpoint`` of each endpoint, counted in ``per`` (share one between crawls to
    check each endpoint once over several roles)."""
    adapter = client.application.url_map.bind("localhost")
    seen: set[str] = set()
    per = Counter() if per is None else per
    queue = deque(start)
    pages: list[Page] = []
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            endpoint, _args = adapter.match(urlsplit(path).path, method="GET")
        except (NotFound, MethodNotAllowed):
            endpoint = "404"
        except Exception:  # a redirect rule (a missing slash): the link is followed anyway
            endpoint = path
        if per[endpoint] >= per_endpoint:
            continue
        per[endpoint] += 1
        response = client.get(path, headers={"Accept-Language": language})
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages.append(Page(path, role, language, html, response.status_code))
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            local = _local_path(href)
            if local and local not in seen:
                queue.append(local)
    return pages


def vnu_errors(pages: list[Page], folder: Path) -> list[str]:
    """vnu's errors on the pages, each as "role language url: line: message"."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        raise RuntimeError(f"vnu needs java and {VNU_JAR} (make setup)")
    names: dict[str, Page] = {}
    for number, page in enumerate(pages):
        name = f"page{number:04d}.html"
        (folder / name).write_text(page.html, encoding="utf-8")
        names[name] = page
    run = subprocess.run(  # noqa: S603 - our own files
        # C1 only and the serial collector: a run of a few seconds, not a server (half the time)
        [
            java,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *(str(folder / n) for n in names),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    found = []
    for message in messages:
        name = Path(urlsplit(message.get("url", "")).path).name
        page = names.get(name)
        where = f"{page.role} {page.language} {page.url}" if page else name
        found.append(f"{where}:{message.get('lastLine', '?')}: {message['message']}")
    return found
