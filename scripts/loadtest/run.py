"""`make loadtest` / `make loadtest-smoke`: Locust against gunicorn on PostgreSQL and SQLite.

For each database (its own: PostgreSQL ``doorbraak_load``, SQLite
``var/loadtest/load.sqlite3``), freshly migrated and seeded with ``seed_demo``:

1. load-test accounts are cloned from the demo users (scripts/loadtest/accounts.py);
2. gunicorn starts with deploy/gunicorn.conf.py on 127.0.0.1 (port 8731) with
   scripts/loadtest/settings.py (the project plus the floor view, debug off), and the
   processing-log sealer runs beside it, as in production;
3. per user count (default 1, 16, 50) three headless, time-bounded Locust runs:
   ``app`` (every role's mixed work, short pauses), ``list`` (the household list without
   pause) and ``floor`` (a bare paginated view over the same table, without pause);
4. while Locust runs, ``pg_stat_activity`` is sampled every 0.5 s for sessions waiting on
   a lock; afterwards the new lines of PostgreSQL's own log are searched for
   ``deadlock detected`` in this database.

It prints a table per page (p50, p95, requests/s, count, 5xx, other failures) per step,
then the targets: 0 5xx and 0 deadlocks at 50 users; at 16 users the household list's
throughput at least half of the floor's; at 1 user its p95 at most twice the floor's.
Results are written to var/loadtest/results-<time>.json (and latest.json). Every server
is stopped by its process id, also on Ctrl+C. Exit status 1 when a target is missed.

``--smoke``: 8 users for 20 s, PostgreSQL only, mixed work only, a small seed; exit 1 on
any 5xx (for .ci/run, which passes ``--pg-name doorbraak_ci_seed --reuse`` to use the
database its seed step has just built). ``--help`` lists the other options.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "loadtest"
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
PG_LOG_DIR = Path("/var/log/postgresql")
MODES = ("app", "list", "floor")


@dataclass
class Database:
    kind: str  # "postgresql" or "sqlite"
    url: str
    name: str  # PostgreSQL database name or SQLite file

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.kind == "postgresql" else "SQLite"


@dataclass
class Step:
    database: str
    mode: str
    users: int
    seconds: float
    pages: dict[str, dict[str, float]]
    deadlocks: int | None
    lock_waits: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(cmd: list[str], env: dict[str, str], quiet: bool = True) -> None:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=quiet, text=True, check=False)
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")


def base_env(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):  # the load test decides these, not the caller's shell
        if name.startswith("DOORBRAAK_") and name != "DOORBRAAK_DB_CONN_MAX_AGE":
            del env[name]
    env["DATABASE_URL"] = database.url
    env["DOORBRAAK_DEBUG"] = "0"
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'src'}"
    return env


# --- Databases -----------------------------------------------------------------------------
def pg_connect(url: str, dbname: str | None = None) -> Any:
    import psycopg

    parts = urlsplit(url)
    if dbname is not None:
        parts = parts._replace(path=f"/{dbname}")
    return psycopg.connect(urlunsplit(parts), autocommit=True, connect_timeout=5)


def prepare(database: Database, households: int, reuse: bool) -> None:
    env = base_env(database)
    if database.kind == "postgresql":
        with pg_connect(database.url, "postgres") as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database.name]
            ).fetchone()
            if exists and reuse:
                log(f"{database.label}: reusing database {database.name}")
                return
            admin.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database.name}"')
    else:
        path = Path(database.name)
        if path.exists() and reuse:
            log(f"{database.label}: reusing {path}")
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    run([PY, "manage.py", "migrate", "--noinput"], env)
    run([PY, "manage.py", "seed_demo", "--quiet-logins", "--households", str(households)], env)
    log(f"{database.label}: migrated and seeded in {time.monotonic() - started:.0f} s")


def make_accounts(database: Database) -> Path:
    target = VAR / f"accounts-{database.kind}.json"
    run([PY, str(ROOT / "scripts" / "loadtest" / "accounts.py"), str(target)], base_env(database))
    return target


def reset_logins(database: Database) -> None:
    """Let the clones log in again: TOTP replay counters and lock-out attempts cleared."""
    statements = [
        "UPDATE otp_totp_totpdevice SET last_t = -1, throttling_failure_count = 0,"
        " throttling_failure_timestamp = NULL WHERE user_id IN"
        " (SELECT id FROM accounts_user WHERE username LIKE 'lt-%%')",
        "DELETE FROM axes_accessattempt WHERE username LIKE 'lt-%%'",
    ]
    if database.kind == "postgresql":
        with pg_connect(database.url) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]
    else:
        with contextlib.closing(sqlite3.connect(database.name, timeout=30)) as conn:
            for statement in statements:
                conn.execute(statement.replace("%%", "%"))
            conn.commit()


# --- Servers -------------------------------------------------------------------------------
def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def servers(database: Database, port: int) -> Iterator[None]:
    """gunicorn and the sealer, each stopped by its own process id afterwards."""
    if not port_free(port):
        raise SystemExit(f"127.0.0.1:{port} is in use; choose another with --port.")
    env = base_env(database)
    env["DJANGO_SETTINGS_MODULE"] = "scripts.loadtest.settings"
    env["DOORBRAAK_BIND"] = f"127.0.0.1:{port}"
    env["DOORBRAAK_ACCESS_LOG"] = str(VAR / f"{database.kind}-access.log")
    env["DOORBRAAK_ERROR_LOG"] = str(VAR / f"{database.kind}-gunicorn.log")
    processes: list[subprocess.Popen[bytes]] = []
    sealer_log = (VAR / f"{database.kind}-sealer.log").open("ab")
    try:
        processes.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        processes.append(
            subprocess.Popen(
                [PY, "manage.py", "seal_processing_log", "--follow", "--interval", "2"],
                cwd=ROOT,
                env=base_env(database),
                stdout=sealer_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log(f"gunicorn pid {processes[0].pid}, sealer pid {processes[1].pid}")
        deadline = time.monotonic() + 60
        while True:
            if processes[0].poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {env['DOORBRAAK_ERROR_LOG']}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/inloggen", timeout=5
                ) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.5)
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        sealer_log.close()
        log("servers stopped")


# --- Measurements --------------------------------------------------------------------------
class LockSampler(threading.Thread):
    """Sessions of this database waiting on a lock, every 0.5 s."""

    def __init__(self, database: Database) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.samples: list[int] = []
        self.events: dict[str, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        with pg_connect(self.database.url) as conn:
            while not self.stopping.wait(0.5):
                rows = conn.execute(
                    "SELECT wait_event FROM pg_stat_activity WHERE datname = %s"
                    " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                    [self.database.name],
                ).fetchall()
                self.samples.append(len(rows))
                for (event,) in rows:
                    self.events[event] = self.events.get(event, 0) + 1

    def summary(self) -> dict[str, Any]:
        samples = self.samples or [0]
        return {
            "samples": len(self.samples),
            "mean_waiting": round(statistics.fmean(samples), 3),
            "max_waiting": max(samples),
            "samples_with_waits": sum(1 for s in samples if s),
            "by_wait_event": self.events,
        }


def pg_log_file() -> Path | None:
    logs = sorted(PG_LOG_DIR.glob("postgresql-*.log"), key=lambda p: p.stat().st_mtime)
    return logs[-1] if logs else None


def deadlocks_since(path: Path | None, offset: int, dbname: str) -> int | None:
    if path is None:
        return None
    with path.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    pattern = re.compile(r"@(\S+) ERROR:\s+deadlock detected")
    return sum(1 for match in pattern.finditer(text) if match.group(1) == dbname)


def pages_of(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    seconds = max(result["measured_seconds"], 0.001)
    pages = {}
    for name, samples in sorted(result["samples_ms"].items()):
        ordered = sorted(samples)
        statuses = result["status"].get(name, {})

        def rank(q: float, ordered: list[float] = ordered) -> float:
            return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]

        pages[name] = {
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(rank(0.95), 1),
            # log-ins happen before the steady state: no rate for them
            "rps": 0.0 if name.startswith("login:") else round(len(ordered) / seconds, 2),
            "count": len(ordered),
            "5xx": sum(n for code, n in statuses.items() if int(code) >= 500),
            "failures": result["failures"].get(name, 0),
            "refused": result.get("refused", {}).get(name, 0),
        }
    return pages


def locust_step(
    database: Database, accounts: Path, mode: str, users: int, seconds: int, port: int
) -> Step:
    reset_logins(database)
    tag = f"{database.kind}-{mode}-{users}"
    result_file = VAR / f"{tag}.json"
    result_file.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        LOADTEST_ACCOUNTS=str(accounts),
        LOADTEST_MODE=mode,
        LOADTEST_RESULT=str(result_file),
        LOADTEST_SECONDS=str(seconds),
    )
    sampler = LockSampler(database) if database.kind == "postgresql" else None
    pg_log = pg_log_file() if database.kind == "postgresql" else None
    offset = pg_log.stat().st_size if pg_log else 0
    if sampler:
        sampler.start()
    with (VAR / f"{tag}.log").open("w") as output:
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "scripts" / "loadtest" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(users),
                "--spawn-rate",  # log-ins hash a password (PBKDF2): not all at once
                str(min(users, 4)),
                "--run-time",
                # an upper bound: the locustfile stops LOADTEST_SECONDS after the log-ins
                f"{seconds + 120 + 3 * users}s",
                "--stop-timeout",
                "10",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=seconds + 240 + 3 * users,
        )
    if sampler:
        sampler.stopping.set()
        sampler.join()
    if not result_file.exists():
        raise SystemExit(f"Locust wrote no result; see {VAR / f'{tag}.log'}")
    result = json.loads(result_file.read_text())
    if not result["logged_in"] or not result["measured_seconds"]:
        raise SystemExit(
            f"{result['logged_in']} of {result['spawned']} users logged in; see {tag}.log"
        )
    notes = []
    if result["login_failed"]:
        notes.append(f"{result['login_failed']} of {result['spawned']} users could not log in")
    return Step(
        database=database.label,
        mode=mode,
        users=users,
        seconds=round(result["measured_seconds"], 1),
        pages=pages_of(result),
        deadlocks=deadlocks_since(pg_log, offset, database.name) if sampler else None,
        lock_waits=sampler.summary() if sampler else None,
        notes=notes,
    )


# --- Report --------------------------------------------------------------------------------
def print_step(step: Step) -> None:
    print()
    print(f"{step.database} · {step.mode} · {step.users} users · {step.seconds:.0f} s measured")
    print(
        f"  {'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'count':>6}"
        f" {'5xx':>4} {'fail':>5} {'refused':>7}"
    )
    for name, page in step.pages.items():
        print(
            f"  {name:<28} {page['p50_ms']:>8.0f} {page['p95_ms']:>8.0f} {page['rps']:>7.2f}"
            f" {page['count']:>6} {page['5xx']:>4} {page['failures']:>5} {page['refused']:>7}"
        )
    for note in step.notes:
        print(f"  note: {note}")
    if step.lock_waits is not None:
        waits = step.lock_waits
        print(
            f"  deadlocks: {step.deadlocks}; lock waits: mean {waits['mean_waiting']} sessions,"
            f" max {waits['max_waiting']}, in {waits['samples_with_waits']} of"
            f" {waits['samples']} samples {waits['by_wait_event'] or ''}"
        )


def find(steps: list[Step], database: str, mode: str, users: int) -> Step | None:
    for step in steps:
        if (step.database, step.mode, step.users) == (database, mode, users):
            return step
    return None


def targets(steps: list[Step], databases: list[Database]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for database in databases:
        label = database.label
        heavy = find(steps, label, "app", 50)
        if heavy is not None:
            errors = sum(int(p["5xx"]) for p in heavy.pages.values())
            checks.append(
                {"target": f"{label}: 0 5xx at 50 users", "value": errors, "met": errors == 0}
            )
            if heavy.deadlocks is not None:
                checks.append(
                    {
                        "target": f"{label}: 0 deadlocks at 50 users",
                        "value": heavy.deadlocks,
                        "met": heavy.deadlocks == 0,
                    }
                )
        listing, floor = find(steps, label, "list", 16), find(steps, label, "floor", 16)
        if listing and floor:
            mine = listing.pages.get("households: list", {}).get("rps", 0.0)
            bare = floor.pages.get("floor: households", {}).get("rps", 0.0)
            checks.append(
                {
                    "target": f"{label}: household list ≥ ½ floor throughput at 16 users",
                    "value": f"{mine:.1f} vs {bare:.1f} req/s",
                    "met": bool(bare) and mine >= bare / 2,
                }
            )
        listing, floor = find(steps, label, "list", 1), find(steps, label, "floor", 1)
        if listing and floor:
            mine = listing.pages.get("households: list", {}).get("p95_ms", 0.0)
            bare = floor.pages.get("floor: households", {}).get("p95_ms", 0.0)
            checks.append(
                {
                    "target": f"{label}: household list p95 ≤ 2× floor at 1 user",
                    "value": f"{mine:.0f} vs {bare:.0f} ms",
                    "met": bool(bare) and mine <= 2 * bare,
                }
            )
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="8 users, 20 s, PostgreSQL, 5xx=fail")
    parser.add_argument("--users", default="1,16,50", help="user counts (default 1,16,50)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per mixed step")
    parser.add_argument(
        "--compare-duration", type=int, default=20, help="seconds per list and floor step"
    )
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--households", type=int, default=235, help="seed_demo --households")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument(
        "--pg-name",
        help="PostgreSQL database (default doorbraak_load, smoke: doorbraak_load_smoke)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/doorbraak"),
    )
    args = parser.parse_args()
    if args.smoke:
        users, modes, kinds = [8], ("app",), ["postgresql"]
        args.duration, args.households = 20, 40
    else:
        users = [int(n) for n in args.users.split(",")]
        modes, kinds = MODES, args.databases.split(",")
    VAR.mkdir(parents=True, exist_ok=True)
    pg_name = args.pg_name or ("doorbraak_load_smoke" if args.smoke else "doorbraak_load")
    pg_url = urlunsplit(urlsplit(args.postgres_url)._replace(path=f"/{pg_name}"))
    sqlite_file = VAR / "load.sqlite3"
    known = {
        "postgresql": Database("postgresql", pg_url, pg_name),
        "sqlite": Database("sqlite", f"sqlite:///{sqlite_file}", str(sqlite_file)),
    }
    databases = [known[kind] for kind in kinds]
    # Ctrl+C and SIGTERM unwind through the finally blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print(
        "Per page: p50/p95 response time, requests per second, count, 5xx responses, other"
        " failures (4xx, lost connections) and forms refused with a message (e.g. a request"
        " another user had just approved)."
    )
    steps: list[Step] = []
    for database in databases:
        prepare(database, args.households, args.reuse)
        accounts = make_accounts(database)
        with servers(database, args.port):
            for count in users:
                for mode in modes:
                    seconds = args.duration if mode == "app" else args.compare_duration
                    log(f"{database.label}: {mode}, {count} users, {seconds} s")
                    step = locust_step(database, accounts, mode, count, seconds, args.port)
                    print_step(step)
                    steps.append(step)

    checks = targets(steps, databases)
    print()
    print("Targets")
    for check in checks:
        print(f"  {'met    ' if check['met'] else 'MISSED '} {check['target']}: {check['value']}")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = {
        "when": stamp,
        "smoke": args.smoke,
        "host": {"cores": os.cpu_count()},
        "steps": [step.__dict__ for step in steps],
        "targets": checks,
    }
    for name in (f"results-{stamp}.json", "latest.json"):
        (VAR / name).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\nResults: {VAR / f'results-{stamp}.json'}")
    if args.smoke:
        errors = sum(int(p["5xx"]) for step in steps for p in step.pages.values())
        if errors:
            print(f"smoke: {errors} responses with a 5xx status")
            return 1
        print("smoke: no 5xx")
        return 0
    return 0 if all(check["met"] for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
