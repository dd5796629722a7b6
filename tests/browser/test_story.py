"""The whole story in a real browser, once in German and once in English: a volunteer
registers on a phone and confirms the link from the mail; the coordinator approves,
records the pledge and completes the interpreter profile; a caseworker files a request on
a desktop; a matching run offers it; the interpreter accepts from the one-tap link on the
phone; the caseworker sees name and phone; both confirm afterwards; the coordinator sees
the allowance. Every step is a screenshot (var/browser/<test>/) and is checked with
axe-core; no page asks any other host for anything."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import Center, Place
from requests.models import Assignment, InterpreterRequest, Offer
from sprachpool.models import InterpreterProfile
from tests.browser.conftest import DESKTOP, PHONE, Pages
from volunteers.models import Volunteer

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("sqlite_leg"),
]

LANGUAGE = "ka"  # Georgian: nobody in the demo pool speaks it, so the offer is ours.


def _link(pattern: str) -> str:
    """The last mail's link whose path matches ``pattern``."""
    for message in reversed(mail.outbox):
        found = re.search(r"https?://\S+?(?:" + pattern + r")\S*", message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no mail with a link like {pattern}: {[m.subject for m in mail.outbox]}")


def _appointment() -> dt.datetime:
    """A Tuesday 09:00 (Europe/Berlin) about three weeks ahead: past every lead time."""
    day = timezone.localdate() + dt.timedelta(days=21)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _submit(page: Any, form: str = "main form.stacked") -> None:
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def register_on_the_phone(pages: Pages, center: Center) -> Volunteer:
    phone = pages.open(PHONE)
    phone.goto(pages.url(f"/register/{center.slug}/"))
    pages.shot(phone, "registration form on the phone")
    friedberg = Place.objects.get(
        center=center, city__startswith="Friedberg", name__startswith="Friedberg"
    )
    phone.fill("[name=first_name]", "Nino")
    phone.fill("[name=last_name]", "Beridze")
    phone.fill("[name=email]", "nino.beridze@example.org")
    phone.fill("[name=phone]", "0151 23456789")
    phone.select_option("[name=place]", str(friedberg.pk))
    phone.select_option("[name=lang-0-language]", "de")
    phone.select_option("[name=lang-0-level]", "B2")
    phone.select_option("[name=lang-1-language]", LANGUAGE)
    phone.select_option("[name=lang-1-level]", "native")
    phone.check("[name=interests][value=interpreting]")
    phone.select_option("[name=slot-0-weekday]", "1")
    phone.fill("[name=slot-0-start]", "08:00")
    phone.fill("[name=slot-0-end]", "13:00")
    phone.fill("[name=username]", "nino")
    phone.fill("[name=password]", "Kutaisi-2026-fluss")
    phone.fill("[name=password_again]", "Kutaisi-2026-fluss")
    phone.check("[name=privacy_consent]")
    pages.shot(phone, "registration filled in")
    _submit(phone, "main form")
    pages.shot(phone, "registration sent")
    volunteer = Volunteer.objects.get(email="nino.beridze@example.org")
    phone.goto(_link(r"/register/confirm/|/confirm/"))
    pages.shot(phone, "confirmation link opened")
    _submit(phone, "main form")
    pages.shot(phone, "e-mail address confirmed")
    volunteer.refresh_from_db()
    assert volunteer.email_confirmed_at is not None
    return volunteer


def coordinator_takes_her_in(pages: Pages, volunteer: Volunteer) -> InterpreterProfile:
    desk = pages.open(DESKTOP)
    pages.log_in(desk, "coordinator")
    desk.goto(pages.url("/volunteers/approvals/"))
    pages.shot(desk, "approval queue")
    _submit(desk, f"form[action='/volunteers/{volunteer.pk}/status/approve/']")
    pages.shot(desk, "approved")
    today = timezone.localdate()
    desk.goto(pages.url(f"/volunteers/{volunteer.pk}/pledge/"))
    desk.fill("[name=signed_on]", today.isoformat())
    _submit(desk)
    desk.goto(pages.url(f"/volunteers/{volunteer.pk}/certificate/"))
    desk.select_option("[name=kind]", index=1)
    desk.fill("[name=issued_on]", (today - dt.timedelta(days=20)).isoformat())
    desk.fill("[name=seen_on]", today.isoformat())
    pages.shot(desk, "police certificate recorded as facts")
    _submit(desk)
    _submit(desk, f"form[action='/volunteers/{volunteer.pk}/status/activate/']")
    pages.shot(desk, "volunteer active with paperwork")
    desk.goto(pages.url("/pool/interpreters/new/"))
    desk.select_option("[name=volunteer]", str(volunteer.pk))
    desk.check("[name=modes][value=phone]")
    pages.shot(desk, "interpreter profile")
    _submit(desk)
    profile = InterpreterProfile.objects.get(volunteer=volunteer)
    _submit(desk, f"form[action='/pool/interpreters/{profile.pk}/activate/']")
    pages.shot(desk, "interpreter active")
    profile.refresh_from_db()
    assert profile.is_active
    return profile


def caseworker_files_a_request(pages: Pages, center: Center) -> tuple[Any, InterpreterRequest]:
    desk = pages.open(DESKTOP)
    pages.log_in(desk, "caseworker")
    start = _appointment()
    place = Place.objects.filter(center=center, city__startswith="Friedberg").order_by("pk").first()
    assert place is not None
    began = time.monotonic()
    desk.goto(pages.url("/requests/new/"))
    desk.fill("main [name=language]", "Georgisch" if pages.language == "de" else "Georgian")
    desk.fill("[name=date]", start.date().isoformat())
    desk.fill("[name=start_time]", "09:00")
    desk.fill("[name=end_time]", "10:00")
    desk.select_option("[name=place]", str(place.pk))
    desk.select_option("[name=topic]", "health")
    desk.fill("[name=client_ref]", "K-2291")
    pages.shot(desk, "request form filled in")
    _submit(desk, "main form.request-form")
    filed_in = time.monotonic() - began
    pages.shot(desk, "request filed")
    request = InterpreterRequest.objects.get(client_ref="K-2291", language__code=LANGUAGE)
    assert request.status == InterpreterRequest.Status.OPEN
    assert filed_in < 60, f"filing took {filed_in:.0f} s"
    return desk, request


def coordinator_runs_the_matching(pages: Pages, request: InterpreterRequest) -> Offer:
    desk = pages.open(DESKTOP)
    pages.log_in(desk, "coordinator")
    desk.goto(pages.url("/matching/"))
    pages.shot(desk, "matching console")
    _submit(desk, "form[action='/matching/run/']")
    pages.shot(desk, "matching run finished")
    offer = Offer.objects.get(request=request, status=Offer.Status.PENDING)
    return offer


def interpreter_accepts_on_the_phone(pages: Pages, offer: Offer) -> Assignment:
    phone = pages.open(PHONE)
    phone.goto(_link(r"/o/"))
    pages.shot(phone, "offer from the one-tap link")
    text = phone.inner_text("main")
    assert "K-2291" not in text, "the client reference is shown before the assignment"
    phone.click("form:has(input[name=action][value=accept]) button[type=submit]")
    phone.wait_for_load_state()
    pages.shot(phone, "offer accepted")
    return Assignment.objects.get(offer=offer)


def caseworker_sees_who_comes(pages: Pages, desk: Any, request: InterpreterRequest) -> None:
    desk.goto(pages.url(f"/requests/{request.pk}/"))
    pages.shot(desk, "request assigned with name and phone")
    text = desk.inner_text("main")
    assert "Nino Beridze" in text
    assert "151" in text and "23456789" in text.replace(" ", "")


def the_appointment_takes_place(assignment: Assignment) -> dt.datetime:
    """Time passes: the appointment moves to yesterday, 09:00–10:00 (the browser cannot wait
    three weeks; everything else about it stays as the story made it)."""
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(9, 0))
    )
    moved = {"start": start, "end": start + dt.timedelta(hours=1)}
    InterpreterRequest.objects.filter(pk=assignment.request_id).update(**moved)
    Assignment.objects.filter(pk=assignment.pk).update(
        **moved, blocked_start=start, blocked_end=start + dt.timedelta(hours=1)
    )
    return start


def _confirm_on(pages: Pages, page: Any, url: str, who: str) -> None:
    page.goto(pages.url(url))
    page.check("[name=took_place][value=yes]")
    pages.shot(page, f"einsatznachweis by the {who}")
    _submit(page, "main form")
    save = page.locator(
        "button[name=step][value=save], form:has(input[name=step][value=save]) button[type=submit]"
    )
    if save.count():
        pages.shot(page, f"einsatznachweis by the {who}: check")
        save.first.click()
        page.wait_for_load_state()
    pages.shot(page, f"einsatznachweis by the {who}: saved")


def both_confirm(pages: Pages, desk: Any, assignment: Assignment) -> None:
    _confirm_on(pages, desk, f"/requests/{assignment.request_id}/confirm/", "caseworker")
    phone = pages.open(PHONE)
    pages.log_in(phone, "nino", "Kutaisi-2026-fluss")
    _confirm_on(pages, phone, f"/assignments/{assignment.pk}/confirm/", "interpreter")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED, assignment.status


def coordinator_pays(pages: Pages, assignment: Assignment, start: dt.datetime) -> None:
    desk = pages.open(DESKTOP)
    pages.log_in(desk, "coordinator")
    month = f"{timezone.localtime(start):%Y-%m}"
    desk.goto(pages.url(f"/reports/billing/?month={month}"))
    pages.shot(desk, "allowance statement of the month")
    assert "Nino Beridze" in desk.inner_text("main")
    with desk.expect_download() as download:
        desk.click("a[href*='statement.xlsx']")
    path = pages.folder / "statement.xlsx"
    download.value.save_as(path)
    import openpyxl

    sheet_text = " ".join(
        str(cell.value)
        for sheet in openpyxl.load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    assert "Beridze" in sheet_text


@pytest.mark.parametrize("pages", ["de", "en"], indirect=True)
def test_the_whole_story(pages: Pages) -> None:
    call_command("seed_demo", with_accounts=True, stdout=io.StringIO())
    center = Center.objects.get(slug="wetteraukreis")
    volunteer = register_on_the_phone(pages, center)
    profile = coordinator_takes_her_in(pages, volunteer)
    desk, request = caseworker_files_a_request(pages, center)
    offer = coordinator_runs_the_matching(pages, request)
    assert offer.interpreter_id == profile.pk
    assignment = interpreter_accepts_on_the_phone(pages, offer)
    caseworker_sees_who_comes(pages, desk, request)
    start = the_appointment_takes_place(assignment)
    both_confirm(pages, desk, assignment)
    coordinator_pays(pages, assignment, start)
    assert not pages.violations, pages.violations
    assert not pages.foreign, pages.foreign
