"""Writing the security log: the refusals ``doorbraak.lib.access`` reports.

``AuditConfig.ready`` connects :func:`record_refusals` to ``doorbraak.lib.refusals``; it
is called after the view has answered (``RefusalMiddleware``), outside the view's
transactions, and its failures are logged and swallowed there, so recording never changes
the answer. Each record names the account, its role and team (the primary membership, as
the processing log does), the kind of object and its id as given, never the object's data.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from doorbraak.accounts.selectors import primary_membership
from doorbraak.audit.models import SecurityEvent
from doorbraak.lib.refusals import Refusal
from doorbraak.lib.replica import write_database


def security_event_of(refusal: Refusal) -> SecurityEvent:
    """The record of one refusal (not saved)."""
    user = refusal.user
    authenticated = user is not None and user.is_authenticated
    membership = primary_membership(user) if authenticated else None
    return SecurityEvent(
        occurred_at=refusal.occurred_at,
        actor_id=user.pk if authenticated else None,
        actor_username=(user.get_username() if authenticated else "")[:150],
        actor_role=membership.role if membership is not None else "",
        actor_team=(
            membership.team.name[:150]
            if membership is not None and membership.team is not None
            else ""
        ),
        municipality_id=membership.municipality_id if membership is not None else None,
        outcome=refusal.status,
        stage=refusal.stage,
        object_type=refusal.object_type,
        object_id=refusal.object_id,
        view_name=refusal.view_name,
        method=refusal.method,
        request_id=refusal.request_id,
        search_hash=refusal.search_hash,
    )


def record_refusals(refusals: Sequence[Refusal]) -> None:
    """Append the refusals to the security log, on the primary, in one INSERT.

    In a transaction of its own, or a savepoint when one is open (a test's), so that a
    failed write rolls back only itself and leaves no transaction broken.
    """
    events = [security_event_of(refusal) for refusal in refusals]
    database = write_database()
    with transaction.atomic(using=database):
        SecurityEvent.objects.using(database).bulk_create(events)
