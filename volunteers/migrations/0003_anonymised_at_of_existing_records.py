"""Data migration: records anonymised before ``Volunteer.anonymised_at`` existed get it.

They are recognised, as before, by their placeholder address
``anonymised-<pk>@anonymised.invalid``; the time is their last change (when the erasure
happened), else now. Reversing leaves the field empty again.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def set_anonymised_at(apps: Any, schema_editor: Any) -> None:
    Volunteer = apps.get_model("volunteers", "Volunteer")
    candidates = Volunteer.objects.filter(
        anonymised_at__isnull=True, email__endswith="@anonymised.invalid"
    )
    for volunteer in candidates.only("pk", "email", "updated_at").iterator():
        if volunteer.email != f"anonymised-{volunteer.pk}@anonymised.invalid":
            continue
        Volunteer.objects.filter(pk=volunteer.pk).update(
            anonymised_at=volunteer.updated_at or timezone.now()
        )


def clear_anonymised_at(apps: Any, schema_editor: Any) -> None:
    apps.get_model("volunteers", "Volunteer").objects.update(anonymised_at=None)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_volunteer_anonymised_at")]

    operations = [migrations.RunPython(set_anonymised_at, clear_anonymised_at)]
