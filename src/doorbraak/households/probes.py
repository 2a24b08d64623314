"""The duplicate check at intake as a probe: recorded in the security log.

Registering a household with someone's last name and birth date (or BSN) tells the user
whether that person is known in the municipality. When the check finds a household the
user cannot see, the answer says only that a possible duplicate exists elsewhere, and the
attempt is recorded as a security event (stage ``duplicate_probe``, answer 409) with the
keyed hash of the last name searched for, never the name itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from doorbraak.households.services import MemberData, PossibleDuplicate
from doorbraak.lib.crypto import search_hash
from doorbraak.lib.refusals import refusal, report

#: What a user is told about a possible duplicate they may not see.
ELSEWHERE_ADVICE = _(
    "A possible duplicate exists outside your team. Contact your team lead or the privacy "
    "officer to find out whether it is the same household."
)


def report_duplicate_probe(
    request: Any, *, duplicates: Sequence[PossibleDuplicate], members: Sequence[MemberData]
) -> bool:
    """Record the probe when a duplicate lies outside the user's view; whether it did."""
    if not any(d.elsewhere for d in duplicates):
        return False
    searched = next((m.last_name for m in members if m.last_name.strip()), "")
    report(
        refusal(
            request,
            status=409,
            stage="duplicate_probe",
            object_type="household",
            search_hash=search_hash(searched) if searched else "",
        )
    )
    return True
