"""The form renderer of the project: Django's widget templates, some overridden.

``templates/django/forms/widgets/`` holds the overrides, e.g. a select's empty choice
reads "– bitte wählen –" instead of Django's "---------", for every form of every app.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates


class ProjectFormRenderer(DjangoTemplates):
    """Looks in the project's ``templates/`` first, then in Django's form templates."""

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(django.forms.__file__).parent / "templates",
                ],
                "NAME": "projectforms",
                "OPTIONS": {},
            }
        )
