"""The processing log of bottlenecks, breakthroughs and partner requests: the one way the
app writes it.

Every record concerns one household: by default its current members, under support of a
household; a partner request or disclosure is processed under the partner-request
activity, the table's queue under the breakthrough-table activity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record, processing_log_record_many
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.households.models import Household
from doorbraak.households.processing import household_subjects


def log_household_case(
    *,
    actor: AnyUser | None,
    action: ProcessingAction,
    household: Household,
    object_type: str,
    object_id: int | str,
    activity: ProcessingActivity = ProcessingActivity.CASE_SUPPORT,
    subjects: Iterable[str] | None = None,
) -> None:
    """Record processing of the household's personal data (``subjects``: its current
    members unless named)."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=activity,
        object_type=object_type,
        object_id=object_id,
        subjects=household_subjects(household) if subjects is None else subjects,
        # The id: the record is the same, and the municipality need not be read with it.
        municipality=household.municipality_id,
    )


def log_table_queue(*, actor: AnyUser, breakthroughs: Sequence[Breakthrough]) -> None:
    """The chair read these cards of the table's queue: one record per household (its
    pseudonym: the cards are minimised), all in one statement."""
    if not breakthroughs:
        return
    processing_log_record_many(
        actor=actor,
        action=ProcessingAction.READ,
        activity=ProcessingActivity.BREAKTHROUGH_TABLE,
        entries=[
            LogEntry(
                object_type="breakthroughs.breakthrough",
                object_id=breakthrough.pk,
                subjects=[breakthrough.household.pseudonym],
                municipality=breakthrough.household.municipality_id,
            )
            for breakthrough in breakthroughs
        ],
    )
