"""The data of the isolation matrix: two centers with one recognisable row of each kind.

Center A ("eigen") is the caller's center; center B ("fremd") holds the same kinds of rows,
every name and reference in B carrying :data:`FOREIGN_MARK`, so that a page or an answer
that shows anything of B can be found by text as well as by id.

:func:`build_world` is meant to run once per test module inside an open transaction
(:func:`world_fixture`); each test then runs in a savepoint on top of it, so a write by an
allowed role is rolled back before the next test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent, Center, Notification, Role, User
from matching.models import MatchingRun
from reports.models import Replay
from requests.models import AllowanceEntry, ClientCapException, InterpreterRequest, Offer
from tests.conftest import Tenant, make_tenant
from tests.factories import DepartmentFactory, MembershipFactory, PlaceFactory, UserFactory
from tests.networks.factories import (
    CheckInFactory,
    HouseholdFactory,
    NetworkFactory,
    NetworkLeadFactory,
    NetworkMemberFactory,
    SponsorshipFactory,
)
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    OfferFactory,
    next_week_at,
)
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import (
    AbsenceFactory,
    ConsentFactory,
    LanguageSkillFactory,
    PledgeSignatureFactory,
    PoliceCertificateFactory,
    TrainingFactory,
    VolunteerFactory,
    WeeklySlotFactory,
)
from volunteers.models import Volunteer

#: In every name and reference of center B; never on a page or in an answer for center A.
FOREIGN_MARK = "Quxfremd"
#: The same for center A (only to tell the two apart in failure messages).
OWN_MARK = "Alphaeigen"

#: The roles of the matrix: the four membership roles, the installation admin, nobody.
ADMIN = "admin"
ANONYMOUS = "anonymous"
MEMBER_ROLES = tuple(Role.values)
ROLES = (*MEMBER_ROLES, ADMIN, ANONYMOUS)


@dataclass
class CenterRows:
    """One center's users and its rows, by the keys the access table names."""

    tenant: Tenant
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def center(self) -> Center:
        return self.tenant.center

    def pk(self, key: str) -> int:
        return int(self.objects[key].pk)

    def user(self, role: str) -> User:
        return self.tenant.users[role]


@dataclass
class World:
    own: CenterRows
    other: CenterRows
    admin: User
    #: A session key per logged-in user id (logged in once for the module).
    sessions: dict[int, str] = field(default_factory=dict)

    def session_of(self, user: User) -> str:
        """The key of a session of ``user``, made on first use (a real login, so the login
        signals ran: the login time the session limits read is stored)."""
        if user.pk not in self.sessions:
            client = Client()
            client.force_login(user)
            self.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return self.sessions[user.pk]


def _center_rows(slug: str, mark: str) -> CenterRows:
    tenant = make_tenant(slug)
    for role, user in tenant.users.items():
        user.first_name, user.last_name = mark, f"{mark}{role.title()}"
        user.save(update_fields=["first_name", "last_name"])
    department = tenant.department
    department.name = f"Gesundheitsamt {mark}"
    department.save(update_fields=["name"])
    place = tenant.place
    place.name = f"Kreishaus {mark}"
    place.save(update_fields=["name"])
    rows = CenterRows(tenant)
    populate(rows.objects, tenant=tenant, slug=slug, mark=mark)
    return rows


def more_rows(rows: CenterRows, *, slug: str, mark: str) -> dict[str, Any]:
    """A second batch of every kind in the same center (with a new volunteer and lead login):
    what another center's pages must not notice."""
    users = dict(rows.tenant.users)
    for role in (Role.VOLUNTEER, Role.NETWORK_LEAD, Role.CASEWORKER):
        user: Any = UserFactory(username=f"{role}-{slug}", first_name=mark, last_name=mark)
        MembershipFactory(
            user=user,
            center=rows.center,
            role=role,
            department=rows.tenant.department if role == Role.CASEWORKER else None,
        )
        users[role] = user
    tenant = Tenant(rows.center, rows.tenant.department, rows.tenant.place, users)
    objects: dict[str, Any] = {}
    populate(objects, tenant=tenant, slug=slug, mark=mark)
    return objects


def populate(o: dict[str, Any], *, tenant: Tenant, slug: str, mark: str) -> None:
    """One row of each kind in ``tenant``'s center, named with ``mark``, into ``o``."""
    center = tenant.center
    department, place = tenant.department, tenant.place
    o["center"], o["department"], o["place"] = center, department, place
    o["department2"] = DepartmentFactory(center=center, name=f"Jugendamt {mark}")
    o["place2"] = PlaceFactory(center=center, name=f"Rathaus {mark}", postcode="61169")

    # The volunteer login of the center is an active interpreter with all the paperwork.
    volunteer = VolunteerFactory(
        center=center,
        user=tenant.users[Role.VOLUNTEER],
        first_name=mark,
        last_name=f"{mark}Dolmetscherin",
        email=f"dolmetscherin.{slug}@example.org",
    )
    o["volunteer"] = volunteer
    o["skill"] = LanguageSkillFactory(volunteer=volunteer, language_id="ar", level="native")
    LanguageSkillFactory(volunteer=volunteer, language_id="de", level="C1")
    weekday = next_week_at().weekday()  # the requests' day
    o["slot"] = WeeklySlotFactory(volunteer=volunteer, weekday=weekday)
    o["absence"] = AbsenceFactory(volunteer=volunteer)
    ConsentFactory(volunteer=volunteer)
    o["certificate"] = PoliceCertificateFactory(volunteer=volunteer)
    o["pledge"] = PledgeSignatureFactory(volunteer=volunteer)
    o["training"] = TrainingFactory(volunteer=volunteer)
    profile: Any = InterpreterProfileFactory(
        volunteer=volunteer, is_active=True, calendar_token=f"kalender-{slug}-secret"
    )
    o["interpreter"] = profile
    # A second interpreter without a login (for the manual offer and exclusions).
    o["interpreter2"] = InterpreterProfileFactory(
        volunteer=VolunteerFactory(
            center=center, first_name=mark, last_name=f"{mark}Sprachmittler"
        ),
        is_active=True,
    )
    second = o["interpreter2"].volunteer
    LanguageSkillFactory(volunteer=second, language_id="ar", level="C1")
    LanguageSkillFactory(volunteer=second, language_id="de", level="C1")
    PledgeSignatureFactory(volunteer=second)
    PoliceCertificateFactory(volunteer=second)
    WeeklySlotFactory(volunteer=second, weekday=weekday)
    o["pending"] = VolunteerFactory(
        center=center,
        first_name=mark,
        last_name=f"{mark}Bewerber",
        status=Volunteer.Status.CONFIRMED,
    )

    network = NetworkFactory(center=center, name=f"Netz {mark}", town=place)
    NetworkLeadFactory(network=network, user=tenant.users[Role.NETWORK_LEAD])
    o["network"] = network
    o["member"] = NetworkMemberFactory(
        network=network,
        volunteer__center=center,
        volunteer__first_name=mark,
        volunteer__last_name=f"{mark}Pate",
    )
    o["pate"] = o["member"].volunteer
    o["household"] = HouseholdFactory(network=network, reference=f"H-{mark}-1")
    o["sponsorship"] = SponsorshipFactory(
        network=network,
        household=HouseholdFactory(network=network, reference=f"H-{mark}-2"),
        pate=o["pate"],
    )
    o["checkin"] = CheckInFactory(sponsorship=o["sponsorship"], note=f"Alles gut {mark}.")

    request_fields = {"center": center, "department": department, "place": place}
    o["request"] = InterpreterRequestFactory(client_ref=f"K-{mark}-1", **request_fields)
    o["offered_request"] = InterpreterRequestFactory(
        client_ref=f"K-{mark}-2", status=InterpreterRequest.Status.OFFERED, **request_fields
    )
    o["offer"] = OfferFactory(request=o["offered_request"], interpreter=profile)
    o["assignment"] = AssignmentFactory(
        request=InterpreterRequestFactory(
            client_ref=f"K-{mark}-3",
            status=InterpreterRequest.Status.ASSIGNED,
            start=timezone.now() + dt.timedelta(days=10),
            end=timezone.now() + dt.timedelta(days=10, hours=1),
            **request_fields,
        ),
        interpreter=profile,
    )
    o["assigned_request"] = o["assignment"].request
    # An appointment that took place yesterday: both sides may confirm it.
    yesterday = timezone.now() - dt.timedelta(days=1)
    o["past_assignment"] = AssignmentFactory(
        request=InterpreterRequestFactory(
            client_ref=f"K-{mark}-4",
            status=InterpreterRequest.Status.ASSIGNED,
            start=yesterday,
            end=yesterday + dt.timedelta(hours=1),
            **request_fields,
        ),
        interpreter=profile,
    )
    o["past_request"] = o["past_assignment"].request
    o["allowance"] = AllowanceEntry.objects.create(
        center=center,
        interpreter=profile,
        assignment=o["assignment"],
        basis=AllowanceEntry.Basis.TOOK_PLACE,
        rule=Center.AllowanceRule.values[0],
        amount=Decimal("20.00"),
        month=timezone.localdate().replace(day=1),
    )
    o["cap_exception"] = ClientCapException.objects.create(
        center=center, client_ref=f"K-{mark}-9", cap=8, reason=f"Reha {mark}"
    )
    o["replay"] = Replay.objects.create(
        center=center, period_from=timezone.localdate(), period_to=timezone.localdate()
    )
    o["run"] = MatchingRun.objects.create(
        center=center, trigger="manual", started_at=timezone.now()
    )
    o["audit"] = AuditEvent.objects.create(
        center=center, action="view", object_type="volunteers.volunteer"
    )
    o["notification"] = Notification.objects.create(
        key=f"matrix-{slug}",
        center=center,
        recipient=tenant.users[Role.VOLUNTEER],
        channel=Notification.Channel.EMAIL,
        event="offer_made",
        subject=f"Angebot {mark}",
        attempts=5,
        error="refused",
        address=f"dolmetscherin.{slug}@example.org",
    )
    o["caseworker_user"] = tenant.users[Role.CASEWORKER]
    o["lead_user"] = tenant.users[Role.NETWORK_LEAD]


def build_world() -> World:
    """Both centers and an installation admin."""
    own = _center_rows("eigen", OWN_MARK)
    other = _center_rows("fremd", FOREIGN_MARK)
    admin: Any = UserFactory(username="admin-matrix", is_superuser=True, is_staff=True)
    assert Offer.objects.filter(status=Offer.Status.PENDING).count() == 2
    world = World(own=own, other=other, admin=admin)
    for rows in (own, other):
        for user in rows.tenant.users.values():
            world.session_of(user)
    world.session_of(admin)
    return world


def world_fixture(django_db_blocker: Any) -> Iterator[World]:
    """Build the world once in a transaction that is rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
