"""`make bench CASEBOOK=100000`: casebook search and suggestions at that many examples.

    .venv/bin/python scripts/bench_casebook.py --examples 100000       # seeds once, then reuses

Builds (once) the PostgreSQL database ``doorbraak_cb_bench`` with ``manage.py
seed_casebook --examples N`` (``--fresh`` builds it again; another size rebuilds it), adds
a synthetic professional to read with, then requests each search and suggestion below
``--repeat`` times (after two warm-ups) with the production switches of the load test
(debug off), next to a bare-Django floor page over the same table. Targets (issue 18):
search p95 < 100 ms, suggestions p95 < 150 ms; the exit status is 1 when one is missed.
The table goes to standard output (Markdown) and the figures to var/bench/casebook-N.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
BASE_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/doorbraak")
NAME = "doorbraak_cb_bench"
OUT = ROOT / "var" / "bench"
SEARCH_MS = 100.0
SUGGEST_MS = 150.0


@dataclass
class Row:
    name: str
    kind: str
    status: int
    p50_ms: float
    p95_ms: float
    queries: int
    target: str
    met: bool


def _psql(server: str, *sql: str) -> str:
    args = ["psql", f"{server}/postgres", "-Atq"]
    for statement in sql:
        args += ["-c", statement]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def _database(examples: int, fresh: bool) -> str:
    server = BASE_URL.rsplit("/", 1)[0]
    url = f"{server}/{NAME}"
    comment = _psql(
        server,
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname='{NAME}'",
    )
    size_mark = f"[{examples}]"
    if comment and size_mark in comment and not fresh:
        print(f"Reusing {NAME} with {examples:,} examples (--fresh builds it again).", flush=True)
        return url
    _psql(server, f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)", f"CREATE DATABASE {NAME}")
    env = {**os.environ, "DATABASE_URL": url}
    started = time.monotonic()
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "seed_casebook", "--examples", str(examples)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    marker = f"doorbraak seed_scale: synthetic data only (seed_casebook {size_mark})"
    _psql(server, f"COMMENT ON DATABASE {NAME} IS '{marker}'")
    print(f"Built {NAME} in {time.monotonic() - started:.0f} s.", flush=True)
    return url


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.loadtest.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "scripts.bench_casebook_urls"


def _reader() -> Any:
    """A synthetic professional of a synthetic team, with the second factor done."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorbraak.accounts.models import (
        Membership,
        Municipality,
        Organisation,
        OrganisationKind,
        Role,
        Team,
        User,
    )

    municipality = Municipality.objects.order_by("pk").first()
    organisation, _ = Organisation.objects.get_or_create(
        name="Buurtteam bank (synthetisch)",
        defaults={"kind": OrganisationKind.NEIGHBOURHOOD_TEAM, "municipality": municipality},
    )
    team, _ = Team.objects.get_or_create(
        name="Buurtteam bank", municipality=municipality, defaults={"organisation": organisation}
    )
    user, _ = User.objects.get_or_create(username="casebook-bench")
    Membership.objects.get_or_create(
        user=user,
        role=Role.PROFESSIONAL,
        organisation=organisation,
        municipality=municipality,
        team=team,
    )
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _requests() -> list[tuple[str, str, str]]:
    from urllib.parse import urlencode

    from doorbraak.accounts.models import Organisation
    from doorbraak.library.models import Regulation

    regulations = list(
        Regulation.objects.filter(municipality__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    organisation = Organisation.objects.filter(examples__isnull=False).order_by("pk").first()
    suggest: list[dict[str, Any]] = [
        {
            "title": "Huurachterstand en dreigende ontruiming",
            "description": (
                "De corporatie wil ontruimen; schuldhulp kan pas starten met een betalingsregeling."
            ),
        },
        {
            "title": "Geen uitkering zonder briefadres",
            "description": "UWV stopt de uitkering",
            "regulations": regulations[:2],
            "organisations": [organisation.pk] if organisation else [],
        },
        {
            "title": "Boete en beslag",
            "description": "Verhoging van de boete blokkeert de schuldhulp",
            "regulations": regulations[3:4],
        },
    ]
    rows = [
        ("floor, page 1", "floor", "/__floor__/examples"),
        ("floor, page 100", "floor", "/__floor__/examples?page=100"),
        ("list, no query", "search", "/voorbeelden/"),
        ("search: one common word", "search", "/voorbeelden/?q=uitkering"),
        ("search: two words", "search", "/voorbeelden/?q=betalingsregeling+schuldhulp"),
        (
            "search: phrase + theme",
            "search",
            "/voorbeelden/?q=%22stopt+de+invordering%22&theme=schulden",
        ),
        ("search: rare word", "search", "/voorbeelden/?q=kinderopvang+energie"),
        ("search: word, page 50", "search", "/voorbeelden/?q=woning&page=50"),
        ("API search", "search", "/api/v1/examples?q=toeslag+terugvordering"),
    ]
    for n, params in enumerate(suggest, start=1):
        rows.append(
            (
                f"suggestions {n}",
                "suggest",
                "/voorbeelden/suggesties/?" + urlencode(params, doseq=True),
            )
        )
    return rows


def _measure(client: Any, url: str, repeat: int) -> tuple[int, list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        status = client.get(url).status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries.captured_queries)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - started) * 1000)
    return status, times, count


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--fresh", action="store_true", help="build the database again")
    args = parser.parse_args()

    _setup(_database(args.examples, args.fresh))
    client = _reader()
    rows = []
    for name, kind, url in _requests():
        status, times, queries = _measure(client, url, args.repeat)
        p95 = _p95(times)
        if kind == "search":
            target, met = f"< {SEARCH_MS:.0f} ms", p95 < SEARCH_MS
        elif kind == "suggest":
            target, met = f"< {SUGGEST_MS:.0f} ms", p95 < SUGGEST_MS
        else:
            target, met = "", True
        rows.append(
            Row(
                name,
                kind,
                status,
                statistics.median(times),
                p95,
                queries,
                target,
                met and status == 200,
            )
        )
        print(f"  {name}: p95 {p95:.0f} ms, {queries} queries", flush=True)
    floor = next(r.p95_ms for r in rows if r.name == "floor, page 1")
    print()
    print(f"{args.examples:,} examples; {args.repeat} requests each; floor p95 {floor:.0f} ms")
    print()
    print("| request | status | p50 ms | p95 ms | p95 / floor | queries | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.name} | {row.status} | {row.p50_ms:.0f} | {row.p95_ms:.0f} | "
            f"{row.p95_ms / floor:.1f} | {row.queries} | {row.target} | "
            f"{'yes' if row.met else '**no**'} |"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"casebook-{args.examples}.json").write_text(
        json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8"
    )
    missed = [r.name for r in rows if not r.met]
    if missed:
        print(f"\nMissed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
