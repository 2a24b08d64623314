"""Encryption at rest, blind indexes and pseudonyms for personal data.

- ``encrypt``/``decrypt``: Fernet (AES-128-CBC + HMAC) with ``FIELD_ENCRYPTION_KEY``.
- ``blind_index``: HMAC-SHA256 with a separate key, to find a BSN without storing it.
- ``pseudonym``: a stable, keyed id for a person in the processing log and exports.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed hash of a normalised value, for equality look-ups only."""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


def pseudonym(kind: str, value: str | int) -> str:
    """A short keyed pseudonym such as ``p-3f9a…``: stable, not reversible without the key."""
    key = settings.PSEUDONYM_KEY.encode()
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}-{digest[:20]}"
