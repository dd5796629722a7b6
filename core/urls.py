"""Web pages of the core: landing page, departments, places, members, audit trail, the
in-app messages ("Neuigkeiten") and failed messages, login (with the two-factor pages) and
password reset."""

from django.urls import path

from core import views, views_messages, views_two_factor

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/new/", views.department_create, name="department-create"),
    path("departments/<int:pk>/", views.department_detail, name="department-detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
    path("places/", views.place_list, name="place-list"),
    path("places/new/", views.place_create, name="place-create"),
    path("places/<int:pk>/", views.place_detail, name="place-detail"),
    path("places/<int:pk>/edit/", views.place_edit, name="place-edit"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("audit/", views.audit_list, name="audit-list"),
    path("news/", views_messages.news_list, name="news-list"),
    path("news/read/", views_messages.news_mark_read, name="news-mark-read"),
    path("messages/failed/", views_messages.message_failures, name="message-failures"),
    path(
        "messages/failed/<int:pk>/retry/",
        views_messages.message_failure_retry,
        name="message-failure-retry",
    ),
    # Before django.contrib.auth.urls (config/urls.py): the same names, with the lockout
    # messages and the reset limits of core.auth.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # Two-factor login (core.two_factor): the account's page, new recovery codes, switching
    # off, and the login's second step.
    path("accounts/two-factor/", views_two_factor.two_factor_page, name="two-factor"),
    path(
        "accounts/two-factor/recovery-codes/",
        views_two_factor.recovery_codes_page,
        name="two-factor-recovery-codes",
    ),
    path(
        "accounts/two-factor/off/",
        views_two_factor.two_factor_disable_page,
        name="two-factor-disable",
    ),
    path(
        "accounts/two-factor/verify/",
        views_two_factor.two_factor_verify_page,
        name="two-factor-verify",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
