"""Writing to the processing log. The only way records come into existence.

Later apps call :func:`processing_log_record` from their services, inside the transaction
of the business change (so a failed log write rolls the change back), and
:func:`processing_log_read` from their selectors or views when personal data is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LogEntry:
    """One object shown or changed, and the persons it concerns (pseudonyms)."""

    object_type: str
    object_id: str | int = ""
    subjects: Sequence[str] = ()
    municipality: Municipality | None = None


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
    return processing_log_record_many(
        actor=actor,
        action=action,
        activity=activity,
        entries=[LogEntry(object_type, object_id, tuple(subjects), municipality)],
        membership=membership,
    )


def processing_log_record_many(
    *,
    actor: User | AnonymousUser | None,
    action: ProcessingAction,
    activity: ProcessingActivity,
    entries: Iterable[LogEntry],
    membership: Membership | None = None,
) -> list[ProcessingLog]:
    """The records of several objects at once (a page that shows many), in one INSERT.

    Each entry gets one record per data subject, at least one; an entry without a
    municipality takes the actor's.
    """
    if isinstance(actor, AnonymousUser):
        raise ValueError("Only an authenticated user or the system can process personal data.")
    if membership is None and actor is not None:
        membership = primary_membership(actor)
    basis = basis_of(activity)
    with translation.override("nl"):
        actor_name = (actor.get_full_name() or actor.get_username()) if actor else "Systeem"
    common: dict[str, object] = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": actor_name[:150],
        "actor_role": membership.role if membership else SYSTEM_ROLE,
        "actor_organisation": membership.organisation.name if membership else "",
        "action": action,
        "activity": activity,
        "purpose": basis.purpose,
        "legal_basis": basis.legal_basis,
        "request_id": get_request_id(),
    }
    default_municipality = membership.municipality if membership is not None else None
    records: list[ProcessingLog] = []
    for entry in entries:
        for subject in _unique(entry.subjects) or [""]:
            municipality = entry.municipality or default_municipality
            record = ProcessingLog(
                municipality_id=municipality.pk if municipality is not None else None,
                object_type=entry.object_type,
                object_id=str(entry.object_id),
                subject_pseudonym=subject,
                **common,
            )
            record.record_hash = record_mac(record)
            records.append(record)
    if records:
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
