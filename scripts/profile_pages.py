"""Profile the fixed cost per request of the household list and the household page.

    .venv/bin/python scripts/profile_pages.py --label before
    .venv/bin/python scripts/profile_pages.py --label after --requests 40
    .venv/bin/python scripts/profile_pages.py --postgres --label after   # doorbraak_prof

Seeds (or reuses) a database: ``seed_demo`` plus ``--extra`` households for the demo
professional's team, created with ``bulk_create`` (names, addresses, one to four members,
a coordinator). Logs in as the demo professional through ``django.test.Client`` with the
second factor verified (as ``tests/conftest.py`` does), and requests

- ``list``:   the household list, first page;
- ``detail``: the page of the biggest household the professional sees;
- ``bare``:   a bare paginated view over the same table with a minimal template (a
              throw-away URLconf adds it beside the real ones: same middleware, no
              navigation, no processing log), the yardstick of the load test.

For each page it prints mean, median and 95th-percentile milliseconds, the median CPU
milliseconds of this process (the database's too on SQLite; steadier than wall time on a
shared machine) and the number of queries of one request, then profiles ``--requests``
more with pyinstrument and writes the text profile to ``var/profiles/<page>-<label>.txt``.
Timings are taken without the profiler running. Keep runs small: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SQLITE_PATH = ROOT / "var" / "profile.sqlite3"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/doorbraak_prof"
PROFILE_DIR = ROOT / "var" / "profiles"
BARE_PATH = "/__bare__/"
BARE_TEMPLATE = """<!DOCTYPE html><html lang="nl"><head><title>Huishoudens</title></head><body>
<table>{% for h in page_obj %}<tr><td>{{ h.name }}</td><td>{{ h.street }} {{ h.house_number }}</td>
<td>{{ h.postcode }}</td><td>{{ h.status }}</td></tr>{% endfor %}</table>
<p>Pagina {{ page_obj.number }} van {{ page_obj.paginator.num_pages }}</p></body></html>"""


@dataclass
class Result:
    page: str
    mean_ms: float
    median_ms: float
    p95_ms: float
    cpu_ms: float
    queries: int


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="run", help="suffix of the profile files")
    parser.add_argument("--requests", type=int, default=30, help="requests per page (each)")
    parser.add_argument(
        "--extra", type=int, default=3000, help="extra households for the demo team"
    )
    parser.add_argument("--postgres", action="store_true", help=f"use {POSTGRES_URL}")
    parser.add_argument("--sqlite", type=Path, default=SQLITE_PATH, help="SQLite file to use")
    parser.add_argument(
        "--no-profile", action="store_true", help="only the timings, no pyinstrument run"
    )
    parser.add_argument("--reseed", action="store_true", help="start from an empty database")
    parser.add_argument("--migrate", action="store_true", help="migrate a reused database")
    parser.add_argument(
        "--pages", default="list,detail,bare", help="comma-separated: list,detail,bare"
    )
    return parser.parse_args()


def _configure(args: argparse.Namespace) -> None:
    if args.postgres:
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        args.sqlite.parent.mkdir(parents=True, exist_ok=True)
        if args.reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.sqlite.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    # A server runs without DEBUG: no query log on every cursor, no debug pages.
    os.environ.setdefault("DOORBRAAK_DEBUG", "0")
    if args.postgres:
        _ensure_postgres_database(reseed=args.reseed)


def _ensure_postgres_database(*, reseed: bool) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'doorbraak_prof'"
        ).fetchone()
        if exists and reseed:
            conn.execute("DROP DATABASE doorbraak_prof WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute("CREATE DATABASE doorbraak_prof")


def _seed(extra: int, *, migrate: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from doorbraak.accounts.models import Membership, Role, User

    # An existing database is reused as it is: migrating it every run would also apply
    # whatever migrations colleagues have half-written in the working tree.
    if migrate or "accounts_user" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)
    if not User.objects.filter(username="professional").exists():
        started = time.perf_counter()
        call_command("seed_demo", "--quiet-logins", verbosity=0)
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    professional = User.objects.get(username="professional")
    membership = (
        Membership.objects.active()
        .filter(user=professional, role=Role.PROFESSIONAL, team__isnull=False)
        .select_related("team", "municipality")
        .first()
    )
    if membership is None or membership.team is None:
        raise SystemExit("the demo professional has no team")
    _add_households(membership.team, professional, extra)


def _add_households(team: Any, coordinator: Any, extra: int) -> None:
    """Bring the team to ``extra`` more households than seed_demo made (idempotent)."""
    import datetime

    from django.db import transaction

    from doorbraak.households.models import (
        CoordinatorAssignment,
        Household,
        Member,
        MemberRole,
    )

    marker = "Profielhuishouden"
    have = Household.objects.filter(team=team, name__startswith=marker).count()
    missing = extra - have
    if missing <= 0:
        return
    started = time.perf_counter()
    rng = random.Random(2026 + have)  # noqa: S311  # synthetic data, not security
    districts = list(team.districts.all()) or [None]
    surnames = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"]
    firsts = ["Anja", "Bram", "Cor", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Joost"]
    streets = ["Kanaalweg", "Zuilenstraat", "Amsterdamsestraatweg", "Vleutenseweg"]
    today = datetime.date.today()
    with transaction.atomic():
        households = Household.objects.bulk_create(
            [
                Household(
                    municipality_id=team.municipality_id,
                    team=team,
                    district=districts[n % len(districts)],
                    name=f"{marker} {rng.choice(surnames)} {have + n:05d}",
                    street=rng.choice(streets),
                    house_number=rng.randint(1, 400),
                    postcode=f"35{rng.randint(10, 99)}{rng.choice('ABCDEFGH')}K",
                    city="Demostad",
                    opened_on=today - datetime.timedelta(days=rng.randint(1, 700)),
                )
                for n in range(missing)
            ],
            batch_size=500,
        )
        if households[0].pk is None:  # a backend without RETURNING
            households = list(
                Household.objects.filter(team=team, name__startswith=marker).order_by("-pk")[
                    :missing
                ]
            )
        members: list[Member] = []
        for household in households:
            for index in range(rng.randint(1, 4)):
                members.append(
                    Member(
                        household=household,
                        first_name=rng.choice(firsts),
                        last_name=household.name.split(" ", 1)[1].rsplit(" ", 1)[0],
                        birth_date=datetime.date(rng.randint(1950, 2020), 1 + index, 1 + index),
                        role=MemberRole.HEAD if index == 0 else MemberRole.CHILD,
                        joined_on=household.opened_on,
                    )
                )
        Member.objects.bulk_create(members, batch_size=1000)
        CoordinatorAssignment.objects.bulk_create(
            [CoordinatorAssignment(household=h, coordinator=coordinator) for h in households],
            batch_size=1000,
        )
    print(
        f"added {missing} households, {len(members)} members in "
        f"{time.perf_counter() - started:.1f} s"
    )


def _bare_urlconf() -> str:
    """A URLconf with the bare view in front of the real ones."""
    from importlib import import_module

    from django.core.paginator import Paginator
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import path

    from doorbraak.households.models import Household

    template = engines["django"].from_string(BARE_TEMPLATE)

    def bare(request: HttpRequest) -> HttpResponse:
        households = Household.objects.order_by("name", "pk")
        page_obj = Paginator(households, 25).get_page(request.GET.get("page"))
        return HttpResponse(template.render({"page_obj": page_obj}, request))

    module = types.ModuleType("profile_pages_urls")
    real = import_module("doorbraak.config.urls")
    module.urlpatterns = [path(BARE_PATH.strip("/") + "/", bare), *real.urlpatterns]  # type: ignore[attr-defined]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(real, handler):
            setattr(module, handler, getattr(real, handler))
    sys.modules[module.__name__] = module
    return module.__name__


def _client(username: str) -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorbraak.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _count_queries(request: Callable[[], int]) -> int:
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request_finished.disconnect(close_old_connections)
    reset_queries()
    try:
        with CaptureQueriesContext(connection) as captured:
            status = request()
    finally:
        request_finished.connect(close_old_connections)
    if status != 200:
        raise SystemExit(f"status {status}, expected 200")
    return len(captured.captured_queries)


def _measure(
    page: str, request: Callable[[], int], repeat: int, label: str, *, profile: bool
) -> Result:
    from pyinstrument import Profiler

    for _ in range(3):  # warm-up: template loading, translations, first-query caches
        request()
    queries = _count_queries(request)
    timings = []
    cpu = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        request()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    if profile:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(repeat):
            request()
        profiler.stop()
        PROFILE_DIR.mkdir(parents=True, exist_ok=True)
        target = PROFILE_DIR / f"{page}-{label}.txt"
        target.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return Result(
        page,
        statistics.fmean(timings),
        statistics.median(timings),
        timings[max(0, round(len(timings) * 0.95) - 1)],
        statistics.median(cpu),
        queries,
    )


def main() -> int:
    args = _parse()
    _configure(args)
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test.utils import override_settings

    from doorbraak.accounts.models import User
    from doorbraak.households.models import Household

    print(f"database: {settings.DATABASES['default']['NAME']}  DEBUG={settings.DEBUG}")
    _seed(args.extra, migrate=args.migrate)
    user = User.objects.get(username="professional")
    visible = Household.objects.visible_to(user)
    biggest = (
        visible.annotate(size=Count("members", distinct=True) + Count("events", distinct=True))
        .order_by("-size", "pk")
        .first()
    )
    if biggest is None:
        raise SystemExit("the demo professional sees no households")
    print(
        f"households: {Household.objects.count()} in all, {visible.count()} visible to "
        f"the professional; biggest: {biggest.members.count()} members, "
        f"{biggest.events.count()} events"
    )
    pages: dict[str, str] = {
        "list": "/huishoudens/",
        "detail": f"/huishoudens/{biggest.public_id}/",
        "bare": BARE_PATH,
    }
    wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
    results = []
    with override_settings(ROOT_URLCONF=_bare_urlconf()):
        client = _client("professional")
        for page in wanted:
            url = pages[page]

            def request(url: str = url) -> int:
                return int(client.get(url).status_code)

            results.append(
                _measure(page, request, args.requests, args.label, profile=not args.no_profile)
            )
    print(f"\n{'page':<8} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'queries':>8}")
    for r in results:
        print(
            f"{r.page:<8} {r.mean_ms:8.1f} {r.median_ms:8.1f} {r.p95_ms:8.1f} "
            f"{r.cpu_ms:8.1f} {r.queries:8d}"
        )
    if not args.no_profile:
        print(f"\nprofiles: {PROFILE_DIR}/<page>-{args.label}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
