"""Evaluation export: a pseudonymised dataset for researchers, with its data dictionary.

**Unit**: one row per household whose case ran during the period (opened on or before
its end, not closed before its start). The row describes the whole case up to the export.

**What is in it** (the complete list is :data:`COLUMNS`): a keyed pseudonym, the age
band of the head of the household, a household-size band, the four-digit postcode area,
the district, opened/closed month, close reason, assessment counts and classifications,
bottleneck themes, breakthroughs per status and the highest escalation level, outcomes
per type (``outcomes.Outcome``, withdrawn ones left out) and paid fund requests.
**Never** names, BSNs, street, house number, full postcode,
dates of birth, teams, users or any free text: the columns are a fixed whitelist.

**Pseudonyms**: HMAC-SHA256 with the application's pseudonym key, under a purpose of its
own (``evaluation``), so a pseudonym in the export differs from the household's and its
members' pseudonyms in the processing log and cannot be joined to it without the key.
It is stable across exports, so researchers can follow a household over waves.

**Uniqueness check**, before anything is written, on the quasi-identifiers age band,
size band, postcode area, district and close month (:data:`QUASI_IDENTIFIERS`):

1. rows whose combination occurs fewer than ``k`` times are *generalised*: postcode area
   to its first two digits (``35xx``), opened and closed month to the quarter
   (``2026-Q1``) and the age band to a twenty-year band (``30-49``);
2. the combinations are counted again on the values as published; rows still in a
   combination of fewer than ``k`` are *suppressed* (left out) and counted.

``k`` defaults to :func:`~doorbraak.insights.aggregates.k_external`: the file leaves the
municipality.
"""

from __future__ import annotations

import csv
import datetime
import heapq
import io
import logging
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any, TextIO

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, User
from doorbraak.assessments.models import Assessment
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    Theme,
)
from doorbraak.funds.models import FundRequest
from doorbraak.households.models import Classification, CloseReason, Household, Member, MemberRole
from doorbraak.insights import policies
from doorbraak.insights.aggregates import k_external
from doorbraak.insights.processing import log_policy_research
from doorbraak.lib.access import Refused
from doorbraak.lib.crypto import pseudonym
from doorbraak.lib.spreadsheet import csv_text, csv_write, neutralise
from doorbraak.outcomes.models import Outcome, OutcomeType

logger = logging.getLogger(__name__)

#: The purpose under which export pseudonyms are derived; never reuse it elsewhere.
PSEUDONYM_PURPOSE = "evaluation"

QUASI_IDENTIFIERS = ("age_band_head", "household_size", "postcode4", "district", "closed_month")

AGE_BANDS = ("0-19", "20-29", "30-39", "40-49", "50-59", "60-66", "67+")
#: Twenty-year bands used when a row is generalised (67+ stays: the AOW age).
AGE_BANDS_COARSE = {
    "0-19": "0-29",
    "20-29": "0-29",
    "30-39": "30-49",
    "40-49": "30-49",
    "50-59": "50-66",
    "60-66": "50-66",
    "67+": "67+",
    "": "",
}
SIZE_BANDS = ("1", "2", "3-4", "5+")
FUND_AMOUNT_BANDS = ("0", "1-250", "251-500", "501-1000", "1001-2500", "2501+")


#: Households per query chunk, and rows per sorted run on disk (docs/scale.md).
CHUNK_SIZE = 2000
RUN_ROWS = 20_000


@dataclass(frozen=True)
class ExportSummary:
    rows: int
    suppressed: int
    generalised: list[str]
    k: int


@dataclass(frozen=True)
class ExportResult:
    csv: str
    dictionary_csv: str
    rows: int
    suppressed: int
    generalised: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str  # Dutch: the dictionary belongs to the dataset, not to the UI language.
    type: str
    allowed: str


def _codes(choices: Iterable[Any]) -> str:
    return ", ".join(str(choice.value) for choice in choices)


_BASE_COLUMNS: tuple[Column, ...] = (
    Column(
        "pseudonym",
        "Gesleuteld pseudoniem van het huishouden (HMAC-SHA256), alleen geldig binnen "
        "evaluatie-exports; niet te koppelen aan het verwerkingslogboek.",
        "tekst",
        "e- gevolgd door 20 hexadecimale tekens",
    ),
    Column(
        "age_band_head",
        "Leeftijdsklasse van het hoofd van het huishouden op de peildatum (sluitingsdatum, "
        "of het einde van de periode als de casus toen nog liep). Bij generalisatie een "
        "klasse van twintig jaar.",
        "categorie",
        ", ".join(AGE_BANDS) + "; gegeneraliseerd: 0-29, 30-49, 50-66, 67+; leeg = onbekend",
    ),
    Column(
        "household_size",
        "Aantal leden van het huishouden op de peildatum, in klassen.",
        "categorie",
        ", ".join(SIZE_BANDS) + "; leeg = onbekend",
    ),
    Column(
        "postcode4",
        "Postcodegebied (vier cijfers, zonder letters). Bij generalisatie alleen de eerste "
        "twee cijfers.",
        "tekst",
        "1000-9999; gegeneraliseerd: 10xx-99xx; leeg = onbekend",
    ),
    Column("district", "Wijk van het huishouden.", "tekst", "wijknamen van de gemeente; leeg"),
    Column(
        "opened_month",
        "Maand waarin de casus is geopend. Bij generalisatie het kwartaal.",
        "jaar-maand",
        "JJJJ-MM; gegeneraliseerd: JJJJ-Q1 t/m JJJJ-Q4",
    ),
    Column(
        "closed_month",
        "Maand waarin de casus is afgesloten; leeg als de casus nog loopt. Bij "
        "generalisatie het kwartaal.",
        "jaar-maand",
        "JJJJ-MM; gegeneraliseerd: JJJJ-Q1 t/m JJJJ-Q4; leeg",
    ),
    Column(
        "close_reason",
        "Reden van afsluiten (code).",
        "categorie",
        _codes(CloseReason) + "; leeg = nog niet afgesloten",
    ),
    Column(
        "assessments",
        "Aantal zelfredzaamheidsmetingen (ZRM) van het huishouden en zijn leden.",
        "geheel getal",
        ">= 0",
    ),
    Column(
        "classification_first",
        "Classificatie bij de eerste meting.",
        "categorie",
        _codes(Classification) + "; leeg = geen meting",
    ),
    Column(
        "classification_last",
        "Classificatie bij de laatste (meest recente) meting.",
        "categorie",
        _codes(Classification) + "; leeg = geen meting",
    ),
    *(
        Column(
            f"bottlenecks_{theme.value}",
            f"Aantal vastgelegde knelpunten met thema '{theme.value}'.",
            "geheel getal",
            ">= 0",
        )
        for theme in Theme
    ),
    *(
        Column(
            f"breakthroughs_{status.value}",
            f"Aantal doorbraken met status '{status.value}'.",
            "geheel getal",
            ">= 0",
        )
        for status in BreakthroughStatus
    ),
    Column(
        "max_escalation_level",
        "Hoogste escalatieniveau dat een doorbraak van het huishouden bereikte "
        "(1 eigen mandaat, 2 vaste contactpersoon, 3 doorbraaktafel, 4 bestuurlijk); "
        "0 = geen doorbraak.",
        "geheel getal",
        "0, " + ", ".join(str(level.value) for level in EscalationLevel),
    ),
)

_FUND_COLUMNS: tuple[Column, ...] = (
    Column(
        "fund_requests_paid",
        "Aantal uitbetaalde aanvragen uit het Voorkom Erger Potje.",
        "geheel getal",
        ">= 0",
    ),
    Column(
        "fund_paid_amount_band",
        "Totaal uitbetaald bedrag uit het Voorkom Erger Potje, in euro, in klassen.",
        "categorie",
        ", ".join(FUND_AMOUNT_BANDS),
    ),
)


# --- banding ---------------------------------------------------------------------------------
def age_band(age: int | None) -> str:
    if age is None:
        return ""
    if age < 20:
        return "0-19"
    if age >= 67:
        return "67+"
    if age >= 60:
        return "60-66"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def size_band(size: int) -> str:
    if size <= 0:
        return ""
    if size <= 2:
        return str(size)
    return "3-4" if size <= 4 else "5+"


def fund_amount_band(cents: int) -> str:
    euros = (cents + 99) // 100  # round up: 0.50 euro is not "0"
    if euros <= 0:
        return "0"
    for band in FUND_AMOUNT_BANDS[1:-1]:
        if euros <= int(band.split("-")[1]):
            return band
    return FUND_AMOUNT_BANDS[-1]


def postcode4(postcode: str) -> str:
    digits = "".join(c for c in postcode if c.isdigit())[:4]
    return digits if len(digits) == 4 else ""


def month(day: datetime.date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


def _quarter(value: str) -> str:
    if not value:
        return ""
    year, month_number = value.split("-")
    if month_number.startswith("Q"):
        return value
    return f"{year}-Q{(int(month_number) - 1) // 3 + 1}"


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def columns() -> list[Column]:
    """Every column of the export, in order: the whitelist the tests check."""
    return [
        *_BASE_COLUMNS,
        *(
            Column(
                f"outcomes_{code}",
                f"Aantal vastgelegde resultaten van het type '{code}'.",
                "geheel getal",
                ">= 0",
            )
            for code in OutcomeType.values
        ),
        *_FUND_COLUMNS,
    ]


# --- building the rows -----------------------------------------------------------------------
def _reference_day(household: Household, period_end: datetime.date) -> datetime.date:
    if household.closed_on is not None and household.closed_on <= period_end:
        return household.closed_on
    return period_end


def households_in_period(
    municipality: Municipality, period_start: datetime.date, period_end: datetime.date
) -> models.QuerySet[Household]:
    return (
        Household.objects.filter(municipality=municipality, opened_on__lte=period_end)
        .filter(models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=period_start))
        .select_related("district")
        .only(
            "pk",
            "public_id",
            "district__name",
            "postcode",
            "opened_on",
            "closed_on",
            "close_reason",
        )
    )


def _counts_by(queryset: models.QuerySet[Any], household: Any, key: str) -> dict[int, Counter[str]]:
    result: dict[int, Counter[str]] = defaultdict(Counter)
    rows = (
        queryset.annotate(_household=household)
        .values("_household", key)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        result[row["_household"]][str(row[key])] += row["n"]
    return result


@dataclass
class _Facts:
    """What one chunk of households needs beside the household rows themselves."""

    members: dict[int, list[Member]] = field(default_factory=lambda: defaultdict(list))
    assessments: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    themes: dict[int, Counter[str]] = field(default_factory=dict)
    statuses: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    max_levels: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    outcomes: dict[int, Counter[str]] = field(default_factory=dict)
    funds: dict[int, tuple[int, int]] = field(default_factory=dict)


def _chunk_facts(ids: list[int], *, full: bool) -> _Facts:
    """The members (and with ``full`` the counts) of one chunk of households: a fixed
    number of queries per chunk, each bounded by the chunk's ids."""
    facts = _Facts()
    for member in Member.objects.filter(household_id__in=ids).only(
        "household_id", "public_id", "role", "birth_date", "joined_on", "left_on"
    ):
        facts.members[member.household_id].append(member)
    if not full:
        return facts
    for household_id, classification in (
        Assessment.objects.filter(household_id__in=ids)
        .order_by("assessed_on", "pk")
        .values_list("household_id", "classification")
    ):
        facts.assessments[household_id].append(classification)
    facts.themes = _counts_by(
        Bottleneck.objects.filter(household_id__in=ids), models.F("household_id"), "theme"
    )
    for household_id, status, number, top in (
        Breakthrough.objects.filter(household_id__in=ids)
        .values("household_id", "status")
        .annotate(n=Count("pk"), top=Max("level"))
        .order_by()
        .values_list("household_id", "status", "n", "top")
    ):
        facts.statuses[household_id][status] += number
        facts.max_levels[household_id] = max(facts.max_levels[household_id], top)
    # Withdrawn outcomes were mistakes: they are not counted.
    facts.outcomes = _counts_by(
        Outcome.objects.in_force().filter(household_id__in=ids),
        models.F("household_id"),
        "outcome_type",
    )
    for household_id, paid, total in (
        FundRequest.objects.filter(household_id__in=ids, paid_on__isnull=False)
        .values("household_id")
        .annotate(paid=Count("pk"), total=Sum("amount_cents"))
        .order_by()
        .values_list("household_id", "paid", "total")
    ):
        facts.funds[household_id] = (paid, total or 0)
    return facts


def _rows(
    households: list[Household], facts: _Facts, period_end: datetime.date
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """One row per household (same order), with the persons it concerns."""
    no_counts: Counter[str] = Counter()
    for household in households:
        day = _reference_day(household, period_end)
        present = [
            m
            for m in facts.members[household.pk]
            if m.joined_on <= day and (m.left_on is None or m.left_on > day)
        ]
        head = next((m for m in present if m.role == MemberRole.HEAD), None)
        classifications = facts.assessments[household.pk]
        row: dict[str, str] = {
            "pseudonym": pseudonym(PSEUDONYM_PURPOSE, household.public_id.hex),
            "age_band_head": age_band(_age_on(head.birth_date, day) if head else None),
            "household_size": size_band(len(present)),
            "postcode4": postcode4(household.postcode),
            "district": household.district.name if household.district else "",
            "opened_month": month(household.opened_on),
            "closed_month": month(household.closed_on),
            "close_reason": household.close_reason,
            "assessments": str(len(classifications)),
            "classification_first": classifications[0] if classifications else "",
            "classification_last": classifications[-1] if classifications else "",
        }
        themes = facts.themes.get(household.pk, no_counts)
        for theme in Theme:
            row[f"bottlenecks_{theme.value}"] = str(themes[theme.value])
        for status in BreakthroughStatus:
            row[f"breakthroughs_{status.value}"] = str(facts.statuses[household.pk][status.value])
        row["max_escalation_level"] = str(facts.max_levels.get(household.pk) or 0)
        outcomes = facts.outcomes.get(household.pk, no_counts)
        for code in OutcomeType.values:
            row[f"outcomes_{code}"] = str(outcomes[code])
        paid, cents = facts.funds.get(household.pk, (0, 0))
        row["fund_requests_paid"] = str(paid)
        row["fund_paid_amount_band"] = fund_amount_band(cents)
        # The processing log knows persons by their own pseudonyms (as households.services
        # household_subjects does), never by the export's.
        yield row, [m.pseudonym for m in present] or [household.pseudonym]


def _chunks(scope: models.QuerySet[Household], chunk_size: int) -> Iterator[list[Household]]:
    """The households of ``scope`` in lists of ``chunk_size``, streamed from the database."""
    chunk: list[Household] = []
    for household in scope.order_by("pk").iterator(chunk_size=chunk_size):
        chunk.append(household)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def household_rows(
    scope: models.QuerySet[Household],
    period_end: datetime.date,
    *,
    chunk_size: int,
    full: bool = True,
    done: Callable[[int], None] | None = None,
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """Every household's row and persons concerned, chunk by chunk; ``done(n)`` after each
    chunk of ``n``. Without ``full`` only the household and member columns are filled
    (enough for the quasi-identifiers), the counts are zero."""
    for chunk in _chunks(scope, chunk_size):
        yield from _rows(chunk, _chunk_facts([h.pk for h in chunk], full=full), period_end)
        if done is not None:
            done(len(chunk))


# --- uniqueness check ------------------------------------------------------------------------
_GENERALISERS: dict[str, Callable[[str], str]] = {
    "postcode4": lambda value: f"{value[:2]}xx" if value else "",
    "opened_month": _quarter,
    "closed_month": _quarter,
    "age_band_head": lambda value: AGE_BANDS_COARSE.get(value, value),
}


def _key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[name] for name in QUASI_IDENTIFIERS)


def make_unique_safe(rows: list[dict[str, str]], *, k: int) -> tuple[list[bool], int, list[str]]:
    """Generalise, then suppress rare quasi-identifier combinations (module docstring).

    Changes ``rows`` in place; returns which rows to keep, how many were suppressed and
    the columns that were generalised in at least one row.
    """
    counts = Counter(_key(row) for row in rows)
    generalised: set[str] = set()
    for row in rows:
        if counts[_key(row)] >= k:
            continue
        for name, generalise in _GENERALISERS.items():
            new = generalise(row[name])
            if new != row[name]:
                row[name] = new
                generalised.add(name)
    published = Counter(_key(row) for row in rows)
    keep = [published[_key(row)] >= k for row in rows]
    return keep, keep.count(False), [name for name in _GENERALISERS if name in generalised]


def _generalise(row: dict[str, str]) -> set[str]:
    """Generalise one row in place (as :func:`make_unique_safe` does); the columns changed."""
    changed: set[str] = set()
    for name, generalise in _GENERALISERS.items():
        new = generalise(row[name])
        if new != row[name]:
            row[name] = new
            changed.add(name)
    return changed


def _generalise_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """The combination a generalised row is published under: generalising a row changes
    its quasi-identifiers as a function of their values alone."""
    return tuple(
        _GENERALISERS[name](value) if name in _GENERALISERS else value
        for name, value in zip(QUASI_IDENTIFIERS, key, strict=True)
    )


# --- writing ---------------------------------------------------------------------------------
def _csv(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    """Comma-separated, for analysis tools; cells neutralised (a district named
    ``=HYPERLINK(…)``)."""
    return csv_text(header, rows, delimiter=",")


def dictionary_csv(export_columns: list[Column], *, k: int) -> str:
    lines = [[c.name, c.meaning, c.type, c.allowed] for c in export_columns]
    lines.append(
        [
            "(uniekheidscontrole)",
            f"Combinaties van {', '.join(QUASI_IDENTIFIERS)} die minder dan {k} keer "
            "voorkomen zijn eerst gegeneraliseerd (postcode naar twee cijfers, maanden naar "
            "kwartaal, leeftijd naar twintig jaar); rijen die daarna nog minder dan "
            f"{k} keer voorkomen zijn weggelaten.",
            "",
            "",
        ]
    )
    return _csv(["kolom", "betekenis", "type", "toegestane_waarden"], lines)


def check_export_request(
    actor: User | AnonymousUser,
    municipality: Municipality,
    k: int | None,
    *,
    start: datetime.date,
    end: datetime.date,
) -> int:
    """The k to use, once the actor may export and the request makes sense."""
    if not policies.can_export(actor, municipality):
        raise Refused(_("Only policy analysts of the municipality may export data."))
    if end < start:
        raise ValidationError(_("The end of the period lies before its start."), code="period")
    k = k_external() if k is None else k
    if k < 1:
        raise ValidationError(_("k must be at least 1."), code="k")
    return k


def _no_progress(percent: int, step: str) -> None:
    return None


def write_evaluation_export(
    *,
    actor: User | AnonymousUser,
    municipality: Municipality,
    period_start: datetime.date,
    period_end: datetime.date,
    out: TextIO,
    k: int | None = None,
    progress: Callable[[int, str], None] = _no_progress,
    chunk_size: int | None = None,
    run_rows: int | None = None,
    scratch_dir: str | None = None,
) -> ExportSummary:
    """Write the pseudonymised evaluation dataset of ``municipality`` for the period as CSV
    into ``out``, in memory that does not grow with the number of households.

    Raises ``Refused`` unless ``actor`` is a policy analyst of the municipality,
    ``ValidationError`` for an impossible period or k. Writes one ``EXPORT`` record per
    person concerned in the processing log, in batches, each before its rows are written.

    Three steps, each streaming the households in chunks of ``chunk_size``:

    1. *count*: the quasi-identifier combination of every household (households and
       members only), into a counter of combinations: memory grows with the number of
       distinct combinations, not with the rows;
    2. *rows*: every row in full; rare combinations generalised and those still rare left
       out, exactly as :func:`make_unique_safe` decides on the whole list; the rows kept are
       sorted by pseudonym in runs of ``run_rows`` into temporary files (in
       ``scratch_dir``);
    3. *write*: the runs merged in pseudonym order into ``out``, the same bytes as sorting
       the whole list would give. If the data changed between step 1 and step 2, the
       check is enforced again on the rows actually written: a combination that now
       occurs fewer than ``k`` times is left out too.
    """
    k = check_export_request(actor, municipality, k, start=period_start, end=period_end)
    assert isinstance(actor, User)
    chunk_size = chunk_size or CHUNK_SIZE
    run_rows = run_rows or RUN_ROWS
    scope = households_in_period(municipality, period_start, period_end)
    total = scope.count() or 1
    seen = 0

    def advance(share_from: int, share: int, step: str) -> Callable[[int], None]:
        def done(count: int) -> None:
            nonlocal seen
            seen += count
            progress(share_from + share * min(seen, total) // total, step)

        return done

    # 1. count the combinations
    progress(0, _("Counting combinations"))
    counts: Counter[tuple[str, ...]] = Counter(
        _key(row)
        for row, _subjects in household_rows(
            scope,
            period_end,
            chunk_size=chunk_size,
            full=False,
            done=advance(0, 30, _("Counting combinations")),
        )
    )
    published: Counter[tuple[str, ...]] = Counter()
    for key, number in counts.items():
        published[key if number >= k else _generalise_key(key)] += number

    # 2. the rows, generalised or left out, in sorted runs
    header = [c.name for c in columns()]
    seen = 0
    suppressed = 0
    generalised: set[str] = set()
    written: Counter[tuple[str, ...]] = Counter()
    runs: list[IO[str]] = []
    run: list[list[str]] = []

    def flush() -> None:
        if run:
            # By pseudonym: no order that hints at the database.
            run.sort(key=lambda cells: cells[1])
            runs.append(_write_run(run, files, scratch_dir))
            run.clear()

    with ExitStack() as files:
        for row, subjects in household_rows(
            scope, period_end, chunk_size=chunk_size, done=advance(30, 50, _("Writing rows"))
        ):
            if counts[_key(row)] < k:
                generalised |= _generalise(row)
            key = _key(row)
            if published[key] < k:
                suppressed += 1
                continue
            written[key] += 1
            run.append([" ".join(subjects), *(row[name] for name in header)])
            if len(run) >= run_rows:
                flush()
        flush()

        # 3. merge the runs into the file, logging each batch before it is written
        progress(80, _("Merging"))
        rows = 0
        merged = heapq.merge(
            *(csv.reader(run_file) for run_file in runs), key=lambda cells: cells[1]
        )
        key_columns = [header.index(name) + 1 for name in QUASI_IDENTIFIERS]
        writer = _ExportWriter(out, header)
        batch: list[list[str]] = []
        for cells in merged:
            if written[tuple(cells[i] for i in key_columns)] < k:
                suppressed += 1  # the data changed between the passes (see above)
                continue
            batch.append(cells)
            if len(batch) >= chunk_size:
                rows += writer.write(
                    batch, actor=actor, municipality=municipality, period=(period_start, period_end)
                )
                progress(80 + 20 * min(rows, total) // total, _("Merging"))
        rows += writer.write(
            batch, actor=actor, municipality=municipality, period=(period_start, period_end)
        )
        if rows == 0:
            # An empty export still leaves its record: someone asked and got nothing.
            record_export(actor, municipality, (period_start, period_end), subjects=[])
    logger.info(
        "evaluation_exported",
        extra={"municipality_id": municipality.pk, "rows": rows, "suppressed": suppressed, "k": k},
    )
    return ExportSummary(
        rows=rows,
        suppressed=suppressed,
        generalised=[name for name in _GENERALISERS if name in generalised],
        k=k,
    )


def _write_run(run: list[list[str]], files: ExitStack, scratch_dir: str | None) -> IO[str]:
    """One sorted run in a temporary file (deleted when ``files`` closes), rewound."""
    run_file = files.enter_context(
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=scratch_dir)  # noqa: SIM115 - closed by ``files``
    )
    csv.writer(run_file, lineterminator="\n").writerows(run)
    run_file.seek(0)
    return run_file


def record_export(
    actor: User,
    municipality: Municipality,
    period: tuple[datetime.date, datetime.date],
    *,
    subjects: list[str],
) -> None:
    log_policy_research(
        actor=actor,
        action=ProcessingAction.EXPORT,
        object_type="insights.evaluation_export",
        object_id=f"{period[0].isoformat()}/{period[1].isoformat()}",
        subjects=subjects,
        municipality=municipality,
    )


class _ExportWriter:
    """The export's CSV file: the header once, then batches of rows, each batch's persons
    in the processing log (one INSERT) before its rows reach the file."""

    def __init__(self, out: TextIO, header: list[str]) -> None:
        self.out = out
        csv_write(out, header, (), delimiter=",")
        self.writer = csv.writer(out, delimiter=",", lineterminator="\r\n")

    def write(
        self,
        batch: list[list[str]],
        *,
        actor: User,
        municipality: Municipality,
        period: tuple[datetime.date, datetime.date],
    ) -> int:
        if not batch:
            return 0
        # No row leaves without its record: a failing log write raises before we write.
        record_export(
            actor,
            municipality,
            period,
            subjects=[s for cells in batch for s in cells[0].split(" ")],
        )
        self.writer.writerows([neutralise(cell) for cell in cells[1:]] for cells in batch)
        written = len(batch)
        batch.clear()
        return written


def evaluation_export(
    *,
    actor: User | AnonymousUser,
    municipality: Municipality,
    period_start: datetime.date,
    period_end: datetime.date,
    k: int | None = None,
) -> ExportResult:
    """The whole export in memory (for small data and the tests): :func:`write_evaluation_export`
    into a string, with its data dictionary."""
    out = io.StringIO()
    summary = write_evaluation_export(
        actor=actor,
        municipality=municipality,
        period_start=period_start,
        period_end=period_end,
        k=k,
        out=out,
    )
    return ExportResult(
        csv=out.getvalue(),
        dictionary_csv=dictionary_csv(columns(), k=summary.k),
        rows=summary.rows,
        suppressed=summary.suppressed,
        generalised=summary.generalised,
    )
