"""A real streaming read replica: the read-only pages come from it, writes never do.

Starts a PostgreSQL primary (``initdb``) and a hot standby of it (``pg_basebackup -R``) on
free ports of 127.0.0.1, in a temporary directory, as the ``postgres`` user when the tests
run as root. The schema comes from this run's test database (``pg_dump``; migrating a new
cluster would take longer than the rest of the test). ``replica_client.py`` then runs
Doorbraak against both and reports which alias served which statement; the clusters are
stopped and removed afterwards, also when the test fails.

PostgreSQL only (marker ``postgresql``), and skipped without the server binaries, which CI
(``DOORBRAAK_NO_SKIPS=1``) counts as a failure.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

# django_db: pytest-django sets up only the test databases some test asks for, and the
# schema is copied from this run's.
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

REPO = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("replica_client.py")
NAME = "doorbraak"
TIMEOUT = 60  # seconds any one step may take


def server_binaries() -> Path | None:
    """The directory of ``initdb``, ``pg_ctl`` and ``pg_basebackup``, or ``None``."""
    candidates: list[str] = []
    if shutil.which("pg_config"):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False, timeout=10
        )
        candidates.append(found.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if all((path / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return path
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{NAME}"


class Clusters:
    """Runs the server tools, as ``postgres`` when we are root (initdb refuses root)."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started: list[Cluster] = []

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_postgres, str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=TIMEOUT,
            cwd=self.root,
        )

    def configure(self, cluster: Cluster) -> None:
        # Appended settings win over earlier lines (the standby copies the primary's file).
        with (cluster.directory / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {cluster.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
                "max_connections = 20\nshared_buffers = 16MB\n"
            )

    def start(self, cluster: Cluster) -> None:
        self.started.append(cluster)
        self.run(
            "pg_ctl", "-D", str(cluster.directory), "-l", f"{cluster.directory}.log",
            "-w", "-t", str(TIMEOUT), "start",
        )  # fmt: skip

    def stop_all(self) -> None:
        for cluster in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", str(cluster.directory), "-m", "immediate", "-w", "stop")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pidfile = cluster.directory / "postmaster.pid"
                if pidfile.exists():
                    pid = int(pidfile.read_text().splitlines()[0])
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def primary_and_replica(django_db_setup: Any) -> Iterator[tuple[Cluster, Cluster]]:
    bindir = server_binaries()
    if bindir is None:
        pytest.skip("the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are missing")
    root = Path(tempfile.mkdtemp(prefix="doorbraak_replica_"))
    clusters = Clusters(bindir, root)
    if clusters.as_postgres:
        shutil.chown(root, "postgres")
    try:
        primary = Cluster(root / "primary", free_port())
        clusters.run(
            "initdb", "-D", str(primary.directory), "-U", "postgres", "--auth=trust",
            "--no-sync", "--encoding=UTF8", "--locale=C",
        )  # fmt: skip
        clusters.configure(primary)
        clusters.start(primary)
        copy_schema_and_reference_data(clusters, primary)
        replica = Cluster(root / "replica", free_port())
        clusters.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(replica.directory), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        clusters.configure(replica)
        clusters.start(replica)
        yield primary, replica
    finally:
        clusters.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def copy_schema_and_reference_data(clusters: Clusters, primary: Cluster) -> None:
    """This run's test database (migrated, with the reference data) into the new primary."""
    settings = connection.settings_dict
    clusters.run("createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", NAME)
    source = [
        str(clusters.bindir / "pg_dump"), "--no-owner", "--no-privileges",
        "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
        "-U", settings["USER"] or "postgres", settings["NAME"],
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    dump = subprocess.run(source, capture_output=True, check=True, timeout=TIMEOUT, env=env)
    subprocess.run(
        [
            *clusters.as_postgres, str(clusters.bindir / "psql"), "-q", "-X",
            "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(primary.port),
            "-U", "postgres", "-d", NAME,
        ],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def report(primary_and_replica: tuple[Cluster, Cluster]) -> dict[str, Any]:
    """What ``replica_client.py`` saw, run against the two clusters."""
    primary, replica = primary_and_replica
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DOORBRAAK_REPLICA")},
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URL": replica.url,
        "DOORBRAAK_ENVIRONMENT": "development",
        "DJANGO_SETTINGS_MODULE": "doorbraak.config.settings",
    }
    result = subprocess.run(
        [sys.executable, str(CLIENT)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=2 * TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


WRITES = {"INSERT", "UPDATE", "DELETE"}


def served_by_replica(page: dict[str, Any]) -> bool:
    """Its reads on the replica (more than the one status query), no write there."""
    on_replica = page["statements"]["replica"]
    return len(on_replica) > 1 and not WRITES & set(on_replica)


def test_the_read_only_pages_come_from_the_replica_and_writes_never_do(
    report: dict[str, Any],
) -> None:
    for name in ("spiegel", "signals", "compare", "log"):
        page = report[name]
        assert page["status"] == 200, name
        assert served_by_replica(page), (name, page["statements"])
        assert page["source"] == "replica", name
        assert page["says_replica"], name
    assert report["spiegel"]["total"] == 6  # the six bottlenecks, read on the replica
    assert "Signaal van voor de pauze" in report["signals"]["content"]
    assert "Gemeente Zuid" in report["compare"]["content"]
    # The export: the request queues a job (on the primary); the worker's task reads its
    # figures from the replica and writes the EXPORT records on the primary.
    assert report["export"]["status"] == 302
    assert report["export"]["statements"]["replica"] == []
    export = report["export_task"]
    assert export["outcome"] == "done"
    assert served_by_replica(export)
    assert "INSERT" in export["statements"]["default"]
    # The privacy officer's page logs its search on the primary.
    assert "INSERT" in report["log"]["statements"]["default"]
    assert report["log_search_records_on_primary"] == 1


def test_access_is_refused_as_before_without_asking_the_replica(report: dict[str, Any]) -> None:
    for name, page in report["refused"].items():
        assert page["status"] == 403, name
        assert page["statements"]["replica"] == [], name


def test_a_page_that_writes_is_not_routed(report: dict[str, Any]) -> None:
    write = report["write"]
    assert write["status"] == 302
    assert write["statements"]["replica"] == []
    assert "INSERT" in write["statements"]["default"]


def test_the_value_report_reads_the_replica_and_writes_its_result_to_the_primary(
    report: dict[str, Any],
) -> None:
    worker = report["report"]
    assert (worker["outcome"], worker["status"]) == ("done", "klaar")
    assert len(worker["statements"]["replica"]) > 1
    assert not WRITES & set(worker["statements"]["replica"])
    assert "UPDATE" in worker["statements"]["default"]


def test_lag_is_shown_and_past_the_limit_the_primary_answers(report: dict[str, Any]) -> None:
    # Replay paused, the primary renamed a signal: the replica still shows the old name,
    # and the page says up to when its figures go.
    lagging = report["lagging"]
    assert served_by_replica(lagging)
    assert lagging["says_replica"]
    assert "Signaal via het formulier" in lagging["content"]
    assert "Signaal na de pauze" not in lagging["content"]
    # More than the allowed lag: this request reads the primary, and says so.
    behind = report["too_far_behind"]
    assert behind["status"] == 200
    assert behind["statements"]["replica"] == ["SELECT"]  # the status query only
    assert behind["source"] == "primary"
    assert behind["says_primary"]
    assert "Signaal na de pauze" in behind["content"]
    # Replay resumed: the replica has caught up and serves the page again.
    caught_up = report["caught_up"]
    assert served_by_replica(caught_up)
    assert "Signaal na de pauze" in caught_up["content"]
