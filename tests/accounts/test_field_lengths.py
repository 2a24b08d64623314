"""The demo data fits its columns: SQLite would store too long text that PostgreSQL refuses."""

from __future__ import annotations

from django.core.management import call_command

from tests.lengths import overlong_values


def test_the_demo_data_fits_every_column(db: None) -> None:
    call_command("seed_demo", "--quiet-logins", "--households", "12")
    assert overlong_values() == []
