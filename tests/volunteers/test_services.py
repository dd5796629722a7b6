"""Services of the volunteer registry: languages, slots, registration, double opt-in,
the status workflow, paperwork, absences, export and anonymisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import AuditEvent, Membership, Place, Role, User
from tests.factories import PlaceFactory, UserFactory
from volunteers import services
from volunteers.models import Consent, LanguageSkill, PoliceCertificate, Volunteer, WeeklySlot
from volunteers.privacy import PRIVACY_NOTICE_VERSION

from .factories import (
    AbsenceFactory,
    LanguageSkillFactory,
    PledgeSignatureFactory,
    VolunteerFactory,
    WeeklySlotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here (German is covered by the page tests)."""
    with translation.override("en"):
        yield


S = Volunteer.Status


def t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


# --------------------------------------------------------------------------- languages


def test_languages_set_replaces_the_skills_and_audits(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    LanguageSkillFactory(volunteer=volunteer, language_id="tr", level="B1")
    actor = tenant.users["coordinator"]
    services.volunteer_languages_set(
        actor=actor, volunteer=volunteer, languages=[("ar", "native"), ("de", "C1")]
    )
    assert set(volunteer.languages.values_list("language_id", "level")) == {
        ("ar", "native"),
        ("de", "C1"),
    }
    event = AuditEvent.objects.filter(object_id=str(volunteer.pk), actor=actor).get()
    assert event.detail["fields"] == ["languages"]


@pytest.mark.parametrize(
    "languages, fragment",
    [
        ([("xx", "B1")], "Unknown language"),
        ([("ar", "B3")], "Unknown level"),
        ([("ar", "B1"), ("ar", "C1")], "only once"),
        ([("x" * 100_000, "B1")], "Unknown language"),
    ],
)
def test_bad_languages_store_nothing(languages, fragment):
    volunteer = VolunteerFactory()
    LanguageSkillFactory(volunteer=volunteer, language_id="tr", level="B1")
    with pytest.raises(ValidationError) as exc:
        services.volunteer_languages_set(actor=None, volunteer=volunteer, languages=languages)
    assert fragment in " ".join(exc.value.message_dict["languages"])
    assert list(volunteer.languages.values_list("language_id", flat=True)) == ["tr"]


# --------------------------------------------------------------------------- slots


def test_weekly_slots_set_replaces_the_slots():
    volunteer = VolunteerFactory()
    WeeklySlotFactory(volunteer=volunteer, weekday=5)
    services.volunteer_weekly_slots_set(
        actor=None, volunteer=volunteer, slots=[(0, t(9), t(12)), (0, t(12), t(14))]
    )
    assert list(volunteer.weekly_slots.values_list("weekday", "start_time", "end_time")) == [
        (0, t(9), t(12)),
        (0, t(12), t(14)),
    ]


@pytest.mark.parametrize(
    "slots",
    [
        [(0, t(12), t(9))],
        [(0, t(9), t(9))],
        [(1, t(9), t(12)), (1, t(11), t(13))],
        [(7, t(9), t(12))],
    ],
)
def test_bad_slots_store_nothing(slots):
    volunteer = VolunteerFactory()
    WeeklySlotFactory(volunteer=volunteer, weekday=5)
    with pytest.raises(ValidationError) as exc:
        services.volunteer_weekly_slots_set(actor=None, volunteer=volunteer, slots=slots)
    assert exc.value.message_dict["availability"]
    assert list(volunteer.weekly_slots.values_list("weekday", flat=True)) == [5]


# --------------------------------------------------------------------------- registration


def registration(tenant, **overrides):
    town = Place.objects.filter(center=tenant.center, name="Bad Nauheim").first() or PlaceFactory(
        center=tenant.center, name="Bad Nauheim", postcode="61231"
    )
    data = dict(
        center=tenant.center,
        first_name="Amal",
        last_name="Yousef",
        email="amal@example.org",
        phone="0151 23456789",
        place=town.pk,
        languages=[("ar", "native"), ("de", "B2")],
        interests=["interpreting"],
        availability=[(0, t(9), t(12))],
        privacy_consent=True,
        privacy_version=PRIVACY_NOTICE_VERSION,
        username="amal",
        password="Sommer-Wind-2026",
    )
    data.update(overrides)
    return data


def test_registration_stores_everything_and_mails_the_link(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer = services.volunteer_register(**registration(tenant))
    assert volunteer.status == S.REGISTERED
    assert volunteer.phone == "+4915123456789"
    assert volunteer.home_place.name == "Bad Nauheim" and volunteer.postcode == "61231"
    assert volunteer.user.check_password("Sommer-Wind-2026")
    assert not Membership.objects.filter(user=volunteer.user).exists()
    consent = Consent.objects.get(volunteer=volunteer)
    assert consent.version == PRIVACY_NOTICE_VERSION and consent.given_at is not None
    assert volunteer.languages.count() == 2 and volunteer.weekly_slots.count() == 1
    assert len(mailoutbox) == 1 and "/register/confirm/" in mailoutbox[0].body


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"privacy_consent": False}, "privacy_consent"),
        ({"privacy_version": "2020-01"}, "privacy_version"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "0151 2345678901234"}, "phone"),
        ({"first_name": "A" * 100_000}, "first_name"),
        ({"languages": [("zz", "B1")]}, "languages"),
        ({"languages": []}, "languages"),
        ({"availability": [(0, t(12), t(9))]}, "availability"),
        ({"interests": ["knitting"]}, "interests"),
        ({"place": None, "postcode": ""}, "place"),
        ({"postcode": "ABCDE", "place": None}, "postcode"),
        ({"password": "123"}, "password"),
        ({"username": "bad name!"}, "username"),
    ],
)
def test_bad_registration_stores_nothing(tenant, mailoutbox, overrides, field):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.volunteer_register(**registration(tenant, **overrides))
    assert field in exc.value.message_dict
    assert Volunteer.objects.count() == 0
    assert User.objects.count() == users_before
    assert Consent.objects.count() == 0 and LanguageSkill.objects.count() == 0
    assert mailoutbox == []


def test_registration_reports_several_errors_at_once(tenant):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_register(
            **registration(tenant, email="x", phone="1", privacy_consent=False)
        )
    assert {"email", "phone", "privacy_consent"} <= set(exc.value.message_dict)


def test_same_email_twice_in_a_center_stores_nothing_and_says_so_by_mail(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    services.volunteer_register(**registration(tenant))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.volunteer_register(
            **registration(tenant, email="AMAL@example.org", username="a2")
        )
    assert again is None
    assert Volunteer.objects.count() == 1 and not User.objects.filter(username="a2").exists()
    [mail] = mailoutbox
    assert mail.to == ["amal@example.org"] and "/accounts/password_reset/" in mail.body


def test_taken_username_stores_nothing_and_says_so_by_mail(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="amal")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.volunteer_register(**registration(tenant)) is None
    assert not Volunteer.objects.exists()
    [mail] = mailoutbox
    assert mail.to == ["amal@example.org"] and "/register/" in mail.body


# --------------------------------------------------------------------------- double opt-in


def test_confirmation_link_confirms_once(tenant):
    volunteer = services.volunteer_register(**registration(tenant))
    token = services.confirmation_token(volunteer)
    confirmed, changed = services.volunteer_confirm_email(token=token)
    assert changed and confirmed.status == S.CONFIRMED
    assert confirmed.confirmed_via == Volunteer.ConfirmedVia.EMAIL
    assert confirmed.email_confirmed_at is not None
    again, changed_again = services.volunteer_confirm_email(token=token)
    assert not changed_again and again.status == S.CONFIRMED


def test_confirmed_registration_is_announced_to_the_centers_coordinators_without_names(
    tenant, other_tenant, mailoutbox, django_capture_on_commit_callbacks
):
    volunteer = services.volunteer_register(**registration(tenant))
    mailoutbox.clear()  # the opt-in mail to the registrant
    token = services.confirmation_token(volunteer)

    # the task runs through django-q2 (sync in tests) once the confirmation commits
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_confirm_email(token=token)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [tenant.users["coordinator"].email]  # not the other center's
    assert tenant.center.name in mail.subject
    assert "/volunteers/approvals/" in mail.body
    assert volunteer.first_name not in mail.body + mail.subject
    assert volunteer.email not in mail.body


def test_a_second_confirmation_click_announces_nothing(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    volunteer = services.volunteer_register(**registration(tenant))
    token = services.confirmation_token(volunteer)
    services.volunteer_confirm_email(token=token)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_confirm_email(token=token)

    assert mailoutbox == []


def test_tampered_token_changes_nothing(tenant):
    volunteer = services.volunteer_register(**registration(tenant))
    token = services.confirmation_token(volunteer)
    with pytest.raises(ValidationError) as exc:
        services.volunteer_confirm_email(
            token=token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        )
    assert exc.value.code == "invalid"
    volunteer.refresh_from_db()
    assert volunteer.status == S.REGISTERED


def test_token_signed_for_another_volunteer_id_is_rejected(tenant):
    volunteer = services.volunteer_register(**registration(tenant))
    forged = signing.dumps({"v": volunteer.pk, "e": volunteer.email}, salt="another-salt")
    with pytest.raises(ValidationError):
        services.volunteer_confirm_email(token=forged)


def test_expired_token_changes_nothing(tenant, monkeypatch):
    volunteer = services.volunteer_register(**registration(tenant))
    token = services.confirmation_token(volunteer)
    monkeypatch.setattr(services.registration, "CONFIRM_MAX_AGE", dt.timedelta(seconds=-1))
    with pytest.raises(ValidationError) as exc:
        services.volunteer_confirm_email(token=token)
    assert exc.value.code == "expired"
    volunteer.refresh_from_db()
    assert volunteer.status == S.REGISTERED


def test_token_is_void_after_the_address_changed(tenant):
    volunteer = services.volunteer_register(**registration(tenant))
    token = services.confirmation_token(volunteer)
    services.volunteer_update(actor=None, volunteer=volunteer, email="new@example.org")
    with pytest.raises(ValidationError):
        services.volunteer_confirm_email(token=token)


# --------------------------------------------------------------------------- workflow


def test_approval_grants_the_volunteer_membership(tenant):
    volunteer = services.volunteer_register(**registration(tenant))
    services.volunteer_confirm_email(token=services.confirmation_token(volunteer))
    coordinator = tenant.users["coordinator"]
    approved = services.volunteer_approve(actor=coordinator, volunteer=volunteer)
    assert approved.status == S.APPROVED and approved.approved_by == coordinator
    assert Membership.objects.filter(
        user=volunteer.user, center=tenant.center, role=Role.VOLUNTEER
    ).exists()
    assert AuditEvent.objects.filter(
        action="transition", object_id=str(volunteer.pk), detail__to="approved"
    ).exists()


def test_unconfirmed_registration_needs_an_in_person_meeting(tenant):
    volunteer = VolunteerFactory(center=tenant.center, status=S.REGISTERED)
    with pytest.raises(ValidationError) as exc:
        services.volunteer_approve(actor=tenant.users["coordinator"], volunteer=volunteer)
    assert "met_in_person" in exc.value.message_dict
    volunteer.refresh_from_db()
    assert volunteer.status == S.REGISTERED


def test_in_person_approval_records_how_it_was_confirmed(tenant):
    volunteer = VolunteerFactory(center=tenant.center, status=S.REGISTERED)
    approved = services.volunteer_approve(
        actor=tenant.users["coordinator"], volunteer=volunteer, met_in_person=True
    )
    assert approved.status == S.APPROVED
    assert approved.confirmed_via == Volunteer.ConfirmedVia.IN_PERSON
    assert approved.email_confirmed_at is None


def test_whole_legal_path_ends_in_left():
    volunteer = VolunteerFactory(status=S.CONFIRMED)
    for service, expected in [
        (services.volunteer_approve, S.APPROVED),
        (services.volunteer_activate, S.ACTIVE),
        (services.volunteer_pause, S.PAUSED),
        (services.volunteer_resume, S.ACTIVE),
        (services.volunteer_leave, S.LEFT),
    ]:
        volunteer = service(actor=None, volunteer=volunteer)
        assert volunteer.status == expected
    assert volunteer.left_at is not None
    assert AuditEvent.objects.filter(action="transition", object_id=str(volunteer.pk)).count() == 5


@pytest.mark.parametrize(
    "service, start",
    [
        (services.volunteer_approve, S.ACTIVE),
        (services.volunteer_approve, S.LEFT),
        (services.volunteer_activate, S.CONFIRMED),
        (services.volunteer_activate, S.PAUSED),
        (services.volunteer_pause, S.APPROVED),
        (services.volunteer_pause, S.PAUSED),
        (services.volunteer_resume, S.ACTIVE),
        (services.volunteer_resume, S.LEFT),
        (services.volunteer_leave, S.LEFT),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(service, start):
    volunteer = VolunteerFactory(status=start)
    with pytest.raises(ValidationError) as exc:
        service(
            actor=None,
            volunteer=volunteer,
            **({"met_in_person": True} if service is services.volunteer_approve else {}),
        )
    assert exc.value.message_dict["status"]
    volunteer.refresh_from_db()
    assert volunteer.status == start
    assert not AuditEvent.objects.filter(action="transition").exists()


@pytest.mark.parametrize("start", [S.REGISTERED, S.CONFIRMED, S.APPROVED, S.ACTIVE, S.PAUSED])
def test_leave_is_possible_from_every_status(start):
    volunteer = VolunteerFactory(status=start)
    assert services.volunteer_leave(actor=None, volunteer=volunteer).status == S.LEFT


def test_leaving_removes_the_volunteer_membership(tenant):
    user = UserFactory()
    Membership.objects.create(user=user, center=tenant.center, role=Role.VOLUNTEER)
    volunteer = VolunteerFactory(center=tenant.center, user=user)
    services.volunteer_leave(actor=None, volunteer=volunteer)
    assert not Membership.objects.filter(user=user).exists()


# --------------------------------------------------------------------------- update


def test_update_parses_the_phone_and_audits_field_names_only(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    services.volunteer_update(actor=None, volunteer=volunteer, phone="0171 1234567")
    volunteer.refresh_from_db()
    assert volunteer.phone == "+491711234567"
    event = AuditEvent.objects.get(action="update", object_id=str(volunteer.pk))
    assert event.detail == {"fields": ["phone"]}


def test_update_with_bad_phone_stores_nothing():
    volunteer = VolunteerFactory(phone="+4915120000000", first_name="Ola")
    with pytest.raises(ValidationError) as exc:
        services.volunteer_update(actor=None, volunteer=volunteer, phone="abc", first_name="Eva")
    assert "phone" in exc.value.message_dict
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.first_name) == ("+4915120000000", "Ola")


def test_update_refuses_a_town_of_another_center(tenant, other_tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    foreign = PlaceFactory(center=other_tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.volunteer_update(actor=None, volunteer=volunteer, home_place=foreign.pk)
    assert "place" in exc.value.message_dict


def test_change_is_all_or_nothing():
    volunteer = VolunteerFactory(first_name="Ola")
    with pytest.raises(ValidationError) as exc:
        services.volunteer_change(
            actor=None, volunteer=volunteer, first_name="Eva", languages=[("zz", "B1")]
        )
    assert "languages" in exc.value.message_dict
    volunteer.refresh_from_db()
    assert volunteer.first_name == "Ola"


# --------------------------------------------------------------------------- absences


def test_absence_end_before_start_is_refused():
    volunteer = VolunteerFactory()
    with pytest.raises(ValidationError) as exc:
        services.absence_add(
            actor=None,
            volunteer=volunteer,
            start_date=dt.date(2026, 12, 5),
            end_date=dt.date(2026, 12, 1),
        )
    assert "end_date" in exc.value.message_dict
    assert not volunteer.absences.exists()


def test_absence_add_and_remove_are_audited():
    volunteer = VolunteerFactory()
    absence = services.absence_add(
        actor=None,
        volunteer=volunteer,
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 1),
    )
    services.absence_remove(actor=None, absence=absence)
    assert not volunteer.absences.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="volunteers.absence").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete"]


# --------------------------------------------------------------------------- paperwork


def test_certificate_older_than_three_months_when_seen_is_refused(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.police_certificate_record(
            actor=tenant.users["coordinator"],
            volunteer=volunteer,
            kind=PoliceCertificate.Kind.EXTENDED,
            issued_on=dt.date(2025, 1, 1),
            seen_on=dt.date(2025, 6, 1),
            listed_offence=False,
        )
    assert "issued_on" in exc.value.message_dict
    assert not PoliceCertificate.objects.exists()


def test_certificate_records_who_saw_it(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    coordinator = tenant.users["coordinator"]
    certificate = services.police_certificate_record(
        actor=coordinator,
        volunteer=volunteer,
        kind=PoliceCertificate.Kind.EXTENDED,
        issued_on=dt.date(2025, 1, 1),
        seen_on=dt.date(2025, 2, 1),
        listed_offence=False,
    )
    assert certificate.seen_by == coordinator
    assert certificate.valid_until == dt.date(2030, 1, 1)


def test_paperwork_in_the_future_is_refused():
    volunteer = VolunteerFactory()
    with pytest.raises(ValidationError) as exc:
        services.pledge_record(actor=None, volunteer=volunteer, signed_on=dt.date(2999, 1, 1))
    assert "signed_on" in exc.value.message_dict


def test_basic_course_defaults_to_24_lessons():
    training = services.training_record(
        actor=None,
        volunteer=VolunteerFactory(),
        kind="basic_course",
        attended_on=dt.date(2025, 5, 1),
    )
    assert training.lessons == 24 and training.title


# --------------------------------------------------------------------------- export, erase


def test_export_contains_everything_and_is_audited(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    LanguageSkillFactory(volunteer=volunteer)
    PledgeSignatureFactory(volunteer=volunteer)
    AbsenceFactory(volunteer=volunteer)
    data = services.volunteer_export(actor=None, volunteer=volunteer)
    assert data["email"] == volunteer.email
    assert data["languages"] == [{"language": "ar", "level": "native"}]
    assert len(data["pledges"]) == 1 and len(data["absences"]) == 1
    assert AuditEvent.objects.filter(action="export", object_id=str(volunteer.pk)).exists()


def test_anonymise_erases_personal_data_and_keeps_statistics(tenant):
    user = UserFactory(username="vera")
    Membership.objects.create(user=user, center=tenant.center, role=Role.VOLUNTEER)
    volunteer = VolunteerFactory(
        center=tenant.center, user=user, notes="met at café", home_place=tenant.place
    )
    LanguageSkillFactory(volunteer=volunteer)
    WeeklySlotFactory(volunteer=volunteer)
    PledgeSignatureFactory(volunteer=volunteer)
    services.volunteer_anonymise(actor=tenant.users["coordinator"], volunteer=volunteer)
    volunteer.refresh_from_db()
    user.refresh_from_db()
    assert volunteer.status == S.LEFT and volunteer.user is None
    assert volunteer.email.endswith(".invalid") and volunteer.phone == "" and volunteer.notes == ""
    assert volunteer.languages.count() == 1 and volunteer.home_place == tenant.place
    assert not WeeklySlot.objects.filter(volunteer=volunteer).exists()
    assert not volunteer.pledges.exists()
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert not user.memberships.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(volunteer.pk)).exists()


def test_anonymise_keeps_a_staff_login_with_other_roles(tenant):
    coordinator = tenant.users["coordinator"]
    volunteer = VolunteerFactory(center=tenant.center, user=coordinator)
    services.volunteer_anonymise(actor=None, volunteer=volunteer)
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert coordinator.memberships.filter(role=Role.COORDINATOR).exists()


def test_registration_keeps_the_active_ui_language_for_messages(tenant):
    with translation.override("en"):
        volunteer = services.volunteer_register(**registration(tenant))
    assert volunteer.language == "en"


def test_registration_outside_the_offered_languages_keeps_the_default(tenant):
    with translation.override("fr"):
        volunteer = services.volunteer_register(**registration(tenant))
    assert volunteer.language == ""


def test_registration_takes_a_given_language_for_messages(tenant):
    with translation.override("de"):
        volunteer = services.volunteer_register(**registration(tenant, language="en-gb"))
    assert volunteer.language == "en"
