"""Users with roles, teams as lines of support, skills, and hashed API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.core.roles import ROLES_SEEING_ALL, STAFF_ROLES, Role

__all__ = [
    "ROLES_SEEING_ALL",
    "STAFF_ROLES",
    "Role",
    "User",
    "Skill",
    "Team",
    "TeamMembership",
    "ApiToken",
]


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=8, default="en")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    #: The agent's phone on the PBX: calls ringing it show their card on the agent's desk.
    phone_extension = models.CharField(
        _("phone extension"), max_length=32, blank=True, db_index=True
    )
    #: A service user background work acts as (routing, automation, SLA): never a choice.
    is_system = models.BooleanField(_("system user"), default=False, editable=False)
    #: Set when the password was generated (the first admin's, printed once): the next sign-in
    #: asks for a new one before anything else.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_client(self) -> bool:
        return self.role == Role.CONTACT

    @property
    def sees_all_tickets(self) -> bool:
        return self.is_superuser or self.role in ROLES_SEEING_ALL


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Line(models.IntegerChoices):
        FIRST = 1, _("1st line")
        SECOND = 2, _("2nd line")
        THIRD = 3, _("3rd line")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    line = models.PositiveSmallIntegerField(_("line of support"), choices=Line.choices, default=1)
    is_contractor = models.BooleanField(_("contractor"), default=False)
    lead = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams"
    )
    members: models.ManyToManyField[User, TeamMembership] = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["line", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    skills = models.ManyToManyField(Skill, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class ApiToken(models.Model):
    """A personal API token; only a SHA-256 digest is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("First characters, to recognise it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
