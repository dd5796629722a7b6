"""The shared form include ties help texts and errors to their inputs for screen readers."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class _ExampleForm(forms.Form):
    name = forms.CharField(help_text="As in your passport.")
    email = forms.EmailField()
    interests = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick at least one.",
    )


def _described_ids(html: str) -> list[str]:
    return [ref for refs in re.findall(r'aria-describedby="([^"]*)"', html) for ref in refs.split()]


def test_every_aria_describedby_points_at_an_element_of_the_form() -> None:
    form = _ExampleForm(data={"email": "not an address"})
    assert not form.is_valid()

    html = render_to_string("includes/form_fields.html", {"form": form})

    described = _described_ids(html)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert {"id_name_error", "id_email_error", "id_interests_error"} <= set(described)
    assert {"id_name_helptext", "id_interests_helptext"} <= set(described)
    assert [ref for ref in described if ref not in ids] == []


def test_a_valid_field_is_described_by_its_help_text_only() -> None:
    form = _ExampleForm(data={"name": "Vera", "email": "vera@example.org", "interests": ["a"]})
    assert form.is_valid()

    html = render_to_string("includes/form_fields.html", {"form": form})

    assert set(_described_ids(html)) == {"id_name_helptext", "id_interests_helptext"}
