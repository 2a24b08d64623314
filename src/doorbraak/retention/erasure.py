"""What destruction clears: every row that leads to a household (or a member) by foreign
keys, found through the app registry so a model added later is covered without an edit.

For each such model the free text (every ``CharField``/``TextField`` without choices that
is not a key or an identifier) is replaced by a dash, every ``JSONField`` (the parameters of
a stored message: names, notes) is emptied, and the person-identifying values of
the household and its members (names, BSN, address, date of birth, public ids) are
cleared. Rows stay: amounts, dates, statuses, classifications and the links between rows
are what the ledger, the outcomes and the aggregated figures are made of. The casebook's
examples are anonymous already; they only lose their link to the breakthrough.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Case, Value, When

from doorbraak.households.models import Household, Member

#: The transaction-local PostgreSQL setting under which the append-only triggers of the
#: accountable records (ledger, approvals, decisions, disclosures) let an UPDATE through:
#: the erasure clears their free text, never an amount (migration ``retention/0001``).
ERASURE_SETTING = "doorbraak.erasure"
#: What a cleared free text becomes: one character, so "not empty" checks keep holding.
REDACTED = "—"
#: How far (in foreign keys) a row may be from the household and still be its data.
MAX_DEPTH = 5
#: Models that are not the household's personal data although they point at it: the
#: anonymous casebook example (unlinked separately), a signal's pseudonymous case count,
#: the retention app's own bookkeeping and the logs.
SKIP_MODELS = frozenset(
    {
        "casebook.example",
        "casebook.exampleamount",
        "insights.signalcase",
        "retention.destructionitem",
        "retention.destructionlist",
        "retention.destructionrecord",
    }
)
#: Text columns that hold no personal data and must keep their value.
KEEP_FIELDS = frozenset(
    {
        ("funds.ledgertransaction", "idempotency_key"),
        ("breakthroughs.disclosure", "legal_basis"),
        # The cost catalogue's source, copied with the value: the value report lists it.
        ("outcomes.outcomevalue", "source"),
    }
)
#: Text columns cleared to empty rather than to a dash.
EMPTY_FIELDS = frozenset(
    {("households.member", "bsn_encrypted"), ("households.member", "bsn_index")}
)


@dataclass(frozen=True)
class Target:
    """One model with personal data of a household: the lookup from it to the household
    (or member), and its free-text columns."""

    model: type[models.Model]
    path: str
    text_fields: tuple[str, ...]
    json_fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _text_fields(model: type[models.Model]) -> tuple[str, ...]:
    label = model._meta.label_lower
    unique_together = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in constraint.fields
    }
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.unique
        and field.name not in unique_together
        and (label, field.name) not in KEEP_FIELDS
    )


def _json_fields(model: type[models.Model]) -> tuple[str, ...]:
    label = model._meta.label_lower
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.JSONField) and (label, field.name) not in KEEP_FIELDS
    )


def _paths(root: type[models.Model]) -> dict[type[models.Model], str]:
    """Every model that reaches ``root`` by foreign keys, with the shortest lookup."""
    found: dict[type[models.Model], str] = {root: "pk"}
    frontier: list[tuple[type[models.Model], str]] = [(root, "")]
    for _depth in range(MAX_DEPTH):
        following: list[tuple[type[models.Model], str]] = []
        for target, suffix in frontier:
            for model in apps.get_models():
                if model in found or not model.__module__.startswith("doorbraak."):
                    continue
                for field in model._meta.concrete_fields:
                    if isinstance(field, models.ForeignKey) and field.related_model is target:
                        path = f"{field.name}__{suffix}" if suffix else field.name
                        found[model] = path
                        following.append((model, path))
                        break
        frontier = following
    return found


@cache
def household_targets() -> tuple[Target, ...]:
    return tuple(
        Target(model, path, _text_fields(model), _json_fields(model))
        for model, path in _paths(Household).items()
        if model._meta.label_lower not in SKIP_MODELS
    )


@cache
def member_targets() -> tuple[Target, ...]:
    return tuple(
        Target(model, path, _text_fields(model), _json_fields(model))
        for model, path in _paths(Member).items()
        if model._meta.label_lower not in SKIP_MODELS
    )


def _cleared(field: str, label: str) -> Case:
    value = "" if (label, field) in EMPTY_FIELDS else REDACTED
    return Case(When(**{field: ""}, then=Value("")), default=Value(value))


def redact(targets: tuple[Target, ...], root: models.Model) -> dict[str, int]:
    """Clear the free text of every row of ``targets`` that leads to ``root``; the counts."""
    counts: dict[str, int] = {}
    for target in targets:
        # The base manager: the ledger's and the decisions' querysets refuse bulk updates;
        # the erasure is the one change they allow (``ERASURE_SETTING``).
        rows = target.model._base_manager.filter(**{target.path: root.pk})
        cleared: dict[str, Case | Value] = {
            name: _cleared(name, target.label) for name in target.text_fields
        }
        cleared |= {name: Value({}, output_field=models.JSONField()) for name in target.json_fields}
        count = rows.update(**cleared) if cleared else rows.count()
        if count:
            counts[target.label] = count
    return counts


def clear_member(member_ids: list[int]) -> None:
    """The identifying values that are not text: date of birth (year kept), public id."""
    for member in Member.objects.filter(pk__in=member_ids).only("pk", "birth_date"):
        Member.objects.filter(pk=member.pk).update(
            birth_date=member.birth_date.replace(month=1, day=1), public_id=uuid.uuid4()
        )


def clear_household(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(
        house_number=0, public_id=uuid.uuid4(), close_note=""
    )
    referrals = apps.get_model("households", "Referral")
    referrals.objects.filter(household=household).update(house_number=0)
    example = apps.get_model("casebook", "Example")
    example.objects.filter(breakthrough__household=household).update(breakthrough=None)


def text_columns() -> Iterator[tuple[str, str]]:
    """Every (table, column) of a text type in the database, for the tests' search."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model._meta.db_table, field.column
