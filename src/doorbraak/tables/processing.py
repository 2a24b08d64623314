"""The processing log of the breakthrough tables: the one way the app writes it.

Everything a table does with a household's case is processed under the breakthrough-table
activity. A change to one case concerns the household's current members
(:func:`log_table_case`); an agenda or its minutes show many cases at once and go in one
INSERT (:func:`log_table_cases`, one :class:`LogEntry` per case).
"""

from __future__ import annotations

from collections.abc import Iterable

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record_many
from doorbraak.households.models import Household
from doorbraak.households.processing import household_subjects


def case_entry(
    household: Household, object_type: str, object_id: int, subjects: Iterable[str] | None = None
) -> LogEntry:
    """One case of a page or file: the household's current members unless named."""
    return LogEntry(
        object_type=object_type,
        object_id=object_id,
        subjects=tuple(household_subjects(household) if subjects is None else subjects),
        municipality=household.municipality,
    )


def log_table_cases(
    *, actor: AnyUser | None, action: ProcessingAction, entries: Iterable[LogEntry]
) -> None:
    """Record processing of these cases (nothing when there are none)."""
    entries = list(entries)
    if entries:
        processing_log_record_many(
            actor=actor,
            action=action,
            activity=ProcessingActivity.BREAKTHROUGH_TABLE,
            entries=entries,
        )


def log_table_case(
    *,
    actor: AnyUser | None,
    action: ProcessingAction,
    household: Household,
    object_type: str,
    object_id: int,
) -> None:
    """Record processing of one household's case."""
    log_table_cases(
        actor=actor, action=action, entries=[case_entry(household, object_type, object_id)]
    )
