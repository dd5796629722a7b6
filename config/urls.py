"""URL root: the web pages, the REST API under /api/v1/, i18n and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("", include("volunteers.urls")),
    path("", include("sprachpool.urls")),
    path("", include("networks.urls")),
    path("", include("requests.urls")),
    path("", include("matching.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# An unknown URL under /api/ answers JSON, the pages their 404 page.
handler404 = "api.exceptions.not_found"
# The database unreachable for a moment: 503 with Retry-After, not a 500 (core/outage.py).
handler500 = "core.outage.server_error"
