"""The free text of the cost catalogue and the law library has a limit, in the admin too.

Both are configuration a functional administrator keeps in the admin: over the limit the
form says so in Dutch and nothing changes; at the limit the text is stored whole.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from django.forms.models import model_to_dict
from django.urls import reverse

from doorbraak.catalogue.models import CostItem
from doorbraak.lib import limits
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.factories import CostItemFactory, RegulationFactory
from tests.limits import database_counts, text, too_long_message


def _post(client: Any, obj: Model, field: str, value: str) -> Any:
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    data = {
        key: ("" if item is None else item)
        for key, item in model_to_dict(obj).items()
        if key not in ("id",)
    }
    data[field] = value
    return client.post(url, data)


@pytest.mark.parametrize(
    ("build", "field", "limit"),
    [
        (lambda cast: CostItemFactory(municipality=cast.north), "note", limits.SHORT_TEXT),
        (lambda cast: RegulationFactory(municipality=cast.north), "description", limits.TEXT),
    ],
    ids=["cost item note", "regulation description"],
)
def test_admin_text_over_its_limit_is_refused_and_at_its_limit_kept(
    as_user: Any, cast: Cast, build: Any, field: str, limit: int
) -> None:
    obj = build(cast)
    model: type[CostItem | Regulation] = type(obj)
    client = as_user(cast.ivan)
    before, stored = database_counts(reads=False), getattr(obj, field)
    response = _post(client, obj, field, text(limit + 1))
    assert response.status_code == 200
    assert too_long_message(limit) in response.content.decode()
    assert database_counts(reads=False) == before
    assert getattr(model.objects.get(pk=obj.pk), field) == stored
    response = _post(client, obj, field, text(limit))
    assert response.status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), field) == text(limit)
