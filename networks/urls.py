"""Web pages of the networks app."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
