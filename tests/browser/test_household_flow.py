"""In real Chromium: "Mevrouw Zwart" from referral to an agreed plan, with no a11y blockers.

A housing corporation's contact person refers Mrs Zwart for rent arrears (Voorkom
Huisuitzetting). Alice of the neighbourhood team accepts the referral with an intake,
records consent, assesses the household, makes one plan with the household's own
commitment, agrees it and downloads the PDF for the household.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import OrganisationKind, Role
from doorbraak.assessments.models import Assessment
from doorbraak.assessments.services import domains_for
from doorbraak.households.models import Consent, Household, Referral, ReferralStatus
from doorbraak.plans.models import Plan, PlanStatus
from tests.browser.conftest import axe_violations
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    OrganisationFactory,
    PostcodeAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url
    assert page.csp_violations == [], page.url


def submit(page: Any, form: str) -> None:
    """Submit and wait until the answer is on screen: a new page, or htmx's swap settled."""
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    # (wait_for_function would need 'unsafe-eval', which our CSP rightly refuses.)
    busy = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    for _ in range(100):
        if not page.evaluate(busy):
            return
        page.wait_for_timeout(50)
    raise AssertionError("htmx did not settle")


def test_mevrouw_zwart_from_referral_to_an_agreed_plan(
    page: Any, live_server: Any, cast: Cast
) -> None:
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    corporation = OrganisationFactory(
        name="Woonstede", kind=OrganisationKind.HOUSING_CORPORATION, municipality=cast.north
    )
    wendy = UserFactory(username="wendy")
    MembershipFactory(
        user=wendy,
        role=Role.PARTNER_CONTACT,
        organisation=corporation,
        municipality=cast.north,
    )
    base = live_server.url

    # --- the housing corporation refers -------------------------------------------------
    log_in(page, base, "wendy", TOTPDevice.objects.create(user=wendy, name="app", confirmed=True))
    page.wait_for_url(f"{base}/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Huishouden aanmelden"
    ).click()
    assert_accessible(page)
    page.select_option("#id_source", "woningcorporatie")
    page.select_option("#id_source_organisation", str(corporation.pk))
    page.check("#id_urgency_1")
    page.fill("#id_reason", "Huurachterstand van drie maanden; ontruiming dreigt.")
    page.fill("#id_resident_name", "Mevrouw Zwart")
    page.fill("#id_postcode", "3552ab")
    page.fill("#id_house_number", "12")
    submit(page, "main form")
    page.wait_for_url("**/aanmeldingen/mijn/")
    assert "Mevrouw Zwart" in page.content()
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.team == cast.team_a
    page.context.clear_cookies()

    # --- the team accepts with an intake --------------------------------------------------
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Aanmeldingen", exact=True
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Mevrouw Zwart").click()
    assert_accessible(page)
    page.locator(f"a[href$='/aanmeldingen/{referral.pk}/intake/']").click()
    assert_accessible(page)
    page.fill("#id_street", "Kaatstraat")
    page.fill("#id_city", "Demostad")
    page.fill("#id_leden-0-first_name", "Anja")
    page.fill("#id_leden-0-last_name", "Zwart")
    page.fill("#id_leden-0-birth_date", "1971-05-03")
    page.select_option("#id_leden-0-role", "hoofd")
    page.fill("#id_leden-0-bsn", "111222333")
    submit(page, "main form.hh-form")
    household = Household.objects.get()
    page.wait_for_url(f"**/huishoudens/{household.public_id}/")
    assert "111222333" not in page.content()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    # --- consent to discuss at the breakthrough table -------------------------------------
    # The household page's next step: without consent, recording it comes first.
    page.locator(f".ns-next a[href$='/{household.public_id}/toestemmingen/nieuw/']").click()
    assert_accessible(page)
    head = household.members.get()
    page.select_option("#id_given_by", str(head.pk))
    page.select_option("#id_purpose", "doorbraaktafel")
    page.select_option("#id_recipient", str(cast.team_a.organisation.pk))
    page.check("#id_method_1")
    submit(page, "main form")
    page.wait_for_url(f"**/huishoudens/{household.public_id}/")
    assert Consent.objects.filter(household=household).count() == 1

    # --- the assessment ------------------------------------------------------------------
    page.goto(f"{base}/zelfredzaamheid/huishouden/{household.public_id}/nieuw/")
    assert_accessible(page)
    for index, domain in enumerate(domains_for(cast.north)):
        page.check(f"input[name=domain_{domain.pk}][value='{2 if index < 4 else 4}']")
    page.locator("input[name=kind]").first.check()
    submit(page, "main form")
    print(
        page.url,
        page.locator(".utrecht-form-field-error-message, .utrecht-alert").all_inner_texts(),
    )
    assessment = Assessment.objects.get()
    assert assessment.classification == "oranje"
    assert_accessible(page)
    page.goto(f"{base}/zelfredzaamheid/huishouden/{household.public_id}/")
    assert page.locator("svg").count() >= 11
    assert_accessible(page)

    # --- one plan, agreed with the household ----------------------------------------------
    # After the intake the plan's form: commitment, first goal and its action in one form.
    page.goto(f"{base}/plannen/huishouden/{household.public_id}/nieuw/")
    assert_accessible(page)
    # The first goal is offered on the weakest domain of the assessment.
    assert page.input_value("#id_goal_domain") == str(domains_for(cast.north)[0].pk)
    save_as_draft = "main form.pl-form button[type=submit]:not([name=agree])"
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(save_as_draft).click()
    page.wait_for_load_state("load")
    assert page.locator("[data-error-summary]").count() == 1
    assert not Plan.objects.exists()
    assert_accessible(page)
    page.fill("#id_commitment", "Mevrouw Zwart belt zelf de woningcorporatie voor een regeling.")
    page.fill("#id_goal_description", "De huurachterstand is binnen zes maanden afgelost.")
    page.fill("#id_action_description", "Betalingsregeling afspreken")
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    page.fill("#id_action_due_on", due)
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(save_as_draft).click()
    plan = Plan.objects.get()
    page.wait_for_url(f"**/plannen/{plan.pk}/")
    assert plan.status == PlanStatus.DRAFT
    assert_accessible(page)
    goal = plan.goals.get()
    page.locator(f"details:has(#id_action_{goal.pk}_description) summary").click()
    page.fill(f"#id_action_{goal.pk}_description", "Huurtoeslag aanvragen")
    page.select_option(f"#id_action_{goal.pk}_owner", "professional")
    page.fill(f"#id_action_{goal.pk}_due_on", due)
    submit(page, f"form[action$='/doelen/{goal.pk}/acties/nieuw/']")
    assert plan.goals.get().actions.count() == 2
    assert_accessible(page)
    submit(page, "form[action$='/akkoord/']")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator(f"a[href$='/plannen/{plan.pk}/pdf/']").first.click()
    assert download.value.suggested_filename == "plan-1.pdf"
    assert page.csp_violations == []
