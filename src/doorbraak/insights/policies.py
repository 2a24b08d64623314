"""Who may look in the spiegel and work on policy signals.

Policy analysts of a municipality see its aggregated figures and its signals. An analyst
with analyst memberships in several municipalities (regional rights) may compare them, on
aggregated figures only. Nobody else sees insights: not professionals, not privacy
officers, not partner contacts.
"""

from __future__ import annotations

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of
from doorbraak.insights.models import Signal


def analyst_municipality_ids(user: AnyUser) -> set[int]:
    """The municipalities where ``user`` is a policy analyst today."""
    if not user.is_authenticated:
        return set()
    return municipality_ids_of(user, role=Role.POLICY_ANALYST)


def _municipality_id(municipality: Municipality | int) -> int:
    return municipality if isinstance(municipality, int) else municipality.pk


def can_view_insights(user: AnyUser, municipality: Municipality | int | None = None) -> bool:
    """A policy analyst (of ``municipality``, when given)."""
    ids = analyst_municipality_ids(user)
    if municipality is None:
        return bool(ids)
    return _municipality_id(municipality) in ids


def can_compare_municipalities(user: AnyUser) -> bool:
    """Regional rights: a policy analyst in more than one municipality."""
    return len(analyst_municipality_ids(user)) > 1


def can_manage_signals(user: AnyUser, municipality: Municipality | int | None = None) -> bool:
    """Policy analysts propose, raise and close the signals of their municipality."""
    return can_view_insights(user, municipality)


def can_change_signal(user: AnyUser, signal: Signal) -> bool:
    """An analyst of the signal's municipality, while the signal is still open."""
    return signal.is_open and can_manage_signals(user, signal.municipality_id)


def can_export(user: AnyUser, municipality: Municipality) -> bool:
    """Only the municipality's own policy analysts may take data out for research."""
    if not user.is_authenticated:
        return False
    return municipality.pk in municipality_ids_of(user, role=Role.POLICY_ANALYST)
