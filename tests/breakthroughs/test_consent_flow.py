"""Consent in the flow of a partner request (issue 15.4).

The request checks consent before anything is written, never offers "toestemming van het
huishouden" as the legal basis where no consent holds, records consent given on the spot
with the request (keeping what was typed when something is missing), refuses organisations
without a fixed contact person with the way to the breakthrough table, and a request the
deadline moved on shows that instead of "waiting for an answer".
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import (
    CONSENT_LEGAL_BASIS,
    Breakthrough,
    Disclosure,
    EscalationLevel,
    PartnerRequest,
)
from doorbraak.households.models import Consent, ConsentMethod, Household, Member
from tests.breakthroughs.builders import give_consent, send, submitted
from tests.conftest import Cast
from tests.factories import OrganisationFactory

QUESTION = "Mag de WW doorlopen terwijl vader de reiskosten zelf voorschiet?"


def _head(household: Household) -> Member:
    member = household.members.order_by("birth_date").first()
    assert member is not None
    return member


def _post(client: Client, breakthrough: Breakthrough, **data: Any) -> Any:
    return client.post(
        reverse("breakthroughs:request-create", args=[breakthrough.pk]),
        {"question": QUESTION, "legal_basis": "", **data},
    )


def _nothing_written() -> None:
    assert not PartnerRequest.objects.exists()
    assert not Disclosure.objects.exists()
    assert not Consent.objects.exists()


# --- the form ---------------------------------------------------------------------------------
def test_the_form_offers_no_consent_legal_basis_without_consent(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    body = as_user(cast.alice).get(reverse("breakthroughs:detail", args=[breakthrough.pk]))
    text = body.content.decode()
    assert CONSENT_LEGAL_BASIS not in text
    assert 'name="consent_now"' in text
    # W&I Noord has nobody to answer: marked in the choice.
    assert "W&amp;I Noord (geen vaste contactpersoon)" in text


def test_without_consent_the_request_is_refused_and_the_question_kept(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    response = _post(as_user(cast.alice), breakthrough, organisation=cast.uwv.pk)
    assert response.status_code == 200
    text = response.content.decode()
    assert "geen toestemming gegeven" in text
    assert QUESTION in text  # nothing typed is lost
    _nothing_written()


def test_consent_given_now_is_recorded_with_the_request(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    head = _head(household_a)
    response = _post(
        as_user(cast.alice),
        breakthrough,
        organisation=cast.uwv.pk,
        consent_now="on",
        consent_given_by=head.pk,
        consent_method=ConsentMethod.VERBAL,
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, consent.recipient, consent.method) == (
        head,
        cast.uwv,
        ConsentMethod.VERBAL,
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == consent
    assert disclosure.legal_basis == CONSENT_LEGAL_BASIS
    assert PartnerRequest.objects.get().question == QUESTION
    # The processing log has the request's disclosure and the consent's change.
    assert ProcessingLog.objects.filter(
        object_type="breakthroughs.disclosure", action=ProcessingAction.EXPORT
    ).exists()
    assert ProcessingLog.objects.filter(object_type="households.consent").exists()


def test_consent_ticked_without_who_gave_it_is_a_dutch_error(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    response = _post(as_user(cast.alice), breakthrough, organisation=cast.uwv.pk, consent_now="on")
    assert response.status_code == 200
    assert "Kies wie in het huishouden toestemming geeft." in response.content.decode()
    _nothing_written()


def test_consent_of_a_member_of_another_household_is_refused(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    response = _post(
        as_user(cast.alice),
        breakthrough,
        organisation=cast.uwv.pk,
        consent_now="on",
        consent_given_by=_head(household_b).pk,
        consent_method=ConsentMethod.VERBAL,
    )
    assert response.status_code == 200
    _nothing_written()


def test_with_consent_on_record_nothing_more_is_asked(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    response = _post(as_user(cast.alice), breakthrough, organisation=cast.uwv.pk)
    assert response.status_code == 302
    assert Consent.objects.count() == 1
    assert Disclosure.objects.get().legal_basis == CONSENT_LEGAL_BASIS


# --- no fixed contact person ------------------------------------------------------------------
def test_an_organisation_without_contact_person_is_refused_with_a_way_forward(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    response = _post(
        client,
        breakthrough,
        organisation=cast.wi_north.pk,
        consent_now="on",
        consent_given_by=_head(household_a).pk,
        consent_method=ConsentMethod.WRITTEN,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "geen vaste contactpersoon" in text
    assert reverse("breakthroughs:escalate", args=[breakthrough.pk]) in text
    assert QUESTION in text
    _nothing_written()  # not even the consent ticked with it

    straight = client.post(
        reverse("breakthroughs:escalate", args=[breakthrough.pk]),
        {"reason": "W&I Noord heeft geen vaste contactpersoon.", "to_table": "True"},
    )
    assert straight.status_code == 302
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE


def test_the_service_refuses_an_organisation_without_contact_person(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.wi_north)
    with pytest.raises(ValidationError) as caught:
        send(cast, breakthrough, organisation=cast.wi_north)
    assert caught.value.error_dict["organisation"][0].code == "no_contact_person"
    assert not PartnerRequest.objects.exists()


def test_escalating_to_a_lower_level_is_refused(cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    send(cast, breakthrough)
    with pytest.raises(ValidationError):
        services.breakthrough_escalate(
            actor=cast.alice,
            breakthrough=breakthrough,
            reason="Terug.",
            to_level=EscalationLevel.PARTNER,
        )


# --- the real state ---------------------------------------------------------------------------
def test_a_request_moved_on_by_the_deadline_shows_its_real_state(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    breakthrough.refresh_from_db()
    assert breakthrough.level_deadline is not None
    with translation.override("nl"):
        assert request.state_label == "Wacht op antwoord"
    services.escalation_sweep(today=breakthrough.level_deadline + datetime.timedelta(days=1))
    request = PartnerRequest.objects.select_related("breakthrough").get(pk=request.pk)
    assert request.moved_on
    text = (
        as_user(cast.alice)
        .get(reverse("breakthroughs:detail", args=[breakthrough.pk]))
        .content.decode()
    )
    assert "Niet op tijd beantwoord: doorgeschoven naar Doorbraaktafel" in text
    assert "Wacht op antwoord" not in text
    inbox = as_user(cast.dave).get(reverse("partners:inbox")).content.decode()
    assert "Niet op tijd beantwoord" in inbox


# --- access -----------------------------------------------------------------------------------
def test_another_team_gets_404_and_a_partner_403(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    assert _post(as_user(cast.bob), breakthrough, organisation=cast.uwv.pk).status_code == 404
    assert _post(as_user(cast.mallory), breakthrough, organisation=cast.uwv.pk).status_code == 404
    assert _post(as_user(cast.dave), breakthrough, organisation=cast.uwv.pk).status_code == 403
    _nothing_written()


def test_the_request_page_reads_a_fixed_number_of_queries(
    as_user: Any,
    cast: Cast,
    household_a: Household,
    django_assert_max_num_queries: Any,
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    url = reverse("breakthroughs:request-create", args=[breakthrough.pk])
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for organisation in ("CAK", "SVB", "DUO"):
        give_consent(cast, household_a, OrganisationFactory(name=organisation, national=True))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
