"""A changed e-mail address is confirmed again before it counts: the link goes to the new
address, a notice to the old one, ``email_confirmed_at`` is cleared until the link is
opened; by the volunteer (``/my/``), a coordinator (web) and the API alike."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent, User
from volunteers import services
from volunteers.models import Volunteer

from .factories import VolunteerFactory

pytestmark = pytest.mark.django_db

S = Volunteer.Status
OLD = "vera@example.org"
NEW = "vera.neu@example.org"
CONFIRMED_AT = dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english():
    """Mails and messages are checked in English (the catalogs are checked elsewhere)."""
    with translation.override("en"):
        yield


def client_for(user: User | None = None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def confirmed_volunteer(tenant, *, status: str = S.ACTIVE, **extra) -> Volunteer:
    """A volunteer with a login whose address was confirmed through its link."""
    fields = {
        "center": tenant.center,
        "user": tenant.users["volunteer"],
        "first_name": "Vera",
        "last_name": "Haddad",
        "email": OLD,
        "phone": "+4915123456789",
        "status": status,
        "confirmed_via": Volunteer.ConfirmedVia.EMAIL,
        "email_confirmed_at": CONFIRMED_AT,
    }
    fields.update(extra)
    return VolunteerFactory(**fields)


@pytest.fixture
def vera(tenant) -> Volunteer:
    return confirmed_volunteer(tenant)


def contact_form(volunteer: Volunteer, **overrides) -> dict[str, str]:
    data = {
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "email": volunteer.email,
        "phone": "0151 23456789",
        "place": str(volunteer.home_place_id or ""),
        "postcode": volunteer.postcode,
    }
    data.update(overrides)
    return data


def mails_to(mailoutbox, address: str) -> list:
    return [mail for mail in mailoutbox if mail.to == [address]]


def link_in(mail) -> str:
    """The path of the confirmation link in a mail."""
    match = re.search(r"/register/confirm/[^/\s]+/", mail.body)
    assert match, mail.body
    return match.group(0)


def change_own_address(vera: Volunteer, tenant, capture, email: str = NEW):
    with capture(execute=True):
        response = client_for(tenant.users["volunteer"]).post(
            reverse("my-contact"), contact_form(vera, email=email)
        )
    assert response.status_code == 302, response.content.decode()
    vera.refresh_from_db()
    return response


# --------------------------------------------------------------------------- the change


def test_own_change_clears_the_confirmation_and_keeps_the_status(
    vera, tenant, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    assert vera.email == NEW
    assert vera.email_confirmed_at is None and not vera.email_confirmed
    assert vera.status == S.ACTIVE


def test_own_change_sends_a_link_for_the_new_address_to_the_new_address(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    [mail] = mails_to(mailoutbox, NEW)
    assert link_in(mail) == reverse(
        "volunteer-register-confirm", args=[services.confirmation_token(vera)]
    )
    assert "new e-mail address" in mail.subject
    assert "thank you for registering" not in mail.body
    assert "Vera" not in mail.body  # the new address is not trusted yet: no name


def test_own_change_sends_the_old_address_a_notice_without_link_or_new_address(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    tenant.center.email = "wir@example.org"
    tenant.center.save()
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    [notice] = mails_to(mailoutbox, OLD)
    assert "was changed" in notice.subject
    assert "/register/confirm/" not in notice.body and "http" not in notice.body
    assert NEW not in notice.body + notice.subject
    assert "If you did not make or ask for this change" in notice.body
    assert "wir@example.org" in notice.body
    assert len(mailoutbox) == 2


def test_nothing_is_mailed_before_the_change_commits(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    assert mailoutbox == [] and len(callbacks) == 2


def test_the_change_is_audited_with_field_names_only(
    vera, tenant, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="update", object_id=str(vera.pk))
    assert event.detail == {
        "fields": ["email", "email_confirmed_at"],
        "sent": ["email_confirmation", "email_changed_notice"],
    }


def test_the_volunteer_is_told_that_a_link_was_sent(
    vera, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.users["volunteer"]).post(
            reverse("my-contact"), contact_form(vera, email=NEW), follow=True
        )
    assert "We sent a link to your new e-mail address" in response.content.decode()


def test_only_a_different_case_changes_and_sends_nothing(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    vera = confirmed_volunteer(tenant, email="Vera@Example.org")
    change_own_address(vera, tenant, django_capture_on_commit_callbacks, email="vera@example.org")
    assert mailoutbox == []
    assert vera.email_confirmed_at == CONFIRMED_AT
    assert not AuditEvent.objects.filter(action="update", object_id=str(vera.pk)).exists()


def test_an_unchanged_address_sends_nothing(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks, email=OLD)
    assert mailoutbox == [] and vera.email_confirmed_at == CONFIRMED_AT


def test_a_bad_new_address_stores_and_sends_nothing(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.users["volunteer"]).post(
            reverse("my-contact"), contact_form(vera, email="not-an-address")
        )
    assert response.status_code == 200
    vera.refresh_from_db()
    assert vera.email == OLD and vera.email_confirmed_at == CONFIRMED_AT
    assert mailoutbox == []


def test_a_failing_combined_change_sends_nothing(
    vera, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.volunteer_change(actor=None, volunteer=vera, email=NEW, languages=[("xx", "B1")])
    vera.refresh_from_db()
    assert vera.email == OLD and vera.email_confirmed_at == CONFIRMED_AT
    assert mailoutbox == []


def test_a_registration_gets_its_registration_link_at_the_new_address_and_no_notice(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    pending = VolunteerFactory(center=tenant.center, email=OLD, status=S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_update(actor=None, volunteer=pending, email=NEW)
    pending.refresh_from_db()
    assert pending.status == S.REGISTERED and pending.email_confirmed_at is None
    [mail] = mailoutbox
    assert mail.to == [NEW]
    assert "Please confirm your registration" in mail.subject
    # The token carries the second it was signed: compare what it says, not its text.
    prefix = reverse("volunteer-register-confirm", args=["T"]).removesuffix("T/")
    link = link_in(mail)
    assert link.startswith(prefix)
    assert services.read_confirmation_token(link.removeprefix(prefix).rstrip("/")) == (
        pending.pk,
        NEW,
    )


def test_an_address_never_confirmed_gets_a_link_but_the_old_one_no_notice(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    met = VolunteerFactory(
        center=tenant.center,
        email=OLD,
        status=S.ACTIVE,
        confirmed_via=Volunteer.ConfirmedVia.IN_PERSON,
        email_confirmed_at=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_update(actor=None, volunteer=met, email=NEW)
    assert [mail.to for mail in mailoutbox] == [[NEW]]


# --------------------------------------------------------------------------- re-confirmation


def test_the_link_page_confirms_the_new_address_and_keeps_the_status(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    url = link_in(mails_to(mailoutbox, NEW)[0])
    client = client_for()
    assert "this is your new e-mail address" in client.get(url).content.decode()
    vera.refresh_from_db()
    assert vera.email_confirmed_at is None  # opening the link (e.g. a mail scanner) is not enough
    response = client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your e-mail address is confirmed" in page and "look at your registration" not in page
    vera.refresh_from_db()
    assert vera.email_confirmed and vera.status == S.ACTIVE


def test_the_reconfirmation_is_audited(vera):
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    _volunteer, changed = services.volunteer_confirm_email(token=services.confirmation_token(vera))
    assert changed
    event = AuditEvent.objects.filter(object_id=str(vera.pk)).latest("pk")
    assert event.action == "update"
    assert event.detail == {"fields": ["email_confirmed_at"], "via": "email_link"}


def test_a_second_click_on_the_new_link_changes_nothing(vera):
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    token = services.confirmation_token(vera)
    first, _changed = services.volunteer_confirm_email(token=token)
    again, changed_again = services.volunteer_confirm_email(token=token)
    assert not changed_again and again.email_confirmed_at == first.email_confirmed_at


def test_the_reconfirmation_tells_no_coordinator(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    # Status "confirmed" (still waiting for approval): the notification task would mail.
    waiting = confirmed_volunteer(tenant, status=S.CONFIRMED)
    services.volunteer_update(actor=None, volunteer=waiting, email=NEW)
    with django_capture_on_commit_callbacks(execute=True):
        _volunteer, changed = services.volunteer_confirm_email(
            token=services.confirmation_token(waiting)
        )
    assert changed
    assert mailoutbox == []
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED and waiting.email_confirmed


def test_the_link_for_the_previous_address_is_void_after_the_change(vera):
    old_token = services.confirmation_token(vera)
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    with pytest.raises(ValidationError) as exc:
        services.volunteer_confirm_email(token=old_token)
    assert exc.value.code == "invalid"
    vera.refresh_from_db()
    assert vera.email_confirmed_at is None


def test_a_registration_link_still_confirms_the_registration_and_tells_the_coordinators(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    pending = VolunteerFactory(center=tenant.center, email=OLD, status=S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_confirm_email(token=services.confirmation_token(pending))
    pending.refresh_from_db()
    assert pending.status == S.CONFIRMED and pending.email_confirmed
    assert [mail.to for mail in mailoutbox] == [[tenant.users["coordinator"].email]]


# --------------------------------------------------------------------------- coordinators, API


def test_coordinator_change_on_the_web_sends_link_and_notice(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    form = contact_form(vera, email=NEW, interests=["interpreting"], notes="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.users["coordinator"]).post(
            reverse("volunteer-edit", args=[vera.pk]), form
        )
    assert response.status_code == 302
    vera.refresh_from_db()
    assert vera.email == NEW and vera.email_confirmed_at is None and vera.status == S.ACTIVE
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([OLD, NEW])
    assert "/register/confirm/" in mails_to(mailoutbox, NEW)[0].body
    assert "/register/confirm/" not in mails_to(mailoutbox, OLD)[0].body


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_api_change_sends_link_and_notice_and_shows_the_address_unconfirmed(
    vera, api_as, role, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(role).patch(
            f"/api/v1/volunteers/{vera.pk}/", {"email": NEW}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["email"] == NEW and body["email_confirmed_at"] is None
    assert body["status"] == "active"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([OLD, NEW])


def test_api_shows_the_confirmation_time_again_after_the_link(vera, api_as):
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    services.volunteer_confirm_email(token=services.confirmation_token(vera))
    body = api_as("coordinator").get(f"/api/v1/volunteers/{vera.pk}/").json()
    assert body["email"] == NEW and body["email_confirmed_at"] is not None


@pytest.mark.parametrize(
    "confirmed_at, badge",
    [(None, '<span class="badge warn">not confirmed</span>'), (CONFIRMED_AT, "confirmed</span>")],
)
def test_coordinator_detail_shows_whether_the_address_is_confirmed(tenant, confirmed_at, badge):
    volunteer = confirmed_volunteer(tenant, email_confirmed_at=confirmed_at)
    page = (
        client_for(tenant.users["coordinator"])
        .get(reverse("volunteer-detail", args=[volunteer.pk]))
        .content.decode()
    )
    assert badge in page
    assert ("not confirmed" in page) is (confirmed_at is None)


def test_coordinator_can_send_the_link_for_an_unconfirmed_address_again(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    volunteer = confirmed_volunteer(tenant, email=NEW, email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(tenant.users["coordinator"]).post(
            reverse("volunteer-resend", args=[volunteer.pk])
        )
    [mail] = mailoutbox
    assert mail.to == [NEW] and "new e-mail address" in mail.subject


def test_coordinator_resend_sends_nothing_for_a_confirmed_address(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(tenant.users["coordinator"]).post(reverse("volunteer-resend", args=[vera.pk]))
    assert mailoutbox == []


# --------------------------------------------------------------------------- /my/


NOTICE = "Your new e-mail address is not confirmed yet"


@pytest.mark.parametrize("confirmed_at, shown", [(None, True), (CONFIRMED_AT, False)])
def test_my_page_shows_the_notice_and_button_only_while_unconfirmed(tenant, confirmed_at, shown):
    confirmed_volunteer(tenant, email_confirmed_at=confirmed_at)
    page = client_for(tenant.users["volunteer"]).get(reverse("my-volunteer")).content.decode()
    assert (NOTICE in page) is shown
    assert (reverse("my-confirmation-resend") in page) is shown


def test_my_page_keeps_the_registration_text_for_a_registration(tenant):
    confirmed_volunteer(tenant, status=S.REGISTERED, confirmed_via="", email_confirmed_at=None)
    page = client_for(tenant.users["volunteer"]).get(reverse("my-volunteer")).content.decode()
    assert "Please confirm your e-mail address with the link we sent you" in page
    assert NOTICE not in page and reverse("my-confirmation-resend") not in page


def test_my_notice_is_in_german(tenant):
    confirmed_volunteer(tenant, email_confirmed_at=None)
    page = (
        client_for(tenant.users["volunteer"], language="de")
        .get(reverse("my-volunteer"))
        .content.decode()
    )
    assert "Ihre neue E-Mail-Adresse ist noch nicht bestätigt" in page


def test_my_resend_button_sends_the_link_once_per_interval(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_volunteer(tenant, email=NEW, email_confirmed_at=None)
    client = client_for(tenant.users["volunteer"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("my-confirmation-resend"), follow=True)
        second = client.post(reverse("my-confirmation-resend"), follow=True)
    assert [mail.to for mail in mailoutbox] == [[NEW]]
    assert "We sent the link again" in first.content.decode()
    assert "only a few minutes ago" in second.content.decode()


def test_my_resend_sends_nothing_for_a_confirmed_address(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.users["volunteer"]).post(
            reverse("my-confirmation-resend"), follow=True
        )
    assert mailoutbox == []
    assert "already confirmed" in response.content.decode()


def test_my_resend_needs_post(vera, tenant):
    response = client_for(tenant.users["volunteer"]).get(reverse("my-confirmation-resend"))
    assert response.status_code == 405


# --------------------------------------------------------------------------- the login


def reset_mails(client: Client, address: str, mailoutbox) -> list:
    """Ask for a password reset for ``address``; the mails that went out for it."""
    before = len(mailoutbox)
    client.post(reverse("password_reset"), {"email": address})
    return mailoutbox[before:]


def test_the_login_keeps_its_address_until_the_new_one_is_confirmed(tenant):
    user = tenant.users["volunteer"]
    user.email = OLD
    user.save()
    vera = confirmed_volunteer(tenant)
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    user.refresh_from_db()
    assert user.email == OLD
    services.volunteer_confirm_email(token=services.confirmation_token(vera))
    user.refresh_from_db()
    assert user.email == NEW


def test_the_password_reset_goes_only_to_the_confirmed_address(tenant, mailoutbox):
    user = tenant.users["volunteer"]
    user.email = OLD
    user.save()
    vera = confirmed_volunteer(tenant)
    services.volunteer_update(actor=None, volunteer=vera, email=NEW)
    mailoutbox.clear()
    assert reset_mails(client_for(), NEW, mailoutbox) == []
    [mail] = reset_mails(client_for(), OLD, mailoutbox)
    assert mail.to == [OLD]


def test_a_registration_gets_no_password_reset_before_its_address_is_confirmed(tenant, mailoutbox):
    from tests.volunteers.test_services import registration

    volunteer = services.volunteer_register(**registration(tenant, email=NEW))
    mailoutbox.clear()
    assert reset_mails(client_for(), NEW, mailoutbox) == []
    services.volunteer_confirm_email(token=services.confirmation_token(volunteer))
    [mail] = reset_mails(client_for(), NEW, mailoutbox)
    assert mail.to == [NEW]


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "network_lead", "is_staff"])
def test_a_login_with_a_staff_role_elsewhere_is_never_changed_through_the_record(
    tenant, other_tenant, api_as, role, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory

    login = tenant.users["volunteer"]
    login.email, login.first_name = "staff@example.org", "Staff"
    if role == "is_staff":
        login.is_staff = True
    else:
        MembershipFactory(user=login, center=other_tenant.center, role=role)
    login.save()
    vera = confirmed_volunteer(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("coordinator").patch(
            f"/api/v1/volunteers/{vera.pk}/",
            {"email": "attacker@example.org", "first_name": "Mallory"},
            format="json",
        )
    assert response.status_code == 200, response.json()
    vera.refresh_from_db()
    services.volunteer_confirm_email(token=services.confirmation_token(vera))
    login.refresh_from_db()
    assert (login.email, login.first_name) == ("staff@example.org", "Staff")
    mailoutbox.clear()
    assert reset_mails(client_for(), "attacker@example.org", mailoutbox) == []


def test_the_notice_to_the_old_address_says_it_stays_in_use_until_confirmation(
    vera, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    change_own_address(vera, tenant, django_capture_on_commit_callbacks)
    [notice] = mails_to(mailoutbox, OLD)
    assert "From now on we will write to the new address" not in notice.body
    assert "Until then this address stays the one of your login" in notice.body
