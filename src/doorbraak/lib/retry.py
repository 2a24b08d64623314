"""A safety net for transactions that PostgreSQL aborted to break a deadlock.

The cure for deadlocks is the lock order of ``docs/locking.md``: services lock their
parents first, in one order, so two services never wait for each other. This decorator
only catches what slips through: it runs the wrapped service again, in a fresh
transaction, when PostgreSQL reports ``deadlock detected`` (40P01) or a serialization
failure (40001). Each retry is logged as a warning (logger ``doorbraak.lib.retry``), so
a deadlock that the lock order should have prevented is still seen; the concurrency
tests fail on any such warning.

Inside an outer ``transaction.atomic`` block nothing is retried: the outer transaction is
already aborted, and only its owner can start it again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar, overload

from django.db import DEFAULT_DB_ALIAS, OperationalError, transaction

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)

#: SQLSTATEs worth one more try: deadlock_detected, serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable(error: BaseException) -> bool:
    """True for a deadlock or serialization failure reported by PostgreSQL."""
    cause = error.__cause__ if isinstance(error, OperationalError) else error
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


@overload
def retry_on_deadlock(func: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def retry_on_deadlock(
    *, attempts: int = 3, using: str = DEFAULT_DB_ALIAS
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def retry_on_deadlock(
    func: Callable[P, R] | None = None, /, *, attempts: int = 3, using: str = DEFAULT_DB_ALIAS
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Run ``func`` in its own transaction, again (up to ``attempts`` in all) on a deadlock.

    Use it above ``@transaction.atomic`` or on a function without one::

        @retry_on_deadlock
        @transaction.atomic
        def member_add(...): ...
    """

    def decorate(inner: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(inner)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if transaction.get_connection(using).in_atomic_block:
                return inner(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    with transaction.atomic(using=using):
                        return inner(*args, **kwargs)
                except OperationalError as error:
                    if attempt == attempts or not is_retryable(error):
                        raise
                    logger.warning(
                        "%s: %s; attempt %d of %d, retrying",
                        inner.__qualname__,
                        str(error).splitlines()[0] if str(error) else type(error).__name__,
                        attempt,
                        attempts,
                    )
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    if func is not None:
        return decorate(func)
    return decorate
