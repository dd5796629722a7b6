"""Reads of the sponsorship networks, already scoped to the caller.

Coordinators see everything of their centers; a network lead sees only the networks
they lead (with their members, households, sponsorships and check-ins); admins see
all. Everyone else sees nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import Role, User
from core.scoping import has_role
from networks.models import (
    CheckIn,
    Household,
    Network,
    NetworkMember,
    ProposalRejection,
    Sponsorship,
)
from volunteers.models import Volunteer

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _MemberAnnotations(TypedDict):
        has_open_sponsorship: bool

    class _SponsorshipAnnotations(TypedDict):
        last_check_in: date | None
        last_contact: date | None

    #: A network member as ``network_member_list`` returns it.
    AnnotatedMember = WithAnnotations[NetworkMember, _MemberAnnotations]
    #: A sponsorship as ``sponsorship_list`` returns it.
    AnnotatedSponsorship = WithAnnotations[Sponsorship, _SponsorshipAnnotations]

#: A running sponsorship without a check-in for longer than this has gone quiet.
QUIET_AFTER = timedelta(weeks=8)

Status = Sponsorship.Status


def network_list(*, user: Any, search: str = "", active: bool | None = None) -> QuerySet[Network]:
    """Networks the user may see: all of their coordinated centers, plus the ones they lead.

    Each carries ``active_member_count`` (its active Paten), counted in the same query.
    """
    networks = (
        Network.objects.visible_to(user)
        .select_related("center", "town")
        .annotate(
            active_member_count=Count("members", filter=Q(members__active=True), distinct=True)
        )
    )
    if search:
        networks = networks.filter(
            Q(name__icontains=search)
            | Q(district__icontains=search)
            | Q(town__name__icontains=search)
            | Q(description__icontains=search)
        )
    if active is not None:
        networks = networks.filter(is_active=active)
    return networks.order_by("center__name", "name")


def can_manage_network(*, user: Any, network: Network) -> bool:
    """Whether the user coordinates the network's center (create, leads, settings)."""
    return has_role(user, Role.COORDINATOR, center_id=network.center_id)


def network_lead_user_list(*, network: Network) -> QuerySet[User]:
    """The network's leads."""
    return network.leads.order_by("last_name", "first_name", "username")


def lead_candidate_list(*, network: Network) -> QuerySet[User]:
    """Members of the network's center who do not lead it yet."""
    return (
        User.objects.filter(memberships__center=network.center_id, is_active=True)
        .exclude(network_lead_links__network=network)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def network_member_list(
    *, user: Any, network: Network | None = None, search: str = "", active: bool | None = True
) -> QuerySet[AnnotatedMember]:
    """Members (Paten) of the visible networks, with their languages."""
    members = NetworkMember.objects.visible_to(user).select_related(
        "network", "volunteer", "volunteer__home_place"
    )
    if network is not None:
        members = members.filter(network=network)
    if active is not None:
        members = members.filter(active=active)
    if search:
        members = members.filter(
            Q(volunteer__first_name__icontains=search) | Q(volunteer__last_name__icontains=search)
        )
    open_sponsorships = Sponsorship.objects.filter(
        pate=OuterRef("volunteer"), status__in=Sponsorship.OPEN_STATUSES
    )
    return members.annotate(has_open_sponsorship=Exists(open_sponsorships)).prefetch_related(
        "volunteer__languages__language"
    )


def member_candidate_list(*, network: Network) -> QuerySet[Volunteer]:
    """Approved volunteers of the center who are not active members; sponsorship-minded first."""
    from networks.services import PATE_STATUSES

    return (
        Volunteer.objects.filter(center=network.center_id, status__in=PATE_STATUSES)
        .exclude(network_memberships__network=network, network_memberships__active=True)
        .order_by("last_name", "first_name", "id")
    )


def _waiting_households() -> QuerySet[Household]:
    open_sponsorship = Sponsorship.objects.filter(
        household=OuterRef("pk"), status__in=Sponsorship.OPEN_STATUSES
    )
    return Household.objects.filter(is_active=True).exclude(Exists(open_sponsorship))


def household_list(
    *,
    user: Any,
    network: Network | None = None,
    search: str = "",
    waiting: bool | None = None,
    active: bool | None = None,
    need: str = "",
    language: str = "",
) -> QuerySet[Household]:
    """Households of the visible networks; ``waiting`` keeps those still without a Pate."""
    households = Household.objects.visible_to(user)
    if waiting is True:
        households = households.filter(pk__in=_waiting_households().values("pk"))
    elif waiting is False:
        households = households.exclude(pk__in=_waiting_households().values("pk"))
    if network is not None:
        households = households.filter(network=network)
    if active is not None:
        households = households.filter(is_active=active)
    if search:
        households = households.filter(reference__icontains=search)
    if need:
        ids = [h.pk for h in households.only("pk", "needs") if need in (h.needs or [])]
        households = households.filter(pk__in=ids)
    if language:
        households = households.filter(languages=language)
    return (
        households.select_related("network", "town", "center")
        .prefetch_related("languages")
        .order_by("waiting_since", "reference")
        .distinct()
    )


def _with_last_contact(sponsorships: QuerySet[Sponsorship]) -> QuerySet[AnnotatedSponsorship]:
    return sponsorships.annotate(
        last_check_in=Max("check_ins__date"),
    ).annotate(last_contact=Coalesce("last_check_in", "started_on"))


def sponsorship_list(
    *,
    user: Any,
    network: Network | None = None,
    status: str = "",
    quiet: bool = False,
    search: str = "",
    today: date | None = None,
) -> QuerySet[AnnotatedSponsorship]:
    """Sponsorships of the visible networks.

    :param status: one status code, or ``open`` for every not-ended one.
    :param quiet: only running ones (trial, active) without a check-in for more than
        eight weeks, counted from the last check-in or else the start.
    :param search: matches the household's reference or the Pate's name.
    """
    sponsorships = _with_last_contact(Sponsorship.objects.visible_to(user))
    if network is not None:
        sponsorships = sponsorships.filter(network=network)
    if status == "open":
        sponsorships = sponsorships.filter(status__in=Sponsorship.OPEN_STATUSES)
    elif status:
        sponsorships = sponsorships.filter(status=status)
    if quiet:
        sponsorships = _quiet(sponsorships, today=today)
    if search:
        sponsorships = sponsorships.filter(
            Q(household__reference__icontains=search)
            | Q(pate__first_name__icontains=search)
            | Q(pate__last_name__icontains=search)
        )
    return sponsorships.select_related("network", "household", "pate", "network__center").order_by(
        "-created_at", "-id"
    )


def _quiet(
    sponsorships: QuerySet[AnnotatedSponsorship], *, today: date | None
) -> QuerySet[AnnotatedSponsorship]:
    limit = (today or timezone.localdate()) - QUIET_AFTER
    return sponsorships.filter(status__in=Sponsorship.RUNNING_STATUSES).filter(
        Q(last_contact__lt=limit) | Q(last_contact__isnull=True)
    )


def check_in_list(*, sponsorship: Sponsorship) -> QuerySet[CheckIn]:
    """A sponsorship's check-ins, newest first."""
    return sponsorship.check_ins.select_related("created_by").order_by("-date", "-id")


@dataclass
class NetworkDashboard:
    """What a coordinator or network lead sees at a glance for one network."""

    network: Network
    today: date
    waiting: list[Household]
    active: list[AnnotatedSponsorship]
    quiet: list[AnnotatedSponsorship]
    idle_paten: list[AnnotatedMember]
    open_count: int

    @property
    def figures(self) -> dict[str, int]:
        return {
            "waiting": len(self.waiting),
            "active": len(self.active),
            "quiet": len(self.quiet),
            "idle_paten": len(self.idle_paten),
        }


def network_dashboard(
    *, user: Any, network: Network, today: date | None = None
) -> NetworkDashboard:
    """The four lists of a network: households waiting for a Pate (longest first, with days
    waiting), active sponsorships, running sponsorships quiet for more than eight weeks
    (quietest first, with days since the last contact), and Paten without a sponsorship."""
    today = today or timezone.localdate()
    waiting = list(household_list(user=user, network=network, waiting=True))
    for household in waiting:
        household.days_waiting = (today - household.waiting_since).days  # type: ignore[attr-defined]
    base = sponsorship_list(user=user, network=network)
    active = list(base.filter(status=Status.ACTIVE).order_by("started_on", "id"))
    quiet = list(
        sponsorship_list(user=user, network=network, quiet=True, today=today).order_by(
            "last_contact", "id"
        )
    )
    for sponsorship in quiet:
        last = sponsorship.last_contact
        sponsorship.days_quiet = (today - last).days if last else None  # type: ignore[attr-defined]
    idle = list(
        network_member_list(user=user, network=network)
        .filter(has_open_sponsorship=False)
        .order_by("joined_on", "volunteer__last_name")
    )
    return NetworkDashboard(
        network=network,
        today=today,
        waiting=waiting,
        active=active,
        quiet=quiet,
        idle_paten=idle,
        open_count=base.filter(status__in=Sponsorship.OPEN_STATUSES).count(),
    )


def network_figures(*, user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """Per visible network: households waiting, active, quiet, Paten without a sponsorship."""
    today = today or timezone.localdate()
    networks = list(network_list(user=user))
    waiting = Counter(household_list(user=user, waiting=True).values_list("network", flat=True))
    active = Counter(
        sponsorship_list(user=user, status=Status.ACTIVE).values_list("network", flat=True)
    )
    quiet = Counter(
        s.network_id
        for s in sponsorship_list(user=user, quiet=True, today=today).select_related(None)
    )
    idle = Counter(
        network_member_list(user=user)
        .filter(has_open_sponsorship=False)
        .values_list("network", flat=True)
    )
    return [
        {
            "network": network,
            "waiting": waiting[network.pk],
            "active": active[network.pk],
            "quiet": quiet[network.pk],
            "idle_paten": idle[network.pk],
        }
        for network in networks
    ]


def pate_option_list(*, network: Network) -> QuerySet[NetworkMember]:
    """Active members of the network as Paten to choose from, with their languages and
    whether they already have an open sponsorship."""
    open_sponsorships = Sponsorship.objects.filter(
        pate=OuterRef("volunteer"), status__in=Sponsorship.OPEN_STATUSES
    )
    return (
        NetworkMember.objects.filter(network=network, active=True)
        .select_related("volunteer", "volunteer__home_place")
        .prefetch_related("volunteer__languages__language")
        .annotate(has_open_sponsorship=Exists(open_sponsorships))
        .order_by("volunteer__last_name", "volunteer__first_name")
    )


def open_sponsorship_counts(*, volunteer_ids: Iterable[int]) -> dict[int, int]:
    """Open sponsorships per Pate, in every network (a Pate's capacity is their own, not the
    network's); Paten without any are left out."""
    rows = (
        Sponsorship.objects.open()
        .filter(pate_id__in=list(volunteer_ids))
        .values("pate_id")
        .annotate(count=Count("pk"))
        .values_list("pate_id", "count")
    )
    return dict(rows)


def proposal_rejection_list(*, user: Any, network: Network) -> QuerySet[ProposalRejection]:
    """The Pate proposals turned down in a network, newest first."""
    return (
        ProposalRejection.objects.visible_to(user)
        .filter(network=network)
        .select_related("household", "pate", "rejected_by")
        .order_by("-rejected_at", "-id")
    )


def can_work_in_network(*, user: Any, network: Network) -> bool:
    """Whether the user may run the network's daily work (households, sponsorships,
    members, check-ins): its center's coordinators and its own leads."""
    return network_list(user=user).filter(pk=network.pk).exists()


def is_network_user(user: Any) -> bool:
    """Whether the user is a coordinator or network lead anywhere (or an admin)."""
    return has_role(user, Role.COORDINATOR) or has_role(user, Role.NETWORK_LEAD)
