"""Oversight pages: one module of views per area (dashboard, billing, funding, exports)."""

from django.urls import path

from reports import views_billing, views_dashboard, views_exports, views_replay

urlpatterns = [
    path("reports/", views_dashboard.dashboard, name="reports-dashboard"),
    path("reports/replay/", views_replay.replay_form, name="reports-replay"),
    path("reports/replay/<int:pk>/", views_replay.replay_detail, name="reports-replay-detail"),
    path("reports/supply/", views_dashboard.supply, name="reports-supply"),
    path("reports/summary/", views_dashboard.summary, name="reports-summary"),
    path("reports/summary.csv", views_dashboard.summary_download, name="reports-summary-download"),
    path("reports/billing/", views_billing.billing_statement, name="reports-billing"),
    path(
        "reports/billing/statement.<str:fmt>",
        views_billing.billing_statement_export,
        name="reports-billing-export",
    ),
    path(
        "reports/billing/close/",
        views_billing.billing_month_close_view,
        name="reports-billing-close",
    ),
    path("reports/tax-free/", views_billing.tax_free_limit, name="reports-tax-free"),
    path("reports/funding/", views_billing.funding_report, name="reports-funding"),
    path(
        "reports/funding/funding.xlsx",
        views_billing.funding_report_export,
        name="reports-funding-export",
    ),
    path(
        "reports/exports/<str:kind>.<str:fmt>",
        views_exports.registry_export,
        name="reports-export",
    ),
]
