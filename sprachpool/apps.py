"""Django app config: The interpreter pool (Sprachpool): interpreter profiles and pool coverage."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem


class SprachpoolConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sprachpool"
    verbose_name = _("Sprachpool")
    nav_items = [
        NavItem("interpreter-list", _("Sprachpool"), ("coordinator",), order=30),
        NavItem("language-coverage", _("Language coverage"), ("coordinator",), order=31),
        NavItem("interpreter-me", _("My interpreting"), ("volunteer",), order=32),
    ]

    def ready(self) -> None:
        """Erase the profile's personal settings when its volunteer is anonymised; keep an
        active interpreter's languages and pledge in order whoever changes them."""
        from volunteers.signals import volunteer_anonymised, volunteer_parts_changed

        volunteer_anonymised.connect(_erase_profile, dispatch_uid="sprachpool.erase-profile")
        volunteer_parts_changed.connect(
            _check_active_interpreter, dispatch_uid="sprachpool.check-active-interpreter"
        )

    def home_cards(self, user: Any) -> list[HomeCard]:
        """Active interpreters and the languages the pool is short of."""
        from django.urls import reverse

        from core.scoping import has_role
        from sprachpool.selectors import active_profiles, coordinated_profiles, language_coverage

        if not has_role(user, "coordinator"):
            return []
        active = active_profiles(coordinated_profiles(user=user)).count()
        scarce = language_coverage(user=user).scarce_count
        return [
            HomeCard(_("Active interpreters"), active, reverse("interpreter-list"), order=20),
            HomeCard(
                _("Languages with fewer than two interpreters"),
                scarce,
                reverse("language-coverage"),
                attention=scarce > 0,
                order=21,
            ),
        ]


def _erase_profile(sender: Any, *, volunteer: Any, actor: Any, **kwargs: Any) -> None:
    from sprachpool.services import interpreter_profile_erase

    interpreter_profile_erase(actor=actor, volunteer=volunteer)


def _check_active_interpreter(
    sender: Any, *, volunteer: Any, actor: Any, parts: tuple[str, ...], **kwargs: Any
) -> None:
    from sprachpool.services import active_interpreter_check

    active_interpreter_check(volunteer=volunteer, parts=parts)
