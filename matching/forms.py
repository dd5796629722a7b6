"""Forms of the coordinator console: the few ids its POST actions carry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CenterForm(forms.Form):
    """ "Run now" for one center."""

    center = forms.IntegerField(min_value=1, max_value=2**62)


class InterpreterForm(forms.Form):
    """An interpreter chosen for a request (offer)."""

    interpreter = forms.IntegerField(min_value=1, max_value=2**62)


class ProposalRejectForm(forms.Form):
    """Why a Pate proposal does not fit (required; never proposed again)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short reason, without names or contact details."),
    )
