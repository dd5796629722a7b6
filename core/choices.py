"""Choice lists shared by several apps (topics, levels, modes, genders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """The setting of an appointment; centers exclude some (court, police, BAMF)."""

    HEALTH = "health", _("Health")
    CHILD_WELFARE = "child_welfare", _("Child and youth welfare")
    RESIDENCE = "residence", _("Residence and immigration")
    SOCIAL_BENEFITS = "social_benefits", _("Social benefits")
    EDUCATION = "education", _("School and day care")
    LABOUR = "labour", _("Work and job centre")
    HOUSING = "housing", _("Housing")
    COURT = "court", _("Court")
    POLICE = "police", _("Police")
    BAMF = "bamf", _("BAMF (asylum procedure)")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """Language level (CEFR) plus native; ordered from lowest to highest."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("native speaker")


LEVEL_ORDER = {code: rank for rank, code in enumerate(Level.values)}


class Mode(models.TextChoices):
    """How an interpreter works."""

    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("by video")


class Gender(models.TextChoices):
    """Recorded only where it is used: a requested gender preference."""

    FEMALE = "f", _("female")
    MALE = "m", _("male")
    DIVERSE = "d", _("diverse")
