"""Functional administrators keep the postcode → district table of their own municipality."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from doorbraak.households.models import PostcodeArea
from tests.conftest import Cast
from tests.factories import DistrictFactory, PostcodeAreaFactory


def test_an_admin_adds_a_postcode_area_and_overlap_is_refused(as_user: Any, cast: Cast) -> None:
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    client = as_user(cast.ivan)
    url = reverse("admin:households_postcodearea_add")
    data = {"municipality": cast.north.pk, "district": district.pk, "first": 3560, "last": 3561}
    assert client.post(url, data).status_code == 302
    assert PostcodeArea.objects.filter(first=3560).exists()
    response = client.post(url, {**data, "first": 3553, "last": 3555})
    assert response.status_code == 200
    assert not PostcodeArea.objects.filter(first=3553).exists()
    response = client.post(url, {**data, "first": 99, "last": 3555})
    assert response.status_code == 200
    assert PostcodeArea.objects.count() == 2


def test_the_admin_sees_only_the_own_municipality_and_no_other_role_gets_in(
    as_user: Any, cast: Cast
) -> None:
    own = PostcodeAreaFactory(district=DistrictFactory(municipality=cast.north), first=3551)
    other = PostcodeAreaFactory(
        district=DistrictFactory(municipality=cast.south), first=9000, last=9001
    )
    client = as_user(cast.ivan)
    assert (
        client.get(reverse("admin:households_postcodearea_change", args=[own.pk])).status_code
        == 200
    )
    response = client.get(reverse("admin:households_postcodearea_change", args=[other.pk]))
    assert response.status_code in (302, 404)
    assert (
        "9000"
        not in client.get(reverse("admin:households_postcodearea_changelist")).content.decode()
    )
    response = as_user(cast.alice).get(reverse("admin:households_postcodearea_changelist"))
    assert response.status_code in (302, 403)
