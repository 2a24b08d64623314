"""Partner requests, disclosure to partner organisations and time-outs (escalation level 2).

Nothing about a household leaves the team without a disclosure record: consent of the
household for the purpose and recipient, or a team lead's recorded reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Organisation, User
from doorbraak.accounts.selectors import contact_persons
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs import policies
from doorbraak.breakthroughs.models import (
    CONSENT_LEGAL_BASIS,
    Breakthrough,
    BreakthroughStatus,
    DecisionOutcome,
    Disclosure,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.breakthroughs.processing import log_household_case
from doorbraak.breakthroughs.selectors import sharing_allowed
from doorbraak.breakthroughs.services.core import (
    coordinator_email,
    lock_breakthrough,
    open_escalation_step,
    record_decision,
    require_team,
    required_text,
)
from doorbraak.households.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    EventKind,
    Household,
    Member,
)
from doorbraak.households.services import (
    consent_give,
    record_event,
    require_household_unrestricted,
)
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Label, Message
from doorbraak.lib.notifications import notify
from doorbraak.lib.workdays import add_working_days


# --- partner requests and disclosure ----------------------------------------------------------
def active_consent(
    *, household: Household, organisation: Organisation, purpose: str
) -> Consent | None:
    """The consent in force today for this purpose and recipient, if any."""
    now = timezone.now()
    today = timezone.localdate(now)
    return (
        Consent.objects.filter(
            household=household, recipient=organisation, purpose=purpose, given_on__lte=today
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=now))
        .order_by("-given_on", "-pk")
        .first()
    )


def sharing_legal_basis(legal_basis: str, *, has_consent: bool) -> str:
    """The legal basis to record: the consent when it holds and nothing else is named.

    Without consent in force, the consent is never the basis: another one must be named.
    """
    legal_basis = legal_basis.strip()
    if has_consent:
        return legal_basis or CONSENT_LEGAL_BASIS
    if not legal_basis or legal_basis == CONSENT_LEGAL_BASIS:
        raise ValidationError(
            {
                "legal_basis": _(
                    "The household has not consented, so consent cannot be the legal basis. "
                    "Name the legal basis that does hold."
                )
            }
        )
    return legal_basis


def require_contact_person(
    *, actor: User, breakthrough: Breakthrough, organisation: Organisation
) -> None:
    """Refuse a request nobody would read: the organisation has no fixed contact person here."""
    if not (
        contact_persons(user=actor, organisation=organisation)
        .filter(municipality_id=breakthrough.household.municipality_id)
        .exists()
    ):
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _(
                        "%(organisation)s has no fixed contact person in Doorbraak, so nobody "
                        "would answer this request. Choose another organisation, or take the "
                        "breakthrough straight to the breakthrough table."
                    )
                    % {"organisation": organisation.name},
                    code="no_contact_person",
                )
            }
        )


def disclosure_record(
    *,
    actor: User,
    breakthrough: Breakthrough,
    organisation: Organisation,
    purpose: str,
    legal_basis: str,
    override_reason: str = "",
) -> Disclosure:
    """Make the household's data available to ``organisation``; consent or a recorded override.

    Call inside the transaction of the step that shares (a request, a time-out).
    """
    household = breakthrough.household
    require_household_unrestricted(household)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of sharing.")})
    consent = active_consent(household=household, organisation=organisation, purpose=purpose)
    legal_basis = sharing_legal_basis(legal_basis, has_consent=consent is not None)
    override_reason = override_reason.strip()
    if consent is None:
        if not override_reason:
            raise ValidationError(
                {
                    "organisation": _(
                        "The household has not given consent to share with %(organisation)s "
                        "for this purpose. Record the household's consent first; only a team "
                        "lead may share without it, with a reason."
                    )
                    % {"organisation": organisation.name}
                }
            )
        if not policies.can_override_consent(actor, breakthrough):
            raise ValidationError(
                {"override_reason": _("Only a team lead may share without consent.")}
            )
    disclosure = Disclosure.objects.create(
        household=household,
        breakthrough=breakthrough,
        organisation=organisation,
        purpose=purpose,
        legal_basis=legal_basis[:300],
        consent=consent,
        override_reason="" if consent is not None else override_reason,
        disclosed_by=actor,
        disclosed_at=timezone.now(),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.EXPORT,
        household=household,
        object_type="breakthroughs.disclosure",
        object_id=disclosure.pk,
        activity=ProcessingActivity.PARTNER_REQUEST,
    )
    return disclosure


@transaction.atomic
def partner_request_send(
    *,
    actor: User,
    breakthrough: Breakthrough,
    organisation: Organisation,
    question: str,
    legal_basis: str,
    override_reason: str = "",
    consent_given_by: Member | None = None,
    consent_method: str = "",
) -> PartnerRequest:
    """Ask a partner organisation's fixed contact persons to decide (escalation level 2).

    Everything is checked before anything is written: the organisation must have a fixed
    contact person, and the household's consent must be in force, be given now
    (``consent_given_by``: recorded through ``households.services.consent_give`` in the
    same transaction), or a team lead shares without it with a reason.
    """
    breakthrough = lock_breakthrough(breakthrough)
    require_team(actor, breakthrough)
    if not breakthrough.is_open:
        raise ValidationError(_("Submit the breakthrough before asking a partner organisation."))
    if breakthrough.level > EscalationLevel.PARTNER:
        raise ValidationError(
            _("This breakthrough is already past the partner level; it is decided higher up.")
        )
    if organisation.municipality_id not in (None, breakthrough.household.municipality_id):
        raise ValidationError({"organisation": _("Choose an organisation in your municipality.")})
    if breakthrough.partner_requests.filter(
        organisation=organisation,
        status__in=[RequestStatus.OPEN, RequestStatus.MORE_INFORMATION],
    ).exists():
        raise ValidationError(
            {"organisation": _("This organisation already has an open request for it.")}
        )
    errors: dict[str, str] = {}
    question = required_text(
        errors, "question", question, _("Write what you ask of the organisation.")
    )
    if errors:
        raise ValidationError(errors)
    require_contact_person(actor=actor, breakthrough=breakthrough, organisation=organisation)
    household = breakthrough.household
    purpose = ConsentPurpose.SHARE_WITH_PARTNER
    has_consent = (
        active_consent(household=household, organisation=organisation, purpose=purpose) is not None
    )
    if not has_consent and consent_given_by is None and not override_reason.strip():
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _(
                        "The household has not given consent to share with %(organisation)s. "
                        "Tick that the household gives consent now and say who gave it; only a "
                        "team lead may share without it, with a reason."
                    )
                    % {"organisation": organisation.name},
                    code="no_consent",
                )
            }
        )
    # The legal basis is checked before the consent is recorded: nothing is written on an error.
    sharing_legal_basis(legal_basis, has_consent=has_consent or consent_given_by is not None)
    if not has_consent and consent_given_by is not None:
        if consent_method not in ConsentMethod.values:
            raise ValidationError({"consent_method": _("Say how the consent was given.")})
        consent_give(
            actor=actor,
            household=household,
            given_by=consent_given_by,
            purpose=purpose,
            recipient=organisation,
            method=ConsentMethod(consent_method),
        )
    disclosure_record(
        actor=actor,
        breakthrough=breakthrough,
        organisation=organisation,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        legal_basis=legal_basis,
        override_reason=override_reason,
    )
    now = timezone.now()
    if breakthrough.level == EscalationLevel.OWN_MANDATE:
        open_escalation_step(
            breakthrough,
            level=EscalationLevel.PARTNER,
            reason=_("Request to %(organisation)s.") % {"organisation": organisation.name},
            by=actor,
            now=now,
        )
    request = PartnerRequest.objects.create(
        breakthrough=breakthrough,
        organisation=organisation,
        question=question,
        asked_by=actor,
        asked_at=now,
        deadline=breakthrough.level_deadline or add_working_days(timezone.localdate(now), 10),
    )
    record_event(
        household=breakthrough.household,
        kind=EventKind.ESCALATION,
        actor=actor,
        summary=Message(
            gettext_lazy("Request sent to %(organisation)s."), organisation=organisation.name
        ),
    )

    contacts = contact_persons(user=actor, organisation=organisation).filter(
        municipality=breakthrough.household.municipality
    )
    notify(
        [m.user.email for m in contacts],
        Message(gettext_lazy("Doorbraak: a request for your organisation")),
        Message(
            gettext_lazy(
                "A neighbourhood team asks your organisation to decide on a breakthrough for a "
                "household, before %(deadline)s. Open Doorbraak to read and answer it."
            ),
            deadline=request.deadline,
        ),
    )
    return request


def _locked_request(request: PartnerRequest) -> PartnerRequest:
    """Lock household, breakthrough, then the request (docs/locking.md), and re-read it."""
    lock_breakthrough(request.breakthrough)
    return (
        PartnerRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation", "breakthrough__household")
        .get(pk=request.pk)
    )


@transaction.atomic
def partner_request_answer(
    *, actor: User, request: PartnerRequest, status: str, answer: str
) -> PartnerRequest:
    """The contact person accepts, declines with a reason, or asks for more information.

    Accepting decides the breakthrough (approved, by that organisation, under the contact's
    mandate). Declining records the reason; the team escalates at once or the level's
    deadline takes the breakthrough to the breakthrough table.
    """
    request = _locked_request(request)
    membership = policies.partner_membership(actor, request)
    if membership is None:
        raise Refused
    if request.status not in (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION):
        raise ValidationError(_("This request has already been answered."))

    if not sharing_allowed(request):
        raise ValidationError(
            _(
                "The household's consent to share with your organisation is no longer in force, "
                "so this request cannot be answered. The neighbourhood team will take it up."
            )
        )
    allowed = (RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.MORE_INFORMATION)
    errors: dict[str, str] = {}
    if status not in allowed:
        errors["status"] = _("Choose accept, decline or more information needed.")
    answer = answer.strip()
    if status in (RequestStatus.DECLINED, RequestStatus.MORE_INFORMATION) and not answer:
        errors["answer"] = (
            _("Give the reason for declining.")
            if status == RequestStatus.DECLINED
            else _("Say which information you need.")
        )
    if errors:
        raise ValidationError(errors)
    breakthrough = lock_breakthrough(request.breakthrough)
    now = timezone.now()
    if status == RequestStatus.ACCEPTED and not breakthrough.is_open:
        raise ValidationError(_("The breakthrough has already been decided elsewhere."))
    request.status = status
    request.answer = answer
    request.answered_by = actor
    request.answered_at = now
    request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    organisation = request.organisation
    if status == RequestStatus.ACCEPTED:
        profile = getattr(membership, "contact_profile", None)
        mandate = (
            profile.mandate
            if profile is not None
            else _("Fixed contact person of %(organisation)s") % {"organisation": organisation.name}
        )
        record_decision(
            actor=actor,
            breakthrough=breakthrough,
            outcome=DecisionOutcome.APPROVED,
            organisation=organisation,
            mandate=mandate,
            reason=answer or _("Accepted by %(organisation)s.") % {"organisation": organisation},
            now=now,
        )
    elif status == RequestStatus.DECLINED:
        record_event(
            household=breakthrough.household,
            kind=EventKind.ESCALATION,
            actor=actor,
            summary=Message(
                gettext_lazy("%(organisation)s declined: %(reason)s"),
                organisation=organisation.name,
                reason=answer[:150],
            ),
        )
        # The breakthrough stays at the partner level: the team may ask another organisation
        # or escalate at once; otherwise the deadline takes it to the breakthrough table.
    else:
        record_event(
            household=breakthrough.household,
            kind=EventKind.ESCALATION,
            actor=actor,
            summary=Message(
                gettext_lazy("%(organisation)s asks for more information: %(question)s"),
                organisation=organisation.name,
                question=answer[:150],
            ),
        )
    notify(
        [request.asked_by.email, coordinator_email(breakthrough.household)],
        Message(gettext_lazy("Doorbraak: a partner organisation answered")),
        Message(
            gettext_lazy(
                "A partner organisation answered your request. Open Doorbraak to read the answer."
            )
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.partnerrequest",
        object_id=request.pk,
        activity=ProcessingActivity.PARTNER_REQUEST,
    )
    return request


@transaction.atomic
def partner_request_clarify(
    *, actor: User, request: PartnerRequest, information: str
) -> PartnerRequest:
    """Give the information the contact person asked for; the request is open again."""
    request = _locked_request(request)
    require_team(actor, request.breakthrough)
    if request.status != RequestStatus.MORE_INFORMATION:
        raise ValidationError(_("The organisation has not asked for more information."))
    information = information.strip()
    if not information:
        raise ValidationError({"information": _("Write the information that was asked for.")})
    limits.check_length(information, limit=limits.SHORT_TEXT, field="information")
    stamp = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    question = f"{request.question}\n\n[{stamp}] {information}"
    if len(question) > limits.LONG_TEXT:
        raise ValidationError(
            {
                "information": _(
                    "The request cannot hold more information: together with the question it "
                    "would be %(length)d characters, at most %(limit)d fit. Send a new request."
                )
                % {"length": len(question), "limit": limits.LONG_TEXT}
            }
        )
    request.question = question
    request.status = RequestStatus.OPEN
    request.save(update_fields=["question", "status"])
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=request.breakthrough.household,
        object_type="breakthroughs.partnerrequest",
        object_id=request.pk,
        activity=ProcessingActivity.PARTNER_REQUEST,
    )
    return request


# --- time-out ----------------------------------------------------------------------------------
@transaction.atomic
def time_out_request(
    *,
    actor: User,
    breakthrough: Breakthrough,
    organisation: Organisation,
    what: str,
    until: datetime.date,
    legal_basis: str,
    override_reason: str = "",
) -> TimeOut:
    """Ask an organisation to pause enforcement (collection, eviction) while it is decided."""
    breakthrough = lock_breakthrough(breakthrough)
    require_team(actor, breakthrough)
    if breakthrough.status not in (BreakthroughStatus.DRAFT, BreakthroughStatus.SUBMITTED):
        raise ValidationError(_("A time-out is for a breakthrough that is not decided yet."))
    errors: dict[str, str] = {}
    what = required_text(errors, "what", what, _("Say what should pause, e.g. the collection."))
    today = timezone.localdate()
    if until <= today:
        errors["until"] = _("The time-out ends in the future.")
    elif until > today + datetime.timedelta(days=366):
        errors["until"] = _("A time-out lasts at most a year.")
    if organisation.municipality_id not in (None, breakthrough.household.municipality_id):
        errors["organisation"] = _("Choose an organisation in your municipality.")
    if errors:
        raise ValidationError(errors)
    disclosure_record(
        actor=actor,
        breakthrough=breakthrough,
        organisation=organisation,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        legal_basis=legal_basis,
        override_reason=override_reason,
    )
    time_out = TimeOut.objects.create(
        breakthrough=breakthrough,
        organisation=organisation,
        what=what[:200],
        until=until,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    record_event(
        household=breakthrough.household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(
            gettext_lazy("Time-out requested from %(organisation)s until %(until)s: %(what)s"),
            organisation=organisation.name,
            until=until,
            what=what,
        ),
    )
    return time_out


@transaction.atomic
def time_out_answer(*, actor: User, time_out: TimeOut, granted: bool, answer: str) -> TimeOut:
    lock_breakthrough(time_out.breakthrough)  # household, breakthrough, then the time-out
    time_out = (
        TimeOut.objects.select_for_update(no_key=True, of=("self",))
        .select_related("breakthrough__household")
        .get(pk=time_out.pk)
    )
    if not policies.can_answer_time_out(actor, time_out):
        if time_out.status != TimeOutStatus.REQUESTED:
            raise ValidationError(_("This time-out has already been answered."))
        raise Refused
    answer = answer.strip()
    if not granted and not answer:
        raise ValidationError({"answer": _("Give the reason for refusing the time-out.")})
    time_out.status = TimeOutStatus.GRANTED if granted else TimeOutStatus.REFUSED
    time_out.answer = answer
    time_out.answered_by = actor
    time_out.answered_at = timezone.now()
    time_out.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record_event(
        household=time_out.breakthrough.household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(
            gettext_lazy("Time-out %(status)s by %(organisation)s."),
            status=Label(TimeOutStatus(time_out.status), lower=True),
            organisation=time_out.organisation.name,
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=time_out.breakthrough.household,
        object_type="breakthroughs.timeout",
        object_id=time_out.pk,
        activity=ProcessingActivity.PARTNER_REQUEST,
    )
    return time_out
