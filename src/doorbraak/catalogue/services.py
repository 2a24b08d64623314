"""Changes to the cost catalogue: CSV import (all or nothing) and CSV export.

The CSV format (semicolon-separated, UTF-8, one header line) is the same both ways:

    code;name;unit;amount_eur;payer;source;source_url;valid_year;note

``unit`` and ``payer`` are the stored values of :class:`CostUnit` and :class:`Payer`
("jaar", "gemeente", ...); ``amount_eur`` accepts a decimal comma or dot ("1.234,56",
"1234.56"). Cost figures are not personal data, so no processing-log entry is written.
The page's CSV is built by the task worker (``catalogue.exports``); the admin's export,
the file an administrator edits and imports again, is written here in the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, User
from doorbraak.accounts.policies import can_view_organisations
from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.catalogue.policies import can_import_cost_items
from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.downloads.services import download_queue
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_read_rows, csv_text, unneutralise

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
    # Our own export wrote formula-like text with a leading apostrophe: take it off again.
    value = {key: unneutralise((row.get(key) or "").strip()) for key in CSV_COLUMNS}
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
        raise Refused(_("You may not import cost items for this municipality."))

    rows = csv_read_rows(
        file,
        columns=CSV_COLUMNS,
        max_rows=MAX_ROWS,
        empty_message=_("The file contains no cost items."),
        delimiter=CSV_DELIMITER,
    )
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


def cost_item_row(item: CostItem) -> list[object]:
    """One item as a row of the import format."""
    return [
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


def cost_items_export_csv(*, items: Iterable[CostItem]) -> str:
    """The items as CSV text in the import format (round-trips with the import).

    Written by the project's one CSV writer, so a name, source or note that a spreadsheet
    would evaluate (``=cmd|' /C calc'!A0``) arrives as text; the import undoes that.
    """
    return csv_text(CSV_COLUMNS, (cost_item_row(item) for item in items), delimiter=CSV_DELIMITER)


def cost_catalogue_queue(*, actor: User, year: int | None, query: str) -> Download:
    """Ask the task worker for the catalogue as CSV, with the page's filters."""
    # cycle: the task's builder (catalogue.exports) writes the rows with this module.
    from doorbraak.catalogue.tasks import cost_catalogue_task

    if not can_view_organisations(actor):
        raise Refused
    return download_queue(
        requester=actor,
        kind=DownloadKind.COST_CATALOGUE,
        title=_("Cost catalogue") + (f" {year}" if year else ""),
        filename="kostenkengetallen.csv",
        content_type="text/csv; charset=utf-8",
        parameters={"year": year, "q": query.strip()[:100]},
        task=cost_catalogue_task,
    )
