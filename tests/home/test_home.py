"""The home page tells each role what it can do, and the menu follows the role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Cast

EXPECTED = {
    # persona: (role label on the page, menu entries present, menu entries absent)
    "alice": ("Buurtteammedewerker", ["Mijn team"], ["Logboek dataverwerkingen", "Beheer"]),
    "carol": ("Teamleider", ["Mijn team"], ["Logboek dataverwerkingen"]),
    "dave": ("Vaste contactpersoon", ["Organisaties en contactpersonen"], ["Mijn team", "Beheer"]),
    "erin": ("Voorzitter doorbraaktafel", [], ["Logboek dataverwerkingen"]),
    "frank": ("Budgethouder", [], ["Logboek dataverwerkingen"]),
    "grace": ("Beleidsadviseur", [], ["Mijn team", "Logboek dataverwerkingen"]),
    "heidi": ("Privacy officer", ["Logboek dataverwerkingen"], ["Mijn team", "Beheer"]),
    "ivan": ("Functioneel beheerder", ["Beheer"], ["Logboek dataverwerkingen"]),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_shows_each_role_what_it_can_do(as_user, cast: Cast, persona: str) -> None:  # type: ignore[no-untyped-def]
    label, present, absent = EXPECTED[persona]
    response = as_user(getattr(cast, persona)).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert label in body
    nav = body.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    for entry in present:
        assert entry in nav
    for entry in absent:
        assert entry not in nav


def test_the_home_page_is_dutch_with_a_skip_link_and_language_switch(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    body = as_user(cast.alice).get(reverse("home")).content.decode()
    assert '<html lang="nl"' in body
    assert 'href="#main"' in body
    assert 'action="/i18n/setlang/"' in body


def test_dutch_is_the_default_whatever_the_browser_asks(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    body = as_user(cast.alice).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert b'<html lang="nl"' in body


def test_the_language_switch_gives_english(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in body
    assert "Neighbourhood-team professional" in body


def test_the_menu_links_follow_the_script_prefix_and_mark_the_current_page(
    cast: Cast,
) -> None:
    """The menu's addresses are reversed once and reused, per URLconf and script prefix."""
    from django.urls import get_script_prefix, set_script_prefix
    from django.utils import translation

    from doorbraak.home.navigation import nav_items_for

    def menu(path: str) -> dict[str, tuple[str, bool]]:
        with translation.override("en"):
            return {str(i.label): (i.url, i.active) for i in nav_items_for(cast.alice, path)}

    items = menu(reverse("households:referral-inbox"))
    assert items["Households"] == (reverse("households:list"), False)
    assert items["Referrals"] == (reverse("households:referral-inbox"), True)
    previous = get_script_prefix()
    expected = "/doorbraak" + reverse("households:list")
    set_script_prefix("/doorbraak/")
    try:
        assert menu("/")["Households"][0] == expected
    finally:
        set_script_prefix(previous)
    assert menu("/")["Households"][0] == reverse("households:list")
