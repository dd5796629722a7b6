"""Forms of the core's pages (departments and places)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Center, Department, Place


class CenterChoiceMixin:
    """Offers only the centers the caller coordinates; hides the field when there is one."""

    def setup_center(self, centers: Any) -> None:
        field = self.fields["center"]  # type: ignore[attr-defined]
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
