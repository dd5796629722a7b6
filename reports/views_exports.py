"""Registry exports for the coordinator: volunteers, interpreters, networks and sponsorships
as CSV or XLSX, with the filters of the list page.

Each export reads its list's query string with that list's own parser
(``volunteer_list_filters``, ``interpreter_list_filters``, ``network_list_filters``,
``sponsorship_list_filters``) and the list's scoped selector, so a download holds exactly
what the page shows (all pages of it). Every download is audited (action ``export``: which
list, format, row count and the names of the filters used, never their values, since a
search may be a name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from core.web import AuthenticatedHttpRequest, role_required
from networks import selectors as network_selectors
from networks.views import network_list_filters, sponsorship_list_filters
from reports import exports
from reports.billing import coordinated_centers
from sprachpool import selectors as pool_selectors
from sprachpool.views import interpreter_list_filters
from volunteers import selectors as volunteer_selectors
from volunteers.views import volunteer_list_filters

FORMATS = ("csv", "xlsx")


def _languages(volunteer: Any) -> str:
    return ", ".join(
        f"{skill.language.name} ({skill.level})" for skill in volunteer.languages.all()
    )


def _town(volunteer: Any) -> str:
    return volunteer.home_place.name if volunteer.home_place is not None else ""


def _used(filters: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in filters.items() if value not in ("", None, False))


def volunteers_table(request: AuthenticatedHttpRequest) -> tuple[exports.Table, list[str]]:
    filters = volunteer_list_filters(request)
    volunteers = volunteer_selectors.volunteer_list(user=request.user, **filters).select_related(
        "home_place"
    )
    volunteers = volunteers.prefetch_related("languages__language")
    table = exports.Table(
        title=_("Volunteers"),
        headers=[
            _("No."),
            _("First name"),
            _("Last name"),
            _("E-mail"),
            _("Phone"),
            _("Postcode"),
            _("Town"),
            _("Status"),
            _("Languages"),
            _("Registered on"),
        ],
        rows=[
            [
                v.pk,
                v.first_name,
                v.last_name,
                v.email,
                v.phone,
                v.postcode,
                _town(v),
                v.get_status_display(),
                _languages(v),
                timezone.localdate(v.created_at),
            ]
            for v in volunteers
        ],
    )
    return table, _used(filters)


def interpreters_table(request: AuthenticatedHttpRequest) -> tuple[exports.Table, list[str]]:
    filters = interpreter_list_filters(request)
    profiles = (
        pool_selectors.interpreter_list(user=request.user, **filters)
        .select_related("volunteer__home_place")
        .prefetch_related("volunteer__languages__language")
    )
    receivable = set(pool_selectors.active_profiles(profiles).values_list("pk", flat=True))
    yes, no = _("yes"), _("no")
    table = exports.Table(
        title=_("Interpreters"),
        headers=[
            _("No."),
            _("First name"),
            _("Last name"),
            _("E-mail"),
            _("Phone"),
            _("Town"),
            _("Qualification"),
            _("Modes"),
            _("Languages"),
            _("Active"),
            _("Can receive requests"),
        ],
        rows=[
            [
                p.pk,
                p.volunteer.first_name,
                p.volunteer.last_name,
                p.volunteer.email,
                p.volunteer.phone,
                _town(p.volunteer),
                p.get_qualification_display(),
                ", ".join(str(m) for m in p.modes),
                _languages(p.volunteer),
                yes if p.is_active else no,
                yes if p.pk in receivable else no,
            ]
            for p in profiles
        ],
    )
    return table, _used(filters)


def networks_table(request: AuthenticatedHttpRequest) -> tuple[exports.Table, list[str]]:
    filters = network_list_filters(request)
    ids = set(
        network_selectors.network_list(user=request.user, **filters).values_list("pk", flat=True)
    )
    rows = [
        row
        for row in network_selectors.network_figures(user=request.user)
        if row["network"].pk in ids
    ]
    yes, no = _("yes"), _("no")
    table = exports.Table(
        title=_("Networks"),
        headers=[
            _("No."),
            _("Network"),
            _("Active"),
            _("Households waiting"),
            _("Active sponsorships"),
            _("Quiet sponsorships"),
            _("Paten without a sponsorship"),
        ],
        rows=[
            [
                r["network"].pk,
                r["network"].name,
                yes if r["network"].is_active else no,
                r["waiting"],
                r["active"],
                r["quiet"],
                r["idle_paten"],
            ]
            for r in rows
        ],
    )
    return table, _used(filters)


def sponsorships_table(request: AuthenticatedHttpRequest) -> tuple[exports.Table, list[str]]:
    filters = sponsorship_list_filters(request)
    sponsorships = network_selectors.sponsorship_list(user=request.user, **filters)
    table = exports.Table(
        title=_("Sponsorships"),
        headers=[
            _("No."),
            _("Network"),
            _("Household"),
            _("Pate"),
            _("Status"),
            _("Started on"),
            _("Ended on"),
            _("Last contact"),
        ],
        rows=[
            [
                s.pk,
                s.network.name,
                s.household.reference,
                s.pate.display_name,
                s.get_status_display(),
                s.started_on,
                s.ended_on,
                s.last_contact,
            ]
            for s in sponsorships
        ],
    )
    return table, _used(filters)


Builder = Callable[[AuthenticatedHttpRequest], tuple[exports.Table, list[str]]]

#: The lists that can be exported, by the name in the address.
EXPORTS: dict[str, Builder] = {
    "volunteers": volunteers_table,
    "interpreters": interpreters_table,
    "networks": networks_table,
    "sponsorships": sponsorships_table,
}


@role_required(Role.COORDINATOR)
def registry_export(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    """One list with the page's filters, as CSV or XLSX (audited)."""
    build = EXPORTS.get(kind)
    if build is None or fmt not in FORMATS:
        raise Http404
    table, used = build(request)
    centers = list(coordinated_centers(user=request.user)[:2])
    exports.export_audit(
        actor=request.user,
        center=centers[0] if len(centers) == 1 else None,
        export=kind,
        fmt=fmt,
        rows=len(table.rows),
        filters=used,
    )
    name = f"{kind}-{timezone.localdate():%Y-%m-%d}"
    return exports.table_download([table], filename=name, fmt=fmt)
