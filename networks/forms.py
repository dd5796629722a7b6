"""Forms of the networks pages. They only collect input; the services validate and save."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import model_choice_field
from core.models import Center, Language, Place, User
from core.validators import PSEUDONYM_MAX_LENGTH
from networks.models import (
    CHECK_IN_NOTE_MAX_LENGTH,
    END_NOTE_MAX_LENGTH,
    Household,
    Need,
    Network,
    NetworkMember,
    Sponsorship,
)
from volunteers.models import Volunteer


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NetworkForm(forms.Form):
    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("center"))
    name = forms.CharField(label=_("name"), max_length=200)
    town = forms.ModelChoiceField(queryset=Place.objects.none(), label=_("town"), required=False)
    district = forms.CharField(
        label=_("district"),
        max_length=200,
        required=False,
        help_text=_("Where the network works, when it is not a single town."),
    )
    description = forms.CharField(
        label=_("description"), max_length=2000, required=False, widget=forms.Textarea
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        centers: QuerySet[Center],
        places: QuerySet[Place],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "town").queryset = places.filter(kind=Place.Kind.TOWN)
        if editing:
            del self.fields["center"]
        else:
            model_choice_field(self, "center").queryset = centers
            if centers.count() == 1:
                self.fields["center"].initial = centers.first()
                self.fields["center"].widget = forms.HiddenInput()


class NetworkDescriptionForm(forms.Form):
    """What a network lead may change about their network."""

    description = forms.CharField(
        label=_("description"), max_length=2000, required=False, widget=forms.Textarea
    )


class _UserChoiceField(forms.ModelChoiceField):
    """Users shown with their user name (a typed ``label_from_instance``)."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class LeadAddForm(forms.Form):
    user = _UserChoiceField(
        queryset=User.objects.none(),
        label=_("person"),
        help_text=_(
            "Members of the center. Whoever does not yet hold the role network lead gets it."
        ),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "user").queryset = candidates


class MemberAddForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        queryset=Volunteer.objects.none(),
        label=_("volunteer"),
        help_text=_("Approved volunteers of the center; those interested in sponsorships first."),
    )
    joined_on = forms.DateField(
        label=_("joined on"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args: Any, candidates: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = sorted(
            candidates, key=lambda v: ("sponsorship" not in (v.interests or []), v.last_name)
        )
        field = model_choice_field(self, "volunteer")
        field.queryset = candidates
        choices: list[tuple[int | str, str]] = [("", "---------")]
        field.choices = choices + [
            (
                v.pk,
                f"{v.display_name}"
                + (f" · {v.home_place.name}" if v.home_place is not None else "")
                + (
                    " · " + str(_("wants to be a Pate"))
                    if "sponsorship" in (v.interests or [])
                    else ""
                ),
            )
            for v in ordered
        ]


class HouseholdForm(forms.Form):
    network = forms.ModelChoiceField(queryset=Network.objects.none(), label=_("network"))
    reference = forms.CharField(
        label=_("reference"),
        max_length=PSEUDONYM_MAX_LENGTH,
        help_text=_("A pseudonym such as H-2291, never a name or contact details."),
    )
    size = forms.IntegerField(label=_("household size"), min_value=1, max_value=20, initial=1)
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        label=_("languages"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    town = forms.ModelChoiceField(queryset=Place.objects.none(), label=_("town"), required=False)
    needs = forms.MultipleChoiceField(
        label=_("needs"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    children = forms.BooleanField(
        label=_("children or youths in the household"),
        required=False,
        help_text=_("A Pate then needs an extended police certificate (§ 72a SGB VIII)."),
    )
    waiting_since = forms.DateField(
        label=_("waiting since"), widget=DateInput(), initial=timezone.localdate
    )
    is_active = forms.BooleanField(
        label=_("active"),
        required=False,
        initial=True,
        help_text=_("Still looking for a Pate or in a sponsorship."),
    )

    def __init__(
        self,
        *args: Any,
        networks: QuerySet[Network],
        places: QuerySet[Place],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "network").queryset = networks
        model_choice_field(self, "town").queryset = places.filter(kind=Place.Kind.TOWN)
        if not editing:
            del self.fields["is_active"]

    @staticmethod
    def initial_for(household: Household) -> dict[str, Any]:
        return {
            "network": household.network_id,
            "reference": household.reference,
            "size": household.size,
            "languages": list(household.languages.all()),
            "town": household.town_id,
            "needs": household.needs,
            "children": household.children,
            "waiting_since": household.waiting_since,
            "is_active": household.is_active,
        }


class SponsorshipCreateForm(forms.Form):
    household = forms.ModelChoiceField(
        queryset=Household.objects.none(),
        label=_("household waiting for a Pate"),
        widget=forms.RadioSelect,
    )
    pate = forms.ModelChoiceField(
        queryset=Volunteer.objects.none(), label=_("Pate"), widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        households: QuerySet[Household],
        members: Iterable[NetworkMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "household").queryset = households
        model_choice_field(self, "pate").queryset = Volunteer.objects.filter(
            pk__in=[m.volunteer_id for m in members]
        )


class MatchForm(forms.Form):
    intro_talk_on = forms.DateField(label=_("intro talk on"), required=False, widget=DateInput())


class TrialForm(forms.Form):
    intro_talk_on = forms.DateField(label=_("intro talk on"), required=False, widget=DateInput())
    first_meeting_on = forms.DateField(
        label=_("moderated first meeting on"), required=False, widget=DateInput()
    )
    started_on = forms.DateField(
        label=_("trial period starts on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the day of the first meeting, or today."),
    )


class TrialDetailsForm(forms.Form):
    intro_talk_on = forms.DateField(label=_("intro talk on"), required=False, widget=DateInput())
    first_meeting_on = forms.DateField(
        label=_("moderated first meeting on"), required=False, widget=DateInput()
    )
    trial_meetings = forms.IntegerField(
        label=_("meetings in the trial period"),
        min_value=0,
        max_value=Sponsorship.TRIAL_MEETINGS_MAX,
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason for ending"), choices=Sponsorship.EndReason.choices)
    note = forms.CharField(
        label=_("short note"),
        max_length=END_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, without names or contact details."),
    )
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput(), initial=timezone.localdate)


class CheckInForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("note"),
        max_length=CHECK_IN_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note, without names or contact details."),
    )
    follow_up_needed = forms.BooleanField(label=_("follow-up needed"), required=False)
