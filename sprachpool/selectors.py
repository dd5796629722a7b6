"""Reads of the Sprachpool, scoped to the caller's centers and role.

- :func:`interpreter_list`: the pool as a coordinator (or the interpreter themself) sees it.
- :func:`language_coverage`: active interpreters per language and town.
- :func:`active_profiles`: the one definition of an active interpreter, who can receive
  requests (:func:`can_receive_requests`, :func:`receive_blockers` for one profile).
- :func:`interpreter_candidates`: the engine's bulk read of active interpreters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.timezone import localtime

from core.choices import LEVEL_ORDER, Level, Mode
from core.models import Center, Language, Place, Role, User
from sprachpool.models import GERMAN, GERMAN_MIN_LEVEL, InterpreterProfile
from volunteers import selectors as volunteer_selectors
from volunteers.models import LanguageSkill, Volunteer, WeeklySlot

#: Levels that count for coverage: what a request asks at least by default.
COVERAGE_MIN_LEVEL = Level.B1
#: A language with fewer active interpreters than this is shown as scarce.
SCARCE_BELOW = 2


def _levels_at_least(level: str) -> list[str]:
    return [code for code, rank in LEVEL_ORDER.items() if rank >= LEVEL_ORDER[level]]


def interpreter_scope(*, user: User) -> QuerySet[InterpreterProfile]:
    """Profiles the user may see: all of the centers they coordinate, plus their own
    (:meth:`~sprachpool.models.InterpreterProfileQuerySet.visible_to`)."""
    return InterpreterProfile.objects.visible_to(user)


def coordinated_profiles(*, user: User) -> QuerySet[InterpreterProfile]:
    """Profiles of the centers the user coordinates (for actions only coordinators take)."""
    return InterpreterProfile.objects.for_user(user, roles=[Role.COORDINATOR])


def own_profile(*, user: User) -> InterpreterProfile | None:
    """The interpreter profile of the logged-in volunteer, if they have one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        interpreter_with_details(
            InterpreterProfile.objects.for_user(user, roles=[Role.VOLUNTEER]).filter(
                volunteer__user=user
            )
        )
        .order_by("pk")
        .first()
    )


def interpreter_with_details(
    profiles: QuerySet[InterpreterProfile],
) -> QuerySet[InterpreterProfile]:
    """Load volunteer, town, center, languages and weekly slots in a fixed number of queries."""
    return profiles.select_related(
        "volunteer", "volunteer__home_place", "volunteer__center"
    ).prefetch_related(
        Prefetch(
            "volunteer__languages",
            queryset=LanguageSkill.objects.select_related("language").order_by("language_id"),
        ),
        Prefetch(
            "volunteer__weekly_slots",
            queryset=WeeklySlot.objects.order_by("weekday", "start_time"),
        ),
    )


def interpreter_list(
    *,
    user: User,
    search: str = "",
    language: str = "",
    min_level: str = "",
    town: int | None = None,
    town_name: str = "",
    mode: str = "",
    qualification: str = "",
    active: bool | None = None,
    cleared: bool | None = None,
    on: date | None = None,
) -> QuerySet[InterpreterProfile]:
    """The pool, filtered.

    :param search: words matched against first and last name (every word must match).
    :param language: a language code; with ``min_level`` only skills at that level or better.
    :param town: id of the volunteer's home place.
    :param town_name: name of the volunteer's home place (case-insensitive).
    :param mode: one of :class:`core.choices.Mode`.
    :param active: ``True``/``False`` for the profile's active flag; ``None`` for all.
    :param cleared: ``True``/``False`` for paperwork cleared for offers (checked ``on``).
    """
    profiles = interpreter_scope(user=user)
    for word in search.split()[:5]:
        profiles = profiles.filter(
            Q(volunteer__first_name__icontains=word) | Q(volunteer__last_name__icontains=word)
        )
    if language:
        skills = LanguageSkill.objects.filter(language_id=language)
        if min_level in LEVEL_ORDER:
            skills = skills.filter(level__in=_levels_at_least(min_level))
        profiles = profiles.filter(volunteer__in=skills.values("volunteer_id"))
    if town is not None:
        profiles = profiles.filter(volunteer__home_place_id=town)
    if town_name:
        profiles = profiles.filter(volunteer__home_place__name__iexact=town_name)
    if mode:
        # JSON "contains" is not available on SQLite; modes are few, so match the text.
        profiles = profiles.filter(modes__icontains=f'"{mode}"')
    if qualification:
        profiles = profiles.filter(qualification=qualification)
    if active is not None:
        profiles = profiles.filter(is_active=active)
    if cleared is not None:
        volunteers = Volunteer.objects.filter(pk__in=profiles.values("volunteer_id"))
        statuses = volunteer_selectors.paperwork_status_for(volunteers=volunteers, on=on)
        ids = [vid for vid, status in statuses.items() if status.cleared_for_offers]
        profiles = (
            profiles.filter(volunteer_id__in=ids)
            if cleared
            else profiles.exclude(volunteer_id__in=ids)
        )
    return interpreter_with_details(profiles).order_by(
        "volunteer__last_name", "volunteer__first_name", "pk"
    )


def volunteers_without_profile(*, user: User, search: str = "") -> QuerySet[Volunteer]:
    """Volunteers of centers the user coordinates who want to interpret and have no profile."""
    volunteers = (
        Volunteer.objects.for_user(user, roles=[Role.COORDINATOR])
        .filter(interpreter_profile__isnull=True)
        .exclude(status=Volunteer.Status.LEFT)
        .select_related("center", "home_place")
    )
    # JSON "contains" is not available on SQLite; the interest codes are distinct words.
    volunteers = volunteers.filter(interests__icontains='"interpreting"')
    for word in search.split()[:5]:
        volunteers = volunteers.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return volunteers.order_by("last_name", "first_name", "pk")


# --- Language coverage -------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """One language: active interpreters per town column, their total and whether it is scarce."""

    language: Language
    cells: list[int]
    total: int

    @property
    def scarce(self) -> bool:
        return self.total < SCARCE_BELOW


@dataclass(frozen=True)
class Coverage:
    """Active interpreters per language (rows) and town (columns).

    ``towns`` holds the centers' towns; a final ``None`` column counts interpreters
    without a known town. A person with several languages counts once per language;
    ``interpreters`` counts people.
    """

    towns: list[Place | None]
    rows: list[CoverageRow]
    town_totals: list[int]
    interpreters: int
    scarce_count: int = field(default=0)


def active_profiles(
    profiles: QuerySet[InterpreterProfile], *, on: date | None = None
) -> QuerySet[InterpreterProfile]:
    """The one definition of an active interpreter, who can receive requests.

    Every page, count and the engine ask this (the dashboard card, the coverage page,
    the interpreter's own page, :func:`interpreter_candidates`): the profile is switched
    active, the volunteer's status is active (not paused, not only approved), the
    paperwork clears them for offers on ``on`` (today by default: pledge signed, a clean
    current police certificate) and their languages form a working pair (German at
    :data:`~sprachpool.models.GERMAN_MIN_LEVEL` or better and another language).
    """
    german = LanguageSkill.objects.filter(
        language_id=GERMAN, level__in=_levels_at_least(GERMAN_MIN_LEVEL)
    ).values("volunteer_id")
    other = LanguageSkill.objects.exclude(language_id=GERMAN).values("volunteer_id")
    return (
        profiles.filter(is_active=True, volunteer__status=Volunteer.Status.ACTIVE)
        .filter(volunteer_id__in=volunteer_selectors.cleared_for_offers_ids(on=on))
        .filter(volunteer_id__in=german)
        .filter(volunteer_id__in=other)
    )


def can_receive_requests(*, profile: InterpreterProfile, on: date | None = None) -> bool:
    """Whether this interpreter can receive requests (:func:`active_profiles`)."""
    return active_profiles(InterpreterProfile.objects.filter(pk=profile.pk), on=on).exists()


#: Why an interpreter cannot receive requests (codes of :func:`receive_blockers`).
BLOCKER_PROFILE_INACTIVE = "profile_inactive"
BLOCKER_STATUS = "status"
BLOCKER_PAPERWORK = "paperwork"
BLOCKER_LANGUAGES = "languages"


def receive_blockers(*, profile: InterpreterProfile, on: date | None = None) -> list[str]:
    """What keeps the interpreter from receiving requests, for the pages to explain;
    empty exactly when :func:`can_receive_requests` holds."""
    if can_receive_requests(profile=profile, on=on):
        return []
    volunteer = profile.volunteer
    blockers = []
    if not profile.is_active:
        blockers.append(BLOCKER_PROFILE_INACTIVE)
    if volunteer.status != Volunteer.Status.ACTIVE:
        blockers.append(BLOCKER_STATUS)
    paperwork = volunteer_selectors.paperwork_status(volunteer=volunteer, on=on)
    if not (paperwork.pledge_signed and paperwork.police_certificate_valid):
        blockers.append(BLOCKER_PAPERWORK)
    levels = dict(volunteer.languages.values_list("language_id", "level"))
    german = levels.pop(GERMAN, None)
    if german is None or LEVEL_ORDER.get(german, -1) < LEVEL_ORDER[GERMAN_MIN_LEVEL] or not levels:
        blockers.append(BLOCKER_LANGUAGES)
    return blockers


def language_coverage(*, user: User, center: Center | int | None = None) -> Coverage:
    """Active interpreters per language and town in the centers the user coordinates.

    Counts skills at :data:`COVERAGE_MIN_LEVEL` or better; German, the common working
    language, is left out. Languages someone in the pool speaks but no active interpreter
    covers appear with zero, so gaps show.
    """
    profiles = coordinated_profiles(user=user)
    if center is not None:
        profiles = profiles.filter(volunteer__center=center)
    levels = _levels_at_least(COVERAGE_MIN_LEVEL)
    skills = LanguageSkill.objects.filter(level__in=levels).exclude(language_id=GERMAN)

    # The active volunteers' ids are read first: PostgreSQL plans the aggregate over the
    # nested subqueries of active_profiles as a subplan per row and takes minutes.
    active_ids = list(active_profiles(profiles).values_list("volunteer_id", flat=True))
    counts: dict[tuple[str, int | None], int] = {}
    for row in (
        skills.filter(volunteer_id__in=active_ids)
        .values("language_id", "volunteer__home_place_id")
        .annotate(n=Count("volunteer_id", distinct=True))
    ):
        counts[(row["language_id"], row["volunteer__home_place_id"])] = row["n"]
    pool_languages = set(
        skills.filter(volunteer__interpreter_profile__in=profiles).values_list(
            "language_id", flat=True
        )
    )

    center_ids = set(profiles.values_list("volunteer__center_id", flat=True).distinct())
    if center is not None:
        center_ids.add(center.pk if isinstance(center, Center) else center)
    used_places = {place for _lang, place in counts if place is not None}
    towns: list[Place | None] = list(
        Place.objects.filter(
            Q(center__in=center_ids, kind=Place.Kind.TOWN) | Q(pk__in=used_places)
        ).order_by("name")
    )
    if any(place is None for _lang, place in counts):
        towns.append(None)
    columns = [town.pk if town is not None else None for town in towns]

    languages = Language.objects.filter(code__in=pool_languages | {c for c, _p in counts})
    rows = []
    for language in sorted(languages, key=lambda lang: lang.name.casefold()):
        cells = [counts.get((language.code, column), 0) for column in columns]
        rows.append(CoverageRow(language=language, cells=cells, total=sum(cells)))
    rows.sort(key=lambda r: (-r.total, r.language.name.casefold()))
    town_totals = [
        sum(counts.get((code, column), 0) for code in pool_languages | {c for c, _p in counts})
        for column in columns
    ]
    interpreters = active_profiles(profiles).count()
    return Coverage(
        towns=towns,
        rows=rows,
        town_totals=town_totals,
        interpreters=interpreters,
        scarce_count=sum(1 for r in rows if r.scarce),
    )


# --- The engine's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class InterpreterCandidate:
    """Everything the matching engine needs about one active, cleared interpreter.

    ``availability`` holds absolute windows (aware datetimes, Europe/Berlin) when the
    selector was given a time range, else it is empty. ``home`` is ``None`` when the
    volunteer has no coordinates; ``modes`` then leaves out ``in_person``.
    """

    id: int
    volunteer_id: int
    center_id: int
    display_name: str
    languages: dict[str, str]
    gender: str | None
    home: tuple[float, float] | None
    max_travel_km: int
    modes: tuple[str, ...]
    excluded_clients: tuple[str, ...]
    child_clearance: bool
    declined_topics: tuple[str, ...]
    availability: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def engine_id(self) -> str:
        """The id in a ``wir-matching/1`` instance."""
        return f"i-{self.id}"

    def to_instance(self) -> dict[str, Any]:
        """This interpreter as a ``wir-matching/1`` instance entry (without busy and hours).

        Availability windows are written in Europe/Berlin time with their offset.

        The instance builder adds ``busy`` and ``hours_last_30_days``. Without coordinates
        the interpreter works by phone or video only; ``home`` is then a placeholder the
        engine never uses.
        """
        lat, lon = self.home if self.home is not None else (0.0, 0.0)
        return {
            "id": self.engine_id,
            "languages": dict(self.languages),
            "gender": self.gender,
            "home": {"lat": lat, "lon": lon},
            "max_travel_km": self.max_travel_km,
            "modes": list(self.modes),
            "availability": [
                {"start": localtime(start).isoformat(), "end": localtime(end).isoformat()}
                for start, end in self.availability
            ],
            "excluded_clients": list(self.excluded_clients),
            "child_clearance": self.child_clearance,
            "declined_topics": list(self.declined_topics),
        }


def interpreter_candidates(
    *,
    center: Center | int,
    start: datetime | None = None,
    end: datetime | None = None,
    on: date | None = None,
) -> list[InterpreterCandidate]:
    """Active interpreters of a center whose paperwork clears them for offers.

    A fixed number of queries whatever the pool size (profiles, languages, paperwork,
    and availability when a range is given). Ordered by profile id.

    :param center: the center (not scoped to a user: the engine runs for the center).
    :param start: with ``end``, expand weekly availability minus absences into windows.
    :param on: the day paperwork is checked on (default: today).
    """
    profiles = list(
        active_profiles(InterpreterProfile.objects.in_center(center), on=on)
        .select_related("volunteer", "volunteer__home_place")
        .prefetch_related(
            Prefetch("volunteer__languages", queryset=LanguageSkill.objects.order_by("pk"))
        )
        .order_by("pk")
    )
    volunteers = [p.volunteer for p in profiles]
    paperwork = volunteer_selectors.paperwork_status_for(volunteers=volunteers, on=on)
    windows: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if start is not None and end is not None and volunteers:
        windows.update(
            volunteer_selectors.availability_windows_for(
                volunteers=volunteers, start=start, end=end
            )
        )
    candidates = []
    for profile in profiles:
        volunteer = profile.volunteer
        status = paperwork[volunteer.pk]
        home = _home(volunteer)
        modes = tuple(m for m in profile.modes if home is not None or m != Mode.IN_PERSON)
        if not modes:
            continue
        candidates.append(
            InterpreterCandidate(
                id=profile.pk,
                volunteer_id=volunteer.pk,
                center_id=volunteer.center_id,
                display_name=volunteer.display_name,
                languages={s.language_id: s.level for s in volunteer.languages.all()},
                gender=profile.gender or None,
                home=home,
                max_travel_km=profile.max_travel_km,
                modes=modes,
                excluded_clients=tuple(profile.excluded_clients),
                child_clearance=bool(status.child_clearance),
                declined_topics=tuple(profile.declined_topics),
                availability=tuple(windows.get(volunteer.pk, ())),
            )
        )
    return candidates


def _home(volunteer: Volunteer) -> tuple[float, float] | None:
    """The volunteer's home coordinates, else those of their town."""
    if volunteer.home_lat is not None and volunteer.home_lon is not None:
        return (volunteer.home_lat, volunteer.home_lon)
    place = volunteer.home_place
    if place is not None:
        return (place.lat, place.lon)
    return None
