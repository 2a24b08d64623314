"""The request id of the work in progress, for log records written deep in services."""

from __future__ import annotations

import contextvars

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def get_request_id() -> str:
    """Return the id of the current request, or an empty string outside a request."""
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token[str]:
    """Bind a request id to the current context; reset it with the returned token."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
