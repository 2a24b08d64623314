"""Policy signals: proposal, lifecycle, access, processing log; no personal data for analysts."""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from doorbraak.accounts.models import Role, User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import (
    Theme,
)
from doorbraak.households.models import Household, MemberRole
from doorbraak.insights import selectors, services
from doorbraak.insights.models import (
    OwnerKind,
    Signal,
    SignalCase,
    SignalEvent,
    SignalStatus,
)
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    MembershipFactory,
    RegulationFactory,
)
from tests.insights.test_patterns import at, make_bottleneck

START, END = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)


def plant_pattern(cast: Cast, regulation: Regulation, n: int = 3) -> list[Household]:
    found = []
    for day in range(n):
        household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
        make_bottleneck(
            household, at(2026, 3, 2 + day), regulations=[regulation], organisations=[cast.uwv]
        )
        found.append(household)
    return found


def propose(cast: Cast, actor: User | None = None, **kwargs: object) -> list[Signal]:
    arguments: dict[str, object] = {
        "actor": actor,
        "municipality": cast.north,
        "period_start": START,
        "period_end": END,
    }
    arguments.update(kwargs)
    return services.signals_propose(**arguments)  # type: ignore[arg-type]


@pytest.fixture
def regulation(db: None) -> Regulation:
    return RegulationFactory(citation="Proefwet art. 12")


@pytest.fixture
def signal(cast: Cast) -> Signal:
    return services.signal_create(
        actor=cast.grace,
        municipality=cast.north,
        title="Terugvordering blokkeert schuldregeling",
        description="Steeds weer hetzelfde.",
        theme=Theme.DEBTS,
    )


# --- proposing ------------------------------------------------------------------------------------
def test_it_proposes_a_signal_per_recurring_combination(cast: Cast, regulation: Regulation) -> None:
    planted = plant_pattern(cast, regulation)
    created = propose(cast)
    assert len(created) == 1
    signal = created[0]
    assert signal.status == SignalStatus.PROPOSED
    assert signal.created_by is None
    assert signal.proposed_automatically
    assert (signal.regulation, signal.organisation) == (regulation, cast.uwv)
    assert (signal.period_start, signal.period_end, signal.case_count) == (START, END, 3)
    assert signal.theme == Theme.DEBTS
    assert signal.owner_kind == OwnerKind.NATIONAL_AGENCY  # UWV is an implementing agency
    assert "Proefwet art. 12" in signal.title
    assert "UWV" in signal.title
    cases = list(SignalCase.objects.filter(signal=signal))
    assert sorted(c.pseudonym for c in cases) == sorted(h.pseudonym for h in planted)
    assert {c.month for c in cases} == {datetime.date(2026, 3, 1)}
    event = SignalEvent.objects.get(signal=signal)
    assert (event.from_status, event.to_status, event.by) == ("", SignalStatus.PROPOSED, None)
    log = ProcessingLog.objects.filter(activity=ProcessingActivity.POLICY_RESEARCH)
    assert {r.subject_pseudonym for r in log} == {h.pseudonym for h in planted}
    assert {r.action for r in log} == {ProcessingAction.CREATE}


def test_proposing_is_idempotent_while_the_signal_is_open(
    cast: Cast, regulation: Regulation
) -> None:
    plant_pattern(cast, regulation)
    first = propose(cast, actor=cast.grace)
    assert first[0].created_by == cast.grace
    assert propose(cast, actor=cast.grace) == []
    # An overlapping period finds the same combination: still nothing new.
    assert propose(cast, period_start=datetime.date(2026, 2, 1)) == []
    assert Signal.objects.count() == 1


def test_a_closed_signal_lets_the_combination_be_proposed_again(
    cast: Cast, regulation: Regulation
) -> None:
    plant_pattern(cast, regulation)
    signal = propose(cast)[0]
    services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.NATIONAL_AGENCY, owner_name="UWV"
    )
    services.signal_answer(actor=cast.grace, signal=signal, answer="We kijken ernaar.")
    services.signal_resolve(actor=cast.grace, signal=signal, note="Werkinstructie aangepast.")
    assert len(propose(cast)) == 1
    assert Signal.objects.count() == 2


def test_nothing_is_proposed_below_n(cast: Cast, regulation: Regulation) -> None:
    plant_pattern(cast, regulation, n=2)
    assert propose(cast) == []
    assert len(propose(cast, min_count=2)) == 1


def test_proposing_refuses_bad_input_and_outsiders(cast: Cast, regulation: Regulation) -> None:
    plant_pattern(cast, regulation)
    with pytest.raises(ValidationError):
        propose(cast, period_start=END, period_end=START)
    with pytest.raises(ValidationError):
        propose(cast, min_count=1)
    for outsider in (cast.alice, cast.heidi, cast.mallory, cast.oscar):
        with pytest.raises(PermissionDenied):
            propose(cast, actor=outsider)
    assert Signal.objects.count() == 0


# --- manual signals -----------------------------------------------------------------------------
def test_an_analyst_creates_a_signal_by_hand(cast: Cast, signal: Signal) -> None:
    assert signal.created_by == cast.grace
    assert signal.status == SignalStatus.PROPOSED
    assert signal.events.get().to_status == SignalStatus.PROPOSED


def test_a_hand_made_signal_is_checked(cast: Cast, regulation: Regulation) -> None:
    south_rule = RegulationFactory(municipality=cast.south)
    with pytest.raises(ValidationError) as error:
        services.signal_create(
            actor=cast.grace,
            municipality=cast.north,
            title="  ",
            description="",
            theme="nonsense",
            owner_kind="nonsense",
            regulation=south_rule,
            organisation=cast.wi_south,
        )
    assert set(error.value.message_dict) == {
        "title",
        "description",
        "theme",
        "owner_kind",
        "regulation",
        "organisation",
    }
    plant_pattern(cast, regulation)
    propose(cast)
    with pytest.raises(ValidationError, match="already an open signal"):
        services.signal_create(
            actor=cast.grace,
            municipality=cast.north,
            title="Dubbel",
            description="Dubbel",
            regulation=regulation,
            organisation=cast.uwv,
        )
    with pytest.raises(PermissionDenied):
        services.signal_create(
            actor=cast.mallory, municipality=cast.north, title="x", description="y"
        )
    assert Signal.objects.count() == 1


# --- the lifecycle ------------------------------------------------------------------------------
def test_the_whole_route_to_resolved_is_in_the_history(cast: Cast, signal: Signal) -> None:
    services.signal_raise(
        actor=cast.grace,
        signal=signal,
        owner_kind=OwnerKind.MINISTRY,
        owner_name="Programma Eenvoudiger Regels",
        note="Besproken in het spiegeloverleg.",
    )
    assert signal.status == SignalStatus.RAISED
    assert signal.raised_at is not None
    services.signal_answer(actor=cast.grace, signal=signal, answer="Wordt meegenomen.")
    services.signal_resolve(actor=cast.grace, signal=signal, note="Regel is aangepast.")

    signal.refresh_from_db()
    assert signal.status == SignalStatus.RESOLVED
    assert (signal.owner_kind, signal.owner_name) == (
        OwnerKind.MINISTRY,
        "Programma Eenvoudiger Regels",
    )
    assert signal.answer == "Wordt meegenomen."
    assert signal.answered_at is not None
    assert signal.closing_note == "Regel is aangepast."
    assert signal.closed_at is not None
    history = list(selectors.signal_history(signal=signal))
    assert [(e.from_status, e.to_status) for e in history] == [
        ("", SignalStatus.PROPOSED),
        (SignalStatus.PROPOSED, SignalStatus.RAISED),
        (SignalStatus.RAISED, SignalStatus.ANSWERED),
        (SignalStatus.ANSWERED, SignalStatus.RESOLVED),
    ]
    assert history[1].note == "Besproken in het spiegeloverleg."
    assert {e.by for e in history} == {cast.grace}


def test_an_answered_signal_can_be_marked_structural(cast: Cast, signal: Signal) -> None:
    services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.PARTNER, owner_name="Corporatie"
    )
    services.signal_answer(actor=cast.grace, signal=signal, answer="Kan niet binnen de wet.")
    services.signal_mark_structural(
        actor=cast.grace, signal=signal, note="Vraagt een wetswijziging."
    )
    signal.refresh_from_db()
    assert signal.status == SignalStatus.STRUCTURAL
    assert not signal.is_open
    assert signal.events.last().to_status == SignalStatus.STRUCTURAL  # type: ignore[union-attr]


def _snapshot(signal: Signal) -> tuple[object, ...]:
    fresh = Signal.objects.get(pk=signal.pk)
    return (fresh.status, fresh.owner_name, fresh.answer, fresh.closing_note, fresh.events.count())


def test_steps_out_of_order_are_refused_and_change_nothing(cast: Cast, signal: Signal) -> None:
    before = _snapshot(signal)
    with pytest.raises(ValidationError, match="only a raised signal can be answered"):
        services.signal_answer(actor=cast.grace, signal=signal, answer="Te vroeg.")
    with pytest.raises(ValidationError, match="only an answered signal can be resolved"):
        services.signal_resolve(actor=cast.grace, signal=signal, note="Te vroeg.")
    with pytest.raises(ValidationError, match="only an answered signal can be marked"):
        services.signal_mark_structural(actor=cast.grace, signal=signal, note="Te vroeg.")
    assert _snapshot(signal) == before

    services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.PARTNER, owner_name="X"
    )
    with pytest.raises(ValidationError, match="only a proposed signal can be raised"):
        services.signal_raise(
            actor=cast.grace, signal=signal, owner_kind=OwnerKind.PARTNER, owner_name="Y"
        )
    services.signal_answer(actor=cast.grace, signal=signal, answer="Antwoord.")
    services.signal_resolve(actor=cast.grace, signal=signal, note="Klaar.")
    before = _snapshot(signal)
    with pytest.raises(ValidationError):
        services.signal_mark_structural(actor=cast.grace, signal=signal, note="Toch niet.")
    with pytest.raises(ValidationError):
        services.signal_answer(actor=cast.grace, signal=signal, answer="Nog een.")
    assert _snapshot(signal) == before


def test_a_stale_copy_cannot_take_a_step_twice(cast: Cast, signal: Signal) -> None:
    stale = Signal.objects.get(pk=signal.pk)
    services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.PARTNER, owner_name="X"
    )
    with pytest.raises(ValidationError):
        services.signal_raise(
            actor=cast.grace, signal=stale, owner_kind=OwnerKind.PARTNER, owner_name="Y"
        )
    assert Signal.objects.get(pk=signal.pk).owner_name == "X"


def test_bad_input_gives_clear_errors_and_changes_nothing(cast: Cast, signal: Signal) -> None:
    before = _snapshot(signal)
    with pytest.raises(ValidationError) as error:
        services.signal_raise(actor=cast.grace, signal=signal, owner_kind="", owner_name="  ")
    assert set(error.value.message_dict) == {"owner_kind", "owner_name"}
    assert _snapshot(signal) == before
    services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.PARTNER, owner_name="X"
    )
    with pytest.raises(ValidationError) as error:
        services.signal_answer(actor=cast.grace, signal=signal, answer=" ")
    assert "answer" in error.value.message_dict
    services.signal_answer(actor=cast.grace, signal=signal, answer="Antwoord.")
    before = _snapshot(signal)
    for step in (services.signal_resolve, services.signal_mark_structural):
        with pytest.raises(ValidationError) as error:
            step(actor=cast.grace, signal=signal, note="")
        assert "note" in error.value.message_dict
    assert _snapshot(signal) == before


@pytest.mark.parametrize("persona", ["alice", "heidi", "dave", "mallory", "oscar"])
def test_only_analysts_of_the_municipality_move_signals(
    cast: Cast, signal: Signal, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.signal_raise(
            actor=getattr(cast, persona),
            signal=signal,
            owner_kind=OwnerKind.PARTNER,
            owner_name="X",
        )
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.PROPOSED


# --- reading: access ----------------------------------------------------------------------------
def test_grace_reads_the_signals_of_her_municipality(cast: Cast, signal: Signal) -> None:
    assert list(selectors.signal_list(user=cast.grace)) == [signal]
    assert list(selectors.signal_list(user=cast.grace, status="open")) == [signal]
    assert list(selectors.signal_list(user=cast.grace, status=SignalStatus.RESOLVED)) == []
    assert selectors.signal_get(user=cast.grace, pk=signal.pk) == signal


@pytest.mark.parametrize("persona", ["alice", "heidi", "mallory", "oscar"])
def test_others_never_see_signals(cast: Cast, signal: Signal, persona: str) -> None:
    user = getattr(cast, persona)
    assert list(selectors.signal_list(user=user)) == []
    with pytest.raises(Http404):
        selectors.signal_get(user=user, pk=signal.pk)
    with pytest.raises(Http404):
        selectors.signal_cases(user=user, signal=signal)


@pytest.mark.parametrize("persona", ["alice", "heidi", "dave", "mallory", "oscar"])
def test_only_analysts_look_in_the_spiegel(cast: Cast, persona: str) -> None:
    user = getattr(cast, persona)
    with pytest.raises(PermissionDenied):
        selectors.spiegel(user=user, municipality=cast.north, period_start=START, period_end=END)
    with pytest.raises(PermissionDenied):
        selectors.compare_municipalities(user=user, period_start=START, period_end=END)


def test_an_analyst_gets_404_for_another_municipality(cast: Cast) -> None:
    with pytest.raises(Http404):
        selectors.spiegel(
            user=cast.grace, municipality=cast.south, period_start=START, period_end=END
        )
    with pytest.raises(Http404):
        selectors.spiegel(
            user=cast.grace,
            municipality=[cast.north, cast.south],
            period_start=START,
            period_end=END,
        )
    with pytest.raises(Http404):
        selectors.municipality_get(user=cast.grace, pk=cast.south.pk)


def test_the_spiegel_refuses_a_backwards_period(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        selectors.spiegel(
            user=cast.grace, municipality=cast.north, period_start=END, period_end=START
        )


def _regional_analyst(cast: Cast) -> User:
    user = User.objects.create_user(username="rita")
    MembershipFactory(
        user=user, role=Role.POLICY_ANALYST, municipality=cast.north, organisation=cast.wi_north
    )
    MembershipFactory(
        user=user, role=Role.POLICY_ANALYST, municipality=cast.south, organisation=cast.wi_south
    )
    return user


def test_a_regional_analyst_compares_municipalities(cast: Cast, regulation: Regulation) -> None:
    plant_pattern(cast, regulation)
    south = HouseholdFactory(team=cast.team_z, coordinator=cast.mallory)
    make_bottleneck(south, at(2026, 3, 3), theme=Theme.HOUSING)
    make_bottleneck(south, at(2026, 2, 3), theme=Theme.HOUSING)
    propose(cast)
    rita = _regional_analyst(cast)

    figures = selectors.compare_municipalities(user=rita, period_start=START, period_end=END)
    assert [(f.name, f.total, f.previous_total, f.households) for f in figures] == [
        ("Gemeente Noord", 3, 0, 3),
        ("Gemeente Zuid", 1, 1, 1),
    ]
    assert figures[0].by_theme == {Theme.DEBTS: 3}
    assert figures[0].open_signals == 1
    assert figures[1].open_signals == 0
    assert figures[1].change == 0

    together = selectors.spiegel(
        user=rita, municipality=[cast.north, cast.south], period_start=START, period_end=END
    )
    assert together.total == 4
    # Grace analyses one municipality: she sees only her own row.
    mine = selectors.compare_municipalities(user=cast.grace, period_start=START, period_end=END)
    assert [f.name for f in mine] == ["Gemeente Noord"]


# --- the processing log -------------------------------------------------------------------------
def test_reading_the_cases_is_in_the_processing_log(cast: Cast, regulation: Regulation) -> None:
    planted = plant_pattern(cast, regulation)
    signal = propose(cast)[0]
    before = ProcessingLog.objects.filter(action=ProcessingAction.READ).count()
    rows = selectors.signal_cases(user=cast.grace, signal=signal)
    assert sorted(r.pseudonym for r in rows) == sorted(h.pseudonym for h in planted)
    assert {(r.theme, r.month) for r in rows} == {(Theme.DEBTS, datetime.date(2026, 3, 1))}
    reads = ProcessingLog.objects.filter(action=ProcessingAction.READ)
    assert reads.count() == before + 3
    assert {r.activity for r in reads} == {ProcessingActivity.POLICY_RESEARCH}
    assert {r.subject_pseudonym for r in reads} == {h.pseudonym for h in planted}
    assert {(r.actor, r.object_type, r.object_id) for r in reads} == {
        (cast.grace, "insights.signal", str(signal.pk))
    }


# --- no personal data for analysts --------------------------------------------------------------
PLANTED = [
    "Huishouden Quaedvlieg",
    "Quaedvlieg",
    "Xanthippe",
    "111222333",
    "Geheimstraat",
    "4711",
    "9999 ZZ",
    "Vertrouwelijke notitie",
]


def test_no_analyst_selector_returns_names_addresses_or_bsns(
    cast: Cast, regulation: Regulation, django_assert_max_num_queries: object
) -> None:
    planted = plant_pattern(cast, regulation, n=2)
    household = HouseholdFactory(
        team=cast.team_a,
        coordinator=cast.alice,
        name="Huishouden Quaedvlieg",
        street="Geheimstraat",
        house_number=4711,
        postcode="9999 ZZ",
    )
    member = MemberFactory(
        household=household, role=MemberRole.PARTNER, first_name="Xanthippe", last_name="Quaedvlieg"
    )
    member.bsn_encrypted = encrypt("111222333")
    member.bsn_index = blind_index("111222333")
    member.save()
    bottleneck = make_bottleneck(
        household,
        at(2026, 3, 20),
        regulations=[regulation],
        organisations=[cast.uwv],
        description="Vertrouwelijke notitie over Xanthippe Quaedvlieg, BSN 111222333.",
    )
    signal = propose(cast, actor=cast.grace)[0]
    assert len(planted) + 1 == signal.case_count

    with django_assert_max_num_queries(20):  # type: ignore[operator]
        mirror = selectors.spiegel(
            user=cast.grace, municipality=cast.north, period_start=START, period_end=END
        )
    cases = selectors.signal_cases(user=cast.grace, signal=signal)
    figures = selectors.compare_municipalities(user=cast.grace, period_start=START, period_end=END)
    signals = list(selectors.signal_list(user=cast.grace).values())
    found = selectors.signal_get(user=cast.grace, pk=signal.pk)
    history = list(
        selectors.signal_history(signal=found).values("from_status", "to_status", "note")
    )
    dumped = " ".join(
        [
            repr(dataclasses.asdict(mirror)),
            repr(mirror),
            repr([dataclasses.asdict(c) for c in cases]),
            repr([dataclasses.asdict(f) for f in figures]),
            repr(signals),
            repr(history),
            found.title,
            found.description,
        ]
    )
    for value in PLANTED:
        # Word boundaries: a hex pseudonym may contain "4711" by chance, a value may not.
        assert not re.search(rf"\b{re.escape(value)}\b", dumped), value
    assert household.address not in dumped
    # The case rows carry a pseudonym, never the bottleneck or household id.
    assert {f.name for f in dataclasses.fields(cases[0])} == {
        "pseudonym",
        "theme",
        "theme_label",
        "month",
    }
    assert household.pseudonym in {c.pseudonym for c in cases}
    assert f"'bottleneck_id': {bottleneck.pk}" not in dumped


# --- invariants and admin -----------------------------------------------------------------------
def test_the_database_allows_one_open_signal_per_combination(
    cast: Cast, regulation: Regulation
) -> None:
    from django.db import IntegrityError, transaction

    plant_pattern(cast, regulation)
    propose(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signal.objects.create(
            municipality=cast.north,
            title="Dubbel",
            description="Dubbel",
            regulation=regulation,
            organisation=cast.uwv,
        )


def test_administrators_see_their_municipalitys_signals_read_only(
    cast: Cast, signal: Signal, as_user: Any
) -> None:
    client = as_user(cast.ivan)
    page = client.get("/beheer/insights/signal/")
    assert page.status_code == 200
    assert signal.title in page.content.decode()
    detail = client.get(f"/beheer/insights/signal/{signal.pk}/change/")
    assert detail.status_code == 200
    assert client.get("/beheer/insights/signal/add/").status_code == 403
    assert client.post(f"/beheer/insights/signal/{signal.pk}/delete/").status_code == 403
    assert Signal.objects.filter(pk=signal.pk).exists()
    # Nobody else gets in.
    assert as_user(cast.grace).get("/beheer/insights/signal/").status_code in (302, 403, 404)


def test_the_scheduled_detection_proposes_once(cast: Cast, regulation: Regulation) -> None:
    """Run in May 2026: the last two complete months are March and April."""
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    plant_pattern(cast, regulation)
    may = datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)
    with time_machine.travel(may, tick=False):
        out = StringIO()
        call_command("propose_signals", stdout=out)
        assert "Proposed 1 signals" in out.getvalue()
        call_command("propose_signals", stdout=out)
    assert Signal.objects.filter(municipality=cast.north).count() == 1
