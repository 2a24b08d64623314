"""In real Chromium: the assessment matrix and the value triangle, at 1280 and 390 px.

The assessment form is one row per life domain: the 11 ZRM domains fit within three
screens at 1280 px (it was 6,800 px tall), nothing scrolls sideways at 390 px, and the
level text of the chosen score shows beside it without a script. The breakthrough page
shows the value triangle and the return per payer as SVG, the checklist follows an added
household-specific line, and no column is cut off. axe finds nothing serious or critical.

DOORBRAAK_SCREENSHOTS=<dir> keeps a screenshot of each page (1280 and 390 px) to look at.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.assessments.models import Assessment
from doorbraak.assessments.services import domains_for
from doorbraak.breakthroughs.models import ScenarioLine
from doorbraak.households.models import Household
from tests.breakthroughs.builders import at_table, complete, draft, give_consent, send, submitted
from tests.browser.conftest import axe_violations
from tests.browser.test_household_flow import submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("DOORBRAAK_SCREENSHOTS", "")
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}


def assert_accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url
    assert page.csp_violations == [], page.url


def page_size(page: Any) -> dict[str, int]:
    return page.evaluate(  # type: ignore[no-any-return]
        "() => ({height: document.documentElement.scrollHeight,"
        " width: document.documentElement.scrollWidth,"
        " viewport: document.documentElement.clientWidth})"
    )


def look(page: Any, name: str) -> None:
    """At 390 px nothing scrolls sideways; with SHOTS set, keep both widths as screenshots."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    page.set_viewport_size(NARROW)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
    size = page_size(page)
    # What sticks out, and the nearest ancestor that clips it, to name the culprit.
    wide = page.evaluate(
        "() => { const w = document.documentElement.clientWidth + 1;"
        " return [...document.body.querySelectorAll('*')]"
        ".filter(e => e.getBoundingClientRect().right > w && !e.closest('.db-table-wrap'))"
        ".slice(0, 10).map(e => { let a = e.parentElement; while (a && getComputedStyle(a)"
        ".overflowX === 'visible') a = a.parentElement;"
        " return e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)"
        " + ' clipped by ' + (a ? a.tagName + '.' + a.className + ' '"
        " + Math.round(a.getBoundingClientRect().right) : 'nothing'); }); }"
    )
    print("\n".join(wide))
    assert size["width"] <= size["viewport"], (name, size)
    assert_accessible(page)
    page.set_viewport_size(WIDE)


def test_the_assessment_matrix_fits_and_shows_the_chosen_level(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    page.set_viewport_size(WIDE)
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    domains = domains_for(cast.north)
    assert len(domains) == 11

    page.goto(f"{base}/zelfredzaamheid/huishouden/{household_a.public_id}/nieuw/")
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/assessment-empty.png", full_page=True)
    # Eleven domains within three screens at 1280 px (relative to the viewport, no timing).
    assert page_size(page)["height"] <= 3 * WIDE["height"], page_size(page)
    first = domains[0]
    row = page.locator(f"#za-domain-{first.pk}")
    assert row.locator("legend").inner_text().strip() == first.name
    assert row.locator(".za-chosen--3").is_hidden()
    page.check(f"input[name=domain_{first.pk}][value='3']")
    assert row.locator(".za-chosen--3").is_visible()
    assert first.level(3) in row.locator(".za-chosen--3").inner_text()
    # All levels one click away.
    row.locator(".za-levels__summary").click()
    assert row.locator(".za-levels__list li").count() == 5
    for index, domain in enumerate(domains):
        page.check(f"input[name=domain_{domain.pk}][value='{2 if index < 4 else 4}']")
    page.select_option(f"#id_self_{first.pk}", "3")
    page.locator("input[name=kind]").first.check()
    assert page.locator(".za-live").is_visible()  # the script's live count: an enhancement
    assert_accessible(page)
    look(page, "assessment-matrix")

    submit(page, "main form")
    assessment = Assessment.objects.get()
    assert assessment.classification == "oranje"
    assert assessment.scores.get(domain=first).self_score == 3


def test_the_value_triangle_at_a_glance_with_an_own_line(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    breakthrough = complete(cast, draft(cast, household_a), lines=3)
    page.set_viewport_size(WIDE)
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/doorbraken/{breakthrough.pk}/")
    assert page.locator("svg.bt-triangle-svg").count() == 1
    assert page.locator("svg.bt-payer-svg").count() == 1
    assert_accessible(page)
    assert "€ -" not in page.content()

    page.locator("summary#bt-own-line-new").click()
    page.check("#id_own_scenario_1")
    page.fill("#id_own_description", "Busabonnement vader naar werk")
    page.fill("#id_own_amount", "98,50")
    page.select_option("#id_own_unit", "maand")
    page.select_option("#id_own_payer", "huishouden")
    page.fill("#id_own_quantity", "12")
    page.fill("#id_own_source", "Tarief van de vervoerder")
    submit(page, "form[action$='/scenario/eigen/']")
    assert ScenarioLine.objects.filter(own_description="Busabonnement vader naar werk").exists()
    assert "Busabonnement vader naar werk" in page.locator("#bt-return").inner_text()
    assert page.locator("#bt-summary").count() == 1
    assert page.locator("#bt-checklist").count() == 1
    assert_accessible(page)

    # No column of the payer table is cut off at 1280 px.
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.db-table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
    )
    assert clipped == 0
    look(page, "value-triangle")


def _no_clipped_tables(page: Any) -> None:
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.db-table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
    )
    assert clipped == 0, page.url


def test_the_partner_sees_the_triangle_and_every_column(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    breakthrough = submitted(cast, household_a, lines=3)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    page.set_viewport_size(WIDE)
    log_in(page, base, "dave", TOTPDevice.objects.get(user=cast.dave))
    page.wait_for_url(f"{base}/**")
    page.goto(f"{base}{reverse('partners:request-detail', args=[request.pk])}")
    assert page.locator("svg.bt-triangle-svg").count() == 1
    assert page.locator("svg.bt-payer-svg").count() == 1
    _no_clipped_tables(page)  # "Met de doorbraak" and "Winst" were cut off
    assert_accessible(page)
    look(page, "partner-request")


def test_the_chair_sees_the_triangle_and_the_payers(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    breakthrough = at_table(cast, household_a)
    page.set_viewport_size(WIDE)
    log_in(page, base, "erin", TOTPDevice.objects.get(user=cast.erin))
    page.wait_for_url(f"{base}/**")
    page.goto(f"{base}{reverse('breakthroughs:table-item', args=[breakthrough.pk])}")
    assert page.locator("svg.bt-triangle-svg").count() == 1
    assert page.locator("svg.bt-payer-svg").count() == 1
    _no_clipped_tables(page)
    assert_accessible(page)
    look(page, "chair-item")
