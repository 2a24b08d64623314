"""The national exchange: examples of scope "national" as JSON, and importing them elsewhere.

The file is a list of examples with their stable ``uuid`` and the source municipality;
regulations are matched by citation and organisations by name (those not known here are
kept as text in ``regulation_text``, or left out). Importing validates the whole file
first and writes nothing when any example is refused (one transaction); an example whose
``uuid`` is already here is skipped, so importing a file twice changes nothing.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, Organisation, User
from doorbraak.breakthroughs.models import Theme
from doorbraak.casebook.identifiers import check_texts
from doorbraak.casebook.models import (
    Example,
    ExampleAmount,
    ExampleResult,
    ExampleScope,
    ExampleStatus,
)
from doorbraak.catalogue.models import Payer
from doorbraak.lib import limits
from doorbraak.library.models import Regulation

FORMAT = "doorbraak-casebook"
VERSION = 1


def export_examples(examples: list[Example]) -> dict[str, Any]:
    """The exchange document of ``examples`` (published, national scope; prefetched)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exportedAt": timezone.now().isoformat(timespec="seconds"),
        "examples": [
            {
                "uuid": str(e.uuid),
                "sourceMunicipality": e.source_municipality,
                "title": e.title,
                "theme": e.theme,
                "bottleneck": e.bottleneck,
                "solution": e.solution,
                "result": e.result,
                "outcome": e.outcome,
                "commitment": e.commitment,
                "horizonMonths": e.horizon_months,
                "regulations": [r.citation for r in e.regulations.all()],
                "regulationText": e.regulation_text,
                "organisations": [o.name for o in e.organisations.all()],
                "amounts": [
                    {
                        "payer": a.payer,
                        "statusQuoCents": a.status_quo_cents,
                        "breakthroughCents": a.breakthrough_cents,
                    }
                    for a in e.amounts.all()
                ],
                "publishedAt": e.published_at.isoformat(timespec="seconds")
                if e.published_at
                else None,
            }
            for e in examples
        ],
    }


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _text(
    item: dict[str, Any], key: str, *, required: bool = True, limit: int = limits.TEXT
) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValueError(key)
    return value.strip()


def _parse(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("example")
    parsed: dict[str, Any] = {
        "uuid": uuid.UUID(str(item.get("uuid"))),
        "source_municipality": _text(item, "sourceMunicipality", limit=100),
        "title": _text(item, "title", limit=200),
        "bottleneck": _text(item, "bottleneck"),
        "solution": _text(item, "solution"),
        "outcome": _text(item, "outcome"),
        "commitment": _text(item, "commitment", required=False),
        "regulation_text": _text(item, "regulationText", required=False, limit=limits.TEXT),
    }
    if item.get("theme") not in Theme.values:
        raise ValueError("theme")
    if item.get("result") not in ExampleResult.values:
        raise ValueError("result")
    parsed["theme"], parsed["result"] = item["theme"], item["result"]
    horizon = item.get("horizonMonths", 12)
    if not isinstance(horizon, int) or not 1 <= horizon <= 120:
        raise ValueError("horizonMonths")
    parsed["horizon_months"] = horizon
    regulations, organisations = item.get("regulations", []), item.get("organisations", [])
    if not isinstance(regulations, list) or not all(isinstance(r, str) for r in regulations):
        raise ValueError("regulations")
    if not isinstance(organisations, list) or not all(isinstance(o, str) for o in organisations):
        raise ValueError("organisations")
    parsed["regulations"], parsed["organisations"] = regulations, organisations
    amounts = item.get("amounts", [])
    if not isinstance(amounts, list):
        raise ValueError("amounts")
    parsed["amounts"] = []
    for amount in amounts:
        if (
            not isinstance(amount, dict)
            or amount.get("payer") not in Payer.values
            or not isinstance(amount.get("statusQuoCents"), int)
            or not isinstance(amount.get("breakthroughCents"), int)
            or amount["statusQuoCents"] < 0
            or amount["breakthroughCents"] < 0
        ):
            raise ValueError("amounts")
        parsed["amounts"].append(
            (amount["payer"], amount["statusQuoCents"], amount["breakthroughCents"])
        )
    published = item.get("publishedAt")
    parsed["published_at"] = (
        parse_datetime(published) if isinstance(published, str) else None
    ) or timezone.now()
    return parsed


def read_document(raw: bytes | str) -> list[dict[str, Any]]:
    """The examples of an exchange file, each checked; ``ValidationError`` (Dutch) otherwise."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(_("The file is not valid JSON.")) from error
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or document.get("version") != VERSION
        or not isinstance(document.get("examples"), list)
    ):
        raise ValidationError(_("The file is not a casebook exchange file (version 1)."))
    parsed, errors = [], []
    for number, item in enumerate(document["examples"], start=1):
        try:
            example = _parse(item)
        except (ValueError, TypeError, AttributeError) as error:
            errors.append(
                _("Example %(number)s: the field “%(field)s” is missing or wrong.")
                % {"number": number, "field": str(error) or "uuid"}
            )
            continue
        flagged = check_texts(
            {k: example[k] for k in ("title", "bottleneck", "solution", "outcome", "commitment")}
        )
        if flagged:
            errors.append(
                _("Example %(number)s may hold personal data (%(fields)s).")
                % {"number": number, "fields": ", ".join(sorted(flagged))}
            )
            continue
        parsed.append(example)
    if errors:
        raise ValidationError(errors)
    return parsed


@transaction.atomic
def examples_import(
    *, actor: User | None, municipality: Municipality, raw: bytes | str
) -> ImportResult:
    """Import an exchange file into ``municipality``: all or nothing, idempotent by uuid."""
    parsed = read_document(raw)
    result = ImportResult()
    existing = set(
        Example.objects.filter(uuid__in=[p["uuid"] for p in parsed]).values_list("uuid", flat=True)
    )
    regulations = {r.citation: r for r in Regulation.objects.filter(municipality__isnull=True)}
    organisations = {o.name: o for o in Organisation.objects.filter(municipality__isnull=True)}
    for item in parsed:
        if item["uuid"] in existing:
            result.skipped += 1
            continue
        existing.add(item["uuid"])
        example = Example.objects.create(
            uuid=item["uuid"],
            municipality=municipality,
            source_municipality=item["source_municipality"],
            imported=True,
            title=item["title"],
            theme=item["theme"],
            bottleneck=item["bottleneck"],
            solution=item["solution"],
            result=item["result"],
            outcome=item["outcome"],
            commitment=item["commitment"],
            regulation_text=item["regulation_text"] or "; ".join(item["regulations"]),
            horizon_months=item["horizon_months"],
            status=ExampleStatus.PUBLISHED,
            scope=ExampleScope.NATIONAL,
            reviewed_by=actor,
            published_at=item["published_at"],
        )
        example.regulations.set([regulations[c] for c in item["regulations"] if c in regulations])
        example.organisations.set(
            [organisations[n] for n in item["organisations"] if n in organisations]
        )
        ExampleAmount.objects.bulk_create(
            ExampleAmount(example=example, payer=p, status_quo_cents=sq, breakthrough_cents=bt)
            for p, sq, bt in item["amounts"]
        )
        result.created += 1
    return result


def exchange_filename(today: datetime.date | None = None) -> str:
    return f"voorbeelden-{(today or timezone.localdate()).isoformat()}.json"
