"""In real Chromium: registering a bottleneck, a professional sees a similar example and opens it.

A published example of another team shares the regulation and the organisation; while
Alice fills in the bottleneck form the casebook's suggestions (an htmx fragment from
/voorbeelden/suggesties/) show it, and the link opens the example. No accessibility
blockers and no CSP violations on any page visited, on a phone-sized screen too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.households.models import Household
from tests.browser.test_household_flow import assert_accessible
from tests.browser.test_login_flow import log_in
from tests.casebook.builders import make_example
from tests.conftest import Cast
from tests.factories import RegulationFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The time of the last input, change or htmx request or swap on the page.
TRACK_ACTIVITY = """() => {
  window.lastActivity = Date.now();
  const touch = () => { window.lastActivity = Date.now(); };
  for (const name of ["input", "change", "htmx:beforeRequest", "htmx:afterSettle"]) {
    document.addEventListener(name, touch, true);
  }
}"""
QUIET = "() => !document.querySelector('.htmx-request') && Date.now() - window.lastActivity > 1000"


def test_a_professional_registering_a_bottleneck_sees_a_suggested_example(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    regulation = RegulationFactory(citation="Testwet briefadres art. 2", law="Testwet briefadres")
    example = make_example(
        municipality=cast.north,
        team=cast.team_b,
        title="Briefadres zodat de uitkering doorloopt",
        solution="Het buurtteam werd briefadresgever; UWV hervatte de uitkering.",
        regulations=[regulation],
        organisations=[cast.uwv],
    )
    make_example(municipality=cast.north, title="Kinderopvang en werk", solution="Opvang.")

    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/doorbraken/huishouden/{household_a.public_id}/knelpunten/nieuw/")
    page.evaluate(TRACK_ACTIVITY)
    page.fill("#id_title", "Geen uitkering zonder briefadres")
    page.select_option("#id_regulations", [str(regulation.pk)])
    page.select_option("#id_organisations", [str(cast.uwv.pk)])
    suggestions = page.locator("#cb-suggestions")
    link = suggestions.get_by_role("link", name=example.title)
    link.wait_for()
    assert "Kinderopvang" not in suggestions.inner_text()
    # A typed field asks after 600 ms, so "network idle" (500 ms) can come before its
    # request and the click land on a link being swapped out: wait for a quiet second.
    page.wait_for_function(QUIET)
    assert_accessible(page)

    link.click()
    page.wait_for_url(f"**/voorbeelden/{example.pk}/")
    assert "UWV hervatte de uitkering" in page.content()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/voorbeelden/?q=briefadres")
    assert page.get_by_role("link", name=example.title).is_visible()
    page.screenshot(path="var/screenshots/casebook-list-390.png", full_page=True)
    assert_accessible(page)
