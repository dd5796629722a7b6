"""Web pages of the Sprachpool: the pool list, language coverage, profiles, and the
interpreter's own page. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.choices import Mode, Topic
from core.forms import form_values, run_service
from core.models import Language, Place, Role
from core.params import parse_choice, parse_id
from core.scoping import center_ids_for, is_admin
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from sprachpool import selectors, services
from sprachpool.forms import InterpreterProfileForm, OwnProfileForm, language_formset
from sprachpool.models import InterpreterProfile
from volunteers import selectors as volunteer_selectors
from volunteers.models import WeeklySlot
from volunteers.services import volunteer_viewed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Module level, so lazy: each request shows them in its own language.
PAPERWORK_LABELS = {
    "pledge": gettext_lazy("confidentiality pledge"),
    "police_certificate": gettext_lazy("police certificate"),
    "extended_police_certificate": gettext_lazy("extended police certificate"),
    "basic_course": gettext_lazy("basic course"),
}
#: Why an interpreter cannot receive requests, as the pages explain it.
BLOCKER_LABELS = {
    selectors.BLOCKER_PROFILE_INACTIVE: gettext_lazy("The profile is switched inactive."),
    selectors.BLOCKER_STATUS: gettext_lazy(
        "The volunteer is not active (e.g. paused or not yet activated)."
    ),
    selectors.BLOCKER_PAPERWORK: gettext_lazy(
        "The paperwork is not in order (confidentiality pledge, police certificate)."
    ),
    selectors.BLOCKER_LANGUAGES: gettext_lazy(
        "The languages do not form a working pair (German at level B1 or better and "
        "another language)."
    ),
}
FILTER_CHOICES = {"active": {"yes": True, "no": False}, "cleared": {"yes": True, "no": False}}


def interpreter_list_filters(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The list filters from the query string; unknown values are ignored (the list and
    its export read them here)."""
    params = request.GET
    return {
        "search": params.get("q", "").strip()[:100],
        "language": params.get("language", "").strip()[:12],
        "mode": parse_choice(params.get("mode"), Mode.values),
        "qualification": parse_choice(
            params.get("qualification"), InterpreterProfile.Qualification.values
        ),
        "town": parse_id(params.get("town")),
        "active": FILTER_CHOICES["active"].get(params.get("active", "")),
        "cleared": FILTER_CHOICES["cleared"].get(params.get("cleared", "")),
    }


def _towns(request: AuthenticatedHttpRequest) -> Any:
    places = Place.objects.filter(kind=Place.Kind.TOWN)
    if not is_admin(request.user):
        places = places.filter(center__in=center_ids_for(request.user, roles=[Role.COORDINATOR]))
    return places.order_by("name")


@login_required
def pool_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/pool/``: coordinators go to the pool, interpreters to their own page."""
    if is_admin(request.user) or center_ids_for(request.user, roles=[Role.COORDINATOR]):
        return redirect("interpreter-list")
    return redirect("interpreter-me")


@role_required(Role.COORDINATOR)
def interpreter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = interpreter_list_filters(request)
    profiles = selectors.interpreter_list(
        user=request.user,
        search=filters["search"],
        language=filters["language"],
        town=filters["town"],
        mode=filters["mode"],
        qualification=filters["qualification"],
        active=filters["active"],
        cleared=filters["cleared"],
    )
    page = paginate(request, profiles)
    paperwork = volunteer_selectors.paperwork_status_for(
        volunteers=[p.volunteer for p in page.object_list]
    )
    receivable = set(
        selectors.active_profiles(
            InterpreterProfile.objects.filter(pk__in=[p.pk for p in page.object_list])
        ).values_list("pk", flat=True)
    )
    rows = [(p, paperwork[p.volunteer_id], p.pk in receivable) for p in page.object_list]
    used_languages = (
        selectors.interpreter_scope(user=request.user)
        .values_list("volunteer__languages__language_id", flat=True)
        .distinct()
    )
    return render(
        request,
        "sprachpool/interpreter_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": any(v not in ("", None) for v in filters.values()),
            "query": query_without_page(request),
            "languages": Language.objects.filter(code__in=used_languages).exclude(code="de"),
            "towns": _towns(request),
            "modes": Mode.choices,
            "qualifications": InterpreterProfile.Qualification.choices,
        },
    )


@role_required(Role.COORDINATOR)
def language_coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    coverage = selectors.language_coverage(user=request.user)
    return render(
        request,
        "sprachpool/language_coverage.html",
        {
            "coverage": coverage,
            "scarce_below": selectors.SCARCE_BELOW,
            "town_rows": list(zip(coverage.towns, coverage.town_totals, strict=True)),
            "grand_total": sum(coverage.town_totals),
        },
    )


def _slot_summary(profile: InterpreterProfile) -> list[tuple[StrOrPromise, list[WeeklySlot]]]:
    by_day: dict[int, list[WeeklySlot]] = {}
    for slot in profile.volunteer.weekly_slots.all():
        by_day.setdefault(slot.weekday, []).append(slot)
    return [(WeeklySlot.Weekday(day).label, slots) for day, slots in sorted(by_day.items())]


def _profile_context(profile: InterpreterProfile) -> dict[str, Any]:
    paperwork = volunteer_selectors.paperwork_status(volunteer=profile.volunteer)
    blockers = selectors.receive_blockers(profile=profile)
    return {
        "profile": profile,
        "can_receive": not blockers,
        "blockers": [BLOCKER_LABELS[code] for code in blockers],
        "volunteer": profile.volunteer,
        "paperwork": paperwork,
        "missing": [PAPERWORK_LABELS.get(code, code) for code in paperwork.missing],
        "expiring": [(PAPERWORK_LABELS.get(code, code), due) for code, due in paperwork.expiring],
        "slots": _slot_summary(profile),
        "modes": [Mode(m).label for m in profile.modes],
        "declined_topics": [Topic(code).label for code in profile.declined_topics],
    }


def _coordinated(request: AuthenticatedHttpRequest, pk: int) -> InterpreterProfile:
    return get_object_or_404(
        selectors.interpreter_with_details(selectors.coordinated_profiles(user=request.user)),
        pk=pk,
    )


@role_required(Role.COORDINATOR)
def interpreter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _coordinated(request, pk)
    volunteer_viewed(actor=request.user, volunteer=profile.volunteer)
    context = _profile_context(profile)
    problems = (
        {} if profile.is_active else services.activation_problems(volunteer=profile.volunteer)
    )
    context["activation_problems"] = [m for msgs in problems.values() for m in msgs]
    return render(request, "sprachpool/interpreter_detail.html", context)


@role_required(Role.COORDINATOR)
def interpreter_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    volunteers = selectors.volunteers_without_profile(user=request.user)
    form = InterpreterProfileForm(
        request.POST or None,
        volunteers=volunteers,
        initial={
            "kind": InterpreterProfile.Kind.VOLUNTEER,
            "qualification": InterpreterProfile.Qualification.LAY,
            "modes": [Mode.IN_PERSON],
            "max_travel_km": 25,
            "allowance_tier": InterpreterProfile.AllowanceTier.STANDARD,
        },
    )
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, profile = run_service(
            lambda: services.interpreter_profile_create(
                actor=request.user,
                volunteer=data["volunteer"],
                **{k: v for k, v in data.items() if k != "volunteer"},
            ),
            valid=valid,
            form=form,
        )
        if stored and profile is not None:
            messages.success(
                request,
                _("%(name)s is now in the interpreter pool (not active yet).")
                % {"name": profile.volunteer.display_name},
            )
            return redirect("interpreter-detail", pk=profile.pk)
    return render(
        request,
        "sprachpool/profile_form.html",
        {
            "form": form,
            "title": _("Add an interpreter"),
            "back_url": reverse("interpreter-list"),
            "no_volunteers": not volunteers.exists(),
        },
    )


@role_required(Role.COORDINATOR)
def interpreter_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _coordinated(request, pk)
    data = request.POST if request.method == "POST" else None
    form = InterpreterProfileForm(data, initial=InterpreterProfileForm.initial_for(profile))
    formset = language_formset(data, volunteer=profile.volunteer)
    if request.method == "POST":
        valid = all([form.is_valid(), formset.is_valid()])
        values = form_values(form)
        stored, _updated = run_service(
            lambda: services.interpreter_profile_update(
                actor=request.user, profile=profile, languages=formset.pairs(), **values
            ),
            valid=valid,
            form=form,
            formsets={"languages": formset},
        )
        if stored:
            messages.success(request, _("Changes saved."))
            return redirect("interpreter-detail", pk=pk)
    return render(
        request,
        "sprachpool/profile_form.html",
        {
            "form": form,
            "formset": formset,
            "profile": profile,
            "title": _("Edit interpreter profile of %(name)s")
            % {"name": profile.volunteer.display_name},
            "back_url": reverse("interpreter-detail", args=[pk]),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def interpreter_activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _coordinated(request, pk)
    try:
        services.interpreter_profile_activate(actor=request.user, profile=profile)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The interpreter is active and can receive offers."))
    return redirect("interpreter-detail", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def interpreter_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _coordinated(request, pk)
    services.interpreter_profile_deactivate(actor=request.user, profile=profile)
    messages.success(request, _("The interpreter is inactive and gets no offers."))
    return redirect("interpreter-detail", pk=pk)


@role_required(Role.VOLUNTEER, Role.COORDINATOR)
def interpreter_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The interpreter's own page: what the pool knows, and modes, radius, settings to edit."""
    profile = selectors.own_profile(user=request.user)
    if profile is None:
        return render(request, "sprachpool/me.html", {"profile": None})
    form = OwnProfileForm(request.POST or None, initial=OwnProfileForm.initial_for(profile))
    if request.method == "POST":
        valid = form.is_valid()
        data = form_values(form)
        stored, _updated = run_service(
            lambda: services.interpreter_profile_update(
                actor=request.user, profile=profile, **data
            ),
            valid=valid,
            form=form,
        )
        if stored:
            messages.success(request, _("Changes saved."))
            return redirect("interpreter-me")
    context = _profile_context(profile)
    context["form"] = form
    return render(request, "sprachpool/me.html", context)
