"""Reads of the volunteer registry, already scoped to the caller's centers and role.

Also the two read models other apps build on:

- :func:`availability_windows` / :func:`availability_windows_for`: weekly slots
  (Europe/Berlin wall-clock times) expanded into absolute UTC windows for a date
  range, minus absences, correct across the DST changes.
- :func:`paperwork_status` / :func:`paperwork_status_for`: whether the
  paperwork is in order (pledge, police certificate, extended certificate for
  work with minors, basic course), what is missing and what expires soon.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from core.models import Role, User
from core.scoping import center_ids_for, is_admin
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

Window = tuple[dt.datetime, dt.datetime]

#: Paperwork due within this many days counts as expiring.
EXPIRY_WARNING_DAYS = 60

#: Codes of paperwork items (used in ``PaperworkStatus.missing`` and ``expiring``).
PLEDGE = "pledge"
POLICE_CERTIFICATE = "police_certificate"
EXTENDED_POLICE_CERTIFICATE = "extended_police_certificate"
BASIC_COURSE = "basic_course"
PAPERWORK_CODES = (PLEDGE, POLICE_CERTIFICATE, EXTENDED_POLICE_CERTIFICATE, BASIC_COURSE)


def local_zone() -> ZoneInfo:
    """The wall-clock zone of slots and absences (Europe/Berlin)."""
    return ZoneInfo(settings.TIME_ZONE)


# --------------------------------------------------------------------------- scoped lists


def may_list_volunteers(*, user: User) -> bool:
    """Whether the caller may open the volunteer list at all (coordinators, volunteers)."""
    if not user.is_authenticated:
        return False
    if is_admin(user) or center_ids_for(user, roles=[Role.COORDINATOR]):
        return True
    return Volunteer.objects.filter(user_id=user.pk).exists()


def volunteer_list(
    *,
    user: User,
    search: str = "",
    status: str = "",
    language: str = "",
    place_id: int | None = None,
    interest: str = "",
    paperwork_missing: str = "",
) -> QuerySet[Volunteer]:
    """Volunteers the caller may see, filtered.

    Coordinators see the volunteers of their centers, anyone else only their own
    record (if they have one); admins see all.

    :param search: part of the name, e-mail or phone number.
    :param status: a :class:`Volunteer.Status` value.
    :param language: a language code the volunteer speaks.
    :param place_id: the volunteer's town.
    :param interest: an :class:`~volunteers.models.Interest` value.
    :param paperwork_missing: ``pledge``, ``police_certificate``,
        ``extended_police_certificate`` or ``basic_course``: only those lacking it today.
    """
    volunteers = Volunteer.objects.visible_to(user).select_related("center", "home_place", "user")
    if search:
        text = search.strip()
        condition = (
            Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text)
        )
        parts = text.split()
        if len(parts) == 2:
            condition |= Q(first_name__icontains=parts[0], last_name__icontains=parts[1])
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 4:
            # "0151 234…" (national) and "+49 151 234…" both find "+49151234…".
            if digits.startswith("00"):
                digits = digits[2:]
            elif digits.startswith("0"):
                digits = digits[1:]
            condition |= Q(phone__contains=digits)
        volunteers = volunteers.filter(condition)
    if status:
        volunteers = volunteers.filter(status=status)
    if language:
        volunteers = volunteers.filter(
            Exists(LanguageSkill.objects.filter(volunteer=OuterRef("pk"), language_id=language))
        )
    if place_id:
        volunteers = volunteers.filter(home_place_id=place_id)
    if interest:
        volunteers = volunteers.filter(pk__in=_ids_with_interest(volunteers, interest))
    if paperwork_missing in PAPERWORK_CODES:
        volunteers = volunteers.filter(
            ~Q(pk__in=_ids_having(paperwork_missing, on=timezone.localdate()))
        )
    return volunteers


def _ids_with_interest(volunteers: QuerySet[Volunteer], interest: str) -> list[int]:
    """Ids among ``volunteers`` with an interest (JSON lists are filtered in Python:
    ``__contains`` on JSON is not available on SQLite)."""
    return [
        pk
        for pk, interests in volunteers.values_list("pk", "interests")
        if interest in (interests or [])
    ]


def _valid_certificates(on: dt.date) -> QuerySet[PoliceCertificate]:
    """Certificates current on ``on`` (the rule of :meth:`PoliceCertificate.valid_until_of`)."""
    oldest = PoliceCertificate.earliest_valid_issue(on)
    return PoliceCertificate.objects.filter(issued_on__gte=oldest, issued_on__lte=on)


def _ids_having(code: str, *, on: dt.date) -> QuerySet[Any]:
    """Ids of volunteers whose paperwork item ``code`` is in order on ``on``."""
    if code == PLEDGE:
        return PledgeSignature.objects.filter(signed_on__lte=on).values("volunteer_id")
    if code == BASIC_COURSE:
        return Training.objects.filter(
            kind=Training.Kind.BASIC_COURSE,
            lessons__gte=Training.BASIC_COURSE_LESSONS,
            attended_on__lte=on,
        ).values("volunteer_id")
    current = _valid_certificates(on)
    offending = current.filter(listed_offence=True).values("volunteer_id")
    clean = current.exclude(volunteer_id__in=offending)
    if code == EXTENDED_POLICE_CERTIFICATE:
        clean = clean.filter(kind=PoliceCertificate.Kind.EXTENDED)
    return clean.values("volunteer_id")


def cleared_for_offers_ids(*, on: dt.date | None = None) -> QuerySet[Any]:
    """Ids of the volunteers :attr:`PaperworkStatus.cleared_for_offers` holds for on ``on``
    (today by default), as a subquery: status active, a pledge signed and a clean, current
    police certificate. The same rule as :func:`compute_paperwork_status`, in SQL."""
    on = on or timezone.localdate()
    return (
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
        .filter(pk__in=_ids_having(PLEDGE, on=on))
        .filter(pk__in=_ids_having(POLICE_CERTIFICATE, on=on))
        .values("pk")
    )


def approval_queue(*, user: User) -> QuerySet[Volunteer]:
    """Registrations waiting for a coordinator: e-mail confirmed first, oldest first, then
    unconfirmed ones (a coordinator who met the person may approve those too)."""
    volunteers = Volunteer.objects.for_user(user, roles=[Role.COORDINATOR]).filter(
        status__in=[Volunteer.Status.REGISTERED, Volunteer.Status.CONFIRMED]
    )
    confirmed_first = Case(When(status=Volunteer.Status.CONFIRMED, then=0), default=1)
    return volunteers.select_related("center", "home_place").order_by(
        confirmed_first, "created_at", "pk"
    )


def volunteer_of_user(*, user: User) -> Volunteer | None:
    """The caller's own volunteer record, if any."""
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("center", "home_place").filter(user_id=user.pk).first()


def volunteer_detail(*, volunteer: Volunteer) -> Volunteer:
    """The volunteer with every related row loaded (for detail pages and exports)."""
    return (
        Volunteer.objects.select_related("center", "home_place", "user", "approved_by")
        .prefetch_related(
            "languages__language",
            "weekly_slots",
            "absences",
            "consents",
            "police_certificates__seen_by",
            "pledges",
            "trainings",
        )
        .get(pk=volunteer.pk)
    )


def volunteer_data(*, volunteer: Volunteer) -> dict[str, Any]:
    """Everything stored about a volunteer, as plain JSON-ready data (their right of access).

    The caller audits the export (:func:`volunteers.services.volunteer_export`).
    """
    v = volunteer_detail(volunteer=volunteer)

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": v.pk,
        "center": v.center.name,
        "login": v.user.username if v.user else None,
        "first_name": v.first_name,
        "last_name": v.last_name,
        "email": v.email,
        "phone": v.phone,
        "town": v.home_place.name if v.home_place else None,
        "postcode": v.postcode,
        "home_lat": v.home_lat,
        "home_lon": v.home_lon,
        "interests": list(v.interests or []),
        "status": v.status,
        "confirmed_via": v.confirmed_via,
        "email_confirmed_at": iso(v.email_confirmed_at),
        "approved_at": iso(v.approved_at),
        "status_changed_at": iso(v.status_changed_at),
        "left_at": iso(v.left_at),
        "notes": v.notes,
        "registered_at": iso(v.created_at),
        "changed_at": iso(v.updated_at),
        "languages": [{"language": s.language_id, "level": s.level} for s in v.languages.all()],
        "availability": [
            {
                "weekday": s.weekday,
                "start": s.start_time.strftime("%H:%M"),
                "end": s.end_time.strftime("%H:%M"),
            }
            for s in v.weekly_slots.all()
        ],
        "absences": [
            {"start": iso(a.start_date), "end": iso(a.end_date), "reason": a.reason}
            for a in v.absences.all()
        ],
        "consents": [
            {
                "kind": c.kind,
                "version": c.version,
                "given_at": iso(c.given_at),
                "withdrawn_at": iso(c.withdrawn_at),
            }
            for c in v.consents.all()
        ],
        "police_certificates": [
            {
                "kind": c.kind,
                "issued_on": iso(c.issued_on),
                "seen_on": iso(c.seen_on),
                "seen_by": c.seen_by.display_name if c.seen_by else None,
                "listed_offence": c.listed_offence,
                "valid_until": iso(c.valid_until),
            }
            for c in v.police_certificates.all()
        ],
        "pledges": [{"version": p.version, "signed_on": iso(p.signed_on)} for p in v.pledges.all()],
        "trainings": [
            {
                "kind": t.kind,
                "title": t.title,
                "lessons": t.lessons,
                "attended_on": iso(t.attended_on),
            }
            for t in v.trainings.all()
        ],
    }


# --------------------------------------------------------------------------- availability


def _to_utc(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        raise ValueError("availability windows need aware datetimes")
    return value.astimezone(dt.UTC)


def _day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


def _merge(windows: list[Window]) -> list[Window]:
    """Sorted, with overlapping or touching windows joined."""
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[Window], holes: list[Window]) -> list[Window]:
    """``windows`` minus ``holes`` (both merged and sorted)."""
    result: list[Window] = []
    for start, end in windows:
        pieces = [(start, end)]
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            next_pieces = []
            for p_start, p_end in pieces:
                if hole_end <= p_start or hole_start >= p_end:
                    next_pieces.append((p_start, p_end))
                    continue
                if p_start < hole_start:
                    next_pieces.append((p_start, hole_start))
                if hole_end < p_end:
                    next_pieces.append((hole_end, p_end))
            pieces = next_pieces
        result.extend(pieces)
    return result


def expand_windows(
    *,
    slots: Iterable[tuple[int, dt.time, dt.time]],
    absences: Iterable[tuple[dt.date, dt.date]],
    start: dt.datetime,
    end: dt.datetime,
    zone: ZoneInfo | None = None,
) -> list[Window]:
    """Pure expansion: weekly wall-clock slots into UTC windows in ``[start, end)``,
    minus absences (whole local days, inclusive), merged and sorted.

    Each slot's start and end are placed in local time on each matching date and
    converted separately, so a 09:00–12:00 slot stays 09:00–12:00 local on the
    days the clocks change. A time that does not exist on the spring-forward night
    is read as the later offset; a slot that collapses to nothing is dropped.
    """
    zone = zone or local_zone()
    start_utc, end_utc = _to_utc(start), _to_utc(end)
    if start_utc >= end_utc:
        return []
    slots = list(slots)
    if not slots:
        return []
    first_day = start_utc.astimezone(zone).date()
    last_day = end_utc.astimezone(zone).date()
    by_weekday: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for weekday, slot_start, slot_end in slots:
        by_weekday[weekday].append((slot_start, slot_end))
    windows: list[Window] = []
    day = first_day
    while day <= last_day:
        for slot_start, slot_end in by_weekday.get(day.weekday(), ()):
            w_start = dt.datetime.combine(day, slot_start, tzinfo=zone).astimezone(dt.UTC)
            w_end = dt.datetime.combine(day, slot_end, tzinfo=zone).astimezone(dt.UTC)
            w_start, w_end = max(w_start, start_utc), min(w_end, end_utc)
            if w_start < w_end:
                windows.append((w_start, w_end))
        day += dt.timedelta(days=1)
    holes = _merge(
        [
            (_day_start(a_start, zone), _day_start(a_end + dt.timedelta(days=1), zone))
            for a_start, a_end in absences
        ]
    )
    return _merge(_subtract(_merge(windows), holes))


def _volunteer_ids(volunteers: Iterable[Volunteer | int]) -> list[int]:
    return [v if isinstance(v, int) else v.pk for v in volunteers]


def availability_windows_for(
    *,
    volunteers: Iterable[Volunteer | int],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[int, list[Window]]:
    """:func:`availability_windows` for many volunteers in two queries.

    :param volunteers: volunteers or their ids (a queryset works too).
    :return: volunteer id → merged, sorted UTC windows (an empty list when none).
    """
    ids = _volunteer_ids(volunteers)
    result: dict[int, list[Window]] = {pk: [] for pk in ids}
    if not ids or _to_utc(start) >= _to_utc(end):
        return result
    zone = local_zone()
    slots: dict[int, list[tuple[int, dt.time, dt.time]]] = defaultdict(list)
    for vid, weekday, s_start, s_end in WeeklySlot.objects.filter(volunteer_id__in=ids).values_list(
        "volunteer_id", "weekday", "start_time", "end_time"
    ):
        slots[vid].append((weekday, s_start, s_end))
    first_day = _to_utc(start).astimezone(zone).date()
    last_day = _to_utc(end).astimezone(zone).date()
    absences: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for vid, a_start, a_end in Absence.objects.filter(
        volunteer_id__in=list(slots), start_date__lte=last_day, end_date__gte=first_day
    ).values_list("volunteer_id", "start_date", "end_date"):
        absences[vid].append((a_start, a_end))
    for vid, volunteer_slots in slots.items():
        result[vid] = expand_windows(
            slots=volunteer_slots, absences=absences[vid], start=start, end=end, zone=zone
        )
    return result


def availability_windows(
    *, volunteer: Volunteer | int, start: dt.datetime, end: dt.datetime
) -> list[Window]:
    """When the volunteer is available in ``[start, end)``, as sorted UTC windows.

    Weekly slots are Europe/Berlin wall-clock times; absences remove whole local days.
    E.g. a Sunday 09:00–12:00 slot is 07:00–10:00 UTC on 2026-10-18 (summer time)
    and 08:00–11:00 UTC on 2026-10-25 (after the change).

    :param start: aware datetime (any zone), inclusive.
    :param end: aware datetime, exclusive.
    """
    pk = volunteer if isinstance(volunteer, int) else volunteer.pk
    return availability_windows_for(volunteers=[pk], start=start, end=end)[pk]


# --------------------------------------------------------------------------- paperwork


@dataclass(frozen=True)
class PaperworkStatus:
    """Whether a volunteer's paperwork is in order on a day.

    ``cleared_for_offers``: active, pledge signed and a valid police certificate.
    ``child_clearance``: a current extended certificate (needed where minors are involved).
    ``missing``: codes of what is lacking; ``expiring``: (code, due date) within 60 days.
    """

    on: dt.date
    status: str
    pledge_signed: bool
    pledge_version: str
    police_certificate_valid: bool
    police_certificate_valid_until: dt.date | None
    child_clearance: bool
    extended_certificate_valid_until: dt.date | None
    listed_offence: bool
    basic_course: bool
    cleared_for_offers: bool
    missing: list[str] = field(default_factory=list)
    expiring: list[tuple[str, dt.date]] = field(default_factory=list)

    @property
    def in_order(self) -> bool:
        """Nothing missing among pledge and police certificate, nothing expiring."""
        return self.pledge_signed and self.police_certificate_valid and not self.expiring


def compute_paperwork_status(
    *,
    status: str,
    certificates: Iterable[PoliceCertificate],
    pledges: Iterable[PledgeSignature],
    trainings: Iterable[Training],
    on: dt.date,
) -> PaperworkStatus:
    """Pure rule: the status from the volunteer's rows.

    A certificate counts from its issue date for five years. Any current
    certificate showing a listed offence voids the police and child clearance.
    """
    current = [c for c in certificates if c.issued_on <= on < c.valid_until]
    offence = any(c.listed_offence for c in current)
    police_until = max((c.valid_until for c in current), default=None)
    extended_until = max(
        (c.valid_until for c in current if c.kind == PoliceCertificate.Kind.EXTENDED),
        default=None,
    )
    police_valid = police_until is not None and not offence
    child = extended_until is not None and not offence
    signed = sorted((p for p in pledges if p.signed_on <= on), key=lambda p: p.signed_on)
    basic = any(
        t.kind == Training.Kind.BASIC_COURSE
        and t.lessons >= Training.BASIC_COURSE_LESSONS
        and t.attended_on <= on
        for t in trainings
    )
    missing = []
    if not signed:
        missing.append(PLEDGE)
    if not police_valid:
        missing.append(POLICE_CERTIFICATE)
    if not child:
        missing.append(EXTENDED_POLICE_CERTIFICATE)
    if not basic:
        missing.append(BASIC_COURSE)
    horizon = on + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    expiring: list[tuple[str, dt.date]] = []
    if police_valid and police_until is not None and police_until <= horizon:
        expiring.append((POLICE_CERTIFICATE, police_until))
    if child and extended_until is not None and extended_until <= horizon:
        expiring.append((EXTENDED_POLICE_CERTIFICATE, extended_until))
    return PaperworkStatus(
        on=on,
        status=status,
        pledge_signed=bool(signed),
        pledge_version=signed[-1].version if signed else "",
        police_certificate_valid=police_valid,
        police_certificate_valid_until=police_until if police_valid else None,
        child_clearance=child,
        extended_certificate_valid_until=extended_until if child else None,
        listed_offence=offence,
        basic_course=basic,
        cleared_for_offers=bool(signed) and police_valid and status == Volunteer.Status.ACTIVE,
        missing=missing,
        expiring=expiring,
    )


def paperwork_status_for(
    *, volunteers: Iterable[Volunteer], on: dt.date | None = None
) -> dict[int, PaperworkStatus]:
    """:func:`paperwork_status` for many volunteers in three queries.

    :param volunteers: Volunteer objects (their ``status`` is used), e.g. a queryset.
    :return: volunteer id → status.
    """
    on = on or timezone.localdate()
    people = list(volunteers)
    ids = [v.pk for v in people]
    certificates: dict[int, list[PoliceCertificate]] = defaultdict(list)
    pledges: dict[int, list[PledgeSignature]] = defaultdict(list)
    trainings: dict[int, list[Training]] = defaultdict(list)
    if ids:
        for c in PoliceCertificate.objects.filter(volunteer_id__in=ids):
            certificates[c.volunteer_id].append(c)
        for p in PledgeSignature.objects.filter(volunteer_id__in=ids):
            pledges[p.volunteer_id].append(p)
        for t in Training.objects.filter(volunteer_id__in=ids):
            trainings[t.volunteer_id].append(t)
    return {
        v.pk: compute_paperwork_status(
            status=v.status,
            certificates=certificates[v.pk],
            pledges=pledges[v.pk],
            trainings=trainings[v.pk],
            on=on,
        )
        for v in people
    }


def paperwork_status(*, volunteer: Volunteer, on: dt.date | None = None) -> PaperworkStatus:
    """Whether the volunteer's paperwork is in order on ``on`` (today by default)."""
    return paperwork_status_for(volunteers=[volunteer], on=on)[volunteer.pk]


def paperwork_overview(
    *, user: User, on: dt.date | None = None, code: str = ""
) -> list[tuple[Volunteer, PaperworkStatus]]:
    """Volunteers (approved, active or paused) of the caller's centers whose paperwork
    lacks something they need, or expires within 60 days; soonest due first.

    Everyone needs the pledge and a police certificate; interpreters also the basic
    course. The extended certificate is listed only when asked for with ``code``.
    """
    on = on or timezone.localdate()
    volunteers = list(
        Volunteer.objects.for_user(user, roles=[Role.COORDINATOR])
        .filter(
            status__in=[
                Volunteer.Status.APPROVED,
                Volunteer.Status.ACTIVE,
                Volunteer.Status.PAUSED,
            ]
        )
        .select_related("center", "home_place")
    )
    statuses = paperwork_status_for(volunteers=volunteers, on=on)
    rows = []
    for volunteer in volunteers:
        status = statuses[volunteer.pk]
        needed = needed_paperwork(volunteer=volunteer, status=status)
        if code:
            if code in status.missing or any(c == code for c, _d in status.expiring):
                rows.append((volunteer, status))
        elif needed or status.expiring:
            rows.append((volunteer, status))
    rows.sort(
        key=lambda row: (
            0 if needed_paperwork(volunteer=row[0], status=row[1]) else 1,
            min((due for _code, due in row[1].expiring), default=dt.date.max),
            row[0].last_name,
            row[0].first_name,
            row[0].pk,
        )
    )
    return rows


def needed_paperwork(*, volunteer: Volunteer, status: PaperworkStatus) -> list[str]:
    """The missing items this volunteer needs for what they want to do."""
    needed = [PLEDGE, POLICE_CERTIFICATE]
    if "interpreting" in (volunteer.interests or []):
        needed.append(BASIC_COURSE)
    return [code for code in status.missing if code in needed]


def current_privacy_consent(*, volunteer: Volunteer) -> Consent | None:
    """The latest privacy consent not withdrawn."""
    return (
        volunteer.consents.filter(kind=Consent.Kind.PRIVACY, withdrawn_at__isnull=True)
        .order_by("-given_at")
        .first()
    )
