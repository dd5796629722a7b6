"""Web pages of the messages: the in-app list "Neuigkeiten" (every logged-in user, own
messages only) and the coordinator's list of messages that could not be sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import messaging, selectors
from core.models import Role
from core.web import AuthenticatedHttpRequest, paginate, role_required


@login_required
def news_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list "Neuigkeiten": the user's own in-app messages, newest first, unread marked."""
    page = paginate(request, selectors.news_list(user=request.user))
    return render(
        request,
        "core/news_list.html",
        {"page": page, "unread": selectors.news_unread_count(user=request.user)},
    )


@login_required
@require_POST
def news_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark all of the user's in-app messages read."""
    if messaging.news_mark_all_read(user=request.user):
        messages.success(request, _("All messages are marked as read."))
    return redirect("news-list")


@role_required(Role.COORDINATOR)
def message_failures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Messages of the coordinator's centers that could not be sent after the last try."""
    page = paginate(request, selectors.message_failure_list(user=request.user))
    for message in page.object_list:
        message.event_label = messaging.event_label(message.event)
    return render(
        request,
        "core/message_failures.html",
        {"page": page, "max_attempts": messaging.MAX_ATTEMPTS},
    )


@role_required(Role.COORDINATOR)
@require_POST
def message_failure_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The button "Try again": send a failed message once more."""
    notification = get_object_or_404(selectors.message_failure_list(user=request.user), pk=pk)
    try:
        sent = messaging.notification_retry(actor=request.user, notification=notification)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent:
            messages.success(request, _("The message has been sent."))
        else:
            messages.error(request, _("Sending failed again. Please check the address."))
    return redirect("message-failures")
