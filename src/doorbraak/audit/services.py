"""Writing to the processing log. The only way records come into existence.

Later apps call :func:`processing_log_record` from their services, inside the transaction
of the business change (so a failed log write rolls the change back), and
:func:`processing_log_read` from their selectors or views when personal data is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, User
from doorbraak.accounts.selectors import AnyUser, primary_membership
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.chain import record_mac
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.lib.request_context import get_request_id

_LOOKS_LIKE_BSN = re.compile(r"^\s*\d{8,9}\s*$")
SYSTEM_ROLE = "system"


def _unique(subjects: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for subject in subjects:
        if _LOOKS_LIKE_BSN.match(subject):
            raise ValueError("A processing-log subject must be a pseudonym, never a BSN.")
        seen.setdefault(subject, None)
    return list(seen)


def processing_log_record(
    *,
    actor: User | AnonymousUser | None,
    action: ProcessingAction,
    activity: ProcessingActivity,
    object_type: str,
    object_id: str | int = "",
    subjects: Iterable[str] = (),
    municipality: Municipality | None = None,
    membership: Membership | None = None,
) -> list[ProcessingLog]:
    """Append one record per data subject (at least one) and return them.

    ``subjects`` are pseudonymous ids of the persons concerned. Without subjects one
    record is still written (for example a search that found nobody). Raises on failure;
    callers do not catch it, so the surrounding business change rolls back.

    All records go in with one INSERT (``bulk_create``) and take no lock: each carries the
    MAC of its own content, and the sealer chains committed records later
    (docs/adr/0001-processing-log-sealing.md).
    """
    if isinstance(actor, AnonymousUser):
        raise ValueError("Only an authenticated user or the system can process personal data.")
    if membership is None and actor is not None:
        membership = primary_membership(actor)
    if municipality is None and membership is not None:
        municipality = membership.municipality
    basis = basis_of(activity)
    with translation.override("nl"):
        actor_name = (actor.get_full_name() or actor.get_username()) if actor else "Systeem"
    subject_list = _unique(subjects) or [""]

    occurred_at = timezone.now()
    common: dict[str, object] = {
        "occurred_at": occurred_at,
        "actor": actor,
        "actor_name": actor_name[:150],
        "actor_role": membership.role if membership else SYSTEM_ROLE,
        "actor_organisation": membership.organisation.name if membership else "",
        "municipality": municipality,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "activity": activity,
        "purpose": basis.purpose,
        "legal_basis": basis.legal_basis,
        "request_id": get_request_id(),
    }
    records: list[ProcessingLog] = []
    for subject in subject_list:
        record = ProcessingLog(subject_pseudonym=subject, **common)
        record.record_hash = record_mac(record)
        records.append(record)
    ProcessingLog.objects.bulk_create(records)
    return records


def processing_log_read(
    *,
    actor: AnyUser,
    activity: ProcessingActivity,
    object_type: str,
    object_id: str | int = "",
    subjects: Iterable[str] = (),
    municipality: Municipality | None = None,
    action: ProcessingAction = ProcessingAction.READ,
) -> list[ProcessingLog]:
    """Record that personal data was shown (``READ``) or searched (``SEARCH``)."""
    return processing_log_record(
        actor=actor,
        action=action,
        activity=activity,
        object_type=object_type,
        object_id=object_id,
        subjects=subjects,
        municipality=municipality,
    )
