"""Content-Security-Policy: every page carries it, and no template needs an exception from it
(no inline script, style block, style attribute, event-handler attribute or ``javascript:``
link; the project's scripts and styles are files under ``static/``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
# An opening tag (template tags inside it hold no ">" in this project).
_TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
_DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""")
FINDINGS = {
    "inline script": lambda tag: (
        tag.lower().startswith("<script")
        and not re.search(r"\bsrc\s*=", tag)
        and not _DATA_SCRIPT.search(tag)
    ),
    "style block": lambda tag: tag.lower().startswith("<style"),
    "style attribute": lambda tag: re.search(r"\sstyle\s*=", tag) is not None,
    "event-handler attribute": lambda tag: re.search(r"\son[a-z]+\s*=", tag) is not None,
    "javascript: link": lambda tag: (
        re.search(r"""=\s*["']?\s*javascript:""", tag, re.I) is not None
    ),
}


def project_templates() -> list[Path]:
    """Every template of the project: ``templates/`` and each app's ``templates/``."""
    folders = [ROOT / "templates"] + [
        path for path in ROOT.glob("*/templates") if not path.parent.name.startswith(".")
    ]
    return sorted(
        path for folder in folders for path in folder.rglob("*") if path.suffix in {".html", ".txt"}
    )


def inline_code(text: str) -> list[tuple[int, str, str]]:
    """``(line, kind, tag)`` for each part of ``text`` the policy would block."""
    text = _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for match in _TAG.finditer(text):
        tag = match.group(0)
        line = text.count("\n", 0, match.start()) + 1
        found.extend((line, kind, tag[:80]) for kind, test in FINDINGS.items() if test(tag))
    return found


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script type="module">go()</script>', "inline script"),
        ("<style>p {}</style>", "style block"),
        ('<p class="x" style="color: red">', "style attribute"),
        ('<button\n  type="button" onclick="go()">', "event-handler attribute"),
        ('<a href="javascript:go()">', "javascript: link"),
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(snippet, kind):
    assert [found[1] for found in inline_code(snippet)] == [kind]


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/menu.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<link rel="stylesheet" href="/static/css/app.css">',
        '<option value="1"{% if on %} selected{% endif %}>',
        "{% comment %}no <style> here{% endcomment %}<p>",
        '<input name="online" data-one="1">',
    ],
)
def test_the_scan_passes_what_the_policy_allows(snippet):
    assert inline_code(snippet) == []


def test_the_scan_covers_the_templates_of_every_app():
    folders = {path.relative_to(ROOT).parts[0] for path in project_templates()}
    assert {"templates", "volunteers", "sprachpool", "networks", "requests", "matching"} <= folders
    assert len(project_templates()) > 50


def test_no_template_holds_inline_script_style_or_handlers():
    findings = [
        f"{path.relative_to(ROOT)}:{line}: {kind}: {tag}"
        for path in project_templates()
        for line, kind, tag in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert findings == [], "move these into files under static/:\n" + "\n".join(findings)


@pytest.mark.django_db
def test_a_page_carries_the_policy():
    response = Client().get(reverse("login"))

    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


def test_the_policy_allows_nothing_inline_or_from_elsewhere():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    values = [value for sources in directives.values() for value in sources]

    assert not [value for value in values if "unsafe" in value or value.startswith("http")]
    assert "*" not in values


@pytest.mark.django_db
def test_the_api_documentation_serves_its_script_as_a_file():
    page = Client().get(reverse("api-docs"))
    script = Client().get(reverse("api-docs"), {"script": ""})

    assert "Content-Security-Policy" in page
    assert inline_code(page.content.decode()) == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
