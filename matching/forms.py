"""Forms of the coordinator console: the few ids its POST actions carry."""

from __future__ import annotations

from django import forms


class CenterForm(forms.Form):
    """ "Run now" for one center."""

    center = forms.IntegerField(min_value=1, max_value=2**62)


class InterpreterForm(forms.Form):
    """An interpreter chosen for a request (offer)."""

    interpreter = forms.IntegerField(min_value=1, max_value=2**62)
