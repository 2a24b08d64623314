"""In real Chromium: Alice finds the huurteam on the social map by need and district, and
points an action of the household's plan at it; no accessibility blockers on the way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import District
from doorbraak.households.models import Household
from doorbraak.plans.models import Action
from tests.browser.conftest import axe_violations
from tests.browser.test_household_flow import submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.plans.builders import draft
from tests.socialmap.test_socialmap import make_service

pytestmark = pytest.mark.django_db(transaction=True)

#: DOORBRAAK_SCREENSHOTS=<dir> keeps screenshots of each page (wide and 390 px) to look at.
SHOTS = os.environ.get("DOORBRAAK_SCREENSHOTS", "")


def look(page: Any, name: str, *, shoot: bool = True) -> None:
    # The pointer stays where the last click was; after an htmx swap it can rest on a button
    # of the new content, whose hover colours axe would then judge.
    page.mouse.move(0, 0)
    assert axe_violations(page) == [], page.url
    assert page.csp_violations == [], page.url
    if SHOTS and shoot:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        assert axe_violations(page) == [], page.url


def test_a_professional_finds_a_service_and_links_it_to_a_plan_action(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    west = District.objects.create(municipality=cast.north, name="West")
    east = District.objects.create(municipality=cast.north, name="Oost")
    huurteam = make_service(
        cast.north,
        "huurteam",
        name="Huurteam West",
        organisation_name="Huurteam Noord",
        domains=("huisvesting", "financien"),
        districts=(west,),
        phone="0999 123 456",
        contact_name="Sanne de Wit",
        waiting_weeks=1,
    )
    make_service(
        cast.north,
        "huurteam-oost",
        name="Huurteam Oost",
        domains=("huisvesting",),
        districts=(east,),
    )
    make_service(cast.north, "taalcafe", name="Taalcafé", domains=("sociaal_netwerk",))
    for n in range(40):
        make_service(cast.north, f"dienst-{n}", name=f"Dienst {n}", domains=("adl",))
    plan = draft(cast, household_a)
    base = live_server.url

    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Sociale kaart"
    ).click()
    look(page, "socialmap-search")
    page.get_by_label("Hulpvraag (leefgebied)").select_option(label="Huisvesting")
    page.get_by_label("Wijk").select_option(label="West")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state("networkidle")
    results = page.locator(".sm-results li")
    assert results.count() == 1
    assert "Huurteam West" in results.first.inner_text()
    look(page, "socialmap-results")

    page.get_by_role("link", name="Huurteam West").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Huurteam West"
    assert "Sanne de Wit" in page.content()
    look(page, "socialmap-service")

    page.goto(f"{base}/plannen/{plan.pk}/")
    page.locator("summary.pl-add__summary").first.click()
    form = page.locator("details.pl-add form").first
    form.get_by_label("Wat").fill("Huur laten controleren door het huurteam")
    form.get_by_label("Wie").select_option("professional")
    form.get_by_label("Voorziening op de sociale kaart").select_option(
        label="Huurteam Noord – Huurteam West"
    )
    form.get_by_label("Klaar op").fill("2030-01-31")
    # No screenshot here: resizing the window under the open form and its focused date
    # field made Chromium report inline styles in the swap that follows (only then).
    look(page, "plan-action-form", shoot=False)
    submit(page, "details.pl-add form")
    action = Action.objects.get(description="Huur laten controleren door het huurteam")
    assert action.service == huurteam
    service_link = page.get_by_role("link", name="Huurteam Noord – Huurteam West")
    assert service_link.is_visible()
    look(page, "plan-with-service")
