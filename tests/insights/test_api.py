"""The insights API: access, suppression, no personal data, the signal lifecycle."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from doorbraak.accounts.models import Role
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import (
    Theme,
)
from doorbraak.insights.models import OwnerKind, Signal, SignalStatus
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.factories import MembershipFactory
from tests.insights.test_views import PERIOD, PLANTED, planted, regulation, signal, south_analyst

__all__ = ["planted", "regulation", "signal"]  # fixtures


def assert_no_personal_data(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False)
    for value in PLANTED:
        assert value not in text


def test_only_analysts_use_the_insights_api(cast: Cast, as_user: Any) -> None:
    for name in ("api:insights-spiegel", "api:signal-list"):
        assert as_user(cast.grace).get(reverse(name)).status_code == 200
        for persona in (cast.alice, cast.heidi, cast.dave, cast.mallory):
            assert as_user(persona).get(reverse(name)).status_code == 403
    response = as_user(cast.grace).get(
        reverse("api:insights-spiegel"), {"municipality": cast.south.pk}
    )
    assert response.status_code == 404
    assert as_user(cast.grace).get(reverse("api:insights-comparison")).status_code == 403


def test_the_spiegel_is_suppressed_and_has_no_personal_data(
    cast: Cast, as_user: Any, planted: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user(cast.grace)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("api:insights-spiegel"), PERIOD)
    assert response.status_code == 200
    data = response.json()
    themes = {row["key"]: row for row in data["byTheme"]}
    assert themes[Theme.DEBTS]["current"] == 6
    assert themes[Theme.HOUSING]["current"] is None
    assert data["k"] == 5
    assert [c["regulation"] for c in data["combinations"]] == ["Proefwet art. 12"]
    assert data["combinations"][0]["count"] is None  # 3 < k
    assert_no_personal_data(data)


def test_a_bad_period_is_a_400(cast: Cast, as_user: Any) -> None:
    response = as_user(cast.grace).get(
        reverse("api:insights-spiegel"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    response = as_user(cast.grace).get(reverse("api:insights-spiegel"), {"start": "nonsense"})
    assert response.status_code == 400


def test_the_signal_lifecycle_through_the_api(
    cast: Cast, as_user: Any, signal: Signal, django_assert_max_num_queries: Any
) -> None:
    client = as_user(cast.grace)
    detail = reverse("api:signal-detail", args=[signal.pk])

    def step(name: str, data: dict[str, str]) -> Any:
        return client.post(
            reverse("api:signal-step", args=[signal.pk, name]),
            data,
            content_type="application/json",
        )

    data = client.get(detail).json()
    assert data["allowedSteps"] == ["raise"]
    assert len(data["cases"]) == 3
    assert_no_personal_data(data)
    assert (
        ProcessingLog.objects.filter(
            actor=cast.grace, action=ProcessingAction.READ, object_id=str(signal.pk)
        ).count()
        == 3
    )

    assert step("answer", {"answer": "Te vroeg"}).status_code == 400
    assert step("raise", {"ownerKind": "nonsense"}).status_code == 400
    assert step("nonsense", {}).status_code == 404
    signal.refresh_from_db()
    assert signal.status == SignalStatus.PROPOSED

    assert step("raise", {"ownerKind": OwnerKind.MINISTRY, "ownerName": "BZK"}).status_code == 200
    assert step("answer", {"answer": "Wordt bekeken."}).status_code == 200
    response = step("resolve", {"note": "Opgelost."})
    assert response.status_code == 200
    assert response.json()["status"] == SignalStatus.RESOLVED
    assert response.json()["allowedSteps"] == []
    assert len(response.json()["history"]) == 4

    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:signal-list"), {"status": "open"})
    assert response.status_code == 200
    assert step("resolve", {"note": "x"}).status_code == 400  # already resolved
    other = as_user(south_analyst(cast))  # the same test client, logged in as someone else
    assert other.get(detail).status_code == 404


def test_creating_a_signal(cast: Cast, as_user: Any, regulation: Regulation) -> None:
    client = as_user(cast.grace)
    url = reverse("api:signal-list")
    response = client.post(url, {"title": "", "description": ""}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "title": "Toeslagen",
            "description": "Te laat.",
            "regulation": regulation.pk,
            "organisation": cast.uwv.pk,
            "theme": Theme.BENEFITS,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["regulation"]["citation"] == "Proefwet art. 12"
    assert Signal.objects.get().created_by == cast.grace
    response = client.post(
        url,
        {"title": "x", "description": "y", "municipality": cast.south.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Signal.objects.count() == 1


def test_comparing_municipalities(cast: Cast, as_user: Any, planted: Any) -> None:
    MembershipFactory(
        user=cast.grace,
        role=Role.POLICY_ANALYST,
        municipality=cast.south,
        organisation=cast.wi_south,
    )
    response = as_user(cast.grace).get(reverse("api:insights-comparison"), PERIOD)
    assert response.status_code == 200
    data = response.json()
    north = next(m for m in data["municipalities"] if m["id"] == cast.north.pk)
    assert north["total"] == 9
    housing = next(t for t in north["byTheme"] if t["theme"] == Theme.HOUSING)
    assert housing["count"] is None
    assert_no_personal_data(data)


@pytest.mark.parametrize("persona", ["alice", "dave", "heidi", "mallory"])
def test_outsiders_cannot_change_signals(
    cast: Cast, as_user: Any, signal: Signal, persona: str
) -> None:
    response = as_user(getattr(cast, persona)).post(
        reverse("api:signal-step", args=[signal.pk, "raise"]),
        {"ownerKind": OwnerKind.MINISTRY, "ownerName": "X"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.PROPOSED
