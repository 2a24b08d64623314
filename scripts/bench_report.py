"""`make bench` (second part): the year report and the spiegel over 100k rows on PostgreSQL.

Creates a throw-away PostgreSQL database (``doorbraak_bench_report`` on the server of
``DOORBRAAK_BENCH_POSTGRES``, default postgres://postgres@127.0.0.1:5432), migrates it, bulk-
loads 100,000 bottlenecks and 100,000 valued outcomes (synthetic, spread over a year and
4 districts), then times what the background task does for the societal value report and
what the spiegel page computes. Exits 1 when a target is missed; skips (exit 0, said loudly)
when PostgreSQL is not reachable.

Targets: value report for a year < 20 s; spiegel for a year < 10 s; peak memory < 1 GB.
"""

from __future__ import annotations

import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SERVER = os.environ.get("DOORBRAAK_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
NAME = "doorbraak_bench_report"
ROWS = int(os.environ.get("BENCH_REPORT_ROWS", "100000"))


def _recreate_database() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
            conn.execute(f"CREATE DATABASE {NAME}")
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable ({error}); report benchmark skipped.")
        return False
    return True


def main() -> int:
    if not _recreate_database():
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from doorbraak.accounts.models import District, Municipality, Organisation, Team, User
    from doorbraak.breakthroughs.models import Bottleneck, BottleneckKind, Theme
    from doorbraak.catalogue.models import Payer
    from doorbraak.households.models import Household
    from doorbraak.insights.patterns import Period, build_spiegel
    from doorbraak.insights.report import build_value_report
    from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)  # noqa: S311 - synthetic benchmark data
    municipality = Municipality.objects.create(name="Benchstad", code="9998")
    districts = [
        District.objects.create(municipality=municipality, name=f"Wijk {n}") for n in range(4)
    ]
    organisation = Organisation.objects.create(
        name="Buurtteams Benchstad", kind="buurtteam", municipality=municipality
    )
    team = Team.objects.create(
        name="Buurtteam Bench", organisation=organisation, municipality=municipality
    )
    user = User.objects.create(username="bench")
    year_start = datetime.date(timezone.localdate().year - 1, 1, 1)
    households = Household.objects.bulk_create(
        Household(
            municipality=municipality,
            team=team,
            district=districts[n % 4],
            name=f"Huishouden {n}",
            house_number=n % 300 + 1,
            postcode="3552 AB",
            opened_on=year_start,
        )
        for n in range(5_000)
    )
    themes, kinds = list(Theme.values), list(BottleneckKind.values)
    for chunk in range(0, ROWS, 10_000):
        Bottleneck.objects.bulk_create(
            Bottleneck(
                household=households[rng.randrange(len(households))],
                title="Synthetisch knelpunt",
                description="-",
                theme=rng.choice(themes),
                kind=rng.choice(kinds),
                blocked_solution="-",
                created_by=user,
            )
            for _ in range(min(10_000, ROWS - chunk))
        )
    kinds_out = [k for k in OutcomeType.values if k != OutcomeType.OTHER]
    payers = list(Payer.values)
    for chunk in range(0, ROWS, 10_000):
        outcomes = Outcome.objects.bulk_create(
            Outcome(
                household=households[rng.randrange(len(households))],
                outcome_type=rng.choice(kinds_out),
                occurred_on=year_start + datetime.timedelta(days=rng.randrange(365)),
                evidence="-",
                value_cents=100_000,
                recorded_by=user,
            )
            for _ in range(min(10_000, ROWS - chunk))
        )
        OutcomeValue.objects.bulk_create(
            OutcomeValue(
                outcome=outcome,
                description="Synthetisch",
                payer=rng.choice(payers),
                unit_amount_cents=200_000,
                quantity=1,
                weight_pct=50,
                value_cents=100_000,
                low_cents=60_000,
                high_cents=160_000,
                source="Synthetische bron",
            )
            for outcome in outcomes
        )
    loaded = time.perf_counter() - started
    print(f"Loaded {ROWS:,} bottlenecks and {ROWS:,} outcomes in {loaded:.0f} s")
    period = Period(start=year_start, end=datetime.date(year_start.year, 12, 31))
    # Bottlenecks were created "now"; the spiegel looks at the year they were created in.
    today = timezone.localdate()
    spiegel_period = Period(start=datetime.date(today.year, 1, 1), end=today)

    started = time.perf_counter()
    report = build_value_report(municipality_ids=[municipality.pk], period=period, k=10)
    report_s = time.perf_counter() - started
    started = time.perf_counter()
    build_spiegel(municipality_ids=[municipality.pk], period=spiegel_period)
    spiegel_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcomes_counted = sum(row["count"] or 0 for row in report["outcomes"])
    print(f"year report: {report_s:.2f} s (target < 20 s) over {outcomes_counted:,} outcomes")
    print(f"spiegel:     {spiegel_s:.2f} s (target < 10 s)")
    print(f"peak memory: {peak_mb:.0f} MB (target < 1024 MB)")
    from django.db import connections

    connections.close_all()
    ok = report_s < 20 and spiegel_s < 10 and peak_mb < 1024
    print("report benchmark:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
