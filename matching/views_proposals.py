"""Pate proposals of a network, ``/networks/<id>/proposals/``: the engine's advice, which the
coordinator or network lead confirms (a sponsorship in "matched") or rejects with a reason
(never proposed again).

Coordinators of the network's center and its own leads; other roles 403; a network,
household or Pate outside the caller's scope is 404. Confirm and reject each ask first on
a page of their own (GET) and act only on POST; a refusal changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from core.models import Role
from core.web import AuthenticatedHttpRequest, role_required
from matching import sponsorship
from matching.core.sponsorship import PairFacts
from matching.forms import ProposalRejectForm
from networks import selectors as network_selectors
from networks import services as network_services
from networks.models import Household, Network
from volunteers.models import Volunteer
from volunteers.views import confirm_page

NETWORK_ROLES = (Role.COORDINATOR, Role.NETWORK_LEAD)


def _network(request: AuthenticatedHttpRequest, pk: int) -> Network:
    return get_object_or_404(network_selectors.network_list(user=request.user), pk=pk)


def _pair(
    request: AuthenticatedHttpRequest, network: Network, household_pk: int, pate_pk: int
) -> tuple[Household, Volunteer]:
    household = get_object_or_404(
        network_selectors.household_list(user=request.user, network=network), pk=household_pk
    )
    member = get_object_or_404(
        network_selectors.pate_option_list(network=network), volunteer_id=pate_pk
    )
    return household, member.volunteer


def _summary(facts: PairFacts) -> str:
    names = sponsorship.language_names(set(facts.shared_languages))
    parts = [
        _("Shared language: %(languages)s")
        % {
            "languages": ", ".join(sponsorship.language_labels(dict(facts.shared_languages), names))
        },
        _("%(km)s km apart") % {"km": f"{facts.distance_km or 0.0:.1f}"},
    ]
    if facts.covered_needs:
        parts.append(
            _("Interests cover: %(needs)s")
            % {"needs": ", ".join(sponsorship.need_labels(facts.covered_needs))}
        )
    return " · ".join(parts)


def _refused(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@role_required(*NETWORK_ROLES)
def network_proposals(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The network's proposal set, solved now: one Pate per waiting household where the
    rules allow, with reasons and the runner-up; the others with the reasons why not."""
    network = _network(request, pk)
    return render(
        request,
        "matching/proposals.html",
        {
            "network": network,
            "proposals": sponsorship.network_proposals(user=request.user, network=network),
            "rejections": network_selectors.proposal_rejection_list(
                user=request.user, network=network
            )[:20],
        },
    )


@role_required(*NETWORK_ROLES)
def network_proposal_confirm(
    request: AuthenticatedHttpRequest, pk: int, household: int, pate: int
) -> HttpResponse:
    """GET asks (with the pair's reasons), POST creates the sponsorship in "matched"."""
    network = _network(request, pk)
    target, volunteer = _pair(request, network, household, pate)
    back = reverse("network-proposals", args=[network.pk])
    try:
        facts = sponsorship.proposal_pair(
            user=request.user, network=network, household=target, pate=volunteer
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(back)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Confirm %(name)s as Pate for household %(reference)s?")
            % {"name": volunteer.display_name, "reference": target.reference},
            consequences=[
                _summary(facts),
                _(
                    "A sponsorship in the state “matched” is created; "
                    "the next step is the intro talk."
                ),
                _("The household no longer waits; its other proposals are dropped."),
            ],
            button=_("Confirm proposal"),
            back_url=back,
        )
    try:
        created = sponsorship.proposal_confirm(
            actor=request.user, network=network, household=target, pate=volunteer
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("%(name)s is now the Pate of household %(reference)s (matched).")
        % {"name": volunteer.display_name, "reference": target.reference},
    )
    return redirect(f"{back}?confirmed={created.pk}")


@role_required(*NETWORK_ROLES)
def network_proposal_reject(
    request: AuthenticatedHttpRequest, pk: int, household: int, pate: int
) -> HttpResponse:
    """GET shows the form, POST stores the rejection with its reason (required)."""
    network = _network(request, pk)
    target, volunteer = _pair(request, network, household, pate)
    back = reverse("network-proposals", args=[network.pk])
    form = ProposalRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network_services.proposal_reject(
                actor=request.user,
                network=network,
                household=target,
                pate=volunteer,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                _("The proposal of %(name)s for household %(reference)s was rejected.")
                % {"name": volunteer.display_name, "reference": target.reference},
            )
            return redirect(back)
    return render(
        request,
        "matching/proposal_reject.html",
        {
            "network": network,
            "household": target,
            "pate": volunteer,
            "form": form,
            "back_url": back,
        },
        status=400 if request.method == "POST" else 200,
    )
