"""The home page is the day's work: per role, planted items show (overdue, due soon) or do
not (not yet due, another team's or municipality's), in a fixed number of queries; every
block has its own page, /werk/<block>/, for the user's own roles only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.assessments.models import FollowUp
from doorbraak.audit.models import ProcessingLog
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    Theme,
)
from doorbraak.funds.models import FundRequestStatus
from doorbraak.home import worklist
from doorbraak.households.models import (
    CoordinatorAssignment,
    Household,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from doorbraak.insights.models import Signal
from doorbraak.lib.workdays import add_working_days
from doorbraak.plans.models import Action, ActionOwner, Plan, PlanStatus
from tests.conftest import Cast
from tests.factories import HouseholdFactory
from tests.funds.factories import FundFactory, submitted_in_bulk
from tests.tables.builders import north_table, schedule


def _today() -> datetime.date:
    return timezone.localdate()


def _overdue() -> datetime.date:
    return _today() - datetime.timedelta(days=3)


def _soon() -> datetime.date:
    return add_working_days(_today(), 2)


def _later() -> datetime.date:
    return add_working_days(_today(), 30)


def _referral(household: Household, tag: str, urgency: str = Urgency.NORMAL) -> Referral:
    return Referral.objects.create(
        municipality=household.municipality,
        source=ReferralSource.GP,
        source_organisation=household.team.organisation,
        referred_by=household.coordinator_assignments.get().coordinator,
        reason="Huurachterstand",
        resident_name=f"Aanmelding {tag}",
        house_number=1,
        postcode="3552 AB",
        team=household.team,
        urgency=urgency,
    )


def _breakthrough(household: Household, title: str, deadline: datetime.date, **kw: Any) -> Any:
    coordinator = household.coordinator_assignments.get().coordinator
    bottleneck = Bottleneck.objects.create(
        household=household,
        title=f"Knelpunt {title}",
        description="Regels botsen",
        theme=Theme.INCOME,
        kind=BottleneckKind.RULES_CLASH,
        blocked_solution="Bijstand",
        created_by=coordinator,
    )
    return Breakthrough.objects.create(
        bottleneck=bottleneck,
        household=household,
        team_id=household.team_id,
        municipality_id=household.municipality_id,
        title=title,
        proposal="Doe wat nodig is",
        status=BreakthroughStatus.SUBMITTED,
        submitted_at=timezone.now(),
        level_deadline=deadline,
        created_by=coordinator,
        **kw,
    )


def plant(cast: Cast, household: Household, tag: str) -> dict[str, Any]:
    """Work of every kind for ``household``: overdue, due soon and not yet due."""
    coordinator = household.coordinator_assignments.get().coordinator
    crisis = _referral(household, f"crisis {tag}", Urgency.CRISIS)
    normal = _referral(household, f"normaal {tag}")
    overdue = _breakthrough(household, f"Doorbraak te laat {tag}", _overdue())
    soon = _breakthrough(household, f"Doorbraak bijna {tag}", _soon())
    later = _breakthrough(household, f"Doorbraak later {tag}", _later())
    plan = Plan.objects.create(
        household=household,
        version=1,
        status=PlanStatus.AGREED,
        commitment="Ik open mijn post elke dag.",
        agreed_on=_today(),
        created_by=coordinator,
    )
    for label, due in (("te laat", _overdue()), ("bijna", _soon()), ("later", _later())):
        Action.objects.create(
            plan=plan,
            description=f"Actie {label} {tag}",
            owner=ActionOwner.HOUSEHOLD,
            due_on=due,
        )
    FollowUp.objects.create(household=household, months_after_closing=3, due_on=_soon())
    FollowUp.objects.create(household=household, months_after_closing=12, due_on=_later())
    PartnerRequest.objects.create(
        breakthrough=soon,
        organisation=cast.uwv,
        question="Kan de terugvordering stoppen?",
        asked_by=coordinator,
        asked_at=timezone.now() - datetime.timedelta(days=5),
        deadline=_overdue(),
        status=RequestStatus.ACCEPTED,
        answered_at=timezone.now(),
        answer="Ja",
    )
    waiting = PartnerRequest.objects.create(
        breakthrough=later,
        organisation=cast.uwv,
        question="Kan de boete worden kwijtgescholden?",
        asked_by=coordinator,
        asked_at=timezone.now(),
        deadline=_overdue(),
    )
    table = _breakthrough(household, f"Aan tafel {tag}", _soon(), level=EscalationLevel.TABLE)
    return {
        "crisis": crisis,
        "normal": normal,
        "overdue": overdue,
        "soon": soon,
        "later": later,
        "waiting": waiting,
        "table": table,
    }


def _home(client: Any) -> tuple[str, dict[str, worklist.BlockResult]]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), {r.block.key: r for r in response.context["blocks"]}


def _labels(result: worklist.BlockResult) -> list[str]:
    return [item.label for item in result.items]


# --- professional ----------------------------------------------------------------------------
def test_the_professional_sees_her_work_and_nothing_of_other_teams(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household, household_z: Household
) -> None:
    mine = plant(cast, household_a, "A")
    plant(cast, household_b, "B")
    plant(cast, household_z, "Z")
    body, blocks = _home(as_user(cast.alice))

    assert list(blocks) == ["aanmeldingen", "termijnen", "acties", "nazorg", "antwoorden"]
    # Crisis first; only her team's referrals.
    assert _labels(blocks["aanmeldingen"]) == ["Aanmelding crisis A", "Aanmelding normaal A"]
    assert blocks["aanmeldingen"].items[0].marking == worklist.URGENT
    # Overdue and due soon, not the one due in 30 working days (the table one is due soon).
    deadlines = blocks["termijnen"]
    assert _labels(deadlines) == ["Doorbraak te laat A", "Doorbraak bijna A", "Aan tafel A"]
    assert [i.marking for i in deadlines.items] == ["overdue", "due_soon", "due_soon"]
    assert _labels(blocks["acties"]) == ["Actie te laat A", "Actie bijna A"]
    assert blocks["nazorg"].count == 1
    assert [i.household for i in blocks["antwoorden"].items] == [household_a]
    assert reverse("breakthroughs:detail", args=[mine["overdue"].pk]) in body
    for tag in ("B", "Z"):
        assert f"Doorbraak te laat {tag}" not in body
        assert f"Aanmelding crisis {tag}" not in body
        assert f"Actie te laat {tag}" not in body
    assert "Doorbraak later A" not in body
    assert "Actie later A" not in body
    assert 'db-badge--error">te laat</span>' in body  # the marking, in Dutch


def test_a_colleagues_household_is_not_in_her_own_deadlines(
    as_user: Any, cast: Cast, household_a: Household, dora: User
) -> None:
    other = HouseholdFactory(team=cast.team_a, name="Huishouden Dora", coordinator=dora)
    plant(cast, other, "Dora")
    _body, blocks = _home(as_user(cast.alice))
    assert blocks["termijnen"].count == 0
    assert blocks["acties"].count == 0
    # Referrals are the team's: she sees them.
    assert blocks["aanmeldingen"].count == 2


def test_the_home_page_records_the_names_it_showed(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plant(cast, household_a, "A")
    _home(as_user(cast.alice))
    assert ProcessingLog.objects.filter(object_type="households.household").exists()
    assert ProcessingLog.objects.filter(object_type="households.referral").exists()


# --- team lead -------------------------------------------------------------------------------
def test_the_team_lead_sees_the_team_and_the_households_without_a_coordinator(
    as_user: Any,
    cast: Cast,
    household_a: Household,
    household_b: Household,
    dora: User,
) -> None:
    plant(cast, household_a, "A")
    plant(cast, HouseholdFactory(team=cast.team_a, name="Huishouden Dora", coordinator=dora), "D")
    plant(cast, household_b, "B")
    HouseholdFactory(team=cast.team_a, name="Huishouden Zonder")
    HouseholdFactory(team=cast.team_b, name="Huishouden Elders")
    body, blocks = _home(as_user(cast.carol))
    assert "zonder-regiehouder" in blocks
    assert _labels(blocks["zonder-regiehouder"]) == ["Huishouden Zonder"]
    assert blocks["team-termijnen"].count == 6  # 3 due of each of the team's two households
    assert "Doorbraak te laat D" in body
    assert "Doorbraak te laat B" not in body
    assert "Huishouden Elders" not in body


# --- partner contact -------------------------------------------------------------------------
def test_the_partner_sees_waiting_requests_by_deadline_without_names(
    as_user: Any, cast: Cast, household_a: Household, household_z: Household
) -> None:
    north = plant(cast, household_a, "A")
    south = plant(cast, household_z, "Z")
    body, blocks = _home(as_user(cast.dave))
    assert list(blocks) == ["verzoeken"]
    result = blocks["verzoeken"]
    assert result.count == 1  # the answered one is not waiting; the south one is not his
    assert result.items[0].marking == worklist.OVERDUE
    assert reverse("partners:request-detail", args=[north["waiting"].pk]) in body
    assert reverse("partners:request-detail", args=[south["waiting"].pk]) not in body
    assert household_a.name not in body


# --- chair, fund manager, analyst, privacy officer --------------------------------------------
def test_the_chair_sees_the_next_meeting_and_the_cases_waiting(
    as_user: Any, cast: Cast, household_a: Household, household_z: Household
) -> None:
    north = plant(cast, household_a, "A")
    plant(cast, household_z, "Z")
    meeting = schedule(cast, north_table(cast), days=3)
    body, blocks = _home(as_user(cast.erin))
    assert list(blocks) == ["overleggen", "wachtrij-tafel"]
    assert reverse("tables:meeting-detail", args=[meeting.pk]) in body
    assert _labels(blocks["wachtrij-tafel"]) == [north["table"].title]
    assert "Aan tafel Z" not in body
    assert household_a.name not in body


def test_the_fund_manager_sees_requests_to_approve_and_to_pay(
    as_user: Any, cast: Cast, household_a: Household, household_z: Household
) -> None:
    north = FundFactory(municipality=cast.north, name="Potje Noord")
    south = FundFactory(municipality=cast.south, name="Potje Zuid")
    first, second = submitted_in_bulk(
        fund=north, by=cast.alice, household=household_a, count=2, amount_cents=5_000
    )
    second.status = FundRequestStatus.APPROVED
    second.save(update_fields=["status"])
    elsewhere = submitted_in_bulk(
        fund=south, by=cast.mallory, household=household_z, count=1, amount_cents=5_000
    )[0]
    body, blocks = _home(as_user(cast.frank))
    assert list(blocks) == ["potje-aanvragen"]
    assert [i.url for i in blocks["potje-aanvragen"].items] == [
        reverse("funds:request-detail", args=[first.pk]),
        reverse("funds:request-detail", args=[second.pk]),
    ]
    assert reverse("funds:request-detail", args=[elsewhere.pk]) not in body
    assert household_a.name not in body


def test_the_analyst_sees_the_proposed_signals_of_her_municipality(
    as_user: Any, cast: Cast
) -> None:
    Signal.objects.create(municipality=cast.north, title="Signaal Noord", description="x")
    Signal.objects.create(municipality=cast.south, title="Signaal Zuid", description="x")
    body, blocks = _home(as_user(cast.grace))
    assert _labels(blocks["signalen"]) == ["Signaal Noord"]
    assert "Signaal Zuid" not in body


def test_the_privacy_officer_has_an_empty_slot_and_keeps_the_links(
    as_user: Any, cast: Cast
) -> None:
    assert worklist.HOME_BLOCKS["privacy_officer"] == []
    body, blocks = _home(as_user(cast.heidi))
    assert blocks == {}
    assert reverse("audit:processing-log") in body


# --- query counts ----------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "erin", "grace"])
def test_the_home_page_costs_the_same_queries_at_two_data_sizes(
    as_user: Any, cast: Cast, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    client.get(reverse("home"))  # renew the session after log-in
    north_table(cast)
    counts = []
    for size in (1, 4):
        for number in range(size):
            household = HouseholdFactory(
                team=cast.team_a, name=f"Huishouden {size}-{number}", coordinator=cast.alice
            )
            plant(cast, household, f"{size}-{number}")
            HouseholdFactory(team=cast.team_a, name=f"Zonder {size}-{number}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The session, the memberships, one per block and the processing log's records.
    assert counts[1] <= 8 + len(worklist.blocks_for(getattr(cast, persona))) * 1 + 6


# --- /werk/<block>/ --------------------------------------------------------------------------
def test_a_block_has_its_own_paginated_page_for_its_own_role(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    for number in range(6):
        _referral(household_a, f"A{number}")
    _referral(household_b, "B")
    client = as_user(cast.alice)
    _body, blocks = _home(client)
    assert blocks["aanmeldingen"].count == 6
    assert blocks["aanmeldingen"].truncated
    address = reverse("work-block", args=["aanmeldingen"])
    assert address in _body
    response = client.get(address)
    assert response.status_code == 200
    body = response.content.decode()
    for number in range(6):
        assert f"Aanmelding A{number}" in body
    assert "Aanmelding B" not in body
    # The block's own title heads the page and names it (it was blank: the template's
    # name for the block was the name of Django's {% block %} tag).
    title = str(worklist.REFERRALS.title)
    assert f'<h1 class="utrecht-heading-1">{title}</h1>' in body
    assert f"<title>{title}" in body
    assert client.get(address, {"page": "zz"}).status_code == 200


def test_another_roles_block_is_404_and_a_role_without_blocks_403(as_user: Any, cast: Cast) -> None:
    assert as_user(cast.alice).get(reverse("work-block", args=["verzoeken"])).status_code == 404
    assert as_user(cast.alice).get(reverse("work-block", args=["bestaat-niet"])).status_code == 404
    assert as_user(cast.dave).get(reverse("work-block", args=["termijnen"])).status_code == 404
    assert as_user(cast.dave).get(reverse("work-block", args=["verzoeken"])).status_code == 200
    assert as_user(cast.heidi).get(reverse("work-block", args=["termijnen"])).status_code == 403
    assert as_user(cast.ivan).get(reverse("work-block", args=["termijnen"])).status_code == 403


def test_the_block_page_records_the_names_it_showed(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plant(cast, household_a, "A")
    before = ProcessingLog.objects.filter(object_type="households.household").count()
    response = as_user(cast.alice).get(reverse("work-block", args=["termijnen"]))
    assert response.status_code == 200
    assert "Doorbraak te laat A" in response.content.decode()
    assert ProcessingLog.objects.filter(object_type="households.household").count() > before


def test_the_block_page_costs_the_same_queries_at_two_data_sizes(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.carol)
    address = reverse("work-block", args=["team-termijnen"])
    client.get(address)  # renew the session after log-in
    counts = []
    for size in (1, 10):
        for number in range(size):
            household = HouseholdFactory(
                team=cast.team_a, name=f"Huishouden {size}-{number}", coordinator=cast.alice
            )
            _breakthrough(household, f"Doorbraak {size}-{number}", _overdue())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
        # One read of the block: the page's rows with their total, no separate count.
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and "breakthroughs_breakthrough" in q["sql"]
        ]
        assert len(reads) == 1, reads
        assert "COUNT(" in reads[0]
    assert counts[0] == counts[1], counts


# --- the team's blocks hold to the models' visible_to -------------------------------------
def _by_the_rules(key: str, user: User, today: worklist.Today) -> list[int]:
    """The ids each team block lists, first the rows the models' ``visible_to`` (and
    ``Referral.objects.for_team_of``) give: the queries the blocks ran before they were
    written as joins (``worklist._visible``) and prepared."""
    mine = not key.startswith("team-")

    def coordinated(user_id: int, household_ref: str) -> Exists:
        return Exists(
            CoordinatorAssignment.objects.filter(
                household_id=OuterRef(household_ref), coordinator_id=user_id, ended_at__isnull=True
            )
        )

    since = today.day - datetime.timedelta(days=settings.HOME_ANSWERS_DAYS)
    rows: Any
    if key == "aanmeldingen":
        rows = Referral.objects.for_team_of(user).filter(status=ReferralStatus.SUBMITTED)
        rows = rows.order_by(
            Case(
                When(urgency=Urgency.CRISIS, then=Value(0)),
                When(urgency=Urgency.HIGH, then=Value(1)),
                default=Value(2),
            ),
            "referred_at",
            "pk",
        )
    elif key.endswith("termijnen"):
        rows = Breakthrough.objects.visible_to(user).filter(
            status=BreakthroughStatus.SUBMITTED, level_deadline__lte=today.soon
        )
        if mine:
            rows = rows.filter(Q(created_by=user) | coordinated(user.pk, "household_id"))
        rows = rows.order_by("level_deadline", "pk")
    elif key.endswith("acties"):
        rows = Action.objects.filter(
            plan__household__in=Household.objects.visible_to(user).filter(status="actief"),
            plan__status=PlanStatus.AGREED,
            status__in=("open", "bezig"),
            due_on__lte=today.soon,
        )
        if mine:
            rows = rows.filter(coordinated(user.pk, "plan__household_id"))
        rows = rows.order_by("due_on", "pk")
    elif key.endswith("nazorg"):
        rows = FollowUp.objects.filter(
            household__in=Household.objects.visible_to(user),
            status__in=("gepland", "herinnerd"),
            due_on__lte=today.soon,
        )
        if mine:
            rows = rows.filter(coordinated(user.pk, "household_id"))
        rows = rows.order_by("due_on", "pk")
    elif key.endswith("antwoorden"):
        rows = PartnerRequest.objects.filter(
            breakthrough__in=Breakthrough.objects.visible_to(user),
            status__in=worklist.ANSWERED,
            answered_at__date__gte=since,
        )
        if mine:
            rows = rows.filter(
                Q(asked_by=user) | coordinated(user.pk, "breakthrough__household_id")
            )
        rows = rows.order_by("-answered_at", "-pk")
    else:
        assert key == "zonder-regiehouder"
        active = CoordinatorAssignment.objects.filter(
            household=OuterRef("pk"), ended_at__isnull=True
        )
        rows = (
            Household.objects.visible_to(user)
            .filter(status="actief")
            .filter(~Exists(active))
            .order_by("opened_on", "pk")
        )
    return list(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("persona", ["alice", "carol", "dora"])
def test_the_team_blocks_list_what_the_models_visible_to_gives(
    cast: Cast,
    household_a: Household,
    household_b: Household,
    household_z: Household,
    dora: User,
    persona: str,
) -> None:
    """Each team block, prepared and not, lists the rows of its rule, in its order: another
    team's, a destroyed household's, an inactive household's and a colleague's work not."""
    plant(cast, household_a, "A")
    plant(cast, household_b, "B")
    plant(cast, household_z, "Z")
    colleague = HouseholdFactory(team=cast.team_a, name="Huishouden Dora", coordinator=dora)
    plant(cast, colleague, "D")
    destroyed = HouseholdFactory(team=cast.team_a, name="Vernietigd", coordinator=cast.alice)
    plant(cast, destroyed, "X")
    Household.objects.filter(pk=destroyed.pk).update(destroyed_on=_today())
    closed = HouseholdFactory(team=cast.team_a, name="Gesloten", coordinator=cast.alice)
    plant(cast, closed, "C")
    Household.objects.filter(pk=closed.pk).update(
        status="afgesloten", closed_on=_today(), close_reason="verhuisd"
    )
    for number in range(7):
        HouseholdFactory(team=cast.team_a, name=f"Zonder {number}")
    user = dora if persona == "dora" else getattr(cast, persona)
    today = worklist.Today.of(_today())
    team_blocks = [b for b in worklist.blocks_for(user) if b.first is not None]
    assert team_blocks
    for block in team_blocks:
        expected = _by_the_rules(block.key, user, today)
        assert [row["id"] for row in block.select(user, today)] == expected, block.key
        for _ in range(2):  # prepared, then from the plan
            result = worklist.run_block(block, user=user, today=today)
            assert result.count == len(expected), block.key
            first = block.first(user, today)  # type: ignore[misc]
            assert [row["id"] for row in first] == expected[: worklist.BLOCK_SIZE], block.key
    shown = {
        item.household.pk
        for block in team_blocks
        for item in worklist.run_block(block, user=user, today=today).items
        if item.household is not None
    }
    assert destroyed.pk not in shown
    assert household_b.pk not in shown
    assert household_z.pk not in shown


@pytest.mark.parametrize(
    "number", [None, "", "zz", "1", "2", "3", "99", "0", "-1", "2.0", 2.0, 1.5, 2, "1e3"]
)
def test_the_block_page_is_the_page_the_paginator_gives_in_one_query(
    as_user: Any, cast: Cast, household_a: Household, number: Any
) -> None:
    """``block_page`` reads the page's rows with their total (one query) and gives the page
    ``Paginator.get_page`` gives for any number, also one that is none or out of range."""
    from django.core.paginator import Paginator

    for n in range(worklist.PAGE_SIZE + 3):  # two pages
        _referral(household_a, f"R{n:02}")
    today = worklist.Today.of(_today())
    block = worklist.REFERRALS
    expected = Paginator(block.select(cast.alice, today), worklist.PAGE_SIZE).get_page(number)
    with CaptureQueriesContext(connection) as queries:
        page = worklist.block_page(block, user=cast.alice, today=today, number=number)
    assert page.number == expected.number
    assert [row["id"] for row in page.object_list] == [row["id"] for row in expected]
    assert page.paginator.count == expected.paginator.count == worklist.PAGE_SIZE + 3
    assert page.paginator.num_pages == 2
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
    in_range = number in (None, "", "zz", "1", "2", "2.0", 2.0, 2)
    assert len(queries) == (1 if in_range else len(queries))
    if in_range:
        assert len(queries) == 1


def test_an_empty_block_page_is_the_first_page_without_items(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    today = worklist.Today.of(_today())
    page = worklist.block_page(worklist.REFERRALS, user=cast.alice, today=today, number="1")
    assert (page.number, list(page.object_list), page.paginator.num_pages) == (1, [], 1)
    response = as_user(cast.alice).get(reverse("work-block", args=["aanmeldingen"]))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert response.context["items"] == []
    assert str(worklist.REFERRALS.empty) in response.content.decode()
