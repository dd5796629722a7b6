"""Web pages of the volunteer registry: public registration with double opt-in, the
coordinators' registry (list, detail, approvals, paperwork) and the volunteer's own
pages under ``/my/``. Thin: reads through selectors, writes through services.

Coordinator pages fetch volunteers from the coordinator-scoped queryset, so any
volunteer outside the caller's centers (and every volunteer for other roles) is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_values, run_service
from core.models import Center, Language, Place, Role
from core.params import parse_choice, parse_id
from core.personal_data import person_export_summary
from core.phone import format_phone_national
from core.selectors import center_list
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from volunteers import selectors, services
from volunteers.forms import (
    AbsenceForm,
    ApproveForm,
    CenterChoiceForm,
    ContactForm,
    CoordinatorVolunteerForm,
    LanguageFormSet,
    MessagePreferencesForm,
    PledgeForm,
    PoliceCertificateForm,
    RegistrationForm,
    SlotFormSet,
    TrainingForm,
    WithdrawConsentForm,
    language_initial,
    slot_initial,
)
from volunteers.models import (
    Absence,
    Interest,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
)
from volunteers.privacy import PRIVACY_NOTICE_VERSION
from volunteers.throttling import registration_allowed

# --------------------------------------------------------------------------- helpers


def _coordinated(request: AuthenticatedHttpRequest) -> QuerySet[Volunteer]:
    return Volunteer.objects.for_user(request.user, roles=[Role.COORDINATOR])


def _coordinated_volunteer(request: AuthenticatedHttpRequest, pk: int) -> Volunteer:
    return get_object_or_404(_coordinated(request).select_related("center", "home_place"), pk=pk)


def _editable_volunteer(request: AuthenticatedHttpRequest, pk: int) -> Volunteer:
    """A coordinated volunteer for a page that changes the record; anonymised records are
    read-only (403: the detail page offers no such link)."""
    volunteer = _coordinated_volunteer(request, pk)
    if volunteer.is_anonymised:
        raise PermissionDenied(_("This record was anonymised. It can no longer be changed."))
    return volunteer


def _own_volunteer(request: AuthenticatedHttpRequest) -> Volunteer:
    volunteer = selectors.volunteer_of_user(user=request.user)
    if volunteer is None:
        raise Http404(_("You are not registered as a volunteer."))
    return volunteer


def _person_context(volunteer: Volunteer) -> dict[str, Any]:
    """What the shared templates of a volunteer's facts need."""
    labels = dict(Interest.choices)
    return {
        "volunteer": volunteer,
        "phone_national": format_phone_national(volunteer.phone),
        "interest_labels": [labels[c] for c in volunteer.interests or [] if c in labels],
        "consent": selectors.current_privacy_consent(volunteer=volunteer),
        "paperwork": selectors.paperwork_status(volunteer=volunteer),
    }


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    button: str,
    back_url: str,
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """The question a destructive or irreversible action asks first (GET): what follows,
    a button that posts to the same address, and a way back. No JavaScript needed."""
    return render(
        request,
        "volunteers/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "button": button,
            "back_url": back_url,
            "action_url": request.get_full_path(),
            "hidden": sorted((hidden or {}).items()),
        },
    )


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice volunteers agree to, with its version."""
    return render(request, "volunteers/privacy.html", {"version": PRIVACY_NOTICE_VERSION})


# --------------------------------------------------------------------------- registration


def register_choose(request: HttpRequest) -> HttpResponse:
    """Pick the center to register with (skipped when there is only one)."""
    centers = list(Center.objects.order_by("name"))
    if len(centers) == 1:
        return redirect("volunteer-register", center=centers[0].slug)
    return render(request, "volunteers/register_choose.html", {"centers": centers})


def register(request: HttpRequest, center: str) -> HttpResponse:
    """The public registration form of one center."""
    center_obj = get_object_or_404(Center, slug=center)
    if request.method == "POST":
        form = RegistrationForm(request.POST, center=center_obj)
        languages = LanguageFormSet(request.POST, prefix="lang")
        slots = SlotFormSet(request.POST, prefix="slot")
        if not registration_allowed(request):
            return render(request, "volunteers/register_throttled.html", status=429)
        # Every form is validated (no short circuit), then the service, so one submit
        # shows every mistake.
        valid = all([form.is_valid(), languages.is_valid(), slots.is_valid()])
        data = form_values(form)
        stored, _volunteer = run_service(
            lambda: services.volunteer_register(
                center=center_obj,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                place=data["place"],
                postcode=data["postcode"] or "",
                languages=languages.pairs(),
                interests=data["interests"] or [],
                availability=slots.slots(),
                privacy_consent=bool(data["privacy_consent"]),
                privacy_version=data["privacy_version"] or "",
                username=data["username"],
                password=data["password"],
            ),
            valid=valid,
            form=form,
            formsets={"languages": languages, "availability": slots},
        )
        if stored:
            return redirect("volunteer-register-done", center=center_obj.slug)
        form.forget_rejected_passwords()
    else:
        form = RegistrationForm(
            center=center_obj, initial={"privacy_version": PRIVACY_NOTICE_VERSION}
        )
        languages = LanguageFormSet(prefix="lang", initial=[{"language": "de"}])
        slots = SlotFormSet(prefix="slot")
    return render(
        request,
        "volunteers/register.html",
        {
            "center": center_obj,
            "form": form,
            "languages": languages,
            "slots": slots,
            "privacy_version": PRIVACY_NOTICE_VERSION,
        },
    )


def register_done(request: HttpRequest, center: str) -> HttpResponse:
    center_obj = get_object_or_404(Center, slug=center)
    return render(request, "volunteers/register_done.html", {"center": center_obj})


def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail (GET shows a button, POST confirms, so that
    mail scanners opening links do not confirm on the person's behalf)."""
    try:
        pk, _email = services.read_confirmation_token(token)
    except ValidationError as exc:
        return render(
            request,
            "volunteers/register_confirm.html",
            {"error": exc.messages[0], "expired": exc.code == "expired"},
            status=400,
        )
    # A registration is confirmed for the first time; any later record confirms a new
    # address (the page then says nothing about the approval).
    renewal = not Volunteer.objects.filter(pk=pk, status=Volunteer.Status.REGISTERED).exists()
    if request.method != "POST":
        return render(
            request, "volunteers/register_confirm.html", {"ask": True, "renewal": renewal}
        )
    try:
        volunteer, changed = services.volunteer_confirm_email(token=token)
    except ValidationError as exc:
        return render(
            request, "volunteers/register_confirm.html", {"error": exc.messages[0]}, status=400
        )
    return render(
        request,
        "volunteers/register_confirm.html",
        {
            "volunteer": volunteer,
            "changed": changed,
            "renewal": renewal,
            "center": volunteer.center,
        },
    )


# --------------------------------------------------------------------------- coordinators

STATUS_FILTERS = Volunteer.Status.choices


def volunteer_list_filters(request: HttpRequest) -> dict[str, Any]:
    """The list's filters from the query string, as arguments of
    :func:`volunteers.selectors.volunteer_list` (the list and its export read them here)."""
    return {
        "search": request.GET.get("q", "").strip()[:100],
        "status": parse_choice(request.GET.get("status"), Volunteer.Status.values),
        "language": request.GET.get("language", "")[:12],
        "place_id": parse_id(request.GET.get("place")),
        "interest": parse_choice(request.GET.get("interest"), Interest.values),
        "paperwork_missing": parse_choice(request.GET.get("missing"), selectors.PAPERWORK_CODES),
    }


@role_required(Role.COORDINATOR)
def volunteer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Searchable, filterable list of the center's volunteers."""
    filters = volunteer_list_filters(request)
    search, status, language = filters["search"], filters["status"], filters["language"]
    place_id, interest, missing = (
        filters["place_id"],
        filters["interest"],
        filters["paperwork_missing"],
    )
    volunteers = selectors.volunteer_list(user=request.user, **filters).prefetch_related(
        "languages__language"
    )
    page = paginate(request, volunteers)
    statuses = selectors.paperwork_status_for(volunteers=page.object_list)
    rows = [(v, statuses[v.pk]) for v in page.object_list]
    towns = Place.objects.for_user(request.user, roles=[Role.COORDINATOR]).filter(
        kind=Place.Kind.TOWN
    )
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "search": search,
            "status": status,
            "statuses": STATUS_FILTERS,
            "language": language,
            "languages": Language.objects.all(),
            "place_id": place_id,
            "towns": towns,
            "interest": interest,
            "interests": Interest.choices,
            "missing": missing,
            "missing_choices": _missing_choices(),
            "filtered": any([search, status, language, place_id, interest, missing]),
        },
    )


def _missing_choices() -> list[tuple[str, str]]:
    return [
        (selectors.PLEDGE, _("Pledge")),
        (selectors.POLICE_CERTIFICATE, _("Police certificate")),
        (selectors.EXTENDED_POLICE_CERTIFICATE, _("Extended police certificate")),
        (selectors.BASIC_COURSE, _("Basic course")),
    ]


@role_required(Role.COORDINATOR)
def volunteer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    centers = center_list(user=request.user, roles=[Role.COORDINATOR])
    chooser = CenterChoiceForm(request.POST or request.GET or None, centers=centers)
    center = chooser.cleaned_data["center"] if chooser.is_valid() else None
    if center is None and centers.count() == 1:
        center = centers.first()
    if center is None:
        return render(
            request,
            "core/form.html",
            {"form": chooser, "title": _("New volunteer"), "back_url": reverse("volunteer-list")},
        )
    form = CoordinatorVolunteerForm(
        request.POST if request.method == "POST" else None, center=center
    )
    if request.method == "POST":
        valid = form.is_valid()
        stored, volunteer = run_service(
            lambda: services.volunteer_create(
                actor=request.user, center=center, **form.service_data()
            ),
            valid=valid,
            form=form,
            field_map=ContactForm.FIELD_MAP,
        )
        if stored and volunteer is not None:
            messages.success(request, _("Volunteer “%(name)s” entered.") % {"name": volunteer})
            return redirect("volunteer-detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {
            "form": form,
            "center": center,
            "title": _("New volunteer"),
            "back_url": reverse("volunteer-list"),
        },
    )


@login_required
def volunteer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_detail(volunteer=_coordinated_volunteer(request, pk))
    services.volunteer_viewed(actor=request.user, volunteer=volunteer)
    if volunteer.is_anonymised:
        # Read-only and marked: no edit or paperwork buttons, no "missing" badges.
        return render(request, "volunteers/volunteer_anonymised.html", {"volunteer": volunteer})
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            **_person_context(volunteer),
            "actions": services.allowed_actions(volunteer),
            "approve_form": ApproveForm(),
        },
    )


@login_required
def volunteer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = _editable_volunteer(request, pk)
    form = CoordinatorVolunteerForm(
        request.POST if request.method == "POST" else None,
        center=volunteer.center,
        initial=CoordinatorVolunteerForm.initial_for(volunteer),
    )
    if request.method == "POST":
        old_email = volunteer.email
        valid = form.is_valid()
        stored, _updated = run_service(
            lambda: services.volunteer_update(
                actor=request.user, volunteer=volunteer, **form.service_data()
            ),
            valid=valid,
            form=form,
            field_map=ContactForm.FIELD_MAP,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            if volunteer.email != old_email:
                messages.info(
                    request,
                    _("A link to confirm the new e-mail address was sent to that address."),
                )
            return redirect("volunteer-detail", pk=pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {
            "form": form,
            "volunteer": volunteer,
            "title": _("Edit %(name)s") % {"name": volunteer.display_name},
            "back_url": reverse("volunteer-detail", args=[pk]),
        },
    )


def _set_page(
    request: AuthenticatedHttpRequest,
    *,
    formset_class: Any,
    prefix: str,
    initial: Callable[[], list[dict[str, Any]]],
    save: Callable[[Any], object],
    error_key: str,
    saved_message: str,
    template: str,
    context_name: str,
    back_url: str,
    title: str,
) -> HttpResponse:
    """A page that replaces one of the volunteer's sets (languages, weekly times) at once.

    :param initial: the current rows, read only when the page is shown (not on POST).
    :param save: called with the formset; raises ValidationError keyed ``error_key``, whose
        messages show at their rows.
    """
    if request.method == "POST":
        formset = formset_class(request.POST, prefix=prefix)
        stored, _result = run_service(
            lambda: save(formset), valid=formset.is_valid(), formsets={error_key: formset}
        )
        if stored:
            messages.success(request, saved_message)
            return redirect(back_url)
    else:
        formset = formset_class(prefix=prefix, initial=initial())
    return render(
        request,
        template,
        {context_name: formset, "title": title, "back_url": back_url},
    )


def _languages_page(
    request: AuthenticatedHttpRequest, volunteer: Volunteer, *, back_url: str, title: str
) -> HttpResponse:
    return _set_page(
        request,
        formset_class=LanguageFormSet,
        prefix="lang",
        initial=lambda: language_initial(volunteer),
        save=lambda formset: services.volunteer_languages_set(
            actor=request.user, volunteer=volunteer, languages=formset.pairs()
        ),
        error_key="languages",
        saved_message=_("Languages saved."),
        template="volunteers/languages_form.html",
        context_name="languages",
        back_url=back_url,
        title=title,
    )


def _availability_page(
    request: AuthenticatedHttpRequest, volunteer: Volunteer, *, back_url: str, title: str
) -> HttpResponse:
    return _set_page(
        request,
        formset_class=SlotFormSet,
        prefix="slot",
        initial=lambda: slot_initial(volunteer),
        save=lambda formset: services.volunteer_weekly_slots_set(
            actor=request.user, volunteer=volunteer, slots=formset.slots()
        ),
        error_key="availability",
        saved_message=_("Availability saved."),
        template="volunteers/availability_form.html",
        context_name="slots",
        back_url=back_url,
        title=title,
    )


def _absences_page(
    request: AuthenticatedHttpRequest,
    volunteer: Volunteer,
    *,
    back_url: str,
    delete_url: Callable[[Absence], str],
) -> HttpResponse:
    form = AbsenceForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, _absence = run_service(
            lambda: services.absence_add(actor=request.user, volunteer=volunteer, **data),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Absence saved."))
            return redirect(request.path)
    absences = [(a, delete_url(a)) for a in volunteer.absences.order_by("-start_date")]
    return render(
        request,
        "volunteers/absences.html",
        {"volunteer": volunteer, "form": form, "absences": absences, "back_url": back_url},
    )


@login_required
def volunteer_languages(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = _editable_volunteer(request, pk)
    return _languages_page(
        request,
        volunteer,
        back_url=reverse("volunteer-detail", args=[pk]),
        title=_("Languages of %(name)s") % {"name": volunteer.display_name},
    )


@login_required
def volunteer_availability(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = _editable_volunteer(request, pk)
    return _availability_page(
        request,
        volunteer,
        back_url=reverse("volunteer-detail", args=[pk]),
        title=_("Weekly availability of %(name)s") % {"name": volunteer.display_name},
    )


@login_required
def volunteer_absences(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = _editable_volunteer(request, pk)
    return _absences_page(
        request,
        volunteer,
        back_url=reverse("volunteer-detail", args=[pk]),
        delete_url=lambda a: reverse("volunteer-absence-delete", args=[pk, a.pk]),
    )


def _confirm_absence_removal(request: HttpRequest, entry: Absence, back_url: str) -> HttpResponse:
    return confirm_page(
        request,
        title=_("Remove the absence from %(start)s to %(end)s?")
        % {
            "start": date_format(entry.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(entry.end_date, "SHORT_DATE_FORMAT"),
        },
        consequences=[
            _("On these days the weekly times count again: offers can be made for them."),
            _("The entry cannot be restored; it can be entered again."),
        ],
        button=_("Remove absence"),
        back_url=back_url,
    )


@login_required
def volunteer_absence_delete(
    request: AuthenticatedHttpRequest, pk: int, absence: int
) -> HttpResponse:
    """GET asks (what follows), POST removes."""
    volunteer = _editable_volunteer(request, pk)
    entry = get_object_or_404(volunteer.absences.select_related("volunteer"), pk=absence)
    if request.method != "POST":
        return _confirm_absence_removal(request, entry, reverse("volunteer-absences", args=[pk]))
    services.absence_remove(actor=request.user, absence=entry)
    messages.success(request, _("Absence removed."))
    return redirect("volunteer-absences", pk=pk)


TRANSITION_SERVICES: dict[str, Callable[..., Volunteer]] = {
    "approve": services.volunteer_approve,
    "activate": services.volunteer_activate,
    "pause": services.volunteer_pause,
    "resume": services.volunteer_resume,
    "leave": services.volunteer_leave,
}


def _transition_message(action: str) -> str:
    """What a status action did, said plainly (with ``%(name)s``)."""
    return {
        "approve": _(
            "%(name)s is approved: the login now has the volunteer role and the person was "
            "told by e-mail. Next step: make them active when they are ready."
        ),
        "activate": _(
            "%(name)s is active and can receive requests (interpreters once the paperwork "
            "is complete). The person was told by e-mail."
        ),
        "pause": _("%(name)s is paused and receives no requests until resumed."),
        "resume": _("%(name)s is active again and can receive requests."),
        "leave": _("%(name)s is marked as left and no longer has the volunteer role."),
    }[action]


@login_required
def volunteer_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Status actions of the detail page (approve, activate, pause, resume, mark left).

    Marking as left cannot be undone: a GET asks first and says what follows; every
    action changes state only on POST.
    """
    volunteer = _coordinated_volunteer(request, pk)
    service = TRANSITION_SERVICES.get(action)
    if service is None:
        raise Http404
    if request.method != "POST":
        if action != "leave":
            return HttpResponseNotAllowed(["POST"])
        return confirm_page(
            request,
            title=_("Mark %(name)s as left?") % {"name": volunteer.display_name},
            consequences=[
                _(
                    "The status becomes “left”. This cannot be undone; a new start needs a new "
                    "registration."
                ),
                _(
                    "The login loses the volunteer role of this center: no offers, no "
                    "volunteer pages."
                ),
                _("The record is kept until the retention period ends, then anonymised."),
            ],
            button=_("Mark as left"),
            back_url=reverse("volunteer-detail", args=[pk]),
        )
    kwargs: dict[str, Any] = {}
    if action == "approve":
        form = ApproveForm(request.POST)
        form.is_valid()
        kwargs["met_in_person"] = form.cleaned_data.get("met_in_person", False)
    try:
        service(actor=request.user, volunteer=volunteer, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _transition_message(action) % {"name": volunteer.display_name})
    next_url = request.POST.get("next", "")
    if next_url == "approvals":
        return redirect("volunteer-approvals")
    return redirect("volunteer-detail", pk=pk)


@login_required
@require_POST
def volunteer_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the confirmation link again: to a registration, or to an address not
    confirmed yet (e.g. after it was changed)."""
    volunteer = _coordinated_volunteer(request, pk)
    if not volunteer.email_confirmed and volunteer.status != Volunteer.Status.LEFT:
        services.volunteer_send_confirmation(volunteer=volunteer, actor=request.user)
        messages.success(request, _("The confirmation e-mail was sent again."))
    return redirect("volunteer-detail", pk=pk)


def _paperwork_form_page(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    form_class: type,
    record: Callable[..., Any],
    title: str,
) -> HttpResponse:
    volunteer = _editable_volunteer(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, _entry = run_service(
            lambda: record(actor=request.user, volunteer=volunteer, **data),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Saved."))
            return redirect("volunteer-detail", pk=pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title % {"name": volunteer.display_name},
            "back_url": reverse("volunteer-detail", args=[pk]),
        },
    )


@login_required
def volunteer_certificate_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _paperwork_form_page(
        request,
        pk,
        form_class=PoliceCertificateForm,
        record=services.police_certificate_record,
        title=_("Police certificate seen: %(name)s"),
    )


@login_required
def volunteer_pledge_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _paperwork_form_page(
        request,
        pk,
        form_class=PledgeForm,
        record=services.pledge_record,
        title=_("Confidentiality pledge signed: %(name)s"),
    )


@login_required
def volunteer_training_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _paperwork_form_page(
        request,
        pk,
        form_class=TrainingForm,
        record=services.training_record,
        title=_("Training attended: %(name)s"),
    )


PAPERWORK_MODELS: dict[str, type[PoliceCertificate | PledgeSignature | Training]] = {
    "certificate": PoliceCertificate,
    "pledge": PledgeSignature,
    "training": Training,
}


@login_required
def volunteer_paperwork_delete(
    request: AuthenticatedHttpRequest, pk: int, kind: str, entry: int
) -> HttpResponse:
    volunteer = _coordinated_volunteer(request, pk)
    model = PAPERWORK_MODELS.get(kind)
    if model is None:
        raise Http404
    # Annotated, so get_object_or_404 keeps the union instead of joining it to ``Model``.
    entries: QuerySet[PoliceCertificate | PledgeSignature | Training] = (
        model.objects.select_related("volunteer")
    )
    item = get_object_or_404(entries, volunteer=volunteer, pk=entry)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Remove this paperwork entry: %(entry)s?") % {"entry": item},
            consequences=[
                _(
                    "Only for an entry recorded by mistake. The paperwork status is computed "
                    "again without it; the volunteer may then lack what offers need."
                ),
                _("The removal is recorded in the audit trail."),
            ],
            button=_("Remove entry"),
            back_url=reverse("volunteer-detail", args=[pk]),
        )
    try:
        services.paperwork_delete(actor=request.user, entry=item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("volunteer-detail", pk=pk)
    messages.success(request, _("Entry removed."))
    return redirect("volunteer-detail", pk=pk)


@login_required
def volunteer_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then anonymise the volunteer's personal data (statistics survive)."""
    volunteer = _coordinated_volunteer(request, pk)
    if request.method == "POST":
        services.volunteer_anonymise(actor=request.user, volunteer=volunteer)
        messages.success(request, _("The personal data were erased."))
        return redirect("volunteer-list")
    return render(request, "volunteers/volunteer_delete.html", {"volunteer": volunteer})


@login_required
def volunteer_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volunteer = _coordinated_volunteer(request, pk)
    return _json_download(services.volunteer_export(actor=request.user, volunteer=volunteer), pk)


def _json_download(data: dict[str, Any], pk: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="volunteer-{pk}-{stamp}.json"'
    return response


@role_required(Role.COORDINATOR)
def approval_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    queue = selectors.approval_queue(user=request.user)
    return render(
        request,
        "volunteers/approval_queue.html",
        {"page": paginate(request, queue), "query": query_without_page(request)},
    )


@role_required(Role.COORDINATOR)
def paperwork_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    code = request.GET.get("missing", "")
    code = code if code in selectors.PAPERWORK_CODES else ""
    rows = [
        (v, status, selectors.needed_paperwork(volunteer=v, status=status))
        for v, status in selectors.paperwork_overview(user=request.user, code=code)
    ]
    return render(
        request,
        "volunteers/paperwork.html",
        {
            "page": paginate(request, rows),
            "query": query_without_page(request),
            "missing": code,
            "missing_choices": _missing_choices(),
            "warning_days": selectors.EXPIRY_WARNING_DAYS,
        },
    )


# --------------------------------------------------------------------------- self-service


@login_required
def my_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The volunteer's own page: status (also while pending), data and links to edit."""
    volunteer = _own_volunteer(request)
    volunteer = selectors.volunteer_detail(volunteer=volunteer)
    return render(
        request,
        "volunteers/my_overview.html",
        _person_context(volunteer),
    )


@login_required
def my_contact(request: AuthenticatedHttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        center=volunteer.center,
        initial=ContactForm.initial_for(volunteer),
    )
    if request.method == "POST":
        old_email = volunteer.email
        valid = form.is_valid()
        stored, _updated = run_service(
            lambda: services.volunteer_update(
                actor=request.user, volunteer=volunteer, **form.service_data()
            ),
            valid=valid,
            form=form,
            field_map=ContactForm.FIELD_MAP,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            if volunteer.email != old_email:
                messages.info(
                    request,
                    _(
                        "We sent a link to your new e-mail address. Please open it to confirm "
                        "the address."
                    ),
                )
            return redirect("my-volunteer")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("My contact data"), "back_url": reverse("my-volunteer")},
    )


@login_required
def my_messages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The volunteer's message settings: channels, quiet hours for SMS, language."""
    volunteer = _own_volunteer(request)
    form = MessagePreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=MessagePreferencesForm.initial_for(volunteer),
    )
    if request.method == "POST":
        valid = form.is_valid()
        stored, _updated = run_service(
            lambda: services.volunteer_message_preferences_set(
                actor=request.user, volunteer=volunteer, **form.service_data()
            ),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            return redirect("my-volunteer")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("My message settings"), "back_url": reverse("my-volunteer")},
    )


@login_required
@require_POST
def my_confirmation_resend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the link to the volunteer's own unconfirmed address again (rate-limited)."""
    volunteer = _own_volunteer(request)
    try:
        services.volunteer_confirmation_resend(actor=request.user, volunteer=volunteer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("We sent the link again to %(email)s.") % {"email": volunteer.email},
        )
    return redirect("my-volunteer")


@login_required
def my_languages(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _languages_page(
        request,
        _own_volunteer(request),
        back_url=reverse("my-volunteer"),
        title=_("My languages"),
    )


@login_required
def my_availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _availability_page(
        request,
        _own_volunteer(request),
        back_url=reverse("my-volunteer"),
        title=_("When I have time"),
    )


@login_required
def my_absences(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _absences_page(
        request,
        _own_volunteer(request),
        back_url=reverse("my-volunteer"),
        delete_url=lambda a: reverse("my-absence-delete", args=[a.pk]),
    )


@login_required
def my_absence_delete(request: AuthenticatedHttpRequest, absence: int) -> HttpResponse:
    """GET asks (what follows), POST removes."""
    volunteer = _own_volunteer(request)
    entry = get_object_or_404(volunteer.absences.select_related("volunteer"), pk=absence)
    if request.method != "POST":
        return _confirm_absence_removal(request, entry, reverse("my-absences"))
    services.absence_remove(actor=request.user, absence=entry)
    messages.success(request, _("Absence removed."))
    return redirect("my-absences")


@login_required
@require_POST
def my_pause(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _my_transition(
        request, services.volunteer_pause, _("You are paused. Welcome back any time.")
    )


@login_required
@require_POST
def my_resume(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _my_transition(
        request, services.volunteer_resume, _("Welcome back! You are active again.")
    )


def _my_transition(
    request: AuthenticatedHttpRequest, service: Callable[..., Volunteer], success: str
) -> HttpResponse:
    volunteer = _own_volunteer(request)
    try:
        service(actor=request.user, volunteer=volunteer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("my-volunteer")


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything stored about the volunteer, readable (and downloadable as JSON)."""
    volunteer = _own_volunteer(request)
    if request.GET.get("format") == "json":
        data = services.volunteer_export(actor=request.user, volunteer=volunteer)
        return _json_download(data, volunteer.pk)
    data = selectors.volunteer_data(volunteer=volunteer)
    return render(
        request,
        "volunteers/my_data.html",
        {
            **_person_context(selectors.volunteer_detail(volunteer=volunteer)),
            "data": data,
            "other_records": person_export_summary(volunteer),
        },
    )


@login_required
def my_withdraw(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Withdraw the privacy consent and erase one's own data (DSGVO Art. 7(3), Art. 17).

    GET explains what happens; POST with the ticked confirmation withdraws, anonymises,
    logs out and sends the person to the public :func:`withdrawn` page. Without the
    tick: 400 with the field error, nothing changed.
    """
    volunteer = _own_volunteer(request)
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.volunteer_withdraw_consent(actor=request.user, volunteer=volunteer)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                logout(request)
                return redirect("volunteer-withdrawn")
        status = 400
    return render(
        request,
        "volunteers/my_withdraw.html",
        {
            "form": form,
            "volunteer": volunteer,
            "keeps_login": services.login_kept_on_anonymisation(volunteer),
        },
        status=status,
    )


def withdrawn(request: HttpRequest) -> HttpResponse:
    """Public confirmation after a volunteer withdrew their consent (they are logged out)."""
    return render(request, "volunteers/withdrawn.html")
