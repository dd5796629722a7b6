"""Web pages of the networks app: ``/networks/`` and ``/sponsorships/``."""

from django.urls import path

from networks import views

urlpatterns = [
    path("networks/", views.network_list, name="network-list"),
    path("networks/new/", views.network_create, name="network-create"),
    path("networks/households/", views.household_list, name="household-list"),
    path("networks/households/new/", views.household_create, name="household-create"),
    path("networks/households/<int:pk>/", views.household_edit, name="household-edit"),
    path("networks/<int:pk>/", views.network_detail, name="network-detail"),
    path("networks/<int:pk>/edit/", views.network_edit, name="network-edit"),
    path("networks/<int:pk>/leads/", views.network_leads, name="network-leads"),
    path(
        "networks/<int:pk>/leads/<int:user_pk>/remove/",
        views.network_lead_remove,
        name="network-lead-remove",
    ),
    path("networks/<int:pk>/members/", views.network_members, name="network-members"),
    path(
        "networks/<int:pk>/members/<int:member_pk>/remove/",
        views.network_member_remove,
        name="network-member-remove",
    ),
    path("sponsorships/", views.sponsorship_list, name="sponsorship-list"),
    path("sponsorships/new/", views.sponsorship_create, name="sponsorship-create"),
    path("sponsorships/<int:pk>/", views.sponsorship_detail, name="sponsorship-detail"),
    path(
        "sponsorships/<int:pk>/<slug:action>/",
        views.sponsorship_action,
        name="sponsorship-action",
    ),
]
