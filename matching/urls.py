"""Web pages of the coordinator console, under ``/matching/``, and the Pate proposals of a
network, under ``/networks/<id>/proposals/``."""

from django.urls import URLPattern, path

from matching import views, views_proposals

urlpatterns: list[URLPattern] = [
    path("matching/", views.console, name="matching-console"),
    path("matching/run/", views.run_now, name="matching-run-now"),
    path("matching/runs/", views.run_list, name="matching-runs"),
    path("matching/runs/<int:pk>/", views.run_detail, name="matching-run-detail"),
    path("matching/runs/<int:pk>/instance.json", views.run_instance, name="matching-run-instance"),
    path("matching/requests/<int:pk>/", views.request_console, name="matching-request"),
    path("matching/requests/<int:pk>/offer/", views.request_offer, name="matching-request-offer"),
    path(
        "matching/requests/<int:pk>/exclude/<int:interpreter>/",
        views.request_exclude,
        name="matching-request-exclude",
    ),
    path(
        "matching/offers/<int:pk>/withdraw/", views.offer_withdraw, name="matching-offer-withdraw"
    ),
    path("matching/offers/<int:pk>/confirm/", views.offer_confirm, name="matching-offer-confirm"),
    path(
        "networks/<int:pk>/proposals/",
        views_proposals.network_proposals,
        name="network-proposals",
    ),
    path(
        "networks/<int:pk>/proposals/<int:household>/<int:pate>/confirm/",
        views_proposals.network_proposal_confirm,
        name="network-proposal-confirm",
    ),
    path(
        "networks/<int:pk>/proposals/<int:household>/<int:pate>/reject/",
        views_proposals.network_proposal_reject,
        name="network-proposal-reject",
    ),
]
