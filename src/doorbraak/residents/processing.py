"""The processing log of the residents' own page: the one way the app writes it.

A resident signing in, and a resident reading their own household's data, is processed
under *support of a household* (``CASE_SUPPORT``), one record for the member concerned.
"""

from __future__ import annotations

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
from doorbraak.households.models import Member


def log_resident(
    *, actor: User, action: ProcessingAction, object_type: str, member: Member
) -> None:
    """One record for the member, in the caller's transaction."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.CASE_SUPPORT,
        object_type=object_type,
        object_id=member.household.public_id.hex,
        subjects=[member.pseudonym],
        municipality=member.household.municipality_id,
    )
