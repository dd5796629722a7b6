"""Web pages of the sponsorship networks: networks with their dashboard, leads, members,
households (waiting list), sponsorships with their status actions and check-ins.

Thin: reads go through ``networks.selectors`` (scoped, so foreign objects are 404),
writes through ``networks.services``; an allowed object with a forbidden action is 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, form_values, run_service
from core.models import Place, Role
from core.params import parse_id
from core.scoping import has_role
from core.selectors import center_list
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from networks import selectors, services
from networks.forms import (
    CheckInForm,
    EndForm,
    HouseholdForm,
    LeadAddForm,
    MatchForm,
    MemberAddForm,
    NetworkDescriptionForm,
    NetworkForm,
    SponsorshipCreateForm,
    TrialDetailsForm,
    TrialForm,
)
from networks.models import Household, Need, Network, NetworkMember, Sponsorship
from volunteers.views import confirm_page

NETWORK_ROLES = (Role.COORDINATOR, Role.NETWORK_LEAD)
SEARCH_MAX = 100


def _search(request: AuthenticatedHttpRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX]


def _network_or_404(request: AuthenticatedHttpRequest, pk: int) -> Network:
    return get_object_or_404(selectors.network_list(user=request.user), pk=pk)


def _network_filter(request: AuthenticatedHttpRequest) -> Network | None:
    network_id = parse_id(request.GET.get("network"))
    if network_id is None:
        return None
    return selectors.network_list(user=request.user).filter(pk=network_id).first()


def _require_manager(request: AuthenticatedHttpRequest, network: Network) -> None:
    if not selectors.can_manage_network(user=request.user, network=network):
        raise PermissionDenied


def _places(request: AuthenticatedHttpRequest) -> Any:
    return Place.objects.for_user(request.user, roles=NETWORK_ROLES)


# --- networks -------------------------------------------------------------------------


def network_list_filters(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The network list's filters, as arguments of :func:`networks.selectors.network_list`
    (the list and its export read them here)."""
    return {
        "search": _search(request),
        "active": {"1": True, "0": False}.get(request.GET.get("active", "")),
    }


@role_required(*NETWORK_ROLES)
def network_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The networks the caller may see, with their four figures."""
    filters = network_list_filters(request)
    search = filters["search"]
    ids = set(selectors.network_list(user=request.user, **filters).values_list("pk", flat=True))
    rows = [row for row in selectors.network_figures(user=request.user) if row["network"].pk in ids]
    return render(
        request,
        "networks/network_list.html",
        {
            "page": paginate(request, rows),
            "search": search,
            "active": request.GET.get("active", ""),
            "query": query_without_page(request),
            "can_create": has_role(request.user, Role.COORDINATOR),
            "can_export": has_role(request.user, Role.COORDINATOR),
        },
    )


@role_required(Role.COORDINATOR)
def network_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    centers = center_list(user=request.user, roles=[Role.COORDINATOR])
    form = NetworkForm(request.POST or None, centers=centers, places=_places(request))
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, network = run_service(
            lambda: services.network_create(actor=request.user, **data), valid=valid, form=form
        )
        if stored and network is not None:
            messages.success(request, _("Network “%(name)s” created.") % {"name": network.name})
            return redirect("network-detail", pk=network.pk)
    return render(
        request,
        "networks/form.html",
        {"form": form, "title": _("New sponsorship network"), "back_url": reverse("network-list")},
    )


@role_required(*NETWORK_ROLES)
def network_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The network's dashboard: waiting households, active and quiet sponsorships, idle Paten."""
    network = _network_or_404(request, pk)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "dashboard": selectors.network_dashboard(user=request.user, network=network),
            "leads": selectors.network_lead_user_list(network=network),
            "can_manage": selectors.can_manage_network(user=request.user, network=network),
        },
    )


@role_required(*NETWORK_ROLES)
def network_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Coordinators change everything; a network lead only the description."""
    network = _network_or_404(request, pk)
    can_manage = selectors.can_manage_network(user=request.user, network=network)
    form: Form
    if can_manage:
        initial = {
            "name": network.name,
            "town": network.town_id,
            "district": network.district,
            "description": network.description,
            "is_active": network.is_active,
        }
        form = NetworkForm(
            request.POST or None,
            initial=initial,
            centers=center_list(user=request.user, roles=[Role.COORDINATOR]),
            places=_places(request).filter(center=network.center_id),
            editing=True,
        )
    else:
        form = NetworkDescriptionForm(
            request.POST or None, initial={"description": network.description}
        )
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, _network = run_service(
            lambda: services.network_update(actor=request.user, network=network, **data),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            return redirect("network-detail", pk=pk)
    return render(
        request,
        "networks/form.html",
        {
            "form": form,
            "title": _("Edit network “%(name)s”") % {"name": network.name},
            "back_url": reverse("network-detail", args=[pk]),
        },
    )


@role_required(*NETWORK_ROLES)
def network_leads(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The network's leads; coordinators add and remove them."""
    network = _network_or_404(request, pk)
    can_manage = selectors.can_manage_network(user=request.user, network=network)
    form = None
    if can_manage:
        form = LeadAddForm(
            request.POST or None, candidates=selectors.lead_candidate_list(network=network)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.network_lead_add(
                    actor=request.user, network=network, user=form.cleaned_data["user"]
                )
            except ValidationError as exc:
                add_service_errors(exc, form)
            else:
                messages.success(request, _("Network lead added."))
                return redirect("network-leads", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "networks/network_leads.html",
        {
            "network": network,
            "leads": selectors.network_lead_user_list(network=network),
            "form": form,
            "can_manage": can_manage,
        },
    )


@role_required(Role.COORDINATOR)
def network_lead_remove(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """GET asks (what follows), POST removes."""
    network = _network_or_404(request, pk)
    _require_manager(request, network)
    lead = get_object_or_404(selectors.network_lead_user_list(network=network), pk=user_pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Remove %(name)s as lead of “%(network)s”?")
            % {"name": lead.display_name, "network": network.name},
            consequences=[
                _("They no longer see this network, its households and sponsorships."),
                _("Their role as network lead in the center stays; they can be added again."),
            ],
            button=_("Remove lead"),
            back_url=reverse("network-leads", args=[pk]),
        )
    services.network_lead_remove(actor=request.user, network=network, user=lead)
    messages.success(request, _("%(name)s no longer leads this network.") % {"name": lead})
    return redirect("network-leads", pk=pk)


@role_required(*NETWORK_ROLES)
def network_members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The network's Paten with their languages; coordinators and leads add members."""
    network = _network_or_404(request, pk)
    form = MemberAddForm(
        request.POST or None, candidates=selectors.member_candidate_list(network=network)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.network_member_add(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Pate added to the network."))
            return redirect("network-members", pk=pk)
    search = _search(request)
    show = request.GET.get("show", "active")
    active = {"active": True, "former": False}.get(show)
    members = selectors.network_member_list(
        user=request.user, network=network, search=search, active=active
    )
    return render(
        request,
        "networks/network_members.html",
        {
            "network": network,
            "form": form,
            "page": paginate(request, members),
            "search": search,
            "show": show,
            "query": query_without_page(request),
        },
    )


@role_required(*NETWORK_ROLES)
def network_member_remove(
    request: AuthenticatedHttpRequest, pk: int, member_pk: int
) -> HttpResponse:
    """GET asks (what follows), POST takes the Pate out of the network."""
    network = _network_or_404(request, pk)
    member = get_object_or_404(NetworkMember.objects.filter(network=network), pk=member_pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Take %(name)s out of “%(network)s”?")
            % {"name": member.volunteer.display_name, "network": network.name},
            consequences=[
                _("They are no longer offered as a Pate in this network."),
                _("Past sponsorships stay in the history; they can be added again later."),
            ],
            button=_("Take out of the network"),
            back_url=reverse("network-members", args=[pk]),
        )
    try:
        services.network_member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request, _("%(name)s is no longer a Pate here.") % {"name": member.volunteer}
        )
    return redirect("network-members", pk=pk)


# --- households -----------------------------------------------------------------------

HOUSEHOLD_VIEWS = {"waiting": True, "placed": False, "all": None}


@role_required(*NETWORK_ROLES)
def household_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Households, by default those still waiting for a Pate (longest first)."""
    search = _search(request)
    network = _network_filter(request)
    show = request.GET.get("show", "waiting")
    if show not in HOUSEHOLD_VIEWS:
        show = "waiting"
    need = request.GET.get("need", "")
    households = selectors.household_list(
        user=request.user,
        network=network,
        search=search,
        waiting=HOUSEHOLD_VIEWS[show],
        need=need if need in Need.values else "",
    )
    return render(
        request,
        "networks/household_list.html",
        {
            "page": paginate(request, households),
            "search": search,
            "network": network,
            "networks": selectors.network_list(user=request.user),
            "show": show,
            "need": need,
            "needs": Need.choices,
            "query": query_without_page(request),
        },
    )


@role_required(*NETWORK_ROLES)
def household_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    networks = selectors.network_list(user=request.user, active=True)
    initial = {}
    if (network := _network_filter(request)) is not None:
        initial["network"] = network.pk
    form = HouseholdForm(
        request.POST or None, initial=initial, networks=networks, places=_places(request)
    )
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        data["languages"] = data["languages"] or []
        stored, household = run_service(
            lambda: services.household_create(actor=request.user, **data), valid=valid, form=form
        )
        if stored and household is not None:
            messages.success(
                request, _("Household %(reference)s added.") % {"reference": household.reference}
            )
            return redirect(f"{reverse('household-list')}?network={household.network_id}")
    return render(
        request,
        "networks/form.html",
        {
            "form": form,
            "title": _("New household"),
            "lead": _(
                "Households are recorded only by a pseudonymous reference. Please never enter "
                "names, addresses or contact details."
            ),
            "back_url": reverse("household-list"),
        },
    )


@role_required(*NETWORK_ROLES)
def household_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(selectors.household_list(user=request.user), pk=pk)
    form = HouseholdForm(
        request.POST or None,
        initial=HouseholdForm.initial_for(household),
        networks=selectors.network_list(user=request.user).filter(center=household.center_id),
        places=_places(request).filter(center=household.center_id),
        editing=True,
    )
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        if not valid:  # checks only: leave out what did not parse
            data = {name: value for name, value in data.items() if value is not None}
        stored, _household = run_service(
            lambda: services.household_update(
                actor=request.user, household=Household.objects.get(pk=household.pk), **data
            ),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            return redirect(f"{reverse('household-list')}?network={household.network_id}")
    sponsorships = selectors.sponsorship_list(user=request.user).filter(household=household)
    return render(
        request,
        "networks/household_form.html",
        {
            "form": form,
            "household": household,
            "sponsorships": sponsorships,
            "title": _("Household %(reference)s") % {"reference": household.reference},
            "back_url": reverse("household-list"),
        },
    )


# --- sponsorships ---------------------------------------------------------------------


def sponsorship_list_filters(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The sponsorship list's filters, as arguments of
    :func:`networks.selectors.sponsorship_list` (the list and its export read them here)."""
    status = request.GET.get("status", "")
    return {
        "search": _search(request),
        "network": _network_filter(request),
        "status": status if status in [*Sponsorship.Status.values, "open"] else "",
        "quiet": request.GET.get("quiet") == "1",
    }


@role_required(*NETWORK_ROLES)
def sponsorship_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = sponsorship_list_filters(request)
    search, network = filters["search"], filters["network"]
    status, quiet = filters["status"], filters["quiet"]
    sponsorships = selectors.sponsorship_list(user=request.user, **filters)
    return render(
        request,
        "networks/sponsorship_list.html",
        {
            "page": paginate(request, sponsorships),
            "search": search,
            "network": network,
            "networks": selectors.network_list(user=request.user),
            "status": status,
            "statuses": Sponsorship.Status.choices,
            "quiet": quiet,
            "query": query_without_page(request),
            "can_export": has_role(request.user, Role.COORDINATOR),
        },
    )


@role_required(*NETWORK_ROLES)
def sponsorship_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose a waiting household and a Pate of the network; the caller decides."""
    network = _network_filter(request)
    if network is None:
        return render(
            request,
            "networks/sponsorship_choose_network.html",
            {"networks": selectors.network_list(user=request.user, active=True)},
        )
    households = selectors.household_list(user=request.user, network=network, waiting=True)
    members = list(selectors.pate_option_list(network=network))
    initial = {"household": request.GET.get("household", "")}
    form = SponsorshipCreateForm(
        request.POST or None, initial=initial, households=households, members=members
    )
    chosen = str(form["household"].value() or "")
    chosen_household = next((h for h in households if str(h.pk) == chosen), None)
    wanted = {lang.pk for lang in chosen_household.languages.all()} if chosen_household else set()
    for member in members:
        member.shared_languages = [  # type: ignore[attr-defined]
            skill for skill in member.volunteer.languages.all() if skill.language_id in wanted
        ]
    if request.method == "POST" and form.is_valid():
        try:
            sponsorship = services.sponsorship_create(
                actor=request.user, network=network, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Sponsorship requested."))
            return redirect("sponsorship-detail", pk=sponsorship.pk)
    return render(
        request,
        "networks/sponsorship_create.html",
        {
            "network": network,
            "form": form,
            "households": households,
            "members": members,
            "chosen_household": chosen,
            "chosen_pate": str(form["pate"].value() or ""),
        },
    )


ACTION_FORMS: dict[str, type[Form]] = {
    "match": MatchForm,
    "trial": TrialForm,
    "details": TrialDetailsForm,
    "end": EndForm,
    "check-in": CheckInForm,
}


def _action_forms(sponsorship: Sponsorship, bound: dict[str, Form] | None = None) -> dict:
    bound = bound or {}
    return {
        "match": bound.get("match") or MatchForm(prefix="match"),
        "trial": bound.get("trial")
        or TrialForm(prefix="trial", initial={"intro_talk_on": sponsorship.intro_talk_on}),
        "details": bound.get("details")
        or TrialDetailsForm(
            prefix="details",
            initial={
                "intro_talk_on": sponsorship.intro_talk_on,
                "first_meeting_on": sponsorship.first_meeting_on,
                "trial_meetings": sponsorship.trial_meetings,
            },
        ),
        "end": bound.get("end") or EndForm(prefix="end"),
        "check_in": bound.get("check-in") or CheckInForm(prefix="check-in"),
    }


def _render_detail(
    request: AuthenticatedHttpRequest,
    sponsorship: Sponsorship,
    bound: dict[str, Form] | None = None,
) -> HttpResponse:
    return render(
        request,
        "networks/sponsorship_detail.html",
        {
            "sponsorship": sponsorship,
            "check_ins": selectors.check_in_list(sponsorship=sponsorship),
            "forms": _action_forms(sponsorship, bound),
            "Status": Sponsorship.Status,
            "trial_min": Sponsorship.TRIAL_MEETINGS_MIN,
        },
        status=400 if bound else 200,
    )


@role_required(*NETWORK_ROLES)
def sponsorship_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sponsorship = get_object_or_404(selectors.sponsorship_list(user=request.user), pk=pk)
    services.sponsorship_viewed(actor=request.user, sponsorship=sponsorship)
    return _render_detail(request, sponsorship)


def _run_action(
    request: AuthenticatedHttpRequest, action: str, target: Sponsorship, data: dict
) -> str:
    """Call the service behind ``action``; return the success message."""
    user = request.user
    if action == "match":
        services.sponsorship_match(actor=user, sponsorship=target, **_compact(data))
        return _("The sponsorship is now matched.")
    if action == "trial":
        services.sponsorship_start_trial(actor=user, sponsorship=target, **_compact(data))
        return _("The trial period has started.")
    if action == "details":
        services.sponsorship_update(actor=user, sponsorship=target, **data)
        return _("Changes saved.")
    if action == "activate":
        services.sponsorship_activate(actor=user, sponsorship=target)
        return _("The sponsorship is now active.")
    if action == "end":
        services.sponsorship_end(actor=user, sponsorship=target, **data)
        return _("The sponsorship has ended.")
    services.check_in_add(actor=user, sponsorship=target, **data)
    return _("Check-in recorded.")


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@require_POST
@role_required(*NETWORK_ROLES)
def sponsorship_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one status action (or record trial details or a check-in) on a sponsorship."""
    sponsorship = get_object_or_404(selectors.sponsorship_list(user=request.user), pk=pk)
    if action == "activate":
        form: Form = Form(request.POST)
    elif action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
    else:
        raise Http404
    valid = form.is_valid()
    data = form_values(form)
    if not valid:
        data = {name: value for name, value in data.items() if value is not None}
    stored, done = run_service(
        lambda: _run_action(request, action, Sponsorship.objects.get(pk=pk), data),
        valid=valid,
        form=form,
    )
    if stored and done is not None:
        messages.success(request, done)
        return redirect("sponsorship-detail", pk=pk)
    if action == "activate":
        for errors in form.errors.values():
            for error in errors:
                # Iterating an ErrorList yields the messages, not ValidationErrors.
                messages.error(request, cast(str, error))
        return redirect("sponsorship-detail", pk=pk)
    return _render_detail(request, sponsorship, {action: form})
