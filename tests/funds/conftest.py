"""The funds tests compare messages in English (their msgids); one test checks the Dutch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from doorbraak.funds.models import Fund
from tests.conftest import Cast
from tests.funds.factories import north_fund


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fund(cast: Cast) -> Fund:
    """€ 1.000 for Gemeente Noord; any amount needs one professional's approval."""
    return north_fund(cast)
