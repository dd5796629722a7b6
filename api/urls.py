"""Routing of ``/api/v1/``: one module per resource."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import (
    allowances,
    assignments,
    auth,
    calendar,
    confirmations,
    departments,
    interpreter_requests,
    interpreters,
    languages,
    matching_runs,
    networks,
    offers,
    places,
    reports,
    users,
    volunteers,
)

urlpatterns = [
    path("auth/token/", auth.AuthTokenApi.as_view(), name="api-auth-token"),
    path("me/", auth.MeApi.as_view(), name="api-me"),
    path("me/calendar/", calendar.MeCalendarApi.as_view(), name="api-me-calendar"),
    path("languages/", languages.LanguageListApi.as_view(), name="api-languages"),
    path("departments/", departments.DepartmentListApi.as_view(), name="api-departments"),
    path(
        "departments/<int:pk>/",
        departments.DepartmentDetailApi.as_view(),
        name="api-department-detail",
    ),
    path("places/", places.PlaceListApi.as_view(), name="api-places"),
    path("places/<int:pk>/", places.PlaceDetailApi.as_view(), name="api-place-detail"),
    path("users/", users.UserListApi.as_view(), name="api-users"),
    path("users/<int:pk>/", users.UserDetailApi.as_view(), name="api-user-detail"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    # The split view serves its start script as a file (``?script``), not inline: the
    # Content-Security-Policy allows no inline script (templates/drf_spectacular/).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
]

# Resources of the registries; each module owns its routes.
urlpatterns += volunteers.urlpatterns + interpreters.urlpatterns + networks.urlpatterns

# The request flow.
urlpatterns += (
    interpreter_requests.urlpatterns
    + offers.urlpatterns
    + assignments.urlpatterns
    + matching_runs.urlpatterns
)

# After the match: the Einsatznachweis and the allowance.
urlpatterns += confirmations.urlpatterns + allowances.urlpatterns

# Oversight: the summary report.
urlpatterns += reports.urlpatterns
