"""The German catalogs are complete and their compiled .mo files match the .po sources."""

from __future__ import annotations

import gettext
import json
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
