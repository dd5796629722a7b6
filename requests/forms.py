"""Forms of the request pages. They parse input and check what one field (or the date and
times together) can tell; the rules of the center (lead time, settings served, places)
live in :mod:`requests.services`, whose errors the views put on the same fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import Gender, Level, Mode, Topic
from core.forms import choice_field
from core.models import Center, Department, Language, Place
from core.validators import (
    PSEUDONYM_MAX_LENGTH,
    is_postcode,
    validate_no_contact_data,
    validate_pseudonym,
)
from requests import services
from requests.models import NOTES_MAX_LENGTH, InterpreterRequest, Priority

#: Times are offered in quarter hours.
TIME_STEP_SECONDS = 900
#: Value of the place select for "an address typed below".
OTHER_PLACE = ""

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": TIME_STEP_SECONDS}, format="%H:%M")


# --------------------------------------------------------------------------- languages


def language_label(language: Language) -> str:
    """ "Tigrinya (ትግርኛ)": the name in the UI language and the native name."""
    name = language.name
    native = language.name_native
    if not native or native == name:
        return name
    if "(" in name:
        return f"{name} – {native}"
    return f"{name} ({native})"


def bookable_languages() -> list[Language]:
    """Languages a request can ask for (not German), by their name in the UI language."""
    languages = Language.objects.exclude(code="de")
    return sorted(languages, key=lambda lang: lang.name.casefold())


def find_language(text: str, languages: list[Language]) -> Language | None:
    """The language the typed text names: its label, code, German, English or native name,
    or the one language whose names contain the text."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    for language in languages:
        names = {
            language.code,
            language.name_de,
            language.name_en,
            language.name_native,
            language_label(language),
        }
        if wanted in {n.casefold() for n in names if n}:
            return language
    # Labels in the other UI language (a form filled in German, submitted after switching).
    for language in languages:
        for name in (language.name_de, language.name_en):
            native = language.name_native
            for label in (f"{name} ({native})", f"{name} – {native}"):
                if wanted == label.casefold():
                    return language
    partial = [
        language
        for language in languages
        if any(
            wanted in n.casefold()
            for n in (language.name_de, language.name_en, language.name_native)
            if n
        )
    ]
    return partial[0] if len(partial) == 1 else None


class LanguageField(forms.CharField):
    """A text input with a list of suggestions (``<datalist>``) that names one language.

    Cleans to the :class:`~core.models.Language`; the input keeps what was typed.
    """

    default_error_messages = {
        "unknown": _(
            "Please choose a language from the list. You can type its German or its own name."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)
        self.languages: list[Language] = []

    def clean(self, value: Any) -> Language | None:
        text = super().clean(value)
        if not text:
            return None
        language = find_language(text, self.languages)
        if language is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return language


# --------------------------------------------------------------------------- the request


def place_choices(places: list[Place]) -> list[tuple[Any, Any]]:
    """Offices (and schools) first, then towns, grouped; "another address" on top."""
    offices = [(str(p.pk), _place_label(p)) for p in places if p.kind != Place.Kind.TOWN]
    towns = [(str(p.pk), _place_label(p)) for p in places if p.kind == Place.Kind.TOWN]
    choices: list[tuple[Any, Any]] = [(OTHER_PLACE, _("Another address (enter it below)"))]
    if offices:
        choices.append((_("Offices"), offices))
    if towns:
        choices.append((_("Towns (no street yet)"), towns))
    return choices


def own_office(places: list[Place], department: Department) -> Place | None:
    """The office named after the department ("Gesundheitsamt Friedberg" for the
    Gesundheitsamt), if exactly one is."""
    name = department.name.casefold()
    found = [p for p in places if p.kind != Place.Kind.TOWN and p.name.casefold().startswith(name)]
    return found[0] if len(found) == 1 else None


def _place_label(place: Place) -> str:
    if place.kind == Place.Kind.TOWN:
        return f"{place.name} ({place.postcode})" if place.postcode else place.name
    street = f", {place.street}" if place.street else ""
    return f"{place.name}{street}, {place.city}"


class RequestForm(forms.Form):
    """What a caseworker enters for an appointment. Fields follow the request's JSON."""

    department = forms.TypedChoiceField(
        label=_("For which department?"), coerce=int, empty_value=None, choices=()
    )
    language = LanguageField(
        label=_("Language"),
        help_text=_("Type a few letters of the German or the language's own name."),
        widget=forms.TextInput(
            attrs={"list": "language-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    min_level = forms.ChoiceField(
        label=_("Minimum level"),
        choices=[c for c in Level.choices if c[0] not in ("A1", "A2")],
        initial=Level.B2,
        help_text=_("How well the interpreter must speak this language."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    mode = forms.ChoiceField(
        label=_("Form of the appointment"),
        choices=Mode.choices,
        initial=Mode.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.ChoiceField(label=_("Place"), required=False, choices=())
    street = forms.CharField(
        label=_("Street and number"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    city = forms.CharField(
        label=_("Town"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    topic = forms.ChoiceField(label=_("Setting"), choices=())
    minors_involved = forms.BooleanField(
        label=_("Children or youths are involved"),
        required=False,
        help_text=_("Then only interpreters with an extended police certificate are asked."),
    )
    gender_preference = forms.ChoiceField(
        label=_("Interpreter's gender"),
        required=False,
        choices=[("", _("no preference")), *Gender.choices],
        widget=forms.RadioSelect,
    )
    client_ref = forms.CharField(
        label=_("Client reference"),
        required=False,
        max_length=PSEUDONYM_MAX_LENGTH,
        validators=[validate_pseudonym],
        help_text=_(
            "Your file's pseudonym such as K-1177, never a name. It keeps the same "
            "interpreter for the same client where possible."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent and critical requests are matched at once, also at short notice."),
    )
    urgency_reason = forms.CharField(
        label=_("Why is it urgent?"),
        required=False,
        max_length=200,
        validators=[validate_no_contact_data],
        help_text=_("One line, needed for urgent and critical requests."),
    )
    notes = forms.CharField(
        label=_("Notes for the interpreter"),
        required=False,
        # The field stays a field error, never a server error, however long the text is.
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH), validate_no_contact_data],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTES_MAX_LENGTH}),
        help_text=_("For example where to go in the building. No names or contact data."),
    )

    #: Where the service's errors are shown (it speaks of start and end, the form of a date
    #: and two times; the coordinates come from the place registry, so with the town).
    SERVICE_FIELD_MAP: dict[str, str | None] = {
        "start": "date",
        "end": "end_time",
        "lat": "city",
        "lon": "city",
        "__all__": None,
    }

    def __init__(
        self,
        *args: Any,
        center: Center,
        departments: list[Department],
        places: list[Place],
        languages: list[Language] | None = None,
        check_lead: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.center = center
        #: The edit page checks the lead time only when the time moves (as the service does).
        self.check_lead = check_lead
        self.languages = languages if languages is not None else bookable_languages()
        cast(LanguageField, self.fields["language"]).languages = self.languages
        self.places = {str(p.pk): p for p in places}
        department_field = choice_field(self, "department")
        department_field.choices = [(str(d.pk), d.name) for d in departments]
        if len(departments) == 1:
            department_field.initial = departments[0].pk
            department_field.widget = forms.HiddenInput()
        choice_field(self, "place").choices = place_choices(places)
        own = own_office(places, departments[0]) if len(departments) == 1 else None
        if own is not None and "place" not in self.initial:
            # The department's own office is the usual place, so it is chosen already.
            self.fields["place"].initial = str(own.pk)
        excluded = set(center.excluded_topics or [])
        choice_field(self, "topic").choices = (
            [("", "—")]
            + [(value, label) for value, label in Topic.choices if value not in excluded]
            + [
                (value, gettext("%(setting)s (not served by this pool)") % {"setting": label})
                for value, label in Topic.choices
                if value in excluded
            ]
        )
        if excluded:
            names = ", ".join(str(Topic(code).label) for code in Topic.values if code in excluded)
            self.fields["topic"].help_text = gettext(
                "This pool does not serve: %(settings)s. For these, please book a "
                "professional interpreter."
            ) % {"settings": names}
        self.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()

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
    def language_options(self) -> list[str]:
        """The suggestions of the language input."""
        return [language_label(language) for language in self.languages]

    def clean_place(self) -> Place | None:
        value = self.cleaned_data.get("place") or ""
        if value == OTHER_PLACE:
            return None
        return self.places[value]  # choices were checked by the field

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not is_postcode(postcode):
            raise ValidationError(_("A German postcode has five digits."))
        return postcode

    def clean(self) -> dict[str, Any]:
        # ``Form.clean`` returns ``cleaned_data``; the stubs allow None for overrides.
        data = cast(dict[str, Any], super().clean())
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["start"] = timezone.make_aware(dt.datetime.combine(day, start))
            data["end"] = timezone.make_aware(dt.datetime.combine(day, end))
        # The rules are the service's: checked on what parsed, so that every error shows at
        # once, also while other fields are still wrong. Nothing is stored here.
        try:
            services.request_validate(
                center=self.center, check_lead=self.check_lead, **self.service_data()
            )
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments of ``request_create`` / ``request_update`` (what parsed)."""
        data = self.cleaned_data
        in_person = data.get("mode") == Mode.IN_PERSON
        language = data.get("language")

        def text(name: str) -> str:
            return str(data.get(name) or "").strip()

        return {
            "language": language.code if language is not None else None,
            "min_level": data.get("min_level"),
            "start": data.get("start"),
            "end": data.get("end"),
            "mode": data.get("mode"),
            "place": data.get("place") if in_person else None,
            "street": text("street") if in_person else "",
            "postcode": text("postcode") if in_person else "",
            "city": text("city") if in_person else "",
            "topic": data.get("topic"),
            "minors_involved": bool(data.get("minors_involved")),
            "gender_preference": data.get("gender_preference") or "",
            "client_ref": text("client_ref"),
            "priority": data.get("priority"),
            "urgency_reason": text("urgency_reason"),
            "notes": text("notes"),
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put the service's errors at the fields they concern (start/end at the times)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            target = self.SERVICE_FIELD_MAP.get(field, field)
            if target is not None and target not in self.fields:
                target = None
            if target is not None and target in self.errors:
                # Already refused by the form; the form's message says the same.
                continue
            self.add_error(target, errors)

    @staticmethod
    def initial_for(request: InterpreterRequest) -> dict[str, Any]:
        """The form's values for an existing request (edit page)."""
        start = timezone.localtime(request.start)
        end = timezone.localtime(request.end)
        return {
            "department": request.department_id,
            "language": language_label(request.language),
            "min_level": request.min_level,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "mode": request.mode,
            "place": str(request.place_id) if request.place_id else OTHER_PLACE,
            "street": "" if request.place_id else request.street,
            "postcode": "" if request.place_id else request.postcode,
            "city": "" if request.place_id else request.city,
            "topic": request.topic,
            "minors_involved": request.minors_involved,
            "gender_preference": request.gender_preference,
            "client_ref": request.client_ref,
            "priority": request.priority,
            "urgency_reason": request.urgency_reason,
            "notes": request.notes,
        }


# --------------------------------------------------------------------------- filters and reasons


class RequestFilterForm(forms.Form):
    """The filters of "Our requests" (a GET form: unknown values are simply dropped)."""

    q = forms.CharField(label=_("Search by client reference"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *InterpreterRequest.Status.choices],
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    mode = forms.ChoiceField(
        label=_("Form of the appointment"), required=False, choices=[("", _("all")), *Mode.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, languages: list[Language], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        choice_field(self, "language").choices = [("", _("all"))] + [
            (language.code, language_label(language)) for language in languages
        ]

    @staticmethod
    def empty_filters() -> dict[str, Any]:
        return {
            "search": "",
            "status": "",
            "language": "",
            "mode": "",
            "date_from": None,
            "date_to": None,
        }

    def filters(self) -> dict[str, Any]:
        """The valid filters; a field with a bad value counts as not set."""
        if not self.is_bound:
            return self.empty_filters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "language": data.get("language") or "",
            "mode": data.get("mode") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class ReasonForm(forms.Form):
    """Why a request or an assignment is cancelled (needed: the other side is told)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        validators=[validate_no_contact_data],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        error_messages={"required": _("Please give a short reason; it is passed on.")},
    )


class DeclineForm(forms.Form):
    """An optional reason for declining an offer."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        validators=[validate_no_contact_data],
    )
