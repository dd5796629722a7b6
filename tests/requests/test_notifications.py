"""The messages of the request flow: every event gives exactly the expected messages on the
expected channels, once, also when its task runs twice or is retried after a failed send;
channel choice, quiet hours, language, and no client reference or street where none belongs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.messaging import messages_retry
from core.models import Notification, User
from core.sms import MemorySmsBackend
from requests import notifications, tasks
from requests.models import Assignment, Confirmation, InterpreterRequest, Offer, Priority
from tests.conftest import Tenant
from tests.factories import UserFactory
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    OfferFactory,
    next_week_at,
)
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

MOBILE = "+4915112345678"
NO_QUIET = {"quiet_from": dt.time(0), "quiet_until": dt.time(0)}


class Scene:
    """A request of the tenant's caseworker and an interpreter with a login."""

    def __init__(self, tenant: Tenant, **volunteer: Any) -> None:
        self.tenant = tenant
        self.caseworker: User = tenant.users["caseworker"]
        self.coordinator: User = tenant.users["coordinator"]
        fields = {
            "center": tenant.center,
            "user": UserFactory(),
            "phone": MOBILE,
            "email_confirmed_at": timezone.now(),
            "notify_by": Volunteer.NotifyBy.BOTH,
            **NO_QUIET,
            **volunteer,
        }
        self.volunteer = VolunteerFactory(**fields)
        self.profile = InterpreterProfileFactory(volunteer=self.volunteer, is_active=True)
        self.interpreter: User = self.volunteer.user
        self.booked = 0

    def request(self, **fields: Any) -> InterpreterRequest:
        values = {
            "center": self.tenant.center,
            "department": self.tenant.department,
            "created_by": self.caseworker,
            **fields,
        }
        return InterpreterRequestFactory(**values)

    def offer(self, **request: Any) -> Offer:
        return OfferFactory(
            request=self.request(status="offered", **request), interpreter=self.profile
        )

    def assignment(self, **request: Any) -> Assignment:
        if "start" not in request:  # one interpreter: a day of its own for each assignment
            self.booked += 1
            request["start"] = next_week_at(days=7 + self.booked)
            request["end"] = request["start"] + dt.timedelta(hours=1)
        return AssignmentFactory(
            request=self.request(status="assigned", **request), interpreter=self.profile
        )

    def who(self, user_id: int | None) -> str:
        names = {
            self.interpreter.pk: "interpreter",
            self.caseworker.pk: "caseworker",
            self.coordinator.pk: "coordinator",
        }
        return names.get(user_id, "?") if user_id is not None else "address"


@pytest.fixture
def scene(tenant: Tenant) -> Scene:
    return Scene(tenant)


def sent(scene: Scene) -> list[tuple[str, str, str]]:
    """(event, recipient, channel) of every message that went out or was stored in-app."""
    rows = Notification.objects.filter(sent_at__isnull=False).order_by("event", "channel", "pk")
    return sorted((row.event, scene.who(row.recipient_id), row.channel) for row in rows)


def assert_outboxes_match(scene: Scene) -> None:
    """Every e-mail and SMS went out exactly as often as its row says: once."""
    rows = Notification.objects.filter(sent_at__isnull=False)
    assert len(mail.outbox) == rows.filter(channel="email").count()
    assert len(MemorySmsBackend.outbox) == rows.filter(channel="sms").count()


def _confirmation_due(scene: Scene) -> Assignment:
    scene.booked += 1
    start = timezone.now() - dt.timedelta(days=scene.booked, hours=30)
    return scene.assignment(start=start, end=start + dt.timedelta(hours=1))


def _disputed(scene: Scene) -> Assignment:
    assignment = _confirmation_due(scene)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DISPUTED)
    return assignment


def _awaiting(scene: Scene) -> Offer:
    offer = scene.offer()
    Offer.objects.filter(pk=offer.pk).update(status="accepted", awaiting_confirmation=True)
    return offer


def _cancelled(scene: Scene) -> Assignment:
    assignment = scene.assignment()
    Assignment.objects.filter(pk=assignment.pk).update(cancel_reason="Termin verschoben")
    return Assignment.objects.get(pk=assignment.pk)


INTERPRETER_MAIL = [("interpreter", "email"), ("interpreter", "in_app")]
CASEWORKER_MAIL = [("caseworker", "email"), ("caseworker", "in_app")]
COORDINATOR_MAIL = [("coordinator", "email"), ("coordinator", "in_app")]

# event → (make the object, the messages: (event row, recipient, channel))
EVENTS: dict[str, tuple[Callable[[Scene], Any], list[tuple[str, str, str]]]] = {
    "offer_made": (
        lambda s: s.offer(),
        [("offer_made", w, c) for w, c in [*INTERPRETER_MAIL, ("interpreter", "sms")]],
    ),
    "offer_withdrawn": (lambda s: s.offer(), [("offer_withdrawn", *m) for m in INTERPRETER_MAIL]),
    "offer_awaiting_confirmation": (
        _awaiting,
        [("offer_awaiting_confirmation", *m) for m in COORDINATOR_MAIL],
    ),
    "request_assigned": (
        lambda s: s.assignment(),
        [("request_assigned", *m) for m in CASEWORKER_MAIL]
        + [("assignment_booked", *m) for m in INTERPRETER_MAIL],
    ),
    "request_unfilled": (
        lambda s: s.request(status="unfilled"),
        [("request_unfilled", *m) for m in CASEWORKER_MAIL],
    ),
    "assignment_cancelled_by_requester": (
        _cancelled,
        [("assignment_cancelled_requester", *m) for m in INTERPRETER_MAIL],
    ),
    "assignment_cancelled_by_interpreter": (
        _cancelled,
        [("assignment_cancelled_interpreter", *m) for m in CASEWORKER_MAIL],
    ),
    "assignment_cancelled_by_coordinator": (
        _cancelled,
        [("assignment_cancelled_coordinator", *m) for m in CASEWORKER_MAIL + INTERPRETER_MAIL],
    ),
    "assignment_reminder": (
        lambda s: s.assignment(),
        [("assignment_reminder", *m) for m in CASEWORKER_MAIL + INTERPRETER_MAIL],
    ),
    "assignment_reminder_sms": (
        lambda s: s.assignment(),
        [("assignment_reminder_sms", "interpreter", c) for c in ("in_app", "sms")],
    ),
    "confirmation_due": (
        _confirmation_due,
        [("confirmation_due", *m) for m in CASEWORKER_MAIL],
    ),
    "confirmation_disputed": (
        _disputed,
        [("confirmation_disputed", *m) for m in COORDINATOR_MAIL],
    ),
}


def _expected(event: str) -> list[tuple[str, str, str]]:
    return sorted(EVENTS[event][1])


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_sends_its_messages_once_when_run_twice(scene: Scene, event: str) -> None:
    obj = EVENTS[event][0](scene)
    first = tasks.notify(event, obj.pk)
    second = tasks.notify(event, obj.pk)
    assert sent(scene) == _expected(event)
    assert (first, second) == (len(_expected(event)), 0)
    assert_outboxes_match(scene)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_sends_its_messages_once_after_a_failed_send_and_the_retry(
    scene: Scene, event: str, failing: set[str]
) -> None:
    obj = EVENTS[event][0](scene)
    failing.update({"email", "sms"})
    tasks.notify(event, obj.pk)
    assert mail.outbox == [] and MemorySmsBackend.outbox == []
    assert {row[2] for row in sent(scene)} == {"in_app"}

    failing.clear()
    later = timezone.now() + dt.timedelta(minutes=6)
    messages_retry(now=later, still_wanted=notifications.still_wanted)
    tasks.notify(event, obj.pk)
    messages_retry(now=later + dt.timedelta(hours=1), still_wanted=notifications.still_wanted)
    assert sent(scene) == _expected(event)
    assert_outboxes_match(scene)


def test_the_retry_task_of_the_schedule_sends_what_failed(scene: Scene, failing: set[str]) -> None:
    offer = scene.offer()
    failing.add("email")
    tasks.notify("offer_made", offer.pk)
    failing.clear()
    Notification.objects.filter(retry_at__isnull=False).update(
        retry_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert tasks.messages_retry() == {"sent": 1, "failed": 0, "dropped": 0}
    assert len(mail.outbox) == 1


def test_at_risk_goes_to_the_caseworker_and_the_coordinators_once(scene: Scene) -> None:
    request = scene.request()
    counts = [notifications.request_at_risk(request) for _ in range(2)]
    assert sent(scene) == sorted(
        ("request_at_risk", *m) for m in CASEWORKER_MAIL + COORDINATOR_MAIL
    )
    assert counts == [4, 0]


# --- channels chosen by the volunteer -------------------------------------------------------


@pytest.mark.parametrize(
    ("notify_by", "phone", "channels"),
    [
        ("both", MOBILE, ["email", "in_app", "sms"]),
        ("sms", MOBILE, ["in_app", "sms"]),
        ("email", MOBILE, ["email", "in_app"]),
        ("sms", "+4960311234567", ["email", "in_app"]),
        ("both", "", ["email", "in_app"]),
    ],
)
def test_an_offer_goes_on_the_channels_the_volunteer_chose(
    tenant: Tenant, notify_by: str, phone: str, channels: list[str]
) -> None:
    scene = Scene(tenant, notify_by=notify_by, phone=phone)
    tasks.notify("offer_made", scene.offer().pk)
    assert [row[2] for row in sent(scene)] == channels


def test_sms_only_gets_an_sms_where_the_event_has_one_and_else_an_e_mail(tenant: Tenant) -> None:
    scene = Scene(tenant, notify_by="sms")
    assignment = scene.assignment()
    tasks.notify("request_assigned", assignment.pk)
    tasks.notify("offer_awaiting_confirmation", _awaiting(scene).pk)
    booked = [row[2] for row in sent(scene) if row[0] == "assignment_booked"]
    assert booked == ["in_app", "sms"]
    assert mail.outbox and all(m.to != [scene.volunteer.email] for m in mail.outbox)


def test_an_unconfirmed_address_gets_no_mail_but_the_sms_and_in_app(tenant: Tenant) -> None:
    scene = Scene(tenant, email_confirmed_at=None)
    tasks.notify("offer_made", scene.offer().pk)
    assert [row[2] for row in sent(scene)] == ["in_app", "sms"]
    assert mail.outbox == []


def test_a_department_address_gets_mail_without_an_in_app_copy(scene: Scene) -> None:
    scene.tenant.department.email = "fachdienst@example.org"
    scene.tenant.department.save()
    request = scene.request(created_by=None, status="unfilled")
    tasks.notify("request_unfilled", request.pk)
    assert sent(scene) == [("request_unfilled", "address", "email")]
    assert mail.outbox[0].to == ["fachdienst@example.org"]


def test_the_short_sms_reminder_skips_volunteers_who_chose_e_mail(tenant: Tenant) -> None:
    scene = Scene(tenant, notify_by="email")
    assert tasks.notify("assignment_reminder_sms", scene.assignment().pk) == 0
    assert Notification.objects.count() == 0


# --- quiet hours ----------------------------------------------------------------------------


def _at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    zone = timezone.get_default_timezone()
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def _night_scene(tenant: Tenant) -> Scene:
    return Scene(tenant, quiet_from=dt.time(21), quiet_until=dt.time(7))


def test_in_quiet_hours_the_sms_waits_for_the_morning_and_the_mail_goes(tenant: Tenant) -> None:
    scene = _night_scene(tenant)
    offer = scene.offer()
    night, morning = _at(1, 23), _at(2, 7)
    Offer.objects.filter(pk=offer.pk).update(expires_at=morning + dt.timedelta(hours=12))
    offer.refresh_from_db()

    notifications.offer_made(offer, now=night)
    assert MemorySmsBackend.outbox == [] and len(mail.outbox) == 1
    messages_retry(now=morning - dt.timedelta(minutes=1), still_wanted=notifications.still_wanted)
    assert MemorySmsBackend.outbox == []
    for _ in range(2):
        messages_retry(now=morning, still_wanted=notifications.still_wanted)
    assert len(MemorySmsBackend.outbox) == 1
    assert "/o/" in MemorySmsBackend.outbox[0].body


def test_an_urgent_request_gets_its_sms_in_quiet_hours(tenant: Tenant) -> None:
    scene = _night_scene(tenant)
    offer = scene.offer(priority=Priority.URGENT)
    notifications.offer_made(offer, now=_at(1, 23))
    assert len(MemorySmsBackend.outbox) == 1


def test_a_held_offer_sms_is_dropped_when_the_offer_was_answered(tenant: Tenant) -> None:
    scene = _night_scene(tenant)
    offer = scene.offer()
    notifications.offer_made(offer, now=_at(1, 23))
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DECLINED)
    counts = messages_retry(now=_at(2, 7), still_wanted=notifications.still_wanted)
    assert counts["dropped"] == 1 and MemorySmsBackend.outbox == []


# --- language -------------------------------------------------------------------------------


def test_messages_are_german_by_default_and_english_for_english_users(
    tenant: Tenant, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "de"  # the default an empty Volunteer.language falls back to
    german = Scene(tenant)
    english = Scene(tenant, language="en")
    tasks.notify("offer_made", german.offer().pk)
    tasks.notify("offer_made", english.offer().pk)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[german.volunteer.email].startswith("Anfrage Sprachmittlung")
    assert subjects[english.volunteer.email].startswith("Interpreting request")


def test_staff_get_the_language_of_their_own_volunteer_record(scene: Scene) -> None:
    VolunteerFactory(center=scene.tenant.center, user=scene.caseworker, language="en")
    tasks.notify("request_assigned", scene.assignment().pk)
    to_caseworker = next(m for m in mail.outbox if m.to == [scene.caseworker.email])
    assert to_caseworker.subject.startswith("Interpreter found")


# --- what a message may say -----------------------------------------------------------------

CLIENT_REF, STREET = "K-4711", "Geheimweg 7"
BEFORE_ASSIGNMENT = {
    "offer_made",
    "offer_withdrawn",
    "offer_awaiting_confirmation",
    "request_unfilled",
    "request_at_risk",
}


def test_no_message_names_the_client_and_none_before_the_assignment_the_street(
    scene: Scene,
) -> None:
    secret = {"client_ref": CLIENT_REF, "street": STREET}
    for event, (make, _messages) in EVENTS.items():
        obj = make(scene)
        request_id = obj.pk if isinstance(obj, InterpreterRequest) else obj.request_id
        InterpreterRequest.objects.filter(pk=request_id).update(**secret)
        tasks.notify(event, obj.pk)
    notifications.request_at_risk(scene.request(**secret))

    rows = list(Notification.objects.all())
    assert {row.event for row in rows} >= BEFORE_ASSIGNMENT | {"assignment_booked"}
    texts = [(row.event, f"{row.subject}\n{row.body}") for row in rows]
    texts += [("mail", f"{m.subject}\n{m.body}") for m in mail.outbox]
    texts += [("sms", m.body) for m in MemorySmsBackend.outbox]
    assert all(CLIENT_REF not in text for _event, text in texts)
    assert all(STREET not in text for event, text in texts if event in BEFORE_ASSIGNMENT)
    booked = next(text for event, text in texts if event == "assignment_booked")
    assert STREET in booked


def test_every_offer_message_carries_the_one_tap_link(scene: Scene) -> None:
    tasks.notify("offer_made", scene.offer().pk)
    bodies = [row.body for row in Notification.objects.filter(event="offer_made")]
    assert len(bodies) == 3 and all("/o/" in body for body in bodies)


# --- periodic reminders ---------------------------------------------------------------------


def _starting_in(scene: Scene, hours: float, *, booked_hours_before: float = 72) -> Assignment:
    start = timezone.now() + dt.timedelta(hours=hours)
    assignment = scene.assignment(start=start, end=start + dt.timedelta(hours=1))
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=start - dt.timedelta(hours=booked_hours_before)
    )
    return assignment


def _events() -> list[str]:
    return sorted({row.event for row in Notification.objects.all()})


def test_the_reminder_goes_at_the_centers_hours_before_and_once(scene: Scene) -> None:
    _starting_in(scene, 23)
    first = tasks.reminders()
    second = tasks.reminders()
    assert first["assignment_reminder"] == 4 and second["assignment_reminder"] == 0
    assert sent(scene) == sorted(
        ("assignment_reminder", *m) for m in CASEWORKER_MAIL + INTERPRETER_MAIL
    )


def test_no_reminder_before_the_centers_hours(scene: Scene) -> None:
    _starting_in(scene, 25)
    tasks.reminders()
    assert Notification.objects.count() == 0


def test_the_reminder_hours_are_the_centers(scene: Scene) -> None:
    scene.tenant.center.reminder_hours = 48
    scene.tenant.center.save()
    _starting_in(scene, 47)
    tasks.reminders()
    assert _events() == ["assignment_reminder"]


def test_a_booking_after_the_reminder_time_is_its_own_reminder(scene: Scene) -> None:
    _starting_in(scene, 20, booked_hours_before=22)
    tasks.reminders()
    assert Notification.objects.count() == 0


def test_the_sms_reminder_goes_at_the_centers_sms_hours_before(scene: Scene) -> None:
    _starting_in(scene, 1.5)
    tasks.reminders()
    tasks.reminders()
    assert [m.to for m in MemorySmsBackend.outbox] == [MOBILE]
    assert "assignment_reminder_sms" in _events()


def test_no_sms_reminder_where_the_center_turned_it_off(scene: Scene) -> None:
    scene.tenant.center.reminder_sms_hours = 0
    scene.tenant.center.save()
    _starting_in(scene, 1.5)
    tasks.reminders()
    assert "assignment_reminder_sms" not in _events()


def test_a_cancelled_assignment_gets_no_reminder(scene: Scene) -> None:
    assignment = _starting_in(scene, 23)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.CANCELLED)
    tasks.reminders()
    assert Notification.objects.count() == 0


# --- the Einsatznachweis reminder -----------------------------------------------------------


def _ended_ago(scene: Scene, hours: float) -> Assignment:
    end = timezone.now() - dt.timedelta(hours=hours)
    return scene.assignment(start=end - dt.timedelta(hours=1), end=end)


def test_the_department_is_reminded_once_of_a_missing_einsatznachweis(scene: Scene) -> None:
    _ended_ago(scene, 25)
    counts = [tasks.reminders()["confirmation_due"] for _ in range(2)]
    assert counts == [2, 0]
    assert sent(scene) == sorted(("confirmation_due", *m) for m in CASEWORKER_MAIL)


def test_no_einsatznachweis_reminder_the_same_day(scene: Scene) -> None:
    _ended_ago(scene, 3)
    tasks.reminders()
    assert Notification.objects.count() == 0


def test_no_einsatznachweis_reminder_once_the_department_confirmed(scene: Scene) -> None:
    assignment = _ended_ago(scene, 25)
    Confirmation.objects.create(
        assignment=assignment,
        side=Confirmation.Side.REQUESTER,
        took_place=True,
        actual_start=assignment.start,
        actual_end=assignment.end,
        created_by=scene.caseworker,
    )
    tasks.reminders()
    assert Notification.objects.count() == 0


def test_the_dispute_message_goes_out_when_the_service_enqueues_it(
    scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    from requests import services

    assignment = _disputed(scene)
    with django_capture_on_commit_callbacks(execute=True):
        services._notify("confirmation_disputed", assignment.pk)
    assert sent(scene) == sorted(("confirmation_disputed", *m) for m in COORDINATOR_MAIL)


def test_a_message_the_backend_refused_does_not_block_the_others(
    scene: Scene, failing: set[str]
) -> None:
    failing.add("sms")
    tasks.notify("offer_made", scene.offer().pk)
    assert [row[2] for row in sent(scene)] == ["email", "in_app"]
    failed = Notification.objects.get(channel="sms")
    assert failed.attempts == 1 and failed.retry_at is not None


@pytest.mark.parametrize(
    ("event", "url_name", "to"),
    [
        ("confirmation_due", "request-confirm", "caseworker"),
        ("confirmation_disputed", "confirmation-decide", "coordinator"),
        ("assignment_reminder", "assignment-detail", "interpreter"),
    ],
)
def test_the_message_links_to_the_page_where_the_work_is_done(
    scene: Scene, event: str, url_name: str, to: str
) -> None:
    obj = EVENTS[event][0](scene)
    tasks.notify(event, obj.pk)
    pk = obj.request_id if url_name == "request-confirm" else obj.pk
    body = next(
        row.body
        for row in Notification.objects.filter(event=event, channel="email")
        if scene.who(row.recipient_id) == to
    )
    assert reverse(url_name, args=[pk]) in body
