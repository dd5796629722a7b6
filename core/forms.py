"""Forms of the core's pages (departments and places)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Center, Department, Place


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` for a field the form declares as a ``ModelChoiceField``.

    ``BaseForm.fields`` is typed ``dict[str, Field]``; callers only name fields their
    form class declares as ``ModelChoiceField``, so the cast holds at runtime.
    """
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` for a field the form declares as a ``ChoiceField`` (see above)."""
    return cast(forms.ChoiceField, form.fields[name])


class CenterChoiceMixin:
    """Offers only the centers the caller coordinates; hides the field when there is one."""

    fields: dict[str, forms.Field]  # provided by the form class this is mixed into

    def setup_center(self, centers: Any) -> None:
        # Both forms using the mixin declare ``center`` as a ModelChoiceField.
        field = cast("forms.ModelChoiceField[Center]", self.fields["center"])
        field.queryset = centers
        if centers.count() == 1:
            field.initial = centers.first()
            field.widget = forms.HiddenInput()


class DepartmentForm(CenterChoiceMixin, forms.ModelForm):
    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("center"))

    class Meta:
        model = Department
        fields = ["center", "name", "kind", "cost_centre", "email", "is_active"]

    def __init__(self, *args: Any, centers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_center(centers)
        if self.instance.pk:
            del self.fields["center"]


class PlaceForm(CenterChoiceMixin, forms.ModelForm):
    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("center"))

    class Meta:
        model = Place
        fields = ["center", "name", "kind", "street", "postcode", "city", "lat", "lon"]
        widgets = {
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }

    def __init__(self, *args: Any, centers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_center(centers)

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and (len(postcode) != 5 or not postcode.isdigit()):
            raise forms.ValidationError(_("A German postcode has five digits."))
        return postcode
