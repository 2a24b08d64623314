"""``manage.py rotate_field_encryption_key``: re-encrypt every encrypted column with the
current ``DOORBRAAK_FIELD_ENCRYPTION_KEY`` (docs/operations.md, "Rotating the keys")."""

from __future__ import annotations

from typing import Any

from doorbraak.operations import key_rotation
from doorbraak.operations.key_rotation import Progress
from doorbraak.operations.rotation_command import RotationCommand


class Command(RotationCommand):
    help = (
        "Re-encrypt, in batches, every value written with a key of "
        "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS under DOORBRAAK_FIELD_ENCRYPTION_KEY. Safe to "
        "interrupt and run again; reports when the old keys can be removed."
    )
    old_keys_variable = "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS"
    verb = "re-encrypted"

    def rotate(self, **options: Any) -> list[Progress]:
        return key_rotation.rotate_field_encryption(**options)

    def remaining(self) -> dict[str, int]:
        return key_rotation.values_on_old_keys()
