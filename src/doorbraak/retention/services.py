"""Retention rules, the monthly destruction run, approval and erasure.

``erase_household`` and ``erase_member`` are the public services of destruction: the
approved destruction list calls the first, erasure on request (data-subject requests)
calls either, right after its own approval.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, User
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.purge import PurgeOutcome, processing_log_purge
from doorbraak.households.models import (
    CloseReason,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    Member,
)
from doorbraak.households.services import lock_household
from doorbraak.lib.access import Refused
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.retention import erasure, policies
from doorbraak.retention.models import (
    DestructionItem,
    DestructionList,
    DestructionRecord,
    DestructionStatus,
    RecordKind,
    RetentionRule,
    RetentionRuleChange,
    add_months,
    period_label,
)
from doorbraak.retention.processing import log_retention

logger = logging.getLogger(__name__)

#: The rules every municipality starts with. No period is filled in: the VNG Selectielijst
#: gemeenten en intergemeentelijke organen 2020 is the source to take them from, but its
#: category text for these records was not at hand when this was written, and a period
#: without its source text is not set (docs/privacy.md, "Bewaartermijnen en vernietiging").
#: A rule with an empty period never destroys.
DEFAULT_RULES: tuple[tuple[RecordKind, str], ...] = (
    *((RecordKind.HOUSEHOLD_CLOSED, reason.value) for reason in CloseReason),
    (RecordKind.PROCESSING_LOG, ""),
    (RecordKind.SECURITY_LOG, ""),
)
MAX_PERIOD_MONTHS = 12 * 120


def rules_ensure_defaults(*, municipality: Municipality | int) -> None:
    """Create the municipality's missing default rules (empty periods); idempotent."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    RetentionRule.objects.bulk_create(
        [
            RetentionRule(municipality_id=municipality_id, kind=kind, close_reason=reason)
            for kind, reason in DEFAULT_RULES
        ],
        ignore_conflicts=True,
    )


def needs_reason(rule: RetentionRule, new_months: int | None) -> bool:
    """Whether a new period lets records be destroyed earlier than the rule allowed so far,
    or earlier than the legal minimum: such a change needs a recorded reason."""
    if new_months is None:
        return False
    if rule.minimum_months is not None and new_months < rule.minimum_months:
        return True
    return rule.period_months is None or new_months < rule.period_months


@retry_on_deadlock
@transaction.atomic
def rule_change(
    *,
    actor: User,
    rule: RetentionRule,
    period_months: int | None,
    source: str,
    version: str,
    reason: str = "",
) -> RetentionRule:
    """Change a rule's period, source or version, keeping the change with its reason."""
    if not policies.can_manage_retention(actor) or not policies.can_edit_rule(actor, rule):
        raise Refused
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    reason = reason.strip()
    if period_months is not None and not 0 < period_months <= MAX_PERIOD_MONTHS:
        raise ValidationError(
            {"period_months": _("A retention period is between one month and 120 years.")}
        )
    if needs_reason(rule, period_months) and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "This change lets records be destroyed earlier than before or earlier "
                    "than the legal minimum: record the reason."
                )
            }
        )
    if period_months is not None and not source.strip():
        raise ValidationError({"source": _("State the source of the retention period.")})
    if (rule.period_months, rule.source, rule.version) == (period_months, source, version):
        return rule
    RetentionRuleChange.objects.create(
        rule=rule,
        changed_by=actor,
        old_period_months=rule.period_months,
        new_period_months=period_months,
        old_source=rule.source,
        new_source=source,
        old_version=rule.version,
        new_version=version,
        reason=reason,
    )
    rule.period_months, rule.source, rule.version = period_months, source, version
    rule.changed_at = timezone.now()
    rule.save(update_fields=["period_months", "source", "version", "changed_at"])
    return rule


def household_due(
    municipality_id: int, today: datetime.date
) -> list[tuple[Household, RetentionRule]]:
    """Closed households whose retention period has passed and that are on no pending list."""
    rules = RetentionRule.objects.filter(
        municipality_id=municipality_id,
        kind=RecordKind.HOUSEHOLD_CLOSED,
        period_months__isnull=False,
    )
    by_reason = {rule.close_reason: rule for rule in rules}
    if not by_reason:
        return []
    condition = Q()
    for reason, rule in by_reason.items():
        assert rule.period_months is not None
        condition |= Q(close_reason=reason, closed_on__lte=add_months(today, -rule.period_months))
    pending = DestructionItem.objects.filter(
        removed_at__isnull=True, destroyed_at__isnull=True
    ).values("household_id")
    households = (
        Household.objects.filter(
            condition,
            municipality_id=municipality_id,
            status=HouseholdStatus.CLOSED,
            destroyed_on__isnull=True,
        )
        .exclude(pk__in=pending)
        .order_by("closed_on", "pk")
    )
    return [(household, by_reason[household.close_reason]) for household in households]


@retry_on_deadlock
@transaction.atomic
def destruction_propose(
    *,
    municipality: Municipality,
    actor: User | None = None,
    today: datetime.date | None = None,
) -> DestructionList | None:
    """Propose a destruction list of the households whose retention has passed; None when
    there are none. ``actor`` is the privacy officer who prepared it, or None for the run."""
    if actor is not None and not policies.can_erase_in(actor, municipality.pk):
        raise Refused
    today = today or timezone.localdate()
    # One proposer at a time per municipality: the lock serialises concurrent runs.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    rules_ensure_defaults(municipality=municipality)
    due = household_due(municipality.pk, today)
    if not due:
        return None
    destruction_list = DestructionList.objects.create(municipality=municipality, prepared_by=actor)
    destruction_list.reference = f"VL-{municipality.code}-{today:%Y%m}-{destruction_list.pk}"
    destruction_list.save(update_fields=["reference"])
    DestructionItem.objects.bulk_create(
        DestructionItem(
            destruction_list=destruction_list,
            household=household,
            rule=rule,
            closed_on=closed_on,
            due_on=add_months(closed_on, rule.period_months or 0),
        )
        for household, rule in due
        if (closed_on := household.closed_on) is not None
    )
    return destruction_list


@retry_on_deadlock
@transaction.atomic
def destruction_item_remove(*, actor: User, item: DestructionItem, reason: str) -> DestructionItem:
    """Take a household off a list awaiting approval, with a reason (it is kept)."""
    destruction_list = DestructionList.objects.select_for_update().get(pk=item.destruction_list_id)
    if not policies.can_review_list(actor, destruction_list):
        raise Refused
    item = DestructionItem.objects.get(pk=item.pk)
    if not destruction_list.is_open or not item.is_pending:
        raise ValidationError(_("This household is no longer on a list awaiting approval."))
    if not reason.strip():
        raise ValidationError({"reason": _("State why this household is kept.")})
    item.removed_at = timezone.now()
    item.removed_by = actor
    item.removal_reason = reason.strip()
    item.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    return item


@retry_on_deadlock
@transaction.atomic
def destruction_list_approve(
    *, actor: User, destruction_list: DestructionList
) -> list[DestructionRecord]:
    """Approve the list and destroy every household still on it (four eyes)."""
    destruction_list = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
    if not policies.can_review_list(actor, destruction_list):
        raise Refused
    if not destruction_list.is_open:
        raise ValidationError(_("This destruction list has already been approved."))
    if destruction_list.prepared_by_id == actor.pk:
        raise ValidationError(
            _("Another privacy officer must approve a list you prepared yourself (four eyes).")
        )
    records = []
    items = DestructionItem.objects.filter(
        destruction_list=destruction_list, removed_at__isnull=True, destroyed_at__isnull=True
    ).select_related("household", "rule")
    now = timezone.now()
    for item in items:
        records.append(
            erase_household(
                household=item.household,
                actor=actor,
                reason=_("Retention period ended"),
                reference=destruction_list.reference,
                rule=item.rule,
                destruction_list=destruction_list,
            )
        )
        item.destroyed_at = now
        item.save(update_fields=["destroyed_at"])
    destruction_list.status = DestructionStatus.APPROVED
    destruction_list.approved_by = actor
    destruction_list.approved_at = now
    destruction_list.save(update_fields=["status", "approved_by", "approved_at"])
    return records


def _rule_description(rule: RetentionRule | None) -> str:
    if rule is None:
        return ""
    parts = [str(rule), period_label(rule.period_months), rule.source, rule.version]
    return " · ".join(part for part in parts if part)[:600]


def _erasure_on() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [erasure.ERASURE_SETTING])


def _erasure_off() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [erasure.ERASURE_SETTING])


@retry_on_deadlock
@transaction.atomic
def erase_household(
    *,
    household: Household,
    actor: User,
    reason: str,
    reference: str,
    rule: RetentionRule | None = None,
    destruction_list: DestructionList | None = None,
) -> DestructionRecord:
    """Remove the personal data and free text of a household and everything of it.

    What stays is an anonymous stub (``destroyed_on``), with the amounts, dates, statuses
    and links the ledger, the outcomes and the figures are made of; the casebook's
    examples lose their link to it. Writes a ``DestructionRecord`` that names no person and
    a processing-log record (``delete``) per person, by pseudonym.
    """
    if not policies.can_erase_in(actor, household.municipality_id):
        raise Refused
    household = lock_household(household)
    if household.destroyed_on is not None:
        raise ValidationError(_("The data of this household has already been destroyed."))
    if not reason.strip() or not reference.strip():
        raise ValidationError(_("A destruction needs a reason and a reference."))
    members = list(Member.objects.filter(household=household))
    log_retention(
        actor=actor,
        action=ProcessingAction.DELETE,
        object_type="households.household",
        object_id=household.pk,
        subjects=[m.pseudonym for m in members] or [household.pseudonym],
        municipality=household.municipality_id,
    )
    _erasure_on()
    counts = erasure.redact(erasure.household_targets(), household)
    _erasure_off()
    erasure.clear_member([m.pk for m in members])
    erasure.clear_household(household)
    Household.objects.filter(pk=household.pk).update(destroyed_on=timezone.localdate())
    return DestructionRecord.objects.create(
        municipality_id=household.municipality_id,
        scope="household",
        rule=rule,
        rule_description=_rule_description(rule),
        reason=reason.strip()[:300],
        reference=reference.strip()[:100],
        approved_by=actor,
        destruction_list=destruction_list,
        counts=counts,
    )


@retry_on_deadlock
@transaction.atomic
def erase_member(*, member: Member, actor: User, reason: str, reference: str) -> DestructionRecord:
    """Remove one person's personal data (erasure on request): the member's own row, the
    rows that point at the member (assessments, consents) and the timeline lines that name
    the member. The rest of the household stays."""
    household = member.household
    if not policies.can_erase_in(actor, household.municipality_id):
        raise Refused
    lock_household(household)
    member = Member.objects.get(pk=member.pk)
    if not reason.strip() or not reference.strip():
        raise ValidationError(_("A destruction needs a reason and a reference."))
    if (member.first_name, member.last_name) == (erasure.REDACTED, erasure.REDACTED):
        raise ValidationError(_("The data of this person has already been destroyed."))
    log_retention(
        actor=actor,
        action=ProcessingAction.DELETE,
        object_type="households.member",
        object_id=member.pk,
        subjects=[member.pseudonym],
        municipality=household.municipality_id,
    )
    names = [name for name in (member.first_name, member.last_name) if len(name) > 1]
    named = Q()
    for name in names:
        named |= Q(summary__icontains=name) | Q(params__icontains=name)
    _erasure_on()
    counts = erasure.redact(erasure.member_targets(), member)
    _erasure_off()
    if names:
        # The stored message goes with its parameters: the line then reads as a dash in
        # every language.
        lines = HouseholdEvent.objects.filter(named, household=household).update(
            summary=erasure.REDACTED, message=erasure.REDACTED, params={}
        )
        if lines:
            counts["households.householdevent"] = lines
    erasure.clear_member([member.pk])
    return DestructionRecord.objects.create(
        municipality_id=household.municipality_id,
        scope="member",
        reason=reason.strip()[:300],
        reference=reference.strip()[:100],
        approved_by=actor,
        counts=counts,
    )


@dataclass(frozen=True)
class RunOutcome:
    lists: list[DestructionList]
    log_purge: PurgeOutcome | None


def processing_log_limit(today: datetime.date) -> datetime.datetime | None:
    """The processing log is one chain for the whole installation: its records go when the
    longest period of every municipality's rule has passed; none while any rule is empty."""
    rules = list(RetentionRule.objects.filter(kind=RecordKind.PROCESSING_LOG))
    if not rules or any(rule.period_months is None for rule in rules):
        return None
    longest = max(rule.period_months or 0 for rule in rules)
    day = add_months(today, -longest)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def destruction_run(*, today: datetime.date | None = None) -> RunOutcome:
    """The monthly run: a proposed list per municipality, and the processing log's purge."""
    today = today or timezone.localdate()
    lists = []
    for municipality in Municipality.objects.order_by("pk"):
        rules_ensure_defaults(municipality=municipality)
        proposed = destruction_propose(municipality=municipality, today=today)
        if proposed is not None:
            lists.append(proposed)
    limit = processing_log_limit(today)
    purge = processing_log_purge(older_than=limit) if limit is not None else None
    logger.info(
        "destruction_run",
        extra={"lists": len(lists), "log_records_purged": purge.records if purge else 0},
    )
    return RunOutcome(lists=lists, log_purge=purge)
