"""The restore drill (``make restore-drill``, also in .ci/run): back up while the database
is written to, restore into a fresh database, and prove the copy is whole and usable.

For each database (SQLite and PostgreSQL, each its own, seeded with ``seed_demo`` unless
``--reuse-*`` names a seeded one):

1. a writer process appends processing-log records as fast as it can;
2. meanwhile ``manage.py backup`` runs;
3. the writer stops; ``manage.py restore`` fills a new, empty database (it compares the
   row count of every table with the backup's manifest, taken in the dumped snapshot);
4. on the restored database ``verify_processing_log`` passes, a BSN decrypts and its
   household is found by that BSN through the blind index;
5. refusals: restoring over the restored (non-empty) database without ``--force``, and
   restoring with another field-encryption key, both fail with a clear message.

Exit status 0 only when every step holds. Servers and writers are stopped by process id.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
MANAGE = str(ROOT / "manage.py")

WRITER = """
import time
from doorbraak.accounts.models import Municipality
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
municipality = Municipality.objects.first()
deadline = time.monotonic() + {seconds}
n = 0
while time.monotonic() < deadline:
    processing_log_record(actor=None, action=ProcessingAction.READ,
        activity=ProcessingActivity.CASE_SUPPORT, object_type="drill.write",
        object_id=n, subjects=[f"p-drill-{{n}}"], municipality=municipality)
    n += 1
print(f"writer: {{n}} records written")
"""

CHECK = """
from doorbraak.households.models import Member
from doorbraak.lib.crypto import blind_index, decrypt
member = Member.objects.exclude(bsn_encrypted="").select_related("household").first()
assert member is not None, "no member with a BSN in the restored database"
bsn = decrypt(member.bsn_encrypted)
assert len(bsn) == 9 and bsn.isdigit(), "the BSN does not decrypt to nine digits"
found = Member.objects.filter(bsn_index=blind_index(bsn)).select_related("household")
assert member.household in [m.household for m in found], "the household is not found by BSN"
print(f"BSN of member {member.pk} decrypts; household {member.household.public_id} found by it")
"""


def manage(url: str, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
    environment = {**os.environ, "DATABASE_URL": url, **(env or {})}
    result = subprocess.run(
        [PY, MANAGE, *args], env=environment, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"FAILED: manage.py {' '.join(args)}")
    return result.stdout + result.stderr


def fresh_postgres(base: str, name: str) -> str:
    server = base.rsplit("/", 1)[0]
    subprocess.run(
        [
            shutil.which("psql") or "/usr/bin/psql",
            f"{server}/postgres",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "SET client_min_messages = warning",
            "-c",
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            "-c",
            f"CREATE DATABASE {name}",
        ],
        check=True,
    )
    return f"{server}/{name}"


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def drill(label: str, source: str, target: str, *, seed: bool, workdir: Path) -> None:
    print(f"\n== {label} ==")
    if seed:
        manage(source, "migrate", "--noinput")
        manage(source, "seed_demo", "--quiet-logins", "--households", "20")
    writer = subprocess.Popen(
        [PY, MANAGE, "shell", "--no-imports", "-c", WRITER.format(seconds=8)],
        env={**os.environ, "DATABASE_URL": source},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(2)  # the writer is writing
        archive = workdir / f"backup-{label.lower()}"
        print(manage(source, "backup", str(archive)).strip())
        if writer.poll() is not None:
            raise SystemExit("FAILED: the writer stopped before the backup finished")
    finally:
        try:
            out, _ = writer.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            writer.kill()
            out, _ = writer.communicate()
    print(out.strip())
    if writer.returncode != 0:
        raise SystemExit("FAILED: the writer failed")
    print(manage(target, "restore", str(archive)).strip())
    print(manage(target, "verify_processing_log").strip())
    print(manage(target, "shell", "--no-imports", "-c", CHECK).strip())
    # Refusals.
    refused = manage(target, "restore", str(archive), check=False)
    assert "not empty" in refused, refused
    print("refused over a database that holds data, as it should")
    other_key = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # a valid Fernet key, not ours
    refused = manage(
        target,
        "restore",
        "--force",
        str(archive),
        check=False,
        env={"DOORBRAAK_FIELD_ENCRYPTION_KEY": other_key},
    )
    assert "FIELD_ENCRYPTION_KEY" in refused, refused
    print("refused with another field-encryption key, as it should")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/doorbraak"),
    )
    parser.add_argument("--reuse-postgres", help="an already seeded PostgreSQL database name")
    parser.add_argument("--reuse-sqlite", type=Path, help="an already seeded SQLite file")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="doorbraak-drill-"))
    started = time.monotonic()
    try:
        kinds = args.databases.split(",")
        if "sqlite" in kinds:
            source = (
                f"sqlite:///{args.reuse_sqlite.resolve()}"
                if args.reuse_sqlite
                else fresh_sqlite(workdir / "source.sqlite3")
            )
            target = fresh_sqlite(workdir / "restored.sqlite3")
            drill("SQLite", source, target, seed=args.reuse_sqlite is None, workdir=workdir)
        if "postgresql" in kinds:
            server = args.postgres_url.rsplit("/", 1)[0]
            source = (
                f"{server}/{args.reuse_postgres}"
                if args.reuse_postgres
                else fresh_postgres(args.postgres_url, "doorbraak_drill_source")
            )
            target = fresh_postgres(args.postgres_url, "doorbraak_drill_restored")
            drill("PostgreSQL", source, target, seed=args.reuse_postgres is None, workdir=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nrestore drill passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
