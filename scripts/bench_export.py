"""The evaluation export in the task worker: peak memory and time on a generated data set.

    .venv/bin/python scripts/bench_export.py --database doorbraak_ex_bench --persons 50000
    .venv/bin/python scripts/bench_export.py --existing doorbraak_scale_1000000

Builds (once; ``--fresh`` again) the PostgreSQL database with ``manage.py seed_scale
--persons N`` — or, with ``--existing NAME``, uses a database that is already there and
never builds, migrates or drops it, and leaves it as it found it (the job, the analyst's
extra role and the export's log records are rolled back at the end) — then runs the
export task's builder (``download_build`` with ``build_evaluation_export``, as the worker
does) for a policy analyst over the municipality
with the most households, twice, each in a fresh process: once plain, for the peak RSS
(``resource.getrusage``: the whole process, Django included) and the time, and once under
``tracemalloc``, for the peak of Python allocations. Prints rows, households, the file's
size and the figures. Issue 20's target: < 300 MB at one million persons.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
BASE_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/doorbraak")


def _database(name: str, persons: int, fresh: bool) -> str:
    server = BASE_URL.rsplit("/", 1)[0]
    url = f"{server}/{name}"
    exists = subprocess.run(
        ["psql", f"{server}/postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and not fresh:
        return url
    subprocess.run(
        ["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
        check=True,
    )
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "seed_scale", "--persons", str(persons)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def _existing(name: str) -> str:
    """The URL of a database that must already exist (``--existing``): never built here."""
    server = BASE_URL.rsplit("/", 1)[0]
    found = subprocess.run(
        ["psql", f"{server}/postgres", "-Atv", f"n={name}"],
        input="SELECT 1 FROM pg_database WHERE datname = :'n';",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if found != "1":
        raise SystemExit(f"No database {name}: --existing never builds one.")
    return f"{server}/{name}"


def measure(
    trace: bool, chunk_size: int, k: int, run_rows: int, rollback: bool
) -> dict[str, object]:
    """One run of the export in this process (``--measure``); with ``rollback`` everything
    it writes (the job, a role, the log records) is undone at the end."""
    from django.db import transaction

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    import django

    django.setup()
    if not rollback:
        return _measure(trace, chunk_size, k, run_rows)

    class Undo(Exception):
        pass

    result: dict[str, object] = {}
    try:
        with transaction.atomic():
            result = _measure(trace, chunk_size, k, run_rows)
            raise Undo
    except Undo:
        pass
    return result


def _measure(trace: bool, chunk_size: int, k: int, run_rows: int) -> dict[str, object]:
    import tracemalloc

    from django.db.models import Count
    from django.utils import timezone

    from doorbraak.accounts.models import Membership, Municipality, Role
    from doorbraak.downloads.models import Download, DownloadKind
    from doorbraak.downloads.services import download_build
    from doorbraak.households.models import Household, Member
    from doorbraak.insights import export, tasks

    export.CHUNK_SIZE = chunk_size
    export.RUN_ROWS = run_rows
    top = (
        Household.objects.values("municipality")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("municipality", "n")
        .first()
    )
    assert top is not None, "no households: seed the database first"
    municipality = Municipality.objects.get(pk=top[0])
    membership = Membership.objects.filter(role=Role.POLICY_ANALYST).select_related("user").first()
    assert membership is not None
    analyst = membership.user
    # The analyst of the demo municipality asks for the largest one: give them the role there.
    Membership.objects.get_or_create(
        user=analyst,
        municipality=municipality,
        role=Role.POLICY_ANALYST,
        defaults={"organisation": membership.organisation},
    )
    download = Download.objects.create(
        requested_by=analyst,
        kind=DownloadKind.EVALUATION_EXPORT,
        title="bench",
        filename="bench.zip",
        content_type="application/zip",
        parameters={
            "municipality": municipality.pk,
            "start": "2000-01-01",
            "end": "2030-12-31",
            "k": k,
        },
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.monotonic()
    outcome = download_build(download.pk, build=tasks.build_evaluation_export)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    download.refresh_from_db()
    result = {
        "outcome": outcome,
        "summary": download.summary,
        "households_in_municipality": top[1],
        "persons_in_municipality": Member.objects.filter(
            household__municipality=municipality
        ).count(),
        "file_bytes": download.size,
        "seconds": round(seconds, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1) if trace else None,
    }
    from django.core.files.storage import storages

    if download.file:
        storages["downloads"].delete(download.file.name)
    download.delete()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="doorbraak_ex_bench")
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--existing",
        metavar="NAME",
        help="measure on this existing database: never build, migrate or drop it, and roll "
        "back what the run writes",
    )
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--run-rows", type=int, default=20_000)
    parser.add_argument(
        "--k",
        type=int,
        default=1,
        help="k of the uniqueness check (1: every row kept, the most work)",
    )
    parser.add_argument("--measure", choices=["rss", "trace"], help=argparse.SUPPRESS)
    parser.add_argument("--rollback", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(
            json.dumps(
                measure(
                    args.measure == "trace", args.chunk_size, args.k, args.run_rows, args.rollback
                )
            )
        )
        return 0
    if args.existing:
        if args.fresh:
            raise SystemExit("--existing and --fresh exclude each other.")
        url = _existing(args.existing)
        args.database = args.existing
    else:
        url = _database(args.database, args.persons, args.fresh)
    env = {**os.environ, "DATABASE_URL": url}
    runs = {}
    for mode in ("rss", "trace"):
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                mode,
                "--chunk-size",
                str(args.chunk_size),
                "--k",
                str(args.k),
                "--run-rows",
                str(args.run_rows),
                *(["--rollback"] if args.existing else []),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs[mode] = json.loads(output.strip().splitlines()[-1])
    plain, traced = runs["rss"], runs["trace"]
    made = "existing database" if args.existing else f"seed_scale --persons {args.persons}"
    print(f"Evaluation export task on {args.database} ({made}):")
    print(f"  {plain['summary']}")
    print(
        f"  municipality: {plain['households_in_municipality']:,} households, "
        f"{plain['persons_in_municipality']:,} persons; file {plain['file_bytes']:,} bytes"
    )
    print(
        f"  time {plain['seconds']} s; peak RSS {plain['peak_rss_mb']} MB "
        f"(before the export {plain['rss_before_mb']} MB)"
    )
    print(
        f"  tracemalloc peak {traced['tracemalloc_peak_mb']} MB (time under tracing "
        f"{traced['seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
