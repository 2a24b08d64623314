"""Names with an apostrophe ("van 't Riet") on the pages and in the admin's choices.

The factories leave such surnames out so that tests can look for a name in a page as it is
(see ``tests/factories.py``); this module shows them on purpose, as the households and
colleagues of a real municipality have them.
"""

from __future__ import annotations

import html
from typing import Any

from django.urls import reverse

from doorbraak.households.models import Household, MemberRole
from tests.conftest import Cast
from tests.factories import MemberFactory


def test_a_member_named_van_t_riet_is_shown_whole_on_the_household_page(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    MemberFactory(
        household=household_a,
        role=MemberRole.OTHER_ADULT,
        first_name="Anouk",
        last_name="van 't Riet",
    )
    body = as_user(cast.alice).get(reverse("households:detail", args=[household_a.public_id]))
    text = body.content.decode()
    assert html.escape("Anouk van 't Riet") in text
    assert "van &amp;#x27;t" not in text  # escaped once, not twice


def test_a_colleague_named_van_t_riet_is_offered_by_name_in_the_admin(
    as_user: Any, cast: Cast
) -> None:
    cast.alice.first_name, cast.alice.last_name = "Anouk", "van 't Riet"
    cast.alice.save(update_fields=["first_name", "last_name"])
    page = as_user(cast.ivan).get(reverse("admin:funds_mandaterule_add")).content.decode()
    assert html.escape("Anouk van 't Riet") in page
    assert html.escape(str(cast.mallory)) not in page
