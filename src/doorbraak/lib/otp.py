"""The second-factor state of a request's user, typed (OTPMiddleware adds it at run time)."""

from __future__ import annotations

from typing import Any


def is_verified(user: Any) -> bool:
    """True when the user passed the TOTP step in this session."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())
