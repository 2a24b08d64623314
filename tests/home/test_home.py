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


def test_the_cards_are_the_menu_entries_and_roles_in_the_language_of_the_page(
    cast: Cast,
) -> None:
    """The cards are rendered once per set of cards and language (``home_cards_html``):
    each language gets its own, and what they show is escaped."""
    from django.utils import translation

    from doorbraak.home.navigation import NavItem, home_cards_html, nav_items_for, role_cards_for

    with translation.override("nl"):
        dutch = home_cards_html(nav_items_for(cast.alice, "/"), role_cards_for(cast.alice))
        assert home_cards_html(nav_items_for(cast.alice, "/"), role_cards_for(cast.alice)) is dutch
    with translation.override("en"):
        english = home_cards_html(nav_items_for(cast.alice, "/"), role_cards_for(cast.alice))
    assert "Wat u hier kunt doen" in dutch
    assert "Buurtteammedewerker" in dutch
    assert f'href="{reverse("households:list")}">Huishoudens</a>' in dutch
    assert "What you can do here" in english
    assert "Neighbourhood-team professional" in english
    odd = NavItem("<b>Lijst</b>", "/x/?a=1&b=2", False, "Een & twee")
    with translation.override("nl"):
        html = home_cards_html([odd], [("<i>Rol</i>", "Uitleg")])
    assert "&lt;b&gt;Lijst&lt;/b&gt;" in html
    assert 'href="/x/?a=1&amp;b=2"' in html
    assert "Een &amp; twee" in html
    assert "&lt;i&gt;Rol&lt;/i&gt;" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_work_items_day_is_written_as_the_date_filter_writes_it(language: str) -> None:
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    from doorbraak.home.worklist import WorkItem

    filtered = Template('{{ day|date:"DATE_FORMAT" }}|{{ day|date:"Y-m-d" }}')
    with translation.override(language):
        for day in (datetime.date(2026, 3, 1), datetime.date(2026, 10, 31)):
            item = WorkItem(label="x", url="/", due=day)
            assert f"{item.due_text}|{item.due_iso}" == filtered.render(Context({"day": day}))
    assert WorkItem(label="x", url="/").due_text == ""
