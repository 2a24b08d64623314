"""Free text of bottlenecks, breakthroughs and partner requests has a limit.

Over it is refused in Dutch and nothing is stored; at it the text is kept whole.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.admin import ContactProfileForm
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    Decision,
    DecisionOutcome,
    Disclosure,
    PartnerRequest,
    RequestStatus,
    Theme,
    TimeOut,
)
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.library.models import Regulation
from tests.breakthroughs.test_services import bottleneck, complete, draft, give_consent, submitted
from tests.conftest import Cast
from tests.factories import MembershipFactory, OrganisationFactory, RegulationFactory, UserFactory
from tests.limits import TextCase, check_text_limit, text, too_long_message


def _contact(organisation: Organisation, cast: Cast) -> User:
    user = UserFactory(username="piet")
    MembershipFactory(
        user=user, role=Role.PARTNER_CONTACT, organisation=organisation, municipality=cast.north
    )
    return user


def _send(cast: Cast, breakthrough: Breakthrough, **kw: Any) -> PartnerRequest:
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "breakthrough": breakthrough,
        "organisation": cast.uwv,
        "question": "Kan de WW-uitkering doorlopen op een briefadres?",
        "legal_basis": "AVG art. 6 lid 1 sub a (toestemming)",
    }
    arguments.update(kw)
    return services.partner_request_send(**arguments)


def _stored(model: type[Any], pk: int, name: str) -> Callable[[], str]:
    return lambda: str(getattr(model.objects.get(pk=pk), name))


def _last(model: type[Any], name: str, **filters: Any) -> Callable[[], str]:
    return lambda: (
        model.objects.filter(**filters).order_by("pk").values_list(name, flat=True).last() or ""
    )


def bottleneck_description(cast: Cast, household: Household) -> TextCase:
    regulation = Regulation.objects.get(pk=RegulationFactory().pk)
    return TextCase(
        run=lambda value: services.bottleneck_register(
            actor=cast.alice,
            household=household,
            title="Geen uitkering zonder adres, geen huis zonder inkomen",
            description=value,
            theme=Theme.INCOME,
            kind=BottleneckKind.RULES_CLASH,
            blocked_solution="Een briefadres en bijstand, zodat zij kan huren.",
            regulations=[regulation],
            organisations=[cast.uwv],
        ),
        stored=_last(Bottleneck, "description"),
    )


def bottleneck_blocked_solution(cast: Cast, household: Household) -> TextCase:
    existing = bottleneck(cast, household)

    def run(value: str) -> object:
        return services.bottleneck_update(
            actor=cast.alice,
            bottleneck=existing,
            title=existing.title,
            description=existing.description,
            theme=existing.theme,
            kind=existing.kind,
            blocked_solution=value,
            regulations=list(existing.regulations.all()),
            organisations=list(existing.organisations.all()),
        )

    return TextCase(run=run, stored=_stored(Bottleneck, existing.pk, "blocked_solution"))


def breakthrough_proposal(cast: Cast, household: Household) -> TextCase:
    stuck = bottleneck(cast, household)
    return TextCase(
        run=lambda value: services.breakthrough_start(
            actor=cast.alice, bottleneck=stuck, title="Briefadres", proposal=value
        ),
        stored=_last(Breakthrough, "proposal"),
    )


def _update(cast: Cast, household: Household, field: str) -> TextCase:
    breakthrough = complete(cast, draft(cast, household))

    def run(value: str) -> object:
        arguments: dict[str, Any] = {
            "title": breakthrough.title,
            "proposal": breakthrough.proposal,
            "regulation": breakthrough.regulation,
            "legal_reasoning": breakthrough.legal_reasoning,
            "horizon_months": breakthrough.horizon_months,
            "direct_cost_cents": breakthrough.direct_cost_cents,
            "direct_cost_payer": breakthrough.direct_cost_payer,
            "engagement": breakthrough.engagement,
            "household_commitment": breakthrough.household_commitment,
        }
        arguments[field] = value
        return services.breakthrough_update(
            actor=cast.alice, breakthrough=breakthrough, **arguments
        )

    return TextCase(run=run, stored=_stored(Breakthrough, breakthrough.pk, field))


def legal_reasoning(cast: Cast, household: Household) -> TextCase:
    return _update(cast, household, "legal_reasoning")


def engagement(cast: Cast, household: Household) -> TextCase:
    return _update(cast, household, "engagement")


def household_commitment(cast: Cast, household: Household) -> TextCase:
    return _update(cast, household, "household_commitment")


def decision_reason(cast: Cast, household: Household) -> TextCase:
    breakthrough = submitted(cast, household)
    return TextCase(
        run=lambda value: services.breakthrough_decide(
            actor=cast.alice,
            breakthrough=breakthrough,
            outcome=DecisionOutcome.APPROVED,
            mandate="Eigen mandaat",
            reason=value,
        ),
        stored=_last(Decision, "reason", breakthrough=breakthrough),
    )


def _decided(cast: Cast, household: Household) -> Breakthrough:
    breakthrough = submitted(cast, household)
    services.breakthrough_decide(
        actor=cast.alice,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Eigen mandaat",
        reason="Goed onderbouwd.",
    )
    return breakthrough


def carried_out_note(cast: Cast, household: Household) -> TextCase:
    breakthrough = _decided(cast, household)
    return TextCase(
        run=lambda value: services.breakthrough_carry_out(
            actor=cast.alice,
            breakthrough=breakthrough,
            carried_out_on=timezone.localdate(),
            note=value,
        ),
        stored=_stored(Breakthrough, breakthrough.pk, "carried_out_note"),
    )


def evaluation(cast: Cast, household: Household) -> TextCase:
    breakthrough = _decided(cast, household)
    services.breakthrough_carry_out(
        actor=cast.alice,
        breakthrough=breakthrough,
        carried_out_on=timezone.localdate(),
        note="Briefadres gemaakt",
    )
    return TextCase(
        run=lambda value: services.breakthrough_evaluate(
            actor=cast.alice,
            breakthrough=breakthrough,
            evaluated_on=timezone.localdate(),
            evaluation=value,
        ),
        stored=_stored(Breakthrough, breakthrough.pk, "evaluation"),
    )


def partner_question(cast: Cast, household: Household) -> TextCase:
    breakthrough = submitted(cast, household)
    give_consent(cast, household, cast.uwv)
    return TextCase(
        run=lambda value: _send(cast, breakthrough, question=value),
        stored=_last(PartnerRequest, "question"),
    )


def override_reason(cast: Cast, household: Household) -> TextCase:
    """The team lead shares without consent and says why."""
    breakthrough = submitted(cast, household)
    return TextCase(
        run=lambda value: _send(cast, breakthrough, actor=cast.carol, override_reason=value),
        stored=_last(Disclosure, "override_reason"),
    )


def partner_answer(cast: Cast, household: Household) -> TextCase:
    breakthrough = submitted(cast, household)
    give_consent(cast, household, cast.uwv)
    request = _send(cast, breakthrough)
    return TextCase(
        run=lambda value: services.partner_request_answer(
            actor=cast.dave, request=request, status=RequestStatus.DECLINED, answer=value
        ),
        stored=_stored(PartnerRequest, request.pk, "answer"),
    )


def clarification(cast: Cast, household: Household) -> TextCase:
    breakthrough = submitted(cast, household)
    give_consent(cast, household, cast.uwv)
    request = _send(cast, breakthrough)
    services.partner_request_answer(
        actor=cast.dave,
        request=request,
        status=RequestStatus.MORE_INFORMATION,
        answer="Sinds wanneer is zij dakloos?",
    )
    return TextCase(
        run=lambda value: services.partner_request_clarify(
            actor=cast.alice, request=request, information=value
        ),
        stored=_stored(PartnerRequest, request.pk, "question"),
    )


def time_out_answer(cast: Cast, household: Household) -> TextCase:
    cjib = OrganisationFactory(name="CJIB", national=True)
    piet = _contact(cjib, cast)
    breakthrough = submitted(cast, household)
    give_consent(cast, household, cjib)
    time_out = services.time_out_request(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cjib,
        what="Inning van de verkeersboetes",
        until=timezone.localdate() + datetime.timedelta(days=60),
        legal_basis="AVG art. 6 lid 1 sub a (toestemming)",
    )
    return TextCase(
        run=lambda value: services.time_out_answer(
            actor=piet, time_out=time_out, granted=False, answer=value
        ),
        stored=_stored(TimeOut, time_out.pk, "answer"),
    )


@pytest.mark.parametrize(
    ("case", "limit"),
    [
        (bottleneck_description, limits.TEXT),
        (bottleneck_blocked_solution, limits.TEXT),
        (breakthrough_proposal, limits.LONG_TEXT),
        (legal_reasoning, limits.LONG_TEXT),
        (engagement, limits.TEXT),
        (household_commitment, limits.TEXT),
        (decision_reason, limits.TEXT),
        (carried_out_note, limits.TEXT),
        (evaluation, limits.LONG_TEXT),
        (partner_question, limits.LONG_TEXT),
        (override_reason, limits.SHORT_TEXT),
        (partner_answer, limits.TEXT),
        (clarification, limits.SHORT_TEXT),
        (time_out_answer, limits.TEXT),
    ],
)
def test_free_text_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, household_a: Household, case: Callable[[Cast, Household], TextCase], limit: int
) -> None:
    check_text_limit(case(cast, household_a), limit)


def test_clarifications_cannot_grow_the_question_past_its_limit(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = _send(cast, breakthrough, question=text(limits.TEXT))
    for _ in range(2):
        services.partner_request_answer(
            actor=cast.dave,
            request=request,
            status=RequestStatus.MORE_INFORMATION,
            answer="Wat is er nog meer bekend?",
        )
        services.partner_request_clarify(
            actor=cast.alice, request=request, information=text(limits.SHORT_TEXT)
        )
    services.partner_request_answer(
        actor=cast.dave,
        request=request,
        status=RequestStatus.MORE_INFORMATION,
        answer="Wat is er nog meer bekend?",
    )
    before = PartnerRequest.objects.get(pk=request.pk).question
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        services.partner_request_clarify(
            actor=cast.alice, request=request, information=text(limits.SHORT_TEXT)
        )
    assert "Stuur een nieuw verzoek." in refused.value.message_dict["information"][0]
    request.refresh_from_db()
    assert request.question == before
    assert request.status == RequestStatus.MORE_INFORMATION


# --- the forms: the pages and the admin ------------------------------------------------------
def test_the_bottleneck_page_states_and_keeps_the_limit(
    cast: Cast, household_a: Household, as_user: Any
) -> None:
    client: Client = as_user(cast.alice)
    address = reverse("breakthroughs:bottleneck-create", args=[household_a.public_id])
    page = client.get(address).content.decode()
    assert f'maxlength="{limits.TEXT}"' in page
    assert f"Maximaal {limits.TEXT} tekens." in page
    response = client.post(
        address,
        {
            "title": "Geen uitkering zonder adres",
            "description": text(limits.TEXT + 1),
            "theme": "inkomen",
            "kind": "regels_botsen",
            "blocked_solution": "Een briefadres.",
        },
    )
    assert response.status_code == 200
    assert too_long_message(limits.TEXT) in response.content.decode()
    assert not Bottleneck.objects.exists()


def test_the_api_refuses_a_long_proposal_as_a_problem(
    cast: Cast, household_a: Household, as_user: Any
) -> None:
    breakthrough = draft(cast, household_a)
    client: Client = as_user(cast.alice)
    response = client.patch(
        reverse("api:breakthrough-detail", args=[breakthrough.pk]),
        json.dumps({"proposal": text(limits.LONG_TEXT + 1)}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "proposal"
    assert f"niet meer dan {limits.LONG_TEXT} karakters" in problem["reason"]
    breakthrough.refresh_from_db()
    assert breakthrough.proposal != text(limits.LONG_TEXT + 1)


def test_the_mandate_of_a_contact_person_has_its_limit_in_the_admin(cast: Cast) -> None:
    membership = cast.dave.memberships.get()
    with translation.override("nl"):
        form = ContactProfileForm(
            {"membership": membership.pk, "mandate": text(limits.SHORT_TEXT + 1), "phone": ""}
        )
        assert form.errors["mandate"] == [too_long_message(limits.SHORT_TEXT)]
        assert ContactProfileForm(
            {"membership": membership.pk, "mandate": text(limits.SHORT_TEXT), "phone": ""}
        ).is_valid()
