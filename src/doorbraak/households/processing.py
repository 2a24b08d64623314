"""The processing log of a household's case: the one way the app writes it.

Everything the neighbourhood team does with a household's personal data is processed
under one activity of the register, support of a household (``CASE_SUPPORT``). The
households app writes its records through :func:`log_case_support`; the apps that work
on the same case (assessments, plans, outcomes) go through it too, each from its own
``processing.py``. :func:`household_subjects` names the persons a change concerns.
"""

from __future__ import annotations

from collections.abc import Iterable

from doorbraak.accounts.models import Municipality, User
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record, processing_log_record_many
from doorbraak.households.models import Household, person_pseudonym


def household_subjects(household: Household) -> list[str]:
    """Pseudonyms of the household's current members (the persons a change concerns), in
    the members' own order; the household's own pseudonym when it has none.

    Reads only the members' public ids (what ``Member.pseudonym`` is made of), not whole rows.
    """
    public_ids = household.members.current().values_list("public_id", flat=True)
    return [person_pseudonym(public_id) for public_id in public_ids] or [household.pseudonym]


def log_case_support(
    *,
    actor: User | AnyUser | None,
    action: ProcessingAction,
    object_type: str,
    object_id: int | str = "",
    subjects: Iterable[str],
    municipality: Municipality | int | None = None,
) -> None:
    """One record per person in ``subjects`` (at least one), in the caller's transaction."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.CASE_SUPPORT,
        object_type=object_type,
        object_id=object_id,
        subjects=subjects,
        municipality=municipality,
    )


def log_case_reads(
    *, actor: User | AnyUser, action: ProcessingAction, entries: Iterable[LogEntry]
) -> None:
    """The records of several lists shown on one page (households, referrals), one per
    person of each entry, in one INSERT."""
    processing_log_record_many(
        actor=actor, action=action, activity=ProcessingActivity.CASE_SUPPORT, entries=entries
    )
