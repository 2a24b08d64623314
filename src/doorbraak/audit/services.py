"""Writing to the processing log. The only way records come into existence.

Later apps call :func:`processing_log_record` from their services, inside the transaction
of the business change (so a failed log write rolls the change back), and
:func:`processing_log_read` from their selectors or views when personal data is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, Role, User
from doorbraak.accounts.processing import user_pseudonym
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of, primary_membership
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.chain import CHAINED_FIELDS, record_mac
from doorbraak.audit.models import Alert, AlertSettings, ProcessingAction, ProcessingLog
from doorbraak.audit.policies import can_handle_alerts
from doorbraak.lib.access import Refused
from doorbraak.lib.replica import write_database
from doorbraak.lib.request_context import get_request_id
from doorbraak.lib.retry import retry_on_deadlock

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
    municipality: Municipality | int | None = None  # or its primary key


def processing_log_record(
    *,
    actor: User | AnonymousUser | None,
    action: ProcessingAction,
    activity: ProcessingActivity,
    object_type: str,
    object_id: str | int = "",
    subjects: Iterable[str] = (),
    municipality: Municipality | int | None = None,
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
    default_municipality = membership.municipality_id if membership is not None else None
    records: list[ProcessingLog] = []
    for entry in entries:
        for subject in _unique(entry.subjects) or [""]:
            municipality = entry.municipality or default_municipality
            record = ProcessingLog(
                municipality_id=(
                    municipality.pk if isinstance(municipality, Municipality) else municipality
                ),
                object_type=entry.object_type,
                object_id=str(entry.object_id),
                subject_pseudonym=subject,
                **common,
            )
            record.record_hash = record_mac(record)
            records.append(record)
    if records:
        _insert(records)
    return records


#: The columns a new record fills: its content, the (empty) legacy link and its MAC.
_COLUMNS = (*CHAINED_FIELDS, "previous_hash", "record_hash")


def _insert(records: list[ProcessingLog]) -> None:
    """Insert the records with one plain INSERT, values prepared as the fields prepare
    them: a page view writes dozens of records, and the ORM's ``bulk_create`` costs more
    in Python than the database does to store them. The records get their ids
    (``RETURNING``) and count as saved, so the model refuses to save them again.

    Values that all records share (time, actor, activity, …) are sent once. On PostgreSQL
    the others go as one array per column (``UNNEST``), so the statement has the same
    short text whatever the number of records; elsewhere as rows of ``VALUES``.
    """
    # Always the primary, also in a view that reads from the replica (doorbraak.lib.replica):
    # the raw cursor bypasses the router, so the choice is made here, explicitly.
    connection = connections[write_database()]
    fields = [cast("Field[Any, Any]", ProcessingLog._meta.get_field(name)) for name in _COLUMNS]
    first = records[0]
    varying = [
        f
        for f in fields
        if any(getattr(r, f.attname) != getattr(first, f.attname) for r in records)
    ]
    shared = [f for f in fields if f not in varying]
    quote = connection.ops.quote_name
    table = quote(ProcessingLog._meta.db_table)
    columns = ", ".join(quote(f.column) for f in shared + varying)
    shared_values = [f.get_db_prep_save(getattr(first, f.attname), connection) for f in shared]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and varying:
            arrays = [
                [f.get_db_prep_save(getattr(r, f.attname), connection) for r in records]
                for f in varying
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT "  # noqa: S608
                + ", ".join(
                    [f"%s::{f.db_type(connection)}" for f in shared]
                    + [f"u.c{i}" for i in range(len(varying))]
                )
                + " FROM UNNEST("
                + ", ".join(f"%s::{f.db_type(connection)}[]" for f in varying)
                + ") AS u("
                + ", ".join(f"c{i}" for i in range(len(varying)))
                + ") RETURNING id",
                [*shared_values, *arrays],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            ids = _insert_values(
                cursor, connection, records, fields, varying, shared_values, table, columns
            )
    for record, pk in zip(records, ids, strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = connection.alias


def _insert_values(
    cursor: Any,
    connection: BaseDatabaseWrapper,
    records: list[ProcessingLog],
    fields: list[Field[Any, Any]],
    varying: list[Field[Any, Any]],
    shared_values: list[Any],
    table: str,
    columns: str,
) -> list[int]:
    """The INSERT as rows of ``VALUES``, in batches as large as the database allows."""
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    max_params = connection.features.max_query_params or 30000
    batch_size = max(1, max_params // len(fields))
    # More than one statement: all of them or none.
    atomic = (
        transaction.atomic(using=connection.alias, savepoint=False)
        if len(records) > batch_size
        else nullcontext()
    )
    ids: list[int] = []
    with atomic:
        for start in range(0, len(records), batch_size):
            batch = records[start : start + batch_size]
            params: list[Any] = []
            for record in batch:
                params.extend(shared_values)
                params.extend(
                    f.get_db_prep_save(getattr(record, f.attname), connection) for f in varying
                )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([placeholder] * len(batch))} RETURNING id",
                params,
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def processing_log_read(
    *,
    actor: AnyUser,
    activity: ProcessingActivity,
    object_type: str,
    object_id: str | int = "",
    subjects: Iterable[str] = (),
    municipality: Municipality | int | None = None,
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


def record_account_change(
    *,
    actor: AnyUser | None,
    action: str,
    object_type: str,
    object_id: int | str,
    subject: str,
    municipality: Municipality | None,
) -> None:
    """The writer the accounts app records its changes through (account management).

    Accounts sits below this app, so it cannot call :func:`processing_log_record`;
    ``AuditConfig.ready`` connects this function to ``doorbraak.accounts.processing``.
    """
    processing_log_record(
        actor=actor,
        action=ProcessingAction(action),
        activity=ProcessingActivity.ACCOUNT_MANAGEMENT,
        object_type=object_type,
        object_id=object_id,
        subjects=[subject],
        municipality=municipality,
    )


# --- Alerts ----------------------------------------------------------------------------------


@retry_on_deadlock
@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """The privacy officer has looked at the alert: it leaves the open list (logged).

    Acknowledging twice changes nothing the second time."""
    if not can_handle_alerts(actor) or alert.municipality_id not in municipality_ids_of(
        actor, role=Role.PRIVACY_OFFICER
    ):
        raise Refused
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        return locked
    locked.acknowledged_by = actor
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    # The alert is about an employee: handling it is privacy supervision of that account.
    processing_log_record(
        actor=actor,
        action=ProcessingAction.UPDATE,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        object_type="audit.alert",
        object_id=locked.pk,
        subjects=[user_pseudonym(locked.actor)],
        municipality=locked.municipality_id,
    )
    return locked


@retry_on_deadlock
@transaction.atomic
def alert_settings_update(
    *, actor: User, municipality: Municipality, values: dict[str, Any]
) -> AlertSettings:
    """Change the alert thresholds of a municipality (a ``ValidationError`` changes nothing)."""
    if not can_handle_alerts(actor) or municipality.pk not in municipality_ids_of(
        actor, role=Role.PRIVACY_OFFICER
    ):
        raise Refused
    found = (
        AlertSettings.objects.select_for_update().filter(municipality_id=municipality.pk).first()
    )
    alert_settings = found if found is not None else AlertSettings(municipality=municipality)
    for name in ALERT_SETTING_FIELDS:
        if name in values:
            setattr(alert_settings, name, values[name])
    alert_settings.full_clean()
    alert_settings.save()
    processing_log_record(
        actor=actor,
        action=ProcessingAction.UPDATE,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        object_type="audit.alertsettings",
        object_id=alert_settings.pk,
        municipality=municipality,
    )
    return alert_settings


ALERT_SETTING_FIELDS = (
    "refusals_per_hour",
    "reads_factor",
    "reads_minimum",
    "office_start",
    "office_end",
    "office_weekdays",
)
