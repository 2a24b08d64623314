"""Idempotency keys for commands that move money (approve, pay) through the API.

A client sends ``Idempotency-Key: <key>`` with a command. :func:`run_idempotent` runs the
command at most once per (user, key):

* the same key with the same body after the first call finished → the stored response;
* the same key while the first call is still running → 409 Conflict;
* the same key with another body (or for another endpoint) → 422 Unprocessable Content.

The key is claimed in its own short transaction *before* the command runs, so a
concurrent duplicate either waits on the unique index (PostgreSQL) or on the write lock
(SQLite, ``BEGIN IMMEDIATE``) and then sees the claim. If the command raises, the claim is
removed so that the client may retry with the same key. (A process that dies mid-command
leaves its claim in progress: that key then answers 409 until the row is removed.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from doorbraak.accounts.models import User


class KeyState(models.TextChoices):
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    DONE = "done", gettext_lazy("Done")


class IdempotencyKey(models.Model):
    """One command sent with an ``Idempotency-Key`` header, and the response it got."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=KeyState.choices, default=KeyState.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "funds"
        verbose_name = gettext_lazy("idempotency key")
        verbose_name_plural = gettext_lazy("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


@dataclass(frozen=True)
class IdempotentResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


MAX_KEY_LENGTH = 255


def request_hash(endpoint: str, body: Any) -> str:
    canonical = json.dumps({"endpoint": endpoint, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _problem(status: int, title: str) -> IdempotentResponse:
    return IdempotentResponse(status=status, body={"status": status, "title": title})


def run_idempotent(
    *,
    user: User,
    key: str,
    endpoint: str,
    body: Any,
    fn: Callable[[], tuple[int, dict[str, Any]]],
) -> IdempotentResponse:
    """Run ``fn`` (which returns ``(status, body)``) at most once for ``(user, key)``."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return _problem(400, _("The Idempotency-Key header must hold 1 to 255 characters."))
    digest = request_hash(endpoint, body)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, endpoint=endpoint, request_hash=digest
            )
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:  # the first call failed and released the key meanwhile
            return _problem(409, _("This request is already being processed; try again."))
        if existing.request_hash != digest:
            return _problem(
                422, _("This Idempotency-Key was already used for a different request.")
            )
        if existing.state != KeyState.DONE or existing.response_status is None:
            return _problem(409, _("This request is already being processed; try again."))
        return IdempotentResponse(
            status=existing.response_status,
            body=existing.response_body or {},
            replayed=True,
        )

    try:
        status, response_body = fn()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=KeyState.DONE, response_status=status, response_body=response_body
    )
    return IdempotentResponse(status=status, body=response_body)
