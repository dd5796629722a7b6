"""Browser tests: Debian's Chromium driven by Playwright for Python against a live server
that pytest-django starts in this process (so the tests read the mail outbox and the
database directly).

They run in ``make test`` when Chromium (``/usr/bin/chromium`` or ``$CHROMIUM``),
Playwright for Python and axe-core (``make browser-deps``: npm's ``axe-core`` into
``var/axe``) are there, and are skipped with a message naming what is missing otherwise.
``REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns that skip into a failure. They run once,
on the SQLite leg: the PostgreSQL leg tests the same pages without a browser.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_PATHS = [
    Path(settings.BASE_DIR) / "var/axe/node_modules/axe-core/axe.min.js",
    Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js",
    Path("/tmp/axe/node_modules/axe-core/axe.min.js"),
]
#: Where each test's screenshots land: var/browser/<test name>/NN-<step>.png.
SCREENSHOTS = Path(settings.BASE_DIR) / "var/browser"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not any(path.exists() for path in AXE_PATHS):
        return "axe-core not found (make browser-deps)"
    return None


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Chromium for one test. Per test, not per session: Playwright's sync API keeps an
    event loop running in this thread while it is started, and Django refuses ORM calls
    under a running loop, so the database flush after this test and every later test of
    the worker must run after it has stopped."""
    missing = _missing()
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests required (REQUIRE_BROWSER=1), but: {missing}.")
        pytest.skip(f"Browser tests skipped: {missing}.")
    from playwright.sync_api import sync_playwright

    # While the loop runs, the test's own ORM calls are plain synchronous code between
    # Playwright's calls; only for this test (a subprocess of another test, `check
    # --deploy`, must not inherit it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def sqlite_leg() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("Browser tests run once, on the SQLite leg.")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return next(path for path in AXE_PATHS if path.exists()).read_text(encoding="utf-8")


class Pages:
    """A test's browser contexts (one per person), screenshots and checks."""

    def __init__(self, browser: Any, base: str, folder: Path, axe: str, language: str) -> None:
        self.browser, self.base, self.folder, self.axe = browser, base, folder, axe
        self.language = language
        self.step = 0
        self.contexts: list[Any] = []
        self.foreign: list[str] = []
        self.violations: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def open(self, viewport: dict[str, int]) -> Any:
        """A new person's page (own cookies), in the test's language, recording every
        request to another host."""
        context = self.browser.new_context(
            viewport=viewport, locale="de-DE" if self.language == "de" else "en-GB"
        )
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.base}]
        )
        host = urlparse(self.base).netloc
        context.on(
            "request",
            lambda request: (
                None
                if urlparse(request.url).netloc in (host, "")
                or request.url.startswith(("data:", "blob:"))
                else self.foreign.append(request.url)
            ),
        )
        self.contexts.append(context)
        return context.new_page()

    def url(self, path: str) -> str:
        return self.base + path

    def log_in(self, page: Any, username: str, password: str = "demo") -> None:
        page.goto(self.url("/accounts/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form:has(input[name=username]) button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    def shot(self, page: Any, name: str) -> None:
        """A screenshot of this step, and axe-core on the page: serious and critical
        violations are collected and asserted at the end of the test."""
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(self.folder / f"{self.step:02d}-{slug}.png"), full_page=True)
        self.check_axe(page, name)

    def check_axe(self, page: Any, name: str) -> None:
        # Not add_script_tag: the site's CSP (script-src 'self') blocks an inline script.
        page.evaluate("() => {" + self.axe + "\n}")
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
                self.violations.append(f"{name}: {violation['id']} at {targets}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(
    request: pytest.FixtureRequest,
    browser: Any,
    live_server: Any,
    axe_source: str,
    settings: Any,
) -> Iterator[Pages]:
    settings.SITE_URL = live_server.url  # links in the mails lead to this server
    language = getattr(request, "param", "de")
    folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    recorder = Pages(browser, live_server.url, folder, axe_source, language)
    yield recorder
    recorder.close()
