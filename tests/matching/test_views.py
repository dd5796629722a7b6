"""The coordinator console: pages per role, run now with the real engine, the manual
override (offer, withdraw, confirm, exclude) and bounded query counts of the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.choices import Mode
from core.models import AuditEvent, Center
from matching.models import MatchingRun
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from tests.conftest import Tenant
from tests.requests.factories import (
    InterpreterRequestFactory,
    OfferFactory,
    RequestExclusionFactory,
    next_week_at,
)
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import WeeklySlotFactory

pytestmark = pytest.mark.django_db

Status = InterpreterRequest.Status
OTHER_ROLES = ["caseworker", "volunteer", "network_lead"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(tenant: Tenant) -> Client:
    return client_for(tenant.users["coordinator"])


def available_interpreter(center: Center, *, day: dt.datetime | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """An active Arabic interpreter of ``center`` who works by phone on the request's day."""
    day = day or next_week_at()
    profile = interpreter(center=center, **kwargs)
    WeeklySlotFactory(
        volunteer=profile.volunteer,
        weekday=timezone.localtime(day).weekday(),
        start_time=dt.time(8, 0),
        end_time=dt.time(18, 0),
    )
    return profile


def phone_request(center: Center, **kwargs) -> InterpreterRequest:  # type: ignore[no-untyped-def]
    return InterpreterRequestFactory(center=center, mode=Mode.PHONE, **kwargs)


def run_for(center: Center) -> MatchingRun:
    from matching.services import run_for_center

    return run_for_center(center=center, trigger=MatchingRun.Trigger.SCHEDULED)


# --- who may see what -----------------------------------------------------------------------


def _urls(tenant: Tenant) -> list[str]:
    request = phone_request(tenant.center)
    run = MatchingRun.objects.create(
        center=tenant.center,
        trigger=MatchingRun.Trigger.MANUAL,
        status=MatchingRun.Status.FINISHED,
        started_at=timezone.now(),
    )
    return [
        reverse("matching-console"),
        reverse("matching-runs"),
        reverse("matching-run-detail", args=[run.pk]),
        reverse("matching-run-instance", args=[run.pk]),
        reverse("matching-request", args=[request.pk]),
    ]


def test_every_page_opens_for_the_coordinator(tenant: Tenant, coordinator: Client) -> None:
    for url in _urls(tenant):
        assert coordinator.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_page_is_forbidden_for_other_roles(tenant: Tenant, role: str) -> None:
    client = client_for(tenant.users[role])
    for url in _urls(tenant):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login(tenant: Tenant) -> None:
    for url in _urls(tenant):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_another_centers_run_and_request_are_not_found(
    tenant: Tenant, other_tenant: Tenant, coordinator: Client
) -> None:
    foreign = _urls(other_tenant)[2:]  # run, instance, request
    offer = OfferFactory(request=phone_request(other_tenant.center, status=Status.OFFERED))
    foreign += [
        reverse("matching-offer-withdraw", args=[offer.pk]),
        reverse("matching-request-exclude", args=[offer.request_id, offer.interpreter_id]),
    ]
    for url in foreign:
        assert coordinator.get(url).status_code == 404, url
    response = coordinator.post(reverse("matching-offer-confirm", args=[offer.pk]))
    assert response.status_code == 404
    runs = MatchingRun.objects.count()
    response = coordinator.post(reverse("matching-run-now"), {"center": other_tenant.center.pk})
    assert response.status_code == 404
    assert MatchingRun.objects.count() == runs


def test_an_interpreter_of_another_center_cannot_be_offered(
    tenant: Tenant, other_tenant: Tenant, coordinator: Client
) -> None:
    request = phone_request(tenant.center)
    stranger = available_interpreter(other_tenant.center)

    response = coordinator.post(
        reverse("matching-request-offer", args=[request.pk]), {"interpreter": stranger.pk}
    )

    assert response.status_code == 404
    assert not Offer.objects.exists()


# --- the console --------------------------------------------------------------------------


def test_console_shows_the_requests_at_a_glance(tenant: Tenant, coordinator: Client) -> None:
    open_one = phone_request(tenant.center, client_ref="K-OPEN")
    soon = phone_request(
        tenant.center,
        start=timezone.now() + dt.timedelta(hours=20),
        end=timezone.now() + dt.timedelta(hours=21),
        client_ref="K-SOON",
    )
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
    unfilled = phone_request(
        tenant.center,
        status=Status.UNFILLED,
        start=timezone.now() - dt.timedelta(days=2),
        end=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=1),
    )

    response = coordinator.get(reverse("matching-console"))

    overview = response.context["overview"]
    assert [r.pk for r in overview.open.rows] == [soon.pk, open_one.pk]
    assert [r.pk for r in overview.soon.rows] == [soon.pk]
    assert [r.pk for r in overview.offered.rows] == [offer.request_id]
    assert [r.pk for r in overview.unfilled.rows] == [unfilled.pk]
    assert offer.interpreter.volunteer.display_name in response.text
    assert reverse("request-detail", args=[open_one.pk]) in response.text
    assert reverse("matching-request", args=[open_one.pk]) in response.text


def test_console_shows_offers_awaiting_confirmation(tenant: Tenant, coordinator: Client) -> None:
    tenant.center.confirm_mode = Center.ConfirmMode.COORDINATOR
    tenant.center.save()
    offer = OfferFactory(
        request=phone_request(tenant.center, status=Status.OFFERED),
        status=Offer.Status.ACCEPTED,
        awaiting_confirmation=True,
        responded_at=timezone.now(),
    )

    response = coordinator.get(reverse("matching-console"))

    assert [o.pk for o in response.context["overview"].awaiting.rows] == [offer.pk]
    assert reverse("matching-offer-confirm", args=[offer.pk]) in response.text


def test_console_leaves_out_other_centers(
    tenant: Tenant, other_tenant: Tenant, coordinator: Client
) -> None:
    phone_request(other_tenant.center)

    response = coordinator.get(reverse("matching-console"))

    assert response.context["overview"].open.total == 0


def test_home_card_counts_requests_at_risk(tenant: Tenant, coordinator: Client) -> None:
    phone_request(
        tenant.center,
        start=timezone.now() + dt.timedelta(hours=5),
        end=timezone.now() + dt.timedelta(hours=6),
    )
    phone_request(tenant.center)  # next week: not at risk

    response = coordinator.get(reverse("home"))

    cards = [c for c in response.context["home_cards"] if "48 hours" in str(c.label)]
    assert [c.figure for c in cards] == [1]
    assert reverse("matching-console") in response.text


def test_the_menu_has_the_console_for_coordinators_only(tenant: Tenant) -> None:
    url = reverse("matching-console")
    assert f'href="{url}"' in client_for(tenant.users["coordinator"]).get(reverse("home")).text
    assert f'href="{url}"' not in client_for(tenant.users["caseworker"]).get(reverse("home")).text


# --- run now ------------------------------------------------------------------------------


def test_run_now_runs_the_engine_and_makes_offers(tenant: Tenant, coordinator: Client) -> None:
    request = phone_request(tenant.center)
    profile = available_interpreter(tenant.center)

    response = coordinator.post(reverse("matching-run-now"), {"center": tenant.center.pk})

    run = MatchingRun.objects.get(center=tenant.center)
    assert response.status_code == 302
    assert response["Location"] == reverse("matching-run-detail", args=[run.pk])
    assert run.trigger == MatchingRun.Trigger.MANUAL
    assert run.requested_by == tenant.users["coordinator"]
    assert run.stats["offers_created"] == 1
    offer = Offer.objects.get(request=request)
    assert offer.interpreter == profile
    assert offer.run_id == run.pk
    page = coordinator.get(response["Location"])
    assert "Run finished: 1 of 1 requests filled, 1 offers made." in page.text
    assert profile.volunteer.display_name in page.text


def test_run_now_needs_a_post_and_a_known_center(tenant: Tenant, coordinator: Client) -> None:
    assert coordinator.get(reverse("matching-run-now")).status_code == 405
    assert coordinator.post(reverse("matching-run-now"), {"center": "x"}).status_code == 404
    assert coordinator.post(reverse("matching-run-now"), {}).status_code == 404
    assert not MatchingRun.objects.exists()


def test_run_page_explains_an_unfilled_request_with_a_hint(
    tenant: Tenant, coordinator: Client
) -> None:
    request = InterpreterRequestFactory(center=tenant.center, mode=Mode.VIDEO)
    available_interpreter(tenant.center)  # works in person and by phone, not by video
    available_interpreter(tenant.center)
    run = run_for(tenant.center)

    response = coordinator.get(reverse("matching-run-detail", args=[run.pk]))

    assert response.status_code == 200
    assert response.context["unfilled_rows"][0][1] == request
    assert "some interpreters do not work in this mode" in response.text
    assert "2 interpreters available by phone" in response.text


def test_run_page_in_german(tenant: Tenant) -> None:
    InterpreterRequestFactory(center=tenant.center, mode=Mode.VIDEO)
    available_interpreter(tenant.center)
    run = run_for(tenant.center)
    client = Client(headers={"accept-language": "de"})
    client.force_login(tenant.users["coordinator"])

    response = client.get(reverse("matching-run-detail", args=[run.pk]))

    assert "Nicht besetzt" in response.text


def test_instance_download_is_the_runs_instance_and_audited(
    tenant: Tenant, coordinator: Client
) -> None:
    phone_request(tenant.center)
    available_interpreter(tenant.center)
    run = run_for(tenant.center)

    response = coordinator.get(reverse("matching-run-instance", args=[run.pk]))

    assert response.status_code == 200
    assert response.json() == run.instance
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_id=str(run.pk)
    ).exists()


def test_run_list_filters_by_center_and_has_an_empty_state(
    tenant: Tenant, other_tenant: Tenant, coordinator: Client
) -> None:
    assert "No run yet" in coordinator.get(reverse("matching-runs")).text
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=tenant.users["coordinator"], center=other_tenant.center, role="coordinator"
    )
    for center in (tenant.center, other_tenant.center):
        MatchingRun.objects.create(
            center=center,
            trigger=MatchingRun.Trigger.SCHEDULED,
            status=MatchingRun.Status.FINISHED,
            started_at=timezone.now(),
        )
    client = client_for(tenant.users["coordinator"])

    both = client.get(reverse("matching-runs"))
    one = client.get(reverse("matching-runs"), {"center": other_tenant.center.pk})
    garbage = client.get(reverse("matching-runs"), {"center": "9" * 40, "page": "-1"})

    assert both.context["page"].paginator.count == 2
    assert [r.center_id for r in one.context["page"]] == [other_tenant.center.pk]
    assert garbage.status_code == 200


# --- the manual override ------------------------------------------------------------------


def test_request_page_lists_interpreters_with_the_engines_check(
    tenant: Tenant, coordinator: Client
) -> None:
    request = phone_request(tenant.center)
    fits = available_interpreter(tenant.center, first_name="Amal", last_name="Haddad")
    busy_day = interpreter(center=tenant.center, first_name="Omar", last_name="Nasser")

    response = coordinator.get(reverse("matching-request", args=[request.pk]))

    by_id = {c.profile.pk: c for c in response.context["candidates"]}
    assert by_id[fits.pk].can_offer
    assert by_id[busy_day.pk].violations  # no weekly time then
    assert response.context["candidates"][0].profile == fits


def test_coordinator_offers_to_a_chosen_interpreter(tenant: Tenant, coordinator: Client) -> None:
    request = phone_request(tenant.center)
    profile = available_interpreter(tenant.center)

    response = coordinator.post(
        reverse("matching-request-offer", args=[request.pk]), {"interpreter": profile.pk}
    )

    assert response.status_code == 302
    offer = Offer.objects.get(request=request)
    assert offer.interpreter == profile
    assert offer.source == Offer.Source.COORDINATOR
    request.refresh_from_db()
    assert request.status == Status.OFFERED


def test_an_offer_breaking_a_hard_rule_is_refused_and_nothing_stored(
    tenant: Tenant, coordinator: Client
) -> None:
    request = phone_request(tenant.center, min_level="C2")
    profile = available_interpreter(tenant.center, languages=(("de", "C1"), ("ar", "B1")))

    response = coordinator.post(
        reverse("matching-request-offer", args=[request.pk]),
        {"interpreter": profile.pk},
        follow=True,
    )

    assert not Offer.objects.exists()
    request.refresh_from_db()
    assert request.status == Status.OPEN
    assert "was not offered" in response.text
    assert "level of some interpreters is too low" in response.text


def test_withdraw_asks_first_then_reopens_the_request(tenant: Tenant, coordinator: Client) -> None:
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
    url = reverse("matching-offer-withdraw", args=[offer.pk])

    page = coordinator.get(url)
    offer.refresh_from_db()
    assert page.status_code == 200
    assert offer.status == Offer.Status.PENDING
    assert "What follows" in page.text

    coordinator.post(url)

    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert offer.request.status == Status.OPEN


def test_withdraw_of_a_declined_offer_is_refused_and_changes_nothing(
    tenant: Tenant, coordinator: Client
) -> None:
    offer = OfferFactory(request=phone_request(tenant.center), status=Offer.Status.DECLINED)

    response = coordinator.post(reverse("matching-offer-withdraw", args=[offer.pk]), follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert "Only a pending offer can be withdrawn." in response.text


def test_confirm_assigns_an_accepted_offer(tenant: Tenant, coordinator: Client) -> None:
    tenant.center.confirm_mode = Center.ConfirmMode.COORDINATOR
    tenant.center.save()
    offer = OfferFactory(
        request=phone_request(tenant.center, status=Status.OFFERED),
        status=Offer.Status.ACCEPTED,
        awaiting_confirmation=True,
        responded_at=timezone.now(),
    )

    coordinator.post(reverse("matching-offer-confirm", args=[offer.pk]))

    offer.request.refresh_from_db()
    assert offer.request.status == Status.ASSIGNED
    assert Assignment.objects.filter(offer=offer).exists()


def test_confirm_of_a_pending_offer_is_refused_and_changes_nothing(
    tenant: Tenant, coordinator: Client
) -> None:
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))

    response = coordinator.post(reverse("matching-offer-confirm", args=[offer.pk]), follow=True)

    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert offer.request.status == Status.OFFERED
    assert not Assignment.objects.exists()
    assert "not waiting for confirmation" in response.text


def test_confirm_needs_a_post(tenant: Tenant, coordinator: Client) -> None:
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
    assert coordinator.get(reverse("matching-offer-confirm", args=[offer.pk])).status_code == 405


def test_exclude_asks_first_then_excludes_and_withdraws_the_offer(
    tenant: Tenant, coordinator: Client
) -> None:
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
    url = reverse("matching-request-exclude", args=[offer.request_id, offer.interpreter_id])

    page = coordinator.get(url)
    assert "pending offer to them is withdrawn" in page.text
    assert not RequestExclusion.objects.exists()

    coordinator.post(url)

    exclusion = RequestExclusion.objects.get(request=offer.request)
    assert exclusion.interpreter_id == offer.interpreter_id
    assert exclusion.reason == RequestExclusion.Reason.COORDINATOR
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_exclude_on_a_finished_request_is_refused_and_changes_nothing(
    tenant: Tenant, coordinator: Client
) -> None:
    request = phone_request(tenant.center, status=Status.CANCELLED)
    profile = available_interpreter(tenant.center)

    response = coordinator.post(
        reverse("matching-request-exclude", args=[request.pk, profile.pk]), follow=True
    )

    assert not RequestExclusion.objects.exists()
    assert "only while the request is open or offered" in response.text


def test_request_page_shows_offers_and_exclusions(tenant: Tenant, coordinator: Client) -> None:
    request = phone_request(tenant.center)
    declined = OfferFactory(request=request, status=Offer.Status.DECLINED)
    RequestExclusionFactory(request=request, interpreter=declined.interpreter)

    response = coordinator.get(reverse("matching-request", args=[request.pk]))

    assert response.text.count(declined.interpreter.volunteer.display_name) >= 2
    assert "declined the offer" in response.text


# --- bounded queries ----------------------------------------------------------------------


def _rows(tenant: Tenant, n: int) -> None:
    for _ in range(n):
        OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
        phone_request(tenant.center)
        MatchingRun.objects.create(
            center=tenant.center,
            trigger=MatchingRun.Trigger.SCHEDULED,
            status=MatchingRun.Status.FINISHED,
            started_at=timezone.now(),
            stats={"requests": 1, "filled": 1, "unfilled": 0, "offers_created": 1},
        )


@pytest.mark.parametrize("name", ["matching-console", "matching-runs"])
def test_list_pages_read_in_a_bounded_number_of_queries(
    tenant: Tenant, coordinator: Client, django_assert_max_num_queries, name: str
) -> None:
    _rows(tenant, 2)
    coordinator.get(reverse(name))  # warm caches (session, memberships)
    with django_assert_max_num_queries(20) as few:
        coordinator.get(reverse(name))
    _rows(tenant, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator.get(reverse(name))


def test_only_the_best_interpreters_are_checked_and_listed(tenant: Tenant) -> None:
    from matching.selectors import request_candidates

    request = phone_request(tenant.center)
    fits = available_interpreter(tenant.center)
    interpreter(center=tenant.center)  # no weekly time: the engine cannot use them
    interpreter(center=tenant.center)

    candidates, total = request_candidates(
        user=tenant.users["coordinator"], request=request, limit=2
    )

    assert total == 3
    assert len(candidates) == 2
    assert candidates[0].profile == fits
    assert candidates[0].can_offer


def test_a_request_with_an_offer_out_lists_interpreters_without_offer_buttons(
    tenant: Tenant, coordinator: Client
) -> None:
    offer = OfferFactory(request=phone_request(tenant.center, status=Status.OFFERED))
    available_interpreter(tenant.center)

    response = coordinator.get(reverse("matching-request", args=[offer.request_id]))

    assert not any(c.can_offer for c in response.context["candidates"])
    assert reverse("matching-request-offer", args=[offer.request_id]) not in response.text
    assert reverse("matching-offer-withdraw", args=[offer.pk]) in response.text


def test_a_failed_run_shows_its_error(tenant: Tenant, coordinator: Client) -> None:
    run = MatchingRun.objects.create(
        center=tenant.center,
        trigger=MatchingRun.Trigger.MANUAL,
        status=MatchingRun.Status.FAILED,
        started_at=timezone.now(),
        error="RuntimeError: boom",
    )

    response = coordinator.get(reverse("matching-run-detail", args=[run.pk]))

    assert response.status_code == 200
    assert "RuntimeError: boom" in response.text


def test_console_says_when_an_accepted_offer_waits_for_the_coordinator(
    tenant: Tenant, coordinator: Client
) -> None:
    tenant.center.confirm_mode = Center.ConfirmMode.COORDINATOR
    tenant.center.save()
    offer = OfferFactory(
        request=phone_request(tenant.center, status=Status.OFFERED),
        status=Offer.Status.ACCEPTED,
        awaiting_confirmation=True,
        responded_at=timezone.now(),
    )

    response = coordinator.get(reverse("matching-console"))

    name = offer.interpreter.volunteer.display_name
    assert f"accepted by {name}, waiting for your confirmation" in response.text


def test_the_console_lists_interpreters_without_a_confirmed_address(client, tenant) -> None:  # type: ignore[no-untyped-def]
    from tests.sprachpool.factories import interpreter as make_interpreter

    unconfirmed = make_interpreter(center=tenant.center, email_confirmed_at=None)
    confirmed = make_interpreter(center=tenant.center)
    type(confirmed.volunteer).objects.filter(pk=confirmed.volunteer_id).update(
        email_confirmed_at=timezone.now()
    )
    client.force_login(tenant.users["coordinator"])
    page = client.get("/matching/").content.decode()
    assert unconfirmed.volunteer.display_name in page
    assert f"/volunteers/{unconfirmed.volunteer_id}/resend/" in page
    assert f"/volunteers/{confirmed.volunteer_id}/resend/" not in page
