"""A web process's start (lib/startup.py, deploy/gunicorn.conf.py's post_worker_init)."""

from __future__ import annotations

import gc
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from doorbraak.lib.startup import ready_to_serve

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_ready_to_serve_imports_the_views_and_freezes_what_is_loaded() -> None:
    assert gc.get_freeze_count() == 0
    frozen = ready_to_serve()
    assert frozen == gc.get_freeze_count() > 0
    assert "doorbraak.households.views" in sys.modules
    # Garbage made afterwards is still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_each_gunicorn_worker_does_it_after_loading_the_application() -> None:
    config = runpy.run_path(str(GUNICORN_CONF))
    assert gc.get_freeze_count() == 0
    config["post_worker_init"](object())
    assert gc.get_freeze_count() > 0
