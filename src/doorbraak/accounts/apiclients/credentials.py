"""The secret of an API client: made at random, shown once, stored only as a hash.

A credential reads ``dbk_<key id>_<secret>``. The key id (not secret) finds the client with
one indexed lookup; the SHA-256 of the whole credential is what is stored and is compared
in constant time. A plain hash suffices: the secret has 256 random bits, so there is
nothing to guess (a password hash would only make every API call slow). Rotation makes a
new key id, so the old credential no longer finds the client.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "dbk"
KEY_ID_LENGTH = 16
_SHAPE = re.compile(rf"^{PREFIX}_([A-Za-z0-9]{{{KEY_ID_LENGTH}}})_[A-Za-z0-9_-]{{43}}$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class NewCredential:
    """A credential just made: ``secret`` goes to the administrator once, never stored."""

    key_id: str
    secret: str
    hashed: str


def digest(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def new_credential() -> NewCredential:
    key_id = "".join(secrets.choice(_ALPHABET) for _ in range(KEY_ID_LENGTH))
    secret = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    return NewCredential(key_id=key_id, secret=secret, hashed=digest(secret))


def key_id_of(credential: str) -> str | None:
    """The key id of a well-formed credential, else None (nothing to look up)."""
    match = _SHAPE.match(credential)
    return match.group(1) if match else None


def matches(credential: str, hashed: str) -> bool:
    """Whether ``credential`` is the one whose hash is stored, in constant time."""
    return hmac.compare_digest(digest(credential), hashed)
