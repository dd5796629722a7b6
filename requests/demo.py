"""Demo data of the request flow: requests in every state for both demo centers.

Runs after the Sprachpool's demo (``seed_demo`` follows INSTALLED_APPS). Each center gets
requests that are open, offered, assigned, completed, cancelled and unfilled, spread over
the coming and the past working days (Europe/Berlin, office hours), for the departments
and places of ``core.demo`` and the languages of the pool. Clients appear only as a
pseudonym (``K-1177``); notes carry no names and no contact data.

What the services accept is made through them: future requests with
:func:`~requests.services.request_create` as the demo caseworker (or the coordinator for
other departments), offers with :func:`~requests.services.offer_create`, the demo
interpreter's accepts with :func:`~requests.services.offer_accept` as the ``volunteer``
login, future cancellations with :func:`~requests.services.request_cancel`. What they
rightly refuse is written directly: appointments in the past (completed with a completed
assignment, unfilled, cancelled) and accepts of interpreters without a login.

The demo login ``volunteer`` (Vera Haddad) has a pending offer, an upcoming assignment,
two completed ones with their allowance and one that ended yesterday and waits for her
Einsatznachweis (and the caseworker's). Each center has a disputed Einsatznachweis for
the coordinator's queue; past appointments are settled through
:mod:`requests.confirmations`, which books the allowance.

Idempotent: a demo request is keyed by center, client reference and start. One that
exists in its planned state is left alone; one whose state changed since (an offer
answered or expired, a request cancelled in the browser) is rebuilt, and demo requests
of earlier days (dates are relative to today) are replaced. Needs the demo logins; without
them (``seed_demo`` with DEBUG off and no ``--with-accounts``) nothing is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from core.choices import LEVEL_ORDER, Mode, Topic
from core.models import Center, Department, Place, User
from requests import confirmations, services
from requests.allowances import travel_km_prefill
from requests.models import (
    AbsenceReason,
    AllowanceEntry,
    Assignment,
    Confirmation,
    InterpreterRequest,
    Offer,
    Priority,
    RequestExclusion,
)
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import InterpreterCandidate, interpreter_candidates

BERLIN = ZoneInfo("Europe/Berlin")
S = InterpreterRequest.Status

#: ``interpreter`` of a plan: the demo login, or the first suitable free one of the pool.
VERA = "vera"
AUTO = "auto"


@dataclass(frozen=True)
class DemoRequest:
    """One planned demo request.

    ``day``: for the future the n-th working day from the first day the lead time allows
    (0 = that day; urgent requests count from today, 1 = the next working day); for the
    past ``-n`` = n working days ago.
    """

    ref: str
    state: str
    day: int
    time: str
    minutes: int
    language: str
    department: str
    topic: str
    mode: str = Mode.IN_PERSON
    place: str | None = None
    min_level: str = "B1"
    minors: bool = False
    gender: str = ""
    priority: str = Priority.NORMAL
    urgency: str = ""
    notes: str = ""
    interpreter: str | None = None
    #: Cancelled requests: the reason (with an interpreter: cancelled after the assignment).
    reason: str = ""
    #: Unfilled requests: an offer that expired before (the interpreter is excluded).
    expired_offer: bool = False
    #: Past appointments with an interpreter: the Einsatznachweis. ``agreed`` (both sides,
    #: completed with its allowance), ``client_absent`` (both: the client did not come),
    #: ``disputed`` (the interpreter reports 30 minutes more), ``interpreter_only`` (waiting
    #: for the department), ``due`` (nobody has confirmed yet).
    proof: str = "agreed"


# fmt: off
W = DemoRequest
WETTERAU = [
    # open
    W("K-1177", S.OPEN, 2, "09:00", 60, "ti", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", gender="f",
      notes="Impfberatung, Mutter mit Säugling."),
    W("K-1204", S.OPEN, 4, "10:30", 90, "prs", "Jugendamt", Topic.CHILD_WELFARE,
      place="Kreishaus Friedberg", min_level="B2", minors=True,
      notes="Hilfeplangespräch, Jugendlicher (15 Jahre)."),
    W("K-1312", S.OPEN, 6, "14:00", 45, "fa", "Sozialamt", Topic.SOCIAL_BENEFITS,
      mode=Mode.PHONE, notes="Rückfragen zum Antrag auf Grundsicherung."),
    W("K-1450", S.OPEN, 9, "08:30", 60, "kmr", "Ausländerbehörde", Topic.RESIDENCE,
      place="Kreisverwaltung Büdingen", notes="Verlängerung der Aufenthaltserlaubnis."),
    W("K-1521", S.OPEN, 3, "13:00", 30, "so", "Gesundheitsamt", Topic.HEALTH,
      mode=Mode.VIDEO, notes="Nachbesprechung eines Befundes."),
    # offered
    W("K-1188", S.OFFERED, 1, "09:00", 60, "ar", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", min_level="C1", minors=True, interpreter=VERA,
      notes="Schuleingangsuntersuchung, Kind 6 Jahre, Mutter kommt mit."),
    W("K-1266", S.OFFERED, 5, "11:00", 60, "tr", "Jobcenter Wetterau", Topic.LABOUR,
      place="Jobcenter Wetterau, Friedberg", min_level="B2", interpreter=AUTO,
      notes="Eingliederungsvereinbarung besprechen."),
    W("K-1391", S.OFFERED, 1, "10:00", 45, "uk", "Sozialamt", Topic.HOUSING,
      mode=Mode.PHONE, priority=Priority.URGENT, interpreter=AUTO,
      urgency="Wohnungsverlust droht, Gespräch muss diese Woche stattfinden."),
    # assigned
    W("K-1203", S.ASSIGNED, 3, "10:30", 60, "uk", "Jobcenter Wetterau", Topic.LABOUR,
      place="Jobcenter Wetterau, Friedberg", min_level="B2", interpreter=VERA,
      notes="Beratung zur Arbeitsaufnahme, Unterlagen bitte mitbringen lassen."),
    W("K-1342", S.ASSIGNED, 2, "13:30", 60, "ar", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", interpreter=AUTO,
      notes="Aufklärungsgespräch vor einer Untersuchung."),
    W("K-1410", S.ASSIGNED, 7, "09:30", 90, "ru", "Augustinerschule Friedberg",
      Topic.EDUCATION, place="Augustinerschule Friedberg", minors=True, interpreter=AUTO,
      notes="Elterngespräch zur Schullaufbahn."),
    # completed
    W("K-1188", S.COMPLETED, -3, "09:00", 60, "ar", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", interpreter=VERA, notes="Erstuntersuchung."),
    W("K-1099", S.COMPLETED, -8, "11:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Kreishaus Friedberg", minors=True, interpreter=VERA,
      notes="Gespräch zur Kita-Betreuung."),
    W("K-1204", S.COMPLETED, -6, "10:00", 60, "prs", "Jugendamt", Topic.CHILD_WELFARE,
      place="Kreishaus Friedberg", minors=True, interpreter=AUTO,
      notes="Erstgespräch im Jugendamt."),
    W("K-1052", S.COMPLETED, -2, "14:00", 45, "tr", "Sozialamt", Topic.SOCIAL_BENEFITS,
      mode=Mode.PHONE, interpreter=AUTO, notes="Bescheid erläutert."),
    W("K-1133", S.COMPLETED, -11, "10:00", 60, "kmr", "Ausländerbehörde", Topic.RESIDENCE,
      place="Kreisverwaltung Büdingen", interpreter=AUTO, proof="client_absent"),
    # ended, the Einsatznachweis not settled yet
    W("K-1452", S.ASSIGNED, -1, "09:00", 60, "ar", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", interpreter=VERA, proof="due",
      notes="Befundbesprechung."),
    W("K-1459", S.ASSIGNED, -2, "13:00", 60, "tr", "Sozialamt", Topic.SOCIAL_BENEFITS,
      place="Kreishaus Friedberg", interpreter=AUTO, proof="disputed",
      notes="Beratung zum Antrag auf Bürgergeld."),
    W("K-1463", S.ASSIGNED, -1, "11:00", 45, "uk", "Jobcenter Wetterau", Topic.LABOUR,
      mode=Mode.PHONE, interpreter=AUTO, proof="interpreter_only"),
    W("K-1266", S.COMPLETED, -12, "11:00", 60, "tr", "Jobcenter Wetterau", Topic.LABOUR,
      place="Jobcenter Wetterau, Friedberg", interpreter=AUTO, notes="Erstberatung."),
    # cancelled
    W("K-1477", S.CANCELLED, 4, "09:00", 60, "ar", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", reason="Termin wurde von der Familie abgesagt."),
    W("K-1302", S.CANCELLED, 8, "10:00", 60, "uk", "Sozialamt", Topic.SOCIAL_BENEFITS,
      place="Kreishaus Friedberg", interpreter=AUTO,
      reason="Antrag zurückgezogen, Gespräch nicht mehr nötig."),
    W("K-1095", S.CANCELLED, -4, "13:00", 60, "ar", "Jobcenter Wetterau", Topic.LABOUR,
      place="Jobcenter Wetterau, Friedberg", reason="Kundin erkrankt, neuer Termin folgt."),
    # unfilled
    W("K-1512", S.UNFILLED, -2, "09:00", 60, "ti", "Gesundheitsamt", Topic.HEALTH,
      place="Gesundheitsamt Friedberg", interpreter=AUTO, expired_offer=True,
      notes="Vorsorgeuntersuchung in der Schwangerschaft."),
    W("K-1380", S.UNFILLED, -5, "15:00", 45, "ur", "Sozialamt", Topic.SOCIAL_BENEFITS,
      mode=Mode.PHONE),
]
HOCHTAUNUS = [
    W("K-2310", S.OPEN, 3, "09:30", 60, "ti", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", minors=True, notes="Hilfeplangespräch."),
    W("K-2344", S.OPEN, 6, "14:00", 60, "fa", "Gesundheitsamt", Topic.HEALTH,
      mode=Mode.VIDEO, notes="Psychosoziale Beratung, Folgetermin."),
    W("K-2291", S.OFFERED, 2, "10:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", minors=True, interpreter=AUTO,
      notes="Elterngespräch, zwei Kinder im Grundschulalter."),
    W("K-2375", S.OFFERED, 5, "11:00", 45, "tr", "Sozialamt", Topic.SOCIAL_BENEFITS,
      mode=Mode.PHONE, interpreter=AUTO, notes="Fragen zum Wohngeldantrag."),
    W("K-2402", S.ASSIGNED, 4, "09:00", 60, "uk", "Humboldtschule Bad Homburg",
      Topic.EDUCATION, place="Humboldtschule Bad Homburg", minors=True, interpreter=AUTO,
      notes="Aufnahmegespräch in der Intensivklasse."),
    W("K-2266", S.ASSIGNED, 8, "13:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", interpreter=AUTO, notes="Beratung zu Hilfen zur Erziehung."),
    W("K-2291", S.COMPLETED, -4, "10:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", minors=True, interpreter=AUTO, notes="Erstkontakt."),
    W("K-2218", S.COMPLETED, -9, "11:30", 60, "ru", "Sozialamt", Topic.SOCIAL_BENEFITS,
      place="Landratsamt Bad Homburg", interpreter=AUTO),
    W("K-2250", S.COMPLETED, -3, "14:00", 45, "prs", "Ausländerbehörde", Topic.RESIDENCE,
      mode=Mode.PHONE, interpreter=AUTO, notes="Termin zur Passbeschaffung erklärt."),
    W("K-2371", S.ASSIGNED, -2, "10:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", interpreter=AUTO, proof="disputed",
      notes="Hilfeplangespräch."),
    W("K-2333", S.CANCELLED, 7, "09:00", 60, "ar", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg", reason="Gespräch verschoben, neuer Termin folgt."),
    W("K-2199", S.CANCELLED, -6, "10:00", 60, "tr", "Gesundheitsamt", Topic.HEALTH,
      place="Landratsamt Bad Homburg", reason="Termin vom Amt abgesagt."),
    W("K-2360", S.UNFILLED, -3, "09:00", 60, "ti", "Jugendamt", Topic.CHILD_WELFARE,
      place="Landratsamt Bad Homburg"),
]
del W
# fmt: on

#: center slug → (coordinator login, caseworker login, planned requests)
PLANS: dict[str, tuple[str, str, list[DemoRequest]]] = {
    "wetteraukreis": ("coordinator", "caseworker", WETTERAU),
    "hochtaunuskreis": ("coordinator2", "caseworker2", HOCHTAUNUS),
}
DEMO_INTERPRETER_USERNAME = "volunteer"


def _shift_working_days(day: dt.date, count: int) -> dt.date:
    """``count`` working days after (``count`` > 0) or before ``day``."""
    step = dt.timedelta(days=1 if count > 0 else -1)
    for _ in range(abs(count)):
        day += step
        while not services.is_working_day(day):
            day += step
    return day


def planned_start(*, center: Center, spec: DemoRequest, today: dt.date) -> dt.datetime:
    """The start of a planned request (aware, Europe/Berlin), relative to ``today``."""
    if spec.day < 0:
        day = _shift_working_days(today, spec.day)
    elif spec.priority != Priority.NORMAL:
        day = _shift_working_days(today, max(spec.day, 1))
    else:
        day = _shift_working_days(services.earliest_start_day(center=center, today=today), spec.day)
    hour, minute = (int(part) for part in spec.time.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


class _Seeder:
    """Builds one center's demo requests (the pool read once, bookings tracked in memory)."""

    def __init__(self, center: Center, coordinator: User, caseworker: User, now: dt.datetime):
        self.center = center
        self.coordinator = coordinator
        self.caseworker = caseworker
        self.now = now
        self.today = timezone.localdate(now)
        self.departments = {d.name: d for d in Department.objects.filter(center=center)}
        self.places = {p.name: p for p in Place.objects.filter(center=center)}
        self.vera = (
            InterpreterProfile.objects.filter(
                volunteer__center=center, volunteer__user__username=DEMO_INTERPRETER_USERNAME
            )
            .select_related("volunteer__user")
            .first()
        )
        self.pool: list[InterpreterCandidate] = []
        self.booked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}

    def load_pool(self, starts: list[dt.datetime]) -> None:
        if not starts:
            return
        self.pool = interpreter_candidates(
            center=self.center,
            start=min(starts) - dt.timedelta(days=1),
            end=max(starts) + dt.timedelta(days=1),
            on=self.today,
        )
        self.booked = {}
        for interpreter_id, start, end in (
            Assignment.objects.holding()
            .filter(interpreter__volunteer__center=self.center)
            .values_list("interpreter_id", "start", "end")
        ):
            self.booked.setdefault(interpreter_id, []).append((start, end))
        for interpreter_id, start, end in Offer.objects.filter(
            interpreter__volunteer__center=self.center, status=Offer.Status.PENDING
        ).values_list("interpreter_id", "request__start", "request__end"):
            self.booked.setdefault(interpreter_id, []).append((start, end))

    # --- choosing an interpreter ----------------------------------------------------------

    def _free(self, interpreter_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        gap = dt.timedelta(minutes=self.center.gap_minutes)
        return all(
            not (s < end + gap and start < e + gap) for s, e in self.booked.get(interpreter_id, [])
        )

    def _book(self, interpreter_id: int, start: dt.datetime, end: dt.datetime) -> None:
        self.booked.setdefault(interpreter_id, []).append((start, end))

    def interpreter_for(
        self, spec: DemoRequest, start: dt.datetime, end: dt.datetime
    ) -> InterpreterProfile | None:
        """The planned interpreter: the demo login, or the first suitable free one."""
        if spec.interpreter == VERA:
            return self.vera
        vera_id = self.vera.pk if self.vera is not None else None

        def suitable(c: InterpreterCandidate) -> bool:
            level = c.languages.get(spec.language)
            return (
                c.id != vera_id
                and level is not None
                and LEVEL_ORDER[level] >= LEVEL_ORDER[spec.min_level]
                and spec.mode in c.modes
                and (c.child_clearance or not spec.minors)
                and (not spec.gender or c.gender == spec.gender)
                and spec.ref not in c.excluded_clients
                and spec.topic not in c.declined_topics
                and self._free(c.id, start, end)
            )

        fits = [c for c in self.pool if suitable(c)]
        available = [c for c in fits if any(s <= start and end <= e for s, e in c.availability)]
        chosen = available or fits
        if not chosen:
            return None
        return InterpreterProfile.objects.select_related("volunteer").get(pk=chosen[0].id)

    # --- one request ----------------------------------------------------------------------

    def actor_for(self, department: Department) -> User:
        caseworker_departments = set(
            self.caseworker.memberships.filter(center=self.center).values_list(
                "department_id", flat=True
            )
        )
        return self.caseworker if department.pk in caseworker_departments else self.coordinator

    def fields(self, spec: DemoRequest, start: dt.datetime) -> dict[str, Any]:
        place = self.places.get(spec.place) if spec.place else None
        values: dict[str, Any] = {
            "department": self.departments[spec.department],
            "language": spec.language,
            "min_level": spec.min_level,
            "start": start,
            "end": start + dt.timedelta(minutes=spec.minutes),
            "mode": spec.mode,
            "topic": spec.topic,
            "minors_involved": spec.minors,
            "gender_preference": spec.gender,
            "client_ref": spec.ref,
            "priority": spec.priority,
            "urgency_reason": spec.urgency,
            "notes": spec.notes,
        }
        if place is not None:
            values["place"] = place
        return values

    def build(self, spec: DemoRequest, start: dt.datetime) -> InterpreterRequest | None:
        """Create one planned request in its state; ``None`` when no interpreter fits."""
        end = start + dt.timedelta(minutes=spec.minutes)
        interpreter = None
        if spec.interpreter is not None:
            interpreter = self.interpreter_for(spec, start, end)
            if interpreter is None:
                return None
            if spec.state != S.UNFILLED:
                self._book(interpreter.pk, start, end)
        department = self.departments[spec.department]
        actor = self.actor_for(department)
        if start <= self.now:
            return self._past(spec, start, actor, interpreter)
        request = services.request_create(actor=actor, now=self.now, **self.fields(spec, start))
        if interpreter is not None and spec.state in (S.OFFERED, S.ASSIGNED, S.CANCELLED):
            offer = services.offer_create(
                request=request,
                interpreter=interpreter,
                actor=self.coordinator,
                source=Offer.Source.COORDINATOR,
                now=self.now,
            )
            if spec.state in (S.ASSIGNED, S.CANCELLED):
                self._accept(offer, request)
        if spec.state == S.CANCELLED:
            request = services.request_cancel(actor=actor, request=request, reason=spec.reason)
        request.refresh_from_db()
        return request

    def _accept(self, offer: Offer, request: InterpreterRequest) -> None:
        """The interpreter says yes: through the service as the login, else as it would."""
        interpreter = offer.interpreter
        user = interpreter.volunteer.user
        if user is not None:
            services.offer_accept(actor=user, offer=offer, now=self.now)
            return
        # Interpreters without a login cannot accept through the service (it checks the
        # actor is the interpreter): the same rows the service would write.
        offer.status, offer.responded_at = Offer.Status.ACCEPTED, self.now
        offer.save(update_fields=["status", "responded_at"])
        self._assignment(request, offer, Assignment.Status.UPCOMING)
        InterpreterRequest.objects.filter(pk=request.pk).update(status=S.ASSIGNED)

    def _assignment(self, request: InterpreterRequest, offer: Offer, status: str) -> Assignment:
        half_gap = dt.timedelta(minutes=self.center.gap_minutes) / 2
        assignment = Assignment(
            request=request,
            interpreter_id=offer.interpreter_id,
            offer=offer,
            start=request.start,
            end=request.end,
            blocked_start=request.start - half_gap,
            blocked_end=request.end + half_gap,
            status=status,
        )
        assignment.full_clean(validate_constraints=False)
        assignment.save()
        return assignment

    def _past(
        self,
        spec: DemoRequest,
        start: dt.datetime,
        actor: User,
        interpreter: InterpreterProfile | None,
    ) -> InterpreterRequest:
        """An appointment in the past, written directly (the services refuse the past)."""
        values = self.fields(spec, start)
        place = values.pop("place", None)
        language = values.pop("language")
        booked = interpreter is not None and spec.state in (S.COMPLETED, S.ASSIGNED)
        request = InterpreterRequest(
            center=self.center,
            created_by=actor,
            language_id=language,
            # Booked ones are completed by their Einsatznachweis below.
            status=S.ASSIGNED if booked else spec.state,
            **values,
        )
        if place is not None:
            request.place = place
            for name in ("street", "postcode", "city", "lat", "lon"):
                setattr(request, name, getattr(place, name))
            request.place_name = place.name
        if spec.state == S.CANCELLED:
            request.cancel_reason = spec.reason
            request.cancelled_at = start - dt.timedelta(days=1)
            request.cancelled_by = actor
        request.full_clean()
        request.save()
        filed = start - dt.timedelta(days=10)
        InterpreterRequest.objects.filter(pk=request.pk).update(created_at=filed)
        if interpreter is not None:
            offer_status = Offer.Status.EXPIRED if spec.expired_offer else Offer.Status.ACCEPTED
            offer = Offer(
                request=request,
                interpreter=interpreter,
                status=offer_status,
                source=Offer.Source.COORDINATOR,
                created_by=self.coordinator,
                expires_at=filed + dt.timedelta(hours=self.center.offer_expiry_hours),
                responded_at=(
                    filed + dt.timedelta(hours=self.center.offer_expiry_hours)
                    if spec.expired_offer
                    else filed + dt.timedelta(hours=3)
                ),
            )
            offer.full_clean(validate_constraints=False)
            offer.save()
            Offer.objects.filter(pk=offer.pk).update(created_at=filed)
            if spec.expired_offer:
                RequestExclusion.objects.create(
                    request=request,
                    interpreter=interpreter,
                    reason=RequestExclusion.Reason.EXPIRED,
                )
            elif booked:
                assignment = self._assignment(request, offer, Assignment.Status.UPCOMING)
                self._einsatznachweis(spec, assignment, actor)
                request.refresh_from_db()
        return request

    def _einsatznachweis(self, spec: DemoRequest, assignment: Assignment, actor: User) -> None:
        """Both sides' confirmations as planned, through the service where a login exists
        (an interpreter without a login: the row the service would store)."""
        if spec.proof == "due":
            return
        took_place = spec.proof != "client_absent"
        reason = "" if took_place else AbsenceReason.CLIENT_ABSENT
        extra = dt.timedelta(minutes=30 if spec.proof == "disputed" else 0)
        times: tuple[dt.datetime | None, dt.datetime | None] = (None, None)
        interpreter_times: tuple[dt.datetime | None, dt.datetime | None] = (None, None)
        if took_place:
            times = (assignment.start, assignment.end)
            interpreter_times = (assignment.start, assignment.end + extra)
        user = assignment.interpreter.volunteer.user
        if user is not None:
            confirmations.confirmation_record(
                actor=user,
                assignment=assignment,
                side=Confirmation.Side.INTERPRETER,
                took_place=took_place,
                actual_start=interpreter_times[0],
                actual_end=interpreter_times[1],
                reason=reason,
                now=self.now,
            )
        else:
            entry = Confirmation(
                assignment=assignment,
                side=Confirmation.Side.INTERPRETER,
                took_place=took_place,
                actual_start=interpreter_times[0],
                actual_end=interpreter_times[1],
                travel_km=travel_km_prefill(assignment=assignment),
                reason=reason,
            )
            entry.full_clean()
            entry.save()
        if spec.proof == "interpreter_only":
            return
        confirmations.confirmation_record(
            actor=actor,
            assignment=assignment,
            side=Confirmation.Side.REQUESTER,
            took_place=took_place,
            actual_start=times[0],
            actual_end=times[1],
            reason=reason,
            now=self.now,
        )


def _in_planned_state(request: InterpreterRequest, spec: DemoRequest, now: dt.datetime) -> bool:
    """Whether an existing demo request still is what the plan makes of it."""
    if request.status != spec.state:
        return False
    if spec.state == S.OFFERED:
        return request.offers.filter(status=Offer.Status.PENDING, expires_at__gt=now).exists()
    if spec.state == S.ASSIGNED:
        status = (
            Assignment.Status.DISPUTED if spec.proof == "disputed" else Assignment.Status.UPCOMING
        )
        return request.assignments.filter(status=status).exists()
    return True


def _seed_center(
    center: Center, coordinator: User, caseworker: User, plan: list[DemoRequest], now: dt.datetime
) -> tuple[int, int]:
    """Create what is missing of one center's plan; return (kept, created)."""
    seeder = _Seeder(center, coordinator, caseworker, now)
    starts = {
        (spec.ref, spec.state, spec.day): planned_start(
            center=center, spec=spec, today=seeder.today
        )
        for spec in plan
    }
    refs = {spec.ref for spec in plan}
    existing = list(InterpreterRequest.objects.filter(center=center, client_ref__in=refs))
    by_key = {(r.client_ref, r.start): r for r in existing}
    keep: set[int] = set()
    todo: list[DemoRequest] = []
    for spec in plan:
        found = by_key.get((spec.ref, starts[(spec.ref, spec.state, spec.day)]))
        if found is not None and found.pk not in keep and _in_planned_state(found, spec, now):
            keep.add(found.pk)
        else:
            todo.append(spec)
    # Demo requests of earlier days, or whose state changed since: rebuilt below.
    stale = [r.pk for r in existing if r.pk not in keep]
    # Allowance entries and corrections protect what they refer to: the newest go first.
    for model, lookup, link in (
        (AllowanceEntry, "assignment__request_id__in", "corrects"),
        (Confirmation, "assignment__request_id__in", "supersedes"),
    ):
        rows = model.objects.filter(**{lookup: stale})
        rows.filter(**{f"{link}__isnull": False}).delete()
        rows.delete()
    Assignment.objects.filter(request_id__in=stale).delete()
    InterpreterRequest.objects.filter(pk__in=stale).delete()
    if not todo:
        return len(keep), 0
    seeder.load_pool(list(starts.values()))
    created = 0
    # Bookings first (they claim interpreters' time), then the rest.
    todo.sort(key=lambda s: (s.interpreter != VERA, s.interpreter is None))
    for spec in todo:
        if seeder.build(spec, starts[(spec.ref, spec.state, spec.day)]) is not None:
            created += 1
    return len(keep), created


@transaction.atomic
def seed(*, with_accounts: bool, stdout: TextIO | None = None) -> dict[str, int]:
    """Create or refresh the demo requests of both demo centers (idempotent).

    :return: center slug → number of demo requests in place.
    """
    now = timezone.now().replace(microsecond=0)
    counts: dict[str, int] = {}
    users = {u.username: u for u in User.objects.filter(username__in=_logins())}
    for slug, (coordinator_name, caseworker_name, plan) in PLANS.items():
        center = Center.objects.filter(slug=slug).first()
        coordinator, caseworker = users.get(coordinator_name), users.get(caseworker_name)
        if center is None or coordinator is None or caseworker is None:
            continue
        kept, created = _seed_center(center, coordinator, caseworker, plan, now)
        counts[slug] = kept + created
    if stdout is not None:
        if counts:
            summary = ", ".join(f"{slug}: {n}" for slug, n in counts.items())
            stdout.write(f"  Requests: {summary}")
        else:
            stdout.write("  Requests: none (they need the demo logins)")
    return counts


def _logins() -> list[str]:
    return [
        name
        for coordinator, caseworker, _plan in PLANS.values()
        for name in (coordinator, caseworker)
    ]
