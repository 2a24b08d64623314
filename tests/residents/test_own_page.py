"""The household's own page (/mijn/): exactly the household's plan and the member's
consultations, nothing of another member or household, the kind page when access is
withdrawn, the own scores, the processing log and fixed query counts."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from doorbraak.accounts.models import User
from doorbraak.assessments.models import LifeDomain, SelfAssessment, SelfScore
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog, SecurityEvent
from doorbraak.audit.services import processing_log_record
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Household,
    HouseholdStatus,
    Member,
    MemberRole,
)
from doorbraak.plans import services as plan_services
from doorbraak.plans.models import ActionOwner
from doorbraak.residents.services import resident_user_for
from tests.conftest import Cast, login_resident, login_verified
from tests.factories import HouseholdFactory
from tests.plans import builders

AMS = datetime.timezone(datetime.timedelta(hours=1))
HOME = "/mijn/"
SCORES = "/mijn/eigen-score/"
SEEN = "/mijn/wie-zag-mijn-gegevens/"
PAGES = (HOME, SCORES, SEEN)


def _head(household: Household) -> Member:
    return household.members.get(role=MemberRole.HEAD)


def _child(household: Household) -> Member:
    return household.members.get(role=MemberRole.CHILD)


def _read(actor: User, subject: str, at: datetime.datetime) -> None:
    with time_machine.travel(at, tick=False):
        processing_log_record(
            actor=actor,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=1,
            subjects=[subject],
        )


def _when(at: datetime.datetime) -> str:
    with translation.override("nl"):
        return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


def _seen_times(html: str) -> list[str]:
    return re.findall(r'<span class="rm-seen__when">([^<]*)</span>', html)


@pytest.fixture
def resident(client: Client, household_a: Household) -> User:
    """The head of household A, signed in as a resident."""
    return login_resident(client, _head(household_a))


# --- the plan -----------------------------------------------------------------------------------
def test_it_shows_exactly_the_agreed_plan_of_the_household(
    client: Client, cast: Cast, household_a: Household, household_b: Household
) -> None:
    plan = builders.agreed(cast, household_a)
    other = builders.draft(cast, household_b, commitment="Wij bellen de verhuurder.")
    plan_services.goal_add(
        actor=cast.bob, plan=other, domain=builders.housing(), description="Andermans doel"
    )
    login_resident(client, _head(household_a))

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Wij betalen elke maand de huur." in html  # the household's own commitment
    assert "De woning behouden" in html  # the goal
    assert "Elke maand de huur betalen" in html  # its action
    assert html.count('class="rm-goal"') == 1
    assert "Andermans doel" not in html
    assert "Wij bellen de verhuurder." not in html
    assert plan.goals.count() == 1
    # The coordinator and how to reach them; the next date is the action's due date.
    assert "alice" in html.lower()
    due = plan.actions.get().due_on
    with translation.override("nl"):
        assert formats.date_format(due, "DATE_FORMAT") in html


def test_a_draft_plan_is_not_shown_yet(client: Client, cast: Cast, household_a: Household) -> None:
    builders.draft(cast, household_a, commitment="Nog niet afgesproken.")
    login_resident(client, _head(household_a))

    html = client.get(HOME).content.decode()

    assert "Nog niet afgesproken." not in html
    assert "Er is nog geen afgesproken plan" in html


# --- who has seen my data --------------------------------------------------------------------
def _plant(cast: Cast, a: Household, z: Household) -> list[datetime.datetime]:
    """Three organisations read the head of A, one the household as a whole; others read
    the child of A and a member of household Z. Returns the times the head may see."""
    head, child = _head(a), _child(a)
    mine = [
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=AMS),
        datetime.datetime(2026, 4, 7, 14, 30, tzinfo=AMS),
        datetime.datetime(2026, 5, 11, 10, 15, tzinfo=AMS),
        datetime.datetime(2026, 5, 20, 16, 45, tzinfo=AMS),
    ]
    _read(cast.alice, head.pseudonym, mine[0])  # Buurtteam A's organisation
    _read(cast.dave, head.pseudonym, mine[1])  # UWV
    _read(cast.erin, head.pseudonym, mine[2])  # W&I Noord
    _read(cast.frank, a.pseudonym, mine[3])  # the household as a whole
    _read(cast.alice, child.pseudonym, datetime.datetime(2026, 6, 1, 8, 5, tzinfo=AMS))
    _read(cast.dave, child.pseudonym, datetime.datetime(2026, 6, 2, 8, 5, tzinfo=AMS))
    _read(cast.mallory, _head(z).pseudonym, datetime.datetime(2026, 6, 3, 8, 5, tzinfo=AMS))
    _read(cast.mallory, z.pseudonym, datetime.datetime(2026, 6, 4, 8, 5, tzinfo=AMS))
    return mine


def test_it_shows_exactly_the_consultations_of_the_member_and_the_household(
    client: Client, cast: Cast, household_a: Household, household_z: Household
) -> None:
    mine = _plant(cast, household_a, household_z)
    login_resident(client, _head(household_a))

    response = client.get(SEEN)

    html = response.content.decode()
    assert _seen_times(html) == [_when(at) for at in reversed(mine)]
    assert "UWV" in html
    assert "W&amp;I Noord" in html
    # Organisation and role, never the employee.
    for name in ("alice", "dave", "erin", "frank"):
        assert name not in html.lower()
    # The page itself lists the newest five the same way.
    assert _seen_times(client.get(HOME).content.decode()) == [_when(at) for at in reversed(mine)]


def test_the_other_member_sees_their_own_consultations_not_the_heads(
    client: Client, cast: Cast, household_a: Household, household_z: Household
) -> None:
    _plant(cast, household_a, household_z)
    login_resident(client, _child(household_a))

    html = client.get(SEEN).content.decode()

    assert _seen_times(html) == [
        _when(datetime.datetime(2026, 6, 2, 8, 5, tzinfo=AMS)),
        _when(datetime.datetime(2026, 6, 1, 8, 5, tzinfo=AMS)),
        _when(datetime.datetime(2026, 5, 20, 16, 45, tzinfo=AMS)),
    ]


def test_consultations_are_paged_by_keyset(
    client: Client, cast: Cast, household_a: Household
) -> None:
    head = _head(household_a)
    start = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=AMS)
    times = [start + datetime.timedelta(hours=i) for i in range(30)]
    for at in times:
        _read(cast.alice, head.pseudonym, at)
    login_resident(client, head)

    first = client.get(SEEN).content.decode()
    cursor = re.search(r'href="\?ouder=([^"]+)"', first)
    assert cursor is not None
    second = client.get(f"{SEEN}?ouder={cursor.group(1)}").content.decode()
    bad = client.get(f"{SEEN}?ouder=nonsense").content.decode()

    newest_first = [_when(at) for at in reversed(times)]
    assert _seen_times(first) == newest_first[:25]
    assert _seen_times(second) == newest_first[25:]
    assert 'href="?ouder=' not in second
    assert _seen_times(bad) == newest_first[:25]
    assert "Deze link werkt niet. U ziet nu het nieuwste eerst." in bad


# --- who may see it ------------------------------------------------------------------------
def test_staff_get_404_on_the_residents_pages(client: Client, cast: Cast) -> None:
    login_verified(client, cast.alice)
    for path in PAGES:
        assert client.get(path).status_code == 404, path


def test_a_session_without_the_resident_sign_in_gets_404(
    client: Client, household_a: Household
) -> None:
    client.force_login(resident_user_for(_head(household_a)))
    # Not signed in through the broker: no resident session, and no second factor either.
    assert client.get(HOME).status_code in (302, 404)


def test_anonymous_visitors_are_sent_to_a_log_in(client: Client) -> None:
    for path in PAGES:
        assert client.get(path).status_code == 302


def test_a_resident_is_not_asked_for_the_staff_second_factor(
    client: Client, resident: User
) -> None:
    assert client.get(HOME).status_code == 200


def test_a_resident_gets_404_on_household_b_by_url_and_by_api(
    client: Client, resident: User, household_a: Household, household_b: Household
) -> None:
    before = SecurityEvent.objects.count()
    for household in (household_b, household_a):
        pid = household.public_id
        for path in (
            f"/huishoudens/{pid}/",
            f"/plannen/huishouden/{pid}/",
            f"/zelfredzaamheid/huishouden/{pid}/",
            f"/api/v1/households/{pid}",
            f"/api/v1/households/{pid}/timeline",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert str(household.name) not in response.content.decode()
    assert client.get("/api/v1/households").status_code == 404
    # The home page sends a resident to their own page; everything else is 404.
    assert client.get("/")["Location"] == "/mijn/"
    assert client.get("/beheer/").status_code == 404
    # Each refusal is in the security log, like any other 404.
    assert SecurityEvent.objects.count() > before
    # The static files and the language switch stay open.
    assert client.post("/i18n/setlang/", {"language": "nl", "next": HOME}).status_code == 302


# --- withdrawn access: the kind page --------------------------------------------------------
def _consent(cast: Cast, member: Member) -> Consent:
    return Consent.objects.create(
        household=member.household,
        given_by=member,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        recipient=cast.uwv,
        method=ConsentMethod.WRITTEN,
        given_on=datetime.date(2026, 1, 10),
        recorded_by=cast.alice,
    )


@pytest.mark.parametrize("how", ["consent", "restricted", "closed", "left"])
def test_withdrawn_access_shows_the_kind_page_and_nothing_else(
    client: Client, cast: Cast, household_a: Household, how: str
) -> None:
    builders.agreed(cast, household_a)
    head = _head(household_a)
    consent = _consent(cast, head)
    login_resident(client, head)
    if how == "consent":
        household_services.consent_withdraw(actor=cast.alice, consent=consent, note="")
    elif how == "restricted":
        Member.objects.filter(pk=head.pk).update(
            processing_restricted_at=timezone.now(), processing_restriction_reason="Verzoek"
        )
    elif how == "closed":
        Household.objects.filter(pk=household_a.pk).update(
            status=HouseholdStatus.CLOSED, closed_on=timezone.localdate(), close_reason="overig"
        )
    else:
        Member.objects.filter(pk=head.pk).update(left_on=timezone.localdate())
    _read(cast.dave, head.pseudonym, datetime.datetime(2026, 3, 2, 9, 0, tzinfo=AMS))

    for path in PAGES:
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert "We kunnen uw pagina niet laten zien" in html
        assert "Wij betalen elke maand de huur." not in html
        assert "UWV" not in html
    written = SelfAssessment.objects.count()
    client.post(SCORES, {f"domain_{builders.housing().pk}": "3"})
    assert SelfAssessment.objects.count() == written


def test_consent_still_in_force_keeps_the_page_open(
    client: Client, cast: Cast, household_a: Household
) -> None:
    head = _head(household_a)
    withdrawn, kept = _consent(cast, head), _consent(cast, head)
    household_services.consent_withdraw(actor=cast.alice, consent=withdrawn, note="")
    login_resident(client, head)

    assert "We kunnen uw pagina niet laten zien" not in client.get(HOME).content.decode()
    assert kept.is_active()


# --- the household's own scores ---------------------------------------------------------------
def test_good_scores_are_stored_for_the_next_assessment(
    client: Client, cast: Cast, household_a: Household, resident: User
) -> None:
    housing = builders.housing()
    finances = LifeDomain.objects.get(code="financien", municipality__isnull=True)

    response = client.post(SCORES, {f"domain_{housing.pk}": "2", f"domain_{finances.pk}": "4"})

    assert response.status_code == 302
    assert response["Location"] == HOME
    own = SelfAssessment.objects.get()
    assert own.member == _head(household_a)
    assert own.household == household_a
    assert {(s.domain_id, s.score) for s in SelfScore.objects.all()} == {
        (housing.pk, 2),
        (finances.pk, 4),
    }
    assert ProcessingLog.objects.filter(
        actor=resident, object_type="assessments.selfassessment", action=ProcessingAction.CREATE
    ).exists()
    # The form starts from them next time; the professional's assessment form too.
    assert client.get(SCORES).context["form"].initial[f"domain_{housing.pk}"] == 2
    staff = Client()
    login_verified(staff, cast.alice)
    form = staff.get(f"/zelfredzaamheid/huishouden/{household_a.public_id}/nieuw/")
    assert form.status_code == 200
    assert form.context["scores"].initial[f"self_{housing.pk}"] == 2
    assert form.context["scores"].initial[f"self_{finances.pk}"] == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Kies een getal voor minstens één deel van uw leven."),
        ({"domain_HOUSING": "7"}, "Kies een getal van 1 tot en met 5."),
        ({"domain_HOUSING": "twee"}, "Kies een getal van 1 tot en met 5."),
    ],
)
def test_bad_scores_are_refused_in_dutch_and_nothing_is_written(
    client: Client, resident: User, data: dict[str, str], message: str
) -> None:
    housing = builders.housing()
    posted = {k.replace("HOUSING", str(housing.pk)): v for k, v in data.items()}

    response = client.post(SCORES, posted)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SelfAssessment.objects.count() == 0
    assert SelfScore.objects.count() == 0


# --- the processing log -----------------------------------------------------------------------
def test_every_page_read_is_in_the_processing_log(
    client: Client, household_a: Household, resident: User
) -> None:
    head = _head(household_a)
    for path, object_type in (
        (HOME, "residents.own_page"),
        (SCORES, "residents.own_scores"),
        (SEEN, "residents.consultations"),
    ):
        before = ProcessingLog.objects.filter(actor=resident, object_type=object_type).count()
        assert client.get(path).status_code == 200
        records = ProcessingLog.objects.filter(actor=resident, object_type=object_type)
        assert records.count() == before + 1
        record = records.latest("id")
        assert record.subject_pseudonym == head.pseudonym
        assert record.action == ProcessingAction.READ


# --- query counts -----------------------------------------------------------------------------
def _grow(cast: Cast, household: Household, goals: int) -> None:
    plan = builders.draft(cast, household, commitment="Wij doen mee.")
    for i in range(goals):
        goal = plan_services.goal_add(
            actor=cast.alice, plan=plan, domain=builders.housing(), description=f"Doel {i}"
        )
        for j in range(2):
            plan_services.action_add(
                actor=cast.alice,
                plan=plan,
                goal=goal,
                description=f"Actie {i}.{j}",
                owner=ActionOwner.HOUSEHOLD,
                due_on=timezone.localdate() + datetime.timedelta(days=10 + j),
            )
    plan_services.plan_agree(actor=cast.alice, plan=plan)
    for i in range(goals * 5):
        _read(cast.dave, _head(household).pseudonym, timezone.now() - datetime.timedelta(hours=i))


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_cost_the_same_number_of_queries_at_two_sizes(
    client: Client, cast: Cast, path: str
) -> None:
    small = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    large = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    _grow(cast, small, 1)
    _grow(cast, large, 8)
    counts: list[int] = []
    for household in (small, large):
        login_resident(client, _head(household))
        client.get(path)  # warm the session and the content types
        counts.append(_queries(client, path))
        client.logout()

    assert counts[0] == counts[1]
    assert counts[0] <= 14
