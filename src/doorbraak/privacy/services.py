"""Handling data-subject requests: register, extend, act, decide.

Every function is one use case: keyword-only, one transaction, checks the privacy officer's
policy again, records a ``RequestStep`` and the processing log. Bad input raises a
``ValidationError`` with a Dutch message and changes nothing.

Locking (docs/locking.md): the request row first, then (through the households services)
the household; nothing locks a request after a household.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Municipality, Role, User
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.audit.models import ProcessingAction
from doorbraak.households import services as households
from doorbraak.households.models import Member
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Message
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.lib.text import shorten
from doorbraak.privacy import deadlines
from doorbraak.privacy.erasure import ERASURE_HANDLERS
from doorbraak.privacy.models import (
    DataSubjectRequest,
    Decision,
    RequestKind,
    RequestStatus,
    RequestStep,
)
from doorbraak.privacy.policies import can_handle_data_subject_requests
from doorbraak.privacy.processing import log_request


# --- helpers ----------------------------------------------------------------------------------
def _require_officer_of(actor: User, municipality_id: int) -> None:
    if not can_handle_data_subject_requests(actor) or municipality_id not in municipality_ids_of(
        actor, role=Role.PRIVACY_OFFICER
    ):
        raise Refused


def _lock(request: DataSubjectRequest, actor: User) -> DataSubjectRequest:
    """Re-read the request under its row lock; refuse a closed one."""
    _require_officer_of(actor, request.municipality_id)
    request = DataSubjectRequest.objects.select_for_update(no_key=True).get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(_("This request has already been decided."))
    return request


def _reason(value: str, message: str, field: str = "reason") -> str:
    value = value.strip()
    limits.check_length(value, limit=limits.SHORT_TEXT, field=field)
    if not value:
        raise ValidationError({field: message})
    return value


def _step(
    request: DataSubjectRequest, actor: User, summary: Message, note: str = ""
) -> RequestStep:
    """Record a step; the first step after registration puts the request in progress."""
    if request.status == RequestStatus.RECEIVED:
        request.status = RequestStatus.IN_PROGRESS
        request.save(update_fields=["status"])
    return _create_step(request, actor, summary, note)


def _create_step(
    request: DataSubjectRequest, actor: User, summary: Message, note: str = ""
) -> RequestStep:
    """The step stored untranslated with its parameters, and in Dutch (lib.messages)."""
    return RequestStep.objects.create(
        request=request,
        actor=actor,
        summary=shorten(summary.dutch(), 300),
        message=summary.msgid,
        params=summary.params,
        note=note,
    )


def _member_of(request: DataSubjectRequest) -> Member:
    if request.member_id is None:
        raise ValidationError(_("The person's data are no longer held."))
    return Member.objects.select_related("household").get(pk=request.member_id)


def _require_kind(request: DataSubjectRequest, *kinds: RequestKind) -> None:
    if request.kind not in kinds:
        raise ValidationError(
            _("This step does not belong to a request for %(kind)s.")
            % {"kind": request.get_kind_display().lower()}
        )


# --- registering and the deadline -------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def request_register(
    *,
    actor: User,
    municipality: Municipality,
    kind: RequestKind | str,
    member: Member,
    received_on: datetime.date,
    description: str = "",
) -> DataSubjectRequest:
    """Register a request of ``member``, received on ``received_on``, due one month later."""
    _require_officer_of(actor, municipality.pk)
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose the kind of request.")
    if member.household.municipality_id != municipality.pk:
        errors["member"] = _("This person is not known in %(municipality)s.") % {
            "municipality": municipality.name
        }
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("The date of receipt cannot be in the future.")
    elif received_on < today - datetime.timedelta(days=366):
        errors["received_on"] = _("Check the date of receipt: it is more than a year ago.")
    description = description.strip()
    limits.check_length(description, limit=limits.SHORT_TEXT, field="description")
    if errors:
        raise ValidationError(errors)
    request = DataSubjectRequest.objects.create(
        municipality=municipality,
        kind=kind,
        member=member,
        subject_pseudonym=member.pseudonym,
        received_on=received_on,
        deadline=deadlines.answer_deadline(received_on),
        description=description,
        registered_by=actor,
    )
    _create_step(
        request,
        actor,
        Message(
            gettext_lazy("Request registered; the answer is due on %(deadline)s."),
            deadline=request.deadline,
        ),
    )
    log_request(actor=actor, action=ProcessingAction.CREATE, request=request)
    return request


@retry_on_deadlock
@transaction.atomic
def request_extend(
    *, actor: User, request: DataSubjectRequest, months: int, reason: str
) -> DataSubjectRequest:
    """Extend the deadline once, by one or two further months, with the reason (art. 12(3))."""
    request = _lock(request, actor)
    if request.extended_at is not None:
        raise ValidationError(_("The deadline has already been extended once; it cannot be again."))
    if months not in range(1, deadlines.MAX_EXTENSION_MONTHS + 1):
        raise ValidationError({"months": _("Extend by one or two months.")})
    reason = _reason(reason, _("Give the reason for the extension; the person must be told why."))
    request.deadline = deadlines.extended_deadline(request.received_on, months)
    request.extended_at = timezone.now()
    request.extension_reason = reason
    request.save(update_fields=["deadline", "extended_at", "extension_reason"])
    _step(
        request,
        actor,
        Message(
            gettext_lazy("Deadline extended by %(months)d month(s), to %(deadline)s."),
            months=months,
            deadline=request.deadline,
        ),
        reason,
    )
    log_request(actor=actor, action=ProcessingAction.UPDATE, request=request)
    return request


# --- the steps per kind -----------------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def access_overview_record(
    *, actor: User, request: DataSubjectRequest, file_format: str, with_names: bool
) -> DataSubjectRequest:
    """Record that the access overview was made (as ``pdf`` or ``json``): a step, and an
    export in the processing log of the person."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.ACCESS)
    _member_of(request)
    summary = Message(
        gettext_lazy("Access overview made (%(format)s), with the names of employees.")
        if with_names
        else gettext_lazy("Access overview made (%(format)s), without the names of employees."),
        format=file_format.upper(),
    )
    _step(request, actor, summary)
    log_request(actor=actor, action=ProcessingAction.EXPORT, request=request)
    return request


@retry_on_deadlock
@transaction.atomic
def request_rectify(
    *, actor: User, request: DataSubjectRequest, changes: Mapping[str, Any], reason: str
) -> DataSubjectRequest:
    """Correct the person's details (``households.services.member_rectify``)."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RECTIFICATION)
    households.member_rectify(
        actor=actor, member=_member_of(request), changes=changes, reason=reason
    )
    _step(request, actor, Message(gettext_lazy("Details of the person corrected.")), reason.strip())
    log_request(actor=actor, action=ProcessingAction.UPDATE, request=request)
    return request


@retry_on_deadlock
@transaction.atomic
def request_restrict(
    *, actor: User, request: DataSubjectRequest, reason: str
) -> DataSubjectRequest:
    """Restrict the processing of the person's data (art. 18)."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RESTRICTION, RequestKind.OBJECTION)
    households.processing_restrict(actor=actor, member=_member_of(request), reason=reason)
    _step(request, actor, Message(gettext_lazy("Processing restricted.")), reason.strip())
    log_request(actor=actor, action=ProcessingAction.UPDATE, request=request)
    return request


@retry_on_deadlock
@transaction.atomic
def request_restriction_lift(
    *, actor: User, request: DataSubjectRequest, reason: str
) -> DataSubjectRequest:
    """Lift the restriction again."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RESTRICTION, RequestKind.OBJECTION)
    households.processing_restriction_lift(actor=actor, member=_member_of(request), reason=reason)
    _step(request, actor, Message(gettext_lazy("Restriction lifted.")), reason.strip())
    log_request(actor=actor, action=ProcessingAction.UPDATE, request=request)
    return request


# --- the decision -----------------------------------------------------------------------------
def carry_out_erasure(*, request: DataSubjectRequest, actor: User) -> None:
    """Erase the person's data for a granted erasure request, through the registered handlers.

    Every handler of ``privacy.erasure.ERASURE_HANDLERS`` is called as ``handler(member=...,
    actor=..., reason=..., reference=...)`` in the caller's transaction. Without a handler
    (no app that can erase is installed) a Dutch ``ValidationError`` is raised and nothing
    changes. Called by :func:`request_decide`; not a use case of its own.
    """
    if not ERASURE_HANDLERS:
        raise ValidationError(
            _("Erasure is not possible yet: there is no retention app to carry it out.")
        )
    member = _member_of(request)
    for handler in list(ERASURE_HANDLERS):
        handler(
            member=member,
            actor=actor,
            reason=request.decision_reason,
            reference=f"AVG-verzoek {request.pk}",
        )


@retry_on_deadlock
@transaction.atomic
def request_decide(
    *, actor: User, request: DataSubjectRequest, decision: Decision | str, reason: str
) -> DataSubjectRequest:
    """Decide the request with its reasons: granted (handled) or refused.

    Granting an erasure request erases the person's data (:func:`carry_out_erasure`) in the
    same transaction; when that is not possible, nothing is decided.
    """
    request = _lock(request, actor)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose whether the request is granted or refused.")})
    reason = _reason(reason, _("Give the reasons for the decision; the person will receive them."))
    granted = decision == Decision.GRANTED
    request.decision = decision
    request.decision_reason = reason
    request.status = RequestStatus.DONE if granted else RequestStatus.REFUSED
    request.handled_by = actor
    request.handled_at = timezone.now()
    if granted and request.kind == RequestKind.ERASURE:
        carry_out_erasure(request=request, actor=actor)
    request.save(
        update_fields=["decision", "decision_reason", "status", "handled_by", "handled_at"]
    )
    _create_step(
        request,
        actor,
        Message(gettext_lazy("Request granted.") if granted else gettext_lazy("Request refused.")),
        reason,
    )
    log_request(actor=actor, action=ProcessingAction.UPDATE, request=request)
    return request
