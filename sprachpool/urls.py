"""Web pages of the sprachpool app."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
