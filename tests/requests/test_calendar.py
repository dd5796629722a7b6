"""The interpreter's calendar: the feed at its secret address (parses with ``icalendar``,
right local times across the changes to and from summer time, stable UIDs, cancelled ones
marked, nothing about the client), renewing and switching it off, and one assignment as a
``.ics`` file."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.choices import Mode
from core.models import AuditEvent
from requests import calendar
from requests.models import Assignment, InterpreterRequest
from sprachpool import services as sprachpool_services
from sprachpool.models import InterpreterProfile
from tests.requests.conftest import client_for, make_interpreter
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC
#: Before both changes of 2026, so the DST examples are upcoming for the feed.
EARLY_2026 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def berlin(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BERLIN)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://wir.example"


def book(
    profile: InterpreterProfile,
    *,
    start: dt.datetime,
    minutes: int = 60,
    status: str = Assignment.Status.UPCOMING,
    **request_fields: Any,
) -> Assignment:
    """An assignment of ``profile`` in its center, at ``start``."""
    center = profile.volunteer.center
    request = InterpreterRequestFactory(
        center=center,
        department__center=center,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status=InterpreterRequest.Status.ASSIGNED,
        **request_fields,
    )
    extra = {"cancelled_at": timezone.now()} if status == Assignment.Status.CANCELLED else {}
    return AssignmentFactory(request=request, interpreter=profile, status=status, **extra)


def soon(days: int = 7, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN)


def events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def feed_token(profile: InterpreterProfile) -> str:
    return sprachpool_services.calendar_token_renew(actor=profile.volunteer.user, profile=profile)


def feed_path(token: str) -> str:
    return reverse("calendar-feed", args=[token])


# --------------------------------------------------------------------------- the feed's content


def test_feed_parses_as_a_published_calendar_in_berlin_time(interpreter: Any) -> None:
    book(interpreter, start=berlin(2026, 5, 4, 9, 0))

    body = calendar.calendar_feed(profile=interpreter, now=EARLY_2026)

    parsed = icalendar.Calendar.from_ical(body)
    assert parsed["METHOD"] == "PUBLISH"
    assert parsed["PRODID"] == calendar.PRODID
    assert parsed["X-WR-CALNAME"]
    assert [zone["TZID"] for zone in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len(parsed.walk("VEVENT")) == 1
    # Calendar programs are asked to fetch it again hourly.
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        # After the change back to winter time (25 Oct 2026, 03:00 → 02:00): UTC+1.
        (berlin(2026, 10, 25, 9, 0), utc(2026, 10, 25, 8, 0)),
        # After the change to summer time (29 Mar 2026, 02:00 → 03:00): UTC+2.
        (berlin(2026, 3, 29, 9, 0), utc(2026, 3, 29, 7, 0)),
        # The day before each change.
        (berlin(2026, 10, 24, 9, 0), utc(2026, 10, 24, 7, 0)),
        (berlin(2026, 3, 28, 9, 0), utc(2026, 3, 28, 8, 0)),
    ],
)
def test_feed_gives_the_local_time_across_the_dst_change(
    interpreter: Any, local: dt.datetime, utc: dt.datetime
) -> None:
    book(interpreter, start=local)

    body = calendar.calendar_feed(profile=interpreter, now=EARLY_2026)

    assert f"DTSTART;TZID=Europe/Berlin:{local:%Y%m%dT%H%M%S}".encode() in body
    (event,) = events(body)
    assert event.decoded("dtstart").astimezone(UTC) == utc
    assert event.decoded("dtend").astimezone(UTC) == utc + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (berlin(2026, 10, 25, 9, 0), utc(2026, 10, 25, 8, 0)),
        (berlin(2026, 3, 29, 9, 0), utc(2026, 3, 29, 7, 0)),
        (berlin(2026, 3, 29, 1, 30), utc(2026, 3, 29, 0, 30)),
        (berlin(2030, 7, 1, 12, 0), utc(2030, 7, 1, 10, 0)),
    ],
)
def test_the_feeds_own_vtimezone_gives_the_same_times(
    interpreter: Any, local: dt.datetime, utc: dt.datetime
) -> None:
    """A calendar program that reads the VTIMEZONE (instead of knowing the zone by name)
    puts the same wall-clock time at the same instant."""
    parsed = icalendar.Calendar.from_ical(calendar.calendar_feed(profile=interpreter))
    (zone,) = parsed.walk("VTIMEZONE")

    from_feed = zone.to_tz(lookup_tzid=False)

    assert local.replace(tzinfo=from_feed).astimezone(UTC) == utc


def test_event_says_language_place_mode_and_department(interpreter: Any) -> None:
    interpreter.volunteer.language = "en"
    interpreter.volunteer.save()
    assignment = book(
        interpreter,
        start=berlin(2026, 5, 4, 9, 0),
        place=None,
        place_name="Kreishaus Friedberg",
        street="Europaplatz 1",
        postcode="61169",
        city="Friedberg",
        lat=50.33,
        lon=8.75,
        department__name="Jugendamt Friedberg",
    )

    (event,) = events(calendar.calendar_feed(profile=interpreter, now=EARLY_2026))

    assert event["SUMMARY"] == "Interpreting: Arabic (Modern Standard)"
    assert event["LOCATION"] == "Kreishaus Friedberg, Europaplatz 1, 61169 Friedberg"
    assert "How: in person" in event["DESCRIPTION"]
    assert "Department: Jugendamt Friedberg" in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"
    assert event["UID"] == f"assignment-{assignment.pk}@wir.example"
    assert event["URL"] == f"https://wir.example/assignments/{assignment.pk}/"
    assert (event["GEO"].latitude, event["GEO"].longitude) == pytest.approx((50.33, 8.75))


def test_phone_assignment_has_no_address(interpreter: Any) -> None:
    interpreter.volunteer.language = "en"
    interpreter.volunteer.save()
    book(
        interpreter,
        start=berlin(2026, 5, 4, 9, 0),
        mode=Mode.PHONE,
        place=None,
        street="",
        city="",
    )

    (event,) = events(calendar.calendar_feed(profile=interpreter, now=EARLY_2026))

    assert event["LOCATION"] == "Phone"
    assert "GEO" not in event


def test_feed_is_written_in_the_interpreters_language(interpreter: Any, settings: Any) -> None:
    """Volunteer.language decides, not the caller's; empty means German (language names
    come from the database, so this holds before the catalogs are compiled)."""
    settings.LANGUAGE_CODE = "de"  # the default an empty language falls back to
    book(interpreter, start=berlin(2026, 5, 4, 9, 0))

    (german,) = events(calendar.calendar_feed(profile=interpreter, now=EARLY_2026))
    interpreter.volunteer.language = "en"
    interpreter.volunteer.save()
    (english,) = events(calendar.calendar_feed(profile=interpreter, now=EARLY_2026))

    assert "Arabisch" in german["SUMMARY"] and "Arabic" not in german["SUMMARY"]
    assert "Arabic" in english["SUMMARY"]


def test_cancelled_assignment_is_marked_cancelled(interpreter: Any) -> None:
    kept = book(interpreter, start=soon(7))
    cancelled = book(interpreter, start=soon(8), status=Assignment.Status.CANCELLED)

    found = {
        str(event["UID"]): event for event in events(calendar.calendar_feed(profile=interpreter))
    }

    assert found[calendar.assignment_uid(cancelled)]["STATUS"] == "CANCELLED"
    assert found[calendar.assignment_uid(cancelled)]["SEQUENCE"] == 1
    assert found[calendar.assignment_uid(kept)]["STATUS"] == "CONFIRMED"
    assert found[calendar.assignment_uid(kept)]["SEQUENCE"] == 0


def test_feed_shows_upcoming_and_the_last_sixty_days_of_own_assignments(
    interpreter: Any, tenant: Any
) -> None:
    now = timezone.now()
    recent = book(interpreter, start=now - dt.timedelta(days=59))
    upcoming = book(interpreter, start=now + dt.timedelta(days=30))
    book(interpreter, start=now - dt.timedelta(days=61))
    someone_else = make_interpreter(tenant.center, username="other-interpreter")
    book(someone_else, start=now + dt.timedelta(days=3))

    uids = [str(event["UID"]) for event in events(calendar.calendar_feed(profile=interpreter))]

    assert uids == [calendar.assignment_uid(recent), calendar.assignment_uid(upcoming)]


def test_nothing_about_the_client_is_in_the_feed_or_the_file(interpreter: Any) -> None:
    assignment = book(
        interpreter,
        start=soon(7),
        client_ref="K-CALSECRET-8841",
        notes="Notiz-CALSECRET-5523 zur Familie",
        urgency_reason="Eile-CALSECRET-1209",
    )
    Assignment.objects.filter(pk=assignment.pk).update(cancel_reason="Grund-CALSECRET-7710")
    book(interpreter, start=soon(8), status=Assignment.Status.CANCELLED)
    token = feed_token(interpreter)

    feed = Client().get(feed_path(token)).content
    single = (
        client_for(interpreter.volunteer.user)
        .get(reverse("assignment-ics", args=[assignment.pk]))
        .content
    )

    for body in (feed, single):
        assert b"CALSECRET" not in body
        assert b"8841" not in body


# --------------------------------------------------------------------------- the feed's address


def test_feed_is_readable_without_login_as_private_text_calendar(interpreter: Any) -> None:
    book(interpreter, start=soon(7))
    token = feed_token(interpreter)

    response = Client().get(feed_path(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert len(events(response.content)) == 1


def test_feed_answers_head_and_refuses_writes(interpreter: Any) -> None:
    token = feed_token(interpreter)

    assert Client().head(feed_path(token)).status_code == 200
    assert Client().post(feed_path(token)).status_code == 405


def test_uid_is_stable_across_two_fetches(interpreter: Any) -> None:
    assignment = book(interpreter, start=soon(7))
    token = feed_token(interpreter)

    first = events(Client().get(feed_path(token)).content)
    second = events(Client().get(feed_path(token)).content)

    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in second]
    assert [str(e["UID"]) for e in first] == [f"assignment-{assignment.pk}@wir.example"]


@pytest.mark.parametrize("token", ["x" * 43, "not a token", "a" * 10, "%00" * 20])
def test_unknown_or_malformed_secret_is_404(interpreter: Any, token: str) -> None:
    feed_token(interpreter)

    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_the_feed_stops_when_the_volunteer_has_left(interpreter: Any) -> None:
    book(interpreter, start=soon(7))
    token = feed_token(interpreter)
    assert Client().get(feed_path(token)).status_code == 200

    Volunteer.objects.filter(pk=interpreter.volunteer_id).update(status=Volunteer.Status.LEFT)

    assert Client().get(feed_path(token)).status_code == 404


def test_no_feed_before_one_is_created(interpreter: Any) -> None:
    assert interpreter.calendar_token == ""

    assert Client().get("/calendar/.ics").status_code == 404
    assert calendar.profile_for_token("") is None


def test_renewing_stops_the_old_address(interpreter: Any) -> None:
    old = feed_token(interpreter)

    new = feed_token(interpreter)

    assert new != old
    assert Client().get(feed_path(old)).status_code == 404
    assert Client().get(feed_path(new)).status_code == 200


def test_switching_off_stops_the_address(interpreter: Any) -> None:
    token = feed_token(interpreter)

    sprachpool_services.calendar_token_revoke(actor=interpreter.volunteer.user, profile=interpreter)

    assert Client().get(feed_path(token)).status_code == 404


# --------------------------------------------------------------------------- "My assignments"


def test_my_assignments_offers_to_create_the_address(interpreter: Any) -> None:
    response = client_for(interpreter.volunteer.user).get(reverse("assignment-list"))

    assert response.status_code == 200
    assert f'action="{reverse("calendar-renew")}"'.encode() in response.content
    assert b"webcal://" not in response.content


def test_my_assignments_shows_the_address_to_copy_and_subscribe(interpreter: Any) -> None:
    token = feed_token(interpreter)

    response = client_for(interpreter.volunteer.user).get(reverse("assignment-list"))

    url = f"https://wir.example/calendar/{token}.ics"
    assert f'value="{url}"'.encode() in response.content
    assert f'href="webcal://wir.example/calendar/{token}.ics"'.encode() in response.content
    assert reverse("calendar-revoke").encode() in response.content


def test_renew_page_asks_first_and_changes_nothing(interpreter: Any) -> None:
    token = feed_token(interpreter)

    response = client_for(interpreter.volunteer.user).get(reverse("calendar-renew"))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    interpreter.refresh_from_db()
    assert interpreter.calendar_token == token


def test_renew_post_gives_a_new_address(interpreter: Any) -> None:
    old = feed_token(interpreter)

    response = client_for(interpreter.volunteer.user).post(reverse("calendar-renew"))

    assert response.status_code == 302
    interpreter.refresh_from_db()
    assert interpreter.calendar_token not in ("", old)
    assert Client().get(feed_path(old)).status_code == 404
    assert Client().get(feed_path(interpreter.calendar_token)).status_code == 200


def test_first_post_creates_the_address(interpreter: Any) -> None:
    client_for(interpreter.volunteer.user).post(reverse("calendar-renew"))

    interpreter.refresh_from_db()
    assert Client().get(feed_path(interpreter.calendar_token)).status_code == 200


def test_revoke_page_asks_first_and_changes_nothing(interpreter: Any) -> None:
    token = feed_token(interpreter)

    response = client_for(interpreter.volunteer.user).get(reverse("calendar-revoke"))

    assert response.status_code == 200
    interpreter.refresh_from_db()
    assert interpreter.calendar_token == token


def test_revoke_post_switches_the_feed_off(interpreter: Any) -> None:
    token = feed_token(interpreter)

    response = client_for(interpreter.volunteer.user).post(reverse("calendar-revoke"))

    assert response.status_code == 302
    interpreter.refresh_from_db()
    assert interpreter.calendar_token == ""
    assert Client().get(feed_path(token)).status_code == 404


def test_renewing_and_revoking_are_audited_without_the_secret(interpreter: Any) -> None:
    client = client_for(interpreter.volunteer.user)
    client.post(reverse("calendar-renew"))
    interpreter.refresh_from_db()
    token = interpreter.calendar_token
    client.post(reverse("calendar-revoke"))

    audited = AuditEvent.objects.filter(
        object_type="sprachpool.interpreterprofile", object_id=str(interpreter.pk)
    ).order_by("id")

    assert [event.detail.get("calendar") for event in audited] == ["created", "revoked"]
    assert all(event.actor == interpreter.volunteer.user for event in audited)
    assert token not in str([event.detail for event in audited])


@pytest.mark.parametrize("role", ["coordinator", "caseworker"])
def test_others_cannot_renew_a_feed(as_role: Any, interpreter: Any, role: str) -> None:
    token = feed_token(interpreter)

    response = as_role(role).post(reverse("calendar-renew"))

    assert response.status_code == 403
    interpreter.refresh_from_db()
    assert interpreter.calendar_token == token


# --------------------------------------------------------------------------- one assignment


def test_own_assignment_downloads_as_ics(interpreter: Any) -> None:
    assignment = book(interpreter, start=berlin(2026, 10, 25, 9, 0))

    response = client_for(interpreter.volunteer.user).get(
        reverse("assignment-ics", args=[assignment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert b"DTSTART;TZID=Europe/Berlin:20261025T090000" in response.content
    (event,) = events(response.content)
    assert event.decoded("dtstart").astimezone(UTC) == utc(2026, 10, 25, 8, 0)
    assert event["UID"] == calendar.assignment_uid(assignment)


def test_another_interpreters_assignment_ics_is_404(interpreter: Any, tenant: Any) -> None:
    someone_else = make_interpreter(tenant.center, username="other-interpreter")
    theirs = book(someone_else, start=soon(7))

    response = client_for(interpreter.volunteer.user).get(
        reverse("assignment-ics", args=[theirs.pk])
    )

    assert response.status_code == 404


def test_assignment_ics_needs_a_login(interpreter: Any) -> None:
    assignment = book(interpreter, start=soon(7))

    response = Client().get(reverse("assignment-ics", args=[assignment.pk]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_coordinator_gets_no_ics_of_an_interpreters_assignment(
    interpreter: Any, as_role: Any
) -> None:
    assignment = book(interpreter, start=soon(7))

    response = as_role("coordinator").get(reverse("assignment-ics", args=[assignment.pk]))

    assert response.status_code == 403
