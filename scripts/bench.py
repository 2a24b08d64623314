"""`make bench`: response time and query count of the busiest pages on realistic data.

Builds a throw-away SQLite database in a temporary directory, loads the demo data
(about 200 households with members, assessments, plans and timelines), then requests
each page many times as the demo professional and reports median and 95th-percentile
time, peak memory of the process and the number of queries per request. Exits 1 when a
target is missed, so the figures are checked rather than admired.

Targets (a neighbourhood-team professional on an ordinary laptop):
- household list, first page and a search:  p95 < 250 ms, at most 20 queries
- household page (the biggest household):  p95 < 250 ms, at most 30 queries
- its assessments (charts) and plans:      p95 < 250 ms, at most 30 queries
- breakthrough list / busiest breakthrough: p95 < 250 ms, at most 20 / 40 queries
- the fullest meeting agenda (chair):      p95 < 250 ms, at most 60 queries (a log write per case)
- the busiest fund and its requests:       p95 < 250 ms, at most 30 / 20 queries
- its API twin:                            p95 < 250 ms
- peak resident memory of the process:     < 400 MB
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))


@dataclass
class Target:
    name: str
    p95_ms: float
    max_queries: int | None


@dataclass
class Result:
    target: Target
    median_ms: float
    p95_ms: float
    queries: int

    @property
    def ok(self) -> bool:
        within_queries = self.target.max_queries is None or self.queries <= self.target.max_queries
        return self.p95_ms <= self.target.p95_ms and within_queries


def _measure(target: Target, request: Callable[[], int]) -> Result:
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request()  # warm-up: template loading, first-query caches
    # Closing the connection at the end of the request would clear the query log before
    # it is read; keep it open for the one request whose queries are counted.
    request_finished.disconnect(close_old_connections)
    reset_queries()  # the log is a bounded deque, possibly full from loading the demo data
    try:
        with CaptureQueriesContext(connection) as captured:
            status = request()
    finally:
        request_finished.connect(close_old_connections)
    if status != 200:
        raise SystemExit(f"{target.name}: status {status}, expected 200")
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        request()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return Result(target, statistics.median(timings), p95, len(captured.captured_queries))


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="doorbraak-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorbraak.accounts.models import User
    from doorbraak.households.models import Household

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    print(f"Database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    print(f"Demo data loaded in {time.perf_counter() - started:.1f} s")

    def logged_in(username: str) -> tuple[User, Client]:
        person = User.objects.get(username=username)
        device = TOTPDevice.objects.get(user=person, confirmed=True)
        browser = Client()
        browser.force_login(person)
        session = browser.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return person, browser

    user, client = logged_in("professional")
    chair, chair_client = logged_in("voorzitter")
    _manager, manager_client = logged_in("budgethouder")

    visible = Household.objects.visible_to(user)
    biggest = (
        visible.annotate(size=Count("members", distinct=True) + Count("events", distinct=True))
        .order_by("-size")
        .first()
    )
    if biggest is None:
        raise SystemExit("the demo professional sees no households")
    print(f"Households visible to the demo professional: {visible.count()}")
    detail = f"/huishoudens/{biggest.public_id}/"
    from doorbraak.breakthroughs.models import Breakthrough

    busiest = (
        Breakthrough.objects.visible_to(user)
        .annotate(size=Count("scenario_lines", distinct=True) + Count("escalation_steps"))
        .order_by("-size")
        .first()
    )
    if busiest is None:
        raise SystemExit("the demo professional sees no breakthroughs")
    from doorbraak.tables.models import Meeting

    meeting = (
        Meeting.objects.visible_to(chair)
        .annotate(size=Count("items"))
        .order_by("-size", "-starts_at")
        .first()
    )
    if meeting is None:
        raise SystemExit("the demo chair sees no meetings")
    from doorbraak.funds.models import Fund

    fund = Fund.objects.annotate(size=Count("requests")).order_by("-size").first()
    if fund is None:
        raise SystemExit("the demo has no funds")
    from doorbraak.socialmap.models import Service

    service = Service.objects.annotate(used=Count("plan_actions")).order_by("-used").first()
    if service is None:
        raise SystemExit("the demo has no social map")
    results = [
        _measure(
            Target("social map search", 250, 20),
            lambda: client.get("/sociale-kaart/", {"q": "schuld"}).status_code,
        ),
        _measure(
            Target("social map service (most used)", 250, 20),
            lambda: client.get(f"/sociale-kaart/{service.pk}/").status_code,
        ),
        _measure(
            Target("household list", 250, 20),
            lambda: client.get("/huishoudens/").status_code,
        ),
        _measure(
            Target("household search", 250, 20),
            lambda: client.get("/huishoudens/", {"q": "straat"}).status_code,
        ),
        _measure(
            Target("household page (biggest)", 250, 30),
            lambda: client.get(detail).status_code,
        ),
        _measure(
            Target("assessments (biggest)", 250, 30),
            lambda: client.get(f"/zelfredzaamheid/huishouden/{biggest.public_id}/").status_code,
        ),
        _measure(
            Target("plans (biggest)", 250, 30),
            lambda: client.get(f"/plannen/huishouden/{biggest.public_id}/").status_code,
        ),
        _measure(
            Target("breakthrough list", 250, 20),
            lambda: client.get("/doorbraken/").status_code,
        ),
        _measure(
            Target("breakthrough page (busiest)", 250, 40),
            lambda: client.get(f"/doorbraken/{busiest.pk}/").status_code,
        ),
        _measure(
            Target("meeting agenda (fullest)", 250, 60),
            lambda: chair_client.get(f"/doorbraaktafels/overleg/{meeting.pk}/").status_code,
        ),
        _measure(
            Target("fund page (budget holder)", 250, 30),
            lambda: manager_client.get(f"/potje/{fund.pk}/").status_code,
        ),
        _measure(
            Target("fund requests (budget holder)", 250, 20),
            lambda: manager_client.get("/potje/aanvragen/").status_code,
        ),
        _measure(
            Target("household API (biggest)", 250, None),
            lambda: client.get(f"/api/v1/households/{biggest.public_id}").status_code,
        ),
    ]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'page':<28} {'median':>9} {'p95':>9} {'target':>9} {'queries':>8}  ok")
    for r in results:
        print(
            f"{r.target.name:<28} {r.median_ms:>7.1f}ms {r.p95_ms:>7.1f}ms "
            f"{r.target.p95_ms:>7.0f}ms {r.queries:>8}  {'yes' if r.ok else 'NO'}"
        )
    memory_ok = peak_mb < 400
    print(f"peak memory {peak_mb:.0f} MB (target < 400 MB)  {'yes' if memory_ok else 'NO'}")
    return 0 if all(r.ok for r in results) and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
