"""The demo year has outcomes with valuations, and the spiegel proposes its signals."""

from __future__ import annotations

from django.core.management import call_command

from doorbraak.outcomes.models import Outcome


def test_the_demo_records_valued_outcomes_once(db: None) -> None:
    call_command("seed_demo", "--quiet-logins", "--households", "60")
    outcomes = Outcome.objects.all()
    assert outcomes.count() >= 10
    assert all(o.value_cents > 0 for o in outcomes)
    assert outcomes.filter(breakthrough__isnull=False).exists()
    assert {o.outcome_type for o in outcomes} >= {"huisuitzetting_voorkomen", "werk_gevonden"}
    count = outcomes.count()
    call_command("seed_demo", "--quiet-logins", "--households", "60")
    assert Outcome.objects.count() == count
