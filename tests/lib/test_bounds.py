"""Integers from outside: a Dutch 400 or "not a valid choice", never a 500 (both databases)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
import yaml
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse

import doorbraak
from doorbraak.accounts.models import Organisation
from doorbraak.breakthroughs.models import Bottleneck
from doorbraak.households.models import Household, PostcodeArea
from tests.conftest import Cast
from tests.factories import DistrictFactory

HUGE = 99999999999999999999
NEGATIVE_HUGE = -12534531514185623214147764224


@pytest.mark.parametrize("value", [HUGE, NEGATIVE_HUGE, 2**63, 2**31])
def test_a_lookup_of_ids_no_column_can_hold_finds_nothing(db: None, value: int) -> None:
    assert list(Organisation.objects.filter(pk__in=[value])) == []
    assert list(Bottleneck.objects.filter(organisations__in=[value, 1])) == []


def test_the_bottleneck_api_refuses_ids_out_of_range_in_dutch(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    url = reverse("api:bottleneck-list", args=[household_a.public_id])
    body = {
        "title": "Toeslag en schuld botsen",
        "description": "",
        "theme": "inkomen",
        "kind": "regels_botsen",
        "blockedSolution": "",
        "organisations": [NEGATIVE_HUGE],
        "regulations": [HUGE],
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    reasons = {param["name"]: param["reason"] for param in response.json()["invalidParams"]}
    assert "groter is dan of gelijk is aan 1" in reasons["organisations.0"]
    assert "kleiner is dan of gelijk is aan" in reasons["regulations.0"]
    assert not Bottleneck.objects.exists()


def test_the_bottleneck_form_refuses_an_id_out_of_range_as_no_valid_choice(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    url = reverse("breakthroughs:bottleneck-create", args=[household_a.public_id])
    response = client.post(
        url,
        {
            "title": "Toeslag en schuld botsen",
            "description": "Beschrijving",
            "theme": "inkomen",
            "kind": "regels_botsen",
            "blocked_solution": "Oplossing",
            "regulations": [str(HUGE)],
            "organisations": [str(NEGATIVE_HUGE)],
        },
    )
    assert response.status_code == 200
    assert "geen beschikbare keuze" in response.content.decode()
    assert not Bottleneck.objects.exists()


def _request_integers_without_a_range() -> list[str]:
    schema = yaml.safe_load((settings.REPO_DIR / "docs" / "openapi.yaml").read_text())
    components = schema["components"]["schemas"]
    missing: list[str] = []

    def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str]:
        ref = node.get("$ref", "")
        return (components[ref.rsplit("/", 1)[-1]], ref) if ref else (node, "")

    def walk(node: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        resolved, ref = resolve(node)
        if ref in seen or resolved.get("readOnly"):
            return
        seen = seen | {ref} if ref else seen
        if resolved.get("type") == "integer" and not {"minimum", "maximum"} <= set(resolved):
            missing.append(where)
        for name, child in (resolved.get("properties") or {}).items():
            walk(child, f"{where}.{name}", seen)
        if "items" in resolved:
            walk(resolved["items"], f"{where}[]", seen)
        for combined in ("allOf", "oneOf", "anyOf"):
            for child in resolved.get(combined, []):
                walk(child, where, seen)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":  # path ids are matched by exact lookups: a 404
                    walk(
                        parameter["schema"],
                        f"{method.upper()} {path}?{parameter['name']}",
                        seen=frozenset(),
                    )
            body = operation.get("requestBody") or {}
            for content in body.get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path}", frozenset())
    return sorted(set(missing))


def test_every_integer_of_a_request_body_or_query_has_a_range() -> None:
    assert _request_integers_without_a_range() == []


def _forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(doorbraak.__path__, "doorbraak."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)

    def below(cls: type[forms.BaseForm]) -> list[type[forms.BaseForm]]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return [cls for cls in below(forms.BaseForm) if cls.__module__.startswith("doorbraak.")]


def test_every_integer_of_a_form_has_a_range() -> None:
    """On the form field, or (a model form) on the model field the value is written to."""
    unbounded = []
    for form in _forms():
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.IntegerField) or isinstance(
                field, forms.DecimalField | forms.FloatField
            ):
                continue
            validators = list(field.validators)
            model = getattr(getattr(form, "_meta", None), "model", None)
            if model is not None and name in {f.name for f in model._meta.fields}:
                validators += model._meta.get_field(name).validators
            kinds = {type(v) for v in validators}
            if not {MinValueValidator, MaxValueValidator} <= kinds:
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unbounded == []


def test_an_admin_number_out_of_range_is_refused_with_a_message(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    district = DistrictFactory(municipality=cast.north)
    response = client.post(
        reverse("admin:households_postcodearea_add"),
        {"municipality": cast.north.pk, "district": district.pk, "first": 1000, "last": HUGE},
    )
    assert response.status_code == 200
    assert "van 1000 tot 9999" in response.content.decode()
    assert not PostcodeArea.objects.exists()
