"""Writing to the processing log. The only way records come into existence.

Later apps call :func:`processing_log_record` from their services, inside the transaction
of the business change (so a failed log write rolls the change back), and
:func:`processing_log_read` from their selectors or views when personal data is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import translation

from doorbraak.accounts.models import Membership, Municipality, User
from doorbraak.accounts.selectors import AnyUser, primary_membership
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.chain import GENESIS_HASH, record_hash
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.lib.request_context import get_request_id

# Any arbitrary application-wide number; it names the advisory lock that serialises
# writers of the chain on PostgreSQL. SQLite serialises writers with BEGIN IMMEDIATE.
_CHAIN_LOCK_ID = 7_311_2024
_LOOKS_LIKE_BSN = re.compile(r"^\s*\d{8,9}\s*$")
SYSTEM_ROLE = "system"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


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

    with transaction.atomic():
        _lock_chain()
        previous = (
            ProcessingLog.objects.order_by("-id").values_list("record_hash", flat=True).first()
            or GENESIS_HASH
        )
        records: list[ProcessingLog] = []
        for subject in subject_list:
            record = ProcessingLog(
                actor=actor,
                actor_name=actor_name[:150],
                actor_role=membership.role if membership else SYSTEM_ROLE,
                actor_organisation=membership.organisation.name if membership else "",
                municipality=municipality,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                subject_pseudonym=subject,
                activity=activity,
                purpose=basis.purpose,
                legal_basis=basis.legal_basis,
                request_id=get_request_id(),
            )
            record.previous_hash = previous
            record.record_hash = record_hash(record, previous)
            previous = record.record_hash
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
