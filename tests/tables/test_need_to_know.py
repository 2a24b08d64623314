"""The two need-to-know decisions of docs/need-to-know.md, tested as they are decided.

1. The chair's picker names a case still at level 1 or 2 by id, theme, level and deadline
   only; the bottleneck's title (free text of the team) appears once the case is at the
   table. Calling a case up is allowed, moves it to the table level and is recorded.
2. A table member sees the household's name and street address only with the household's
   table consent for the member's own organisation, and no longer once it is withdrawn;
   the minutes never carry them.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Breakthrough, EscalationLevel
from doorbraak.households import services as household_services
from doorbraak.households.models import EventKind, Household, HouseholdEvent
from doorbraak.tables.models import BreakthroughTable, Meeting
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast
from tests.tables.builders import at_table, household_of_team_a, table_consent


def meeting_page(client: Any, meeting: Meeting) -> str:
    response = client.get(reverse("tables:meeting-detail", args=[meeting.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def below_the_table(cast: Cast, title: str) -> Breakthrough:
    breakthrough = submitted(cast, household_of_team_a(cast, "Huishouden de Vries"))
    breakthrough.bottleneck.title = title
    breakthrough.bottleneck.save(update_fields=["title"])
    assert breakthrough.level < EscalationLevel.TABLE
    return breakthrough


# --- 1. the chair's picker ------------------------------------------------------------------
def test_the_picker_names_a_case_below_the_table_without_what_is_stuck(
    cast: Cast, as_user: Any, meeting: Meeting
) -> None:
    early = below_the_table(cast, "Zoon Jeroen krijgt geen bijstand zonder adres")
    page = meeting_page(as_user(cast.erin), meeting)
    assert "Zoon Jeroen" not in page
    deadline = date_format(early.level_deadline, "SHORT_DATE_FORMAT")
    label = (
        f"#{early.pk} — {early.bottleneck.get_theme_display()} — "
        f"{EscalationLevel(early.level).label}, termijn {deadline}"
    )
    assert label in page


def test_the_picker_shows_the_title_of_a_case_at_the_table(
    cast: Cast, as_user: Any, table: BreakthroughTable, meeting: Meeting
) -> None:
    ready = at_table(cast, household_of_team_a(cast, "Huishouden Bakker"))
    ready.bottleneck.title = "Huurachterstand blokkeert schuldhulp"
    ready.bottleneck.save(update_fields=["title"])
    meeting.items.filter(breakthrough=ready).delete()  # so it is a candidate, not an item
    page = meeting_page(as_user(cast.erin), meeting)
    assert f"#{ready.pk} — Huurachterstand blokkeert schuldhulp" in page


def test_calling_a_case_up_moves_it_to_the_table_and_is_recorded(
    cast: Cast, as_user: Any, meeting: Meeting
) -> None:
    early = below_the_table(cast, "Wachten op de beslissing van de verhuurder")
    household: Household = early.household
    before = ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE, object_type="breakthroughs.breakthrough"
    ).count()
    response = as_user(cast.erin).post(
        reverse("tables:agenda-add", args=[meeting.pk]), {"breakthrough": early.pk}
    )
    assert response.status_code == 302
    early.refresh_from_db()
    assert early.level == EscalationLevel.TABLE
    assert meeting.items.filter(breakthrough=early).exists()
    assert HouseholdEvent.objects.filter(
        household=household, kind=EventKind.ESCALATION, actor=cast.erin
    ).exists()
    assert (
        ProcessingLog.objects.filter(
            action=ProcessingAction.UPDATE, object_type="breakthroughs.breakthrough"
        ).count()
        > before
    )


def test_a_member_who_is_not_the_chair_gets_no_picker(
    cast: Cast, as_user: Any, meeting: Meeting
) -> None:
    early = below_the_table(cast, "Geen huis zonder inkomen")
    page = meeting_page(as_user(cast.dave), meeting)
    assert f"#{early.pk} —" not in page
    response = as_user(cast.dave).post(
        reverse("tables:agenda-add", args=[meeting.pk]), {"breakthrough": early.pk}
    )
    assert response.status_code in (403, 404)
    early.refresh_from_db()
    assert early.level < EscalationLevel.TABLE


# --- 2. name and street address at the table ------------------------------------------------
def test_the_address_is_shown_with_consent_for_the_own_organisation_until_withdrawn(
    cast: Cast, as_user: Any, household_a: Household, meeting: Meeting
) -> None:
    assert household_a.street not in meeting_page(as_user(cast.dave), meeting)  # sits for UWV
    consent = table_consent(cast, household_a, cast.uwv)
    # The same meeting, another organisation's representative (the chair): still minimised.
    assert household_a.street not in meeting_page(as_user(cast.erin), meeting)
    dave = as_user(cast.dave)
    assert household_a.street in meeting_page(dave, meeting)
    assert household_a.name in meeting_page(dave, meeting)
    api = dave.get(reverse("api:meeting-detail", args=[meeting.pk])).json()
    assert household_a.street in api["agenda"][0]["case"]["address"]

    household_services.consent_withdraw(actor=cast.alice, consent=consent, note="Ingetrokken")
    withdrawn_at = consent.household.consents.get(pk=consent.pk).withdrawn_at
    assert withdrawn_at is not None
    assert withdrawn_at <= timezone.now()
    page = meeting_page(dave, meeting)
    assert household_a.street not in page
    assert household_a.name not in page
    api = dave.get(reverse("api:meeting-detail", args=[meeting.pk])).json()
    assert api["agenda"][0]["case"]["address"] is None
    assert api["agenda"][0]["case"]["householdName"] is None
