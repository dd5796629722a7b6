"""Oversight pages: one module of views per area (dashboard, billing, funding, exports)."""

from django.urls import path

from reports import views_dashboard

urlpatterns = [
    path("reports/", views_dashboard.dashboard, name="reports-dashboard"),
]
