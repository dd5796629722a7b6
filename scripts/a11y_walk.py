#!/usr/bin/env python3
"""Walk every page each demo login reaches and run axe-core on it (a tool, not a test).

Usage (the app must be served, e.g. on a throwaway database)::

    DATABASE_URL=sqlite:////tmp/axe-db.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/axe-db.sqlite3 .venv/bin/python manage.py seed_demo
    DATABASE_URL=sqlite:////tmp/axe-db.sqlite3 .venv/bin/python manage.py runserver \\
        127.0.0.1:8131 --noreload &
    .venv/bin/python scripts/a11y_walk.py --base http://127.0.0.1:8131 --out /tmp/a11y

It logs in as every demo login (password ``demo``), follows the links of the pages it
reaches (same site, GET only, no log-out, no actions), and runs axe-core at 390×844 and
1280×800, in German and English. It prints serious and critical violations per page,
writes ``report.json`` and a screenshot of every page into ``--out``, and exits 1 when it
found any. It needs chromium (``/usr/bin/chromium``), playwright for Python and axe-core
(``npm install --prefix /tmp/axe axe-core``); when one is missing it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

LOGINS = ["coordinator", "caseworker", "volunteer", "networklead"]
PASSWORD = "demo"
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
LANGUAGES = ["de", "en"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Never followed: they change state, leave the site's pages or are not HTML pages.
SKIP = re.compile(
    r"/(logout|accounts/logout|admin|api|static|media)/|/(delete|export|resend|withdraw|remove)/|"
    r"\.ics\?|/calendar|[?&](format|page)="
)
AXE_PATHS = [
    Path("/tmp/axe/node_modules/axe-core/axe.min.js"),
    Path(__file__).resolve().parents[1] / "node_modules/axe-core/axe.min.js",
]


def _missing(chromium: str) -> str | None:
    if not Path(chromium).exists() and shutil.which(chromium) is None:
        return f"chromium not found at {chromium}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (.venv/bin/pip install playwright)"
    if not any(path.exists() for path in AXE_PATHS):
        return "axe-core not found (npm install --prefix /tmp/axe axe-core)"
    return None


def _slug(url: str) -> str:
    path = urlparse(url).path.strip("/") or "home"
    query = urlparse(url).query
    return re.sub(r"[^a-zA-Z0-9]+", "_", f"{path}_{query}" if query else path)[:80]


def _log_in(page: Any, base: str, username: str) -> bool:
    page.goto(urljoin(base, "/accounts/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return "/accounts/login/" not in page.url


def _set_language(page: Any, base: str, language: str) -> None:
    try:
        page.goto(urljoin(base, "/"))
    except Exception:  # an interrupted navigation: once more
        page.goto(urljoin(base, "/"))
    page.select_option("#language-select", language)
    page.click(".lang-switch button[type=submit]")
    page.wait_for_load_state()


def _links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    host = urlparse(base).netloc
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parsed = urlparse(url)
        if parsed.netloc != host or SKIP.search(f"{parsed.path}?{parsed.query}"):
            continue
        found.append(url)
    return found


def _walk(page: Any, base: str, limit: int) -> list[str]:
    """Every page reachable from the landing page (breadth first, at most ``limit``).

    Of links that differ only in a number (``/volunteers/12/``, ``/volunteers/13/``) a few
    are kept: they show the same template.
    """
    seen: list[str] = []
    shapes: dict[str, int] = {}
    queue = [urljoin(base, "/")]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        shape = re.sub(r"\d+", "N", urlparse(url).path) + ("?" if urlparse(url).query else "")
        if shapes.get(shape, 0) >= 2:
            continue
        try:
            response = page.goto(url)
        except Exception:  # a download (a data export) or a page that does not load
            continue
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.append(url)
        queue.extend(link for link in _links(page, base) if link not in seen)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8131")
    parser.add_argument("--out", default="/tmp/a11y")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--logins", nargs="*", default=LOGINS)
    parser.add_argument("--limit", type=int, default=60, help="pages per login at most")
    parser.add_argument("--no-screenshots", action="store_true")
    args = parser.parse_args()

    missing = _missing(args.chromium)
    if missing:
        print(f"a11y walk skipped: {missing}.")
        return 0
    from playwright.sync_api import sync_playwright

    axe_source = next(path for path in AXE_PATHS if path.exists()).read_text()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
        )
        for username in args.logins:
            for language in LANGUAGES:
                for viewport_name, (width, height) in VIEWPORTS.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    if not _log_in(page, args.base, username):
                        print(f"{username}: log-in failed, skipped")
                        context.close()
                        continue
                    _set_language(page, args.base, language)
                    for url in _walk(page, args.base, args.limit):
                        try:
                            page.goto(url)
                        except Exception as exc:  # report it and go on with the next page
                            print(f"{username}: {url} did not load ({exc.__class__.__name__})")
                            continue
                        # Not add_script_tag: the site's CSP (script-src 'self') blocks an
                        # inline script; evaluated through the DevTools protocol it runs.
                        page.evaluate("() => {" + axe_source + "\n}")
                        result = page.evaluate(
                            """() => axe.run(document, {runOnly: {type: 'tag', values:
                            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                             'best-practice']}})"""
                        )
                        name = f"{username}-{language}-{viewport_name}-{_slug(url)}"
                        if not args.no_screenshots:
                            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                        for violation in result["violations"]:
                            report.append(
                                {
                                    "login": username,
                                    "language": language,
                                    "viewport": viewport_name,
                                    "url": urlparse(url).path
                                    + (f"?{urlparse(url).query}" if urlparse(url).query else ""),
                                    "rule": violation["id"],
                                    "impact": violation["impact"],
                                    "help": violation["help"],
                                    "targets": [
                                        " ".join(map(str, node["target"]))
                                        for node in violation["nodes"]
                                    ][:5],
                                }
                            )
                    context.close()
        browser.close()
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    serious = [row for row in report if row["impact"] in ("serious", "critical")]
    seen: set[tuple[Any, ...]] = set()
    for row in serious:
        key = (row["url"], row["rule"], row["viewport"], tuple(row["targets"]))
        if key in seen:
            continue
        seen.add(key)
        print(
            f"{row['impact']:<8} {row['rule']:<24} {row['viewport']:<7} {row['login']:<12} "
            f"{row['url']}  {'; '.join(row['targets'])}"
        )
    others = len(report) - len(serious)
    print(f"{len(serious)} serious/critical findings, {others} moderate/minor; see {out}")
    return 1 if serious else 0


if __name__ == "__main__":
    sys.exit(main())
