"""`make bench SCALE=1000000`: the main pages of every role at national scale, against the floor.

    .venv/bin/python scripts/bench_scale.py --persons 1000000          # seeds once, then reuses
    .venv/bin/python scripts/bench_scale.py --persons 20000 --repeat 10

Builds (once) a PostgreSQL database ``doorbraak_scale_<persons>`` with
``manage.py seed_scale --persons N`` and reuses it on the next run (``--fresh`` builds it
again). Then, in this process, with the production switches of the load test (debug off,
``scripts/loadtest/settings.py``, which adds the bare paginated view over the household
table, the *floor*), it requests every page below ``--repeat`` times as the demo user of
the role, after two warm-up requests, and reports p50, p95, the ratio of the p95 to the
floor's p95, and the queries of one request. The floor is measured with each list and
detail page, one floor request after each of the page's (page 100 against the floor's page
100), so a page and its floor share the same seconds: a floor measured once, at the start,
drifted by half between runs on the same quiet machine (12-20 ms) with the process's
warm-up and the database's caches. The floor's rows of its own come first, as before.
Before the first request the process does what each gunicorn worker does before its first
(``doorbraak.lib.startup.ready_to_serve``: every view imported, the loaded objects frozen
out of the garbage collector's passes); ``--no-freeze`` leaves that out, for comparison.

Targets (issue 20): every list and detail page p95 <= 2x the floor; the spiegel and the
reports p95 <= 300 ms. The exit status is 1 when a target is missed, so the table is a
check and not a brochure. The figures go to ``var/bench/scale-<persons>.json`` and the
table to standard output (Markdown, ready for a note). Queries per page constant in the
data size are checked by the tests (two sizes per page), not here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
BASE_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/doorbraak")
OUT = ROOT / "var" / "bench"
FLOOR = "floor"
PAGE_RATIO = 2.0
REPORT_MS = 300.0


@dataclass
class Page:
    name: str
    user: str  # demo username
    url: str | Callable[[], str]
    kind: str  # "page" (p95 <= 2x floor), "report" (p95 <= 300 ms) or "floor"


@dataclass
class Row:
    name: str
    kind: str
    status: int
    p50_ms: float
    p95_ms: float
    floor_p95_ms: float  # the floor's p95, its requests taking turns with the page's
    ratio: float
    queries: int
    target: str
    met: bool


def _database(persons: int, fresh: bool, name: str = "") -> str:
    """The URL of the scale database, built with seed_scale unless it is there already."""
    name = name or f"doorbraak_scale_{persons}"
    server = BASE_URL.rsplit("/", 1)[0]
    url = f"{server}/{name}"
    exists = subprocess.run(
        ["psql", f"{server}/postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and not fresh:
        print(f"Reusing {name} (--fresh builds it again).", flush=True)
        return url
    subprocess.run(
        [
            "psql",
            f"{server}/postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            "-c",
            f"CREATE DATABASE {name}",
        ],
        check=True,
    )
    env = {**os.environ, "DATABASE_URL": url}
    python = sys.executable
    started = time.monotonic()
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "seed_scale", "--persons", str(persons)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"Built {name} in {time.monotonic() - started:.0f} s.", flush=True)
    return url


def _setup(url: str, *, freeze: bool = True) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.loadtest.settings"
    import django

    django.setup()
    if freeze:
        # As deploy/gunicorn.conf.py does in each worker before its first request.
        from doorbraak.lib.startup import ready_to_serve

        ready_to_serve()


def _client(username: str) -> Any:
    """A test client logged in as the demo user, with the second factor done."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorbraak.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    client = Client()
    client.force_login(user)
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def _pages() -> list[Page]:
    from django.db.models import Count

    from doorbraak.accounts.models import Membership, User
    from doorbraak.audit.models import ProcessingLog
    from doorbraak.audit.selectors import log_cursor, processing_log_search
    from doorbraak.funds.models import Fund
    from doorbraak.households.models import Household, HouseholdStatus, Member
    from doorbraak.operations.scale import DEMO_TEAM

    team = Household.objects.filter(team__name=DEMO_TEAM)
    biggest = (
        team.annotate(n=Count("members")).order_by("-n", "pk").values_list("public_id", flat=True)
    )[0]
    common = (
        Member.objects.filter(household__team__name=DEMO_TEAM)
        .values("last_name")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["last_name"]
    )
    postcode = team.order_by("pk").values_list("postcode", flat=True)[0]
    open_household = (
        team.filter(status=HouseholdStatus.ACTIVE)
        .order_by("pk")
        .values_list("public_id", flat=True)
    )[0]
    fund = Fund.objects.order_by("pk").first()
    privacy = User.objects.get(username="privacy")
    analyst_municipality = (
        Membership.objects.filter(user__username="beleidsadviseur")
        .values_list("municipality_id", flat=True)
        .first()
    )
    today = datetime.date.today()
    year_ago = today - datetime.timedelta(days=365)

    def deep_log_page() -> str:
        """The log 1,000 pages deep, as following 'Older records' that often reaches it."""
        records = processing_log_search(user=privacy)
        record: ProcessingLog = records[50 * 1000 - 1]
        return f"/privacy/logboek?ouder={log_cursor(record)}"

    pages = [
        Page("floor, page 1", "professional", "/__floor__/households", FLOOR),
        Page("floor, page 100", "professional", "/__floor__/households?page=100", FLOOR),
        Page("household list, page 1", "professional", "/huishoudens/", "page"),
        Page("household list, page 100", "professional", "/huishoudens/?page=100", "page"),
        Page("household search, surname", "professional", f"/huishoudens/?q={common}", "page"),
        Page("household search, postcode", "professional", f"/huishoudens/?q={postcode}", "page"),
        Page("biggest household page", "professional", f"/huishoudens/{biggest}/", "page"),
        Page("API household list", "professional", "/api/v1/households", "page"),
        Page("processing log", "privacy", "/privacy/logboek", "page"),
        Page(
            "processing log, by user", "privacy", "/privacy/logboek?username=professional", "page"
        ),
        Page("processing log, 1,000 pages deep", "privacy", deep_log_page, "page"),
        Page("partner inbox", "contactpersoon", "/partners/verzoeken/", "page"),
        Page("breakthrough-table queue", "voorzitter", "/doorbraken/doorbraaktafel/", "page"),
        Page("fund list", "budgethouder", "/potje/", "page"),
        Page("spiegel (default period)", "beleidsadviseur", "/inzicht/", "report"),
        Page(
            "spiegel (one year)",
            "beleidsadviseur",
            f"/inzicht/?municipality={analyst_municipality}&start={year_ago}&end={today}",
            "report",
        ),
    ]
    if fund is not None:
        pages.append(Page("fund page", "budgethouder", f"/potje/{fund.pk}/", "page"))
    pages += [
        Page(
            "fund form from household",
            "professional",
            f"/potje/aanvragen/nieuw/?huishouden={open_household}",
            "page",
        ),
        Page(
            "fund form searched", "professional", f"/potje/aanvragen/nieuw/?zoek={common}", "page"
        ),
    ]
    pages += [
        Page("home page, professional", "professional", "/", "page"),
        Page("referral inbox", "professional", "/huishoudens/aanmeldingen/", "page"),
        Page("breakthrough list", "professional", "/doorbraken/", "page"),
        Page("breakthrough-table overview", "voorzitter", "/doorbraaktafels/", "page"),
        Page("casebook", "professional", "/voorbeelden/", "page"),
        Page("social map", "professional", "/sociale-kaart/", "page"),
        Page("value reports", "beleidsadviseur", "/inzicht/rapporten/", "page"),
        Page("signal list", "beleidsadviseur", "/inzicht/signalen/", "page"),
        Page("security log", "privacy", "/privacy/beveiligingslog/", "page"),
        Page("data-subject requests", "privacy", "/privacy/verzoeken/", "page"),
    ]
    return pages + _detail_pages()


def _detail_pages() -> list[Page]:
    """One detail page of each kind the role's list links to, when the data set has one."""
    from doorbraak.accounts.models import User
    from doorbraak.breakthroughs.selectors import breakthrough_list, partner_inbox
    from doorbraak.casebook.selectors import ExampleFilter, example_search
    from doorbraak.insights.models import ValueReport
    from doorbraak.insights.policies import analyst_municipality_ids
    from doorbraak.privacy.selectors import requests_for
    from doorbraak.socialmap.selectors import service_search

    users = {u.username: u for u in User.objects.filter(username__in=DETAIL_USERS)}
    found = [
        (
            "breakthrough page",
            "professional",
            breakthrough_list(user=users["professional"]).values_list("pk", flat=True).first(),
            "/doorbraken/{}/",
        ),
        (
            "partner request page",
            "contactpersoon",
            partner_inbox(user=users["contactpersoon"]).values_list("pk", flat=True).first(),
            "/partners/verzoeken/{}/",
        ),
        (
            "casebook example",
            "professional",
            example_search(user=users["professional"], filters=ExampleFilter())
            .values_list("pk", flat=True)
            .first(),
            "/voorbeelden/{}/",
        ),
        (
            "social-map service",
            "professional",
            service_search(user=users["professional"]).values_list("pk", flat=True).first(),
            "/sociale-kaart/{}/",
        ),
        (
            "value report",
            "beleidsadviseur",
            ValueReport.objects.filter(
                municipality_id__in=analyst_municipality_ids(users["beleidsadviseur"])
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first(),
            "/inzicht/rapporten/{}/",
        ),
        (
            "data-subject request",
            "privacy",
            requests_for(users["privacy"]).order_by("-pk").values_list("pk", flat=True).first(),
            "/privacy/verzoeken/{}/",
        ),
    ]
    pages = []
    for name, user, pk, url in found:
        if pk is None:
            print(f"  {name}: none in this data set, not measured", flush=True)
            continue
        pages.append(Page(name, user, url.format(pk), "page"))
    return pages


DETAIL_USERS = ("professional", "contactpersoon", "beleidsadviseur", "privacy")


def _measure(
    page: Page, repeat: int, floor: tuple[Any, str] | None = None
) -> tuple[int, list[float], int, list[float]]:
    """The page's status, its times, its queries and, with ``floor`` (a client and the floor's
    URL), the floor's times: one floor request after each of the page's, so both are
    measured in the same seconds, on the same warm or busy machine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(page.user)
    url = page.url() if callable(page.url) else page.url
    started = time.perf_counter()
    for _ in range(2):
        status = client.get(url).status_code
    if time.perf_counter() - started > 2.0:  # a page of seconds: fewer requests, still a p95
        repeat = min(repeat, 8)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Counted now: the next request empties the connection's query log.
    count = len(queries.captured_queries)
    times: list[float] = []
    floor_times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - started) * 1000)
        if floor is not None:
            floor_client, floor_url = floor
            started = time.perf_counter()
            floor_client.get(floor_url)
            floor_times.append((time.perf_counter() - started) * 1000)
    return status, times, count, floor_times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="build the database again")
    parser.add_argument(
        "--database", default="", help="its name (default doorbraak_scale_<persons>)"
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave out what the web server does before its first request (gc.freeze)",
    )
    args = parser.parse_args()

    _setup(_database(args.persons, args.fresh, args.database), freeze=not args.no_freeze)
    measured = []
    floor_pages = {}
    for page in _pages():
        floor = None
        if page.kind == "page":
            # Each list or detail page against the floor page of the same depth (page 100
            # against page 100), its requests taking turns with the page's.
            depth = "floor, page 100" if "page 100" in page.name else "floor, page 1"
            floor_page = floor_pages[depth]
            floor = (_client(floor_page.user), str(floor_page.url))
        elif page.kind == FLOOR:
            floor_pages[page.name] = page
        status, times, queries, floor_times = _measure(page, args.repeat, floor)
        measured.append((page, status, times, queries, floor_times))
        print(f"  {page.name}: p95 {_p95(times):.0f} ms, {queries} queries", flush=True)
    floors = {p.name: _p95(t) for p, _s, t, _q, _f in measured if p.kind == FLOOR}
    floor_p95 = floors["floor, page 1"]
    rows = []
    for page, status, times, queries, floor_times in measured:
        p95 = _p95(times)
        page_floor = (
            _p95(floor_times)
            if floor_times
            else floors[page.name]
            if page.kind == FLOOR
            else floor_p95
        )
        ratio = p95 / page_floor
        if page.kind == "report":
            target, met = f"<= {REPORT_MS:.0f} ms", p95 <= REPORT_MS
        elif page.kind == "page":
            target, met = f"<= {PAGE_RATIO:g}x floor", ratio <= PAGE_RATIO
        else:
            target, met = "", True
        met = met and status == 200
        rows.append(
            Row(
                page.name,
                page.kind,
                status,
                statistics.median(times),
                p95,
                page_floor,
                ratio,
                queries,
                target,
                met,
            )
        )
    print()
    print(
        f"{args.persons:,} persons; {args.repeat} requests per page; floor p95 {floor_p95:.0f} ms"
    )
    print()
    print(
        "| page | status | p50 ms | p95 ms | floor p95 ms | p95 / floor | queries | target | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.name} | {row.status} | {row.p50_ms:.0f} | {row.p95_ms:.0f} | "
            f"{row.floor_p95_ms:.0f} | {row.ratio:.1f} | {row.queries} | {row.target} | "
            f"{'yes' if row.met else '**no**'} |"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"scale-{args.persons}.json").write_text(
        json.dumps([asdict(row) for row in rows], indent=2), encoding="utf-8"
    )
    missed = [row.name for row in rows if not row.met]
    if missed:
        print(f"\nMissed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
