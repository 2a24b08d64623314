"""The access overview (AVG art. 15) for one person: a plain data structure.

What is held about the person, from which source, for which purpose and on which legal
basis; to whom it was disclosed; and every processing of their data in the processing log
(per CJEU C-579/21, *Pankki S*: the dates and purposes of the consultations and who
consulted, by organisation and role; the employee's name only when the privacy officer
decides it is needed). The PDF (``privacy.pdf``) and the JSON answer render from
:func:`access_overview` and :func:`as_json`; nothing else decides what is in it.

Only the person's own data: the household they belong to (address, team) and what the team
recorded about the household as a whole, never the names or details of the other members.
A fixed number of queries whatever the size of the file; the consultations stop at
:data:`MAX_CONSULTATIONS` (newest first), and the overview says so.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Role
from doorbraak.assessments.models import Assessment
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Bottleneck, Breakthrough, Disclosure, PartnerRequest
from doorbraak.funds.models import FundRequest
from doorbraak.households.models import Consent, Member, Referral
from doorbraak.plans.models import Plan
from doorbraak.privacy.models import DataSubjectRequest

#: The newest consultations listed; older ones are summarised as a count.
MAX_CONSULTATIONS = 5_000


@dataclasses.dataclass(frozen=True)
class Category:
    """A kind of data held: what, from where, why and on which basis."""

    title: str
    source: str
    purpose: str
    legal_basis: str
    items: list[str]


@dataclasses.dataclass(frozen=True)
class Recipient:
    """An organisation the person's (household's) data were disclosed to."""

    organisation: str
    on: datetime.date
    what: str
    purpose: str
    legal_basis: str


@dataclasses.dataclass(frozen=True)
class Consultation:
    """One processing of the person's data, from the processing log."""

    at: datetime.datetime
    organisation: str
    role: str
    action: str
    purpose: str
    legal_basis: str
    employee: str | None


@dataclasses.dataclass(frozen=True)
class AccessOverview:
    title: str
    made_on: datetime.date
    municipality: str
    request_number: int
    received_on: datetime.date
    person: list[tuple[str, str]]
    categories: list[Category]
    recipients: list[Recipient]
    consultations: list[Consultation]
    consultations_left_out: int
    with_employee_names: bool
    rights: list[str]


def _date(value: datetime.date | None) -> str:
    return f"{value:%d-%m-%Y}" if value else "–"


def _euro(cents: int) -> str:
    return f"€ {number_format(cents / 100, decimal_pos=2, force_grouping=True)}"


def _role_label(code: str) -> str:
    if code in Role.values:
        return str(Role(code).label)
    return _("The system (an automatic task)") if code == "system" else code


def consultation_records(pseudonyms: Sequence[str]) -> QuerySet[ProcessingLog]:
    """Every processing-log record about these persons, newest first.

    The one selector of "who processed my data": the access overview reads it for one
    person, the household's own page (``residents``) for the member and the household as
    a whole. The index on (subject, time) serves it in order.
    """
    return ProcessingLog.objects.filter(subject_pseudonym__in=list(pseudonyms)).order_by(
        "-occurred_at", "-id"
    )


def consultation_of(record: ProcessingLog, *, names: bool = False) -> Consultation:
    """One record as a consultation: when, which organisation and role, what, why; the
    employee's name only with ``names``."""
    return Consultation(
        at=timezone.localtime(record.occurred_at),
        organisation=record.actor_organisation or _("The municipality"),
        role=_role_label(record.actor_role),
        action=str(ProcessingAction(record.action).label)
        if record.action in ProcessingAction.values
        else record.action,
        purpose=record.purpose,
        legal_basis=record.legal_basis,
        employee=record.actor_name if names else None,
    )


def access_overview(
    request: DataSubjectRequest, *, member: Member, with_employee_names: bool = False
) -> AccessOverview:
    """The overview of what is held about ``member`` and who processed it, in Dutch."""
    with translation.override("nl"):
        return _build(request, member, with_employee_names)


def _build(request: DataSubjectRequest, member: Member, names: bool) -> AccessOverview:
    household = member.household
    case = basis_of(ProcessingActivity.CASE_SUPPORT)
    partner = basis_of(ProcessingActivity.PARTNER_REQUEST)
    fund = basis_of(ProcessingActivity.FUND)
    team_source = _("Recorded by the neighbourhood team (%(team)s) in its work with you.") % {
        "team": household.team.name
    }

    person = [
        (_("Name"), member.full_name),
        (_("Date of birth"), _date(member.birth_date)),
        (_("Role in the household"), member.get_role_display()),
        (
            _("Citizen service number (BSN)"),
            _("Held, encrypted") if member.has_bsn else _("Not held"),
        ),
        (_("Part of the household since"), _date(member.joined_on)),
    ]
    if member.left_on:
        person.append((_("Left the household on"), _date(member.left_on)))
    if member.representation:
        person.append(
            (
                _("Legal representation"),
                f"{member.get_representation_display()}: {member.representative}",
            )
        )
    if member.processing_restricted_at:
        person.append(
            (
                _("Processing restricted since"),
                _date(timezone.localdate(member.processing_restricted_at)),
            )
        )

    categories = [
        Category(
            _("Your personal details"),
            _("Given by you or your representative at the intake, or by the referrer."),
            case.purpose,
            case.legal_basis,
            [f"{label}: {value}" for label, value in person],
        ),
        Category(
            _("Your household"),
            team_source,
            case.purpose,
            case.legal_basis,
            [
                _("Address: %(address)s") % {"address": household.address},
                _("Neighbourhood team: %(team)s") % {"team": household.team.name},
                _("Support since: %(date)s") % {"date": _date(household.opened_on)},
                _("Status: %(status)s") % {"status": household.get_status_display()},
            ]
            + (
                [_("Closed on: %(date)s") % {"date": _date(household.closed_on)}]
                if household.closed_on
                else []
            ),
        ),
    ]

    referrals = list(
        Referral.objects.filter(household=household)
        .select_related("source_organisation")
        .order_by("referred_at", "pk")
    )
    if referrals:
        categories.append(
            Category(
                _("Referrals"),
                _("The organisation that referred you to the neighbourhood team."),
                case.purpose,
                case.legal_basis,
                [
                    _("%(date)s: referred by %(organisation)s")
                    % {
                        "date": _date(timezone.localdate(r.referred_at)),
                        "organisation": r.source_organisation.name,
                    }
                    for r in referrals
                ],
            )
        )

    assessments = list(
        Assessment.objects.filter(
            Q(member=member) | Q(member__isnull=True), household=household
        ).order_by("assessed_on", "pk")
    )
    if assessments:
        categories.append(
            Category(
                _("Assessments of self-reliance"),
                team_source,
                case.purpose,
                case.legal_basis,
                [
                    _("%(date)s: %(kind)s, %(about)s, %(classification)s")
                    % {
                        "date": _date(a.assessed_on),
                        "kind": a.get_kind_display().lower(),
                        "about": _("about you") if a.member_id else _("about the household"),
                        "classification": a.get_classification_display().lower(),
                    }
                    for a in assessments
                ],
            )
        )

    plans = list(Plan.objects.filter(household=household).order_by("version"))
    if plans:
        categories.append(
            Category(
                _("Plans of the household"),
                _("Made by the neighbourhood team together with your household."),
                case.purpose,
                case.legal_basis,
                [
                    _("Version %(version)d: %(status)s%(agreed)s")
                    % {
                        "version": p.version,
                        "status": p.get_status_display().lower(),
                        "agreed": (
                            _(", agreed on %(date)s") % {"date": _date(p.agreed_on)}
                            if p.agreed_on
                            else ""
                        ),
                    }
                    for p in plans
                ],
            )
        )

    consents = list(
        Consent.objects.filter(given_by=member)
        .select_related("recipient")
        .order_by("given_on", "pk")
    )
    if consents:
        categories.append(
            Category(
                _("Your consents"),
                _("Given by you to the neighbourhood team."),
                partner.purpose,
                partner.legal_basis,
                [
                    _("%(date)s: %(purpose)s, with %(recipient)s%(withdrawn)s")
                    % {
                        "date": _date(c.given_on),
                        "purpose": c.get_purpose_display().lower(),
                        "recipient": c.recipient.name,
                        "withdrawn": (
                            _(" (withdrawn on %(date)s)")
                            % {"date": _date(timezone.localdate(c.withdrawn_at))}
                            if c.withdrawn_at
                            else ""
                        ),
                    }
                    for c in consents
                ],
            )
        )

    bottlenecks = list(Bottleneck.objects.filter(household=household).order_by("created_at", "pk"))
    breakthroughs = list(
        Breakthrough.objects.filter(household=household).order_by("created_at", "pk")
    )
    if bottlenecks or breakthroughs:
        categories.append(
            Category(
                _("Bottlenecks and breakthroughs"),
                team_source,
                partner.purpose,
                partner.legal_basis,
                [
                    _("%(date)s: bottleneck “%(title)s”")
                    % {
                        "date": _date(timezone.localdate(b.created_at)),
                        "title": b.title,
                    }
                    for b in bottlenecks
                ]
                + [
                    _("Breakthrough “%(title)s”: %(status)s")
                    % {
                        "title": b.title,
                        "status": b.get_status_display().lower(),
                    }
                    for b in breakthroughs
                ],
            )
        )

    fund_requests = list(
        FundRequest.objects.filter(household=household).select_related("fund").order_by("pk")
    )
    if fund_requests:
        categories.append(
            Category(
                _("Requests from the Voorkom Erger Potje"),
                team_source,
                fund.purpose,
                fund.legal_basis,
                [
                    _("%(fund)s: %(amount)s for %(purpose)s, %(status)s")
                    % {
                        "fund": f.fund.name,
                        "amount": _euro(f.amount_cents),
                        "purpose": f.get_purpose_display().lower(),
                        "status": f.get_status_display().lower(),
                    }
                    for f in fund_requests
                ],
            )
        )

    recipients = [
        Recipient(
            organisation=d.organisation.name,
            on=timezone.localdate(d.disclosed_at),
            what=_("The data of your household needed for a breakthrough"),
            purpose=d.get_purpose_display(),
            legal_basis=(
                _("%(basis)s; with your household's consent") % {"basis": d.legal_basis}
                if d.consent_id
                else _("%(basis)s; without consent, for the recorded reason")
                % {"basis": d.legal_basis}
            ),
        )
        for d in Disclosure.objects.filter(household=household)
        .select_related("organisation")
        .order_by("disclosed_at", "pk")
    ] + [
        Recipient(
            organisation=r.organisation.name,
            on=timezone.localdate(r.asked_at),
            what=_("A request to help find a solution (status: %(status)s)")
            % {"status": r.get_status_display().lower()},
            purpose=partner.purpose,
            legal_basis=partner.legal_basis,
        )
        for r in PartnerRequest.objects.filter(breakthrough__household=household)
        .select_related("organisation")
        .order_by("asked_at", "pk")
    ]
    recipients.sort(key=lambda r: (r.on, r.organisation))

    records = list(consultation_records([member.pseudonym])[: MAX_CONSULTATIONS + 1])
    left_out = 0
    if len(records) > MAX_CONSULTATIONS:
        records = records[:MAX_CONSULTATIONS]
        left_out = (
            ProcessingLog.objects.filter(
                subject_pseudonym=member.pseudonym, occurred_at__lte=records[-1].occurred_at
            )
            .exclude(pk__in=[r.pk for r in records])
            .count()
        )
    consultations = [consultation_of(r, names=names) for r in reversed(records)]

    return AccessOverview(
        title=_("Overview of your personal data"),
        made_on=timezone.localdate(),
        municipality=request.municipality.name,
        request_number=request.pk,
        received_on=request.received_on,
        person=person,
        categories=categories,
        recipients=recipients,
        consultations=consultations,
        consultations_left_out=left_out,
        with_employee_names=names,
        rights=[
            _("You may ask us to correct data that are wrong (rectification)."),
            _("You may ask us to restrict the use of your data for a while."),
            _("You may object to the processing, and ask us to erase your data."),
            _(
                "If you do not agree with how we handle your data, you may complain to the "
                "Autoriteit Persoonsgegevens."
            ),
        ],
    )


def as_json(overview: AccessOverview) -> dict[str, Any]:
    """The overview as JSON-ready data: Dutch keys and texts, ISO dates."""
    return {
        "titel": overview.title,
        "gemaakt_op": overview.made_on.isoformat(),
        "gemeente": overview.municipality,
        "verzoek": {
            "nummer": overview.request_number,
            "ontvangen_op": overview.received_on.isoformat(),
        },
        "persoon": [{"gegeven": label, "waarde": value} for label, value in overview.person],
        "gegevens": [
            {
                "onderwerp": c.title,
                "bron": c.source,
                "doel": c.purpose,
                "grondslag": c.legal_basis,
                "inhoud": c.items,
            }
            for c in overview.categories
        ],
        "ontvangers": [
            {
                "organisatie": r.organisation,
                "datum": r.on.isoformat(),
                "wat": r.what,
                "doel": r.purpose,
                "grondslag": r.legal_basis,
            }
            for r in overview.recipients
        ],
        "raadplegingen": [
            {
                "tijdstip": c.at.isoformat(),
                "organisatie": c.organisation,
                "rol": c.role,
                "handeling": c.action,
                "doel": c.purpose,
                "grondslag": c.legal_basis,
                **({"medewerker": c.employee} if overview.with_employee_names else {}),
            }
            for c in overview.consultations
        ],
        "raadplegingen_weggelaten": overview.consultations_left_out,
        "uw_rechten": overview.rights,
    }
