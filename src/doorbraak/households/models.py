"""Huishoudens: referrals, households, members, the coordinator, involved professionals,
consent and the household's timeline.

*Één huishouden, één plan, één contactpersoon*: every household belongs to one team and
has exactly one active coordinator (regiehouder), enforced by the database.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality, Organisation, Role, Team
from doorbraak.accounts.selectors import active_memberships
from doorbraak.lib import limits
from doorbraak.lib.crypto import pseudonym
from doorbraak.lib.limits import LimitedTextField
from doorbraak.lib.messages import StoredText, render_stored
from doorbraak.lib.names import join_name

if TYPE_CHECKING:
    from collections.abc import Collection

    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


def team_scope(user: User | AnonymousUser) -> list[int]:
    """Teams whose households the user may see: professionals and team leads, own team.

    Taken from the memberships in force that the request has already read (one query per
    request, ``active_memberships``), so every scoped query filters on a short list of
    team ids instead of repeating the membership subquery.
    """

    return sorted(
        {
            m.team_id
            for m in active_memberships(user)
            if m.team_id is not None and m.role in (Role.PROFESSIONAL, Role.TEAM_LEAD)
        }
    )


class PostcodeArea(models.Model):
    """Routing table: a range of four-digit postcode areas belongs to one district."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postcode_areas",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="postcode_areas",
        verbose_name=_("district"),
    )
    first = models.PositiveIntegerField(_("from postcode area"), help_text=_("For example 3551."))
    last = models.PositiveIntegerField(_("up to and including postcode area"))

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["first"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    first__gte=1000, first__lte=9999, last__gte=models.F("first"), last__lte=9999
                ),
                name="postcodearea_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}: {self.district}"


class ReferralSource(models.TextChoices):
    HOUSING_CORPORATION = "woningcorporatie", _("Housing corporation (Voorkom Huisuitzetting)")
    GP = "huisarts", _("General practitioner")
    POLICE = "politie", _("Police")
    WORK_AND_INCOME = "werk_en_inkomen", _("Work & Income")
    RESIDENT = "bewoner", _("The resident (via the team)")
    OTHER = "overig", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normaal", _("Normal")
    HIGH = "hoog", _("High: within a week")
    CRISIS = "crisis", _("Crisis: today")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "ingediend", _("Submitted")
    ACCEPTED = "geaccepteerd", _("Accepted")
    DECLINED = "afgewezen", _("Declined")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User | AnonymousUser) -> ReferralQuerySet:
        """The team sees referrals routed to it; a referrer sees their own (status only)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(team__in=team_scope(user)) | Q(referred_by=user))

    def for_team_of(self, user: User | AnonymousUser) -> ReferralQuerySet:
        return self.filter(team__in=team_scope(user))


class Referral(models.Model):
    """Aanmelding: a signal that a household needs help, routed to the team of its district."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=ReferralSource.choices)
    source_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring organisation"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    reason = LimitedTextField(_("reason"), max_length=limits.TEXT)
    resident_name = models.CharField(_("name of the resident"), max_length=150)
    has_fixed_address = models.BooleanField(_("has a fixed address"), default=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postal_address = models.CharField(
        _("postal address"),
        max_length=200,
        blank=True,
        help_text=_("A postal address (briefadres) or shelter where post reaches the resident."),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, related_name="referrals", verbose_name=_("team")
    )
    status = models.CharField(
        _("status"), max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = LimitedTextField(
        _("reason for declining"), blank=True, max_length=limits.SHORT_TEXT
    )
    household = models.ForeignKey(
        "Household", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at"]
        constraints = [
            limits.length_check("reason", limits.TEXT),
            limits.length_check("decline_reason", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=~Q(status="afgewezen") | ~Q(decline_reason=""),
                name="referral_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="geaccepteerd") | Q(household__isnull=False),
                name="referral_accept_needs_household",
            ),
            models.CheckConstraint(
                condition=Q(has_fixed_address=False) | Q(house_number__isnull=False),
                name="referral_fixed_address_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.referred_at:%Y-%m-%d}"

    @property
    def address(self) -> str:
        return address_line(self)


def address_line(place: Referral | Household) -> str:
    """The address on one line, or "No fixed address" with the postal address if known."""
    if not place.has_fixed_address:
        if place.postal_address:
            return _("No fixed address; post: %(postal_address)s") % {
                "postal_address": place.postal_address
            }
        return str(_("No fixed address"))
    number = f"{place.house_number or ''}{place.house_number_addition}"
    city = getattr(place, "city", "")
    street = getattr(place, "street", "")
    return ", ".join(
        p for p in (f"{street} {number}".strip(), f"{place.postcode} {city}".strip()) if p
    )


class HouseholdStatus(models.TextChoices):
    ACTIVE = "actief", _("Active")
    CLOSED = "afgesloten", _("Closed")


class CloseReason(models.TextChoices):
    GOALS_REACHED = "doelen_bereikt", _("Goals reached")
    MOVED = "verhuisd", _("Moved away")
    REFUSED = "geweigerd", _("Support refused")
    TRANSFERRED = "overgedragen", _("Transferred to another organisation")
    DECEASED = "overleden", _("Deceased")
    OTHER = "overig", _("Other")


class Classification(models.TextChoices):
    """How self-reliant a household is, from its assessment (the assessments app computes it;
    the household keeps its latest, so a list need not look into the assessments)."""

    GREEN = "groen", _("Green")
    ORANGE = "oranje", _("Orange")
    RED = "rood", _("Red")


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: User | AnonymousUser) -> HouseholdQuerySet:
        """Professionals and team leads see their own team's households; nobody else.

        A destroyed household (its personal data removed at the end of its retention
        period, ``doorbraak.retention``) is an anonymous stub that no page shows."""
        return self.of_teams(team_scope(user))

    def of_teams(self, teams: Collection[int]) -> HouseholdQuerySet:
        """What :meth:`visible_to` gives a user whose teams in scope are ``teams`` (the
        rule written with the ids alone, for a query compiled once: lib/prepared.py)."""
        return self.filter(team__in=teams, destroyed_on__isnull=True)


class Household(models.Model):
    """Huishouden: the people who live together at one address and get one plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="households"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="households", verbose_name=_("team")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("district"),
    )
    name = models.CharField(
        _("household name"),
        max_length=150,
        help_text=_("How the team refers to the household, e.g. 'Family Zwart'."),
    )
    #: False for a household without a fixed address (dakloos, bank-hoppend): the
    #: address fields are empty, the team chose the district, and ``postal_address`` may
    #: say where post reaches it (a briefadres, a shelter).
    has_fixed_address = models.BooleanField(_("has a fixed address"), default=True)
    street = models.CharField(_("street"), max_length=150, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_address = models.CharField(
        _("postal address"),
        max_length=200,
        blank=True,
        help_text=_("A postal address (briefadres) or shelter where post reaches the household."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = LimitedTextField(_("closing note"), blank=True, max_length=limits.SHORT_TEXT)
    #: When the household's personal data was destroyed (``retention.services``): the row
    #: stays as an anonymous stub so the ledger, outcomes and figures keep their links.
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True, editable=False)
    #: The classification of the household's latest assessment (by date, then order of
    #: recording); empty until the first. Kept by ``assessments.services.assessment_record``.
    latest_classification = models.CharField(
        _("latest classification"),
        max_length=10,
        choices=Classification.choices,
        null=True,
        blank=True,
        editable=False,
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["team", "status"], name="household_team_status"),
            # The household list pages a team's households by name: an ordered index scan
            # instead of sorting every household of the team on each page view.
            models.Index(fields=["team", "name", "id"], name="household_team_name"),
        ]
        constraints = [
            limits.length_check("close_note", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=Q(status="actief", closed_on__isnull=True)
                | Q(status="afgesloten", closed_on__isnull=False) & ~Q(close_reason=""),
                name="household_closed_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(has_fixed_address=False) | Q(house_number__isnull=False),
                name="household_fixed_address_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pseudonym(self) -> str:
        return pseudonym("household", self.public_id.hex)

    @property
    def address(self) -> str:
        return address_line(self)


class MemberRole(models.TextChoices):
    HEAD = "hoofd", _("Head of household")
    PARTNER = "partner", _("Partner")
    CHILD = "kind", _("Child")
    OTHER_ADULT = "volwassene", _("Other adult")
    OTHER = "overig", _("Other")


class Representation(models.TextChoices):
    NONE = "", _("None")
    ADMINISTRATOR = "bewindvoerder", _("Administrator (bewindvoerder)")
    MENTOR = "mentor", _("Mentor")
    AUTHORISED = "gemachtigde", _("Authorised representative (gemachtigde)")


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(self, user: User | AnonymousUser) -> MemberQuerySet:
        return self.filter(household__in=Household.objects.visible_to(user))

    def searchable_by(self, user: User | AnonymousUser) -> MemberQuerySet:
        """``visible_to``, with the member's own copy of the team named too: the same rows,
        but PostgreSQL can then find a surname within the team off one index (team, trigrams
        of the surname; migration 0014) instead of reading every match in the country."""
        return self.of_teams_of(user).visible_to(user)

    def of_teams_of(self, user: User | AnonymousUser) -> MemberQuerySet:
        """The members whose own copy of the team is one of the user's teams, without the
        household's visibility: only for a query that already restricts the households to
        the visible ones (the household search: ``household IN (these members)`` of the
        visible households), where asking it again per member made PostgreSQL loop over
        the team's households once per surname found."""
        return self.of_teams(team_scope(user))

    def of_teams(self, teams: Collection[int]) -> MemberQuerySet:
        """What :meth:`of_teams_of` gives a user whose teams in scope are ``teams`` (the
        rule written with the ids alone, for a query compiled once: lib/prepared.py)."""
        # Each id cast to bigint, the column's type: a bare literal is an integer, and
        # btree_gin's bigint operator class has no bigint = integer, so the team would be
        # left out of the index condition and filtered after the heap was read.
        if not teams:
            return self.none()
        in_team = Q()
        for team in teams:
            in_team |= Q(team_id=Cast(Value(team), models.BigIntegerField()))
        return self.filter(in_team)

    def current(self, *, on: datetime.date | None = None) -> MemberQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gt=day))


def person_pseudonym(public_id: uuid.UUID) -> str:
    """The pseudonym of the member whose public id is ``public_id`` (``Member.pseudonym``),
    for a read that takes the public ids alone."""
    return pseudonym("person", public_id.hex)


class Member(models.Model):
    """Gezinslid: a person in the household. Leaving keeps the record (history)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    #: The household's team, copied: a household never changes team and a member never
    #: changes household, so it is set once, when the member is made (``_create_member``,
    #: ``seed_scale``). The household search looks a surname up within the team with it.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    #: Tussenvoegsel ("de", "van der"): "Cato de Boer" is Cato, de, Boer.
    infix = models.CharField(_("infix (tussenvoegsel)"), max_length=20, blank=True, default="")
    last_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    role = models.CharField(_("role in the household"), max_length=12, choices=MemberRole.choices)
    bsn_encrypted = LimitedTextField(
        _("BSN (encrypted)"), blank=True, editable=False, max_length=limits.ENCRYPTED_BSN
    )
    bsn_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    representation = models.CharField(
        _("legal representation"), max_length=15, choices=Representation.choices, blank=True
    )
    representative = models.CharField(_("name of the representative"), max_length=150, blank=True)
    joined_on = models.DateField(_("part of the household since"), default=timezone.localdate)
    left_on = models.DateField(_("left the household on"), null=True, blank=True)
    #: Beperking van de verwerking (AVG art. 18): while set, the services refuse to change
    #: the person's data or share it (``households.services.require_unrestricted``).
    processing_restricted_at = models.DateTimeField(
        _("processing restricted since"), null=True, blank=True, editable=False
    )
    processing_restriction_reason = LimitedTextField(
        _("reason for the restriction"), blank=True, editable=False, max_length=limits.SHORT_TEXT
    )

    objects = MemberQuerySet.as_manager()

    #: Columns holding Fernet tokens (``doorbraak.lib.crypto.encrypt``):
    #: ``manage.py rotate_field_encryption_key`` re-encrypts them.
    ENCRYPTED_FIELDS: ClassVar[tuple[str, ...]] = ("bsn_encrypted",)
    #: Blind-index column -> the encrypted column whose value it indexes:
    #: ``manage.py rotate_blind_index`` recomputes them.
    BLIND_INDEXES: ClassVar[dict[str, str]] = {"bsn_index": "bsn_encrypted"}

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["joined_on", "birth_date", "pk"]
        indexes = [models.Index(fields=["last_name", "birth_date"], name="member_name_birth")]
        constraints = [
            limits.length_check("bsn_encrypted", limits.ENCRYPTED_BSN),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
            ),
            limits.length_check("processing_restriction_reason", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=Q(processing_restricted_at__isnull=True)
                | ~Q(processing_restriction_reason=""),
                name="member_restriction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return join_name(self.first_name, self.infix, self.last_name)

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}.{self.last_name[:1]}.".upper()

    @property
    def pseudonym(self) -> str:
        return person_pseudonym(self.public_id)

    @property
    def has_bsn(self) -> bool:
        return bool(self.bsn_encrypted)

    @property
    def is_processing_restricted(self) -> bool:
        return self.processing_restricted_at is not None

    def age_on(self, day: datetime.date | None = None) -> int:
        day = day or timezone.localdate()
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )


class CoordinatorAssignment(models.Model):
    """Regiehouder: who coordinates the household. Exactly one active assignment."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="coordinator_assignments"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinations",
        verbose_name=_("coordinator"),
    )
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    handover_note = LimitedTextField(_("handover note"), blank=True, max_length=limits.SHORT_TEXT)

    class Meta:
        verbose_name = _("coordinator assignment")
        verbose_name_plural = _("coordinator assignments")
        ordering = ["-started_at"]
        constraints = [
            limits.length_check("handover_note", limits.SHORT_TEXT),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_at__isnull=True),
                name="household_one_active_coordinator",
                violation_error_message=_("A household has exactly one active coordinator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} ({self.household})"


class InvolvedProfessional(models.Model):
    """Betrokkene: a professional of any organisation already working with the household."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="involved_professionals"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(
        _("organisation (if not in the list)"), max_length=150, blank=True
    )
    person_name = models.CharField(_("name"), max_length=150)
    role = models.CharField(
        _("role"), max_length=150, help_text=_("For example: debt counsellor, youth worker.")
    )
    contact = models.CharField(_("phone or e-mail"), max_length=150, blank=True)
    since = models.DateField(_("involved since"))
    until = models.DateField(_("involved until"), null=True, blank=True)
    yearly_cost_cents = models.PositiveIntegerField(
        _("yearly cost (euro cents)"),
        null=True,
        blank=True,
        help_text=_("Optional: what this involvement costs society per year."),
    )

    class Meta:
        verbose_name = _("involved professional")
        verbose_name_plural = _("involved professionals")
        ordering = ["since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="involved_professional_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="involved_professional_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.organisation_label})"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_PARTNER = (
        "delen_partner",
        _("Share with the partner organisation to find a solution"),
    )
    BREAKTHROUGH_TABLE = "doorbraaktafel", _("Discuss at the breakthrough table")
    FUND = "potje", _("Request from the Voorkom Erger Potje")


class ConsentMethod(models.TextChoices):
    VERBAL = "mondeling", _("Verbally")
    WRITTEN = "schriftelijk", _("In writing")


class Consent(models.Model):
    """Toestemming: a member allows sharing for one purpose with one organisation.

    Withdrawal takes effect at once for any sharing from then on; the record stays.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    given_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="consents", verbose_name=_("given by")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consents_received",
        verbose_name=_("shared with"),
    )
    method = models.CharField(_("how"), max_length=15, choices=ConsentMethod.choices)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_note = LimitedTextField(
        _("note on withdrawal"), blank=True, max_length=limits.SHORT_TEXT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            limits.length_check("withdrawal_note", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.recipient}"

    def is_active(self, at: datetime.datetime | None = None) -> bool:
        moment = at or timezone.now()
        if self.withdrawn_at is not None and self.withdrawn_at <= moment:
            return False
        day = timezone.localdate(moment)
        return self.given_on <= day and (self.valid_until is None or day <= self.valid_until)


class EventKind(models.TextChoices):
    REFERRAL = "aanmelding", _("Referral")
    INTAKE = "intake", _("Intake")
    MEMBER_JOINED = "lid_erbij", _("Member joined")
    MEMBER_LEFT = "lid_weg", _("Member left")
    MEMBER_CHANGED = "lid_gewijzigd", _("Member changed")
    COORDINATOR = "regiehouder", _("Coordinator handover")
    PROFESSIONAL = "betrokkene", _("Involved professional")
    CONSENT = "toestemming", _("Consent")
    ASSESSMENT = "zrm", _("Assessment")
    PLAN = "plan", _("Plan")
    CLOSED = "afgesloten", _("Closed")
    FOLLOW_UP = "nazorg", _("Follow-up")
    BOTTLENECK = "knelpunt", _("Bottleneck")
    BREAKTHROUGH = "doorbraak", _("Breakthrough")
    ESCALATION = "escalatie", _("Escalation")
    DECISION = "besluit", _("Decision")
    TABLE = "doorbraaktafel", _("Breakthrough table")
    FUND = "potje", _("Voorkom Erger Potje")
    OUTCOME = "resultaat", _("Outcome")
    ADDRESS = "adres", _("Address changed")


class HouseholdEvent(models.Model):
    """One line on the household's timeline. Written by services, never edited."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=15, choices=EventKind.choices)
    #: The line in Dutch (the record language): searched, exported, printed, and shown for
    #: rows written before ``message`` existed.
    summary = models.CharField(max_length=300)
    #: The line untranslated (the msgid as in the code) and its parameters, so a reader sees
    #: it in their own language (lib.messages); empty on older rows.
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return self.summary

    @property
    def line(self) -> StoredText:
        """The line in the active language, or the stored Dutch line (marked as Dutch)."""
        return render_stored(self.message, self.params, self.summary)
