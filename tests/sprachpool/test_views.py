"""The coordinator's pool pages and the interpreter's own page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from sprachpool.models import InterpreterProfile
from tests.sprachpool.factories import interpreter, ready_volunteer

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(tenant) -> Client:
    return client_for(tenant.users["coordinator"])


def test_pool_list_shows_interpreters_and_filters(tenant, coordinator) -> None:
    interpreter(center=tenant.center, first_name="Amal", last_name="Haddad")
    interpreter(
        center=tenant.center,
        first_name="Olena",
        last_name="Kovalenko",
        languages=(("de", "B2"), ("uk", "native")),
    )

    response = coordinator.get(reverse("interpreter-list"), {"language": "uk"})

    assert response.status_code == 200
    assert "Olena Kovalenko" in response.text
    assert "Amal Haddad" not in response.text


def test_pool_list_has_an_empty_state(tenant, coordinator) -> None:
    response = coordinator.get(reverse("interpreter-list"))

    assert response.status_code == 200
    assert "empty" in response.text
    assert response.context["page"].paginator.count == 0


def test_pool_list_survives_garbage_filters(tenant, coordinator) -> None:
    interpreter(center=tenant.center)

    response = coordinator.get(
        reverse("interpreter-list"),
        {"town": "x" * 500, "mode": "teleport", "active": "maybe", "page": "-3", "q": "x" * 10000},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
@pytest.mark.parametrize("name", ["interpreter-list", "language-coverage", "interpreter-create"])
def test_coordinator_pages_are_forbidden_for_other_roles(tenant, role, name) -> None:
    response = client_for(tenant.users[role]).get(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("interpreter-detail", "get"),
        ("interpreter-edit", "get"),
        ("interpreter-edit", "post"),
        ("interpreter-activate", "post"),
        ("interpreter-deactivate", "post"),
    ],
)
def test_coordinator_of_another_center_gets_404(tenant, other_tenant, name, method) -> None:
    profile = interpreter(center=tenant.center)
    client = client_for(other_tenant.users["coordinator"])

    response = getattr(client, method)(reverse(name, args=[profile.pk]))

    assert response.status_code == 404


def test_detail_shows_languages_paperwork_and_excluded_clients(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center, profile={"excluded_clients": ["K-2291"]})

    response = coordinator.get(reverse("interpreter-detail", args=[profile.pk]))

    assert response.status_code == 200
    assert "K-2291" in response.text
    assert "Arabisch" in response.text or "Arabic" in response.text
    assert response.context["paperwork"].pledge_signed is True


def test_create_page_offers_volunteers_who_want_to_interpret(tenant, coordinator) -> None:
    volunteer = ready_volunteer(center=tenant.center, first_name="Sami", last_name="Nouri")

    page = coordinator.get(reverse("interpreter-create"))
    response = coordinator.post(
        reverse("interpreter-create"),
        {
            "volunteer": volunteer.pk,
            "kind": "volunteer",
            "qualification": "trained",
            "modes": ["phone", "video"],
            "max_travel_km": "30",
            "gender": "",
            "excluded_clients": "K-17, K-18",
            "allowance_tier": "standard",
        },
    )

    assert "Sami Nouri" in page.text
    profile = InterpreterProfile.objects.get(volunteer=volunteer)
    assert response.status_code == 302
    assert profile.excluded_clients == ["K-17", "K-18"]
    assert profile.is_active is False


def test_create_refuses_a_name_as_excluded_client(tenant, coordinator) -> None:
    volunteer = ready_volunteer(center=tenant.center)

    response = coordinator.post(
        reverse("interpreter-create"),
        {
            "volunteer": volunteer.pk,
            "kind": "volunteer",
            "qualification": "lay",
            "modes": ["phone"],
            "max_travel_km": "30",
            "excluded_clients": "Anna Schmidt",
            "allowance_tier": "standard",
        },
    )

    assert response.status_code == 200
    assert "excluded_clients" in response.context["form"].errors
    assert not InterpreterProfile.objects.exists()


def _edit_data(**overrides) -> dict:
    data = {
        "kind": "volunteer",
        "qualification": "trained",
        "modes": ["in_person"],
        "max_travel_km": "45",
        "gender": "f",
        "excluded_clients": "",
        "declined_topics": ["health"],
        "allowance_tier": "experienced",
        "languages-TOTAL_FORMS": "3",
        "languages-INITIAL_FORMS": "2",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "20",
        "languages-0-language": "de",
        "languages-0-level": "C1",
        "languages-1-language": "ar",
        "languages-1-level": "native",
        "languages-2-language": "fa",
        "languages-2-level": "B2",
    }
    data.update(overrides)
    return data


def test_edit_changes_profile_and_languages(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center)

    response = coordinator.post(reverse("interpreter-edit", args=[profile.pk]), _edit_data())

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.max_travel_km == 45
    assert profile.declined_topics == ["health"]
    assert set(profile.volunteer.languages.values_list("language_id", flat=True)) == {
        "de",
        "ar",
        "fa",
    }


def test_edit_that_drops_german_of_an_active_interpreter_is_refused(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center)

    response = coordinator.post(
        reverse("interpreter-edit", args=[profile.pk]),
        _edit_data(**{"languages-0-language": "", "languages-0-level": ""}),
    )

    assert response.status_code == 200
    assert "German" in response.text or "Deutsch" in response.text
    profile.refresh_from_db()
    assert profile.max_travel_km == 25


def test_activate_without_pledge_shows_the_reason(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center, active=False, pledge=False)

    response = coordinator.post(reverse("interpreter-activate", args=[profile.pk]), follow=True)

    profile.refresh_from_db()
    assert profile.is_active is False
    assert "pledge" in response.text or "Verschwiegenheitserklärung" in response.text


def test_activate_and_deactivate(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center, active=False)

    coordinator.post(reverse("interpreter-activate", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.is_active is True

    coordinator.post(reverse("interpreter-deactivate", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.is_active is False
    assert AuditEvent.objects.filter(action="transition", object_id=str(profile.pk)).count() == 2


def test_coverage_page_shows_counts(tenant, coordinator) -> None:
    interpreter(center=tenant.center, home_place=tenant.place)

    response = coordinator.get(reverse("language-coverage"))

    assert response.status_code == 200
    assert tenant.place.name in response.text
    assert response.context["coverage"].rows[0].language.code == "ar"
    assert (
        response.context["coverage"]
        .rows[0]
        .cells[response.context["coverage"].towns.index(tenant.place)]
        == 1
    )


def test_coverage_page_has_an_empty_state(tenant, coordinator) -> None:
    response = coordinator.get(reverse("language-coverage"))

    assert response.status_code == 200
    assert response.context["coverage"].rows == []


def test_interpreter_edits_own_modes_radius_and_topics(tenant) -> None:
    user = tenant.users["volunteer"]
    profile = interpreter(center=tenant.center, user=user, profile={"excluded_clients": ["K-9"]})
    client = client_for(user)

    page = client.get(reverse("interpreter-me"))
    response = client.post(
        reverse("interpreter-me"),
        {"modes": ["video"], "max_travel_km": "10", "declined_topics": ["housing"]},
    )

    assert page.status_code == 200
    assert "K-9" not in page.text
    assert "excluded_clients" not in page.context["form"].fields
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.modes, profile.max_travel_km, profile.declined_topics) == (
        ["video"],
        10,
        ["housing"],
    )
    assert profile.excluded_clients == ["K-9"]


def test_own_page_without_profile_explains_how_to_join(tenant) -> None:
    response = client_for(tenant.users["volunteer"]).get(reverse("interpreter-me"))

    assert response.status_code == 200
    assert response.context["profile"] is None


def test_pool_list_takes_a_fixed_number_of_queries(
    tenant, coordinator, django_assert_max_num_queries
) -> None:
    interpreter(center=tenant.center)
    with django_assert_max_num_queries(40) as few:
        coordinator.get(reverse("interpreter-list"))
    for _ in range(10):
        interpreter(center=tenant.center)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator.get(reverse("interpreter-list"))

    assert len(response.context["rows"]) == 11


def test_pool_list_separates_working_languages_without_a_dangling_comma(tenant):
    from django.test import Client

    from tests.sprachpool.factories import InterpreterProfileFactory
    from tests.volunteers.factories import LanguageSkillFactory

    profile = InterpreterProfileFactory(volunteer__center=tenant.center)
    LanguageSkillFactory(volunteer=profile.volunteer, language_id="ar", level="native")
    LanguageSkillFactory(volunteer=profile.volunteer, language_id="de", level="C1")
    client = Client()
    client.force_login(tenant.users["coordinator"])
    html = client.get("/pool/interpreters/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cell = html.split(profile.volunteer.display_name, 1)[1].split("</td>", 2)[1]
    assert "Arabic (Modern Standard) (native speaker)" in cell
    assert "speaker)," not in cell and "German" not in cell


def test_opening_an_interpreter_profile_is_audited(tenant):
    from django.test import Client

    from core.models import AuditEvent
    from tests.sprachpool.factories import InterpreterProfileFactory

    profile = InterpreterProfileFactory(volunteer__center=tenant.center)
    client = Client()
    client.force_login(tenant.users["coordinator"])
    assert client.get(f"/pool/interpreters/{profile.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="view", object_id=str(profile.volunteer_id))
    assert event.actor == tenant.users["coordinator"]
    assert event.object_type == "volunteers.volunteer"


def test_edit_with_a_language_twice_is_refused_with_a_message(tenant, coordinator) -> None:
    profile = interpreter(center=tenant.center)

    response = coordinator.post(
        reverse("interpreter-edit", args=[profile.pk]),
        _edit_data(**{"languages-2-language": "ar", "languages-2-level": "B2"}),
    )

    assert response.status_code == 200
    assert "only once" in response.text or "nur einmal" in response.text
    profile.refresh_from_db()
    assert profile.max_travel_km == 25
