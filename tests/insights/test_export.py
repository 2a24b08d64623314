"""Evaluation export: pseudonymised, no direct identifiers, rare combinations handled,
only for the municipality's policy analysts, always in the processing log."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorbraak.accounts.models import District, User
from doorbraak.assessments.models import Assessment
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Theme,
)
from doorbraak.households.models import (
    Classification,
    CloseReason,
    Household,
    HouseholdStatus,
    MemberRole,
)
from doorbraak.insights import export
from doorbraak.insights.export import ExportResult, evaluation_export
from doorbraak.lib.crypto import blind_index, encrypt, pseudonym
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory, MemberFactory

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)

#: Every column the export may have; outcome and fund columns are counted by type.
ALLOWED_COLUMNS = {
    "pseudonym",
    "age_band_head",
    "household_size",
    "postcode4",
    "district",
    "opened_month",
    "closed_month",
    "close_reason",
    "assessments",
    "classification_first",
    "classification_last",
    "max_escalation_level",
    "fund_requests_paid",
    "fund_paid_amount_band",
    *(f"bottlenecks_{theme.value}" for theme in Theme),
    *(f"breakthroughs_{status.value}" for status in BreakthroughStatus),
}
FORBIDDEN_IN_COLUMN_NAMES = (
    "name",
    "bsn",
    "street",
    "house_number",
    "address",
    "city",
    "birth",
    "note",
    "description",
    "summary",
    "iban",
    "team",
    "phone",
    "email",
)


def read(result: ExportResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.csv)))


def make_household(
    cast: Cast,
    *,
    district: District,
    postcode: str = "3552 AB",
    head_born: datetime.date = datetime.date(1980, 3, 1),
    opened_on: datetime.date = datetime.date(2026, 1, 5),
    **kwargs: Any,
) -> Household:
    household = HouseholdFactory(
        team=cast.team_a,
        district=district,
        postcode=postcode,
        opened_on=opened_on,
        head=False,
        coordinator=cast.alice,
        **kwargs,
    )
    MemberFactory(household=household, role=MemberRole.HEAD, birth_date=head_born)
    return household


def run(user: User, cast: Cast, **kwargs: Any) -> ExportResult:
    arguments: dict[str, Any] = {
        "actor": user,
        "municipality": cast.north,
        "period_start": START,
        "period_end": END,
    }
    arguments.update(kwargs)
    return evaluation_export(**arguments)


@pytest.fixture
def west(cast: Cast) -> District:
    return DistrictFactory(municipality=cast.north, name="West")


# --- no direct identifiers -------------------------------------------------------------------
@pytest.fixture
def planted(cast: Cast, west: District) -> Household:
    """A household full of identifying details that must never reach the file."""
    household = make_household(
        cast,
        district=west,
        name="Huishouden Quaakernaat",
        street="Planetenlaan",
        house_number=4711,
        house_number_addition="bis",
        postcode="3552 XZ",
        city="Zonnestad",
        head_born=datetime.date(1979, 11, 23),
    )
    household.status = HouseholdStatus.CLOSED
    household.closed_on = datetime.date(2026, 5, 20)
    household.close_reason = CloseReason.GOALS_REACHED
    household.close_note = "Geheime slotnotitie over de familie"
    household.save()
    member = MemberFactory(
        household=household,
        first_name="Wilhelmina",
        last_name="Quaakernaat",
        birth_date=datetime.date(2012, 7, 14),
        role=MemberRole.CHILD,
        representative="Bewindvoerder Jansen-Kloosterboer",
    )
    member.bsn_encrypted = encrypt("111222333")
    member.bsn_index = blind_index("111222333")
    member.save()
    bottleneck = Bottleneck.objects.create(
        household=household,
        title="Toeslag teruggevorderd onverwacht",
        description="Vrije tekst: mevrouw vertelde over haar schuld bij de buurman",
        theme=Theme.BENEFITS,
        kind=BottleneckKind.RULES_CLASH,
        blocked_solution="Kwijtschelding van de terugvordering",
        created_by=cast.alice,
    )
    Breakthrough.objects.create(
        bottleneck=bottleneck,
        household=household,
        team_id=household.team_id,
        municipality_id=household.municipality_id,
        title="Terugvordering opschorten",
        proposal="Voorstel met details over Wilhelmina",
        status=BreakthroughStatus.APPROVED,
        level=3,
        submitted_at=datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC),
        created_by=cast.alice,
    )
    Assessment.objects.create(
        household=household,
        assessed_by=cast.alice,
        assessed_on=datetime.date(2026, 1, 10),
        problem_domains=8,
        classification=Classification.RED,
        note="Notitie bij de meting: depressie",
    )
    Assessment.objects.create(
        household=household,
        assessed_by=cast.alice,
        assessed_on=datetime.date(2026, 5, 1),
        problem_domains=2,
        classification=Classification.GREEN,
    )
    return household


def test_the_header_is_a_whitelist_of_non_identifying_columns(
    cast: Cast, planted: Household
) -> None:
    header = next(csv.reader(io.StringIO(run(cast.grace, cast, k=1).csv)))
    assert len(header) == len(set(header))
    for column in header:
        assert column in ALLOWED_COLUMNS or column.startswith("outcomes_"), column
        assert not any(word in column for word in FORBIDDEN_IN_COLUMN_NAMES), column
    assert ALLOWED_COLUMNS - {"fund_requests_paid", "fund_paid_amount_band"} <= set(header)


def test_planted_identifiers_appear_nowhere_in_the_export(cast: Cast, planted: Household) -> None:
    result = run(cast.grace, cast, k=1)
    everything = result.csv + result.dictionary_csv
    member = planted.members.get(first_name="Wilhelmina")
    forbidden = [
        "Quaakernaat",
        "Wilhelmina",
        "111222333",
        member.bsn_encrypted,
        member.bsn_index,
        "Planetenlaan",
        "4711",
        "bis",
        "3552 XZ",
        "3552XZ",
        "XZ",
        "Zonnestad",
        "Geheime slotnotitie",
        "Jansen-Kloosterboer",
        "Vrije tekst",
        "buurman",
        "Toeslag teruggevorderd",
        "Kwijtschelding",
        "Terugvordering opschorten",
        "depressie",
        "1979-11-23",
        "2012-07-14",
        "2026-05-20",
        "2026-01-05",
        "Buurtteam A",
        "alice",
        planted.public_id.hex,
        str(planted.public_id),
        planted.pseudonym,
        member.pseudonym,
    ]
    for value in forbidden:
        assert value.lower() not in everything.lower(), value
    assert bsn_like_values(result.csv) == []
    assert bsn_like_values(result.dictionary_csv) == []


#: A BSN as it would appear in a cell: eight or nine digits on their own, perhaps with
#: spaces or dots between the groups ("111222333", "111 22 2333", "11.12.22.333").
BSN_LIKE = re.compile(r"(?<![0-9A-Za-z])\d(?:[ .]?\d){7,8}(?![0-9A-Za-z])")


def bsn_like_values(text: str) -> list[str]:
    """The cells of a CSV text that hold something that looks like a BSN.

    A pseudonym is a keyed hash in hexadecimal (``e-3f9a…``): it may contain nine digits in
    a row (about one export in twelve has one), but they are part of one token that cannot
    be a BSN, so only a number standing on its own in a cell counts.
    """
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if BSN_LIKE.search(cell)]


@pytest.mark.parametrize(
    ("cell", "looks_like_a_bsn"),
    [
        ("111222333", True),
        ("11122233", True),
        ("111 22 2333", True),
        ("BSN: 111.222.333", True),
        ("e-123456789abcdef01234", False),  # a pseudonym with nine digits in a row
        ("e-abcdef0123456789", False),
        ("e-1234567890123456789a", False),
        ("1234567", False),
        ("1234567890", False),  # ten digits: a number, not a BSN
        ("2026-05", False),
        ("€ 500 - € 1000", False),
    ],
)
def test_what_counts_as_a_bsn_in_the_export(cell: str, looks_like_a_bsn: bool) -> None:
    text = f"pseudonym,value\r\ne-0,{cell}\r\n"
    assert bool(bsn_like_values(text)) is looks_like_a_bsn


def test_it_gives_the_pseudonymised_facts_of_the_case(cast: Cast, planted: Household) -> None:
    (row,) = read(run(cast.grace, cast, k=1))
    assert row["age_band_head"] == "40-49"  # 46 on the day the case closed
    assert row["household_size"] == "2"
    assert row["postcode4"] == "3552"
    assert row["district"] == "West"
    assert (row["opened_month"], row["closed_month"]) == ("2026-01", "2026-05")
    assert row["close_reason"] == CloseReason.GOALS_REACHED
    assert row["assessments"] == "2"
    assert (row["classification_first"], row["classification_last"]) == ("rood", "groen")
    assert row[f"bottlenecks_{Theme.BENEFITS}"] == "1"
    assert row[f"bottlenecks_{Theme.DEBTS}"] == "0"
    assert row[f"breakthroughs_{BreakthroughStatus.APPROVED}"] == "1"
    assert row["max_escalation_level"] == "3"


def test_the_data_dictionary_describes_every_column_in_dutch(
    cast: Cast, planted: Household
) -> None:
    result = run(cast.grace, cast, k=1)
    header = next(csv.reader(io.StringIO(result.csv)))
    entries = list(csv.DictReader(io.StringIO(result.dictionary_csv)))
    assert list(entries[0]) == ["kolom", "betekenis", "type", "toegestane_waarden"]
    described = [entry["kolom"] for entry in entries]
    assert described[: len(header)] == header
    assert all(entry["betekenis"] for entry in entries)
    postcode = next(entry for entry in entries if entry["kolom"] == "postcode4")
    assert "Postcodegebied" in postcode["betekenis"]
    assert "uniekheidscontrole" in described[-1]


def test_households_outside_the_period_or_municipality_are_left_out(
    cast: Cast, west: District, household_z: Household
) -> None:
    inside = make_household(cast, district=west)
    make_household(cast, district=west, opened_on=datetime.date(2026, 7, 1))
    closed_before = make_household(cast, district=west, opened_on=datetime.date(2025, 3, 1))
    Household.objects.filter(pk=closed_before.pk).update(
        status=HouseholdStatus.CLOSED,
        closed_on=datetime.date(2025, 12, 31),
        close_reason=CloseReason.MOVED,
    )
    rows = read(run(cast.grace, cast, k=1))
    assert [row["pseudonym"] for row in rows] == [pseudonym("evaluation", inside.public_id.hex)]


# --- uniqueness check ------------------------------------------------------------------------
def test_a_rare_combination_is_generalised_and_a_unique_one_suppressed(
    cast: Cast, west: District
) -> None:
    # Four alike: age 40-49, one person, 3552, West, open. Stays as it is with k = 3.
    common = [make_household(cast, district=west) for _ in range(4)]
    # Rare (2 + 1): 3553 and 3551 with heads in their forties. Generalised, they share
    # 35xx and 30-49 and form a group of three: kept.
    rare = [
        make_household(
            cast, district=west, postcode="3553 CD", head_born=datetime.date(1981, 1, 1)
        ),
        make_household(
            cast, district=west, postcode="3553 CE", head_born=datetime.date(1984, 1, 1)
        ),
        make_household(
            cast, district=west, postcode="3551 AA", head_born=datetime.date(1990, 1, 1)
        ),
    ]
    # Unique: a 70-year-old in 9712. Even generalised (97xx, 67+) alone: left out.
    unique = make_household(
        cast, district=west, postcode="9712 GH", head_born=datetime.date(1955, 1, 1)
    )

    result = run(cast.grace, cast, k=3)

    rows = {row["pseudonym"]: row for row in read(result)}
    assert (result.rows, result.suppressed) == (7, 1)
    assert len(rows) == 7
    assert pseudonym("evaluation", unique.public_id.hex) not in rows
    assert "9712" not in result.csv
    assert "97xx" not in result.csv
    for household in common:
        row = rows[pseudonym("evaluation", household.public_id.hex)]
        assert (row["postcode4"], row["age_band_head"], row["opened_month"]) == (
            "3552",
            "40-49",
            "2026-01",
        )
    for household in rare:
        row = rows[pseudonym("evaluation", household.public_id.hex)]
        assert (row["postcode4"], row["age_band_head"], row["opened_month"]) == (
            "35xx",
            "30-49",
            "2026-Q1",
        )
    assert result.generalised == ["postcode4", "opened_month", "age_band_head"]


def test_the_default_k_is_the_external_one(cast: Cast, west: District, settings: Any) -> None:
    settings.DOORBRAAK_K_EXTERNAL = 4
    for _ in range(4):
        make_household(cast, district=west)
    make_household(cast, district=west, postcode="9712 GH")
    result = run(cast.grace, cast)
    assert (result.rows, result.suppressed) == (4, 1)


def test_nothing_is_generalised_when_every_combination_is_common(
    cast: Cast, west: District
) -> None:
    for _ in range(3):
        make_household(cast, district=west)
    result = run(cast.grace, cast, k=3)
    assert (result.rows, result.suppressed, result.generalised) == (3, 0, [])


# --- pseudonyms ------------------------------------------------------------------------------
def test_pseudonyms_are_stable_distinct_and_not_the_processing_log_ones(
    cast: Cast, west: District
) -> None:
    households = [make_household(cast, district=west) for _ in range(3)]
    first = [row["pseudonym"] for row in read(run(cast.grace, cast, k=1))]
    second = [row["pseudonym"] for row in read(run(cast.grace, cast, k=1))]
    assert first == second
    assert len(set(first)) == 3
    logged = set(ProcessingLog.objects.values_list("subject_pseudonym", flat=True))
    for household in households:
        mine = pseudonym("evaluation", household.public_id.hex)
        assert mine in first
        assert mine != household.pseudonym
        assert mine not in logged
        assert household.pseudonym not in first
    assert all(re.fullmatch(r"e-[0-9a-f]{20}", value) for value in first)


# --- access ----------------------------------------------------------------------------------
def test_a_policy_analyst_of_the_municipality_may_export(cast: Cast, west: District) -> None:
    make_household(cast, district=west)
    assert run(cast.grace, cast, k=1).rows == 1


@pytest.mark.parametrize("persona", ["alice", "heidi", "mallory", "dave", "ivan"])
def test_others_are_refused_and_nothing_is_logged(cast: Cast, west: District, persona: str) -> None:
    make_household(cast, district=west)
    with pytest.raises(PermissionDenied):
        run(getattr(cast, persona), cast)
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()


def test_an_analyst_cannot_export_another_municipality(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        run(cast.grace, cast, municipality=cast.south)


def test_an_anonymous_user_is_refused(cast: Cast) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        run(AnonymousUser(), cast)  # type: ignore[arg-type]


def test_an_impossible_period_is_a_clear_error(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        run(cast.grace, cast, period_start=END, period_end=START)
    with pytest.raises(ValidationError):
        run(cast.grace, cast, k=0)
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()


# --- processing log --------------------------------------------------------------------------
def test_every_export_is_in_the_processing_log_by_person(cast: Cast, west: District) -> None:
    kept = [make_household(cast, district=west) for _ in range(2)]
    for household in kept:
        MemberFactory(household=household, role=MemberRole.CHILD)  # size band 2 for both
    left_out = make_household(cast, district=west, postcode="9712 GH")

    result = run(cast.grace, cast, k=2)

    assert (result.rows, result.suppressed) == (2, 1)
    records = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT)
    assert {r.activity for r in records} == {ProcessingActivity.POLICY_RESEARCH}
    assert {r.actor for r in records} == {cast.grace}
    assert {r.municipality for r in records} == {cast.north}
    assert {r.object_type for r in records} == {"insights.evaluation_export"}
    assert {r.object_id for r in records} == {"2026-01-01/2026-06-30"}
    # The persons of the exported households, by their processing-log pseudonyms; the
    # household that was left out is not in the record.
    assert {r.subject_pseudonym for r in records} == {
        m.pseudonym for household in kept for m in household.members.all()
    }
    assert not {m.pseudonym for m in left_out.members.all()} & {
        r.subject_pseudonym for r in records
    }


def test_an_empty_export_still_leaves_a_record(cast: Cast) -> None:
    result = run(cast.grace, cast)
    assert (result.rows, result.suppressed) == (0, 0)
    assert ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count() == 1


# --- optional sources and queries ------------------------------------------------------------
def test_there_is_an_outcome_column_per_outcome_type_and_the_fund_columns(
    cast: Cast, west: District
) -> None:
    from doorbraak.outcomes.models import OutcomeType

    make_household(cast, district=west)
    result = run(cast.grace, cast, k=1)
    header = next(csv.reader(io.StringIO(result.csv)))
    assert [c for c in header if c.startswith("outcomes_")] == [
        f"outcomes_{code}" for code in OutcomeType.values
    ]
    assert {"fund_requests_paid", "fund_paid_amount_band"} <= set(header)
    assert result.rows == 1


def test_outcomes_are_counted_per_type_without_their_evidence(cast: Cast, west: District) -> None:
    from doorbraak.outcomes.models import Outcome, OutcomeType

    household = make_household(cast, district=west)
    for withdrawn in (False, False, True):
        Outcome.objects.create(
            household=household,
            outcome_type=OutcomeType.WORK_FOUND,
            occurred_on=datetime.date(2026, 3, 1),
            evidence="Arbeidscontract bij Bakkerij Pietersen",
            recorded_by=cast.alice,
            withdrawn_at=(
                datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC) if withdrawn else None
            ),
            withdrawn_reason="Dubbel ingevoerd" if withdrawn else "",
        )
    result = run(cast.grace, cast, k=1)
    (row,) = read(result)
    assert row[f"outcomes_{OutcomeType.WORK_FOUND}"] == "2"  # the withdrawn one is not
    assert row[f"outcomes_{OutcomeType.EVICTION_PREVENTED}"] == "0"
    assert "Pietersen" not in result.csv
    assert "Dubbel" not in result.csv


def test_paid_fund_requests_are_counted_and_banded(cast: Cast, west: District) -> None:
    from tests.funds.factories import FundFactory, MandateRuleFactory, paid

    household = make_household(cast, district=west)
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund)
    paid(
        fund=fund,
        by=cast.alice,
        approver=cast.carol,
        payer=cast.frank,
        household=household,
        amount_cents=30_000,
    )
    result = run(cast.grace, cast, k=1)
    (row,) = read(result)
    assert (row["fund_requests_paid"], row["fund_paid_amount_band"]) == ("1", "251-500")
    assert "NL91ABNA0417164300" not in result.csv
    assert "Woonstichting" not in result.csv
    assert "BATCH-2026-01" not in result.csv


def test_the_number_of_queries_does_not_grow_with_the_households(
    cast: Cast, west: District, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        make_household(cast, district=west)
    cast.grace.refresh_from_db()
    with django_assert_max_num_queries(14):
        run(cast.grace, cast, k=1)


def test_a_formula_in_a_district_name_is_neutralised(cast: Cast) -> None:
    district = DistrictFactory(municipality=cast.north, name="=HYPERLINK(1)")
    make_household(cast, district=district)
    (row,) = read(run(cast.grace, cast, k=1))
    assert row["district"] == "'=HYPERLINK(1)"


def test_band_edges() -> None:
    assert [export.age_band(a) for a in (None, 17, 20, 29, 59, 60, 66, 67, 90)] == [
        "",
        "0-19",
        "20-29",
        "20-29",
        "50-59",
        "60-66",
        "60-66",
        "67+",
        "67+",
    ]
    assert [export.size_band(n) for n in (0, 1, 2, 3, 4, 5, 9)] == [
        "",
        "1",
        "2",
        "3-4",
        "3-4",
        "5+",
        "5+",
    ]
    assert [export.fund_amount_band(c) for c in (0, 50, 25_000, 25_001, 300_000)] == [
        "0",
        "1-250",
        "1-250",
        "251-500",
        "2501+",
    ]
    assert export.postcode4("3552 ab") == "3552"
    assert export.postcode4("") == ""
