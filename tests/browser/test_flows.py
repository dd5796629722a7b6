"""More of the request flow in a real browser: a declined offer goes to the next
interpreter, a coordinator's manual offer, the request form and the offer accepted with
the keyboard alone, and the coordinator's charts and list pages (axe-core, no request to
any other host)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from core.models import Role
from requests.models import InterpreterRequest, Offer
from tests.browser.conftest import DESKTOP, PHONE, Pages
from tests.browser.test_story import _link, _submit
from tests.conftest import Tenant, make_tenant
from tests.factories import UserFactory
from tests.requests.factories import InterpreterRequestFactory, next_week_at
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import WeeklySlotFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("sqlite_leg"),
]
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's


@pytest.fixture
def center() -> Tenant:
    return make_tenant("flow")


def _georgian(tenant: Tenant, username: str, *, km: int) -> Any:
    """An active, cleared Georgian interpreter of the tenant, free on the request's weekday;
    ``km`` from the place (the engine offers the nearer one first)."""
    profile = interpreter(
        center=tenant.center,
        languages=(("de", "C1"), ("ka", "native")),
        user=UserFactory(username=username),
        email=f"{username}@example.org",
        email_confirmed_at=dt.datetime.now(dt.UTC),
        home_lat=tenant.place.lat + km / 111.0,
        home_lon=tenant.place.lon,
    )
    WeeklySlotFactory(
        volunteer=profile.volunteer,
        weekday=next_week_at().weekday(),
        start_time=dt.time(8, 0),
        end_time=dt.time(18, 0),
    )
    return profile


def _request(tenant: Tenant) -> InterpreterRequest:
    return InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        created_by=tenant.users[Role.CASEWORKER],
        place=tenant.place,
        language_id="ka",
        start=next_week_at(9),
        end=next_week_at(10),
    )


def _run(pages: Pages, page: Any) -> None:
    page.goto(pages.url("/matching/"))
    _submit(page, "form[action='/matching/run/']")


def test_a_declined_offer_goes_to_the_next_interpreter(pages: Pages, center: Tenant) -> None:
    near = _georgian(center, "near", km=2)
    far = _georgian(center, "far", km=10)
    request = _request(center)
    desk = pages.open(DESKTOP)
    pages.log_in(desk, center.users[Role.COORDINATOR].username, PASSWORD)
    _run(pages, desk)
    first = Offer.objects.get(request=request, status=Offer.Status.PENDING)
    assert first.interpreter_id == near.pk

    phone = pages.open(PHONE)
    phone.goto(_link(r"/o/"))
    mail.outbox.clear()
    phone.click(".decline-reason summary")
    phone.fill("input[name=reason]", "Ich bin an dem Tag verreist")
    pages.shot(phone, "declining with a reason")
    phone.click(".decline-reason button[type=submit]")
    phone.wait_for_load_state()
    pages.shot(phone, "declined")
    first.refresh_from_db()
    assert first.status == Offer.Status.DECLINED

    # The decline itself starts a re-offer run: the next interpreter is asked at once.
    second = Offer.objects.get(request=request, status=Offer.Status.PENDING)
    assert second.interpreter_id == far.pk
    assert [message.to for message in mail.outbox if "/o/" in message.body] == [["far@example.org"]]
    desk.goto(pages.url(f"/matching/requests/{request.pk}/"))
    pages.shot(desk, "request console: declined, offered to the next")
    assert "far@example.org" in [to for message in mail.outbox for to in message.to]
    assert not pages.violations, pages.violations


def test_a_coordinator_offers_by_hand(pages: Pages, center: Tenant) -> None:
    _georgian(center, "near", km=2)
    chosen = _georgian(center, "far", km=10)
    request = _request(center)
    desk = pages.open(DESKTOP)
    pages.log_in(desk, center.users[Role.COORDINATOR].username, PASSWORD)
    desk.goto(pages.url(f"/matching/requests/{request.pk}/"))
    pages.shot(desk, "request console before the manual offer")
    form = (
        f"form[action='/matching/requests/{request.pk}/offer/']"
        f":has(input[name=interpreter][value='{chosen.pk}'])"
    )
    _submit(desk, form)
    pages.shot(desk, "manual offer made")
    offer = Offer.objects.get(request=request, status=Offer.Status.PENDING)
    assert offer.interpreter_id == chosen.pk
    assert not pages.violations, pages.violations


def _tab_to(page: Any, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus (reachable by
    keyboard, in the page's own order)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def test_request_form_and_offer_accept_with_the_keyboard_alone(
    pages: Pages, center: Tenant
) -> None:
    profile = _georgian(center, "near", km=2)
    desk = pages.open(DESKTOP)
    pages.log_in(desk, center.users[Role.CASEWORKER].username, PASSWORD)
    desk.goto(pages.url("/requests/new/"))
    day = next_week_at(9)
    keys = desk.keyboard
    _tab_to(desk, "main [name=language]")
    keys.type("Georgisch")
    # Headless Chromium's date and time widgets take keys in en-US order (month, day,
    # year; 12 hours with AM/PM), whatever the page's language.
    _tab_to(desk, "main [name=date]")
    keys.type(day.strftime("%m%d%Y"))
    _tab_to(desk, "main [name=start_time]")
    keys.type("0900A")
    _tab_to(desk, "main [name=end_time]")
    keys.type("1000A")
    for name in ("start_time", "end_time"):
        assert desk.input_value(f"main [name={name}]"), f"{name} not filled by keyboard"
    _tab_to(desk, "main [name=place]")
    keys.type(center.place.name[:6])
    _tab_to(desk, "main [name=topic]")
    keys.type("G")
    _tab_to(desk, "main [name=client_ref]")
    keys.type("K-3303")
    pages.shot(desk, "request form by keyboard")
    _tab_to(desk, "main form.request-form button[type=submit]")
    keys.press("Enter")
    desk.wait_for_load_state()
    pages.shot(desk, "request filed by keyboard")
    request = InterpreterRequest.objects.get(client_ref="K-3303")
    assert (request.language_id, request.place_id) == ("ka", center.place.pk)
    assert request.start == day

    coordinator = pages.open(DESKTOP)
    pages.log_in(coordinator, center.users[Role.COORDINATOR].username, PASSWORD)
    _run(pages, coordinator)
    offer = Offer.objects.get(request=request, status=Offer.Status.PENDING)
    assert offer.interpreter_id == profile.pk
    phone = pages.open(PHONE)
    phone.goto(_link(r"/o/"))
    _tab_to(phone, "form:has(input[name=action][value=accept]) button[type=submit]")
    phone.keyboard.press("Enter")
    phone.wait_for_load_state()
    pages.shot(phone, "offer accepted by keyboard")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert not pages.violations, pages.violations


COORDINATOR_PAGES = [
    "/",
    "/reports/",
    "/reports/supply/",
    "/reports/summary/",
    "/reports/billing/",
    "/reports/funding/",
    "/volunteers/",
    "/volunteers/approvals/",
    "/volunteers/paperwork/",
    "/pool/interpreters/",
    "/pool/coverage/",
    "/networks/",
    "/networks/households/",
    "/sponsorships/",
    "/requests/",
    "/matching/",
    "/matching/runs/",
    "/confirmations/",
    "/departments/",
    "/places/",
    "/members/",
    "/audit/",
    "/news/",
]


def test_coordinator_pages_charts_and_lists_pass_axe_and_stay_on_the_site(
    pages: Pages, center: Tenant
) -> None:
    _georgian(center, "near", km=2)
    _request(center)
    for viewport in (DESKTOP, PHONE):
        page = pages.open(viewport)
        pages.log_in(page, center.users[Role.COORDINATOR].username, PASSWORD)
        _run(pages, page)
        for path in COORDINATOR_PAGES:
            response = page.goto(pages.url(path))
            assert response is not None and response.status == 200, path
            if path.startswith("/reports/") and viewport is DESKTOP:
                pages.shot(page, f"coordinator {path}")
            else:
                pages.check_axe(page, path)
    assert pages.foreign == [], pages.foreign
    assert not pages.violations, pages.violations
