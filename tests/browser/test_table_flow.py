"""In real Chromium: the seeds' example at the breakthrough table, from agenda to minutes.

A man over 65 with severe rheumatism lives in a cold, draughty house; the renovation keeps
being postponed. The table approves € 250 for a plane ticket to family in a warm country,
while his son keeps responding to housing offers. Erin, the chair, schedules the meeting,
sees the case (minimised) on the agenda, sends the agenda, opens the meeting, records the
attendance and the decision with a follow-up action, closes the meeting and downloads the
minutes. No accessibility blockers and no CSP violations on any page visited.
"""

from __future__ import annotations

import datetime
from typing import Any
from typing import cast as cast_

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import (
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    DecisionOutcome,
    EscalationLevel,
    Scenario,
    Theme,
)
from doorbraak.catalogue.models import CostUnit, Payer
from doorbraak.households.models import EventKind, Household, HouseholdEvent, MemberRole
from doorbraak.library.models import Deviation, Regulation
from doorbraak.tables.models import (
    Attendance,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
    TableOutcome,
)
from tests.browser.test_household_flow import assert_accessible, submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import CostItemFactory, HouseholdFactory, MemberFactory, RegulationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def the_man_in_the_cold_house(cast: Cast) -> Breakthrough:
    """Household, bottleneck and a submitted breakthrough that reached the table."""
    today = timezone.localdate()
    household = HouseholdFactory(
        team=cast.team_a, name="Huishouden Veenstra", coordinator=cast.alice, head=False
    )
    MemberFactory(
        household=household,
        role=MemberRole.HEAD,
        first_name="Gerrit",
        last_name="Veenstra",
        birth_date=today.replace(year=today.year - 71, day=1),
    )
    MemberFactory(
        household=household,
        role=MemberRole.OTHER_ADULT,
        first_name="Johan",
        last_name="Veenstra",
        birth_date=datetime.date(1988, 6, 1),
    )
    regulation = RegulationFactory(
        law="Testverordening bijzondere bijstand",
        article="4",
        citation="Testverordening bijzondere bijstand art. 4",
        deviation=Deviation.HARDSHIP,
    )
    bottleneck = breakthrough_services.bottleneck_register(
        actor=cast.alice,
        household=household,
        title="Ernstige reuma in een koud, tochtig huis; de renovatie wordt steeds uitgesteld",
        description="Meneer heeft veel pijn door kou en tocht. De renovatie is al drie keer "
        "verschoven.",
        theme=Theme.HOUSING,
        kind=BottleneckKind.RULES_CLASH,
        blocked_solution="Een paar maanden bij familie in een warm land, tot na de renovatie.",
        regulations=[cast_(Regulation, regulation)],
        organisations=[cast.uwv],
    )
    breakthrough = breakthrough_services.breakthrough_start(
        actor=cast.alice,
        bottleneck=bottleneck,
        title="Vliegticket naar familie in een warm land",
        proposal="De tafel betaalt een vliegticket van € 250; de zoon reageert op woningaanbod.",
    )
    breakthrough_services.breakthrough_update(
        actor=cast.alice,
        breakthrough=breakthrough,
        title=breakthrough.title,
        proposal=breakthrough.proposal,
        regulation=regulation,
        legal_reasoning="Bijzondere omstandigheden: medische noodzaak en uitgestelde renovatie.",
        horizon_months=6,
        direct_cost_cents=25_000,
        direct_cost_payer=Payer.MUNICIPALITY,
        engagement="Meneer regelt zijn verblijf bij familie zelf.",
        household_commitment="Mijn zoon reageert elke week op woningaanbod.",
    )
    breakthrough_services.scenario_line_add(
        actor=cast.alice,
        breakthrough=breakthrough,
        scenario=Scenario.STATUS_QUO,
        cost_item=CostItemFactory(
            name="Extra zorg en huisartsbezoek", unit=CostUnit.YEAR, amount_cents=400_000
        ),
        quantity="0,5",
        probability_pct=80,
    )
    breakthrough = breakthrough_services.breakthrough_submit(
        actor=cast.alice, breakthrough=breakthrough
    )
    while breakthrough.level < EscalationLevel.TABLE:
        breakthrough_services.breakthrough_escalate(
            actor=cast.alice, breakthrough=breakthrough, reason="De renovatie blijft uitgesteld."
        )
        breakthrough.refresh_from_db()
    return breakthrough


def test_the_table_approves_a_plane_ticket_and_the_minutes_follow(
    page: Any, live_server: Any, cast: Cast
) -> None:
    base = live_server.url
    breakthrough = the_man_in_the_cold_house(cast)
    household: Household = breakthrough.household
    table = BreakthroughTable.objects.create(
        municipality=cast.north, name="Doorbraaktafel Noord", chair=cast.erin
    )
    member = TableMember.objects.create(
        table=table,
        user=cast.dave,
        organisation=cast.uwv,
        may_decide="Terugvordering opschorten tot zes maanden",
        max_amount_cents=100_000,
    )

    # --- the chair schedules a meeting; the agenda proposes the case -----------------------------
    log_in(page, base, "erin", TOTPDevice.objects.get(user=cast.erin))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/doorbraaktafels/")
    assert_accessible(page)
    page.goto(f"{base}/doorbraaktafels/{table.pk}/")
    assert_accessible(page)
    page.locator("#tb-schedule").click()
    page.wait_for_url(f"**/doorbraaktafels/{table.pk}/overleg/nieuw/")
    assert_accessible(page)
    day = timezone.localdate() + datetime.timedelta(days=3)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "14:00")
    page.fill("#id_end_time", "16:00")
    page.fill("#id_location", "Stadskantoor, zaal 3")
    submit(page, "#tb-page-form")
    meeting = Meeting.objects.get()
    page.wait_for_url(f"**/doorbraaktafels/overleg/{meeting.pk}/")
    item = meeting.items.get()
    assert item.breakthrough_id == breakthrough.pk
    card = page.locator(f"#punt-{item.pk}")
    assert "G.V." in card.inner_text()
    assert "67+" in card.inner_text()
    assert "reuma" in card.inner_text()
    assert household.name not in page.content()  # no consent: minimised
    assert_accessible(page)

    # --- publish, open, attendance ---------------------------------------------------------------
    submit(page, "#tb-publish-form")
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    assert_accessible(page)
    submit(page, "#tb-open-form")
    page.wait_for_url(f"**/doorbraaktafels/overleg/{meeting.pk}/vergadermodus/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert_accessible(page)
    page.locator(f"input[name=member_{member.pk}][value='1']").check()
    submit(page, "#tb-attendance-form")
    assert Attendance.objects.get(meeting=meeting, member=member).present
    assert_accessible(page)

    # --- the decision, with htmx: approved, € 250 for the ticket, the son's follow-up ------------
    page.locator("#tb-decision-form input[name=outcome][value=goedgekeurd]").check()
    page.fill(
        "#id_decision_reason",
        "Warmte helpt tegen de pijn; goedkoper dan extra zorg zolang de renovatie uitblijft.",
    )
    page.select_option("#id_decision_responsible_organisation", str(cast.wi_north.pk))
    page.select_option("#id_decision_responsible_user", str(cast.erin.pk))
    page.fill("#id_decision_fund_amount", "250")
    page.fill("#id_decision_fund_purpose", "Vliegticket naar familie")
    page.fill("#id_actions-0-description", "De zoon reageert elke week op woningaanbod")
    page.select_option("#id_actions-0-organisation", str(cast.uwv.pk))
    page.fill(
        "#id_actions-0-due_on", (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    )
    page.select_option("#id_actions-0-responsible_user", str(cast.dave.pk))
    submit(page, "#tb-decision-form")
    decision = TableDecision.objects.get(item=item)
    assert decision.outcome == TableOutcome.APPROVED
    assert decision.fund_amount_cents == 25_000
    assert decision.fund_purpose == "Vliegticket naar familie"
    assert FollowUpAction.objects.get(decision=decision).responsible_user == cast.dave
    assert page.locator("#tb-item-panel .tb-status").is_visible()  # htmx swapped the panel
    assert page.locator(f"#tb-item-panel a[href$='?punt={item.pk}']").count() >= 1
    assert page.locator("#id_decision_fund_amount").input_value() == "250.00"
    assert_accessible(page)

    # --- close the meeting: the decision flows back to the case ----------------------------------
    submit(page, "#tb-close-form")
    page.wait_for_url(f"**/doorbraaktafels/overleg/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.APPROVED
    flowed_back = Decision.objects.get(breakthrough=breakthrough)
    assert flowed_back.outcome == DecisionOutcome.APPROVED
    assert flowed_back.level == EscalationLevel.TABLE
    assert HouseholdEvent.objects.filter(household=household, kind=EventKind.DECISION).exists()
    assert_accessible(page)

    # --- the minutes -----------------------------------------------------------------------------
    with page.expect_download() as caught:
        page.locator("#tb-minutes").click()
    download = caught.value
    assert download.suggested_filename.startswith("notulen-")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    submit(page, "#tb-minutes-send-form")
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is not None
    assert_accessible(page)

    page.goto(f"{base}/doorbraaktafels/vervolgacties/")
    assert "woningaanbod" in page.content()
    assert_accessible(page)
