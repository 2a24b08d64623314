"""The processing log of account changes: the one way the accounts app writes it.

Changing someone's account (a role, a second factor, the account itself) is processing of
their personal data: :func:`log_account_change` records it in the same transaction, under
the account-management activity, with the account's pseudonym as the subject.

The processing log (``doorbraak.audit``) builds on accounts: every record names the
actor's role and organisation. So accounts does not import it; the audit app connects
its writer here when the apps are ready (``AuditConfig.ready``), and
:func:`log_account_change` raises while none is connected, so no change goes unrecorded.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from doorbraak.accounts.models import Municipality, User
from doorbraak.accounts.selectors import AnyUser


class AccountChange(models.TextChoices):
    """What happened to the account; the values are the processing log's actions."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class AccountChangeWriter(Protocol):
    def __call__(
        self,
        *,
        actor: AnyUser | None,
        action: str,
        object_type: str,
        object_id: int | str,
        subject: str,
        municipality: Municipality | None,
    ) -> None: ...


_writer: list[AccountChangeWriter] = []  # the one connected writer


def connect_writer(writer: AccountChangeWriter) -> None:
    """Called once by the audit app when the apps are ready."""
    _writer[:] = [writer]


def user_pseudonym(user: User) -> str:
    """The processing-log subject id of an employee account."""
    return f"gebruiker-{user.pk}"


def log_account_change(
    *,
    actor: AnyUser | None,
    change: AccountChange,
    user: User,
    object_type: str = "accounts.user",
    object_id: int | str | None = None,
    municipality: Municipality | None = None,
) -> None:
    """Record a change to ``user``'s account (by default to the account itself)."""
    if not _writer:
        raise ImproperlyConfigured("No processing log is connected: install doorbraak.audit.")
    _writer[0](
        actor=actor,
        action=change.value,
        object_type=object_type,
        object_id=user.pk if object_id is None else object_id,
        subject=user_pseudonym(user),
        municipality=municipality,
    )
