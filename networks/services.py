"""State changes of the sponsorship networks: networks, leads, members, households,
sponsorships with their status workflow, and check-ins.

Every function is atomic, validates (``full_clean``) before saving and writes the
audit trail. The sponsorship workflow is

    requested → matched → trial → active → ended

(ended from any state, with a reason). A trial starts only after the intro talk;
a sponsorship becomes active only after the intro talk, the moderated first meeting
and at least three trial meetings are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent, Center, Language, Membership, Place, Role, User
from core.scoping import has_role
from core.services import audit_log, audit_view, changed_fields, membership_grant
from core.validators import validate_no_contact_data
from networks.models import (
    CheckIn,
    Household,
    Network,
    NetworkLead,
    NetworkMember,
    ProposalRejection,
    Sponsorship,
)
from volunteers.models import Volunteer
from volunteers.rules import future_date_problem, reject_future_date, reject_unknown_fields

#: What a required free text becomes once erased (a rejected proposal's reason).
ERASED_TEXT = "–"

NETWORK_FIELDS = {"name", "town", "district", "description", "is_active"}
#: What a network lead (not coordinating the center) may change about their network.
LEAD_EDITABLE_NETWORK_FIELDS = {"description"}
HOUSEHOLD_FIELDS = {
    "network",
    "reference",
    "size",
    "town",
    "needs",
    "children",
    "waiting_since",
    "is_active",
}
SPONSORSHIP_DETAIL_FIELDS = {"intro_talk_on", "first_meeting_on", "trial_meetings", "pate"}
#: Volunteers in these states may become Paten.
PATE_STATUSES = (Volunteer.Status.APPROVED, Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED)

Status = Sponsorship.Status


# --- networks -------------------------------------------------------------------------


@transaction.atomic
def network_create(
    *,
    actor: User | None,
    center: Center,
    name: str,
    town: Place | None = None,
    district: str = "",
    description: str = "",
    is_active: bool = True,
) -> Network:
    """Start a Patennetzwerk in a town or district of ``center``."""
    network = Network(
        center=center,
        name=name,
        town=town,
        district=district,
        description=description,
        is_active=is_active,
    )
    network.full_clean()
    network.save()
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=network)
    return network


def network_editable_fields(*, actor: User | None, network: Network) -> set[str]:
    """What ``actor`` may change about ``network``: a coordinator of its center (or an
    admin, or the system) everything, anyone else (its network leads) only the
    description."""
    if actor is None or has_role(actor, Role.COORDINATOR, center_id=network.center_id):
        return set(NETWORK_FIELDS)
    return set(LEAD_EDITABLE_NETWORK_FIELDS)


@transaction.atomic
def network_update(*, actor: User | None, network: Network, **fields: Any) -> Network:
    """Change a network's name, town, district, description or active flag.

    :raises PermissionDenied: a network lead changing more than the description
        (:func:`network_editable_fields`); nothing is stored then.
    """
    reject_unknown_fields(fields, NETWORK_FIELDS)
    forbidden = sorted(set(fields) - network_editable_fields(actor=actor, network=network))
    if forbidden:
        raise PermissionDenied(_("Network leads may change only the description."))
    changed = changed_fields(network, fields)
    for name, value in fields.items():
        setattr(network, name, value)
    network.full_clean()
    network.save()
    if changed:
        audit_log(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=network, detail={"fields": changed}
        )
    return network


@transaction.atomic
def network_lead_add(*, actor: User | None, network: Network, user: User) -> NetworkLead:
    """Make ``user`` a lead of ``network``.

    The user must already be a member of the network's center. When they do not yet
    hold the role network lead there, a coordinator of the center (or an admin) grants
    it on the way; anyone else gets a validation error.

    :raises ValidationError: on the field ``user``.
    """
    center = network.center
    memberships = Membership.objects.filter(user=user, center=center)
    if not memberships.exists():
        raise ValidationError({"user": _("This person is not a member of the network's center.")})
    if not memberships.filter(role=Role.NETWORK_LEAD).exists():
        if actor is None or not has_role(actor, Role.COORDINATOR, center_id=center.pk):
            raise ValidationError(
                {"user": _("This person does not hold the role network lead in this center.")}
            )
        membership_grant(actor=actor, user=user, center=center, role=Role.NETWORK_LEAD)
    link, created = NetworkLead.objects.get_or_create(network=network, user=user)
    if created:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=link,
            center=center.pk,
            detail={"fields": ["user"]},
        )
    return link


@transaction.atomic
def network_lead_remove(*, actor: User | None, network: Network, user: User) -> None:
    """Remove ``user`` from the network's leads (the role in the center stays)."""
    link = NetworkLead.objects.filter(network=network, user=user).first()
    if link is None:
        raise ValidationError({"user": _("This person does not lead this network.")})
    audit_log(actor=actor, action=AuditEvent.Action.DELETE, obj=link, center=network.center_id)
    link.delete()


# --- members (Paten) ------------------------------------------------------------------


@transaction.atomic
def network_member_add(
    *,
    actor: User | None,
    network: Network,
    volunteer: Volunteer,
    joined_on: date | None = None,
) -> NetworkMember:
    """Add an approved volunteer of the network's center as a Pate (or re-activate them)."""
    if volunteer.center_id != network.center_id:
        raise ValidationError({"volunteer": _("The volunteer belongs to another center.")})
    if volunteer.status not in PATE_STATUSES:
        raise ValidationError(
            {"volunteer": _("Only approved volunteers can become Paten in a network.")}
        )
    joined_on = joined_on or timezone.localdate()
    reject_future_date(joined_on, "joined_on")
    member = NetworkMember.objects.filter(network=network, volunteer=volunteer).first()
    if member is not None and member.active:
        raise ValidationError({"volunteer": _("This volunteer is already a member.")})
    action = AuditEvent.Action.UPDATE if member is not None else AuditEvent.Action.CREATE
    if member is None:
        member = NetworkMember(network=network, volunteer=volunteer)
    member.joined_on = joined_on
    member.active = True
    member.full_clean()
    member.save()
    audit_log(
        actor=actor,
        action=action,
        obj=member,
        center=network.center_id,
        detail={"fields": ["active", "joined_on"]},
    )
    return member


@transaction.atomic
def network_member_remove(*, actor: User | None, member: NetworkMember) -> NetworkMember:
    """Take a Pate out of the network (kept as inactive for the history).

    :raises ValidationError: while the Pate has open sponsorships in this network.
    """
    if not member.active:
        raise ValidationError({"volunteer": _("This volunteer is no longer a member.")})
    if (
        Sponsorship.objects.open()
        .filter(network_id=member.network_id, pate_id=member.volunteer_id)
        .exists()
    ):
        raise ValidationError(
            {
                "volunteer": _(
                    "This Pate still has open sponsorships in the network. "
                    "Please end or hand them over first."
                )
            }
        )
    member.active = False
    member.save(update_fields=["active"])
    audit_log(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=member,
        center=member.network.center_id,
        detail={"fields": ["active"]},
    )
    return member


def network_pate_erase(*, actor: User | None, volunteer: Volunteer) -> None:
    """Take an anonymised volunteer out of every network.

    Receiver of :data:`volunteers.signals.volunteer_anonymised` (connected in
    :class:`networks.apps.NetworksConfig`), inside the anonymising transaction. Open
    sponsorships end with the reason "Pate stopped", so their households wait for a new
    Pate again from today; memberships become inactive. Ended sponsorships stay, for the
    network's history and statistics, pointing at the anonymous record, without their free
    texts (end notes, check-in notes, reasons of rejected proposals).
    """
    for sponsorship in Sponsorship.objects.open().filter(pate=volunteer).order_by("pk"):
        sponsorship_end(
            actor=actor, sponsorship=sponsorship, reason=Sponsorship.EndReason.PATE_WITHDREW
        )
    for member in NetworkMember.objects.filter(volunteer=volunteer, active=True).order_by("pk"):
        network_member_remove(actor=actor, member=member)
    # Free texts about the person: the sponsorships' end notes, their check-ins' notes and
    # the reasons of rejected proposals (dates, statuses and reason codes stay).
    Sponsorship.objects.filter(pate=volunteer).exclude(end_note="").update(end_note="")
    CheckIn.objects.filter(sponsorship__pate=volunteer).exclude(note="").update(note="")
    ProposalRejection.objects.filter(pate=volunteer).exclude(reason=ERASED_TEXT).update(
        reason=ERASED_TEXT
    )


# --- households -----------------------------------------------------------------------


def _collect(errors: dict[str, list[Any]], exc: ValidationError) -> None:
    """Add a service's refusal to ``errors`` (field → messages), so several checks are
    reported together."""
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _full_clean(obj: Any, errors: dict[str, list[Any]]) -> None:
    """``obj.full_clean()`` for the fields ``errors`` does not name yet; its refusals join
    ``errors``."""
    try:
        obj.full_clean(exclude=list(errors))
    except ValidationError as exc:
        _collect(errors, exc)


def _check_languages(languages: Iterable[Language | str]) -> list[Language]:
    codes = [lang.pk if isinstance(lang, Language) else str(lang) for lang in languages]
    found = {lang.pk: lang for lang in Language.objects.filter(pk__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    return [found[code] for code in dict.fromkeys(codes)]


@transaction.atomic
def household_create(
    *,
    actor: User | None,
    network: Network,
    reference: str,
    size: int = 1,
    languages: Iterable[Language | str] = (),
    town: Place | None = None,
    needs: list[str] | None = None,
    children: bool = False,
    waiting_since: date | None = None,
) -> Household:
    """Register a newcomer household (by pseudonymous reference) waiting in ``network``.

    :raises ValidationError: every field error at once (unknown languages, a waiting date in
        the future, the model's checks); nothing is stored then.
    """
    errors: dict[str, list[Any]] = {}
    langs: list[Language] = []
    try:
        langs = _check_languages(languages)
    except ValidationError as exc:
        _collect(errors, exc)
    waiting_since = waiting_since or timezone.localdate()
    if problem := future_date_problem(waiting_since):
        errors["waiting_since"] = [problem]
    household = Household(
        center_id=network.center_id,
        network=network,
        reference=reference.strip(),
        size=size,
        town=town,
        needs=list(dict.fromkeys(needs or [])),
        children=children,
        waiting_since=waiting_since,
    )
    _full_clean(household, errors)
    if errors:
        raise ValidationError(errors)
    household.save()
    household.languages.set(langs)
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=household)
    return household


@transaction.atomic
def household_update(
    *,
    actor: User | None,
    household: Household,
    languages: Iterable[Language | str] | None = None,
    **fields: Any,
) -> Household:
    """Change a household's reference, size, town, needs, children flag, network, waiting date
    or active flag.

    ``languages`` replaces the household's languages when given.

    :raises ValidationError: every field error at once; nothing is stored then.
    """
    reject_unknown_fields(fields, HOUSEHOLD_FIELDS)
    errors: dict[str, list[Any]] = {}
    if "reference" in fields:
        fields["reference"] = str(fields["reference"]).strip()
    if "needs" in fields and isinstance(fields["needs"], list):
        fields["needs"] = list(dict.fromkeys(fields["needs"]))
    if problem := future_date_problem(fields.get("waiting_since")):
        errors["waiting_since"] = [problem]
    new_network = fields.get("network")
    if (
        new_network is not None
        and new_network.pk != household.network_id
        and household.sponsorships.open().exists()
    ):
        errors["network"] = [_("The household has an open sponsorship in its network.")]
    langs: list[Language] | None = None
    if languages is not None:
        try:
            langs = _check_languages(languages)
        except ValidationError as exc:
            _collect(errors, exc)
    changed = changed_fields(household, fields)
    for name, value in fields.items():
        setattr(household, name, value)
    _full_clean(household, errors)
    if errors:
        raise ValidationError(errors)
    household.save()
    if langs is not None:
        if {lang.pk for lang in langs} != set(household.languages.values_list("pk", flat=True)):
            changed.append("languages")
        household.languages.set(langs)
    if changed:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=household,
            detail={"fields": sorted(changed)},
        )
    return household


# --- sponsorships ---------------------------------------------------------------------


def sponsorship_viewed(*, actor: User | None, sponsorship: Sponsorship) -> None:
    """Record that someone opened a sponsorship (the Pate's name, check-in notes).

    The Pate opening their own sponsorship is not recorded, like a volunteer's own record.
    """
    audit_view(
        actor=actor,
        obj=sponsorship,
        center=sponsorship.network.center_id,
        own_user_id=sponsorship.pate.user_id,
    )


@transaction.atomic
def sponsorship_create(
    *, actor: User | None, network: Network, household: Household, pate: Volunteer
) -> Sponsorship:
    """Propose a Pate of ``network`` for a waiting household (status requested).

    The coordinator or network lead decides; nothing is assigned automatically.

    :raises ValidationError: when the household is not waiting or the Pate is no member.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household.is_active:
        raise ValidationError({"household": _("This household no longer looks for a Pate.")})
    if household.sponsorships.open().exists():
        raise ValidationError({"household": _("This household already has an open sponsorship.")})
    if not network.is_active:
        raise ValidationError({"network": _("This network is no longer active.")})
    sponsorship = Sponsorship(network=network, household=household, pate=pate)
    sponsorship.status_changed_at = timezone.now()
    sponsorship.full_clean()
    sponsorship.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=sponsorship,
        center=network.center_id,
        detail={"status": sponsorship.status},
    )
    return sponsorship


def _locked(sponsorship: Sponsorship) -> Sponsorship:
    return (
        Sponsorship.objects.select_for_update()
        .select_related("network", "household")
        .get(pk=sponsorship.pk)
    )


def _require_status(sponsorship: Sponsorship, allowed: tuple[str, ...], message: str) -> None:
    if sponsorship.status not in allowed:
        raise ValidationError(
            {"status": message % {"status": sponsorship.get_status_display()}},
            code="illegal_transition",
        )


def _save_transition(
    *, actor: User | None, sponsorship: Sponsorship, old: str, fields: list[str]
) -> Sponsorship:
    sponsorship.status_changed_at = timezone.now()
    sponsorship.full_clean()
    sponsorship.save()
    detail: dict[str, Any] = {"from": old, "to": sponsorship.status}
    if fields:
        detail["fields"] = sorted(fields)
    if sponsorship.end_reason and sponsorship.status == Status.ENDED:
        detail["reason"] = sponsorship.end_reason
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=sponsorship,
        center=sponsorship.network.center_id,
        detail=detail,
    )
    return sponsorship


@transaction.atomic
def sponsorship_match(
    *, actor: User | None, sponsorship: Sponsorship, intro_talk_on: date | None = None
) -> Sponsorship:
    """requested → matched: the Pate and the household have agreed to meet."""
    sponsorship = _locked(sponsorship)
    _require_status(
        sponsorship,
        (Status.REQUESTED,),
        _("Only a requested sponsorship can be matched; this one is “%(status)s”."),
    )
    fields = []
    if intro_talk_on is not None:
        reject_future_date(intro_talk_on, "intro_talk_on")
        sponsorship.intro_talk_on = intro_talk_on
        fields.append("intro_talk_on")
    sponsorship.status = Status.MATCHED
    return _save_transition(
        actor=actor, sponsorship=sponsorship, old=Status.REQUESTED, fields=fields
    )


@transaction.atomic
def sponsorship_start_trial(
    *,
    actor: User | None,
    sponsorship: Sponsorship,
    intro_talk_on: date | None = None,
    first_meeting_on: date | None = None,
    started_on: date | None = None,
) -> Sponsorship:
    """matched → trial: after the intro talk, the trial period (3–4 meetings) begins.

    ``started_on`` defaults to the moderated first meeting, else today.

    :raises ValidationError: when the intro talk is not recorded.
    """
    sponsorship = _locked(sponsorship)
    _require_status(
        sponsorship,
        (Status.MATCHED,),
        _("Only a matched sponsorship can start its trial period; this one is “%(status)s”."),
    )
    fields = []
    for name, value in (("intro_talk_on", intro_talk_on), ("first_meeting_on", first_meeting_on)):
        if value is not None:
            reject_future_date(value, name)
            setattr(sponsorship, name, value)
            fields.append(name)
    if sponsorship.intro_talk_on is None:
        raise ValidationError(
            {"intro_talk_on": _("Please record the intro talk before the trial period starts.")}
        )
    if sponsorship.first_meeting_on and sponsorship.first_meeting_on < sponsorship.intro_talk_on:
        raise ValidationError(
            {"first_meeting_on": _("The first meeting cannot be before the intro talk.")}
        )
    started_on = started_on or sponsorship.first_meeting_on or timezone.localdate()
    reject_future_date(started_on, "started_on")
    if started_on < sponsorship.intro_talk_on:
        raise ValidationError(
            {"started_on": _("The trial period cannot start before the intro talk.")}
        )
    sponsorship.started_on = started_on
    fields.append("started_on")
    sponsorship.status = Status.TRIAL
    return _save_transition(actor=actor, sponsorship=sponsorship, old=Status.MATCHED, fields=fields)


@transaction.atomic
def sponsorship_update(
    *, actor: User | None, sponsorship: Sponsorship, **fields: Any
) -> Sponsorship:
    """Record the intro talk, the first meeting, the trial meetings, or hand over to another Pate.

    The Pate can change only while the sponsorship is requested or matched; nothing
    changes on an ended sponsorship.
    """
    reject_unknown_fields(fields, SPONSORSHIP_DETAIL_FIELDS)
    sponsorship = _locked(sponsorship)
    if sponsorship.status == Status.ENDED:
        raise ValidationError({"status": _("An ended sponsorship cannot be changed.")})
    if (
        "pate" in fields
        and fields["pate"].pk != sponsorship.pate_id
        and sponsorship.status not in (Status.REQUESTED, Status.MATCHED)
    ):
        raise ValidationError(
            {"pate": _("The Pate can only change before the trial period starts.")}
        )
    if sponsorship.status in (Status.REQUESTED, Status.MATCHED) and (
        fields.get("first_meeting_on") or fields.get("trial_meetings")
    ):
        raise ValidationError(
            {"status": _("Meetings are recorded once the trial period has started.")}
        )
    for name in ("intro_talk_on", "first_meeting_on"):
        reject_future_date(fields.get(name), name)
    changed = changed_fields(sponsorship, fields)
    for name, value in fields.items():
        setattr(sponsorship, name, value)
    sponsorship.full_clean()
    sponsorship.save()
    if changed:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=sponsorship,
            center=sponsorship.network.center_id,
            detail={"fields": changed},
        )
    return sponsorship


@transaction.atomic
def sponsorship_activate(*, actor: User | None, sponsorship: Sponsorship) -> Sponsorship:
    """trial → active, once the intro talk, the first meeting and 3+ trial meetings are recorded.

    :raises ValidationError: naming what is still missing.
    """
    sponsorship = _locked(sponsorship)
    _require_status(
        sponsorship,
        (Status.TRIAL,),
        _("Only a sponsorship in its trial period can become active; this one is “%(status)s”."),
    )
    if sponsorship.intro_talk_on is None or sponsorship.first_meeting_on is None:
        raise ValidationError(
            {
                "status": _(
                    "A sponsorship becomes active only after the intro talk and the "
                    "moderated first meeting are recorded."
                )
            },
            code="illegal_transition",
        )
    if sponsorship.trial_meetings < Sponsorship.TRIAL_MEETINGS_MIN:
        raise ValidationError(
            {
                "trial_meetings": _(
                    "The trial period has %(count)d of at least %(min)d meetings so far."
                )
                % {"count": sponsorship.trial_meetings, "min": Sponsorship.TRIAL_MEETINGS_MIN}
            }
        )
    sponsorship.status = Status.ACTIVE
    return _save_transition(actor=actor, sponsorship=sponsorship, old=Status.TRIAL, fields=[])


@transaction.atomic
def sponsorship_end(
    *,
    actor: User | None,
    sponsorship: Sponsorship,
    reason: str,
    note: str = "",
    ended_on: date | None = None,
) -> Sponsorship:
    """End a sponsorship from any open state, with a reason from the list and a short note.

    When the Pate stopped or the two did not fit, the household waits for a new Pate
    again from the end date; otherwise the household is done.
    """
    sponsorship = _locked(sponsorship)
    _require_status(
        sponsorship,
        Sponsorship.OPEN_STATUSES,
        _("This sponsorship has already ended."),
    )
    if reason not in Sponsorship.EndReason.values:
        raise ValidationError({"end_reason": _("Please choose a reason from the list.")})
    ended_on = ended_on or timezone.localdate()
    reject_future_date(ended_on, "ended_on")
    old = sponsorship.status
    sponsorship.status = Status.ENDED
    sponsorship.end_reason = reason
    sponsorship.end_note = (note or "").strip()
    sponsorship.ended_on = ended_on
    sponsorship = _save_transition(
        actor=actor,
        sponsorship=sponsorship,
        old=old,
        fields=["end_reason", "ended_on"] + (["end_note"] if sponsorship.end_note else []),
    )
    household = sponsorship.household
    if reason in Sponsorship.REASONS_HOUSEHOLD_WAITS_AGAIN:
        household.waiting_since = ended_on
        fields = ["waiting_since"]
    else:
        household.is_active = False
        fields = ["is_active"]
    household.save(update_fields=fields)
    audit_log(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=household, detail={"fields": fields}
    )
    return sponsorship


# --- Pate proposals -------------------------------------------------------------------


@transaction.atomic
def proposal_reject(
    *, actor: User | None, network: Network, household: Household, pate: Volunteer, reason: str
) -> ProposalRejection:
    """Turn down the proposal of ``pate`` for ``household``, with a reason: the engine does
    not propose this pair again.

    :raises ValidationError: an empty reason (or one with contact data), a household of
        another network, a pair rejected before; nothing is stored then.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please say why the proposal does not fit.")})
    if household.network_id != network.pk:
        raise ValidationError({"household": _("The household waits in another network.")})
    if ProposalRejection.objects.filter(household=household, pate=pate).exists():
        raise ValidationError({"pate": _("This proposal was already rejected.")})
    rejection = ProposalRejection(
        network=network,
        household=household,
        pate=pate,
        reason=reason,
        rejected_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        validate_no_contact_data(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    rejection.full_clean()
    rejection.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=rejection,
        center=network.center_id,
        detail={"household": household.pk, "pate": pate.pk},
    )
    return rejection


# --- check-ins ------------------------------------------------------------------------


@transaction.atomic
def check_in_add(
    *,
    actor: User | None,
    sponsorship: Sponsorship,
    date: date,
    note: str = "",
    follow_up_needed: bool = False,
) -> CheckIn:
    """Record a check-in (date, short note without contact data, follow-up needed?).

    :raises ValidationError: ``date`` in the future or before the sponsorship began
        (:attr:`~networks.models.Sponsorship.began_on`); the sponsorship has ended.
    """
    sponsorship = _locked(sponsorship)
    if sponsorship.status == Status.ENDED:
        raise ValidationError({"date": _("An ended sponsorship gets no more check-ins.")})
    errors: dict[str, list[Any]] = {}
    problem = future_date_problem(date)
    began = sponsorship.began_on
    if problem:
        errors["date"] = [problem]
    elif date is not None and date < began:
        errors["date"] = [
            _("The sponsorship began on %(day)s; a check-in cannot be earlier.")
            % {"day": formats.date_format(began, "SHORT_DATE_FORMAT")}
        ]
    check_in = CheckIn(
        sponsorship=sponsorship,
        date=date,
        note=(note or "").strip(),
        follow_up_needed=follow_up_needed,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        check_in.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    check_in.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=check_in,
        center=sponsorship.network.center_id,
    )
    return check_in
