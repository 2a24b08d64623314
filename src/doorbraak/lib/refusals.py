"""Refused access, reported to the security log: who asked for which object, and was refused.

``doorbraak.lib.access`` reports every refusal it answers: a ``404`` from a scope check (the
``Lookup``'s selector did not find the object for this user) and a ``403`` from a policy
(the role check, ``allow=``), and an ``Http404`` or ``Refused`` the view itself raised
(stage ``view``: a scope check in the view's body or its selector, a service's refusal).
Nobody's data was processed, so it is not the processing log's business: the security log
records it (``doorbraak.audit``, ``SecurityEvent``).

``lib`` imports no app, so the audit app connects its writer here when the apps are ready
(``AuditConfig.ready``), as it does for ``accounts.processing``. Without a writer the
refusals are dropped (a project without the audit app still answers its 404s).

Recording never changes the answer: the writer's failures are logged (codes only) and
swallowed. Inside a request the refusals are kept until the view has answered and
:class:`RefusalMiddleware` writes them, outside any transaction the view ran in (a
rolled-back ``ATOMIC_REQUESTS`` transaction, or a view's own ``atomic`` block, does not take
the record with it). Outside the middleware (a test calling a view directly, a task) the
refusal is written at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doorbraak.lib.request_context import get_request_id

logger = logging.getLogger(__name__)

#: Where in the access checks the refusal came from; ``duplicate_probe`` is the intake's
#: duplicate check answering 409 for a household the user cannot see (a probe of who is
#: known where, recorded like a refusal).
Stage = Literal["role", "object", "relation", "view", "duplicate_probe"]


@dataclass(frozen=True)
class Refusal:
    """One refused access, as the access checks saw it: never any data of the object.

    ``object_id`` is the URL argument as the user gave it (the object may not exist);
    ``object_type`` the name of the view's ``Lookup`` (empty for a page without one).
    """

    user: Any
    status: int
    stage: Stage
    object_type: str
    object_id: str
    view_name: str
    method: str
    request_id: str
    occurred_at: datetime.datetime
    search_hash: str = ""  # doorbraak.lib.crypto.search_hash of what was searched, if anything


RefusalWriter = Callable[[Sequence[Refusal]], None]

_writer: list[RefusalWriter] = []  # the one connected writer
_pending: ContextVar[list[Refusal] | None] = ContextVar("pending_refusals", default=None)


def connect_writer(writer: RefusalWriter | None) -> None:
    """Called once by the audit app when the apps are ready (``None`` disconnects)."""
    _writer[:] = [writer] if writer is not None else []


def connected_writer() -> RefusalWriter | None:
    """The writer in use, for a test that puts its own in for a while."""
    return _writer[0] if _writer else None


def refusal(
    request: Any,
    *,
    status: int,
    stage: Stage,
    object_type: str = "",
    object_id: Any = None,
    view_name: str = "",
    search_hash: str = "",
) -> Refusal:
    """The refusal of ``request`` (a Django or REST framework request)."""
    match = getattr(request, "resolver_match", None)
    return Refusal(
        user=getattr(request, "user", None),
        status=status,
        stage=stage,
        object_type=object_type[:60],
        object_id="" if object_id is None else str(object_id)[:64],
        view_name=((match.view_name if match is not None else "") or view_name)[:150],
        method=str(getattr(request, "method", "") or "")[:10],
        request_id=get_request_id() or getattr(request, "request_id", ""),
        occurred_at=timezone.now(),
        search_hash=search_hash,
    )


def report(item: Refusal) -> None:
    """Record a refusal: after the response inside a request, at once outside one."""
    pending = _pending.get()
    if pending is not None:
        pending.append(item)
    else:
        write([item])


def write(items: Sequence[Refusal]) -> None:
    """Hand the refusals to the connected writer; a failure is logged, never raised."""
    if not items or not _writer:
        return
    try:
        _writer[0](items)
    except Exception:
        logger.exception("security_event_write_failed", extra={"refusals": len(items)})


class RefusalMiddleware:
    """Collect the request's refusals and write them once the view has answered.

    Sits right inside ``RequestIdMiddleware``: the records carry the request id, taken when
    the refusal happened.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        collected: list[Refusal] = []
        token = _pending.set(collected)
        try:
            return self.get_response(request)
        finally:
            _pending.reset(token)
            write(collected)
