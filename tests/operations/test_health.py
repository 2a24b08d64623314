"""The health pages: what a load balancer and monitoring see, with real failures."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
from doorbraak.operations.heartbeat import Heartbeat
from doorbraak.operations.models import WorkerHeartbeat
from doorbraak.tables.tasks import follow_up_sweep_task
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def health(path: str = "operations:health") -> tuple[int, dict[str, str]]:
    response = Client().get(reverse(path), HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


def status_of(results: dict[str, str], check: str) -> str:
    return next(value for name, value in results.items() if name.startswith(check))


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_load_balancer_page_is_open_and_healthy() -> None:
    code, results = health()
    assert code == 200
    assert status_of(results, "DatabaseAnswers") == "OK"
    assert status_of(results, "MigrationsApplied") == "OK"


def test_an_unapplied_migration_makes_the_web_process_unhealthy() -> None:
    MigrationRecorder.Migration.objects.filter(app="operations", name="0001_initial").delete()
    code, results = health()
    assert code == 500
    assert status_of(results, "MigrationsApplied") == "Unavailable: 1 migrations not applied"


def test_without_a_worker_heartbeat_everything_is_not_well() -> None:
    code, results = health("operations:health-all")
    assert code == 500
    assert status_of(results, "TaskWorker") == "Unavailable: no task worker has reported"
    # The web process itself is still fine for the load balancer.
    assert health()[0] == 200


def test_a_recent_heartbeat_is_healthy_and_a_stale_one_is_not(settings: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        Heartbeat(interval=15, worker_id="w-1").beat()
        assert WorkerHeartbeat.objects.get().seen_at == NOW
        code, results = health("operations:health-all")
        assert (code, status_of(results, "TaskWorker")) == (200, "OK")
    later = NOW + datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        code, results = health("operations:health-all")
    assert code == 500
    assert status_of(results, "TaskWorker").startswith("Unavailable: no heartbeat for 121 s")


@pytest.mark.usefixtures("database_tasks")
def test_a_task_waiting_too_long_shows_on_the_monitoring_page() -> None:
    with time_machine.travel(NOW, tick=False):
        follow_up_sweep_task.enqueue()
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        Heartbeat(interval=15, worker_id="w-1").beat()
        code, results = health("operations:health-all")
    assert code == 500
    assert status_of(results, "TaskQueue") == "Unavailable: 1 tasks waiting, the oldest for 30 min"
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        Heartbeat(interval=15, worker_id="w-1").beat()
        assert health("operations:health-all")[0] == 200  # due, but not yet too long


def test_an_unsealed_processing_log_shows_on_the_monitoring_page(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            subjects=["p-health"],
        )
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        Heartbeat(interval=15, worker_id="w-1").beat()
        code, results = health("operations:health-all")
        assert code == 500
        assert status_of(results, "ProcessingLogSealer") == (
            "Warning: 1 records unsealed, the oldest for 60 min"
        )
        call_command("seal_processing_log", verbosity=0)
        assert health("operations:health-all")[0] == 200


def test_the_health_pages_carry_no_personal_data(cast: Cast) -> None:
    body = Client().get(reverse("operations:health-all")).content.decode()
    for person in (cast.alice.username, cast.alice.get_full_name()):
        assert person not in body


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_the_task_worker_beats_while_it_runs_and_removes_its_heartbeat_on_exit() -> None:
    result = follow_up_sweep_task.enqueue()
    seen: list[int] = []
    original = Heartbeat.beat

    def counting_beat(self: Heartbeat) -> None:
        original(self)
        seen.append(WorkerHeartbeat.objects.filter(worker_id="w-test").count())

    Heartbeat.beat = counting_beat  # type: ignore[method-assign]
    try:
        call_command("task_worker", "--batch", "--worker-id", "w-test", "--heartbeat", "30")
    finally:
        Heartbeat.beat = original  # type: ignore[method-assign]
    assert seen == [1]  # the heartbeat was there before the first task ran
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert not WorkerHeartbeat.objects.exists()
    assert timezone.now()  # the command returned
