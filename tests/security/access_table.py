# ruff: noqa: E501  (the table keeps one line per route)
"""Who may call what: every web page and API operation of the project, one line each.

The integreat-cms pattern (``tests/views/view_config.py``): a route's url name, its url
arguments, the method and the roles allowed. ``tests/security/test_access_matrix.py`` runs
every line for every role (coordinator, caseworker, volunteer, network lead, the installation
admin, an anonymous visitor) of the object's own center and of the other center, and
``test_every_route_is_in_the_table`` fails for any route of the URL resolver that has no line
here: deny by default.

What each line promises (own center):

* an allowed role gets ``ok`` (2xx, or the 3xx a page answers after a successful POST);
* an anonymous visitor gets 401 from the API and a redirect to the login from a page,
  unless ``ANONYMOUS`` is allowed (public pages);
* a role in ``hidden`` gets 404: the object itself is outside that role's scope (the rule
  of the API contract: objects outside the scope are 404, never 403);
* any other role gets 403; ``expect`` overrides a single role's answer where the line says
  why.

For the other center (a member of center B asking for center A's object, by id), an
allowed or hidden role gets 404 and any other role 403 or 404 (a role refused before the
object is looked up learns nothing of the id). A refused write stores nothing: the row
count of ``model`` is unchanged.

Url arguments name rows of :mod:`tests.security.matrix_world` (``{"pk": "volunteer"}``:
center A's volunteer); a value starting with ``=`` is taken literally. In a body, ``"@key"``
is the id of that row and ``"@today"`` today's date.

To add a route: one line in :data:`ROUTES` (or, for a route that is public by design and
outside the matrix, in :data:`UNCHECKED`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.security.matrix_world import ADMIN, ANONYMOUS

COORDINATOR = "coordinator"
CASEWORKER = "caseworker"
VOLUNTEER = "volunteer"
NETWORK_LEAD = "network_lead"

#: Coordinators (and the admin, who holds every role).
COORD = frozenset({COORDINATOR, ADMIN})
#: The request flow's two sides of the center.
REQ = frozenset({COORDINATOR, CASEWORKER, ADMIN})
#: Sponsorship networks.
NET = frozenset({COORDINATOR, NETWORK_LEAD, ADMIN})
#: Every logged-in member (and the admin).
MEMBERS = frozenset({COORDINATOR, CASEWORKER, VOLUNTEER, NETWORK_LEAD, ADMIN})
#: The volunteer's own pages: the admin passes the role check but has no volunteer record.
VOL = frozenset({VOLUNTEER})
#: Anyone, logged in or not.
PUBLIC = frozenset({*MEMBERS, ANONYMOUS})
#: Nobody but the roles listed.
NOBODY: frozenset[str] = frozenset()

#: The roles for whom an object of their own center is outside their scope (404).
NOT_COORD = frozenset({CASEWORKER, VOLUNTEER, NETWORK_LEAD})
NOT_REQ = frozenset({VOLUNTEER, NETWORK_LEAD})
NOT_NET = frozenset({CASEWORKER, VOLUNTEER})
#: Pages of the one interpreter an offer or assignment is for: the admin passes the role
#: check, but it is not theirs.
THE_ONE = frozenset({ADMIN})
#: The volunteer's own pages: anybody else (the admin too) has no volunteer record → 404.
NOT_THEIRS = frozenset({COORDINATOR, CASEWORKER, NETWORK_LEAD, ADMIN})


@dataclass(frozen=True)
class Route:
    """One operation: url name, url arguments, method, the roles allowed."""

    name: str
    method: str
    allowed: frozenset[str]
    kwargs: dict[str, str] = field(default_factory=dict)
    #: The answer of an allowed role (a page that redirects after success names its 3xx).
    ok: tuple[int, ...] = (200,)
    #: Roles for whom the object is outside their scope: 404.
    hidden: frozenset[str] = NOBODY
    #: Single answers that differ from the rule, by role (own center).
    expect: dict[str, int] = field(default_factory=dict)
    #: The body of a write (form fields for a page, JSON for the API).
    body: dict[str, Any] | None = None
    #: The model whose row count a refused write must leave unchanged ("app.Model").
    model: str | None = None

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api-")

    @property
    def has_object(self) -> bool:
        return any(not value.startswith("=") for value in self.kwargs.values())

    @property
    def id(self) -> str:
        literal = [value[1:] for value in self.kwargs.values() if value.startswith("=")]
        return f"{self.method} {self.name}" + (f" {'.'.join(literal)}" if literal else "")


def r(name: str, method: str, allowed: frozenset[str], **options: Any) -> Route:
    return Route(name=name, method=method, allowed=allowed, **options)


V = {"pk": "volunteer"}
PK = "pk"

# fmt: off
ROUTES: list[Route] = [
    # ------------------------------------------------------------------ core pages
    r("home", "GET", MEMBERS),
    r("department-list", "GET", MEMBERS),
    r("department-create", "GET", COORD),
    r("department-create", "POST", COORD, body={}, model="core.Department"),
    r("department-detail", "GET", MEMBERS, kwargs={PK: "department"}),
    r("department-edit", "GET", COORD, kwargs={PK: "department"}),
    r("department-edit", "POST", COORD, kwargs={PK: "department"}, body={}, model="core.Department"),
    r("place-list", "GET", MEMBERS),
    r("place-create", "GET", COORD),
    r("place-create", "POST", COORD, body={}, model="core.Place"),
    r("place-detail", "GET", MEMBERS, kwargs={PK: "place"}),
    r("place-edit", "GET", COORD, kwargs={PK: "place"}),
    r("place-edit", "POST", COORD, kwargs={PK: "place"}, body={}, model="core.Place"),
    r("member-list", "GET", COORD),
    r("member-detail", "GET", COORD, kwargs={PK: "caseworker_user"}),
    r("audit-list", "GET", COORD),
    r("news-list", "GET", MEMBERS),
    r("news-mark-read", "POST", MEMBERS, ok=(302,), body={}),
    r("message-failures", "GET", COORD),
    r("message-failure-retry", "POST", COORD, kwargs={PK: "notification"}, ok=(302,), body={}),
    # ------------------------------------------------------------------ accounts
    r("login", "GET", PUBLIC),
    r("logout", "POST", PUBLIC, ok=(200, 302)),
    r("password_change", "GET", MEMBERS),
    r("password_change_done", "GET", MEMBERS),
    r("password_reset", "GET", PUBLIC),
    r("password_reset_done", "GET", PUBLIC),
    r("password_reset_confirm", "GET", PUBLIC, kwargs={"uidb64": "=MQ", "token": "=set-password"}),
    r("password_reset_complete", "GET", PUBLIC),
    # ------------------------------------------------------------------ volunteers: public
    r("privacy-notice", "GET", PUBLIC),
    r("volunteer-register-choose", "GET", PUBLIC),
    r("volunteer-register", "GET", PUBLIC, kwargs={"center": "=eigen"}),
    r("volunteer-register-done", "GET", PUBLIC, kwargs={"center": "=eigen"}),
    r("volunteer-register-confirm", "GET", PUBLIC, kwargs={"token": "=not-a-token"}, ok=(400,)),
    r("volunteer-withdrawn", "GET", PUBLIC),
    # ------------------------------------------------------------------ volunteers: coordinators
    r("volunteer-list", "GET", COORD),
    r("volunteer-create", "GET", COORD),
    r("volunteer-create", "POST", COORD, body={}, model="volunteers.Volunteer"),
    r("volunteer-approvals", "GET", COORD),
    r("volunteer-paperwork", "GET", COORD),
    r("volunteer-detail", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-edit", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-edit", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}),
    r("volunteer-languages", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-languages", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.LanguageSkill"),
    r("volunteer-availability", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-availability", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.WeeklySlot"),
    r("volunteer-absences", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-absences", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.Absence"),
    r("volunteer-absence-delete", "GET", COORD, kwargs={PK: "volunteer", "absence": "absence"}, hidden=NOT_COORD),
    r("volunteer-absence-delete", "POST", COORD, kwargs={PK: "volunteer", "absence": "absence"}, hidden=NOT_COORD, ok=(302,), model="volunteers.Absence"),
    r("volunteer-transition", "GET", COORD, kwargs={PK: "volunteer", "action": "=leave"}, hidden=NOT_COORD),
    r("volunteer-transition", "POST", COORD, kwargs={PK: "pending", "action": "=approve"}, hidden=NOT_COORD, ok=(302,)),
    r("volunteer-resend", "POST", COORD, kwargs={PK: "pending"}, hidden=NOT_COORD, ok=(302,)),
    r("volunteer-certificate-add", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-certificate-add", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.PoliceCertificate"),
    r("volunteer-pledge-add", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-pledge-add", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.PledgeSignature"),
    r("volunteer-training-add", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-training-add", "POST", COORD, kwargs=V, hidden=NOT_COORD, body={}, model="volunteers.Training"),
    r("volunteer-paperwork-delete", "GET", COORD, kwargs={PK: "volunteer", "kind": "=training", "entry": "training"}, hidden=NOT_COORD),
    r("volunteer-paperwork-delete", "POST", COORD, kwargs={PK: "volunteer", "kind": "=training", "entry": "training"}, hidden=NOT_COORD, ok=(302,), model="volunteers.Training"),
    r("volunteer-delete", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    r("volunteer-delete", "POST", COORD, kwargs={PK: "pending"}, hidden=NOT_COORD, ok=(302,), model="volunteers.Volunteer"),
    r("volunteer-export", "GET", COORD, kwargs=V, hidden=NOT_COORD),
    # ------------------------------------------------------------------ volunteers: own pages
    r("my-volunteer", "GET", VOL, hidden=NOT_THEIRS),
    r("my-contact", "GET", VOL, hidden=NOT_THEIRS),
    r("my-contact", "POST", VOL, hidden=NOT_THEIRS, body={}),
    r("my-confirmation-resend", "POST", VOL, hidden=NOT_THEIRS, ok=(302,)),
    r("my-messages", "GET", VOL, hidden=NOT_THEIRS),
    r("my-languages", "GET", VOL, hidden=NOT_THEIRS),
    r("my-languages", "POST", VOL, hidden=NOT_THEIRS, body={}, model="volunteers.LanguageSkill"),
    r("my-availability", "GET", VOL, hidden=NOT_THEIRS),
    r("my-availability", "POST", VOL, hidden=NOT_THEIRS, body={}, model="volunteers.WeeklySlot"),
    r("my-absences", "GET", VOL, hidden=NOT_THEIRS),
    r("my-absences", "POST", VOL, hidden=NOT_THEIRS, body={}, model="volunteers.Absence"),
    r("my-absence-delete", "GET", VOL, kwargs={"absence": "absence"}, hidden=NOT_THEIRS),
    r("my-absence-delete", "POST", VOL, kwargs={"absence": "absence"}, hidden=NOT_THEIRS, ok=(302,), model="volunteers.Absence"),
    r("my-pause", "POST", VOL, hidden=NOT_THEIRS, ok=(302,)),
    r("my-resume", "POST", VOL, hidden=NOT_THEIRS, ok=(302,)),
    r("my-data", "GET", VOL, hidden=NOT_THEIRS),
    r("my-withdraw", "GET", VOL, hidden=NOT_THEIRS),
    r("my-withdraw", "POST", VOL, hidden=NOT_THEIRS, body={}, ok=(400,), model="volunteers.Volunteer"),
    # ------------------------------------------------------------------ sprachpool
    r("pool-home", "GET", MEMBERS, ok=(302,)),
    r("interpreter-list", "GET", COORD),
    r("interpreter-create", "GET", COORD),
    r("interpreter-create", "POST", COORD, body={}, model="sprachpool.InterpreterProfile"),
    r("interpreter-detail", "GET", COORD, kwargs={PK: "interpreter"}),
    r("interpreter-edit", "GET", COORD, kwargs={PK: "interpreter"}),
    r("interpreter-edit", "POST", COORD, kwargs={PK: "interpreter"}, body={}),
    r("interpreter-activate", "POST", COORD, kwargs={PK: "interpreter"}, ok=(302,)),
    r("interpreter-deactivate", "POST", COORD, kwargs={PK: "interpreter"}, ok=(302,)),
    r("language-coverage", "GET", COORD),
    r("interpreter-me", "GET", frozenset({VOLUNTEER, COORDINATOR, ADMIN})),
    # ------------------------------------------------------------------ networks
    r("network-list", "GET", NET),
    r("network-create", "GET", COORD),
    r("network-create", "POST", COORD, body={}, model="networks.Network"),
    r("network-detail", "GET", NET, kwargs={PK: "network"}),
    r("network-edit", "GET", NET, kwargs={PK: "network"}),
    r("network-edit", "POST", NET, kwargs={PK: "network"}, body={}),
    r("network-leads", "GET", NET, kwargs={PK: "network"}),
    r("network-leads", "POST", COORD, kwargs={PK: "network"}, body={}, model="networks.NetworkLead"),
    r("network-lead-remove", "POST", COORD, kwargs={PK: "network", "user_pk": "lead_user"}, ok=(302,), model="networks.NetworkLead"),
    r("network-members", "GET", NET, kwargs={PK: "network"}),
    r("network-members", "POST", NET, kwargs={PK: "network"}, body={}, model="networks.NetworkMember"),
    r("network-member-remove", "POST", NET, kwargs={PK: "network", "member_pk": "member"}, ok=(302,), model="networks.NetworkMember"),
    r("household-list", "GET", NET),
    r("household-create", "GET", NET),
    r("household-create", "POST", NET, body={}, model="networks.Household"),
    r("household-edit", "GET", NET, kwargs={PK: "household"}),
    r("household-edit", "POST", NET, kwargs={PK: "household"}, body={}),
    r("sponsorship-list", "GET", NET),
    r("sponsorship-create", "GET", NET),
    r("sponsorship-create", "POST", NET, body={}, model="networks.Sponsorship"),
    r("sponsorship-detail", "GET", NET, kwargs={PK: "sponsorship"}),
    r("sponsorship-action", "POST", NET, kwargs={PK: "sponsorship", "action": "=check-in"}, body={"check-in-date": "@today", "check-in-note": "Gut"}, ok=(302,), model="networks.CheckIn"),
    # ------------------------------------------------------------------ requests: caseworkers
    r("request-list", "GET", REQ),
    r("request-create", "GET", REQ),
    r("request-create", "POST", REQ, body={}, model="requests.InterpreterRequest"),
    r("request-detail", "GET", REQ, kwargs={PK: "request"}),
    r("request-edit", "GET", REQ, kwargs={PK: "request"}),
    r("request-edit", "POST", REQ, kwargs={PK: "request"}, body={}),
    r("request-cancel", "GET", REQ, kwargs={PK: "request"}),
    r("request-cancel", "POST", REQ, kwargs={PK: "request"}, body={}),
    r("request-confirm", "GET", REQ, kwargs={PK: "past_request"}),
    r("request-confirm", "POST", REQ, kwargs={PK: "past_request"}, body={}, model="requests.Confirmation"),
    r("confirmations-due", "GET", REQ),
    r("confirmation-queue", "GET", COORD),
    r("confirmation-decide", "GET", COORD, kwargs={PK: "past_assignment"}),
    r("confirmation-decide", "POST", COORD, kwargs={PK: "past_assignment"}, body={}, model="requests.AllowanceEntry"),
    r("cap-exception-list", "GET", COORD),
    # ------------------------------------------------------------------ requests: interpreters
    r("offer-list", "GET", VOL, expect={ADMIN: 200}),
    r("offer-accept", "POST", VOL, hidden=THE_ONE, kwargs={PK: "offer"}, ok=(302,), model="requests.Assignment"),
    r("offer-decline", "POST", VOL, hidden=THE_ONE, kwargs={PK: "offer"}, ok=(302,)),
    r("assignment-list", "GET", VOL, expect={ADMIN: 200}),
    r("assignment-detail", "GET", VOL, hidden=THE_ONE, kwargs={PK: "assignment"}),
    r("assignment-cancel", "GET", VOL, hidden=THE_ONE, kwargs={PK: "assignment"}),
    r("assignment-cancel", "POST", VOL, hidden=THE_ONE, kwargs={PK: "assignment"}, body={}),
    r("assignment-confirm", "GET", VOL, kwargs={PK: "past_assignment"}, hidden=THE_ONE, ok=(302,)),
    r("assignment-confirm", "POST", VOL, kwargs={PK: "past_assignment"}, hidden=THE_ONE, body={}, model="requests.Confirmation"),
    r("assignment-ics", "GET", VOL, hidden=THE_ONE, kwargs={PK: "assignment"}),
    r("allowance-list", "GET", VOL, expect={ADMIN: 200}),
    r("calendar-renew", "GET", VOL, hidden=THE_ONE),
    r("calendar-renew", "POST", VOL, hidden=THE_ONE, ok=(302,)),
    r("calendar-revoke", "GET", VOL, hidden=THE_ONE),
    r("calendar-revoke", "POST", VOL, hidden=THE_ONE, ok=(302,)),
    # ------------------------------------------------------------------ signed links (public)
    r("calendar-feed", "GET", PUBLIC, kwargs={"token": "=not-a-token"}, ok=(404,)),
    r("offer-link", "GET", PUBLIC, kwargs={"token": "=not-a-token"}, ok=(404,)),
    # ------------------------------------------------------------------ matching console
    r("matching-console", "GET", COORD),
    r("matching-run-now", "POST", COORD, body={"center": "@center"}, ok=(302,), model="matching.MatchingRun"),
    r("matching-runs", "GET", COORD),
    r("matching-run-detail", "GET", COORD, kwargs={PK: "run"}),
    r("matching-run-instance", "GET", COORD, kwargs={PK: "run"}),
    r("matching-request", "GET", COORD, kwargs={PK: "request"}),
    r("matching-request-offer", "POST", COORD, kwargs={PK: "request"}, body={}, ok=(302,), model="requests.Offer"),
    r("matching-request-exclude", "GET", COORD, kwargs={PK: "request", "interpreter": "interpreter2"}),
    r("matching-request-exclude", "POST", COORD, kwargs={PK: "request", "interpreter": "interpreter2"}, ok=(302,), model="requests.RequestExclusion"),
    r("matching-offer-withdraw", "GET", COORD, kwargs={PK: "offer"}),
    r("matching-offer-withdraw", "POST", COORD, kwargs={PK: "offer"}, ok=(302,)),
    r("matching-offer-confirm", "POST", COORD, kwargs={PK: "offer"}, ok=(302,), model="requests.Assignment"),
    # ------------------------------------------------------------------ reports
    r("reports-dashboard", "GET", COORD),
    r("reports-supply", "GET", COORD),
    r("reports-summary", "GET", COORD),
    r("reports-summary-download", "GET", COORD),
    r("reports-replay", "GET", COORD),
    r("reports-replay", "POST", COORD, body={}, model="reports.Replay"),
    r("reports-replay-detail", "GET", COORD, kwargs={PK: "replay"}),
    r("reports-billing", "GET", COORD),
    r("reports-billing-export", "GET", COORD, kwargs={"fmt": "=csv"}),
    r("reports-billing-export", "GET", COORD, kwargs={"fmt": "=xlsx"}),
    r("reports-billing-close", "GET", COORD),
    r("reports-billing-close", "POST", COORD, body={"center": "@center"}, ok=(302,), model="requests.BillingMonth"),
    r("reports-tax-free", "GET", COORD),
    r("reports-funding", "GET", COORD),
    r("reports-funding-export", "GET", COORD),
    r("reports-export", "GET", COORD, kwargs={"kind": "=volunteers", "fmt": "=csv"}),
    r("reports-export", "GET", COORD, kwargs={"kind": "=interpreters", "fmt": "=csv"}),
    r("reports-export", "GET", COORD, kwargs={"kind": "=networks", "fmt": "=csv"}),
    r("reports-export", "GET", COORD, kwargs={"kind": "=sponsorships", "fmt": "=xlsx"}),
    r("api-reports-summary", "GET", COORD),
    # ------------------------------------------------------------------ Pate proposals
    # A pair the engine does not propose sends back to the proposals (302).
    r("network-proposals", "GET", NET, kwargs={PK: "network"}),
    r("network-proposal-confirm", "GET", NET, kwargs={PK: "network", "household": "household", "pate": "pate"}, ok=(302,)),
    r("network-proposal-confirm", "POST", NET, kwargs={PK: "network", "household": "household", "pate": "pate"}, ok=(302,), model="networks.Sponsorship"),
    r("network-proposal-reject", "GET", NET, kwargs={PK: "network", "household": "household", "pate": "pate"}),
    r("network-proposal-reject", "POST", NET, kwargs={PK: "network", "household": "household", "pate": "pate"}, body={}, ok=(400,), model="networks.ProposalRejection"),
    # ------------------------------------------------------------------ two-factor login
    # Without a device the recovery codes, switch-off and verify pages send to the set-up page.
    r("two-factor", "GET", MEMBERS),
    r("two-factor", "POST", MEMBERS, body={}),
    r("two-factor-recovery-codes", "GET", MEMBERS, ok=(302,)),
    r("two-factor-recovery-codes", "POST", MEMBERS, body={}, ok=(302,)),
    r("two-factor-disable", "GET", MEMBERS, ok=(302,)),
    r("two-factor-disable", "POST", MEMBERS, body={}, ok=(302,)),
    r("two-factor-verify", "GET", MEMBERS, ok=(302,)),
    r("two-factor-verify", "POST", MEMBERS, body={}, ok=(302,)),
    # ------------------------------------------------------------------ API: auth and me
    r("api-auth-token", "POST", PUBLIC, body={"username": "nobody", "password": "wrong"}, ok=(400,)),
    r("api-auth-token", "DELETE", MEMBERS, ok=(204,)),
    r("api-me", "GET", MEMBERS),
    r("api-me-calendar", "GET", VOL),
    r("api-me-calendar", "POST", VOL),
    r("api-languages", "GET", MEMBERS),
    r("api-departments", "GET", MEMBERS),
    r("api-departments", "POST", COORD, body={}, ok=(400,), model="core.Department"),
    r("api-department-detail", "GET", MEMBERS, kwargs={PK: "department"}),
    r("api-department-detail", "PATCH", COORD, kwargs={PK: "department"}, body={"cost_centre": "KST-9"}),
    r("api-places", "GET", MEMBERS),
    r("api-place-detail", "GET", MEMBERS, kwargs={PK: "place"}),
    r("api-users", "GET", COORD),
    r("api-user-detail", "GET", COORD, kwargs={PK: "caseworker_user"}),
    r("api-volunteer-register", "POST", PUBLIC, body={}, ok=(400,), model="volunteers.Volunteer"),
    # ------------------------------------------------------------------ API: volunteers
    r("api-volunteers", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN})),
    r("api-volunteers", "POST", COORD, body={}, ok=(400,), model="volunteers.Volunteer"),
    r("api-volunteer-detail", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}),
    r("api-volunteer-detail", "PATCH", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}, body={"phone": "+49 151 23456789"}),
    r("api-volunteer-detail", "DELETE", COORD, kwargs={PK: "pending"}, hidden=NOT_COORD, ok=(204,), model="volunteers.Volunteer"),
    r("api-volunteer-approve", "POST", COORD, kwargs={PK: "pending"}, hidden=NOT_COORD),
    r("api-volunteer-activate", "POST", COORD, kwargs={PK: "pending"}, hidden=NOT_COORD, ok=(200, 400, 409)),
    r("api-volunteer-pause", "POST", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}),
    r("api-volunteer-resume", "POST", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}, ok=(400,)),
    r("api-volunteer-leave", "POST", COORD, kwargs=V, hidden=NOT_COORD - {VOLUNTEER}),
    r("api-volunteer-absences", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}),
    r("api-volunteer-absences", "POST", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs=V, hidden=NOT_COORD - {VOLUNTEER}, body={}, ok=(400,), model="volunteers.Absence"),
    r("api-volunteer-absence-detail", "DELETE", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs={PK: "volunteer", "absence_id": "absence"}, hidden=NOT_COORD - {VOLUNTEER}, ok=(204,), model="volunteers.Absence"),
    # ------------------------------------------------------------------ API: interpreters
    r("api-interpreters", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN})),
    r("api-interpreters", "POST", COORD, body={}, ok=(400,), model="sprachpool.InterpreterProfile"),
    r("api-interpreter-detail", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs={PK: "interpreter"}, hidden=NOT_COORD - {VOLUNTEER}),
    r("api-interpreter-detail", "PATCH", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs={PK: "interpreter"}, hidden=NOT_COORD - {VOLUNTEER}, body={"max_travel_km": 30}),
    # ------------------------------------------------------------------ API: networks
    r("api-networks", "GET", NET),
    r("api-networks", "POST", COORD, body={}, ok=(400,), model="networks.Network"),
    r("api-network-detail", "GET", NET, kwargs={PK: "network"}, hidden=NOT_NET),
    r("api-network-detail", "PATCH", NET, kwargs={PK: "network"}, hidden=NOT_NET, body={}),
    r("api-households", "GET", NET),
    r("api-households", "POST", NET, body={}, ok=(400,), model="networks.Household"),
    r("api-household-detail", "GET", NET, kwargs={PK: "household"}, hidden=NOT_NET),
    r("api-household-detail", "PATCH", NET, kwargs={PK: "household"}, hidden=NOT_NET, body={}),
    r("api-sponsorships", "GET", NET),
    r("api-sponsorships", "POST", NET, body={}, ok=(400,), model="networks.Sponsorship"),
    r("api-sponsorship-detail", "GET", NET, kwargs={PK: "sponsorship"}, hidden=NOT_NET),
    r("api-sponsorship-detail", "PATCH", NET, kwargs={PK: "sponsorship"}, hidden=NOT_NET, body={}),
    r("api-sponsorship-check-ins", "GET", NET, kwargs={PK: "sponsorship"}, hidden=NOT_NET),
    r("api-sponsorship-check-ins", "POST", NET, kwargs={PK: "sponsorship"}, hidden=NOT_NET, body={}, ok=(400,), model="networks.CheckIn"),
    # ------------------------------------------------------------------ API: requests
    r("api-requests", "GET", REQ),
    r("api-requests", "POST", REQ, body={}, ok=(400,), model="requests.InterpreterRequest"),
    r("api-request-detail", "GET", REQ, kwargs={PK: "request"}, hidden=NOT_REQ),
    r("api-request-detail", "PATCH", REQ, kwargs={PK: "request"}, hidden=NOT_REQ, body={"notes": "Bitte klingeln."}),
    r("api-request-cancel", "POST", REQ, kwargs={PK: "request"}, hidden=NOT_REQ, body={"reason": "Termin entfällt"}),
    r("api-request-confirm", "POST", REQ, kwargs={PK: "past_request"}, hidden=NOT_REQ, body={}, ok=(400,), model="requests.Confirmation"),
    r("api-offers", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN})),
    r("api-offer-detail", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs={PK: "offer"}, hidden=frozenset({CASEWORKER, NETWORK_LEAD})),
    r("api-offer-accept", "POST", VOL, kwargs={PK: "offer"}, hidden=frozenset({CASEWORKER, NETWORK_LEAD}), ok=(200, 201), model="requests.Assignment"),
    r("api-offer-decline", "POST", VOL, kwargs={PK: "offer"}, hidden=frozenset({CASEWORKER, NETWORK_LEAD})),
    r("api-assignments", "GET", frozenset({COORDINATOR, CASEWORKER, VOLUNTEER, ADMIN})),
    r("api-assignment-detail", "GET", frozenset({COORDINATOR, CASEWORKER, VOLUNTEER, ADMIN}), kwargs={PK: "assignment"}, hidden=frozenset({NETWORK_LEAD})),
    r("api-assignment-cancel", "POST", frozenset({COORDINATOR, VOLUNTEER, ADMIN}), kwargs={PK: "assignment"}, hidden=frozenset({NETWORK_LEAD}), body={"reason": "Krank"}),
    r("api-assignment-confirm", "POST", VOL, kwargs={PK: "past_assignment"}, hidden=frozenset({NETWORK_LEAD}), body={}, ok=(400,), model="requests.Confirmation"),
    r("api-assignment-decide", "POST", COORD, kwargs={PK: "past_assignment"}, hidden=frozenset({NETWORK_LEAD}), body={}, ok=(400,), model="requests.AllowanceEntry"),
    r("api-allowances", "GET", frozenset({COORDINATOR, VOLUNTEER, ADMIN})),
    r("api-allowance-summary", "GET", VOL, hidden=THE_ONE),
    # ------------------------------------------------------------------ API: matching
    r("api-matching-runs", "GET", COORD),
    r("api-matching-runs", "POST", COORD, body={"center": "@center"}, ok=(201,), model="matching.MatchingRun"),
    r("api-matching-run-detail", "GET", COORD, kwargs={PK: "run"}, hidden=NOT_COORD),
]
# fmt: on

#: Routes outside the matrix, and why. Everything else must have a line in ROUTES.
UNCHECKED: dict[str, str] = {
    "api-schema": "the OpenAPI schema is public by design (tests/security/test_cache_control.py)",
    "api-docs": "the API documentation is public by design (tests/security/test_csp.py)",
}

#: Path prefixes the resolver walk skips: the Django admin (superusers only, its own
#: tests in tests/core/test_admin.py) and the language switch of django.conf.urls.i18n.
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")
