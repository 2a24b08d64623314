"""Encryption at rest, blind indexes and pseudonyms for personal data.

- ``encrypt``/``decrypt``: Fernet (AES-128-CBC + HMAC). Writing uses
  ``FIELD_ENCRYPTION_KEY``; reading also accepts ``FIELD_ENCRYPTION_OLD_KEYS``, so that
  values stay readable while ``manage.py rotate_field_encryption_key`` re-encrypts them.
- ``blind_index``: HMAC-SHA256 with a separate key, to find a BSN without storing it;
  ``blind_indexes`` adds the indexes under ``BLIND_INDEX_OLD_KEYS`` for look-ups while
  ``manage.py rotate_blind_index`` recomputes them.
- ``pseudonym``: a stable, keyed id for a person in the processing log and exports. Its
  key cannot rotate (docs/operations.md): the log is append-only.
- ``key_id``: a short keyed fingerprint that names a key without revealing it.
- ``search_hash``: a keyed hash of what someone searched for, so the logs can show that a
  search was for a given term without ever storing the term (``SEARCH_HASH_KEY``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "blind_index",
    "blind_indexes",
    "decrypt",
    "encrypt",
    "encrypted_with_current_key",
    "key_id",
    "pseudonym",
    "reencrypt",
    "search_hash",
]


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


def _field_keys() -> tuple[str, ...]:
    return (settings.FIELD_ENCRYPTION_KEY, *settings.FIELD_ENCRYPTION_OLD_KEYS)


def encrypt(value: str) -> str:
    """Encrypt with the current key (never with an old one)."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt with the current key or any old key; ``InvalidToken`` if none fits."""
    return _multi_fernet(_field_keys()).decrypt(token.encode()).decode()


def encrypted_with_current_key(token: str) -> bool:
    """Whether the token was written with the current key (its MAC checks out under it)."""
    try:
        _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value under the current key, keeping the token's timestamp.

    Raises ``InvalidToken`` when neither the current nor an old key can decrypt it."""
    return _multi_fernet(_field_keys()).rotate(token.encode()).decode()


def blind_index(value: str, *, key: str | None = None) -> str:
    """Deterministic keyed hash of a normalised value, for equality look-ups only."""
    secret = (key if key is not None else settings.BLIND_INDEX_KEY).encode()
    return hmac.new(secret, value.strip().encode(), hashlib.sha256).hexdigest()


def blind_indexes(value: str) -> list[str]:
    """The value's index under the current key, then under each old key.

    Look-ups match any of them, so a person is found while the indexes are being
    recomputed (``manage.py rotate_blind_index``)."""
    return [
        blind_index(value, key=key)
        for key in (settings.BLIND_INDEX_KEY, *settings.BLIND_INDEX_OLD_KEYS)
    ]


def pseudonym(kind: str, value: str | int) -> str:
    """A short keyed pseudonym such as ``p-3f9a…``: stable, not reversible without the key."""
    key = settings.PSEUDONYM_KEY.encode()
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}-{digest[:20]}"


def key_id(key: str) -> str:
    """A 16-hex-digit fingerprint of a key: equal for equal keys, useless to an attacker."""
    return hmac.new(key.encode(), b"doorbraak-key-id", hashlib.sha256).hexdigest()[:16]


_WHITESPACE = re.compile(r"\s+")


def normalise_search_term(term: str) -> str:
    """Lowercased, with runs of whitespace as one space and none at the ends."""
    return _WHITESPACE.sub(" ", term).strip().lower()


def search_hash(term: str) -> str:
    """HMAC-SHA256 (hex, 64 characters) of the normalised search term.

    ``"  Jansen\tde Vries"`` and ``"jansen de vries"`` give the same hash, so the privacy
    officer finds a search by typing the term again; the term itself is never stored.
    """
    key = settings.SEARCH_HASH_KEY.encode()
    return hmac.new(key, normalise_search_term(term).encode(), hashlib.sha256).hexdigest()
