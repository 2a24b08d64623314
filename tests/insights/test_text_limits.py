"""Free text of signals has a limit: over it is refused in Dutch, at it is kept whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from doorbraak.breakthroughs.models import Theme
from doorbraak.insights import services
from doorbraak.insights.models import OwnerKind, Signal, SignalEvent
from doorbraak.lib import limits
from tests.conftest import Cast
from tests.limits import TextCase, check_text_limit


def _signal(cast: Cast) -> Signal:
    return services.signal_create(
        actor=cast.grace,
        municipality=cast.north,
        title="Terugvordering blokkeert schuldregeling",
        description="Steeds weer hetzelfde.",
        theme=Theme.DEBTS,
    )


def _raised(cast: Cast) -> Signal:
    signal = _signal(cast)
    return services.signal_raise(
        actor=cast.grace, signal=signal, owner_kind=OwnerKind.NATIONAL_AGENCY, owner_name="UWV"
    )


def _answered(cast: Cast) -> Signal:
    signal = _raised(cast)
    return services.signal_answer(actor=cast.grace, signal=signal, answer="We kijken ernaar.")


def _stored(signal: Signal, name: str) -> Callable[[], str]:
    return lambda: str(getattr(Signal.objects.get(pk=signal.pk), name))


def description(cast: Cast) -> TextCase:
    return TextCase(
        run=lambda value: services.signal_create(
            actor=cast.grace,
            municipality=cast.north,
            title="Geen briefadres zonder inschrijving",
            description=value,
        ),
        stored=lambda: (
            Signal.objects.order_by("pk").values_list("description", flat=True).last() or ""
        ),
    )


def raise_note(cast: Cast) -> TextCase:
    signal = _signal(cast)
    return TextCase(
        run=lambda value: services.signal_raise(
            actor=cast.grace,
            signal=signal,
            owner_kind=OwnerKind.NATIONAL_AGENCY,
            owner_name="UWV",
            note=value,
        ),
        stored=lambda: (
            SignalEvent.objects.filter(signal=signal)
            .order_by("pk")
            .values_list("note", flat=True)
            .last()
            or ""
        ),
    )


def answer(cast: Cast) -> TextCase:
    signal = _raised(cast)
    return TextCase(
        run=lambda value: services.signal_answer(actor=cast.grace, signal=signal, answer=value),
        stored=_stored(signal, "answer"),
    )


def resolve_note(cast: Cast) -> TextCase:
    signal = _answered(cast)
    return TextCase(
        run=lambda value: services.signal_resolve(actor=cast.grace, signal=signal, note=value),
        stored=_stored(signal, "closing_note"),
    )


def structural_note(cast: Cast) -> TextCase:
    signal = _answered(cast)
    return TextCase(
        run=lambda value: services.signal_mark_structural(
            actor=cast.grace, signal=signal, note=value
        ),
        stored=_stored(signal, "closing_note"),
    )


@pytest.mark.parametrize(
    ("case", "limit"),
    [
        (description, limits.LONG_TEXT),
        (raise_note, limits.SHORT_TEXT),
        (answer, limits.TEXT),
        (resolve_note, limits.SHORT_TEXT),
        (structural_note, limits.SHORT_TEXT),
    ],
)
def test_free_text_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, case: Callable[[Cast], TextCase], limit: int
) -> None:
    check_text_limit(case(cast), limit)
