"""seed_demo outside the demo: what it refuses. The seeded demo is checked in tests/demo/."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from doorbraak.accounts.models import User


def test_it_refuses_to_run_in_production(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--quiet-logins", "--households", "0")
    assert User.objects.count() == 0
