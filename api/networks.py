"""``/api/v1/networks/ and /api/v1/sponsorships/``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
