"""In real Chromium: a new worker's whole flow, counted (issue 15, "Tests that must exist").

Referral → intake → consent → assessment → plan → bottleneck → breakthrough with a line →
partner request, as a new social worker clicks through it. A small counter records every
interaction (click, fill, select, check) and every page load (main-frame navigation), and
holds them to the issue's budget of ≤ 45 interactions and ≤ 15 page loads (a new user
needed ~91 / ~27).

After each step the product leads to the next: the household page's next-step panel to the
assessment, the intake assessment to the plan's form (commitment, first goal and action,
agreed in the same submit), the agreed plan back to the household page, the bottleneck to
its page with the breakthrough's form (legal basis, direct cost and engagement at once),
whose line forms are open while it has none. What was written before is offered, never
invented: the weakest domain of the assessment for the first goal, the blocked solution as
the breakthrough's one line, the plan's goal and commitment on its engagement side.

Consent is recorded inline with the partner request (issue 15.4: no detour, nothing typed
lost) and the intake's member is pre-filled from the referral's name, tussenvoegsel
included (15.7). The log-in is not counted: the flow starts on the home page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.assessments.services import domains_for
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    Disclosure,
    EscalationLevel,
    PartnerRequest,
)
from doorbraak.catalogue.models import CostUnit
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    Consent,
    Household,
    ReferralSource,
    Urgency,
)
from doorbraak.library.models import Deviation
from doorbraak.plans.models import ActionOwner, Plan, PlanStatus
from tests.browser.test_household_flow import assert_accessible
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import (
    DistrictFactory,
    PostcodeAreaFactory,
    RegulationFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: The issue's budget for the whole flow: ≤ 45 interactions and ≤ 15 page loads. The flow
#: takes what MAX_* say (from ~91 / ~27, then 64 / 19); no change may make it longer again.
BUDGET_INTERACTIONS, BUDGET_PAGE_LOADS = 45, 15
MAX_INTERACTIONS = 45
MAX_PAGE_LOADS = 11


@dataclass
class Counted:
    """The page, with every interaction and every main-frame navigation counted."""

    page: Any
    interactions: int = 0
    page_loads: int = 0
    steps: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.page_loads += 1
            self.steps.append(f"load {frame.url}")

    def _count(self, what: str) -> None:
        self.interactions += 1
        self.steps.append(what)

    def click(self, selector: str) -> None:
        self._count(f"click {selector}")
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state("load")

    def fill(self, selector: str, value: str) -> None:
        self._count(f"fill {selector}")
        self.page.fill(selector, value)

    def select(self, selector: str, value: str | list[str]) -> None:
        self._count(f"select {selector}")
        self.page.select_option(selector, value)

    def check(self, selector: str) -> None:
        self._count(f"check {selector}")
        self.page.check(selector)

    def submit(self, form: str) -> None:
        """Click the form's submit button and wait for the answer (a page, or htmx settled)."""
        self._count(f"submit {form}")
        with self.page.expect_response(lambda response: response.request.method == "POST"):
            self.page.locator(f"{form} button[type=submit]").first.click()
        self.page.wait_for_load_state("networkidle")
        busy = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        for _ in range(100):
            if not self.page.evaluate(busy):
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("htmx did not settle")


def test_a_new_worker_goes_from_referral_to_partner_request_within_budget(
    page: Any, live_server: Any, cast: Cast
) -> None:
    base = live_server.url
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    # Our own rows: in a transactional test the seeded library may have been flushed.
    regulation = RegulationFactory(
        law="Testwet dringende redenen",
        article="16",
        citation="Testwet dringende redenen art. 16",
        deviation=Deviation.HARDSHIP,
    )
    referral = household_services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.HIGH,
        reason="Huurachterstand; de WW stopt bij verhuizing naar een briefadres.",
        resident_name="Cato de Boer",
        postcode="3552 AB",
        house_number=12,
    )

    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    flow = Counted(page)

    # --- referral → intake (the name arrives split: Cato, de, Boer) ---------------------------
    # The home page's work list shows the new referral: one click to it.
    flow.click(f"main a[href$='/aanmeldingen/{referral.pk}/']")
    flow.click(f"a[href$='/aanmeldingen/{referral.pk}/intake/']")
    assert page.input_value("#id_leden-0-first_name") == "Cato"
    assert page.input_value("#id_leden-0-infix") == "de"
    assert page.input_value("#id_leden-0-last_name") == "Boer"
    flow.fill("#id_street", "Kaatstraat")
    flow.fill("#id_city", "Demostad")
    flow.fill("#id_leden-0-birth_date", "1988-02-11")
    flow.submit("main form.hh-form")
    household = Household.objects.get()
    page.wait_for_url(f"**/huishoudens/{household.public_id}/")
    assert "Cato de Boer" in page.content()

    # --- assessment, from the household page's next-step panel ---------------------------------
    flow.click(
        f"section.ns-panel a[href$='/zelfredzaamheid/huishouden/{household.public_id}/nieuw/']"
    )
    for index, domain in enumerate(domains_for(cast.north)):
        flow.check(f"input[name=domain_{domain.pk}][value='{2 if index < 4 else 4}']")
    if not page.locator("input[name=kind]:checked").count():
        flow.check("input[name=kind]")
    flow.submit("main form")
    assert household.assessments.count() == 1

    # --- plan: after the intake its form; commitment, first goal and action, agreed at once ----
    page.wait_for_url(f"**/plannen/huishouden/{household.public_id}/nieuw/")
    flow.fill("#id_commitment", "Cato belt zelf de corporatie voor een betalingsregeling.")
    # The first goal is offered on the domain the assessment scored lowest (the first of the
    # four scored 2).
    assert page.input_value("#id_goal_domain") == str(domains_for(cast.north)[0].pk)
    flow.fill("#id_goal_description", "De huurachterstand is binnen zes maanden afgelost.")
    flow.fill("#id_action_description", "Betalingsregeling afspreken")
    # The first action is the household's own unless the worker chooses otherwise.
    assert page.input_value("#id_action_owner") == "huishouden"
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    flow.fill("#id_action_due_on", due)
    flow.submit("main form.pl-form")  # "Save and agree with the household"
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.AGREED
    goal = plan.goals.get()
    action = plan.actions.get()
    assert (goal.domain, action.goal, action.owner) == (
        domains_for(cast.north)[0],
        goal,
        ActionOwner.HOUSEHOLD,
    )
    assert plan.commitment.startswith("Cato belt zelf")

    # --- bottleneck (from the household page, where the agreed plan leads) --------------------
    page.wait_for_url(f"**/huishoudens/{household.public_id}/")
    flow.click("a[href$='/knelpunten/nieuw/']")
    flow.fill("#id_title", "Geen uitkering zonder adres, geen huis zonder inkomen")
    flow.fill("#id_description", "Zonder woonadres stopt de WW; zonder WW geen huurwoning.")
    flow.select("#id_theme", "inkomen")
    flow.select("#id_kind", "regels_botsen")
    flow.fill("#id_blocked_solution", "Een briefadres met doorlopende WW.")
    flow.submit("main form")
    bottleneck = Bottleneck.objects.get()
    page.wait_for_url(f"**/doorbraken/knelpunten/{bottleneck.pk}/")

    # --- breakthrough with its value triangle in one form, then a line -------------------------
    # What was written before is offered: the blocked solution as the breakthrough's one
    # line, and on the engagement side the agreed plan's goal and the household's commitment.
    assert page.input_value("#id_title") == "Een briefadres met doorlopende WW."
    assert page.input_value("#id_engagement") == goal.description
    assert page.input_value("#id_household_commitment") == plan.commitment
    flow.fill("#id_proposal", "UWV laat de WW doorlopen op het briefadres tot de huurwoning.")
    flow.select("#id_regulation", str(regulation.pk))
    flow.fill("#id_legal_reasoning", "Zeer dringende redenen: zonder adres raakt zij dakloos.")
    flow.fill("#id_direct_cost", "250")
    flow.submit("form[action$='/doorbraak/nieuw/']")
    breakthrough = Breakthrough.objects.get()
    page.wait_for_url(f"**/doorbraken/{breakthrough.pk}/")
    assert breakthrough.regulation_id == regulation.pk
    assert breakthrough.legal_reasoning.startswith("Zeer dringende redenen")
    assert breakthrough.direct_cost_cents == 25_000
    assert breakthrough.title == "Een briefadres met doorlopende WW."
    assert breakthrough.engagement == goal.description
    assert breakthrough.household_commitment == plan.commitment
    # A household-specific line: the father's travel costs, from the household's own figures.
    # Without lines yet the form is open; its unit is "per month" unless changed.
    assert page.input_value("#id_own_unit") == CostUnit.MONTH
    flow.fill("#id_own_description", "Reiskosten vader naar het werk")
    flow.fill("#id_own_amount", "172,50")
    flow.fill("#id_own_quantity", "12")
    flow.submit("form[action$='/scenario/eigen/']")
    line = breakthrough.scenario_lines.get()
    assert line.is_own
    assert line.own_amount_cents == 17_250
    assert line.own_unit == CostUnit.MONTH
    flow.submit("form[action$='/indienen/']")
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.SUBMITTED

    # --- partner request, consent recorded inline ---------------------------------------------
    assert "toestemming van het huishouden" not in page.input_value("#id_request_legal_basis")
    flow.select("#id_request_organisation", str(cast.uwv.pk))
    flow.fill("#id_request_question", "Mag de WW doorlopen op een briefadres?")
    flow.check("#id_request_consent_now")
    # The head of the household is chosen already as the one who consents.
    assert page.input_value("#id_request_consent_given_by") == str(household.members.get().pk)
    flow.submit("form[action$='/verzoek/']")
    request = PartnerRequest.objects.get()
    assert request.organisation == cast.uwv
    consent = Consent.objects.get(household=household)
    assert Disclosure.objects.get().consent == consent
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.PARTNER
    assert_accessible(page)

    print(
        f"\nwhole flow: {flow.interactions} interactions, {flow.page_loads} page loads\n"
        + "\n".join(flow.steps)
    )
    assert flow.interactions <= MAX_INTERACTIONS <= BUDGET_INTERACTIONS, flow.interactions
    assert flow.page_loads <= MAX_PAGE_LOADS <= BUDGET_PAGE_LOADS, flow.page_loads
