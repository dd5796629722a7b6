"""Rules the registries share, written once: future dates, unknown fields, the five-year
renewal of police certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from networks import services as network_services
from sprachpool import services as pool_services
from tests.networks.factories import NetworkFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import (
    PledgeSignatureFactory,
    PoliceCertificateFactory,
    VolunteerFactory,
)
from volunteers import services as volunteer_services
from volunteers.models import PoliceCertificate
from volunteers.selectors import cleared_for_offers_ids, paperwork_status, volunteer_list

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


def test_every_registry_refuses_a_future_date_with_the_same_message(tenant) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    volunteer = VolunteerFactory(center=tenant.center)
    network = NetworkFactory(center=tenant.center)
    with translation.override("en"):
        with pytest.raises(ValidationError) as paperwork:
            volunteer_services.pledge_record(actor=None, volunteer=volunteer, signed_on=tomorrow)
        with pytest.raises(ValidationError) as household:
            network_services.household_create(
                actor=None, network=network, reference="H-1", waiting_since=tomorrow
            )

    assert _messages(paperwork, "signed_on") == _messages(household, "waiting_since")
    assert _messages(paperwork, "signed_on") == ["This date lies in the future."]


def test_an_unknown_profile_field_is_a_field_error_not_a_type_error(tenant) -> None:
    profile = InterpreterProfileFactory(volunteer=VolunteerFactory(center=tenant.center))

    with pytest.raises(ValidationError) as exc:
        pool_services.interpreter_profile_update(actor=None, profile=profile, colour="blue")

    assert set(exc.value.message_dict) == {"colour"}


def test_a_certificate_of_29_february_counts_the_same_in_queries_and_on_the_record(
    tenant,
) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    PledgeSignatureFactory(volunteer=volunteer)
    PoliceCertificateFactory(volunteer=volunteer, issued_on=dt.date(2024, 2, 29))
    renewal_day = PoliceCertificate.valid_until_of(dt.date(2024, 2, 29))

    on_record = paperwork_status(volunteer=volunteer, on=renewal_day).cleared_for_offers
    in_query = cleared_for_offers_ids(on=renewal_day).filter(pk=volunteer.pk).exists()

    assert renewal_day == dt.date(2029, 2, 28)
    assert on_record is False
    assert in_query is False


def test_the_missing_certificate_filter_follows_the_renewal_rule(tenant) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    issued = timezone.localdate().replace(year=timezone.localdate().year - 5)
    PoliceCertificateFactory(volunteer=volunteer, issued_on=issued)
    coordinator = tenant.users["coordinator"]

    missing = volunteer_list(user=coordinator, paperwork_missing="police_certificate")
    valid = paperwork_status(volunteer=volunteer).police_certificate_valid

    assert (volunteer in missing) is (not valid)
