"""The Sprachpool's labels follow the language of each request, not the one at import."""

from __future__ import annotations

from django.utils import translation

from sprachpool.views import PAPERWORK_LABELS


def test_paperwork_labels_follow_the_active_language() -> None:
    with translation.override("en"):
        english = str(PAPERWORK_LABELS["pledge"])
    with translation.override("de"):
        german = str(PAPERWORK_LABELS["pledge"])
    assert english == "confidentiality pledge"
    assert german == "Verschwiegenheitserklärung"
