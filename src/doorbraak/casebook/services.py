"""Every change of the casebook: propose, approve, reject, withdraw (import: ``exchange``).

Keyword-only, transactional, refusing with ``Refused`` (who) or ``ValidationError`` (what);
the proposal and the decisions on it are logged as processings of the source household.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Organisation, User
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import Breakthrough, Theme
from doorbraak.breakthroughs.selectors import breakthrough_return
from doorbraak.casebook import policies
from doorbraak.casebook.identifiers import check_texts
from doorbraak.casebook.models import (
    Example,
    ExampleAmount,
    ExampleResult,
    ExampleScope,
    ExampleStatus,
)
from doorbraak.casebook.processing import log_example, log_example_decision
from doorbraak.catalogue.models import Payer
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.library.models import Regulation

#: The free texts of an example: emptied in the form, checked for identifiers.
TEXT_FIELDS = ("title", "bottleneck", "solution", "outcome", "commitment")


def round_amount(cents: int) -> int:
    """An amount rounded so it no longer points at one household: to € 50 below € 1,000,
    to € 100 from there on (in cents)."""
    step = 5_000 if abs(cents) < 100_000 else 10_000
    units = (Decimal(cents) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(units) * step


def known_names(household: Household) -> list[str]:
    """The household's names the check looks for: members (all, also those who left),
    the household's name and its street."""
    names: list[str] = []
    for first, last in household.members.values_list("first_name", "last_name"):
        names += [first, last, f"{first} {last}"]
        names += [part for part in last.split() if part[:1].isupper()]
    words = household.name.split()
    names += [w for w in words if w[:1].isupper() and w.lower() not in {"huishouden", "familie"}]
    names.append(household.street)
    return [n for n in names if n]


def initial_from(breakthrough: Breakthrough) -> dict[str, object]:
    """What the proposal form starts from: the breakthrough's structure, free texts empty,
    the value triangle per payer rounded."""
    bottleneck = breakthrough.bottleneck
    regulations = list(bottleneck.regulations.all())
    if breakthrough.regulation is not None and breakthrough.regulation not in regulations:
        regulations.append(breakthrough.regulation)
    calculation = breakthrough_return(breakthrough)
    return {
        "theme": bottleneck.theme,
        "regulations": regulations,
        "organisations": list(bottleneck.organisations.all()),
        "horizon_months": breakthrough.horizon_months,
        "amounts": {
            split.payer: (
                round_amount(split.status_quo_cents),
                round_amount(split.breakthrough_cents),
            )
            for split in calculation.per_payer
        },
        **dict.fromkeys(TEXT_FIELDS, ""),
    }


def _clean(
    *,
    household: Household,
    title: str,
    theme: str,
    bottleneck: str,
    solution: str,
    result: str,
    outcome: str,
    commitment: str,
    scope: str,
    amounts: Mapping[str, tuple[int, int]],
) -> dict[str, str]:
    texts = {
        "title": title.strip(),
        "bottleneck": bottleneck.strip(),
        "solution": solution.strip(),
        "outcome": outcome.strip(),
        "commitment": commitment.strip(),
    }
    errors: dict[str, str] = {}
    required = {
        "title": _("Give the example a title."),
        "bottleneck": _("Describe the bottleneck in general terms."),
        "solution": _("Describe the solution."),
        "outcome": _("Describe what the solution brought."),
    }
    for field, message in required.items():
        if not texts[field]:
            errors[field] = message
    if theme not in Theme.values:
        errors["theme"] = _("Choose a theme.")
    if result not in ExampleResult.values:
        errors["result"] = _("Choose the outcome.")
    if scope not in ExampleScope.values:
        errors["scope"] = _("Choose who may read the example.")
    for payer, (status_quo, with_breakthrough) in amounts.items():
        if payer not in Payer.values or status_quo < 0 or with_breakthrough < 0:
            errors["amounts"] = _("Amounts are zero or more, for a known payer.")
    errors.update(
        {
            field: message
            for field, message in check_texts(texts, known_names=known_names(household)).items()
            if field not in errors
        }
    )
    if errors:
        raise ValidationError(errors)
    return texts


@transaction.atomic
def example_propose(
    *,
    actor: User,
    breakthrough: Breakthrough,
    title: str,
    theme: str,
    bottleneck: str,
    solution: str,
    result: str,
    outcome: str,
    commitment: str,
    regulations: Iterable[Regulation],
    organisations: Iterable[Organisation],
    amounts: Mapping[str, tuple[int, int]],
    scope: str = ExampleScope.MUNICIPALITY,
    horizon_months: int = 12,
) -> Example:
    """The coordinator proposes a closed breakthrough as an example (or proposes a rejected
    draft again). Every free text passes the identifier check; amounts are rounded."""
    breakthrough = Breakthrough.objects.select_for_update().get(pk=breakthrough.pk)
    if not policies.can_propose(actor, breakthrough):
        raise Refused
    household = breakthrough.household
    example = (
        Example.objects.select_for_update()
        .filter(breakthrough=breakthrough)
        .exclude(status=ExampleStatus.WITHDRAWN)
        .first()
    )
    if example is not None and example.status != ExampleStatus.DRAFT:
        raise ValidationError(_("This breakthrough has already been proposed as an example."))
    texts = _clean(
        household=household,
        title=title,
        theme=theme,
        bottleneck=bottleneck,
        solution=solution,
        result=result,
        outcome=outcome,
        commitment=commitment,
        scope=scope,
        amounts=amounts,
    )
    creating = example is None
    if example is None:
        example = Example(
            breakthrough=breakthrough,
            municipality_id=household.municipality_id,
            source_municipality=household.municipality.name,
            team_id=household.team_id,
        )
    regulations = list(regulations)
    for field, value in texts.items():
        setattr(example, field, value)
    example.theme = theme
    example.result = result
    example.scope = scope
    example.horizon_months = horizon_months
    example.regulation_text = regulation_text(regulations)
    example.status = ExampleStatus.PROPOSED
    example.proposed_by = actor
    example.proposed_at = timezone.now()
    example.save()
    example.regulations.set(regulations)
    example.organisations.set(list(organisations))
    example.amounts.all().delete()
    ExampleAmount.objects.bulk_create(
        ExampleAmount(
            example=example,
            payer=payer,
            status_quo_cents=round_amount(status_quo),
            breakthrough_cents=round_amount(with_breakthrough),
        )
        for payer, (status_quo, with_breakthrough) in amounts.items()
        if status_quo or with_breakthrough
    )
    log_example(
        actor=actor,
        action=ProcessingAction.CREATE if creating else ProcessingAction.UPDATE,
        example=example,
        household=household,
    )
    return example


def regulation_text(regulations: Iterable[Regulation]) -> str:
    return "; ".join(f"{r.citation} {r.law}" for r in regulations)[: limits.TEXT]


def _lock(example: Example) -> Example:
    return (
        Example.objects.select_for_update(of=("self",))
        .select_related("breakthrough__household")
        .get(pk=example.pk)
    )


@transaction.atomic
def example_approve(*, actor: User, example: Example) -> Example:
    """A team lead of the source team publishes the proposal."""
    example = _lock(example)
    if not policies.can_approve(actor, example):
        raise Refused
    example.status = ExampleStatus.PUBLISHED
    example.reviewed_by = actor
    example.published_at = timezone.now()
    example.rejection_reason = ""
    example.save(update_fields=["status", "reviewed_by", "published_at", "rejection_reason"])
    log_example_decision(actor=actor, example=example)
    return example


def _reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason[:500]


@transaction.atomic
def example_reject(*, actor: User, example: Example, reason: str) -> Example:
    """Back to draft with the reason; the coordinator rewrites and proposes it again."""
    example = _lock(example)
    if not policies.can_approve(actor, example):
        raise Refused
    example.rejection_reason = _reason(reason, _("Say what must change before publication."))
    example.status = ExampleStatus.DRAFT
    example.reviewed_by = actor
    example.save(update_fields=["status", "reviewed_by", "rejection_reason"])
    log_example_decision(actor=actor, example=example)
    return example


@transaction.atomic
def example_withdraw(*, actor: User, example: Example, reason: str) -> Example:
    """A published example is no longer shown; the reason is kept."""
    example = _lock(example)
    if not policies.can_withdraw(actor, example):
        raise Refused
    example.withdrawal_reason = _reason(reason, _("Say why the example is withdrawn."))
    example.status = ExampleStatus.WITHDRAWN
    example.withdrawn_at = timezone.now()
    example.save(update_fields=["status", "withdrawal_reason", "withdrawn_at"])
    log_example_decision(actor=actor, example=example)
    return example
