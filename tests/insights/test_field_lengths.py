"""Signals proposed from long regulation and organisation names fit their columns everywhere."""

from __future__ import annotations

from doorbraak.audit.models import ProcessingLog
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.factories import RegulationFactory
from tests.insights.test_signals import plant_pattern, propose
from tests.lengths import overlong_values

LONG_CITATION = ("Wet maatschappelijke ondersteuning 2015 artikel 2.3.5 lid 3 " * 4)[:200]
LONG_ORGANISATION = ("Uitvoeringsinstituut Werknemersverzekeringen district Midden " * 3)[:150]


def test_a_signal_from_long_names_gets_a_title_cut_at_a_word(cast: Cast) -> None:
    cast.uwv.name = LONG_ORGANISATION
    cast.uwv.save()
    plant_pattern(cast, RegulationFactory(citation=LONG_CITATION))
    [signal] = propose(cast)
    signal.full_clean()
    assert len(signal.title) <= 200
    assert signal.title.endswith("…")
    head = signal.title.removesuffix("…")
    full = f"{LONG_CITATION.strip()} and {LONG_ORGANISATION.strip()}: 3 bottlenecks"
    assert full.startswith(head)
    assert full[len(head)] == " "  # cut between words, not inside one
    assert LONG_CITATION in signal.description
    assert overlong_values() == []


def test_many_signals_at_once_fit_the_processing_log(cast: Cast) -> None:
    """Once every signal id went into one object id (86 characters for 47 signals)."""
    count = 25  # "1,2,…,25" alone is 65 characters
    regulations: list[Regulation] = [
        RegulationFactory(citation=f"{LONG_CITATION[:180]} {n}") for n in range(count)
    ]
    for regulation in regulations:
        plant_pattern(cast, regulation, n=2)
    created = propose(cast, min_count=2)
    assert len(created) == count
    for signal in created:
        signal.full_clean()
    log = ProcessingLog.objects.filter(object_type="insights.signal")
    assert {record.object_id for record in log} == {str(signal.pk) for signal in created}
    assert overlong_values() == []
