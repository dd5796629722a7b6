"""Web pages of the request flow: ``/requests/…`` (caseworkers, coordinators),
``/offers/…`` and ``/assignments/…`` (interpreters) and the one-tap link ``/o/<token>/``."""

from django.urls import URLPattern, path

from requests import calendar_views, views, views_after_match

urlpatterns: list[URLPattern] = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    # After the appointment (requests.views_after_match): Einsatznachweis and allowance.
    path("requests/<int:pk>/confirm/", views_after_match.request_confirm, name="request-confirm"),
    path(
        "requests/confirmations/",
        views_after_match.confirmations_due,
        name="confirmations-due",
    ),
    path("confirmations/", views_after_match.confirmation_queue, name="confirmation-queue"),
    path(
        "confirmations/<int:pk>/",
        views_after_match.confirmation_decide,
        name="confirmation-decide",
    ),
    path("allowance/", views_after_match.allowance_list, name="allowance-list"),
    path(
        "allowance/exceptions/",
        views_after_match.cap_exception_list,
        name="cap-exception-list",
    ),
    path("offers/", views.offer_list, name="offer-list"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer-accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer-decline"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel, name="assignment-cancel"),
    path("assignments/<int:pk>/", views_after_match.assignment_detail, name="assignment-detail"),
    path(
        "assignments/<int:pk>/confirm/",
        views_after_match.assignment_confirm,
        name="assignment-confirm",
    ),
    # The interpreter's calendar (requests.calendar); the feed works without login.
    path(
        "assignments/<int:pk>/assignment.ics",
        calendar_views.assignment_ics,
        name="assignment-ics",
    ),
    path("assignments/calendar/renew/", calendar_views.calendar_renew, name="calendar-renew"),
    path("assignments/calendar/revoke/", calendar_views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar-feed"),
    # The link of an offer message: works without login, answers only on POST.
    path("o/<str:token>/", views.offer_link, name="offer-link"),
]
