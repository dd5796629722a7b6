"""``/api/v1/networks/``: the list costs the same number of queries however many networks
it shows, and the member count stays right."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.networks.factories import NetworkFactory, NetworkMemberFactory

pytestmark = pytest.mark.django_db


def test_network_list_queries_do_not_grow_with_the_page(api_as, tenant):
    client = api_as("coordinator")
    first = NetworkFactory(center=tenant.center)
    NetworkMemberFactory(network=first)
    client.get("/api/v1/networks/")  # warm the per-user membership cache
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/networks/").json()["count"] == 1
    for _ in range(5):
        network = NetworkFactory(center=tenant.center)
        NetworkMemberFactory(network=network)
        NetworkMemberFactory(network=network)
    with CaptureQueriesContext(connection) as six:
        body = client.get("/api/v1/networks/").json()

    assert body["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_network_list_counts_only_active_members(api_as, tenant):
    network = NetworkFactory(center=tenant.center)
    NetworkMemberFactory(network=network)
    NetworkMemberFactory(network=network, active=False)

    body = api_as("coordinator").get("/api/v1/networks/").json()

    assert [row["member_count"] for row in body["results"]] == [1]


def test_the_service_lets_a_network_lead_change_only_the_description(tenant):
    from django.core.exceptions import PermissionDenied

    from networks import services
    from networks.models import Network
    from tests.networks.factories import NetworkLeadFactory

    network = NetworkFactory(center=tenant.center, name="Friedberg")
    lead = tenant.users["network_lead"]
    NetworkLeadFactory(network=network, user=lead)

    with pytest.raises(PermissionDenied):
        services.network_update(actor=lead, network=network, name="Umbenannt")
    services.network_update(actor=lead, network=network, description="Dienstags.")

    stored = Network.objects.get(pk=network.pk)
    assert (stored.name, stored.description) == ("Friedberg", "Dienstags.")
