"""Forms of the volunteer pages. They only parse input; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Level
from core.forms import choice_field, form_values, model_choice_field
from core.models import Center, Language, Place
from core.phone import format_phone_national
from volunteers.models import Absence, Interest, PoliceCertificate, Training, Volunteer, WeeklySlot
from volunteers.privacy import PLEDGE_VERSION

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def language_choices() -> list[tuple[str, str]]:
    """Languages for a select, named in the active UI language, alphabetically."""
    names = sorted(((lang.name, lang.code) for lang in Language.objects.all()), key=lambda x: x[0])
    return [("", "—")] + [(code, name) for name, code in names]


def town_choices(center: Center) -> list[tuple[str, str]]:
    towns = Place.objects.filter(center=center, kind=Place.Kind.TOWN).order_by("name")
    return [("", "—")] + [(str(t.pk), f"{t.name} ({t.postcode})") for t in towns]


class ContactForm(forms.Form):
    """Name and contact data, as volunteers edit them themselves."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={"invalid": _("Please enter a valid e-mail address.")},
    )
    phone = forms.CharField(
        label=_("Mobile or phone number"),
        max_length=40,
        help_text=_("For example 0151 23456789."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    place = forms.TypedChoiceField(
        label=_("Town"), required=False, coerce=int, empty_value=None, choices=()
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        required=False,
        help_text=_("If your town is not listed."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "place").choices = town_choices(center)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        return {
            "first_name": volunteer.first_name,
            "last_name": volunteer.last_name,
            "email": volunteer.email,
            "phone": format_phone_national(volunteer.phone),
            "place": volunteer.home_place_id,
            "postcode": volunteer.postcode,
        }

    #: Service field → form field, for :func:`core.forms.add_service_errors`.
    FIELD_MAP = {"home_place": "place"}

    def service_data(self) -> dict[str, Any]:
        """The values for the services (also of a form with errors, for their checks)."""
        data = form_values(self)
        data["home_place"] = data.pop("place")
        return data


class CoordinatorVolunteerForm(ContactForm):
    """What a coordinator enters or changes about a volunteer."""

    interests = forms.MultipleChoiceField(
        label=_("Interests"),
        required=False,
        choices=Interest.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sponsorship_capacity = forms.IntegerField(
        label=_("Sponsorships at once"),
        min_value=1,
        max_value=5,
        initial=1,
        required=False,
        help_text=_("How many sponsorships this person can take on at the same time."),
    )
    notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible to coordinators and to the volunteer on request."),
    )

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, center=center, **kwargs)
        self.fields["phone"].required = False

    def service_data(self) -> dict[str, Any]:
        """As :meth:`ContactForm.service_data`; an empty capacity keeps the stored one (1
        for a new volunteer)."""
        data = super().service_data()
        if data.get("sponsorship_capacity") is None:
            data.pop("sponsorship_capacity", None)
        return data

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        initial = ContactForm.initial_for(volunteer)
        initial.update(
            {
                "interests": volunteer.interests,
                "sponsorship_capacity": volunteer.sponsorship_capacity,
                "notes": volunteer.notes,
            }
        )
        return initial


class CenterChoiceForm(forms.Form):
    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("Center"))

    def __init__(self, *args: Any, centers: QuerySet[Center], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "center").queryset = centers
        if centers.count() == 1:
            self.fields["center"].initial = centers.first()
            self.fields["center"].widget = forms.HiddenInput()


class RegistrationForm(ContactForm):
    """Public self-registration (languages and times come in formsets)."""

    interests = forms.MultipleChoiceField(
        label=_("What would you like to do?"),
        required=False,
        choices=Interest.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("You log in with it. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        # Shown again after a mistake elsewhere, so a valid password need not be retyped
        # (see forget_rejected_passwords).
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data are stored as described."),
        required=False,
    )
    privacy_version = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        # ``Form.clean`` returns ``cleaned_data``; the stubs allow None for overrides.
        data = cast(dict[str, Any], super().clean())
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data

    def forget_rejected_passwords(self) -> None:
        """Keep the passwords in the page after a mistake elsewhere; empty both when one of
        them was refused, so the person chooses again."""
        if self.has_error("password") or self.has_error("password_again"):
            for name in ("password", "password_again"):
                widget = self.fields[name].widget
                if isinstance(widget, forms.PasswordInput):
                    widget.render_value = False


class LanguageRowForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", "—"), *Level.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        choices = kwargs.pop("language_choices")
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = choices

    def clean(self) -> dict[str, Any]:
        # ``Form.clean`` returns ``cleaned_data``; the stubs allow None for overrides.
        data = cast(dict[str, Any], super().clean())
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Please choose a level."))
        if data.get("level") and not data.get("language"):
            self.add_error("language", _("Please choose a language."))
        return data


class BaseLanguageFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._language_choices = language_choices()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"language_choices": self._language_choices}

    def filled_forms(self) -> list[forms.Form]:
        """The rows with a language, in order (a service's ``params["row"]`` counts these)."""
        return [f for f in self.forms if getattr(f, "cleaned_data", {}).get("language")]

    def pairs(self) -> list[tuple[str, str]]:
        """(language code, level) of the filled rows; a level that did not parse is ``""``."""
        return [
            (f.cleaned_data["language"], f.cleaned_data.get("level", ""))
            for f in self.filled_forms()
        ]


# ``formset_factory`` subclasses the ``formset`` class it is given; the stubs return the base.
LanguageFormSet = cast(
    type[BaseLanguageFormSet],
    forms.formset_factory(
        LanguageRowForm, formset=BaseLanguageFormSet, extra=3, max_num=20, absolute_max=40
    ),
)


class SlotRowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *WeeklySlot.Weekday.choices],
    )
    start = forms.TimeField(label=_("from"), required=False, widget=TIME_INPUT)
    end = forms.TimeField(label=_("until"), required=False, widget=TIME_INPUT)

    def clean(self) -> dict[str, Any]:
        # ``Form.clean`` returns ``cleaned_data``; the stubs allow None for overrides.
        data = cast(dict[str, Any], super().clean())
        filled = [data.get("weekday") is not None, bool(data.get("start")), bool(data.get("end"))]
        if any(filled) and not all(filled):
            raise ValidationError(_("Please give the weekday, start and end."))
        return data


class BaseSlotFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[forms.Form]:
        """The complete rows (weekday, start and end), in order: the rows the service's
        ``params["row"]`` counts."""
        return [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", {}).get("weekday") is not None
            and f.cleaned_data.get("start")
            and f.cleaned_data.get("end")
        ]

    def slots(self) -> list[tuple[int, dt.time, dt.time]]:
        return [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in self.filled_forms()
        ]


# ``formset_factory`` subclasses the ``formset`` class it is given (see LanguageFormSet).
SlotFormSet = cast(
    type[BaseSlotFormSet],
    forms.formset_factory(
        SlotRowForm, formset=BaseSlotFormSet, extra=3, max_num=28, absolute_max=40
    ),
)


def language_initial(volunteer: Volunteer) -> list[dict[str, str]]:
    return [{"language": s.language_id, "level": s.level} for s in volunteer.languages.all()]


def slot_initial(volunteer: Volunteer) -> list[dict[str, Any]]:
    return [
        {"weekday": s.weekday, "start": s.start_time, "end": s.end_time}
        for s in volunteer.weekly_slots.all()
    ]


class AbsenceForm(forms.Form):
    start_date = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Absence.Reason.choices, initial=Absence.Reason.HOLIDAY
    )


class PoliceCertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PoliceCertificate.Kind.choices)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_INPUT)
    seen_on = forms.DateField(label=_("Seen on"), widget=DATE_INPUT, initial=timezone.localdate)
    listed_offence = forms.TypedChoiceField(
        label=_("Does the certificate show an offence listed in §72a SGB VIII?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
        help_text=_("Only this answer is stored. Do not keep a copy of the certificate."),
    )


class PledgeForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=40, initial=PLEDGE_VERSION)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT, initial=timezone.localdate)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Training.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Can stay empty for the basic course."),
    )
    lessons = forms.IntegerField(
        label=_("Lessons"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("The basic course has 24 lessons."),
    )
    attended_on = forms.DateField(label=_("Attended on"), widget=DATE_INPUT)


class ApproveForm(forms.Form):
    met_in_person = forms.BooleanField(
        label=_("I have met this person and confirm their details."), required=False
    )


class WithdrawConsentForm(forms.Form):
    """The volunteer confirms that they withdraw their consent and want their data erased."""

    confirm = forms.BooleanField(
        label=_(
            "I withdraw my consent and want my data erased. I know that this cannot be undone."
        ),
        required=True,
        error_messages={
            "required": _(
                "Please tick the box to confirm. Without it, nothing is withdrawn or erased."
            )
        },
    )


class MessagePreferencesForm(forms.Form):
    """How a volunteer wants to get messages: channels, quiet hours for SMS, language."""

    notify_by = forms.ChoiceField(
        label=_("Messages by"),
        choices=Volunteer.NotifyBy.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "E-mail and SMS: offers and the short reminder before an assignment also by SMS. "
            "SMS: by SMS wherever there is a short text, otherwise by e-mail."
        ),
    )
    quiet_from = forms.TimeField(
        label=_("No SMS from"),
        widget=TIME_INPUT,
        help_text=_("Quiet hours: no SMS then, unless a request is urgent."),
    )
    quiet_until = forms.TimeField(
        label=_("No SMS until"),
        widget=TIME_INPUT,
        help_text=_("SMS held back in the quiet hours arrive when they end."),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=[("de", "Deutsch"), ("en", "English")],
    )

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        return {
            "notify_by": volunteer.notify_by,
            "quiet_from": volunteer.quiet_from,
            "quiet_until": volunteer.quiet_until,
            "language": volunteer.language or "de",
        }

    def service_data(self) -> dict[str, Any]:
        """The values for the service (also of a form with errors, for its checks)."""
        return form_values(self)
