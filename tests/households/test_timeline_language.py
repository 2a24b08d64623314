"""The timeline reads in the reader's language: English in English mode, Dutch in Dutch mode.

The lines are written by the real services of several apps (households, plans,
breakthroughs, assessments); each is stored as its msgid and parameters and rendered when
the page is read. Older lines, stored as Dutch text only, stay Dutch and say so.
"""

from __future__ import annotations

import datetime
import re
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from doorbraak.assessments.services import household_close
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    ConsentMethod,
    EventKind,
    Household,
    HouseholdEvent,
    MemberRole,
)
from doorbraak.lib.templatetags.money import format_euros
from doorbraak.plans.services import plan_start
from tests.breakthroughs import builders
from tests.conftest import Cast
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

HANDOVER_NOTE = "Ik ga drie weken met verlof"
LEAVING_NOTE = "Zij woont nu bij haar zus"
POSTAL_ADDRESS = "Postbus 12, Demostad"
_LINE = re.compile(
    r'<p class="utrecht-paragraph hh-timeline__summary"(?P<lang> lang="nl")?>(?P<text>.*?)</p>',
    re.S,
)


def _story(cast: Cast, household: Household) -> None:
    """A household's first months, through the services every app uses."""
    services.professional_add(
        actor=cast.alice,
        household=household,
        person_name="Piet Smit",
        role="schuldhulpverlener",
        since=datetime.date(2026, 1, 10),
        organisation=cast.uwv,
    )
    builders.give_consent(cast, household, cast.uwv)
    member = services.member_add(
        actor=cast.alice,
        household=household,
        data=services.MemberData(
            first_name="Fenna",
            last_name="Zwart",
            birth_date=datetime.date(2001, 2, 3),
            role=MemberRole.OTHER_ADULT,
        ),
        joined_on=datetime.date(2026, 2, 1),
    )
    services.member_leave(
        actor=cast.alice, member=member, left_on=datetime.date(2026, 3, 1), note=LEAVING_NOTE
    )
    services.household_address_change(
        actor=cast.alice,
        household=household,
        address=services.AddressData(
            has_fixed_address=False,
            postal_address=POSTAL_ADDRESS,
            district=DistrictFactory(municipality=household.municipality),
        ),
    )
    plan_start(actor=cast.alice, household=household)
    breakthrough = builders.submitted(cast, household)
    breakthrough_services.breakthrough_escalate(
        actor=cast.alice, breakthrough=breakthrough, reason="Eigen mandaat schiet tekort."
    )
    builders.send(cast, breakthrough)
    services.coordinator_handover(
        actor=cast.alice, household=household, to=cast.carol, note=HANDOVER_NOTE
    )
    household_close(actor=cast.carol, household=household, reason=CloseReason.GOALS_REACHED)


def _lines(client: Client, household: Household, language: str) -> list[tuple[str, bool]]:
    """The timeline's lines as the reader sees them, each with whether it is marked Dutch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("households:timeline", args=[household.public_id]))
    assert response.status_code == 200
    return [
        (unescape(match["text"]), bool(match["lang"]))
        for match in _LINE.finditer(response.content.decode())
    ]


def _pattern(msgid: str, language: str) -> re.Pattern[str]:
    """The msgid in ``language`` as a pattern: its own words fixed, each parameter any text."""
    with translation.override(language):
        text = gettext(msgid)
    parts = re.split(r"%\(\w+\)[sd]", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.S)


def test_the_timeline_reads_in_english_in_english_mode_and_in_dutch_in_dutch_mode(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _story(cast, household_a)
    client = as_user(cast.carol)
    events = list(household_a.events.order_by("-occurred_at", "-pk"))
    kinds = {event.kind for event in events}
    assert len(kinds) >= 10, kinds
    assert all(event.message for event in events), "every service stores its message"

    english = _lines(client, household_a, "en")
    dutch = _lines(client, household_a, "nl")
    assert len(english) == len(dutch) == len(events)
    for event, (en, en_marked), (nl, nl_marked) in zip(events, english, dutch, strict=True):
        assert not en_marked
        assert not nl_marked
        assert en != nl, f"the same in both languages: {en}"
        assert _pattern(event.message, "en").fullmatch(en), (event.message, en)
        assert _pattern(event.message, "nl").fullmatch(nl), (event.message, nl)
        assert nl == event.summary  # the stored Dutch line is what Dutch mode shows

    english_page, dutch_page = "\n".join(t for t, _ in english), "\n".join(t for t, _ in dutch)
    # Choices in their own language's label, typed text as typed, dates in the language's format.
    for label, language, page in (
        (ConsentMethod.WRITTEN.label, "en", english_page),
        (ConsentMethod.WRITTEN.label, "nl", dutch_page),
        (CloseReason.GOALS_REACHED.label, "en", english_page),
        (CloseReason.GOALS_REACHED.label, "nl", dutch_page),
        (MemberRole.OTHER_ADULT.label, "en", english_page),
        (MemberRole.OTHER_ADULT.label, "nl", dutch_page),
    ):
        with translation.override(language):
            assert str(label).lower() in page, (language, label)
    with translation.override("nl"):
        assert str(ConsentMethod.WRITTEN.label).lower() not in english_page
        assert "Geen vast adres" not in english_page
        assert "Geen vast adres" in dutch_page
    assert "No fixed address" in english_page
    for text in (HANDOVER_NOTE, LEAVING_NOTE, POSTAL_ADDRESS, builders.TITLE, "Piet Smit"):
        assert text in english_page
        assert text in dutch_page
    follow_up = household_a.follow_ups.order_by("due_on").first()
    assert follow_up is not None
    for language, page in (("en", english_page), ("nl", dutch_page)):
        with translation.override(language):
            assert formats.date_format(follow_up.due_on, "DATE_FORMAT") in page


def test_a_line_stored_before_messages_stays_dutch_and_says_so(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    HouseholdEvent.objects.create(
        household=household_a, kind=EventKind.INTAKE, summary="Huishouden ingeschreven."
    )
    client = as_user(cast.alice)
    assert _lines(client, household_a, "en") == [("Huishouden ingeschreven.", True)]
    assert _lines(client, household_a, "nl") == [("Huishouden ingeschreven.", False)]


def test_a_message_whose_parameters_do_not_fit_shows_the_stored_line(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    for params in ({}, {"name": {"date": "not a date"}}, {"name": {"unknown": 1}}):
        HouseholdEvent.objects.create(
            household=household_a,
            kind=EventKind.MEMBER_LEFT,
            summary="Jan is uit het huishouden vertrokken.",
            message="%(name)s left the household.",
            params=params,
        )
    HouseholdEvent.objects.create(
        household=household_a,
        kind=EventKind.PLAN,
        summary="Planversie 2 gestart als concept.",
        message="Plan version %(version)d started as a draft.",
        params={"version": "twee"},
    )
    client = as_user(cast.alice)
    english = _lines(client, household_a, "en")
    assert (
        english
        == [("Planversie 2 gestart als concept.", True)]
        + [("Jan is uit het huishouden vertrokken.", True)] * 3
    )


_MONTHS = {
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
    "nl": "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december",
}


def _visible_text(html: str) -> str:
    html = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_household_and_breakthrough_pages_show_money_and_dates_one_way(
    as_user: Any, cast: Cast, household_a: Household, language: str
) -> None:
    services.professional_add(
        actor=cast.alice,
        household=household_a,
        person_name="Piet Smit",
        role="schuldhulpverlener",
        since=datetime.date(2026, 1, 10),
        organisation=cast.uwv,
        yearly_cost_cents=123_456,
    )
    breakthrough = builders.submitted(cast, household_a, lines=3)
    client = as_user(cast.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (
        reverse("households:detail", args=[household_a.public_id]),
        reverse("breakthroughs:detail", args=[breakthrough.pk]),
    ):
        text = _visible_text(client.get(url).content.decode())
        amounts = re.findall(r"[−-]?\s?€\s?\d[\d.,]*", text)
        assert amounts, url
        # English "€1,234.56", Dutch "€ 1.234,56"; a minus is "−" before the euro sign.
        good = (
            r"(− )?€\d{1,3}(,\d{3})*\.\d\d"
            if language == "en"
            else r"(− )?€ \d{1,3}(\.\d{3})*,\d\d"
        )
        assert [a for a in amounts if not re.fullmatch(good, a.strip().rstrip(".,"))] == [], url
        assert not re.search(r"\b\d{1,2}[-/]\d{1,2}[-/]\d{4}\b", text), url  # no numeric dates
        other = _MONTHS["nl" if language == "en" else "en"]
        assert not re.search(rf"\b\d{{1,2}} ({other}) \d{{4}}", text), url
        assert re.search(rf"\b\d{{1,2}} ({_MONTHS[language]}) \d{{4}}", text), url
    with translation.override(language):
        assert format_euros(123_456) in _visible_text(
            client.get(reverse("households:detail", args=[household_a.public_id])).content.decode()
        )
