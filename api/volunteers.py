"""``/api/v1/volunteers/ and /api/v1/volunteers/register/``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
