"""Idempotency keys for commands that move money (approve, pay) through the API.

A client sends ``Idempotency-Key: <key>`` with a command. :func:`run_idempotent` runs the
command at most once per (user, key):

* the same key with the same body after the first call finished → the stored response;
* the same key while the first call is still running → 409 Conflict;
* the same key with another body (or for another endpoint) → 422 Unprocessable Content.

The key is *claimed* in its own short transaction before the command runs, so a concurrent
duplicate either waits on the unique index (PostgreSQL) or on the write lock (SQLite,
``BEGIN IMMEDIATE``) and then sees the claim. The command and the marking of the key as
done run in **one** transaction: a payment is never committed while its key still says "in
progress", so a replay always finds the committed result. If PostgreSQL breaks a deadlock
in that transaction, both run once more in a fresh one (``lib.retry``; not inside an outer
transaction). If the command raises, the claim is removed so that the client may retry with
the same key.

A claim carries a random token and the time it was made (``claimed_at``). A process that
dies mid-command leaves its claim in progress; once the claim is older than
``settings.IDEMPOTENCY_TAKEOVER_MINUTES`` the next request with the same key and body
*takes it over* with one conditional UPDATE (``… WHERE state = in_progress AND
claimed_at < cutoff AND claim_token = <seen>``): of several such requests exactly one wins,
the others answer 409. The command of a slow (not dead) first owner then fails to mark
the key done (its token no longer matches) and rolls back, so the command still takes
effect once. Commands are expected to take seconds, far less than the takeover time.

Keys that are done are purged after ``settings.IDEMPOTENCY_RETENTION_DAYS`` by
:func:`purge_idempotency_keys` (the task worker runs it daily); a client that replays a
key after that runs a new command, which the services refuse when it makes no sense twice
(a second approval by the same person, paying a paid request).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.lib.retry import retry_on_deadlock

if TYPE_CHECKING:
    from doorbraak.accounts.models import User


class KeyState(models.TextChoices):
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    DONE = "done", gettext_lazy("Done")


class IdempotencyKey(models.Model):
    """One command sent with an ``Idempotency-Key`` header, and the response it got."""

    key = models.CharField(gettext_lazy("key"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    endpoint = models.CharField(gettext_lazy("endpoint"), max_length=200)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(
        gettext_lazy("state"),
        max_length=12,
        choices=KeyState.choices,
        default=KeyState.IN_PROGRESS,
    )
    response_status = models.PositiveSmallIntegerField(
        gettext_lazy("response status"), null=True, blank=True
    )
    #: The stored response; it may hold personal data, so the admin never shows it.
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(
        gettext_lazy("claimed at"),
        default=timezone.now,
        help_text=gettext_lazy(
            "When the request now running took the key; a claim older than the takeover "
            "time is taken over by the next request with the same key."
        ),
    )
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    completed_at = models.DateTimeField(gettext_lazy("completed at"), null=True, blank=True)

    class Meta:
        app_label = "funds"
        verbose_name = gettext_lazy("idempotency key")
        verbose_name_plural = gettext_lazy("idempotency keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_per_user"),
            models.CheckConstraint(
                condition=Q(state="in_progress")
                | (Q(response_status__isnull=False) & Q(completed_at__isnull=False)),
                name="idempotencykey_done_has_result",
            ),
        ]
        indexes = [models.Index(fields=["state", "completed_at"], name="idempotencykey_purge")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


@dataclass(frozen=True)
class IdempotentResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


MAX_KEY_LENGTH = 255


class _ClaimLost(Exception):
    """Another request took the key over while this one ran its command."""


def request_hash(endpoint: str, body: Any) -> str:
    canonical = json.dumps({"endpoint": endpoint, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def takeover_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.IDEMPOTENCY_TAKEOVER_MINUTES)


def _problem(status: int, title: str) -> IdempotentResponse:
    return IdempotentResponse(status=status, body={"status": status, "title": title})


def _busy() -> IdempotentResponse:
    return _problem(409, _("This request is already being processed; try again."))


def _answer_existing(existing: IdempotencyKey | None, digest: str) -> IdempotentResponse:
    """What a request gets when the key is someone else's: replay, 409 or 422."""
    if existing is None:  # the first call failed and released the key meanwhile
        return _busy()
    if existing.request_hash != digest:
        return _problem(422, _("This Idempotency-Key was already used for a different request."))
    if existing.state != KeyState.DONE or existing.response_status is None:
        return _busy()
    return IdempotentResponse(
        status=existing.response_status, body=existing.response_body or {}, replayed=True
    )


def _claim(
    *, user: User, key: str, endpoint: str, digest: str, token: str
) -> int | IdempotentResponse:
    """Claim the key (a new row, or a stale claim taken over); else the answer to give."""
    now = timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                endpoint=endpoint,
                request_hash=digest,
                claimed_at=now,
                claim_token=token,
            )
        return record.pk
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if (
        existing is None
        or existing.request_hash != digest
        or existing.state != KeyState.IN_PROGRESS
        or existing.claimed_at >= now - takeover_after()
    ):
        return _answer_existing(existing, digest)
    # The owner has not finished within the takeover time: it died. Only one taker wins.
    with transaction.atomic():
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk,
            state=KeyState.IN_PROGRESS,
            claimed_at__lt=now - takeover_after(),
            claim_token=existing.claim_token,
        ).update(claimed_at=now, claim_token=token)
    if taken == 1:
        return existing.pk
    return _answer_existing(IdempotencyKey.objects.filter(pk=existing.pk).first(), digest)


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
    token = secrets.token_hex(16)
    claimed = _claim(user=user, key=key, endpoint=endpoint, digest=digest, token=token)
    if isinstance(claimed, IdempotentResponse):
        return claimed
    mine = IdempotencyKey.objects.filter(pk=claimed, state=KeyState.IN_PROGRESS, claim_token=token)

    @retry_on_deadlock  # a fresh transaction once more if PostgreSQL broke a deadlock
    @transaction.atomic
    def run_and_mark_done() -> tuple[int, dict[str, Any]]:
        status, response_body = fn()
        # Done in the command's own transaction: both commit, or neither does.
        marked = mine.update(
            state=KeyState.DONE,
            response_status=status,
            response_body=response_body,
            completed_at=timezone.now(),
        )
        if marked != 1:
            raise _ClaimLost
        return status, response_body

    try:
        status, response_body = run_and_mark_done()
    except _ClaimLost:
        return _answer_existing(IdempotencyKey.objects.filter(pk=claimed).first(), digest)
    except BaseException:
        mine.delete()
        raise
    return IdempotentResponse(status=status, body=response_body)


def purge_idempotency_keys(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys that were done more than ``IDEMPOTENCY_RETENTION_DAYS`` ago."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.IDEMPOTENCY_RETENTION_DAYS)
    deleted, _per_model = IdempotencyKey.objects.filter(
        state=KeyState.DONE, completed_at__lt=cutoff
    ).delete()
    return deleted
