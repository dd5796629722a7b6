"""Web pages of the volunteers app."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
