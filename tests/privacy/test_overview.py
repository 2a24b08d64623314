"""The access overview (AVG art. 15, CJEU C-579/21): what is held, disclosed and consulted."""

from __future__ import annotations

import datetime
import json
import re
import zlib
from typing import Any

import time_machine
from django.utils import translation

from doorbraak.accounts.models import Role
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.privacy.models import DataSubjectRequest
from doorbraak.privacy.overview import access_overview, as_json
from doorbraak.privacy.pdf import overview_pdf
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory
from tests.privacy.conftest import head_of, make_request

AMS = datetime.timezone(datetime.timedelta(hours=1))


def _read(actor: Any, subject: str, at: datetime.datetime, activity: ProcessingActivity) -> None:
    with time_machine.travel(at, tick=False):
        processing_log_record(
            actor=actor,
            action=ProcessingAction.READ,
            activity=activity,
            object_type="households.household",
            object_id=1,
            subjects=[subject],
        )


def _plant(cast: Cast, household: Household) -> tuple[Member, Member]:
    """Three organisations read the head; others read the child and someone elsewhere."""
    head = head_of(household)
    child = household.members.get(role=MemberRole.CHILD)
    _read(
        cast.alice,
        head.pseudonym,
        datetime.datetime(2026, 3, 2, 9, tzinfo=AMS),
        ProcessingActivity.CASE_SUPPORT,
    )
    _read(
        cast.dave,
        head.pseudonym,
        datetime.datetime(2026, 4, 7, 14, 30, tzinfo=AMS),
        ProcessingActivity.PARTNER_REQUEST,
    )
    _read(
        cast.erin,
        head.pseudonym,
        datetime.datetime(2026, 5, 11, 10, 15, tzinfo=AMS),
        ProcessingActivity.BREAKTHROUGH_TABLE,
    )
    # Not about the head: the child, and a person in the other municipality.
    _read(
        cast.frank,
        child.pseudonym,
        datetime.datetime(2026, 4, 1, 8, tzinfo=AMS),
        ProcessingActivity.FUND,
    )
    _read(
        cast.mallory,
        "p-someone-else",
        datetime.datetime(2026, 4, 2, 8, tzinfo=AMS),
        ProcessingActivity.CASE_SUPPORT,
    )
    return head, child


def _label(role: Role) -> str:
    with translation.override("nl"):
        return str(role.label)


def test_the_overview_lists_exactly_the_consultations_of_the_person(
    cast: Cast, household_a: Household
) -> None:
    head, child = _plant(cast, household_a)
    dsr = make_request(cast, head)
    overview = access_overview(dsr, member=head)

    got = [(c.at, c.organisation, c.role, c.purpose) for c in overview.consultations]
    assert got == [
        (
            datetime.datetime(2026, 3, 2, 9, tzinfo=AMS),
            cast.team_a.organisation.name,
            _label(Role.PROFESSIONAL),
            basis_of(ProcessingActivity.CASE_SUPPORT).purpose,
        ),
        (
            datetime.datetime(2026, 4, 7, 14, 30, tzinfo=AMS),
            "UWV",
            _label(Role.PARTNER_CONTACT),
            basis_of(ProcessingActivity.PARTNER_REQUEST).purpose,
        ),
        (
            datetime.datetime(2026, 5, 11, 10, 15, tzinfo=AMS),
            "W&I Noord",
            _label(Role.TABLE_CHAIR),
            basis_of(ProcessingActivity.BREAKTHROUGH_TABLE).purpose,
        ),
    ]
    with translation.override("nl"):
        read = str(ProcessingAction.READ.label)
    assert {c.action for c in overview.consultations} == {read}
    assert all(c.employee is None for c in overview.consultations)

    text = json.dumps(as_json(overview), ensure_ascii=False)
    for name in (cast.alice.get_full_name(), cast.dave.get_full_name(), cast.erin.get_full_name()):
        assert name not in text  # no employee names unless the privacy officer decides so
    assert child.first_name not in text  # nothing of the other members
    assert cast.frank.get_full_name() not in text
    assert basis_of(ProcessingActivity.FUND).purpose not in text
    assert "Buurtteam Z" not in text
    assert cast.team_z.organisation.name not in text


def test_the_employee_names_only_when_asked(cast: Cast, household_a: Household) -> None:
    head, _child = _plant(cast, household_a)
    overview = access_overview(make_request(cast, head), member=head, with_employee_names=True)
    assert [c.employee for c in overview.consultations] == [
        cast.alice.get_full_name(),
        cast.dave.get_full_name(),
        cast.erin.get_full_name(),
    ]
    assert as_json(overview)["raadplegingen"][0]["medewerker"] == cast.alice.get_full_name()


def test_the_json_shape(cast: Cast, access_request: DataSubjectRequest) -> None:
    head = access_request.member
    assert head is not None
    data = as_json(access_overview(access_request, member=head))
    assert set(data) == {
        "titel",
        "gemaakt_op",
        "gemeente",
        "verzoek",
        "persoon",
        "gegevens",
        "ontvangers",
        "raadplegingen",
        "raadplegingen_weggelaten",
        "uw_rechten",
    }
    assert data["titel"] == "Overzicht van uw persoonsgegevens"
    assert data["gemeente"] == "Gemeente Noord"
    assert data["verzoek"] == {"nummer": access_request.pk, "ontvangen_op": "2026-11-20"}
    assert {"gegeven": "Naam", "waarde": head.full_name} in data["persoon"]
    subjects = [g["onderwerp"] for g in data["gegevens"]]
    assert subjects[:2] == ["Uw persoonsgegevens", "Uw huishouden"]
    for category in data["gegevens"]:
        assert set(category) == {"onderwerp", "bron", "doel", "grondslag", "inhoud"}
        assert category["bron"]
        assert category["doel"]
        assert category["grondslag"]
    json.dumps(data)  # serialisable as it is


def _expanded(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (the object streams among them) inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_pdf_is_tagged_dutch_and_titled(cast: Cast, access_request: DataSubjectRequest) -> None:
    head = access_request.member
    assert head is not None
    _read(
        cast.alice,
        head.pseudonym,
        datetime.datetime(2026, 3, 2, 9, tzinfo=AMS),
        ProcessingActivity.CASE_SUPPORT,
    )
    raw = overview_pdf(access_overview(access_request, member=head))
    assert raw.startswith(b"%PDF")
    pdf = _expanded(raw)
    assert b"/StructTreeRoot" in pdf  # tagged: a structure tree for assistive technology
    assert b"/MarkInfo" in pdf
    assert b"/Lang (nl)" in pdf
    title = "Overzicht van uw persoonsgegevens"
    assert title.encode() in pdf or title.encode("utf-16-be") in pdf


def test_building_the_overview_costs_the_same_at_two_sizes(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    def build(members: int, reads: int) -> tuple[DataSubjectRequest, Member]:
        household = HouseholdFactory(team=cast.team_a)
        for _ in range(members):
            MemberFactory(household=household)
        head = head_of(household)
        for index in range(reads):
            _read(
                cast.alice,
                head.pseudonym,
                datetime.datetime(2026, 1, 1 + index, tzinfo=AMS),
                ProcessingActivity.CASE_SUPPORT,
            )
        dsr = make_request(cast, head)
        return dsr, Member.objects.select_related("household__team").get(pk=head.pk)

    small = build(1, 1)
    large = build(6, 20)
    counts = []
    for dsr, member in (small, large):
        dsr = DataSubjectRequest.objects.select_related("municipality").get(pk=dsr.pk)
        with django_assert_num_queries(10) as captured:
            access_overview(dsr, member=member)
        counts.append(len(captured))
    assert counts[0] == counts[1]
