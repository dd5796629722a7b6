"""The German catalogs are complete, hold every message the source marks for translation, and
their compiled .mo files match the .po sources."""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(
    path for path in ROOT.glob("**/locale/de/LC_MESSAGES/django.po") if ".venv" not in path.parts
)

pytestmark = pytest.mark.unit


def read_po(path: Path) -> list[tuple[str, str, bool, bool]]:
    """(msgid, msgstr, fuzzy, plural) for every entry except the header; for a plural entry
    msgstr is its singular form, or empty when any form is missing."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().split("\n")
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                current, _, rest = line.partition(" ")
                fields[current] = [rest]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        msgid = "".join(json.loads(part) for part in fields["msgid"])
        if not msgid:
            continue
        if "msgid_plural" in fields:
            # Plural entries: every form must be translated; checked by their first form.
            forms = [key for key in fields if key.startswith("msgstr[")]
            texts = ["".join(json.loads(part) for part in fields[key]) for key in forms]
            entries.append((msgid, texts[0] if all(texts) else "", fuzzy, True))
        elif "msgstr" in fields:
            msgstr = "".join(json.loads(part) for part in fields["msgstr"])
            entries.append((msgid, msgstr, fuzzy, False))
    return entries


def test_catalogs_are_found():
    assert len(CATALOGS) >= 4


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated(po):
    untranslated = [msgid for msgid, msgstr, fuzzy, _ in read_po(po) if not msgstr or fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_source(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _, plural in read_po(po)
        if (compiled.ngettext(msgid, msgid, 1) if plural else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == []


#: What ``make messages`` leaves out of the catalogs; the copy below leaves it out too.
NOT_EXTRACTED = (".venv", ".git", "var", "bench", "tests", "scripts", "node_modules", "*.mo")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[Path, set[str]]:
    """The catalogs ``makemessages`` would write from the source now, as msgids per catalog,
    made in a throwaway copy of the tree so the real catalogs stay untouched."""
    if not (shutil.which("xgettext") and shutil.which("msguniq") and shutil.which("msgmerge")):
        pytest.skip(
            "GNU gettext (xgettext, msguniq, msgmerge) is not installed: apt install gettext"
        )
    copy = tmp_path_factory.mktemp("source") / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_EXTRACTED), symlinks=True)
    ignores = [f"--ignore={name}" for name in NOT_EXTRACTED[:-1]]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-obsolete", *ignores],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {po: {msgid for msgid, *_ in read_po(copy / po.relative_to(ROOT))} for po in CATALOGS}


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_in_the_source_is_in_the_catalog(po, extracted):
    """A string marked for translation but missing from its catalog shows in English in the
    German UI; ``make messages`` adds it."""
    in_catalog = {msgid for msgid, *_ in read_po(po)}
    assert sorted(extracted[po] - in_catalog) == []
