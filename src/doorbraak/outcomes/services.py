"""Changes to the cost catalogue: CSV import (all or nothing) and CSV export.

The CSV format (semicolon-separated, UTF-8, one header line) is the same both ways:

    code;name;unit;amount_eur;payer;source;source_url;valid_year;note

``unit`` and ``payer`` are the stored values of :class:`CostUnit` and :class:`Payer`
("jaar", "gemeente", ...); ``amount_eur`` accepts a decimal comma or dot ("1.234,56",
"1234.56"). Cost figures are not personal data, so no processing-log entry is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.outcomes.models import CostItem, CostUnit, Payer

if TYPE_CHECKING:
    from doorbraak.accounts.selectors import AnyUser

CSV_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "unit",
    "amount_eur",
    "payer",
    "source",
    "source_url",
    "valid_year",
    "note",
)
CSV_DELIMITER = ";"
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def can_import_cost_items(user: AnyUser, municipality: Municipality | None) -> bool:
    """Functional admins import for a municipality they administer; national rows: operator."""
    if not can_administer(user):
        return False
    if user.is_superuser:
        return True
    if municipality is None:
        return False
    return municipality.pk in municipality_ids_of(user, role=Role.ADMIN)


def parse_amount_cents(raw: str) -> int:
    """'1.234,56' / '1234,56' / '1234.56' / '€ 12' → cents. Raises ValueError."""
    text = raw.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if not text:
        raise ValueError("empty")
    if "," in text and "." in text:
        # Dutch notation with thousands separators: the comma is the decimal mark.
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a number")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return int(cents)


def format_amount(cents: int) -> str:
    """Cents → '1234,56' (decimal comma, no thousands separator: safe to re-import)."""
    return f"{cents // 100},{cents % 100:02d}"


def _clean_row(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """One CSV row → (model field values, error messages)."""
    value = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
    errors: list[str] = []
    cleaned: dict[str, Any] = {}

    code = value["code"]
    if not code:
        errors.append(_("the code is missing"))
    else:
        try:
            validate_slug(code)
        except ValidationError:
            errors.append(_("the code may only contain letters, digits, '-' and '_'"))
        if len(code) > 60:
            errors.append(_("the code is longer than 60 characters"))
    cleaned["code"] = code

    if not value["name"]:
        errors.append(_("the name is missing"))
    elif len(value["name"]) > 150:
        errors.append(_("the name is longer than 150 characters"))
    cleaned["name"] = value["name"]

    if value["unit"] not in CostUnit.values:
        errors.append(
            _("unknown unit '%(unit)s' (use one of: %(choices)s)")
            % {"unit": value["unit"], "choices": ", ".join(CostUnit.values)}
        )
    cleaned["unit"] = value["unit"]

    try:
        cents = parse_amount_cents(value["amount_eur"])
    except ValueError:
        errors.append(
            _("the amount '%(amount)s' is not a number of euros") % {"amount": value["amount_eur"]}
        )
    else:
        if cents <= 0:
            errors.append(_("the amount must be more than zero"))
        cleaned["amount_cents"] = cents

    if value["payer"] not in Payer.values:
        errors.append(
            _("unknown payer '%(payer)s' (use one of: %(choices)s)")
            % {"payer": value["payer"], "choices": ", ".join(Payer.values)}
        )
    cleaned["payer"] = value["payer"]

    if not value["source"]:
        errors.append(_("the source is missing: every figure needs a public source"))
    elif len(value["source"]) > 400:
        errors.append(_("the source is longer than 400 characters"))
    cleaned["source"] = value["source"]

    if value["source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(value["source_url"])
        except ValidationError:
            errors.append(_("the source address is not a valid web address"))
        if len(value["source_url"]) > 200:
            errors.append(_("the source address is longer than 200 characters"))
    cleaned["source_url"] = value["source_url"]

    try:
        year = int(value["valid_year"])
    except ValueError:
        errors.append(_("the year '%(year)s' is not a year") % {"year": value["valid_year"]})
    else:
        if not MIN_YEAR <= year <= MAX_YEAR:
            errors.append(
                _("the year must be between %(min)s and %(max)s")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        cleaned["valid_year"] = year

    cleaned["note"] = value["note"]
    return cleaned, errors


def _read_rows(file: IO[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = file.read()
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    text = text.removeprefix("\ufeff")  # Excel writes a byte-order mark
    reader = csv.DictReader(io.StringIO(text), delimiter=CSV_DELIMITER)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": CSV_DELIMITER.join(CSV_COLUMNS), "missing": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
                continue  # blank line
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS:
                raise ValidationError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s cannot be read as CSV.") % {"line": reader.line_num}
        ) from exc
    if not rows:
        raise ValidationError(_("The file contains no cost items."))
    return rows


def cost_items_import_csv(
    *, actor: AnyUser, municipality: Municipality | None, file: IO[str]
) -> ImportResult:
    """Create or update cost items from a CSV file: all rows, or none at all.

    Rows are matched on (code, valid_year, municipality): an existing figure is updated,
    a new one created. Any bad row raises ``ValidationError`` listing every bad row by its
    line number, and nothing is saved. Only functional administrators may import, for a
    municipality they administer; national figures (``municipality=None``) only the
    operator (superuser).
    """
    if not can_import_cost_items(actor, municipality):
        raise PermissionDenied(_("You may not import cost items for this municipality."))

    rows = _read_rows(file)
    errors: list[str] = []
    cleaned_rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row in rows:
        cleaned, row_errors = _clean_row(row)
        key = (cleaned["code"], cleaned.get("valid_year", 0))
        if not row_errors and key in seen:
            row_errors.append(
                _("code and year are the same as on line %(line)s") % {"line": seen[key]}
            )
        seen.setdefault(key, line)
        if row_errors:
            errors.append(
                _("Line %(line)s: %(errors)s.") % {"line": line, "errors": "; ".join(row_errors)}
            )
        else:
            cleaned_rows.append(cleaned)
    if errors:
        raise ValidationError(errors)

    created = updated = 0
    with transaction.atomic():
        existing = {
            (item.code, item.valid_year): item
            for item in CostItem.objects.select_for_update(no_key=True).filter(
                municipality=municipality,
                code__in={row["code"] for row in cleaned_rows},
            )
        }
        for data in cleaned_rows:
            item = existing.get((data["code"], data["valid_year"]))
            if item is None:
                item = CostItem(municipality=municipality, **data)
                created += 1
            else:
                for field, field_value in data.items():
                    setattr(item, field, field_value)
                updated += 1
            item.full_clean()
            item.save()
    return ImportResult(created=created, updated=updated)


def cost_items_export_csv(*, items: Iterable[CostItem]) -> str:
    """The items as CSV text in the import format (round-trips with the import)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(
            [
                item.code,
                item.name,
                item.unit,
                format_amount(item.amount_cents),
                item.payer,
                item.source,
                item.source_url,
                item.valid_year,
                item.note,
            ]
        )
    return out.getvalue()


# --- outcomes ---------------------------------------------------------------------------------
def _outcome_log(actor: Any, outcome: Any, action: Any) -> None:
    from doorbraak.audit.activities import ProcessingActivity
    from doorbraak.audit.services import processing_log_record
    from doorbraak.households.services import household_subjects

    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.CASE_SUPPORT,
        object_type="outcomes.outcome",
        object_id=outcome.pk,
        subjects=household_subjects(outcome.household),
        municipality=outcome.household.municipality,
    )


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    household: Any,
    outcome_type: str,
    occurred_on: Any,
    evidence: str,
    breakthrough: Any = None,
    debt_amount_cents: int | None = None,
    cost_item: CostItem | None = None,
    quantity: Decimal | str | None = None,
) -> Any:
    """Record what the work prevented or achieved, valued with the catalogue of that date."""
    import datetime

    from django.utils import timezone

    from doorbraak.audit.models import ProcessingAction
    from doorbraak.breakthroughs.policies import works_on
    from doorbraak.households.models import EventKind
    from doorbraak.households.services import record_event
    from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue
    from doorbraak.outcomes.valuation import value_outcome

    if not works_on(actor, household):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if outcome_type not in OutcomeType.values:
        errors["outcome_type"] = _("Choose what was prevented or achieved.")
    evidence = (evidence or "").strip()
    if not evidence:
        errors["evidence"] = _("Write down how you know: the evidence for this outcome.")
    if not isinstance(occurred_on, datetime.date):
        errors["occurred_on"] = _("Give the date.")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("An outcome cannot be dated in the future.")
    elif occurred_on < household.opened_on:
        errors["occurred_on"] = _("The date is before the household was registered.")
    if breakthrough is not None and breakthrough.household_id != household.pk:
        errors["breakthrough"] = _("Choose a breakthrough of this household.")
    if outcome_type == OutcomeType.DEBT_PREVENTED:
        if not debt_amount_cents or debt_amount_cents <= 0:
            errors["debt_amount_cents"] = _("Give the amount of debt that was prevented.")
        elif debt_amount_cents > 100_000_000:
            errors["debt_amount_cents"] = _("The amount is at most € 1,000,000.")
    elif debt_amount_cents:
        errors["debt_amount_cents"] = _("An amount of debt belongs to 'higher debt prevented'.")
    amount = None
    if outcome_type == OutcomeType.OTHER and cost_item is not None:
        if cost_item.municipality_id not in (None, household.municipality_id):
            errors["cost_item"] = _("Choose a cost item of your municipality's catalogue.")
        try:
            amount = (
                Decimal(str(quantity).replace(",", ".")) if quantity not in (None, "") else None
            )
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not Decimal(0) < amount < 1000:
            errors["quantity"] = _("Give a quantity above 0 and below 1000.")
    elif cost_item is not None:
        errors["cost_item"] = _("A cost item is only chosen for 'other'.")
    if errors:
        raise ValidationError(errors)
    valuation = value_outcome(
        outcome_type=outcome_type,
        municipality=household.municipality,
        on=occurred_on,
        debt_amount_cents=debt_amount_cents,
        cost_item=cost_item,
        quantity=amount,
    )
    outcome = Outcome.objects.create(
        household=household,
        breakthrough=breakthrough,
        outcome_type=outcome_type,
        occurred_on=occurred_on,
        evidence=evidence,
        debt_amount_cents=debt_amount_cents,
        cost_item=cost_item,
        quantity=amount,
        value_cents=valuation.value_cents,
        value_note=(
            _("No catalogue figure for: %(codes)s.") % {"codes": ", ".join(valuation.missing)}
            if valuation.missing
            else ""
        )[:300],
        recorded_by=actor,
    )
    OutcomeValue.objects.bulk_create(
        OutcomeValue(
            outcome=outcome,
            description=line.description[:200],
            cost_item=line.cost_item,
            payer=line.payer,
            unit_amount_cents=line.unit_amount_cents,
            quantity=line.quantity,
            weight_pct=line.weight_pct,
            value_cents=line.value_cents,
            low_cents=line.low_cents,
            high_cents=line.high_cents,
            source=line.source[:400],
        )
        for line in valuation.lines
    )
    record_event(
        household=household,
        kind=EventKind.OUTCOME,
        actor=actor,
        summary=_("Outcome: %(outcome)s") % {"outcome": outcome.get_outcome_type_display()},
    )
    _outcome_log(actor, outcome, ProcessingAction.CREATE)
    return outcome


@transaction.atomic
def outcome_withdraw(*, actor: Any, outcome: Any, reason: str) -> Any:
    """A mistaken outcome is withdrawn with a reason; it stays on record, out of the figures."""
    from django.utils import timezone

    from doorbraak.audit.models import ProcessingAction
    from doorbraak.breakthroughs.policies import works_on

    if not works_on(actor, outcome.household):
        raise PermissionDenied
    if outcome.withdrawn_at is not None:
        raise ValidationError(_("This outcome was withdrawn already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the outcome is withdrawn.")})
    outcome.withdrawn_at = timezone.now()
    outcome.withdrawn_reason = reason[:300]
    outcome.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    _outcome_log(actor, outcome, ProcessingAction.UPDATE)
    return outcome
