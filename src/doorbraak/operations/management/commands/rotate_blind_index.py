"""``manage.py rotate_blind_index``: recompute every blind index with the current
``DOORBRAAK_BLIND_INDEX_KEY`` (docs/operations.md, "Rotating the keys")."""

from __future__ import annotations

from typing import Any

from doorbraak.operations import key_rotation
from doorbraak.operations.key_rotation import Progress
from doorbraak.operations.rotation_command import RotationCommand


class Command(RotationCommand):
    help = (
        "Recompute, in batches, every blind index (finding a member by BSN) from the "
        "decrypted value with DOORBRAAK_BLIND_INDEX_KEY. Look-ups accept the indexes of "
        "DOORBRAAK_BLIND_INDEX_OLD_KEYS meanwhile. Safe to interrupt and run again."
    )
    old_keys_variable = "DOORBRAAK_BLIND_INDEX_OLD_KEYS"
    verb = "re-indexed"

    def rotate(self, **options: Any) -> list[Progress]:
        return key_rotation.rotate_blind_indexes(**options)

    def remaining(self) -> dict[str, int]:
        return key_rotation.indexes_on_old_keys()
