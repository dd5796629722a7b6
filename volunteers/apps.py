"""Django app config: volunteers, paperwork, availability; their links in the navigation."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"
    verbose_name = _("Volunteers")
    nav_items = [
        NavItem("volunteer-list", _("Volunteers"), ("coordinator",), order=10),
        NavItem("volunteer-approvals", _("Approvals"), ("coordinator",), order=11),
        NavItem("volunteer-paperwork", _("Paperwork"), ("coordinator",), order=12),
        NavItem("my-volunteer", _("My data"), ("volunteer",), order=10),
    ]

    def home_cards(self, user: Any) -> list[HomeCard]:
        """Registrations to approve, paperwork to chase, active volunteers."""
        from django.urls import reverse

        from core.scoping import has_role
        from volunteers.models import Volunteer
        from volunteers.selectors import (
            approval_queue,
            paperwork_overview,
            volunteer_list,
            volunteer_of_user,
        )

        if not has_role(user, "coordinator"):
            own = volunteer_of_user(user=user)
            if own is None or has_role(user, "volunteer"):
                return []
            # Registered but not yet approved: show where the registration stands.
            label = _("Your registration is being checked (status: %(status)s). Your data")
            return [
                HomeCard(
                    label % {"status": own.get_status_display()},
                    None,
                    reverse("my-volunteer"),
                    attention=True,
                    order=0,
                )
            ]
        waiting = approval_queue(user=user).count()
        paperwork = len(paperwork_overview(user=user))
        active = volunteer_list(user=user, status=Volunteer.Status.ACTIVE).count()
        return [
            HomeCard(
                _("Registrations awaiting approval"),
                waiting,
                reverse("volunteer-approvals"),
                attention=waiting > 0,
                order=10,
            ),
            HomeCard(
                _("Paperwork missing or due within 60 days"),
                paperwork,
                reverse("volunteer-paperwork"),
                attention=paperwork > 0,
                order=11,
            ),
            HomeCard(
                _("Active volunteers"),
                active,
                reverse("volunteer-list") + "?status=active",
                order=12,
            ),
        ]
