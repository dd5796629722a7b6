"""No personal data in the logs: representative flows (registration, failed logins, filing a
request, an offer accepted by API and by the one-tap link, a matching run, API errors) run
with every logger at DEBUG, and the captured records hold none of the people's names,
e-mail addresses or phone numbers."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core.log import db_error_summary
from requests import services as request_services
from requests.models import InterpreterRequest
from tests.api.test_requests import payload as request_payload
from tests.requests.factories import InterpreterRequestFactory, OfferFactory, next_week_at
from tests.requests.test_views import form_data as request_form
from tests.sprachpool.factories import interpreter
from tests.volunteers.test_api import payload as registration_payload
from tests.volunteers.test_views import form_data as registration_form
from tests.volunteers.test_views import register_url

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory
_FORMAT = logging.Formatter("%(levelname)s %(name)s %(message)s")
_PLAIN = set(vars(logging.makeLogRecord({})))


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The test's own tools (factory_boy, Faker) log the fixtures they build.
        if not record.name.startswith(("factory", "faker")):
            self.records.append(record)

    def text(self) -> str:
        """Every record as a log file would show it, with traceback and extra fields."""
        lines = []
        for record in self.records:
            lines.append(_FORMAT.format(record))
            lines.append(repr(record.args))
            lines.extend(f"{k}={v!r}" for k, v in vars(record).items() if k not in _PLAIN)
        return "\n".join(lines)


@pytest.fixture
def logs() -> Iterator[Keep]:
    """Every logger at DEBUG, every record kept (also of loggers that do not propagate)."""
    keep = Keep()
    loggers = [logging.getLogger()] + [
        value
        for value in logging.root.manager.loggerDict.values()
        if isinstance(value, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(keep)
    yield keep
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.removeHandler(keep)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def leaks(text: str, values: list[str]) -> list[str]:
    lowered = text.lower()
    return sorted({value for value in values if value and value.lower() in lowered})


def people(tenant: Any, other_tenant: Any) -> tuple[Any, list[str]]:
    """Give the tenant's logins and an interpreter names no log line could hold by chance."""
    names = {
        "coordinator": ("Zerrin", "Oberhollenzer"),
        "caseworker": ("Bartholomäus", "Quenstedt"),
        "network_lead": ("Ottilie", "Wendelmuth"),
    }
    for role, (first, last) in names.items():
        user = tenant.users[role]
        user.first_name, user.last_name = first, last
        user.email = f"{first.lower()}.{last.lower()}@example.org"
        user.save()
    amal = interpreter(
        center=tenant.center,
        user=tenant.users["volunteer"],
        first_name="Amalthea",
        last_name="Haddadine",
        email="amalthea.haddadine@example.org",
        phone="+4915199887766",
    )
    stranger = interpreter(
        center=other_tenant.center,
        first_name="Fenwick",
        last_name="Quorrington",
        email="fenwick.q@example.org",
        phone="+4915211122233",
    )
    values = [
        *(part for pair in names.values() for part in pair),
        *(f"{first}.{last}@example.org".lower() for first, last in names.values()),
        "Amalthea",
        "Haddadine",
        "amalthea.haddadine@example.org",
        "+4915199887766",
        "015199887766",
        "0151 99887766",
        "Fenwick",
        "Quorrington",
        "fenwick.q@example.org",
        "+4915211122233",
        # The registrations below.
        "Samira",
        "Haidari",
        "samira@example.org",
        "+4915123456789",
        "0151 23456789",
        "Olenka",
        "Kowalczyk",
        "olenka.k@example.org",
        "+4915198765432",
        "0151 98765432",
    ]
    return (amal, stranger), values


def expect(response: Any, *statuses: int) -> Any:
    """The flows must do what they do in real use, else they prove nothing."""
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    return response


def run_the_flows(tenant: Any, other_tenant: Any, capture: Any) -> list[str]:
    """Run the flows; the personal values they involve."""
    (amal, stranger), values = people(tenant, other_tenant)
    tenant.place.kind = "town"
    tenant.place.save()
    register = reverse("api-volunteer-register")
    olenka = {
        "first_name": "Olenka",
        "last_name": "Kowalczyk",
        "email": "olenka.k@example.org",
        "phone": "0151 98765432",
        "username": "olenka",
    }

    # Registration: web form (twice: the second answers like the first) and API, one bad.
    with capture(execute=True):
        expect(Client().post(register_url(tenant), registration_form(tenant)), 302)
        again = registration_form(tenant, username="samira2")
        expect(Client().post(register_url(tenant), again), 302)
        good = registration_payload(tenant, **olenka)
        expect(APIClient().post(register, good, format="json"), 202)
        bad = {**olenka, "email": "olenka.k(at)example.org", "phone": "0151 98765432 000000"}
        bad = registration_payload(tenant, **bad)
        expect(APIClient().post(register, bad, format="json"), 400)

    # Failed logins, up to the lockout: web form and API token.
    coordinator = tenant.users["coordinator"]
    for _ in range(7):
        wrong = {"username": coordinator.username, "password": "wrong"}
        expect(Client().post(reverse("login"), wrong), 200)
    wrong = {"username": "amalthea.haddadine@example.org", "password": "wrong"}
    expect(APIClient().post(reverse("api-auth-token"), wrong, format="json"), 400)

    # Filing requests: the web form and the API, each once refused for contact data.
    caseworker = Client(headers={"accept-language": "en"})
    caseworker.force_login(tenant.users["caseworker"])
    api_caseworker = APIClient()
    api_caseworker.force_authenticate(tenant.users["caseworker"])
    requests_url = reverse("api-requests")
    with capture(execute=True):
        expect(caseworker.post(reverse("request-create"), request_form(tenant)), 302)
        refused = request_form(tenant, notes="Frau Haidari, Tel. 0151 23456789")
        expect(caseworker.post(reverse("request-create"), refused), 200)
        expect(api_caseworker.post(requests_url, request_payload(tenant), format="json"), 201)
        refused = request_payload(tenant, notes="Frau Haidari, samira@example.org")
        expect(api_caseworker.post(requests_url, refused, format="json"), 400)

    # A matching run of the coordinator.
    api_coordinator = APIClient()
    api_coordinator.force_authenticate(coordinator)
    with capture(execute=True):
        expect(api_coordinator.post(reverse("api-matching-runs"), {}, format="json"), 201)

    # Offers: accepted by API (and again: 409), accepted by the one-tap link, declined.
    def offer() -> Any:
        request = InterpreterRequestFactory(
            center=tenant.center,
            department=tenant.department,
            status=InterpreterRequest.Status.OFFERED,
            start=next_week_at(9, days=20 + InterpreterRequest.objects.count()),
        )
        return OfferFactory(request=request, interpreter=amal)

    api_amal = APIClient()
    api_amal.force_authenticate(tenant.users["volunteer"])
    first, second, third = offer(), offer(), offer()
    with capture(execute=True):
        expect(api_amal.post(reverse("api-offer-accept", args=[first.pk])), 200)
        expect(api_amal.post(reverse("api-offer-accept", args=[first.pk])), 409)
        link = reverse("offer-link", args=[request_services.offer_token(second)])
        expect(Client().get(link), 200)
        expect(Client().post(link, {"action": "accept"}), 200)
        decline = reverse("api-offer-decline", args=[third.pk])
        expect(api_amal.post(decline, {"reason": "ill"}, format="json"), 200)

    # API errors: foreign, forbidden, anonymous, broken JSON, wrong method, bad fields.
    foreign = reverse("api-volunteer-detail", args=[stranger.volunteer.pk])
    expect(api_coordinator.get(foreign), 404)
    expect(api_coordinator.patch(foreign, {"last_name": "Quorrington"}, format="json"), 404)
    expect(api_amal.get(requests_url), 403)
    expect(APIClient().get(reverse("api-volunteers")), 401)
    broken = '{"notes": "Haidari'
    expect(api_coordinator.generic("POST", requests_url, broken, "application/json"), 400)
    expect(api_coordinator.delete(reverse("api-me")), 405)
    own = reverse("api-volunteer-detail", args=[amal.volunteer.pk])
    bad = {"email": "Amalthea Haddadine <not-an-address>", "phone": "+49 151 998877660000"}
    expect(api_coordinator.patch(own, bad, format="json"), 400)

    # Web refusals: another center's volunteer page, a coordinator's page for a volunteer.
    coordinator_web = Client()
    coordinator_web.force_login(coordinator)
    expect(coordinator_web.get(reverse("volunteer-detail", args=[stranger.volunteer.pk])), 404)
    volunteer_web = Client()
    volunteer_web.force_login(tenant.users["volunteer"])
    expect(volunteer_web.get(reverse("audit-list")), 403)
    return values


def test_the_flows_log_no_names_addresses_or_phone_numbers(
    tenant, other_tenant, logs, django_capture_on_commit_callbacks, mailoutbox
):
    values = run_the_flows(tenant, other_tenant, django_capture_on_commit_callbacks)

    assert len(logs.records) >= 10, "the flows must have logged (refusals, 4xx answers)"
    assert mailoutbox, "the flows must have sent messages (which hold the names)"
    assert leaks(logs.text(), values) == []


def test_the_check_finds_a_name_in_a_log_record(logs):
    """The test above can fail: a record that names a person is found."""
    logging.getLogger("requests.services").debug("offer accepted by %s", "Amalthea Haddadine")

    assert leaks(logs.text(), ["Haddadine", "Samira"]) == ["Haddadine"]


def test_a_database_error_is_logged_without_its_detail_values():
    error = Exception(
        'duplicate key value violates unique constraint "core_user_email_key"\n'
        "DETAIL:  Key (email)=(samira@example.org) already exists."
    )

    summary = db_error_summary(error)

    assert summary == (
        'Exception: duplicate key value violates unique constraint "core_user_email_key"'
    )
    assert "samira" not in summary


def test_a_conflicting_page_write_logs_no_detail_values(tenant, logs, settings, monkeypatch):
    """A write that the database refuses (here: made to raise) is logged by the web
    middleware without the values PostgreSQL names in its DETAIL line."""
    from django.db import IntegrityError

    from core import views as core_views

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError(
            'duplicate key value violates unique constraint "x"\n'
            "DETAIL:  Key (name)=(Bartholomäus Quenstedt) already exists."
        )

    monkeypatch.setattr(core_views, "render", refuse)
    client = Client()
    client.force_login(tenant.users["coordinator"])

    response = client.get(reverse("department-list"))

    assert response.status_code == 409
    assert "unique constraint" in logs.text()
    assert leaks(logs.text(), ["Quenstedt", "Bartholomäus"]) == []


def test_an_api_conflict_logs_no_detail_values(logs):
    from django.db import IntegrityError

    from api.exceptions import translate_exception

    translate_exception(
        IntegrityError(
            'null value in column "phone" violates not-null constraint\n'
            "DETAIL:  Failing row contains (7, Samira, Haidari, samira@example.org)."
        )
    )

    assert "not-null constraint" in logs.text()
    assert leaks(logs.text(), ["Samira", "Haidari", "samira@example.org"]) == []


def test_the_log_text_includes_extra_fields(logs):
    logging.getLogger("x").warning("plain", extra={"who": "Samira"})

    assert leaks(logs.text(), ["Samira"]) == ["Samira"]
