"""Demo data of the volunteer registry: synthetic volunteers for both demo centers.

Wetteraukreis gets ~120 volunteers, Hochtaunuskreis ~30, spread over the centers'
towns, in every status (most active), with languages at levels across more than
15 languages (many Arabic, Ukrainian, Russian, Turkish, Dari, Kurmanji; few Farsi,
Tigrinya, Somali, Urdu), weekly times, some absences, and paperwork of which some
expires soon. The demo login ``volunteer`` is linked to the active interpreter
"Vera Haddad". All people are invented; e-mail addresses are @example.org.

Idempotent: volunteers are keyed by (center, e-mail); their languages, times,
absences, consents and paperwork are replaced on every run, so counts stay the same.
Dates are relative to today, so the paperwork page always has entries.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.db import transaction
from django.utils import timezone

from core.models import Center, Place, User
from volunteers.models import (
    Absence,
    Consent,
    LanguageSkill,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
    WeeklySlot,
)
from volunteers.privacy import BASIC_COURSE_TITLE, PLEDGE_VERSION, PRIVACY_NOTICE_VERSION

S = Volunteer.Status


@dataclass(frozen=True)
class Origin:
    """A group of demo people: names, mother tongues and likely further languages."""

    key: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    native: tuple[str, ...]
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    german: tuple[str, ...] = ("B1", "B2", "C1", "C1", "C2")


GERMAN = Origin(
    "de",
    (
        "Anna",
        "Lukas",
        "Maria",
        "Jonas",
        "Sabine",
        "Thomas",
        "Julia",
        "Michael",
        "Katrin",
        "Stefan",
        "Ursula",
        "Peter",
        "Claudia",
        "Andreas",
        "Monika",
        "Tobias",
        "Lena",
        "Felix",
        "Birgit",
        "Jürgen",
        "Heike",
        "Matthias",
        "Sophie",
        "Wolfgang",
        "Anja",
        "Markus",
    ),
    (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Schwarz",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hofmann",
        "Hartmann",
        "Lange",
        "Krause",
    ),
    ("de",),
    (
        ("en", ("B1", "B2", "C1", "C2")),
        ("fr", ("A2", "B1", "B2", "C1")),
        ("es", ("A2", "B1", "B2", "C1")),
        ("ru", ("B1", "B2", "C1")),
        ("it", ("A2", "B1", "B2")),
        ("tr", ("A2", "B1")),
        ("ar", ("A2", "B1")),
    ),
)
ORIGINS = {
    "syrian": Origin(
        "syrian",
        (
            "Ahmad",
            "Rania",
            "Mohammed",
            "Lina",
            "Omar",
            "Huda",
            "Yousef",
            "Nour",
            "Khaled",
            "Amal",
            "Samer",
            "Dima",
            "Tarek",
            "Reem",
        ),
        (
            "Al-Hassan",
            "Haddad",
            "Khalil",
            "Nasser",
            "Darwish",
            "Mansour",
            "Saleh",
            "Hamdan",
            "Aziz",
            "Suleiman",
            "Kassem",
            "Issa",
        ),
        ("ar", "apc"),
        (("en", ("B1", "B2", "C1")), ("tr", ("A2", "B1"))),
    ),
    "iraqi": Origin(
        "iraqi",
        ("Ali", "Zainab", "Hussein", "Fatima", "Mustafa", "Maryam"),
        ("Al-Jabouri", "Kadhim", "Hassoun", "Al-Rubaie"),
        ("ar", "acm"),
        (("en", ("B1", "B2")), ("kmr", ("B1", "B2"))),
    ),
    "kurdish": Origin(
        "kurdish",
        ("Rojda", "Dilan", "Baran", "Zozan", "Serhat", "Berfin", "Azad", "Jiyan"),
        ("Kaya", "Aydin", "Demir", "Bozkurt", "Xelîl", "Ehmed"),
        ("kmr",),
        (("tr", ("B2", "C1", "native")), ("ar", ("B1", "B2", "C1"))),
    ),
    "ukrainian": Origin(
        "ukrainian",
        (
            "Olena",
            "Iryna",
            "Oksana",
            "Natalia",
            "Andrii",
            "Tetiana",
            "Yulia",
            "Serhii",
            "Kateryna",
            "Viktoria",
            "Dmytro",
            "Halyna",
        ),
        (
            "Kovalenko",
            "Shevchenko",
            "Bondarenko",
            "Tkachenko",
            "Kravchenko",
            "Melnyk",
            "Boyko",
            "Marchenko",
            "Lysenko",
            "Savchenko",
        ),
        ("uk",),
        (("ru", ("C1", "C2", "native")), ("en", ("A2", "B1", "B2")), ("pl", ("A2", "B1"))),
        ("A2", "B1", "B1", "B2", "C1"),
    ),
    "russian": Origin(
        "russian",
        ("Swetlana", "Alexander", "Irina", "Dmitri", "Jelena", "Waldemar", "Ljudmila"),
        ("Iwanow", "Petrow", "Schmidt", "Becker", "Sokolowa", "Kusnezow", "Wolkow"),
        ("ru",),
        (("uk", ("B1", "B2", "C1")), ("en", ("A2", "B1"))),
        ("C1", "C2", "native"),
    ),
    "turkish": Origin(
        "turkish",
        ("Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Fatma", "Hakan", "Selin", "Murat"),
        ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Arslan", "Doğan", "Koç", "Kurt"),
        ("tr",),
        (("en", ("B1", "B2")), ("kmr", ("A2", "B1"))),
        ("C1", "C2", "native"),
    ),
    "afghan": Origin(
        "afghan",
        (
            "Ahmad",
            "Farida",
            "Mohammad",
            "Zahra",
            "Hamid",
            "Marjan",
            "Sadiq",
            "Nilofar",
            "Jawad",
            "Shabnam",
        ),
        ("Rahimi", "Haidari", "Ahmadi", "Sultani", "Karimi", "Noori", "Wardak", "Sadat"),
        ("prs",),
        (
            ("ps", ("B1", "B2", "native")),
            ("en", ("B1", "B2")),
        ),
    ),
    "iranian": Origin(
        "iranian",
        ("Parisa", "Reza", "Shirin", "Babak"),
        ("Moradi", "Tehrani", "Hosseini", "Jafari"),
        ("fa",),
        (("en", ("B2", "C1")),),
    ),
    "eritrean": Origin(
        "eritrean",
        ("Senait", "Yonas", "Helen", "Mehari"),
        ("Tesfay", "Gebremedhin", "Haile", "Berhane"),
        ("ti",),
        (("am", ("B1", "B2")), ("ar", ("A2", "B1")), ("en", ("B1",))),
    ),
    "somali": Origin(
        "somali",
        ("Hodan", "Abdirahman", "Faadumo", "Mahad"),
        ("Warsame", "Jama", "Abdi", "Farah"),
        ("so",),
        (("ar", ("B1", "B2")), ("en", ("B1", "B2"))),
    ),
    "pakistani": Origin(
        "pakistani",
        ("Ayesha", "Imran", "Sana", "Bilal"),
        ("Qureshi", "Malik", "Chaudhry", "Butt"),
        ("ur",),
        (("en", ("C1", "C2")), ("pa", ("B2", "native")), ("hi", ("B1",))),
    ),
    "polish": Origin(
        "polish",
        ("Agnieszka", "Piotr", "Katarzyna", "Tomasz"),
        ("Kowalski", "Nowak", "Wiśniewska", "Wójcik"),
        ("pl",),
        (("ru", ("B1", "B2")), ("en", ("B1", "B2"))),
        ("B2", "C1", "C2"),
    ),
    "romanian": Origin(
        "romanian",
        ("Ioana", "Andrei", "Elena", "Mihai"),
        ("Popescu", "Ionescu", "Dumitru", "Stan"),
        ("ro",),
        (("it", ("B1", "B2")), ("en", ("B1",))),
    ),
    "balkan": Origin(
        "balkan",
        ("Arben", "Mirela", "Dragan", "Amra", "Besa"),
        ("Hoxha", "Krasniqi", "Petrović", "Hodžić", "Berisha"),
        ("sq", "bs", "sr"),
        (("en", ("B1",)),),
    ),
    "bulgarian": Origin(
        "bulgarian",
        ("Desislava", "Georgi"),
        ("Ivanova", "Dimitrov"),
        ("bg",),
        (("ru", ("B1", "B2")),),
    ),
    "sorani": Origin(
        "sorani",
        ("Shilan", "Karwan"),
        ("Rasul", "Mahmud"),
        ("ckb",),
        (("ar", ("B2", "C1")), ("fa", ("B1", "B2"))),
    ),
    "levant_fr": Origin(
        "levant_fr",
        ("Nadia", "Karim"),
        ("Benali", "Haddou"),
        ("ar", "ary"),
        (("fr", ("C1", "C2")),),
    ),
}

#: How many people of each origin (Wetteraukreis; Hochtaunuskreis gets about a quarter).
WETTERAU_MIX = {
    "de": 40,
    "syrian": 14,
    "iraqi": 4,
    "kurdish": 8,
    "ukrainian": 13,
    "russian": 5,
    "turkish": 9,
    "afghan": 9,
    "iranian": 2,
    "eritrean": 2,
    "somali": 2,
    "pakistani": 2,
    "polish": 2,
    "romanian": 2,
    "balkan": 2,
    "bulgarian": 1,
    "sorani": 1,
    "levant_fr": 1,
}
HOCHTAUNUS_MIX = {
    "de": 10,
    "syrian": 4,
    "ukrainian": 4,
    "russian": 2,
    "turkish": 3,
    "afghan": 3,
    "iranian": 1,
    "eritrean": 1,
    "kurdish": 1,
    "pakistani": 1,
}

#: Status plan (cycled): mostly active.
STATUS_PLAN = [S.ACTIVE] * 15 + [S.PAUSED, S.APPROVED, S.CONFIRMED, S.ACTIVE, S.REGISTERED, S.LEFT]

MOBILE_PREFIXES = ("151", "152", "157", "160", "162", "170", "171", "172", "175", "176", "177")

OTHER_TRAININGS = (
    ("Dolmetschen im Gesundheitswesen", 8),
    ("Rollenklarheit und Neutralität", 6),
    ("Traumasensibler Umgang", 4),
    ("Asyl- und Aufenthaltsrecht kompakt", 6),
)

VERA_EMAIL = "vera.haddad@example.org"


def _ascii(text: str) -> str:
    text = text.replace("ß", "ss").replace("ı", "i")
    normal = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normal if c.isascii() and (c.isalnum() or c in "-")).lower()


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        prefix = rng.choice(MOBILE_PREFIXES)
        digits = 8 if prefix.startswith("15") else rng.choice((7, 8))
        number = f"+49{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
        if number not in used and phonenumbers.is_valid_number(phonenumbers.parse(number)):
            used.add(number)
            return number


#: Men's first names among the demo names; :data:`UNISEX_FIRST_NAMES` are either, every
#: other demo first name is a woman's. The interpreter profiles' gender follows them.
MALE_FIRST_NAMES = frozenset(
    {
        "Abdirahman", "Ahmad", "Alexander", "Ali", "Andreas", "Andrei", "Andrii", "Arben",
        "Azad", "Babak", "Baran", "Bilal", "Dima", "Dmitri", "Dmytro", "Dragan", "Emre",
        "Felix", "Georgi", "Hakan", "Hamid", "Hussein", "Imran", "Jawad", "Jonas", "Jürgen",
        "Karim", "Karwan", "Khaled", "Lukas", "Mahad", "Markus", "Matthias", "Mehari",
        "Mehmet", "Michael", "Mihai", "Mohammad", "Mohammed", "Murat", "Mustafa", "Omar",
        "Peter", "Piotr", "Reza", "Sadiq", "Samer", "Serhat", "Serhii", "Stefan", "Tarek",
        "Thomas", "Tobias", "Tomasz", "Waldemar", "Wolfgang", "Yonas", "Yousef",
    }
)  # fmt: skip
UNISEX_FIRST_NAMES = frozenset({"Nour", "Dilan"})


def demo_gender(first_name: str) -> str:
    """The gender a demo person's first name suggests (``m``, ``f``, or ``""`` when it
    could be either), so the demo never lists a man as female."""
    if first_name in UNISEX_FIRST_NAMES:
        return ""
    return "m" if first_name in MALE_FIRST_NAMES else "f"


def _not_before_version(moment: dt.datetime, version: str) -> dt.datetime:
    """``moment``, or the first day of the month a document ``version`` ("YYYY-MM") came
    out if that is later: no one agrees to a text before it exists."""
    year, month = (int(part) for part in version.split("-")[:2])
    start = dt.datetime(year, month, 1, 10, tzinfo=moment.tzinfo or dt.UTC)
    return max(moment, start)


def _years_ago(today: dt.date, years: int, days: int = 0) -> dt.date:
    try:
        base = today.replace(year=today.year - years)
    except ValueError:
        base = today.replace(year=today.year - years, day=28)
    return base - dt.timedelta(days=days)


def _plan_people(mix: dict[str, int], rng: random.Random) -> list[Origin]:
    people: list[Origin] = []
    for key, count in mix.items():
        origin = GERMAN if key == "de" else ORIGINS[key]
        people.extend([origin] * count)
    rng.shuffle(people)
    return people


def _languages(origin: Origin, rng: random.Random) -> list[tuple[str, str]]:
    natives = [origin.native[0]]
    if len(origin.native) > 1 and rng.random() < 0.5:
        natives.append(rng.choice(origin.native[1:]))
    skills = [(code, "native") for code in natives]
    if origin.key != "de":
        skills.append(("de", rng.choice(origin.german)))
    for code, levels in origin.extra:
        if levels and rng.random() < (0.55 if origin.key == "de" else 0.45):
            skills.append((code, rng.choice(levels)))
        if origin.key == "de" and len(skills) >= 3:
            break
    first: dict[str, str] = {}  # the first level given for each language, in order
    for code, level in skills:
        first.setdefault(code, level)
    return list(first.items())


def _slots(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    slots: list[tuple[int, dt.time, dt.time]] = []
    for day in sorted(rng.sample(range(5), rng.randint(1, 4))):
        start = rng.choice((8, 8, 9, 9, 10, 13, 14))
        end = min(start + rng.choice((2, 3, 3, 4, 8)), 18)
        slots.append(
            (day, dt.time(start, rng.choice((0, 0, 30)) if start < 10 else 0), dt.time(end))
        )
    if rng.random() < 0.2:
        slots.append((rng.choice((1, 3)), dt.time(18), dt.time(20)))
    if rng.random() < 0.15:
        slots.append((5, dt.time(10), dt.time(14)))
    cleaned: list[tuple[int, dt.time, dt.time]] = []
    for slot in sorted(slots):
        if cleaned and cleaned[-1][0] == slot[0] and slot[1] < cleaned[-1][2]:
            continue
        cleaned.append(slot)
    return cleaned


def _interests(origin: Origin, german: str, rng: random.Random, index: int) -> list[str]:
    chosen: set[str] = set()
    german_ok = origin.key != "de" and german in ("B1", "B2", "C1", "C2", "native")
    if german_ok and rng.random() < 0.97:
        chosen.add("interpreting")
    if origin.key == "de" and rng.random() < 0.2:
        chosen.add("interpreting")
    if (origin.key == "de" and rng.random() < 0.8) or (origin.key != "de" and rng.random() < 0.18):
        chosen.add("sponsorship")
    for code, share in (
        ("accompanying", 0.25),
        ("homework", 0.15),
        ("language_cafe", 0.15),
        ("leisure", 0.12),
    ):
        if rng.random() < share:
            chosen.add(code)
    if not chosen:
        chosen.add("other" if index % 3 else "language_cafe")
    order = [
        "interpreting",
        "sponsorship",
        "accompanying",
        "homework",
        "language_cafe",
        "leisure",
        "other",
    ]
    return [c for c in order if c in chosen]


@dataclass
class PersonPlan:
    first: str
    last: str
    email: str
    phone: str
    town: Place
    languages: list[tuple[str, str]]
    interests: list[str]
    status: str
    slots: list[tuple[int, dt.time, dt.time]]


def _plan(center: Center, mix: dict[str, int], seed: int) -> list[PersonPlan]:
    rng = random.Random(seed)
    towns = list(Place.objects.filter(center=center, kind=Place.Kind.TOWN).order_by("name"))
    if not towns:
        return []
    weights = [6 if i < 3 else 2 for i in range(len(towns))]
    used_phones: set[str] = set()
    used_names: set[tuple[str, str]] = set()
    plans = []
    for index, origin in enumerate(_plan_people(mix, rng)):
        for _attempt in range(20):
            first, last = rng.choice(origin.first_names), rng.choice(origin.last_names)
            if (first, last) not in used_names:
                break
        used_names.add((first, last))
        languages = _languages(origin, rng)
        german = dict(languages).get("de", "native")
        plans.append(
            PersonPlan(
                first=first,
                last=last,
                email=f"{_ascii(first)}.{_ascii(last)}.{index + 1}@example.org",
                phone=_phone(rng, used_phones),
                town=rng.choices(towns, weights=weights)[0],
                languages=languages,
                interests=_interests(origin, german, rng, index),
                status=STATUS_PLAN[index % len(STATUS_PLAN)],
                slots=_slots(rng),
            )
        )
    return plans


def _save_volunteer(
    center: Center, plan: PersonPlan, rng: random.Random, today: dt.date, now: dt.datetime
) -> Volunteer:
    registered_days = rng.randint(20, 900)
    status = plan.status
    confirmed = status != S.REGISTERED
    approved = status in (S.APPROVED, S.ACTIVE, S.PAUSED, S.LEFT)
    in_person = confirmed and rng.random() < 0.15
    volunteer, _created = Volunteer.objects.update_or_create(
        center=center,
        email=plan.email,
        defaults={
            "first_name": plan.first,
            "last_name": plan.last,
            "phone": plan.phone,
            "home_place": plan.town,
            "postcode": plan.town.postcode,
            "home_lat": round(plan.town.lat + rng.uniform(-0.015, 0.015), 5),
            "home_lon": round(plan.town.lon + rng.uniform(-0.02, 0.02), 5),
            "interests": plan.interests,
            "status": status,
            "confirmed_via": (
                Volunteer.ConfirmedVia.IN_PERSON
                if in_person
                else Volunteer.ConfirmedVia.EMAIL
                if confirmed
                else ""
            ),
            "email_confirmed_at": (
                now - dt.timedelta(days=registered_days - 1)
                if confirmed and not in_person
                else None
            ),
            "approved_at": now - dt.timedelta(days=max(registered_days - 14, 1))
            if approved
            else None,
            "status_changed_at": now - dt.timedelta(days=rng.randint(1, min(registered_days, 60))),
            "left_at": now - dt.timedelta(days=rng.randint(5, 60)) if status == S.LEFT else None,
        },
    )
    # Registered before everything that follows (auto_now_add would say "today").
    registered_at = now - dt.timedelta(days=registered_days)
    Volunteer.objects.filter(pk=volunteer.pk).update(created_at=registered_at)
    volunteer.created_at = registered_at
    return volunteer


def _replace_parts(
    volunteer: Volunteer,
    plan: PersonPlan,
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    index: int,
    rows: list[Any],
) -> None:
    """Languages, times, absences, consent and paperwork (collected into ``rows``)."""
    rows.extend(
        LanguageSkill(volunteer=volunteer, language_id=code, level=level)
        for code, level in plan.languages
    )
    rows.extend(
        WeeklySlot(volunteer=volunteer, weekday=d, start_time=s, end_time=e)
        for d, s, e in plan.slots
    )
    rows.append(
        Consent(
            volunteer=volunteer,
            kind=Consent.Kind.PRIVACY,
            version=PRIVACY_NOTICE_VERSION,
            # At registration, or when the current notice came out (agreed to again).
            given_at=min(_not_before_version(volunteer.created_at, PRIVACY_NOTICE_VERSION), now),
        )
    )
    if index % 13 == 5:
        start = today + dt.timedelta(days=rng.randint(3, 40))
        rows.append(
            Absence(
                volunteer=volunteer,
                start_date=start,
                end_date=start + dt.timedelta(days=rng.randint(4, 20)),
                reason=Absence.Reason.HOLIDAY,
            )
        )
    elif index % 29 == 7:
        start = today - dt.timedelta(days=rng.randint(0, 3))
        rows.append(
            Absence(
                volunteer=volunteer,
                start_date=start,
                end_date=start + dt.timedelta(days=rng.randint(3, 10)),
                reason=Absence.Reason.ILLNESS,
            )
        )
    if volunteer.status not in (S.APPROVED, S.ACTIVE, S.PAUSED, S.LEFT):
        return
    interpreting = "interpreting" in plan.interests
    sponsoring = "sponsorship" in plan.interests
    if interpreting or sponsoring or rng.random() < 0.6:
        rows.append(
            PledgeSignature(
                volunteer=volunteer,
                version=PLEDGE_VERSION,
                signed_on=min(
                    _not_before_version(
                        volunteer.approved_at or volunteer.created_at, PLEDGE_VERSION
                    ).date()
                    + dt.timedelta(days=rng.randint(0, 20)),
                    today,
                ),
            )
        )
    if index % 17 == 3 and not (interpreting and index % 34 != 3):
        return  # certificate still missing
    # Certificate age: a few due soon or lapsed, most current.
    if index % 11 == 2:
        issued = _years_ago(today, 5, days=-rng.randint(5, 55))  # due within 60 days
    elif index % 31 == 9:
        issued = _years_ago(today, 5, days=rng.randint(10, 90))  # lapsed
    else:
        issued = today - dt.timedelta(days=rng.randint(20, 4 * 365))
    extended = sponsoring or (interpreting and rng.random() < 0.35)
    rows.append(
        PoliceCertificate(
            volunteer=volunteer,
            kind=PoliceCertificate.Kind.EXTENDED if extended else PoliceCertificate.Kind.STANDARD,
            issued_on=issued,
            seen_on=issued + dt.timedelta(days=rng.randint(3, 60)),
            listed_offence=False,
        )
    )
    if interpreting and index % 9 != 4:
        rows.append(
            Training(
                volunteer=volunteer,
                kind=Training.Kind.BASIC_COURSE,
                title=BASIC_COURSE_TITLE,
                lessons=Training.BASIC_COURSE_LESSONS,
                attended_on=today - dt.timedelta(days=rng.randint(30, 800)),
            )
        )
        if rng.random() < 0.3:
            title, lessons = rng.choice(OTHER_TRAININGS)
            rows.append(
                Training(
                    volunteer=volunteer,
                    kind=Training.Kind.OTHER,
                    title=title,
                    lessons=lessons,
                    attended_on=today - dt.timedelta(days=rng.randint(10, 500)),
                )
            )


def _seed_center(center: Center, mix: dict[str, int], seed: int) -> int:
    today = timezone.localdate()
    now = timezone.now().replace(microsecond=0)
    plans = _plan(center, mix, seed)
    rng = random.Random(seed * 7 + 1)
    rows: list[Any] = []
    ids = []
    for index, plan in enumerate(plans):
        volunteer = _save_volunteer(center, plan, rng, today, now)
        ids.append(volunteer.pk)
        _replace_parts(volunteer, plan, rng, today, now, index, rows)
    _replace_rows(ids, rows)
    return len(plans)


PART_MODELS = (
    LanguageSkill,
    WeeklySlot,
    Absence,
    Consent,
    PoliceCertificate,
    PledgeSignature,
    Training,
)


def _replace_rows(volunteer_ids: list[int], rows: list[Any]) -> None:
    """Delete the volunteers' parts and insert the new ones, one statement per model."""
    for model in PART_MODELS:
        model.objects.filter(volunteer_id__in=volunteer_ids).delete()
        # ``type(row) is model`` narrows to the union of all part models, not to ``model``.
        own: list[Any] = [row for row in rows if type(row) is model]
        model.objects.bulk_create(own)


def _seed_vera(center: Center, *, with_accounts: bool) -> Volunteer:
    """The demo login ``volunteer``: an active interpreter with Arabic and Ukrainian."""
    today = timezone.localdate()
    now = timezone.now().replace(microsecond=0)
    town = (
        Place.objects.filter(center=center, kind=Place.Kind.TOWN, name__startswith="Friedberg")
        .order_by("name")
        .first()
        or Place.objects.filter(center=center, kind=Place.Kind.TOWN).order_by("name").first()
    )
    user = User.objects.filter(username="volunteer").first() if with_accounts else None
    defaults: dict[str, Any] = {
        "first_name": "Vera",
        "last_name": "Haddad",
        "phone": "+4915112345678",
        "home_place": town,
        "postcode": town.postcode if town else "",
        "home_lat": round(town.lat + 0.004, 5) if town else None,
        "home_lon": round(town.lon - 0.006, 5) if town else None,
        "interests": ["interpreting", "accompanying"],
        "status": S.ACTIVE,
        "confirmed_via": Volunteer.ConfirmedVia.EMAIL,
        "email_confirmed_at": now - dt.timedelta(days=400),
        "approved_at": now - dt.timedelta(days=390),
        "status_changed_at": now - dt.timedelta(days=380),
    }
    if user is not None:
        Volunteer.objects.filter(user=user).exclude(center=center, email=VERA_EMAIL).update(
            user=None
        )
        defaults["user"] = user
    vera, _created = Volunteer.objects.update_or_create(
        center=center, email=VERA_EMAIL, defaults=defaults
    )
    Volunteer.objects.filter(pk=vera.pk).update(created_at=now - dt.timedelta(days=401))
    for related in (
        vera.languages,
        vera.weekly_slots,
        vera.absences,
        vera.consents,
        vera.police_certificates,
        vera.pledges,
        vera.trainings,
    ):
        related.all().delete()
    LanguageSkill.objects.bulk_create(
        [
            LanguageSkill(volunteer=vera, language_id="ar", level="native"),
            LanguageSkill(volunteer=vera, language_id="uk", level="C1"),
            LanguageSkill(volunteer=vera, language_id="de", level="C1"),
        ]
    )
    WeeklySlot.objects.bulk_create(
        WeeklySlot(volunteer=vera, weekday=day, start_time=dt.time(8), end_time=dt.time(13))
        for day in range(5)
    )
    WeeklySlot.objects.create(
        volunteer=vera, weekday=2, start_time=dt.time(14), end_time=dt.time(17)
    )
    Consent.objects.create(
        volunteer=vera,
        kind=Consent.Kind.PRIVACY,
        version=PRIVACY_NOTICE_VERSION,
        # Agreed again when the current notice came out.
        given_at=min(
            _not_before_version(now - dt.timedelta(days=401), PRIVACY_NOTICE_VERSION), now
        ),
    )
    PledgeSignature.objects.create(
        volunteer=vera,
        version=PLEDGE_VERSION,
        signed_on=min(
            _not_before_version(now - dt.timedelta(days=385), PLEDGE_VERSION).date(), today
        ),
    )
    issued = today - dt.timedelta(days=420)
    PoliceCertificate.objects.create(
        volunteer=vera,
        kind=PoliceCertificate.Kind.EXTENDED,
        issued_on=issued,
        seen_on=issued + dt.timedelta(days=21),
        listed_offence=False,
    )
    Training.objects.create(
        volunteer=vera,
        kind=Training.Kind.BASIC_COURSE,
        title=BASIC_COURSE_TITLE,
        lessons=Training.BASIC_COURSE_LESSONS,
        attended_on=today - dt.timedelta(days=360),
    )
    return vera


@transaction.atomic
def seed(*, with_accounts: bool, stdout: Any = None) -> dict[str, int]:
    """Create or update the demo volunteers of both demo centers (idempotent)."""
    counts: dict[str, int] = {}
    for slug, mix, seed_value in (
        ("wetteraukreis", WETTERAU_MIX, 2026),
        ("hochtaunuskreis", HOCHTAUNUS_MIX, 6142),
    ):
        center = Center.objects.filter(slug=slug).first()
        if center is None:
            continue
        counts[slug] = _seed_center(center, mix, seed_value)
        if slug == "wetteraukreis":
            _seed_vera(center, with_accounts=with_accounts)
            counts[slug] += 1
    if stdout is not None:
        summary = ", ".join(f"{slug}: {n}" for slug, n in counts.items())
        stdout.write(f"Volunteers: {summary}")
    return counts
