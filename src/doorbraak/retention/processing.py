"""The processing log of retention and destruction: the one way the app writes it.

Reviewing a destruction list and destroying a household are processings under the
privacy officer's activity (``PRIVACY_SUPERVISION``), recorded by pseudonym.
"""

from __future__ import annotations

from collections.abc import Iterable

from doorbraak.accounts.models import Municipality, User
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record


def log_retention(
    *,
    actor: User | AnyUser | None,
    action: ProcessingAction,
    object_type: str,
    object_id: int | str = "",
    subjects: Iterable[str],
    municipality: Municipality | int | None = None,
) -> None:
    """One record per pseudonym in ``subjects``, in the caller's transaction."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        object_type=object_type,
        object_id=object_id,
        subjects=subjects,
        municipality=municipality,
    )
