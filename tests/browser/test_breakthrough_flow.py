"""In real Chromium: a bottleneck and its breakthrough climb the escalation route.

Alice registers where the rules clash and proposes a breakthrough with its value triangle;
UWV's fixed contact person declines; the deadline passes and the background sweep moves
the case to the breakthrough table, where the chair finds it — minimised. No
accessibility blockers and no CSP violations on any page visited.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
)
from doorbraak.breakthroughs.services import escalation_sweep
from doorbraak.catalogue.models import CostUnit, Payer
from doorbraak.households import services as household_services
from doorbraak.households.models import ConsentMethod, ConsentPurpose, Household
from doorbraak.lib.workdays import add_working_days
from doorbraak.library.models import Deviation
from tests.browser.test_household_flow import assert_accessible, submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import CostItemFactory, RegulationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def nav(page: Any, name: str) -> None:
    """Follow a main-menu link and wait until its page has loaded.

    Without the wait, ``page.content()`` right after the click may read the document
    while the navigation is still under way (an empty string): a flaky test.
    """
    link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    )
    href = link.get_attribute("href")
    assert href, f"menu link {name!r} has no href"
    link.click()
    page.wait_for_url(f"**{href.split('?')[0]}*", wait_until="load")


def test_a_declined_breakthrough_reaches_the_breakthrough_table(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    # Our own row: in a transactional test the seeded library may have been flushed.
    regulation = RegulationFactory(
        law="Testwet dringende redenen",
        article="16",
        citation="Testwet dringende redenen art. 16",
        deviation=Deviation.HARDSHIP,
    )
    shelter = CostItemFactory(
        name="Maatschappelijke opvang", unit=CostUnit.YEAR, amount_cents=2_300_000
    )
    CostItemFactory(
        name="Bijstand", unit=CostUnit.MONTH, amount_cents=134_500, payer=Payer.NATIONAL
    )
    household_services.consent_give(
        actor=cast.alice,
        household=household_a,
        given_by=household_a.members.first(),
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        recipient=cast.uwv,
        method=ConsentMethod.WRITTEN,
        given_on=timezone.localdate(),
        valid_until=None,
    )

    # --- the professional: bottleneck and breakthrough ----------------------------------------
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/huishoudens/{household_a.public_id}/")
    page.locator("a[href$='/knelpunten/nieuw/']").click()
    assert_accessible(page)
    page.fill("#id_title", "Geen uitkering zonder adres, geen huis zonder inkomen")
    page.fill("#id_description", "Mevrouw slaapt bij vrienden en heeft geen woonadres.")
    page.select_option("#id_theme", "inkomen")
    page.select_option("#id_kind", "regels_botsen")
    page.fill("#id_blocked_solution", "Een briefadres en bijstand, zodat zij kan huren.")
    page.select_option("#id_regulations", [str(regulation.pk)])
    page.select_option("#id_organisations", [str(cast.uwv.pk)])
    submit(page, "main form")
    bottleneck = Bottleneck.objects.get()
    page.wait_for_url(f"**/doorbraken/knelpunten/{bottleneck.pk}/")
    assert_accessible(page)
    # The blocked solution is offered as the breakthrough's one line; the value triangle
    # is given in the same form.
    assert page.input_value("#id_title") == "Een briefadres en bijstand, zodat zij kan huren."
    page.fill("#id_title", "Briefadres en bijstand vóór de huurwoning")
    page.fill("#id_proposal", "De gemeente geeft een briefadres en start de bijstand direct.")
    page.fill("#id_direct_cost", "-5")
    submit(page, "form[action$='/doorbraak/nieuw/']")
    assert page.locator("[data-error-summary]").count() == 1
    assert not Breakthrough.objects.exists()
    assert_accessible(page)
    page.select_option("#id_regulation", str(regulation.pk))
    page.fill("#id_legal_reasoning", "Zeer dringende redenen: zonder adres raakt zij dakloos.")
    page.fill("#id_direct_cost", "250")
    page.fill("#id_engagement", "Mevrouw regelt zelf haar inschrijving en zoekt werk.")
    page.fill("#id_household_commitment", "Ik ga elke week naar het inloopspreekuur.")
    submit(page, "main form")
    breakthrough = Breakthrough.objects.get()
    page.wait_for_url(f"**/doorbraken/{breakthrough.pk}/")
    assert (breakthrough.regulation_id, breakthrough.direct_cost_cents) == (regulation.pk, 25_000)
    assert_accessible(page)

    # The edit page still changes the draft.
    page.locator(f"a[href$='/doorbraken/{breakthrough.pk}/wijzigen/']").first.click()
    assert_accessible(page)
    page.fill("#id_horizon_months", "24")
    submit(page, "main form")
    page.wait_for_url(f"**/doorbraken/{breakthrough.pk}/")
    breakthrough.refresh_from_db()
    assert breakthrough.horizon_months == 24
    # Without lines yet, the line forms are open.
    page.check("#id_line_scenario input[value=status_quo]")
    page.select_option("#id_line_cost_item", str(shelter.pk))
    page.fill("#id_line_quantity", "0,5")
    page.fill("#id_line_probability_pct", "60")
    submit(page, "form[action$='/scenario/nieuw/']")
    assert breakthrough.scenario_lines.count() == 1
    assert "6.900,00" in page.content()  # € 23.000 × 0,5 × 60%
    assert_accessible(page)
    submit(page, "form[action$='/indienen/']")
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.SUBMITTED

    page.select_option("#id_request_organisation", str(cast.uwv.pk))
    page.fill("#id_request_question", "Kan de uitkering starten op een briefadres?")
    submit(page, "form[action$='/verzoek/']")
    request = PartnerRequest.objects.get()
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.PARTNER
    assert_accessible(page)
    page.context.clear_cookies()

    # --- the partner's contact person declines ------------------------------------------------
    log_in(page, base, "dave", TOTPDevice.objects.get(user=cast.dave))
    page.wait_for_url(f"{base}/")
    nav(page, "Verzoeken aan mijn organisatie")
    assert_accessible(page)
    page.locator(f"a[href$='/partners/verzoeken/{request.pk}/']").click()
    page.wait_for_url(f"**/partners/verzoeken/{request.pk}/", wait_until="load")
    assert "Kan de uitkering starten op een briefadres?" in page.content()
    assert_accessible(page)
    page.locator("input[name=status][value=afgewezen]").check()
    page.fill("textarea[name=answer]", "Onze landelijke regels laten dit niet toe.")
    submit(page, "form[action$='/antwoord/']")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert_accessible(page)
    page.context.clear_cookies()

    # --- the deadline passes: the daily sweep escalates -----------------------------------------
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.PARTNER
    deadline = breakthrough.level_deadline
    assert isinstance(deadline, datetime.date)
    assert escalation_sweep(today=add_working_days(deadline, 1))["escalated"] == 1
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE

    # --- the chair finds it on the breakthrough table's queue -----------------------------------
    log_in(page, base, "erin", TOTPDevice.objects.get(user=cast.erin))
    page.wait_for_url(f"{base}/")
    nav(page, "Wacht op de tafel")
    body = page.content()
    assert "Geen uitkering zonder adres" in body
    assert household_a.name not in body
    assert household_a.street not in body
    assert_accessible(page)
