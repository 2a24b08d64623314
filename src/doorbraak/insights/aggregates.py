"""Small-cell suppression for every aggregate that leaves a page, PDF, CSV or the API.

A count smaller than ``k`` can point at one household ("the one family in district West
whose eviction was prevented"), so it is never shown: the cell becomes ``None`` and is
flagged. ``k`` is 10 for figures that leave the municipality and 5 for internal ones
(settings ``DOORBRAAK_K_EXTERNAL`` / ``DOORBRAAK_K_INTERNAL`` override the defaults).

The rules, in this order:

1. **Primary suppression**: every cell with ``0 < count < k`` is hidden. A zero is shown:
   it says nothing about a person, and hiding zeros would hide most of a sparse table.
2. **Secondary (complementary) suppression**: the totals of a table are published, so a
   group of cells with exactly *one* hidden cell would give it away
   (``hidden = total − the others``). In such a group the smallest other non-zero cell is
   hidden too (a zero only when there is no non-zero one). The groups are the whole table
   for plain keys; for tuple keys ``(row, column, …)`` every row, every column (and so on
   per position), because their marginal totals are what reports show. This repeats
   until no group has a single hidden cell.
3. The grand **total** is hidden when it is itself below ``k``.

This is deliberately simple (no optimal cell selection, no protection intervals); it is
safe for the one- and two-dimensional tables the reports use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.conf import settings
from django.utils.translation import gettext

K = TypeVar("K", bound=Hashable)

DEFAULT_K_EXTERNAL = 10
DEFAULT_K_INTERNAL = 5


def _setting_k(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, not {value!r}.")
    return value


def k_external() -> int:
    """Minimum cell size for figures that leave the municipality (reports, exports)."""
    return _setting_k("DOORBRAAK_K_EXTERNAL", DEFAULT_K_EXTERNAL)


def k_internal() -> int:
    """Minimum cell size for figures shown inside the municipality's own organisation."""
    return _setting_k("DOORBRAAK_K_INTERNAL", DEFAULT_K_INTERNAL)


def suppression_note(k: int) -> str:
    """The sentence every suppressed table carries, in the active language."""
    return gettext(
        "Numbers smaller than %(k)d are not shown (“< %(k)d”), so that no household can "
        "be recognised; where a hidden number could be worked out from a total, another "
        "number is hidden as well."
    ) % {"k": k}


@dataclass(frozen=True)
class SuppressedTable(Generic[K]):
    """A table of counts after suppression: ``cells[key]`` is the count or ``None``."""

    cells: dict[K, int | None]
    k: int
    primary: frozenset[K] = field(default_factory=frozenset)
    secondary: frozenset[K] = field(default_factory=frozenset)
    total: int | None = None

    @property
    def suppressed(self) -> frozenset[K]:
        return self.primary | self.secondary

    @property
    def note(self) -> str:
        return suppression_note(self.k)

    @property
    def any_suppressed(self) -> bool:
        return bool(self.primary or self.secondary) or self.total is None

    def is_suppressed(self, key: K) -> bool:
        return key in self.primary or key in self.secondary

    def __getitem__(self, key: K) -> int | None:
        return self.cells[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def items(self) -> Iterator[tuple[K, int | None]]:
        return iter(self.cells.items())


def _groups(keys: list[K]) -> list[list[K]]:
    """The sets of cells that add up to a published total (see the module docstring)."""
    if not keys:
        return []
    if not all(isinstance(key, tuple) for key in keys):
        return [keys]
    by_position: dict[tuple[int, Hashable], list[K]] = defaultdict(list)
    for key in keys:
        assert isinstance(key, tuple)
        for position, part in enumerate(key):
            by_position[(position, part)].append(key)
    groups = list(by_position.values())
    # A 1-tuple key has no marginals besides the whole table.
    return groups if any(len(key) > 1 for key in keys if isinstance(key, tuple)) else [keys]


def suppress(counts: Mapping[K, int], *, k: int) -> SuppressedTable[K]:
    """Hide the cells of ``counts`` that could identify a household (see module docstring)."""
    if k < 1:
        raise ValueError("k must be at least 1.")
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"A count cannot be negative ({key!r}: {count}).")
    keys = list(counts)
    primary = {key for key in keys if 0 < counts[key] < k}
    hidden = set(primary)
    secondary: set[K] = set()
    groups = _groups(keys)
    changed = bool(hidden)
    while changed:
        changed = False
        for group in groups:
            hidden_here = [key for key in group if key in hidden]
            if len(hidden_here) != 1:
                continue
            candidates = [key for key in group if key not in hidden]
            if not candidates:
                continue
            # Prefer a non-zero cell: hiding a zero next to a small cell protects less.
            candidates.sort(key=lambda key: (counts[key] == 0, counts[key], keys.index(key)))
            chosen = candidates[0]
            hidden.add(chosen)
            secondary.add(chosen)
            changed = True
    grand_total = sum(counts.values())
    return SuppressedTable(
        cells={key: (None if key in hidden else counts[key]) for key in keys},
        k=k,
        primary=frozenset(primary),
        secondary=frozenset(secondary),
        total=grand_total if grand_total == 0 or grand_total >= k else None,
    )
