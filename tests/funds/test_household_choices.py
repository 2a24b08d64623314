"""What the fund request form offers: never every household of the team.

The household select shows the household the form was opened from (``?huishouden=``), the
one POSTed, and the hits of the search box (``?zoek=``, at most 20, the team's open
households, the household list's search); the breakthrough select only the chosen
household's breakthroughs. Any open household of the team is still accepted on a POST,
another team's is refused; the service refuses a breakthrough of another household. The
processing log records the households shown, in one INSERT.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.funds import selectors, services
from doorbraak.funds.models import Fund, FundRequest, PayeeKind
from doorbraak.households.models import CloseReason, Household, HouseholdStatus
from doorbraak.lib.crypto import search_hash
from tests.breakthroughs.builders import draft as breakthrough_draft
from tests.conftest import Cast, login_verified
from tests.factories import HouseholdFactory
from tests.funds.factories import draft

pytestmark = pytest.mark.django_db

FORM = reverse("funds:request-create")


def _client(user: Any, language: str = "en") -> Client:
    client = login_verified(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def alice(cast: Cast) -> Client:
    """Alice (Buurtteam A) reading the pages in English (the messages' msgids)."""
    return _client(cast.alice)


@pytest.fixture
def household_a2(cast: Cast) -> Household:
    """A second open household of Buurtteam A."""
    return HouseholdFactory(team=cast.team_a, name="Huishouden Bakker", coordinator=cast.alice)


def _offered(response: Any, field: str, form: str = "form") -> list[str]:
    """The values of the select's options, without the empty one."""
    choices = response.context[form].fields[field].choices
    return [str(value) for value, _label in choices if value != ""]


def _closed(household: Household) -> Household:
    Household.objects.filter(pk=household.pk).update(
        status=HouseholdStatus.CLOSED,
        closed_on=datetime.date(2026, 2, 1),
        close_reason=CloseReason.GOALS_REACHED,
    )
    return household


def _household_log() -> Any:
    return ProcessingLog.objects.filter(object_type="households.household")


def _post(fund: Fund, household: Household | None, **overrides: Any) -> dict[str, Any]:
    data = {
        "fund": fund.pk,
        "summary": "Huurachterstand van twee maanden, ontruiming dreigt.",
        "amount": "250",
        "purpose": "huur",
        "payee_kind": PayeeKind.IBAN,
        "payee_name": "Woonstichting Noord",
        "iban": "NL91 ABNA 0417 1643 00",
        "household": household.pk if household else "",
        "breakthrough": "",
        "prevents_cost_item": "",
    }
    data.update(overrides)
    return data


# --- what the household select offers ------------------------------------------------------------
def test_it_offers_no_household_until_one_is_chosen_or_searched(
    alice: Client, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    page = alice.get(f"{FORM}?fonds={fund.pk}")
    assert page.status_code == 200
    assert _offered(page, "household") == []
    assert _offered(page, "breakthrough") == []
    body = page.content.decode()
    assert household_a.name not in body
    assert household_a2.name not in body
    assert 'id="fd-household-search"' in body
    assert "No household chosen yet." in body
    assert not _household_log().exists()


def test_the_hint_is_dutch(cast: Cast, fund: Fund, household_a: Household) -> None:
    body = _client(cast.alice, "nl").get(FORM).content.decode()
    assert "Nog geen huishouden gekozen." in body


def test_it_offers_only_the_household_it_was_opened_from(
    alice: Client, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    page = alice.get(f"{FORM}?fonds={fund.pk}&huishouden={household_a.public_id}")
    assert _offered(page, "household") == [str(household_a.pk)]
    assert f'<option value="{household_a.pk}" selected>' in page.content.decode()
    record = _household_log().get()
    assert (record.action, record.subject_pseudonym) == (
        ProcessingAction.READ,
        household_a.pseudonym,
    )


def test_the_household_page_links_to_the_form_with_its_household(
    alice: Client, household_a: Household
) -> None:
    body = alice.get(reverse("households:detail", args=[household_a.public_id])).content.decode()
    assert f"{FORM}?huishouden={household_a.public_id}" in body


def test_a_household_of_another_team_or_closed_is_not_found(
    alice: Client, cast: Cast, fund: Fund, household_b: Household, household_z: Household
) -> None:
    closed = _closed(HouseholdFactory(team=cast.team_a))
    for household in (household_b, household_z, closed):
        assert alice.get(f"{FORM}?huishouden={household.public_id}").status_code == 404
    assert alice.get(f"{FORM}?huishouden=not-a-uuid").status_code == 200
    assert not _household_log().exists()


def test_the_search_offers_the_teams_open_hits_and_is_logged_as_a_search(
    alice: Client,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    household_a2: Household,
    household_b: Household,
) -> None:
    # household_a's child is a Zwart; one more open and one closed Zwart of team A, and
    # one of team B: only team A's open ones are found.
    other = HouseholdFactory(team=cast.team_a, name="Familie Zwart-Jansen")
    _closed(HouseholdFactory(team=cast.team_a, name="Huishouden Zwart oud"))
    HouseholdFactory(team=cast.team_b, name="Huishouden Zwart")
    page = alice.get(f"{FORM}?fonds={fund.pk}&zoek=zwart")
    assert set(_offered(page, "household")) == {str(household_a.pk), str(other.pk)}
    assert "2 open households of your team found" in page.content.decode()
    records = _household_log()
    assert {r.subject_pseudonym for r in records} == {household_a.pseudonym, other.pseudonym}
    assert {(r.action, r.object_id) for r in records} == {
        (ProcessingAction.SEARCH, search_hash("zwart"))
    }
    # Nothing found: one SEARCH record with the hash, as the household list writes.
    page = alice.get(f"{FORM}?zoek=Pietersen")
    assert _offered(page, "household") == []
    assert "No open household of your team matches this search." in page.content.decode()
    assert _household_log().filter(object_id=search_hash("Pietersen")).count() == 1


def test_the_search_shows_at_most_twenty_households(alice: Client, cast: Cast, fund: Fund) -> None:
    for n in range(selectors.HOUSEHOLD_HITS + 5):
        HouseholdFactory(team=cast.team_a, name=f"Huishouden Jansen {n:02}")
    page = alice.get(f"{FORM}?zoek=Jansen")
    assert len(_offered(page, "household")) == selectors.HOUSEHOLD_HITS
    assert "Only the first 20 are shown" in page.content.decode()
    assert _household_log().count() == selectors.HOUSEHOLD_HITS


# --- what a POST may choose ----------------------------------------------------------------------
def test_any_open_household_of_the_team_is_accepted_without_being_offered(
    alice: Client, fund: Fund, household_a2: Household
) -> None:
    response = alice.post(FORM, _post(fund, household_a2))
    assert response.status_code == 302
    assert FundRequest.objects.get().household == household_a2


def test_a_household_of_another_team_is_refused_and_nothing_is_written(
    alice: Client, fund: Fund, household_b: Household
) -> None:
    before = ProcessingLog.objects.count()
    response = alice.post(FORM, _post(fund, household_b))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert household_b.name not in response.content.decode()
    assert not FundRequest.objects.exists()
    assert ProcessingLog.objects.count() == before


def test_a_redisplayed_form_keeps_the_posted_household_and_its_breakthroughs(
    alice: Client, cast: Cast, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    own = breakthrough_draft(cast, household_a)
    breakthrough_draft(cast, household_a2)
    response = alice.post(FORM, _post(fund, household_a, amount="0"))
    assert response.status_code == 200
    assert "Enter an amount greater than zero." in response.content.decode()
    assert _offered(response, "household") == [str(household_a.pk)]
    assert f'<option value="{household_a.pk}" selected>' in response.content.decode()
    assert _offered(response, "breakthrough") == [str(own.pk)]
    assert not FundRequest.objects.exists()
    assert _household_log().get().subject_pseudonym == household_a.pseudonym


# --- breakthroughs -------------------------------------------------------------------------------
def test_it_offers_only_the_chosen_households_breakthroughs(
    alice: Client, cast: Cast, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    own = breakthrough_draft(cast, household_a)
    breakthrough_draft(cast, household_a2)
    page = alice.get(f"{FORM}?huishouden={household_a.public_id}")
    assert _offered(page, "breakthrough") == [str(own.pk)]


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_breakthrough_of_another_household_is_refused_and_nothing_is_written(
    alice: Client,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    household_a2: Household,
    anonymous: bool,
) -> None:
    theirs = breakthrough_draft(cast, household_a2)
    before = ProcessingLog.objects.exclude(object_type="households.household").count()
    data = _post(fund, None if anonymous else household_a, breakthrough=theirs.pk)
    response = alice.post(FORM, data)
    assert response.status_code == 200
    assert "Choose a breakthrough of the chosen household." in response.content.decode()
    assert not FundRequest.objects.exists()
    assert ProcessingLog.objects.exclude(object_type="households.household").count() == before


def test_the_refusal_is_dutch(
    cast: Cast, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    theirs = breakthrough_draft(cast, household_a2)
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        services.fund_request_draft(
            actor=cast.alice,
            fund=fund,
            summary="Huur",
            amount_cents=10_000,
            purpose="huur",
            payee_kind=PayeeKind.IN_KIND,
            payee_name="Woonstichting Noord",
            household=household_a,
            breakthrough=theirs,
        )
    assert refused.value.message_dict == {
        "breakthrough": ["Kies een doorbraak van het gekozen huishouden."]
    }
    assert not FundRequest.objects.exists()


def test_the_edit_form_offers_the_requests_households_breakthroughs(
    alice: Client, cast: Cast, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    own = breakthrough_draft(cast, household_a)
    theirs = breakthrough_draft(cast, household_a2)
    found = draft(fund=fund, by=cast.alice, household=household_a)
    url = reverse("funds:request-edit", args=[found.pk])
    assert _offered(alice.get(url), "breakthrough") == [str(own.pk)]
    data = _post(fund, None, breakthrough=theirs.pk)
    response = alice.post(url, data)
    assert response.status_code == 200
    assert "Choose a breakthrough of the chosen household." in response.content.decode()
    found.refresh_from_db()
    assert found.breakthrough_id is None
    assert alice.post(url, _post(fund, None, breakthrough=own.pk)).status_code == 302
    found.refresh_from_db()
    assert found.breakthrough_id == own.pk


# --- tying an anonymous draft to a household -----------------------------------------------------
def test_the_attach_form_offers_only_search_hits(
    alice: Client,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    household_a2: Household,
    household_b: Household,
) -> None:
    anonymous = draft(fund=fund, by=cast.alice)
    detail = reverse("funds:request-detail", args=[anonymous.pk])
    page = alice.get(detail)
    assert _offered(page, "household", "attach_form") == []
    assert "No household chosen yet." in page.content.decode()
    assert not _household_log().exists()
    page = alice.get(f"{detail}?zoek=Bakker")
    assert _offered(page, "household", "attach_form") == [str(household_a2.pk)]
    assert _household_log().get().action == ProcessingAction.SEARCH
    # Another team's household is refused; the team's own is accepted (searched or not).
    attach = reverse("funds:request-attach", args=[anonymous.pk])
    response = alice.post(attach, {"household": household_b.pk})
    assert response.status_code == 200
    anonymous.refresh_from_db()
    assert anonymous.household_id is None
    assert alice.post(attach, {"household": household_a.pk}).status_code == 302
    anonymous.refresh_from_db()
    assert anonymous.household_id == household_a.pk


def test_a_draft_naming_a_breakthrough_is_tied_only_to_its_household(
    cast: Cast, fund: Fund, household_a: Household, household_a2: Household
) -> None:
    """Drafts from before the rule may name a breakthrough without a household."""
    breakthrough = breakthrough_draft(cast, household_a)
    anonymous = draft(fund=fund, by=cast.alice)
    FundRequest.objects.filter(pk=anonymous.pk).update(breakthrough=breakthrough)
    anonymous.refresh_from_db()
    with pytest.raises(ValidationError, match="another household"):
        services.fund_request_attach_household(
            actor=cast.alice, fund_request=anonymous, household=household_a2
        )
    services.fund_request_attach_household(
        actor=cast.alice, fund_request=anonymous, household=household_a
    )
    assert FundRequest.objects.get(pk=anonymous.pk).household_id == household_a.pk


# --- queries -------------------------------------------------------------------------------------
def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_team(
    alice: Client, cast: Cast, fund: Fund, household_a: Household
) -> None:
    breakthrough_draft(cast, household_a)
    urls = [
        f"{FORM}?fonds={fund.pk}",
        f"{FORM}?fonds={fund.pk}&huishouden={household_a.public_id}",
        f"{FORM}?zoek=Huishouden",
        reverse("funds:request-detail", args=[draft(fund=fund, by=cast.alice).pk])
        + "?zoek=Huishouden",
    ]

    def grow(n: int) -> None:
        for i in range(n):
            HouseholdFactory(team=cast.team_a, name=f"Huishouden Groei {n}-{i}")
        for _ in range(min(n, 3)):
            breakthrough_draft(cast, household_a)

    grow(1)
    small = [_queries(alice, url) for url in urls]
    grow(30)
    large = [_queries(alice, url) for url in urls]
    assert small == large
