"""Web pages of the sprachpool app, under ``/pool/``."""

from django.urls import URLPattern, path

from sprachpool import views

urlpatterns: list[URLPattern] = [
    path("pool/", views.pool_home, name="pool-home"),
    path("pool/interpreters/", views.interpreter_list, name="interpreter-list"),
    path("pool/interpreters/new/", views.interpreter_create, name="interpreter-create"),
    path("pool/interpreters/<int:pk>/", views.interpreter_detail, name="interpreter-detail"),
    path("pool/interpreters/<int:pk>/edit/", views.interpreter_edit, name="interpreter-edit"),
    path(
        "pool/interpreters/<int:pk>/activate/",
        views.interpreter_activate,
        name="interpreter-activate",
    ),
    path(
        "pool/interpreters/<int:pk>/deactivate/",
        views.interpreter_deactivate,
        name="interpreter-deactivate",
    ),
    path("pool/coverage/", views.language_coverage, name="language-coverage"),
    path("pool/me/", views.interpreter_me, name="interpreter-me"),
]
