"""Every change to referrals, households, members, coordinators, professionals and consent.

Each function is one use case: keyword-only, transactional, writes the timeline and the
processing log (activity: support of a household). Bad input raises ``ValidationError``
with a Dutch message and changes nothing.

Locking (docs/locking.md): the household row is the root lock of everything about a
household. A service that checks the household (open or closed) and then writes locks it
first, with :func:`lock_household` (``FOR NO KEY UPDATE``: it does not wait for, nor
block, transactions that only insert rows pointing at the household).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import (
    District,
    Membership,
    Municipality,
    Organisation,
    Role,
    Team,
    User,
)
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    CoordinatorAssignment,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdQuerySet,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    MemberRole,
    PostcodeArea,
    Referral,
    ReferralSource,
    ReferralStatus,
    Representation,
    Urgency,
    address_line,
)
from doorbraak.households.policies import can_apply_data_subject_rights
from doorbraak.households.processing import household_subjects, log_case_support
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.counts import cases_changed
from doorbraak.lib.crypto import blind_index, blind_indexes, encrypt, pseudonym
from doorbraak.lib.messages import Label, Message
from doorbraak.lib.names import join_name
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.lib.text import shorten
from doorbraak.lib.validators import normalise_bsn, normalise_postcode, validate_house_number


# --- helpers --------------------------------------------------------------------------------
def record_event(
    *, household: Household, kind: EventKind, summary: Message | str, actor: User | None
) -> HouseholdEvent:
    """A line on the household's timeline.

    ``summary`` is a :class:`~doorbraak.lib.messages.Message` (``Message(gettext_lazy(
    "… %(name)s …"), name=…)``): stored untranslated with its parameters, and rendered in
    Dutch for ``summary``. A plain string is stored as the Dutch line only (shown as written,
    in every language).
    """
    if isinstance(summary, Message):
        return HouseholdEvent.objects.create(
            household=household,
            kind=kind,
            summary=shorten(summary.dutch(), 300),
            message=summary.msgid,
            params=summary.params,
            actor=actor,
        )
    return HouseholdEvent.objects.create(
        household=household, kind=kind, summary=shorten(summary, 300), actor=actor
    )


def lock_household(household: Household | int) -> Household:
    """Re-read the household under its row lock: the first lock of every household service.

    ``FOR NO KEY UPDATE`` serialises the services that change the same household, and
    does not conflict with the ``FOR KEY SHARE`` that inserting a member, an event or any
    other row pointing at the household takes (docs/locking.md).
    """
    pk = household if isinstance(household, int) else household.pk
    return Household.objects.select_for_update(no_key=True).get(pk=pk)


def team_worker(user: User, team: Team) -> bool:
    """Whether the user works in the team now (professional or team lead)."""
    return (
        Membership.objects.active()
        .filter(user=user, team=team, role__in=[Role.PROFESSIONAL, Role.TEAM_LEAD])
        .exists()
    )


# --- referral ---------------------------------------------------------------------------
def route_postcode(
    *, municipality: Municipality, postcode: str
) -> tuple[PostcodeArea | None, Team | None]:
    """The district and team a postcode belongs to, by the municipality's routing table."""
    area_code = int(normalise_postcode(postcode)[:4])
    area = (
        PostcodeArea.objects.filter(
            municipality=municipality, first__lte=area_code, last__gte=area_code
        )
        .select_related("district")
        .first()
    )
    if area is None:
        return None, None
    team = (
        Team.objects.filter(municipality=municipality, districts=area.district)
        .order_by("name")
        .first()
    )
    return area, team


@dataclass
class AddressData:
    """Where a household lives, or that it has no fixed address (then the team or the
    referrer chooses the district, and ``postal_address`` may say where post reaches it)."""

    has_fixed_address: bool = True
    postcode: str = ""
    house_number: int | None = None
    house_number_addition: str = ""
    street: str = ""
    city: str = ""
    postal_address: str = ""
    district: District | None = None


POSTAL_ADDRESS_LIMIT = 200


def address_validate(
    address: AddressData, *, municipality: Municipality, require_route: bool
) -> tuple[PostcodeArea | None, dict[str, str]]:
    """Check and normalise ``address`` in place; the routing area of a fixed address.

    A fixed address needs a valid postcode and house number; without a fixed address those
    stay empty and a district of ``municipality`` must be chosen. ``require_route``: the
    postcode must lie in a district with a team (a referral must reach a team).
    """
    errors: dict[str, str] = {}
    area: PostcodeArea | None = None
    address.postal_address = address.postal_address.strip()
    address.street = address.street.strip()
    address.city = address.city.strip()
    address.house_number_addition = address.house_number_addition.strip()
    if len(address.postal_address) > POSTAL_ADDRESS_LIMIT:
        errors["postal_address"] = limits.too_long_message(
            limit=POSTAL_ADDRESS_LIMIT, length=len(address.postal_address)
        )
    if address.has_fixed_address:
        try:
            address.postcode = normalise_postcode(address.postcode)
        except ValidationError as error:
            errors["postcode"] = error.messages[0]
        try:
            validate_house_number(address.house_number)
        except ValidationError as error:
            errors["house_number"] = error.messages[0]
        if "postcode" not in errors:
            area, team = route_postcode(municipality=municipality, postcode=address.postcode)
            if require_route and (area is None or team is None):
                errors["postcode"] = _(
                    "This postcode is not in a district of %(municipality)s "
                    "with a neighbourhood team."
                ) % {"municipality": municipality.name}
        return area, errors
    if (
        address.postcode.strip()
        or address.house_number is not None
        or address.house_number_addition
        or address.street
    ):
        errors["postcode"] = _(
            "Without a fixed address, leave street, house number and postcode empty; "
            "put a briefadres or shelter under 'Postal address'."
        )
    address.postcode = ""
    address.house_number = None
    if address.district is None:
        errors["district"] = _("Choose the district whose team will help the household.")
    elif address.district.municipality_id != municipality.pk:
        errors["district"] = _("Choose a district of %(municipality)s.") % {
            "municipality": municipality.name
        }
    return None, errors


@retry_on_deadlock
@transaction.atomic
def referral_submit(
    *,
    actor: User,
    municipality: Municipality,
    source: ReferralSource,
    source_organisation: Organisation,
    urgency: Urgency,
    reason: str,
    resident_name: str,
    postcode: str = "",
    house_number: int | None = None,
    house_number_addition: str = "",
    phone: str = "",
    has_fixed_address: bool = True,
    postal_address: str = "",
    district: District | None = None,
) -> Referral:
    """Aanmelden: register a referral and route it to the team of the district.

    With a fixed address the postcode routes it; without one, the referrer's chosen
    district does (the team of that district).
    """
    address = AddressData(
        has_fixed_address=has_fixed_address,
        postcode=postcode,
        house_number=house_number,
        house_number_addition=house_number_addition,
        postal_address=postal_address,
        district=district,
    )
    area, errors = address_validate(address, municipality=municipality, require_route=True)
    if not reason.strip():
        errors["reason"] = _("Describe why the household needs help.")
    elif len(reason.strip()) > limits.TEXT:
        errors["reason"] = limits.too_long_message(limit=limits.TEXT, length=len(reason.strip()))
    if not resident_name.strip():
        errors["resident_name"] = _("Enter the name of the resident.")
    routed_district = area.district if area is not None else address.district
    team = (
        Team.objects.filter(municipality=municipality, districts=routed_district)
        .order_by("name")
        .first()
        if routed_district is not None
        else None
    )
    if not errors and team is None:
        errors["district"] = _("No neighbourhood team works in this district yet.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        municipality=municipality,
        source=source,
        source_organisation=source_organisation,
        referred_by=actor,
        urgency=urgency,
        reason=reason.strip(),
        resident_name=resident_name.strip(),
        has_fixed_address=address.has_fixed_address,
        postcode=address.postcode,
        house_number=address.house_number,
        house_number_addition=address.house_number_addition,
        postal_address=address.postal_address,
        phone=phone.strip(),
        district=routed_district,
        team=team,
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.CREATE,
        object_type="households.referral",
        object_id=referral.pk,
        subjects=[pseudonym("referral", referral.pk)],
        municipality=municipality,
    )
    return referral


def _decide(referral: Referral, actor: User) -> None:
    if referral.status != ReferralStatus.SUBMITTED:
        raise ValidationError(_("This referral has already been decided."))
    if referral.team is None or not team_worker(actor, referral.team):
        raise ValidationError(_("Only the team this referral was routed to can decide on it."))


@retry_on_deadlock
@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    limits.check_length(reason.strip(), limit=limits.SHORT_TEXT, field="reason")
    referral = Referral.objects.select_for_update(no_key=True).get(pk=referral.pk)
    _decide(referral, actor)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for declining; the referrer will see it.")}
        )
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        object_type="households.referral",
        object_id=referral.pk,
        subjects=[pseudonym("referral", referral.pk)],
        municipality=referral.municipality,
    )
    return referral


@retry_on_deadlock
@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, household: Household) -> Referral:
    """Accept and link the referral to a household of the same team (new or existing)."""
    referral = Referral.objects.select_for_update(no_key=True).get(pk=referral.pk)
    _decide(referral, actor)
    if household.team_id != referral.team_id:
        raise ValidationError(_("The household belongs to another team."))
    referral.status = ReferralStatus.ACCEPTED
    referral.household = household
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "household", "decided_by", "decided_at"])
    record_event(
        household=household,
        kind=EventKind.REFERRAL,
        actor=actor,
        summary=Message(
            gettext_lazy("Referral by %(organisation)s accepted: %(reason)s"),
            organisation=referral.source_organisation.name,
            reason=referral.reason[:200],
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=household_subjects(household),
        object_type="households.referral",
        object_id=referral.pk,
    )
    return referral


# --- household and members ----------------------------------------------------------------
#: Longest tussenvoegsel stored (``Member.infix``).
INFIX_MAX_LENGTH = 20


@dataclass
class MemberData:
    first_name: str
    last_name: str
    birth_date: datetime.date
    role: MemberRole
    bsn: str = ""
    representation: Representation | str = ""
    representative: str = ""
    #: Tussenvoegsel: "de" in "Cato de Boer".
    infix: str = ""


@dataclass
class IntakeData:
    name: str
    postcode: str = ""
    house_number: int | None = None
    house_number_addition: str = ""
    street: str = ""
    city: str = ""
    members: list[MemberData] = field(default_factory=list)
    has_fixed_address: bool = True
    postal_address: str = ""
    #: Chosen by the team when there is no fixed address (else the postcode routes).
    district: District | None = None

    @property
    def address(self) -> AddressData:
        return AddressData(
            has_fixed_address=self.has_fixed_address,
            postcode=self.postcode,
            house_number=self.house_number,
            house_number_addition=self.house_number_addition,
            street=self.street,
            city=self.city,
            postal_address=self.postal_address,
            district=self.district,
        )


def _validate_member(data: MemberData, *, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.first_name.strip():
        errors[f"{prefix}first_name"] = _("Enter a first name.")
    if not data.last_name.strip():
        errors[f"{prefix}last_name"] = _("Enter a last name.")
    if len(data.infix.strip()) > INFIX_MAX_LENGTH:
        errors[f"{prefix}infix"] = _("An infix (tussenvoegsel) has at most %(n)d characters.") % {
            "n": INFIX_MAX_LENGTH
        }
    if data.birth_date > timezone.localdate():
        errors[f"{prefix}birth_date"] = _("A date of birth cannot be in the future.")
    elif data.birth_date < datetime.date(1900, 1, 1):
        errors[f"{prefix}birth_date"] = _("Check the date of birth: it is before 1900.")
    if data.bsn:
        try:
            data.bsn = normalise_bsn(data.bsn)
        except ValidationError as error:
            errors[f"{prefix}bsn"] = error.messages[0]
    if data.representation and not data.representative.strip():
        errors[f"{prefix}representative"] = _("Enter the name of the representative.")
    return errors


def _create_member(household: Household, data: MemberData, joined_on: datetime.date) -> Member:
    member = Member(
        household=household,
        team_id=household.team_id,
        first_name=data.first_name.strip(),
        infix=data.infix.strip(),
        last_name=data.last_name.strip(),
        birth_date=data.birth_date,
        role=data.role,
        representation=data.representation or "",
        representative=data.representative.strip(),
        joined_on=joined_on,
    )
    if data.bsn:
        member.bsn_encrypted = encrypt(data.bsn)
        member.bsn_index = blind_index(data.bsn)
    member.save()
    return member


@dataclass(frozen=True)
class PossibleDuplicate:
    """A household that may be the same one.

    Outside the user's view ``household`` is None and ``team_name`` and ``reason`` are empty:
    the user learns only that a possible duplicate exists elsewhere, never where.
    """

    household: Household | None
    team_name: str
    reason: str

    @property
    def elsewhere(self) -> bool:
        return self.household is None


def household_find_duplicates(
    *, actor: User, municipality: Municipality, members: list[MemberData]
) -> list[PossibleDuplicate]:
    """Households in the municipality with a member of the same BSN, or name + birth date.

    A match the user cannot see is reported without team, name or reason: need-to-know
    (``PossibleDuplicate.elsewhere``).
    """
    condition = Q()
    for data in members:
        if data.bsn:
            with suppress(ValidationError):  # an invalid BSN cannot match anyone
                # Every configured key's index: found also while rotate_blind_index runs.
                condition |= Q(bsn_index__in=blind_indexes(normalise_bsn(data.bsn)))
        condition |= Q(last_name__iexact=data.last_name.strip(), birth_date=data.birth_date)
    if not condition:
        return []
    matches = (
        Member.objects.filter(condition, household__municipality=municipality)
        .select_related("household__team")
        .order_by("household_id")
    )
    visible: HouseholdQuerySet = Household.objects.visible_to(actor)
    visible_ids = set(visible.values_list("pk", flat=True))
    found: dict[int, PossibleDuplicate] = {}
    for member in matches:
        if member.household_id in found:
            continue
        same_bsn = any(
            d.bsn and member.bsn_index and member.bsn_index in blind_indexes(d.bsn) for d in members
        )
        reason = _("same BSN") if same_bsn else _("same last name and date of birth")
        if member.household_id in visible_ids:
            found[member.household_id] = PossibleDuplicate(
                member.household, member.household.team.name, reason
            )
        else:
            found[member.household_id] = PossibleDuplicate(None, "", "")
    return list(found.values())


@retry_on_deadlock
@transaction.atomic
def household_register(
    *,
    actor: User,
    team: Team,
    intake: IntakeData,
    opened_on: datetime.date | None = None,
    duplicates_checked: bool = False,
) -> Household:
    """Intake: create the household with its members; the actor becomes coordinator.

    Without ``duplicates_checked`` a possible duplicate stops the intake, so the user sees
    it before a second file on the same family is made.
    """
    if not team_worker(actor, team):
        raise ValidationError(_("You can only register households for your own team."))
    errors: dict[str, str] = {}
    if not intake.name.strip():
        errors["name"] = _("Enter a name for the household.")
    address = intake.address
    area, address_errors = address_validate(
        address, municipality=team.municipality, require_route=False
    )
    errors.update(address_errors)
    if not intake.members:
        errors["members"] = _("A household has at least one member.")
    for index, data in enumerate(intake.members):
        errors.update(
            _validate_member(data, prefix="" if len(intake.members) == 1 else f"members.{index}.")
        )
    if errors:
        raise ValidationError(errors)
    if not duplicates_checked and household_find_duplicates(
        actor=actor, municipality=team.municipality, members=intake.members
    ):
        raise ValidationError(
            _(
                "There may already be a file on this household. "
                "Check the possible duplicates first."
            ),
            code="possible_duplicate",
        )
    household = Household.objects.create(
        municipality=team.municipality,
        team=team,
        district=area.district if area is not None else address.district,
        name=intake.name.strip(),
        has_fixed_address=address.has_fixed_address,
        street=address.street,
        house_number=address.house_number,
        house_number_addition=address.house_number_addition,
        postcode=address.postcode,
        city=address.city,
        postal_address=address.postal_address,
        opened_on=opened_on or timezone.localdate(),
    )
    members = [_create_member(household, data, household.opened_on) for data in intake.members]
    CoordinatorAssignment.objects.create(household=household, coordinator=actor)
    record_event(
        household=household,
        kind=EventKind.INTAKE,
        actor=actor,
        summary=Message(
            gettext_lazy(
                "Intake: household registered with %(count)d member(s); coordinator %(name)s."
            ),
            count=len(members),
            name=actor.get_full_name() or actor.username,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.CREATE,
        municipality=household.municipality,
        subjects=[m.pseudonym for m in members],
        object_type="households.household",
        object_id=household.pk,
    )
    return household


@retry_on_deadlock
@transaction.atomic
def intake_from_referral(
    *, actor: User, referral: Referral, intake: IntakeData, duplicates_checked: bool = False
) -> Household:
    """Accept a referral by registering the household in one go."""
    if referral.team is None:
        raise ValidationError(_("This referral has no team."))
    _decide(referral, actor)
    household = household_register(
        actor=actor, team=referral.team, intake=intake, duplicates_checked=duplicates_checked
    )
    referral_accept(actor=actor, referral=referral, household=household)
    return household


def require_open(household: Household) -> None:
    """Refuse a change to a closed household (call it under :func:`lock_household`)."""
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; reopen it before making changes."))


def require_unrestricted(member: Member) -> None:
    """Refuse to change or share the data of a person whose processing is restricted.

    AVG art. 18: while a restriction is in force (``processing_restrict``) the data are only
    stored. Rectification on the person's own request (:func:`member_rectify`) stays
    possible: it is often why the restriction was asked for.
    """
    if member.processing_restricted_at is not None:
        raise ValidationError(
            _(
                "The processing of %(name)s's data is restricted (AVG art. 18): their data "
                "cannot be changed or shared until the privacy officer lifts the restriction."
            )
            % {"name": member.full_name}
        )


def require_household_unrestricted(household: Household) -> None:
    """Refuse to share a household's data while one of its current members is restricted."""
    for member in household.members.current().filter(processing_restricted_at__isnull=False):
        require_unrestricted(member)


def address_param(place: Household) -> Message | str:
    """The address on one line as a message parameter: "no fixed address" in the reader's
    language, the address itself as written."""
    if place.has_fixed_address:
        return address_line(place)
    if place.postal_address:
        return Message(
            gettext_lazy("No fixed address; post: %(postal_address)s"),
            postal_address=place.postal_address,
        )
    return Message(gettext_lazy("No fixed address"))


@retry_on_deadlock
@transaction.atomic
def household_address_change(
    *, actor: User, household: Household, address: AddressData, note: str = ""
) -> Household:
    """Record a new address (or that there is none): the timeline keeps the old one.

    A fixed address routes the household to the district of its postcode (the team stays:
    a change of team is a handover); without a fixed address the chosen district counts.
    """
    household = lock_household(household)
    require_open(household)
    if not team_worker(actor, household.team):
        raise ValidationError(_("Only the household's own team can change its address."))
    area, errors = address_validate(
        address, municipality=household.municipality, require_route=False
    )
    if len(note.strip()) > limits.SHORT_TEXT:
        errors["note"] = limits.too_long_message(limit=limits.SHORT_TEXT, length=len(note.strip()))
    if errors:
        raise ValidationError(errors)
    before = household.address
    before_param = address_param(household)
    district_before = household.district_id
    household.has_fixed_address = address.has_fixed_address
    household.street = address.street
    household.house_number = address.house_number
    household.house_number_addition = address.house_number_addition
    household.postcode = address.postcode
    household.city = address.city
    household.postal_address = address.postal_address
    household.district = area.district if area is not None else address.district
    after = address_line(household)
    if after == before and household.district_id == district_before:
        raise ValidationError(_("This is the address the household already has."))
    household.save(
        update_fields=[
            "has_fixed_address",
            "street",
            "house_number",
            "house_number_addition",
            "postcode",
            "city",
            "postal_address",
            "district",
        ]
    )
    summary = (
        Message(
            gettext_lazy("Address changed from “%(before)s” to “%(after)s”. %(note)s"),
            before=before_param,
            after=address_param(household),
            note=note.strip(),
        )
        if note.strip()
        else Message(
            gettext_lazy("Address changed from “%(before)s” to “%(after)s”."),
            before=before_param,
            after=address_param(household),
        )
    )
    record_event(household=household, kind=EventKind.ADDRESS, actor=actor, summary=summary)
    if household.district_id != district_before:
        cases_changed(household.municipality_id)  # the spiegel counts by district
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=household_subjects(household),
        object_type="households.household",
        object_id=household.pk,
    )
    return household


@retry_on_deadlock
@transaction.atomic
def member_add(
    *, actor: User, household: Household, data: MemberData, joined_on: datetime.date | None = None
) -> Member:
    household = lock_household(household)
    require_open(household)
    errors = _validate_member(data)
    joined = joined_on or timezone.localdate()
    if joined > timezone.localdate():
        errors["joined_on"] = _("The date someone joins cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if data.role == MemberRole.HEAD:
        _demote_head(household, actor)
    member = _create_member(household, data, joined)
    record_event(
        household=household,
        kind=EventKind.MEMBER_JOINED,
        actor=actor,
        summary=Message(
            gettext_lazy("%(name)s joined the household as %(role)s."),
            name=member.full_name,
            role=Label(MemberRole(member.role), lower=True),
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.CREATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member


def _demote_head(household: Household, actor: User) -> None:
    for head in household.members.current().filter(role=MemberRole.HEAD):
        head.role = MemberRole.OTHER_ADULT
        head.save(update_fields=["role"])
        record_event(
            household=household,
            kind=EventKind.MEMBER_CHANGED,
            actor=actor,
            summary=Message(
                gettext_lazy("%(name)s is no longer head of the household."), name=head.full_name
            ),
        )


@retry_on_deadlock
@transaction.atomic
def member_update(
    *,
    actor: User,
    member: Member,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    role: MemberRole,
    representation: str = "",
    representative: str = "",
    bsn: str = "",
    infix: str = "",
) -> Member:
    """Change a member's details; an empty ``bsn`` keeps the stored one."""
    household = lock_household(member.household_id)
    require_open(household)
    require_unrestricted(Member.objects.get(pk=member.pk))
    data = MemberData(
        first_name, last_name, birth_date, role, bsn, representation, representative, infix
    )
    errors = _validate_member(data)
    if errors:
        raise ValidationError(errors)
    if role == MemberRole.HEAD and member.role != MemberRole.HEAD:
        _demote_head(household, actor)
        record_event(
            household=household,
            kind=EventKind.MEMBER_CHANGED,
            actor=actor,
            summary=Message(
                gettext_lazy("%(name)s is now head of the household."),
                name=join_name(first_name, infix, last_name),
            ),
        )
    member.first_name, member.last_name = data.first_name.strip(), data.last_name.strip()
    member.infix = data.infix.strip()
    member.birth_date, member.role = birth_date, role
    member.representation, member.representative = representation, representative.strip()
    if data.bsn:
        member.bsn_encrypted, member.bsn_index = encrypt(data.bsn), blind_index(data.bsn)
    member.save()
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member


@retry_on_deadlock
@transaction.atomic
def member_leave(*, actor: User, member: Member, left_on: datetime.date, note: str = "") -> Member:
    """Someone moves out: the member stays in the history with a leaving date."""
    household = lock_household(member.household_id)
    require_open(household)
    require_unrestricted(Member.objects.get(pk=member.pk))
    if member.left_on is not None:
        raise ValidationError(_("This person has already left the household."))
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("Someone cannot leave before they joined.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The leaving date cannot be in the future.")})
    if household.members.current().exclude(pk=member.pk).count() == 0:
        raise ValidationError(_("The last member cannot leave; close the household instead."))
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    record_event(
        household=household,
        kind=EventKind.MEMBER_LEFT,
        actor=actor,
        summary=(
            Message(
                gettext_lazy("%(name)s left the household. %(note)s"),
                name=member.full_name,
                note=note.strip(),
            )
            if note.strip()
            else Message(gettext_lazy("%(name)s left the household."), name=member.full_name)
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member


# --- coordinator ------------------------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def coordinator_handover(
    *, actor: User, household: Household, to: User, note: str
) -> CoordinatorAssignment:
    """Hand the household to another coordinator of the same team, with a note."""
    limits.check_length(note.strip(), limit=limits.SHORT_TEXT, field="note")
    household = lock_household(household)
    require_open(household)
    if not team_worker(to, household.team):
        raise ValidationError({"to": _("The new coordinator must work in the household's team.")})
    if not note.strip():
        raise ValidationError({"note": _("Write a short handover note for your colleague.")})
    now = timezone.now()
    current = (
        CoordinatorAssignment.objects.select_for_update(no_key=True)
        .filter(household=household, ended_at__isnull=True)
        .first()
    )
    if current is not None and current.coordinator_id == to.pk:
        raise ValidationError({"to": _("This person is already the coordinator.")})
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    try:
        with transaction.atomic():
            assignment = CoordinatorAssignment.objects.create(
                household=household, coordinator=to, started_at=now, handover_note=note.strip()
            )
    except IntegrityError:
        raise ValidationError(_("A household has exactly one active coordinator.")) from None
    record_event(
        household=household,
        kind=EventKind.COORDINATOR,
        actor=actor,
        summary=Message(
            gettext_lazy("Coordinator handed over to %(name)s: %(note)s"),
            name=to.get_full_name() or to.username,
            note=note.strip()[:200],
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=household_subjects(household),
        object_type="households.coordinatorassignment",
        object_id=assignment.pk,
    )
    return assignment


# --- involved professionals ----------------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def professional_add(
    *,
    actor: User,
    household: Household,
    person_name: str,
    role: str,
    since: datetime.date,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    contact: str = "",
    yearly_cost_cents: int | None = None,
) -> InvolvedProfessional:
    household = lock_household(household)
    require_open(household)
    errors: dict[str, str] = {}
    if organisation is None and not organisation_name.strip():
        errors["organisation"] = _("Choose an organisation or type its name.")
    if not person_name.strip():
        errors["person_name"] = _("Enter the name of the professional.")
    if not role.strip():
        errors["role"] = _("Enter the role of the professional.")
    if yearly_cost_cents is not None and yearly_cost_cents < 0:
        errors["yearly_cost_cents"] = _("A yearly cost cannot be negative.")
    if since > timezone.localdate():
        errors["since"] = _("The start date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    professional = InvolvedProfessional.objects.create(
        household=household,
        organisation=organisation,
        organisation_name=organisation_name.strip(),
        person_name=person_name.strip(),
        role=role.strip(),
        contact=contact.strip(),
        since=since,
        yearly_cost_cents=yearly_cost_cents,
    )
    record_event(
        household=household,
        kind=EventKind.PROFESSIONAL,
        actor=actor,
        summary=Message(
            gettext_lazy("%(name)s (%(organisation)s) is involved as %(role)s."),
            name=professional.person_name,
            organisation=professional.organisation_label,
            role=professional.role,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.CREATE,
        municipality=household.municipality,
        subjects=household_subjects(household),
        object_type="households.involvedprofessional",
        object_id=professional.pk,
    )
    return professional


@retry_on_deadlock
@transaction.atomic
def professional_end(
    *, actor: User, professional: InvolvedProfessional, until: datetime.date
) -> InvolvedProfessional:
    household = lock_household(professional.household_id)
    require_open(household)
    if until < professional.since:
        raise ValidationError({"until": _("The end date cannot be before the start date.")})
    professional.until = until
    professional.save(update_fields=["until"])
    record_event(
        household=household,
        kind=EventKind.PROFESSIONAL,
        actor=actor,
        summary=Message(
            gettext_lazy("%(name)s (%(organisation)s) is no longer involved."),
            name=professional.person_name,
            organisation=professional.organisation_label,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=household_subjects(household),
        object_type="households.involvedprofessional",
        object_id=professional.pk,
    )
    return professional


# --- consent -------------------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def consent_give(
    *,
    actor: User,
    household: Household,
    given_by: Member,
    purpose: ConsentPurpose,
    recipient: Organisation,
    method: ConsentMethod,
    given_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Consent:
    household = lock_household(household)
    require_open(household)
    given = given_on or timezone.localdate()
    errors: dict[str, str] = {}
    if given_by.household_id != household.pk or given_by.left_on is not None:
        errors["given_by"] = _("Consent is given by a current member of this household.")
    elif Member.objects.filter(pk=given_by.pk, processing_restricted_at__isnull=False).exists():
        errors["given_by"] = _(
            "The processing of this person's data is restricted (AVG art. 18); consent to "
            "share it cannot be recorded until the restriction is lifted."
        )
    elif given_by.age_on(given) < 16 and not given_by.representation:
        errors["given_by"] = _(
            "A child under 16 cannot give consent; ask a parent or representative."
        )
    if given > timezone.localdate():
        errors["given_on"] = _("The date of consent cannot be in the future.")
    if valid_until is not None and valid_until < given:
        errors["valid_until"] = _("The end date cannot be before the date of consent.")
    if recipient.municipality_id not in (None, household.municipality_id):
        errors["recipient"] = _("This organisation works in another municipality.")
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        household=household,
        given_by=given_by,
        purpose=purpose,
        recipient=recipient,
        method=method,
        given_on=given,
        valid_until=valid_until,
        recorded_by=actor,
    )
    record_event(
        household=household,
        kind=EventKind.CONSENT,
        actor=actor,
        summary=Message(
            gettext_lazy("%(name)s gave consent (%(method)s): %(purpose)s, with %(recipient)s."),
            name=given_by.full_name,
            method=Label(ConsentMethod(consent.method), lower=True),
            purpose=Label(ConsentPurpose(consent.purpose), lower=True),
            recipient=recipient.name,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.CREATE,
        municipality=household.municipality,
        subjects=[given_by.pseudonym],
        object_type="households.consent",
        object_id=consent.pk,
    )
    return consent


@retry_on_deadlock
@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, note: str = "") -> Consent:
    """Withdrawal takes effect now: nothing is shared on this consent from this moment."""
    limits.check_length(note.strip(), limit=limits.SHORT_TEXT, field="note")
    consent = Consent.objects.select_for_update(no_key=True).get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_note = note.strip()
    consent.save(update_fields=["withdrawn_at", "withdrawal_note"])
    record_event(
        household=consent.household,
        kind=EventKind.CONSENT,
        actor=actor,
        summary=Message(
            gettext_lazy("%(name)s withdrew consent: %(purpose)s, with %(recipient)s."),
            name=consent.given_by.full_name,
            purpose=Label(ConsentPurpose(consent.purpose), lower=True),
            recipient=consent.recipient.name,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=consent.household.municipality,
        subjects=[consent.given_by.pseudonym],
        object_type="households.consent",
        object_id=consent.pk,
    )
    return consent


# --- the rights of the data subject (AVG art. 16 and 18) -------------------------------------
#: What a rectification may change: the person's own details (not their place in the
#: household, which is case content the team keeps).
RECTIFIABLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "representation",
    "representative",
    "bsn",
)


def _require_privacy_officer(actor: User, member: Member) -> None:
    if not can_apply_data_subject_rights(actor, member):
        raise Refused


@retry_on_deadlock
@transaction.atomic
def member_rectify(
    *, actor: User, member: Member, changes: Mapping[str, Any], reason: str
) -> Member:
    """Rectificatie (AVG art. 16): correct a person's details on their request.

    ``changes`` maps names of :data:`RECTIFIABLE_FIELDS` to the corrected values (a
    ``bsn`` replaces the stored one). Also on a closed household and while processing is
    restricted: correcting is what the person asked for. Writes the timeline and the log.
    """
    _require_privacy_officer(actor, member)
    household = lock_household(member.household_id)
    member = Member.objects.select_for_update(no_key=True).get(pk=member.pk)
    unknown = sorted(set(changes) - set(RECTIFIABLE_FIELDS))
    if unknown:
        raise ValidationError(
            _("These details cannot be corrected here: %(fields)s.")
            % {"fields": ", ".join(unknown)}
        )
    limits.check_length(reason.strip(), limit=limits.SHORT_TEXT, field="reason")
    if not reason.strip():
        raise ValidationError({"reason": _("Say what was wrong and on what the correction rests.")})
    data = MemberData(
        first_name=str(changes.get("first_name", member.first_name)),
        last_name=str(changes.get("last_name", member.last_name)),
        birth_date=changes.get("birth_date", member.birth_date),
        role=MemberRole(member.role),
        bsn=str(changes.get("bsn", "") or ""),
        representation=str(changes.get("representation", member.representation)),
        representative=str(changes.get("representative", member.representative)),
    )
    errors = _validate_member(data)
    if errors:
        raise ValidationError(errors)
    before = (
        member.first_name,
        member.last_name,
        member.birth_date,
        member.representation,
        member.representative,
    )
    member.first_name, member.last_name = data.first_name.strip(), data.last_name.strip()
    member.birth_date = data.birth_date
    member.representation = data.representation or ""
    member.representative = data.representative.strip()
    new_bsn = bool(data.bsn) and blind_index(data.bsn) != member.bsn_index
    after = (
        member.first_name,
        member.last_name,
        member.birth_date,
        member.representation,
        member.representative,
    )
    if before == after and not new_bsn:
        raise ValidationError(_("Nothing was changed: enter the corrected details."))
    if new_bsn:
        member.bsn_encrypted, member.bsn_index = encrypt(data.bsn), blind_index(data.bsn)
    member.save()
    record_event(
        household=household,
        kind=EventKind.MEMBER_CHANGED,
        actor=actor,
        summary=Message(
            gettext_lazy("The details of %(name)s were corrected at their request (AVG art. 16)."),
            name=member.full_name,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member


@retry_on_deadlock
@transaction.atomic
def processing_restrict(*, actor: User, member: Member, reason: str) -> Member:
    """Beperking (AVG art. 18): from now on the person's data are stored, not changed or
    shared, until :func:`processing_restriction_lift`."""
    _require_privacy_officer(actor, member)
    household = lock_household(member.household_id)
    member = Member.objects.select_for_update(no_key=True).get(pk=member.pk)
    limits.check_length(reason.strip(), limit=limits.SHORT_TEXT, field="reason")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the restriction.")})
    if member.processing_restricted_at is not None:
        raise ValidationError(_("The processing of this person's data is already restricted."))
    member.processing_restricted_at = timezone.now()
    member.processing_restriction_reason = reason.strip()
    member.save(update_fields=["processing_restricted_at", "processing_restriction_reason"])
    record_event(
        household=household,
        kind=EventKind.MEMBER_CHANGED,
        actor=actor,
        summary=Message(
            gettext_lazy("The processing of the data of %(name)s is restricted (AVG art. 18)."),
            name=member.full_name,
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member


@retry_on_deadlock
@transaction.atomic
def processing_restriction_lift(*, actor: User, member: Member, reason: str) -> Member:
    """End the restriction: the team may change and share the person's data again."""
    _require_privacy_officer(actor, member)
    household = lock_household(member.household_id)
    member = Member.objects.select_for_update(no_key=True).get(pk=member.pk)
    limits.check_length(reason.strip(), limit=limits.SHORT_TEXT, field="reason")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for lifting the restriction.")})
    if member.processing_restricted_at is None:
        raise ValidationError(_("The processing of this person's data is not restricted."))
    member.processing_restricted_at = None
    member.processing_restriction_reason = ""
    member.save(update_fields=["processing_restricted_at", "processing_restriction_reason"])
    record_event(
        household=household,
        kind=EventKind.MEMBER_CHANGED,
        actor=actor,
        summary=Message(
            gettext_lazy("The restriction on the data of %(name)s was lifted: %(reason)s"),
            name=member.full_name,
            reason=reason.strip(),
        ),
    )
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        municipality=household.municipality,
        subjects=[member.pseudonym],
        object_type="households.member",
        object_id=member.pk,
    )
    return member
