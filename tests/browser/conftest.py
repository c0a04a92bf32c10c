"""Browser tests: Playwright driving Debian's Chromium against a live server on loopback.

Playwright cannot download its own browser on these machines, so the tests use
/usr/bin/chromium. Without it they skip with a reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from app.auth.models import User
from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page_in(browser, live_server) -> Iterator[Callable[[str], Page]]:
    """A page whose browser asks for the given language (Accept-Language)."""
    contexts = []

    def make(language: str) -> Page:
        context = browser.new_context(base_url=live_server, locale=LANGUAGES[language])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the page; fail naming each rule and element."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run make setup (npm ci)")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not problems, f"axe found on {page.url}:\n" + "\n".join(problems)


def log_in(page: Page, user: User, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/auth/logout']")).to_be_visible()
