"""Rotating the field-encryption key and the blind-index key, in batches.

Models name their encrypted columns in ``ENCRYPTED_FIELDS`` and their blind indexes in
``BLIND_INDEXES`` (index column -> encrypted column); these functions find them on every
installed model, so a new encrypted column is rotated without touching this module.

Each batch is its own short transaction and changes a row only if it still holds the value
that was read (compare and swap), so the rotation runs beside the server, can be stopped at
any moment (``max_batches``, Ctrl-C, a crash) and run again: rows already under the current
key are skipped. Batches walk a table in primary-key order and lock nothing but the rows
they change (docs/locking.md); a deadlock retries the batch.

Re-encrypting is key maintenance, not a processing of a person's data: the value does not
change and nobody sees it, so no processing-log record is written; the run is logged as a
structured event with counts only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction

from doorbraak.lib.crypto import (
    InvalidToken,
    blind_index,
    decrypt,
    encrypted_with_current_key,
    reencrypt,
)
from doorbraak.lib.retry import retry_on_deadlock

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Column:
    """An encrypted column, or a blind-index column with the encrypted column it indexes."""

    model: type[models.Model]
    name: str
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


def encrypted_columns() -> list[Column]:
    return [
        Column(model, name)
        for model in apps.get_models()
        for name in getattr(model, "ENCRYPTED_FIELDS", ())
    ]


def blind_index_columns() -> list[Column]:
    return [
        Column(model, name, source)
        for model in apps.get_models()
        for name, source in getattr(model, "BLIND_INDEXES", {}).items()
    ]


@dataclass
class Progress:
    """What one run did to one column."""

    column: Column
    total: int = 0
    checked: int = 0
    changed: int = 0
    unreadable: list[int] = field(default_factory=list)
    finished: bool = False


@dataclass(frozen=True)
class _Batch:
    last_pk: Any
    checked: int
    changed: int
    unreadable: list[int]


class _Budget:
    def __init__(self, max_batches: int | None) -> None:
        self.left = max_batches

    def take(self) -> bool:
        if self.left is None:
            return True
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def _manager(column: Column) -> models.Manager[Any]:
    return column.model._base_manager


def _filled(column: Column) -> Any:
    source = column.source or column.name
    return _manager(column).exclude(**{source: ""})


@retry_on_deadlock
@transaction.atomic
def _encryption_batch(column: Column, *, after: Any, size: int, dry_run: bool) -> _Batch | None:
    rows = list(
        _filled(column).filter(pk__gt=after).order_by("pk").values_list("pk", column.name)[:size]
    )
    if not rows:
        return None
    changed = 0
    unreadable: list[int] = []
    for pk, token in rows:
        if encrypted_with_current_key(token):
            continue
        try:
            fresh = reencrypt(token)
        except InvalidToken:
            unreadable.append(pk)
            continue
        changed += 1
        if not dry_run:
            # Only if nobody changed it since it was read; a new value is already current.
            _manager(column).filter(pk=pk, **{column.name: token}).update(**{column.name: fresh})
    return _Batch(rows[-1][0], len(rows), changed, unreadable)


@retry_on_deadlock
@transaction.atomic
def _index_batch(column: Column, *, after: Any, size: int, dry_run: bool) -> _Batch | None:
    rows = list(
        _filled(column)
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", column.name, column.source)[:size]
    )
    if not rows:
        return None
    changed = 0
    unreadable: list[int] = []
    for pk, index, token in rows:
        try:
            fresh = blind_index(decrypt(token))
        except InvalidToken:
            unreadable.append(pk)
            continue
        if fresh == index:
            continue
        changed += 1
        if not dry_run:
            _manager(column).filter(pk=pk, **{column.name: index, column.source: token}).update(
                **{column.name: fresh}
            )
    return _Batch(rows[-1][0], len(rows), changed, unreadable)


BatchFunction = Callable[..., "_Batch | None"]


def _run(
    columns: list[Column],
    batch: BatchFunction,
    *,
    batch_size: int,
    dry_run: bool,
    max_batches: int | None,
    report: Callable[[Progress], None],
) -> list[Progress]:
    budget = _Budget(max_batches)
    results: list[Progress] = []
    for column in columns:
        progress = Progress(column, total=_filled(column).count())
        results.append(progress)
        after: Any = 0
        while budget.take():
            outcome = batch(column, after=after, size=batch_size, dry_run=dry_run)
            if outcome is None:
                progress.finished = True
                break
            after = outcome.last_pk
            progress.checked += outcome.checked
            progress.changed += outcome.changed
            progress.unreadable.extend(outcome.unreadable)
            report(progress)
    return results


def rotate_field_encryption(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    max_batches: int | None = None,
    report: Callable[[Progress], None] = lambda progress: None,
) -> list[Progress]:
    """Re-encrypt, with the current key, every value of every encrypted column that was
    written with an old key. With ``dry_run`` only count them."""
    results = _run(
        encrypted_columns(),
        _encryption_batch,
        batch_size=batch_size,
        dry_run=dry_run,
        max_batches=max_batches,
        report=report,
    )
    _log("field_encryption_key_rotated", results, dry_run)
    return results


def rotate_blind_indexes(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    max_batches: int | None = None,
    report: Callable[[Progress], None] = lambda progress: None,
) -> list[Progress]:
    """Recompute, with the current key, every blind index from its decrypted value.
    With ``dry_run`` only count the indexes that would change."""
    results = _run(
        blind_index_columns(),
        _index_batch,
        batch_size=batch_size,
        dry_run=dry_run,
        max_batches=max_batches,
        report=report,
    )
    _log("blind_index_key_rotated", results, dry_run)
    return results


def _log(event: str, results: list[Progress], dry_run: bool) -> None:
    logger.info(
        event,
        extra={
            "dry_run": dry_run,
            "columns": {
                p.column.label: {
                    "checked": p.checked,
                    "changed": p.changed,
                    "unreadable": len(p.unreadable),
                    "finished": p.finished,
                }
                for p in results
            },
        },
    )


def _rows(column: Column, *values: str) -> Iterator[tuple[Any, ...]]:
    return _filled(column).order_by("pk").values_list("pk", *values).iterator(chunk_size=2000)


def values_on_old_keys() -> dict[str, int]:
    """Per encrypted column, how many values are not (yet) under the current key.

    All zeros: ``DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS`` can be removed."""
    return {
        column.label: sum(
            1 for _pk, token in _rows(column, column.name) if not encrypted_with_current_key(token)
        )
        for column in encrypted_columns()
    }


def indexes_on_old_keys() -> dict[str, int]:
    """Per blind-index column, how many indexes differ from the current key's.

    All zeros: ``DOORBRAAK_BLIND_INDEX_OLD_KEYS`` can be removed."""
    counts: dict[str, int] = {}
    for column in blind_index_columns():
        stale = 0
        for _pk, index, token in _rows(column, column.name, column.source):
            try:
                stale += index != blind_index(decrypt(token))
            except InvalidToken:
                stale += 1
        counts[column.label] = stale
    return counts
