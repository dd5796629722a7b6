"""Forms of the Sprachpool pages: the profile (coordinator), its languages, and self-service."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choices import Gender, Mode, Topic
from core.validators import validate_pseudonym
from sprachpool.models import MAX_EXCLUDED_CLIENTS, MAX_TRAVEL_KM, InterpreterProfile
from volunteers.forms import BaseLanguageFormSet, LanguageFormSet, language_initial
from volunteers.models import Volunteer

#: Empty language rows offered on the edit page.


class VolunteerChoiceField(forms.ModelChoiceField):
    """Volunteers shown with their town, so namesakes can be told apart."""

    def label_from_instance(self, obj: Volunteer) -> str:
        town = obj.home_place.name if obj.home_place else ""
        return f"{obj.display_name} ({town})" if town else obj.display_name


class _ProfileFieldsMixin(forms.Form):
    modes = forms.MultipleChoiceField(
        label=_("Ways of working"),
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way of working.")},
    )
    max_travel_km = forms.IntegerField(
        label=_("Maximum travel distance (km)"),
        min_value=0,
        max_value=MAX_TRAVEL_KM,
        help_text=_("How far from home for appointments in person (0 to 200 km)."),
    )
    declined_topics = forms.MultipleChoiceField(
        label=_("Settings not taken"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("No offers are made for appointments in these settings."),
    )


class InterpreterProfileForm(_ProfileFieldsMixin):
    """The coordinator's form for a profile (create and edit)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=InterpreterProfile.Kind.choices)
    qualification = forms.ChoiceField(
        label=_("Qualification"), choices=InterpreterProfile.Qualification.choices
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("not stated")), *Gender.choices],
        required=False,
        help_text=InterpreterProfile._meta.get_field("gender").help_text,
    )
    excluded_clients = forms.CharField(
        label=_("Excluded clients"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pseudonymous client references only (e.g. K-2291), separated by commas or "
            "line breaks. This interpreter gets no offers for these clients."
        ),
    )
    allowance_tier = forms.ChoiceField(
        label=_("Allowance tier"), choices=InterpreterProfile.AllowanceTier.choices
    )

    field_order = [
        "volunteer",
        "kind",
        "qualification",
        "modes",
        "max_travel_km",
        "gender",
        "declined_topics",
        "excluded_clients",
        "allowance_tier",
    ]

    def __init__(
        self,
        *args: Any,
        volunteers: QuerySet[Volunteer] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if volunteers is not None:
            self.fields["volunteer"] = VolunteerChoiceField(
                label=_("Volunteer"),
                queryset=volunteers,
                help_text=_(
                    "Volunteers of your center who want to interpret and have no profile yet."
                ),
                empty_label=_("Please choose"),
            )
            self.order_fields(self.field_order)

    @classmethod
    def initial_for(cls, profile: InterpreterProfile) -> dict[str, Any]:
        """Form values of an existing profile."""
        return {
            "kind": profile.kind,
            "qualification": profile.qualification,
            "modes": profile.modes,
            "max_travel_km": profile.max_travel_km,
            "gender": profile.gender,
            "declined_topics": profile.declined_topics,
            "excluded_clients": "\n".join(profile.excluded_clients),
            "allowance_tier": profile.allowance_tier,
        }

    def clean_excluded_clients(self) -> list[str]:
        raw = self.cleaned_data.get("excluded_clients") or ""
        refs = list(dict.fromkeys(part.strip() for part in re.split(r"[,;\n]", raw)))
        refs = [ref for ref in refs if ref]
        errors = []
        for ref in refs:
            try:
                validate_pseudonym(ref)
            except ValidationError as exc:
                errors.append(exc)
        if len(refs) > MAX_EXCLUDED_CLIENTS:
            errors.append(
                ValidationError(
                    _("At most %(max)d client references."), params={"max": MAX_EXCLUDED_CLIENTS}
                )
            )
        if errors:
            raise ValidationError(errors)
        return refs

    def profile_fields(self) -> dict[str, Any]:
        """The cleaned values the services take (without ``volunteer``)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "volunteer"}


class OwnProfileForm(_ProfileFieldsMixin):
    """What an interpreter changes about their own work: modes, radius, declined settings."""

    @classmethod
    def initial_for(cls, profile: InterpreterProfile) -> dict[str, Any]:
        return {
            "modes": profile.modes,
            "max_travel_km": profile.max_travel_km,
            "declined_topics": profile.declined_topics,
        }


def language_formset(data: Any, *, volunteer: Volunteer) -> BaseLanguageFormSet:
    """The volunteer's languages as editable rows (the registry's own formset), plus a few
    empty ones; ``formset.pairs()`` gives the ``(code, level)`` pairs of the filled rows."""
    return LanguageFormSet(data, initial=language_initial(volunteer), prefix="languages")
