"""Template tags of the networks app: the network lead's figures on the landing page."""

from __future__ import annotations

from typing import Any

from django import template

from networks import selectors
from networks.models import NetworkLead

register = template.Library()


@register.simple_tag(takes_context=True)
def my_network_figures(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures of the networks the current user leads."""
    user = context["request"].user
    led = set(NetworkLead.objects.filter(user=user).values_list("network_id", flat=True))
    if not led:
        return []
    return [row for row in selectors.network_figures(user=user) if row["network"].pk in led]
