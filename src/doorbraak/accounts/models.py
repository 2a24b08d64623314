"""Who works in Doorbraak, for which organisation, in which role.

A user is a person with a login. What they may see follows from their memberships: each
membership gives one role, for one organisation, in one municipality (and for
neighbourhood-team roles, one team). Access checks never look at a user directly but at
these memberships, through ``selectors.py`` and ``policies.py``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """Gemeente: the tenant. Case data never crosses from one municipality to another."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("CBS municipality code"),
        max_length=4,
        unique=True,
        help_text=_("The four-digit code of the CBS, for example 0344."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_four_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Wijk: the area a neighbourhood team works in; referrals are routed by district."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    NEIGHBOURHOOD_TEAM = "buurtteam", _("Neighbourhood team")
    MUNICIPALITY = "gemeente", _("Municipality / Work & Income")
    HOUSING_CORPORATION = "woningcorporatie", _("Housing corporation")
    HEALTH_INSURER = "zorgverzekeraar", _("Health insurer")
    IMPLEMENTING_AGENCY = (
        "uitvoeringsorganisatie",
        _("Implementing agency (UWV, SVB, CAK, CJIB, DUO, Belastingdienst/Toeslagen)"),
    )
    DEBT_SUPPORT = "schuldhulp", _("Debt support")
    CARE_PROVIDER = "zorgaanbieder", _("Care provider")
    OTHER = "overig", _("Other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """National organisations, and local ones of the user's municipalities."""
        if not user.is_authenticated:
            return self.none()
        municipalities = Membership.objects.active().filter(user=user).values("municipality")
        return self.filter(Q(municipality__isnull=True) | Q(municipality__in=municipalities))


class Organisation(models.Model):
    """Partnerorganisatie: any organisation whose people work with Doorbraak.

    A national agency (UWV, SVB, …) has no municipality: it works with many. A local one
    (a neighbourhood team, a housing corporation) belongs to one municipality.
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("Leave empty for a national organisation that works with many municipalities."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: User | AnonymousUser) -> TeamQuerySet:
        """The user's own teams, and every team of a municipality they administer."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.active().filter(user=user)
        own = memberships.filter(team__isnull=False).values("team")
        administered = memberships.filter(role=Role.ADMIN).values("municipality")
        return self.filter(Q(pk__in=own) | Q(municipality__in=administered))


class Team(models.Model):
    """Buurtteam: the unit that owns households. A professional sees their team's cases."""

    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("municipality"),
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="teams", verbose_name=_("districts")
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with a login. Roles come from memberships, never from the user itself."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """The roles of DESIGN.md; the code names are stable, the labels are for people."""

    PROFESSIONAL = "professional", _("Neighbourhood-team professional")
    TEAM_LEAD = "team_lead", _("Team lead")
    PARTNER_CONTACT = "partner_contact", _("Partner contact person")
    TABLE_CHAIR = "table_chair", _("Breakthrough-table chair")
    FUND_MANAGER = "fund_manager", _("Fund manager")
    POLICY_ANALYST = "policy_analyst", _("Policy analyst")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMIN = "admin", _("Functional administrator")


#: Roles that work inside one neighbourhood team and therefore need a team.
TEAM_ROLES = frozenset({Role.PROFESSIONAL, Role.TEAM_LEAD})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, *, on: datetime.date | None = None) -> MembershipQuerySet:
        """Memberships in force on ``on`` (default: today, Amsterdam time)."""
        today = on or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=today), Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )


class Membership(models.Model):
    """One role of one user, for one organisation, in one municipality.

    A contact person of UWV who serves two municipalities has two memberships. The
    membership, not the user, is what the processing log records as role and organisation.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("team"),
        help_text=_("Required for professionals and team leads."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in TEAM_ROLES)) | Q(team__isnull=False),
                name="membership_team_roles_need_team",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_valid_period",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "municipality", "team"],
                name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class ExternalIdentity(models.Model):
    """A staff member's account at the municipality's identity provider (single sign-on):
    the provider (``issuer``) and the stable claim that names the person there (``subject``,
    by default the ``sub`` claim). A sign-in with that pair is this user."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("identity provider (issuer)"), max_length=255)
    subject = models.CharField(
        _("subject"),
        max_length=255,
        help_text=_("The value of the stable claim (DOORBRAAK_OIDC_USER_CLAIM) for this person."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="externalidentity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class GroupRoleMapping(models.Model):
    """A group of the identity provider that gives a role, where the municipality chose so.

    A single sign-on whose groups claim holds ``group`` gets this role (a membership, as a
    functional administrator would grant it); when the group is gone at a later sign-in, the
    memberships this mapping granted end. Roles granted in Doorbraak itself are left alone.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="group_role_mappings",
        verbose_name=_("municipality"),
    )
    group = models.CharField(
        _("group"), max_length=255, help_text=_("The value in the provider's groups claim.")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="group_role_mappings",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_role_mappings",
        verbose_name=_("team"),
        help_text=_("Required for professionals and team leads."),
    )
    memberships = models.ManyToManyField(
        Membership,
        blank=True,
        editable=False,
        related_name="group_role_mappings",
        verbose_name=_("memberships granted"),
    )

    class Meta:
        verbose_name = _("group-to-role mapping")
        verbose_name_plural = _("group-to-role mappings")
        ordering = ["municipality__name", "group", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "group", "role", "organisation", "team"],
                name="grouprolemapping_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"


# The API client lives in its own module; importing it here makes it a model of this app.
from doorbraak.accounts.apiclients.models import ApiClient  # noqa: E402, F401
