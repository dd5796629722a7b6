"""Django app config: Interpreter requests, offers, assignments and their confirmation."""

import datetime as dt
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem


class RequestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "requests"
    label = "requests"
    verbose_name = _("Requests")
    nav_items = [
        NavItem("request-list", _("Requests"), ("caseworker", "coordinator"), order=5),
        NavItem("request-create", _("New request"), ("caseworker",), order=6),
        NavItem("offer-list", _("My offers"), ("volunteer",), order=33),
        NavItem("assignment-list", _("My assignments"), ("volunteer",), order=34),
        NavItem("allowance-list", _("My allowance"), ("volunteer",), order=35),
        NavItem("confirmation-queue", _("Einsatznachweise"), ("coordinator",), order=8),
        NavItem("cap-exception-list", _("Client cap exceptions"), ("coordinator",), order=32),
    ]
    #: The events of the messages (Notification.event) in words (core.messaging.event_label).
    message_events = {
        "offer_made": _("Offer to an interpreter"),
        "offer_withdrawn": _("Offer withdrawn"),
        "offer_awaiting_confirmation": _("Accepted offer to confirm"),
        "request_assigned": _("Interpreter found"),
        "assignment_booked": _("Booking of the interpreter"),
        "request_unfilled": _("Request not filled"),
        "assignment_cancelled_requester": _("Cancelled by the department"),
        "assignment_cancelled_interpreter": _("Cancelled by the interpreter"),
        "assignment_cancelled_coordinator": _("Cancelled by the coordinator"),
        "assignment_reminder": _("Reminder of the appointment"),
        "assignment_reminder_sms": _("Short reminder by SMS"),
        "request_at_risk": _("Request at risk"),
        "confirmation_due": _("Einsatznachweis due"),
        "confirmation_disputed": _("Einsatznachweis disputed"),
    }

    def ready(self) -> None:
        """Release an anonymised interpreter from the request flow (offers withdrawn,
        upcoming assignments cancelled, the department told)."""
        from volunteers.signals import volunteer_anonymised

        volunteer_anonymised.connect(_erase_interpreter, dispatch_uid="requests.erase-interpreter")

    def home_cards(self, user: Any) -> list[HomeCard]:
        """Requests still waiting for an interpreter (caseworkers, coordinators); offers
        waiting for an answer and upcoming assignments (interpreters)."""
        from django.urls import reverse
        from django.utils import timezone

        from core.models import Role
        from core.scoping import has_role
        from requests.models import Assignment, Offer
        from requests.selectors import request_counts, unfilled_recent_since

        cards: list[HomeCard] = []
        now = timezone.now()
        if has_role(user, Role.CASEWORKER) or has_role(user, Role.COORDINATOR):
            counts = request_counts(user=user, now=now)
            since = unfilled_recent_since(now=now).isoformat()
            url = reverse("request-list")
            cards += [
                HomeCard(
                    _("Requests waiting for an interpreter"),
                    counts["waiting"],
                    url,
                    order=1,
                ),
                HomeCard(
                    _("Upcoming appointments with an interpreter"),
                    counts["assigned"],
                    f"{url}?status=assigned",
                    order=2,
                ),
                HomeCard(
                    _("Requests nobody could take (last 7 days)"),
                    counts["unfilled"],
                    f"{url}?status=unfilled&date_from={since}",
                    attention=counts["unfilled"] > 0,
                    order=3,
                ),
            ]
        cards += self._confirmation_cards(user, now)
        if has_role(user, Role.VOLUNTEER) and not user.is_superuser:
            own = {"interpreter__volunteer__user": user}
            offers = Offer.objects.filter(
                status=Offer.Status.PENDING, expires_at__gt=now, **own
            ).count()
            upcoming = Assignment.objects.filter(
                status=Assignment.Status.UPCOMING, end__gt=now, **own
            ).count()
            cards += [
                HomeCard(
                    _("Offers waiting for your answer"),
                    offers,
                    reverse("offer-list"),
                    attention=offers > 0,
                    order=4,
                ),
                HomeCard(
                    _("My upcoming assignments"), upcoming, reverse("assignment-list"), order=5
                ),
            ]
        return cards

    def _confirmation_cards(self, user: Any, now: dt.datetime) -> list[HomeCard]:
        """Einsatznachweise waiting: the caseworker's own, the coordinator's queue, the
        interpreter's own."""
        from django.urls import reverse

        from core.models import Role
        from core.scoping import has_role
        from requests import selectors
        from requests.models import Assignment, Confirmation

        cards: list[HomeCard] = []
        if has_role(user, Role.CASEWORKER):
            due = selectors.confirmations_due(user=user, now=now).count()
            cards.append(
                HomeCard(
                    _("Past appointments waiting for your Einsatznachweis"),
                    due,
                    reverse("confirmations-due"),
                    attention=due > 0,
                    order=3,
                )
            )
        if has_role(user, Role.COORDINATOR):
            queue = selectors.confirmations_queue(user=user, now=now).count()
            cards.append(
                HomeCard(
                    _("Einsatznachweise to decide"),
                    queue,
                    reverse("confirmation-queue"),
                    attention=queue > 0,
                    order=3,
                )
            )
        if has_role(user, Role.VOLUNTEER) and not user.is_superuser:
            entered = Confirmation.objects.current().filter(side=Confirmation.Side.INTERPRETER)
            waiting = list(
                Assignment.objects.filter(
                    interpreter__volunteer__user=user,
                    status=Assignment.Status.UPCOMING,
                    end__lte=now,
                )
                .exclude(pk__in=entered.values("assignment_id"))
                .order_by("end", "pk")
                .values_list("pk", flat=True)
            )
            if waiting:
                cards.append(
                    HomeCard(
                        _("Assignments waiting for your Einsatznachweis"),
                        len(waiting),
                        reverse("assignment-detail", args=[waiting[0]]),
                        attention=True,
                        order=4,
                    )
                )
        return cards


def _erase_interpreter(sender: Any, *, volunteer: Any, actor: Any, **kwargs: Any) -> None:
    from requests.services import interpreter_flow_erase

    interpreter_flow_erase(actor=actor, volunteer=volunteer)
