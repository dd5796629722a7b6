"""Web pages of the core. Thin: they read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import selectors, services
from core.audit_display import describe_events, object_kinds
from core.auth import RESET_LIMITED, LoginForm, PasswordResetForm, ResetLimited
from core.forms import AuditFilterForm, DepartmentForm, PlaceForm, add_service_errors
from core.models import Center, Department, Place, Role
from core.navigation import collect_home_cards
from core.params import parse_id
from core.scoping import has_role, user_memberships
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The landing page: one section per role the user holds."""
    memberships = user_memberships(request.user)
    roles = sorted({m.role for m in memberships}, key=list(Role.values).index)
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "roles": roles,
            "is_admin": request.user.is_superuser,
            "home_cards": collect_home_cards(request.user),
        },
    )


@login_required
def department_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    departments = selectors.department_list(user=request.user, search=search)
    return render(
        request,
        "core/department_list.html",
        {
            "page": paginate(request, departments),
            "search": search,
            "query": query_without_page(request),
            "can_edit": has_role(request.user, Role.COORDINATOR),
        },
    )


@login_required
def department_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(selectors.department_list(user=request.user), pk=pk)
    can_edit = has_role(request.user, Role.COORDINATOR, center_id=department.center_id)
    return render(
        request,
        "core/department_detail.html",
        {"department": department, "can_edit": can_edit},
    )


def _coordinated_centers(request: AuthenticatedHttpRequest) -> QuerySet[Center]:
    return selectors.center_list(user=request.user, roles=[Role.COORDINATOR])


@role_required(Role.COORDINATOR)
def department_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    centers = _coordinated_centers(request)
    form = DepartmentForm(request.POST or None, centers=centers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        center = data.pop("center")
        try:
            department = services.department_create(actor=request.user, center=center, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Department “%(name)s” created.") % {"name": department})
            return redirect("department-detail", pk=department.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("New department"), "back_url": reverse("department-list")},
    )


@role_required(Role.COORDINATOR)
def department_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.for_user(request.user, roles=[Role.COORDINATOR]), pk=pk
    )
    form = DepartmentForm(
        request.POST or None, instance=department, centers=_coordinated_centers(request)
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "center"}
        department = Department.objects.get(pk=pk)
        try:
            services.department_update(actor=request.user, department=department, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("department-detail", pk=pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Edit department"),
            "back_url": reverse("department-detail", args=[pk]),
        },
    )


@login_required
def place_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in Place.Kind.values:
        kind = ""
    places = selectors.place_list(user=request.user, search=search, kind=kind)
    return render(
        request,
        "core/place_list.html",
        {
            "page": paginate(request, places),
            "search": search,
            "kind": kind,
            "kinds": Place.Kind.choices,
            "query": query_without_page(request),
            "can_edit": has_role(request.user, Role.COORDINATOR),
        },
    )


@login_required
def place_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(selectors.place_list(user=request.user), pk=pk)
    can_edit = has_role(request.user, Role.COORDINATOR, center_id=place.center_id)
    return render(request, "core/place_detail.html", {"place": place, "can_edit": can_edit})


def _place_form_page(
    request: AuthenticatedHttpRequest, *, place: Place | None, title: str, back_url: str
) -> HttpResponse:
    """Create or edit a place; "Take the town's coordinates" fills them in without saving."""
    towns = selectors.place_list(user=request.user, kind=Place.Kind.TOWN).filter(
        center__in=_coordinated_centers(request)
    )
    form = PlaceForm(
        request.POST or None, instance=place, centers=_coordinated_centers(request), towns=towns
    )
    taken_from = None
    if request.method == "POST" and "apply_town" in request.POST:
        form, taken_from = _form_with_town_coordinates(
            form, request=request, place=place, towns=towns
        )
    elif request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if place is None:
                center = fields.pop("center")
                place = services.place_create(actor=request.user, center=center, **fields)
                messages.success(request, _("Place “%(name)s” created.") % {"name": place})
            else:
                place = services.place_update(actor=request.user, place=place, **fields)
                messages.success(request, _("Changes saved."))
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            return redirect("place-detail", pk=place.pk)
    return render(
        request,
        "core/place_form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "place": place,
            "taken_from": taken_from,
        },
    )


def _form_with_town_coordinates(
    form: PlaceForm, *, request: AuthenticatedHttpRequest, place: Place | None, towns: Any
) -> tuple[PlaceForm, Place | None]:
    """The form again, with the chosen town's coordinates (and an empty city or postcode)
    filled in as hand-typed values the coordinator can still adjust; and that town."""
    data = request.POST.copy()
    town_id = parse_id(data.get("town", ""))
    town = towns.filter(pk=town_id).first() if town_id is not None else None
    if town is not None:
        data["lat"], data["lon"] = str(town.lat), str(town.lon)
        data["coordinates"] = PlaceForm.SOURCE_MANUAL
        if not data.get("city"):
            data["city"] = town.city
        if not data.get("postcode"):
            data["postcode"] = town.postcode
    new_form = PlaceForm(data, instance=place, centers=_coordinated_centers(request), towns=towns)
    return new_form, town


@role_required(Role.COORDINATOR)
def place_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _place_form_page(
        request, place=None, title=_("New place"), back_url=reverse("place-list")
    )


@role_required(Role.COORDINATOR)
def place_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.for_user(request.user, roles=[Role.COORDINATOR]), pk=pk)
    return _place_form_page(
        request,
        place=place,
        title=_("Edit place"),
        back_url=reverse("place-detail", args=[pk]),
    )


@role_required(Role.COORDINATOR)
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    members = selectors.member_list(user=request.user, search=search, role=role)
    return render(
        request,
        "core/member_list.html",
        {
            "page": paginate(request, members.prefetch_related("memberships__center")),
            "search": search,
            "role": role,
            "roles": Role.choices,
            "query": query_without_page(request),
        },
    )


@role_required(Role.COORDINATOR)
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(selectors.member_list(user=request.user), pk=pk)
    memberships = selectors.member_memberships(user=request.user, member=member)
    if not memberships and not request.user.is_superuser:
        raise Http404
    services.member_viewed(actor=request.user, member=member)
    return render(
        request, "core/member_detail.html", {"member": member, "memberships": memberships}
    )


@role_required(Role.COORDINATOR)
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit trail in words, with filters (who, kind of object, action, period) and search."""
    form = AuditFilterForm(
        request.GET if request.GET.keys() - {"page"} else None,
        actors=selectors.audit_actor_list(user=request.user),
        object_kinds=object_kinds(selectors.audit_object_types(user=request.user)),
    )
    filters = form.filters()
    events = selectors.audit_event_list(user=request.user, **filters)
    page = paginate(request, events, per_page=50)
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "filtered": any(filters.values()),
            "page": page,
            "entries": describe_events(list(page.object_list), user=request.user),
            "query": query_without_page(request),
        },
    )


# --------------------------------------------------------------------------- logging in


class LoginView(auth_views.LoginView):
    """The login page: plain messages for a wrong password and for a lockout
    (:class:`core.auth.LoginForm`); the lockout itself is in the authentication backend."""

    form_class = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, limited per e-mail and per client address
    (:class:`core.auth.PasswordResetForm`)."""

    form_class = PasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ResetLimited:
            form.add_error(None, RESET_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
