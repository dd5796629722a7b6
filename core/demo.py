"""Demo data of the core: two real centers with their towns, offices, departments and logins.

Idempotent: rows are looked up by natural keys and updated, never duplicated.
Called by ``manage.py seed_demo``; later apps add their own ``demo.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from core.models import Center, Department, Membership, Place, Role, User
from core.scoping import forget_memberships

DEMO_PASSWORD = "demo"
#: Every demo login (of any app) has an address at this domain; ``demo_logins`` finds them by it.
DEMO_EMAIL_DOMAIN = "demo.example"


@dataclass(frozen=True)
class DemoTown:
    name: str
    postcode: str
    lat: float
    lon: float


WETTERAU_TOWNS = [
    DemoTown("Friedberg (Hessen)", "61169", 50.3353, 8.7550),
    DemoTown("Bad Nauheim", "61231", 50.3667, 8.7500),
    DemoTown("Butzbach", "35510", 50.4350, 8.6700),
    DemoTown("Büdingen", "63654", 50.2906, 9.1123),
    DemoTown("Bad Vilbel", "61118", 50.1781, 8.7361),
    DemoTown("Karben", "61184", 50.2322, 8.7706),
    DemoTown("Nidda", "63667", 50.4131, 9.0064),
    DemoTown("Altenstadt", "63674", 50.2859, 8.9452),
    DemoTown("Rosbach v. d. Höhe", "61191", 50.3015, 8.7005),
    DemoTown("Ortenberg", "63683", 50.3558, 9.0556),
    DemoTown("Gedern", "63688", 50.4247, 9.1983),
    DemoTown("Florstadt", "61197", 50.3158, 8.8631),
    DemoTown("Niddatal", "61194", 50.2833, 8.8167),
    DemoTown("Wölfersheim", "61200", 50.4000, 8.8167),
]

HOCHTAUNUS_TOWNS = [
    DemoTown("Bad Homburg v. d. Höhe", "61348", 50.2268, 8.6182),
    DemoTown("Oberursel (Taunus)", "61440", 50.2028, 8.5769),
    DemoTown("Usingen", "61250", 50.3358, 8.5353),
    DemoTown("Königstein im Taunus", "61462", 50.1794, 8.4719),
    DemoTown("Friedrichsdorf", "61381", 50.2494, 8.6419),
    DemoTown("Kronberg im Taunus", "61476", 50.1797, 8.5085),
    DemoTown("Neu-Anspach", "61267", 50.3167, 8.5000),
    DemoTown("Steinbach (Taunus)", "61449", 50.1667, 8.5667),
    DemoTown("Wehrheim", "61273", 50.3000, 8.5667),
]

# name, kind, street, postcode, city, lat, lon
WETTERAU_OFFICES = [
    (
        "Kreishaus Friedberg",
        "office",
        "Europaplatz",
        "61169",
        "Friedberg (Hessen)",
        50.3356,
        8.7555,
    ),
    (
        "Gesundheitsamt Friedberg",
        "office",
        "Europaplatz",
        "61169",
        "Friedberg (Hessen)",
        50.3359,
        8.7560,
    ),
    (
        "Jobcenter Wetterau, Friedberg",
        "office",
        "Leonhardstraße 12",
        "61169",
        "Friedberg (Hessen)",
        50.3398,
        8.7521,
    ),
    (
        "Kreisverwaltung Büdingen",
        "office",
        "Berliner Straße 12",
        "63654",
        "Büdingen",
        50.2931,
        9.1095,
    ),
    (
        "Augustinerschule Friedberg",
        "school",
        "Augustinergasse 1",
        "61169",
        "Friedberg (Hessen)",
        50.3371,
        8.7531,
    ),
]
HOCHTAUNUS_OFFICES = [
    (
        "Landratsamt Bad Homburg",
        "office",
        "Ludwig-Erhard-Anlage 1-5",
        "61352",
        "Bad Homburg v. d. Höhe",
        50.2199,
        8.6263,
    ),
    (
        "Jobcenter Hochtaunus, Bad Homburg",
        "office",
        "Ludwigstraße 21",
        "61348",
        "Bad Homburg v. d. Höhe",
        50.2256,
        8.6160,
    ),
    (
        "Humboldtschule Bad Homburg",
        "school",
        "Jacobistraße 37",
        "61348",
        "Bad Homburg v. d. Höhe",
        50.2235,
        8.6125,
    ),
]

# name, kind, cost centre
WETTERAU_DEPARTMENTS = [
    ("Jugendamt", "youth_office", "WK-51"),
    ("Sozialamt", "social_office", "WK-50"),
    ("Gesundheitsamt", "health_office", "WK-53"),
    ("Ausländerbehörde", "immigration_office", "WK-33"),
    ("Jobcenter Wetterau", "job_centre", "JC-WK"),
    ("Augustinerschule Friedberg", "school", "S-AUG"),
]
HOCHTAUNUS_DEPARTMENTS = [
    ("Jugendamt", "youth_office", "HT-51"),
    ("Sozialamt", "social_office", "HT-50"),
    ("Gesundheitsamt", "health_office", "HT-53"),
    ("Ausländerbehörde", "immigration_office", "HT-33"),
    ("Jobcenter Hochtaunus", "job_centre", "JC-HT"),
    ("Humboldtschule Bad Homburg", "school", "S-HUM"),
]

# username, first, last, center slug, role, department name
DEMO_ACCOUNTS = [
    ("coordinator", "Clara", "Becker", "wetteraukreis", Role.COORDINATOR, None),
    ("caseworker", "Kai", "Schneider", "wetteraukreis", Role.CASEWORKER, "Gesundheitsamt"),
    ("volunteer", "Vera", "Haddad", "wetteraukreis", Role.VOLUNTEER, None),
    ("coordinator2", "Constantin", "Wagner", "hochtaunuskreis", Role.COORDINATOR, None),
    ("caseworker2", "Katrin", "Hoffmann", "hochtaunuskreis", Role.CASEWORKER, "Jugendamt"),
]


def _seed_center(
    *,
    slug: str,
    name: str,
    county: str,
    towns: list[DemoTown],
    offices: list[tuple[str, str, str, str, str, float, float]],
    departments: list[tuple[str, str, str]],
    defaults: dict[str, object],
) -> Center:
    center, _ = Center.objects.update_or_create(
        slug=slug, defaults={"name": name, "county": county, **defaults}
    )
    for town in towns:
        Place.objects.update_or_create(
            center=center,
            name=town.name,
            defaults={
                "kind": Place.Kind.TOWN,
                "postcode": town.postcode,
                "city": town.name,
                "lat": town.lat,
                "lon": town.lon,
            },
        )
    for office_name, kind, street, postcode, city, lat, lon in offices:
        Place.objects.update_or_create(
            center=center,
            name=office_name,
            defaults={
                "kind": kind,
                "street": street,
                "postcode": postcode,
                "city": city,
                "lat": lat,
                "lon": lon,
            },
        )
    for dept_name, kind, cost_centre in departments:
        Department.objects.update_or_create(
            center=center, name=dept_name, defaults={"kind": kind, "cost_centre": cost_centre}
        )
    return center


@transaction.atomic
def seed(*, with_accounts: bool) -> dict[str, Center]:
    """Create or update both demo centers; the logins only when ``with_accounts``."""
    wetterau = _seed_center(
        slug="wetteraukreis",
        name="WIR-Vielfaltszentrum Wetteraukreis",
        county="Wetteraukreis",
        towns=WETTERAU_TOWNS,
        offices=WETTERAU_OFFICES,
        departments=WETTERAU_DEPARTMENTS,
        defaults={
            "email": "wir@wetteraukreis.example",
            "min_lead_working_days": 3,
            "offer_expiry_hours": 24,
            "gap_minutes": 30,
            "excluded_topics": ["court", "police", "bamf"],
            "allowance_rule": Center.AllowanceRule.FLAT_PER_CLIENT,
        },
    )
    hochtaunus = _seed_center(
        slug="hochtaunuskreis",
        name="WIR-Vielfaltszentrum Hochtaunuskreis",
        county="Hochtaunuskreis",
        towns=HOCHTAUNUS_TOWNS,
        offices=HOCHTAUNUS_OFFICES,
        departments=HOCHTAUNUS_DEPARTMENTS,
        defaults={
            "email": "wir@hochtaunuskreis.example",
            "min_lead_working_days": 2,
            "offer_expiry_hours": 12,
            "gap_minutes": 45,
            "excluded_topics": ["court", "police", "bamf", "labour"],
            "relay_contact": True,
            "relay_phone": "+4961722990",
            "allowance_rule": Center.AllowanceRule.HOURLY,
        },
    )
    centers = {c.slug: c for c in (wetterau, hochtaunus)}
    if with_accounts:
        _seed_accounts(centers)
    return centers


def _seed_accounts(centers: dict[str, Center]) -> None:
    for username, first, last, slug, role, dept_name in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        center = centers[slug]
        department = Department.objects.get(center=center, name=dept_name) if dept_name else None
        Membership.objects.update_or_create(
            user=user, center=center, role=role, defaults={"department": department}
        )
        forget_memberships(user)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, where) of every demo login any app created, one row per membership.

    Read from the database, so the logins an app above the core adds (e.g. the network
    lead) are listed together with the core's, in one place.
    """
    role_order = list(Role.values)
    memberships = Membership.objects.filter(
        user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    ).select_related("user", "center", "department")
    rows = sorted(
        memberships,
        key=lambda m: (m.center.name, role_order.index(m.role), m.user.username),
    )
    logins = []
    for membership in rows:
        where = membership.center.slug
        if membership.department is not None:
            where = f"{where}, {membership.department.name}"
        logins.append((membership.user.username, str(membership.role), where))
    return logins
