"""Web pages of the volunteers app: ``/privacy/``, ``/register/…``, ``/volunteers/…``, ``/my/…``."""

from django.urls import path

from volunteers import views

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    # Public self-registration with double opt-in.
    path("register/", views.register_choose, name="volunteer-register-choose"),
    path(
        "register/confirm/<str:token>/",
        views.register_confirm,
        name="volunteer-register-confirm",
    ),
    path("register/<slug:center>/", views.register, name="volunteer-register"),
    path("register/<slug:center>/done/", views.register_done, name="volunteer-register-done"),
    # Coordinators.
    path("volunteers/", views.volunteer_list, name="volunteer-list"),
    path("volunteers/new/", views.volunteer_create, name="volunteer-create"),
    path("volunteers/approvals/", views.approval_queue, name="volunteer-approvals"),
    path("volunteers/paperwork/", views.paperwork_overview, name="volunteer-paperwork"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer-detail"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer-edit"),
    path("volunteers/<int:pk>/languages/", views.volunteer_languages, name="volunteer-languages"),
    path(
        "volunteers/<int:pk>/availability/",
        views.volunteer_availability,
        name="volunteer-availability",
    ),
    path("volunteers/<int:pk>/absences/", views.volunteer_absences, name="volunteer-absences"),
    path(
        "volunteers/<int:pk>/absences/<int:absence>/delete/",
        views.volunteer_absence_delete,
        name="volunteer-absence-delete",
    ),
    path(
        "volunteers/<int:pk>/status/<slug:action>/",
        views.volunteer_transition,
        name="volunteer-transition",
    ),
    path("volunteers/<int:pk>/resend/", views.volunteer_resend, name="volunteer-resend"),
    path(
        "volunteers/<int:pk>/certificate/",
        views.volunteer_certificate_add,
        name="volunteer-certificate-add",
    ),
    path("volunteers/<int:pk>/pledge/", views.volunteer_pledge_add, name="volunteer-pledge-add"),
    path(
        "volunteers/<int:pk>/training/",
        views.volunteer_training_add,
        name="volunteer-training-add",
    ),
    path(
        "volunteers/<int:pk>/paperwork/<slug:kind>/<int:entry>/delete/",
        views.volunteer_paperwork_delete,
        name="volunteer-paperwork-delete",
    ),
    path("volunteers/<int:pk>/delete/", views.volunteer_delete, name="volunteer-delete"),
    path("volunteers/<int:pk>/export/", views.volunteer_export, name="volunteer-export"),
    # The volunteer's own pages.
    path("my/", views.my_overview, name="my-volunteer"),
    path("my/contact/", views.my_contact, name="my-contact"),
    path(
        "my/contact/confirm-again/",
        views.my_confirmation_resend,
        name="my-confirmation-resend",
    ),
    path("my/messages/", views.my_messages, name="my-messages"),
    path("my/languages/", views.my_languages, name="my-languages"),
    path("my/availability/", views.my_availability, name="my-availability"),
    path("my/absences/", views.my_absences, name="my-absences"),
    path("my/absences/<int:absence>/delete/", views.my_absence_delete, name="my-absence-delete"),
    path("my/pause/", views.my_pause, name="my-pause"),
    path("my/resume/", views.my_resume, name="my-resume"),
    path("my/data/", views.my_data, name="my-data"),
    path("my/withdraw/", views.my_withdraw, name="my-withdraw"),
    # Public: shown after the volunteer withdrew their consent and was logged out.
    path("withdrawn/", views.withdrawn, name="volunteer-withdrawn"),
]
