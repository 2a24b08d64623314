"""The seam through which an approved erasure request is carried out.

The privacy app decides an erasure request (AVG art. 17) but does not itself know how to
remove a person's data from every app: the retention app does (``retention.services.
erase_member``), and it sits above or beside this app, so this app cannot import it. The
app that implements erasure registers a handler when the apps are ready::

    # retention/apps.py
    def ready(self) -> None:
        from doorbraak.privacy.erasure import register_erasure_handler  # cycle: ...
        from doorbraak.retention.services import erase_member
        register_erasure_handler(erase_member)

A handler is called as ``handler(member=..., actor=..., reason=..., reference=...)``
(keywords only), inside the transaction that records the decision: when it raises, the
decision is not recorded either. Without any handler registered, granting an erasure is
refused (``privacy.services.carry_out_erasure``) and nothing changes.
"""

from __future__ import annotations

from typing import Protocol

from doorbraak.accounts.models import User
from doorbraak.households.models import Member


class ErasureHandler(Protocol):
    """``handler(*, member, actor, reason, reference) -> None``: erase the person's data."""

    def __call__(self, *, member: Member, actor: User, reason: str, reference: str) -> object: ...


#: The registered handlers, called in order. Normally exactly one (the retention app's).
ERASURE_HANDLERS: list[ErasureHandler] = []


def register_erasure_handler(handler: ErasureHandler) -> None:
    """Register ``handler`` once (registering the same function again changes nothing)."""
    if handler not in ERASURE_HANDLERS:
        ERASURE_HANDLERS.append(handler)


def unregister_erasure_handler(handler: ErasureHandler) -> None:
    """Remove ``handler`` (for tests)."""
    if handler in ERASURE_HANDLERS:
        ERASURE_HANDLERS.remove(handler)
