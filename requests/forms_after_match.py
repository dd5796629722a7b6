"""Forms of the pages after the appointment: the Einsatznachweis of the interpreter, of the
requesting department and the coordinator's decision, and the exceptions from the
per-client cap.

They only parse. Which fields a case needs (times when it took place, a reason when not,
plausible times and kilometres) is the rule of :mod:`requests.confirmations`, whose errors
the views put on these fields (:func:`core.forms.add_service_errors` with
:data:`SERVICE_FIELDS`), all at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.models import Center
from core.validators import PSEUDONYM_MAX_LENGTH, validate_no_contact_data, validate_pseudonym
from requests.models import AbsenceReason, Assignment

#: Where the confirmation services' errors are shown (they speak of datetimes).
SERVICE_FIELDS = {"actual_start": "start_time", "actual_end": "end_time"}

YES = "yes"
NO = "no"

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")


class ConfirmationForm(forms.Form):
    """One side's Einsatznachweis: took place (with the actual times) or not (with a reason).

    The kilometres are asked only where ``with_km`` (the interpreter, or the coordinator, of
    an appointment in person). Times are wall-clock times on the appointment's day in
    Europe/Berlin; an appointment planned across midnight may end the next day.
    """

    took_place = forms.ChoiceField(
        label=_("Did the appointment take place?"),
        choices=[(YES, _("Yes, it took place")), (NO, _("No, it did not take place"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether the appointment took place.")},
    )
    start_time = forms.TimeField(label=_("Actual start"), required=False, widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Actual end"), required=False, widget=TIME_INPUT)
    travel_km = forms.DecimalField(
        label=_("Travel in km (there and back)"),
        required=False,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": "0"}),
        help_text=_("Filled in from your home to the place and back; change it if you drove more."),
    )
    reason = forms.ChoiceField(
        label=_("Why did it not take place?"),
        required=False,
        choices=AbsenceReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        validators=[validate_no_contact_data],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("No names or contact data."),
    )
    #: ``""`` shows the entry for a last check; ``"save"`` stores it; ``"edit"`` goes back.
    step = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        assignment: Assignment,
        with_km: bool,
        km_help: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if not with_km:
            del self.fields["travel_km"]
        elif km_help is not None:
            self.fields["travel_km"].help_text = km_help

    @staticmethod
    def initial_for(
        *,
        assignment: Assignment,
        took_place: bool | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        travel_km: Decimal | None = None,
        reason: str = "",
    ) -> dict[str, Any]:
        """Values to start from: the planned times unless others are given."""
        values: dict[str, Any] = {
            "start_time": timezone.localtime(start or assignment.start).time(),
            "end_time": timezone.localtime(end or assignment.end).time(),
            "travel_km": travel_km,
            "reason": reason,
        }
        if took_place is not None:
            values["took_place"] = YES if took_place else NO
        return values

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) of every error, in the page's order, for the summary."""
        rows: list[tuple[str, str, str]] = [("", "", str(e)) for e in self.non_field_errors()]
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            anchor = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
            rows.extend((anchor, str(bound.label), str(e)) for e in self.errors[name])
        return rows

    @property
    def step_value(self) -> str:
        return str(self.data.get("step", "")) if self.is_bound else ""

    def _moment(self, value: dt.time | None, *, after: dt.datetime | None = None) -> Any:
        if value is None:
            return None
        planned_start = timezone.localtime(self.assignment.start)
        planned_end = timezone.localtime(self.assignment.end)
        day = planned_start.date()
        moment = timezone.make_aware(dt.datetime.combine(day, value))
        if after is not None and moment <= after and planned_end.date() > day:
            moment = timezone.make_aware(dt.datetime.combine(planned_end.date(), value))
        return moment

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments of ``confirmation_record`` / ``confirmation_decide`` (what
        parsed; what the form could not parse is ``None`` so the service still checks the
        rest)."""
        data = getattr(self, "cleaned_data", {})
        took = data.get("took_place")
        took_place = None if took is None or took == "" else took == YES
        start = self._moment(data.get("start_time")) if took_place else None
        end = self._moment(data.get("end_time"), after=start) if took_place else None
        values: dict[str, Any] = {
            "took_place": took_place,
            "actual_start": start,
            "actual_end": end,
            "reason": "" if took_place else str(data.get("reason") or ""),
            "note": str(data.get("note") or "").strip(),
        }
        if "travel_km" in self.fields:
            values["travel_km"] = data.get("travel_km")
        return values

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) of what will be stored, for the last check before saving."""
        from requests.templatetags.requests_tags import day_time

        data = self.service_data()
        rows: list[tuple[str, str]] = [
            (
                str(_("Took place")),
                str(_("yes")) if data["took_place"] else str(_("no")),
            )
        ]
        if data["took_place"]:
            rows.append((str(_("Actual start")), day_time(data["actual_start"])))
            rows.append((str(_("Actual end")), day_time(data["actual_end"])))
        else:
            reason = data["reason"]
            rows.append((str(_("Reason")), str(AbsenceReason(reason).label) if reason else "—"))
        if "travel_km" in data:
            km = data["travel_km"]
            shown = number_format(km, decimal_pos=1) if km is not None else "—"
            rows.append((str(_("Travel (km, there and back)")), shown))
        if data["note"]:
            rows.append((str(_("Note")), data["note"]))
        return rows


class CapExceptionForm(forms.Form):
    """A coordinator-approved exception from the per-client cap of paid assignments."""

    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("Center"))
    client_ref = forms.CharField(
        label=_("Client reference"),
        max_length=PSEUDONYM_MAX_LENGTH,
        validators=[validate_pseudonym],
        help_text=_("The pseudonym of the client's file, e.g. K-1177 — never a name."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    cap = forms.IntegerField(
        label=_("Paid assignments for this client at most"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        validators=[validate_no_contact_data],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text=_("Why this client needs more assignments. No names or contact data."),
    )

    def __init__(self, *args: Any, centers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["center"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = centers
        if len(centers) == 1:
            field.initial = centers[0]
            field.widget = forms.HiddenInput()
