"""Forms of the core's pages (departments and places), and the one adapter every app's
pages use to show a service's errors on their forms (:func:`add_service_errors`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, Center, Department, Place
from core.validators import validate_postcode

T = TypeVar("T")


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
    """A town or office. Coordinates come from a town of the center's place registry, or,
    as an advanced option, are typed in by hand. No outside geocoder is asked."""

    SOURCE_TOWN = "town"
    SOURCE_MANUAL = "manual"

    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("center"))
    town = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label=_("Coordinates of the town"),
        help_text=_("The place takes the coordinates the center keeps for this town."),
    )
    coordinates = forms.ChoiceField(
        label=_("Coordinates"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (SOURCE_TOWN, _("from the town chosen above")),
            (SOURCE_MANUAL, _("entered by hand (advanced)")),
        ],
    )

    # Whole-number limits, so a message reads "höchstens 90", not "90.0".
    lat = forms.FloatField(
        label=_("latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Decimal degrees, e.g. 50.3353 for Friedberg (Hessen)."),
    )
    lon = forms.FloatField(
        label=_("longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Decimal degrees, e.g. 8.7550 for Friedberg (Hessen)."),
    )

    class Meta:
        model = Place
        fields = ["center", "name", "kind", "street", "postcode", "city", "lat", "lon"]

    def __init__(self, *args: Any, centers: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_center(centers)
        if self.instance.pk:
            del self.fields["center"]
            towns = towns.filter(center_id=self.instance.center_id)
        model_choice_field(self, "town").queryset = towns
        # With a town chosen, the service takes the coordinates (and an empty city) from it.
        self.fields["city"].required = False
        if not self.is_bound:
            town = self._matching_town(towns)
            self.initial["town"] = town.pk if town else None
            manual = self.instance.pk and town is None
            self.initial["coordinates"] = self.SOURCE_MANUAL if manual else self.SOURCE_TOWN

    def _matching_town(self, towns: Any) -> Place | None:
        """When editing: the town whose coordinates the place has, if any."""
        place = self.instance
        if not place.pk:
            return None
        return cast("Place | None", towns.filter(lat=place.lat, lon=place.lon).first())

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        validate_postcode(postcode)
        return postcode

    @property
    def manual(self) -> bool:
        """Whether the coordinates are typed in by hand (shows the advanced fields open)."""
        data = self.data if self.is_bound else self.initial
        source = data.get("coordinates") or ""
        if source:
            return source == self.SOURCE_MANUAL
        return bool(self.is_bound and data.get("lat") not in (None, "") and not data.get("town"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        town, lat, lon = cleaned.get("town"), cleaned.get("lat"), cleaned.get("lon")
        if self.manual:
            cleaned["town"] = None
            for name, value in (("lat", lat), ("lon", lon)):
                if value is None and name not in self.errors:
                    self.add_error(name, _("Enter the coordinates, or take them from a town."))
        elif town is None and "town" not in self.errors:
            self.add_error("town", _("Choose a town, or enter the coordinates by hand."))
        else:
            center = cleaned.get("center") or getattr(self.instance, "center", None)
            if town is not None and center is not None and town.center_id != center.pk:
                self.add_error("town", _("Choose a town of the same center."))
            cleaned.pop("lat", None)
            cleaned.pop("lon", None)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of ``place_create`` / ``place_update``."""
        data = dict(self.cleaned_data)
        data.pop("coordinates", None)
        return data


class AuditFilterForm(forms.Form):
    """Filters of the audit trail: who, what kind of object, which action, when, and a search.

    Bound to ``request.GET``; a filter that does not validate is left out (its message shows).
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    actor = forms.ChoiceField(label=_("Who"), required=False)
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        actors: Any,
        object_kinds: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everyone: list[tuple[str, str]] = [("", str(_("everyone"))), ("system", str(_("system")))]
        choice_field(self, "actor").choices = everyone + [
            (str(user.pk), user.display_name) for user in actors
        ]
        choice_field(self, "object_type").choices = [("", str(_("all")))] + object_kinds
        choice_field(self, "action").choices = [("", str(_("all")))] + list(
            AuditEvent.Action.choices
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period lies before its start."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors.audit_event_list``."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "actor": data.get("actor") or "",
            "object_type": data.get("object_type") or "",
            "action": data.get("action") or "",
            "since": data.get("since"),
            "until": data.get("until") if "until" not in self.errors else None,
        }


# --------------------------------------------------------------------------- service errors


def add_service_errors(
    exc: ValidationError,
    form: forms.BaseForm | None = None,
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
    field_map: Mapping[str, str] | None = None,
    skip_flagged: bool = False,
) -> None:
    """The one form-error adapter: put a service's ``ValidationError`` on a page's form and
    formsets, every message at once.

    - a key renamed by ``field_map`` (service name → form field, e.g. ``home_place`` →
      ``place``) or naming a field of ``form`` goes to that field;
    - a key naming one of ``formsets`` (e.g. ``languages``, ``availability``) goes to the
      row the message names with ``params["row"]`` (the index among the formset's
      filled rows, :func:`filled_forms`), else above the formset;
    - everything else (``__all__``, fields the page does not show) goes above the form.

    :param skip_flagged: leave out messages for a field the form already flags (used when
        the service ran only for its checks, see :func:`check_service`).
    """
    formsets = formsets or {}
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        if form is not None:
            form.add_error(None, list(exc.error_list))
        return
    # Plain messages for fields (a model's ``full_clean`` may nest errors by field).
    messages = exc.message_dict
    for key, errors in exc.error_dict.items():
        name = field_map.get(key, key)
        if name in formsets:
            _add_row_errors(formsets[name], errors, skip_flagged=skip_flagged)
        elif form is not None and name in form.fields:
            if skip_flagged and form.has_error(name):
                continue
            form.add_error(name, messages[key])
        elif form is not None:
            form.add_error(None, messages[key])


def filled_forms(formset: forms.BaseFormSet) -> list[forms.BaseForm]:
    """The rows of ``formset`` that were filled in, in order: the rows a service's
    ``params["row"]`` counts. A formset says which they are with a ``filled_forms()``
    method (the rows it hands to the service); otherwise every row counts."""
    own = getattr(formset, "filled_forms", None)
    return list(own()) if callable(own) else list(formset.forms)


def _add_row_errors(
    formset: forms.BaseFormSet, errors: list[ValidationError], *, skip_flagged: bool
) -> None:
    rows = filled_forms(formset)
    for error in errors:
        params = getattr(error, "params", None)
        row = params.get("row") if isinstance(params, dict) else None
        if isinstance(row, int) and 0 <= row < len(rows):
            if not (skip_flagged and rows[row].errors):
                rows[row].add_error(None, error)
        else:
            formset.non_form_errors().append(_message(error))


def _message(error: ValidationError) -> str:
    return str(next(iter(error)))


def check_service(call: Callable[[], object]) -> ValidationError | None:
    """Run a service only for its checks and return what it refuses (nothing is kept).

    For a page whose form already has errors: the service's messages about the other
    fields show on the same submit instead of the next one. The call runs in a
    transaction that is always rolled back (with it every ``on_commit`` mail or task);
    input the form could not parse is passed as ``None`` or raw text, so a ``TypeError``
    or ``ValueError`` from such a value only means the form's own message stands.
    """
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except ValidationError as exc:
        return exc
    except (TypeError, ValueError, AttributeError, KeyError):
        return None
    return None


def form_values(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned values, and for fields that did not parse: the raw text of a
    text field, ``None`` otherwise (what :func:`check_service` passes on)."""
    values: dict[str, Any] = {}
    cleaned = getattr(form, "cleaned_data", {})
    for name, field in form.fields.items():
        if name in cleaned:
            values[name] = cleaned[name]
        elif type(field) in (forms.CharField, forms.EmailField):
            raw = form[name].value()
            values[name] = raw if isinstance(raw, str) else ""
        else:
            values[name] = None
    return values


def run_service(
    call: Callable[[], T],
    *,
    valid: bool,
    form: forms.BaseForm | None = None,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
    field_map: Mapping[str, str] | None = None,
) -> tuple[bool, T | None]:
    """Submit a page: every error of the forms and of the service at once.

    ``valid`` says whether the page's form and formsets parsed (validate each, without
    short-circuiting). Then ``call`` stores and its refusals land on the form
    (:func:`add_service_errors`). Otherwise ``call`` runs only for its checks
    (:func:`check_service`), so its messages about the other fields show now as well.

    :return: whether the service stored, and its result.
    """
    if valid:
        try:
            return True, call()
        except ValidationError as exc:
            add_service_errors(exc, form, formsets=formsets, field_map=field_map)
            return False, None
    if form is not None and not hasattr(form, "cleaned_data"):
        return False, None  # an unbound form (e.g. an empty POST): nothing to check yet
    refused = check_service(call)
    if refused is not None:
        add_service_errors(refused, form, formsets=formsets, field_map=field_map, skip_flagged=True)
    return False, None
