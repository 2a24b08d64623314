"""Every change to bottlenecks, breakthroughs, decisions and the escalation route.

Each function is one use case: keyword-only, transactional, writes the household's timeline
and the processing log. Bad input raises ``ValidationError`` with a Dutch message and
changes nothing. Who may take a step is asked of ``policies``; the selectors have already
made sure the objects are within the user's reach.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Membership, Organisation, Role, User
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs import policies
from doorbraak.breakthroughs.models import (
    DEFAULT_DEADLINE_DAYS,
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    DecisionOutcome,
    EscalationLevel,
    EscalationSettings,
    EscalationStep,
    RequestStatus,
    Scenario,
    ScenarioLine,
    Theme,
)
from doorbraak.breakthroughs.processing import log_household_case
from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.households.models import (
    EventKind,
    Household,
    HouseholdStatus,
)
from doorbraak.households.services import lock_household, record_event
from doorbraak.lib.access import Refused
from doorbraak.lib.counts import cases_changed
from doorbraak.lib.messages import Label, Message
from doorbraak.lib.notifications import notify
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.lib.workdays import add_working_days, working_days_between
from doorbraak.library.models import Regulation

MAX_DIRECT_COST_CENTS = 100_000_000  # one million euros: anything above is a typing error


# --- helpers ----------------------------------------------------------------------------------
def required_text(errors: dict[str, str], name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[name] = message
    return value


def _require_open_household(household: Household) -> None:
    # Ask the database: the caller's copy may predate a close or reopen.
    status = Household.objects.filter(pk=household.pk).values_list("status", flat=True).first()
    if status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; reopen it before making changes."))


def require_team(actor: User, breakthrough: Breakthrough) -> None:
    if policies.team_membership(actor, breakthrough) is None:
        raise Refused


def _require_draft(actor: User, breakthrough: Breakthrough) -> None:
    require_team(actor, breakthrough)
    if not breakthrough.is_draft:
        raise ValidationError(
            _("A submitted breakthrough cannot be changed; its value triangle is on record.")
        )
    _require_open_household(breakthrough.household)


def lock_breakthrough(breakthrough: Breakthrough) -> Breakthrough:
    """Re-read the breakthrough under a row lock: two deciders must not both succeed.

    Household first, then the breakthrough, both ``FOR NO KEY UPDATE`` and only those two
    rows (``of``): locking the joined municipality or team would make every processing-log
    write of the municipality wait (docs/locking.md).
    """
    household_id = breakthrough.household_id or (
        Breakthrough.objects.filter(pk=breakthrough.pk)
        .values_list("household_id", flat=True)
        .first()
    )
    if household_id is not None:
        lock_household(household_id)
    return (
        Breakthrough.objects.select_for_update(no_key=True, of=("self",))
        .select_related("household__municipality", "household__team")
        .get(pk=breakthrough.pk)
    )


def deadline_days(municipality_id: int, level: int) -> int:
    found = EscalationSettings.objects.filter(municipality_id=municipality_id).first()
    return found.days_for(level) if found else DEFAULT_DEADLINE_DAYS[level]


def open_escalation_step(
    breakthrough: Breakthrough, *, level: int, reason: str, by: User | None, now: datetime.datetime
) -> EscalationStep:
    deadline = add_working_days(
        timezone.localdate(now), deadline_days(breakthrough.household.municipality_id, level)
    )
    EscalationStep.objects.filter(breakthrough=breakthrough, ended_at__isnull=True).update(
        ended_at=now
    )
    step = EscalationStep.objects.create(
        breakthrough=breakthrough,
        level=level,
        started_at=now,
        deadline=deadline,
        reason=reason[:300],
        by=by,
    )
    breakthrough.level = level
    breakthrough.level_deadline = deadline
    breakthrough.reminded_at = None
    breakthrough.save(update_fields=["level", "level_deadline", "reminded_at"])
    return step


def coordinator_email(household: Household) -> str:
    assignment = household.coordinator_assignments.filter(ended_at__isnull=True).first()
    return assignment.coordinator.email if assignment else ""


# --- bottleneck -------------------------------------------------------------------------------
def _check_bottleneck(
    *,
    household: Household,
    title: str,
    description: str,
    theme: str,
    kind: str,
    blocked_solution: str,
    regulations: Iterable[Regulation],
    organisations: Iterable[Organisation],
) -> tuple[str, str, str, list[Regulation], list[Organisation]]:
    errors: dict[str, str] = {}
    title = required_text(errors, "title", title, _("Say in one line what is stuck."))
    description = required_text(
        errors, "description", description, _("Describe what is stuck and why.")
    )
    blocked_solution = required_text(
        errors,
        "blocked_solution",
        blocked_solution,
        _("Describe the solution that this bottleneck blocks."),
    )
    if theme not in Theme.values:
        errors["theme"] = _("Choose a theme from the list.")
    if kind not in BottleneckKind.values:
        errors["kind"] = _("Choose a kind of bottleneck from the list.")
    regulation_list = list(regulations)
    organisation_list = list(organisations)
    municipality_id = household.municipality_id
    if any(r.municipality_id not in (None, municipality_id) for r in regulation_list):
        errors["regulations"] = _("Choose regulations from the law library of your municipality.")
    if any(o.municipality_id not in (None, municipality_id) for o in organisation_list):
        errors["organisations"] = _("Choose organisations that work in your municipality.")
    if errors:
        raise ValidationError(errors)
    return title, description, blocked_solution, regulation_list, organisation_list


def _counted(bottleneck: Bottleneck) -> tuple[str, str, set[int], set[int]]:
    """What the spiegel counts of a bottleneck (its theme, kind, regulations, organisations)."""
    return (
        bottleneck.theme,
        bottleneck.kind,
        set(bottleneck.regulations.values_list("pk", flat=True)),
        set(bottleneck.organisations.values_list("pk", flat=True)),
    )


@transaction.atomic
def bottleneck_register(
    *,
    actor: User,
    household: Household,
    title: str,
    description: str,
    theme: str,
    kind: str,
    blocked_solution: str,
    regulations: Iterable[Regulation] = (),
    organisations: Iterable[Organisation] = (),
) -> Bottleneck:
    """Knelpunt registreren: where rules or practices clash for this household."""
    _require_open_household(household)
    if not policies.works_on(actor, household):
        raise Refused
    title, description, blocked_solution, regulation_list, organisation_list = _check_bottleneck(
        household=household,
        title=title,
        description=description,
        theme=theme,
        kind=kind,
        blocked_solution=blocked_solution,
        regulations=regulations,
        organisations=organisations,
    )
    bottleneck = Bottleneck.objects.create(
        household=household,
        title=title[:200],
        description=description,
        theme=theme,
        kind=kind,
        blocked_solution=blocked_solution,
        created_by=actor,
    )
    bottleneck.regulations.set(regulation_list)
    bottleneck.organisations.set(organisation_list)
    cases_changed(household.municipality_id)  # the spiegel's figures, after the commit
    record_event(
        household=household,
        kind=EventKind.BOTTLENECK,
        actor=actor,
        summary=Message(gettext_lazy("Bottleneck registered: %(title)s"), title=title),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.CREATE,
        household=household,
        object_type="breakthroughs.bottleneck",
        object_id=bottleneck.pk,
    )
    return bottleneck


@transaction.atomic
def bottleneck_update(
    *,
    actor: User,
    bottleneck: Bottleneck,
    title: str,
    description: str,
    theme: str,
    kind: str,
    blocked_solution: str,
    regulations: Iterable[Regulation] = (),
    organisations: Iterable[Organisation] = (),
) -> Bottleneck:
    household = bottleneck.household
    _require_open_household(household)
    if not policies.works_on(actor, household):
        raise Refused
    title, description, blocked_solution, regulation_list, organisation_list = _check_bottleneck(
        household=household,
        title=title,
        description=description,
        theme=theme,
        kind=kind,
        blocked_solution=blocked_solution,
        regulations=regulations,
        organisations=organisations,
    )
    counted_before = _counted(bottleneck)
    bottleneck.title = title[:200]
    bottleneck.description = description
    bottleneck.theme = theme
    bottleneck.kind = kind
    bottleneck.blocked_solution = blocked_solution
    bottleneck.save()
    bottleneck.regulations.set(regulation_list)
    bottleneck.organisations.set(organisation_list)
    if _counted(bottleneck) != counted_before:
        cases_changed(household.municipality_id)  # the spiegel's figures, after the commit
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=household,
        object_type="breakthroughs.bottleneck",
        object_id=bottleneck.pk,
    )
    return bottleneck


# --- breakthrough: the draft and its value triangle -------------------------------------------
def _triangle_errors(
    errors: dict[str, str],
    household: Household,
    *,
    regulation: Regulation | None,
    direct_cost_cents: int,
    direct_cost_payer: str,
) -> None:
    """Checks of the value triangle's fields shared by starting and changing a draft."""
    if regulation is not None and regulation.municipality_id not in (
        None,
        household.municipality_id,
    ):
        errors["regulation"] = _("Choose a regulation from the law library of your municipality.")
    if not 0 <= direct_cost_cents <= MAX_DIRECT_COST_CENTS:
        errors["direct_cost_cents"] = _("The direct cost is an amount from € 0 up to € 1,000,000.")
    if direct_cost_payer not in Payer.values:
        errors["direct_cost_payer"] = _("Choose who pays the direct cost.")


@transaction.atomic
def breakthrough_start(
    *,
    actor: User,
    bottleneck: Bottleneck,
    title: str,
    proposal: str,
    regulation: Regulation | None = None,
    legal_reasoning: str = "",
    direct_cost_cents: int = 0,
    direct_cost_payer: str = Payer.MUNICIPALITY,
    engagement: str = "",
    household_commitment: str = "",
) -> Breakthrough:
    """Start a draft proposal for the exception that unblocks the bottleneck.

    What is known of the value triangle (legal basis and reasoning, direct cost, the
    engagement side) can be given at once; the rest is completed before submission.
    """
    household = bottleneck.household
    _require_open_household(household)
    if not policies.works_on(actor, household):
        raise Refused
    errors: dict[str, str] = {}
    title = required_text(errors, "title", title, _("Name the breakthrough in one line."))
    proposal = required_text(
        errors, "proposal", proposal, _("Describe what exactly should happen.")
    )
    _triangle_errors(
        errors,
        household,
        regulation=regulation,
        direct_cost_cents=direct_cost_cents,
        direct_cost_payer=direct_cost_payer,
    )
    if errors:
        raise ValidationError(errors)
    breakthrough = Breakthrough.objects.create(
        bottleneck=bottleneck,
        household=household,
        # The household's, copied: the lists filter on them (see the model).
        team_id=household.team_id,
        municipality_id=household.municipality_id,
        title=title[:200],
        proposal=proposal,
        regulation=regulation,
        legal_reasoning=legal_reasoning.strip(),
        direct_cost_cents=direct_cost_cents,
        direct_cost_payer=direct_cost_payer,
        engagement=engagement.strip(),
        household_commitment=household_commitment.strip(),
        created_by=actor,
    )
    record_event(
        household=household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(gettext_lazy("Breakthrough proposed: %(title)s"), title=title),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.CREATE,
        household=household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return breakthrough


@transaction.atomic
def breakthrough_update(
    *,
    actor: User,
    breakthrough: Breakthrough,
    title: str,
    proposal: str,
    regulation: Regulation | None,
    legal_reasoning: str,
    horizon_months: int,
    direct_cost_cents: int,
    direct_cost_payer: str,
    engagement: str,
    household_commitment: str,
) -> Breakthrough:
    """Change the draft. The value triangle may be incomplete until submission."""
    breakthrough = lock_breakthrough(breakthrough)
    _require_draft(actor, breakthrough)
    errors: dict[str, str] = {}
    title = required_text(errors, "title", title, _("Name the breakthrough in one line."))
    proposal = required_text(
        errors, "proposal", proposal, _("Describe what exactly should happen.")
    )
    _triangle_errors(
        errors,
        breakthrough.household,
        regulation=regulation,
        direct_cost_cents=direct_cost_cents,
        direct_cost_payer=direct_cost_payer,
    )
    if not 1 <= horizon_months <= 120:
        errors["horizon_months"] = _("The horizon is between 1 and 120 months.")
    if errors:
        raise ValidationError(errors)
    breakthrough.title = title[:200]
    breakthrough.proposal = proposal
    breakthrough.regulation = regulation
    breakthrough.legal_reasoning = legal_reasoning.strip()
    breakthrough.horizon_months = horizon_months
    breakthrough.direct_cost_cents = direct_cost_cents
    breakthrough.direct_cost_payer = direct_cost_payer
    breakthrough.engagement = engagement.strip()
    breakthrough.household_commitment = household_commitment.strip()
    breakthrough.save()
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return breakthrough


def parse_quantity(value: str | Decimal | int | float) -> Decimal:
    """A quantity as typed: "1,5" or "1.5"; more than 0 and at most 99999.99."""
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity": _("Enter a number, for example 1 or 1,5.")}) from None
    if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("100000"):
        raise ValidationError({"quantity": _("The quantity is more than 0 and below 100,000.")})
    if quantity != quantity.quantize(Decimal("0.01")):
        raise ValidationError({"quantity": _("Use at most two decimals.")})
    return quantity


@transaction.atomic
def scenario_line_add(
    *,
    actor: User,
    breakthrough: Breakthrough,
    scenario: str,
    cost_item: CostItem,
    quantity: Decimal | str,
    probability_pct: int,
    note: str = "",
) -> ScenarioLine:
    """Add cost item × quantity × probability to the status quo or the breakthrough scenario."""
    breakthrough = lock_breakthrough(breakthrough)
    _require_draft(actor, breakthrough)
    errors: dict[str, str] = {}
    _check_scenario(errors, scenario)
    if cost_item.municipality_id not in (None, breakthrough.household.municipality_id):
        errors["cost_item"] = _("Choose a cost item from the catalogue of your municipality.")
    amount = _line_figures(errors, probability_pct=probability_pct, quantity=quantity)
    if errors:
        raise ValidationError(errors)
    line = ScenarioLine.objects.create(
        breakthrough=breakthrough,
        scenario=scenario,
        cost_item=cost_item,
        quantity=amount,
        probability_pct=probability_pct,
        note=note.strip()[:200],
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return line


def _check_scenario(errors: dict[str, str], scenario: str) -> None:
    if scenario not in Scenario.values:
        errors["scenario"] = _("Choose the status quo or the breakthrough scenario.")


def _line_figures(
    errors: dict[str, str], *, probability_pct: int, quantity: Decimal | str
) -> Decimal:
    """Check a scenario line's probability and quantity (into ``errors``); the quantity."""
    if not isinstance(probability_pct, int) or not 1 <= probability_pct <= 100:
        errors["probability_pct"] = _("The probability is a percentage from 1 to 100.")
    try:
        return parse_quantity(quantity)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        return Decimal(0)


#: An own line's price per unit: at most one hundred thousand euros (above: a typing error).
MAX_OWN_AMOUNT_CENTS = 10_000_000


@retry_on_deadlock
@transaction.atomic
def scenario_own_line_add(
    *,
    actor: User,
    breakthrough: Breakthrough,
    scenario: str,
    description: str,
    amount_cents: int | None,
    payer: str,
    unit: str,
    quantity: Decimal | str,
    probability_pct: int,
    source: str = "",
    note: str = "",
) -> ScenarioLine:
    """Add a household-specific line: its own description, price per unit, payer and unit.

    For what the cost catalogue does not hold (the father's travel costs to his work): the
    amount holds for this household only, and ``source`` says where it comes from (a
    receipt, the bus company's fare). Bad input changes nothing.
    """
    breakthrough = lock_breakthrough(breakthrough)
    _require_draft(actor, breakthrough)
    errors: dict[str, str] = {}
    _check_scenario(errors, scenario)
    description = required_text(
        errors, "description", description, _("Describe the cost, for example 'Bus fare to work'.")
    )
    if len(description) > 150:
        errors["description"] = _("Keep the description to 150 characters at most.")
    if amount_cents is None or isinstance(amount_cents, bool):
        errors["amount_cents"] = _("Enter the amount per unit in euros, for example 12,50.")
    elif not 1 <= amount_cents <= MAX_OWN_AMOUNT_CENTS:
        errors["amount_cents"] = _("The amount per unit is above zero and at most 100,000 euros.")
    if payer not in Payer.values:
        errors["payer"] = _("Choose who pays this cost.")
    if unit not in CostUnit.values:
        errors["unit"] = _("Choose the unit: per event, per month or per year.")
    source = (source or "").strip()
    if len(source) > 400:
        errors["source"] = _("Keep the source to 400 characters at most.")
    count = _line_figures(errors, probability_pct=probability_pct, quantity=quantity)
    if errors:
        raise ValidationError(errors)
    line = ScenarioLine.objects.create(
        breakthrough=breakthrough,
        scenario=scenario,
        own_description=description,
        own_amount_cents=amount_cents,
        own_payer=payer,
        own_unit=unit,
        own_source=source,
        quantity=count,
        probability_pct=probability_pct,
        note=note.strip()[:200],
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return line


@transaction.atomic
def scenario_line_remove(*, actor: User, line: ScenarioLine) -> None:
    breakthrough = lock_breakthrough(line.breakthrough)
    _require_draft(actor, breakthrough)
    line.delete()
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )


def triangle_gaps(breakthrough: Breakthrough) -> dict[str, str]:
    """What is still missing from the value triangle (empty: ready to submit)."""
    gaps: dict[str, str] = {}
    if breakthrough.regulation_id is None:
        gaps["regulation"] = _("Legitimacy: choose the legal basis from the law library.")
    if not breakthrough.legal_reasoning.strip():
        gaps["legal_reasoning"] = _("Legitimacy: explain why this basis allows the exception.")
    # One read of the lines (none when the page prefetched them).
    scenarios = {line.scenario for line in breakthrough.scenario_lines.all()}
    if Scenario.STATUS_QUO not in scenarios:
        gaps["status_quo"] = _("Return: describe what the status quo costs, with cost items.")
    has_breakthrough_cost = breakthrough.direct_cost_cents > 0 or Scenario.BREAKTHROUGH in scenarios
    if not has_breakthrough_cost:
        gaps["breakthrough_scenario"] = _(
            "Return: give the direct cost of the breakthrough or its scenario's cost items."
        )
    if not breakthrough.engagement.strip():
        gaps["engagement"] = _("Engagement: describe how the household regains control.")
    if not breakthrough.household_commitment.strip():
        gaps["household_commitment"] = _(
            "Engagement: write down the household's own commitment, in their words."
        )
    return gaps


@transaction.atomic
def breakthrough_submit(*, actor: User, breakthrough: Breakthrough) -> Breakthrough:
    """Submit the proposal: the value triangle is complete, the route starts at level 1."""
    breakthrough = lock_breakthrough(breakthrough)
    _require_draft(actor, breakthrough)
    gaps = triangle_gaps(breakthrough)
    if gaps:
        raise ValidationError(gaps)
    now = timezone.now()
    breakthrough.status = BreakthroughStatus.SUBMITTED
    breakthrough.submitted_at = now
    breakthrough.save(update_fields=["status", "submitted_at"])
    open_escalation_step(
        breakthrough,
        level=EscalationLevel.OWN_MANDATE,
        reason=_("Submitted: first within the team's own mandate."),
        by=actor,
        now=now,
    )
    record_event(
        household=breakthrough.household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(
            gettext_lazy("Breakthrough submitted: %(title)s"), title=breakthrough.title
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return breakthrough


# --- deciding and escalating ------------------------------------------------------------------
def record_decision(
    *,
    actor: User,
    breakthrough: Breakthrough,
    outcome: str,
    organisation: Organisation,
    mandate: str,
    reason: str,
    now: datetime.datetime,
) -> Decision:
    decision = Decision.objects.create(
        breakthrough=breakthrough,
        outcome=outcome,
        level=breakthrough.level,
        decided_by=actor,
        decided_by_name=actor.get_full_name() or actor.get_username(),
        organisation=organisation,
        mandate=mandate[:300],
        reason=reason,
        decided_at=now,
    )
    breakthrough.status = (
        BreakthroughStatus.APPROVED
        if outcome == DecisionOutcome.APPROVED
        else BreakthroughStatus.REJECTED
    )
    breakthrough.save(update_fields=["status"])
    EscalationStep.objects.filter(breakthrough=breakthrough, ended_at__isnull=True).update(
        ended_at=now
    )
    record_event(
        household=breakthrough.household,
        kind=EventKind.DECISION,
        actor=actor,
        summary=Message(
            gettext_lazy("%(outcome)s by %(organisation)s (%(level)s): %(reason)s"),
            outcome=DecisionOutcome(outcome),
            organisation=organisation.name,
            level=EscalationLevel(breakthrough.level),
            reason=reason[:150],
        ),
    )
    notify(
        [coordinator_email(breakthrough.household)],
        Message(gettext_lazy("Doorbraak: a breakthrough was decided")),
        Message(
            gettext_lazy(
                "A breakthrough for a household you coordinate was decided. Open Doorbraak to "
                "read why."
            )
        ),
    )
    return decision


@transaction.atomic
def breakthrough_decide(
    *,
    actor: User,
    breakthrough: Breakthrough,
    outcome: str,
    mandate: str,
    reason: str,
) -> Decision:
    """Decide at the current level: an accountable record that is never edited afterwards."""
    breakthrough = lock_breakthrough(breakthrough)
    if not breakthrough.is_open:
        raise ValidationError(_("This breakthrough has already been decided."))
    membership = policies.decision_membership(actor, breakthrough)
    if membership is None:
        raise Refused
    errors: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("Choose approve or reject.")
    mandate = required_text(
        errors, "mandate", mandate, _("Name the mandate under which you decide.")
    )
    reason = required_text(errors, "reason", reason, _("Give the reason for the decision."))
    if errors:
        raise ValidationError(errors)
    decision = record_decision(
        actor=actor,
        breakthrough=breakthrough,
        outcome=outcome,
        organisation=membership.organisation,
        mandate=mandate,
        reason=reason,
        now=timezone.now(),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.CREATE,
        household=breakthrough.household,
        object_type="breakthroughs.decision",
        object_id=decision.pk,
    )
    return decision


@transaction.atomic
def breakthrough_escalate(
    *,
    actor: User | None,
    breakthrough: Breakthrough,
    reason: str | Message,
    to_level: EscalationLevel | None = None,
) -> EscalationStep:
    """Move the breakthrough one level up, recording why (``actor`` None: the deadline did it).

    ``to_level`` skips levels: a request nobody can answer (an organisation without a fixed
    contact person) goes straight to the breakthrough table.
    """
    breakthrough = lock_breakthrough(breakthrough)
    if not breakthrough.is_open:
        raise ValidationError(_("Only a submitted breakthrough that is not decided can escalate."))
    if actor is not None:
        require_team(actor, breakthrough)
    # A reason the software wrote (the deadline sweep) comes as a message: the step keeps
    # its Dutch text, the timeline the message itself.
    reason_text = reason.dutch() if isinstance(reason, Message) else reason.strip()
    if not reason_text:
        raise ValidationError({"reason": _("Say why the breakthrough goes to the next level.")})
    if breakthrough.level >= EscalationLevel.ADMINISTRATIVE:
        raise ValidationError(_("This breakthrough is already at the highest level."))
    level = breakthrough.level + 1 if to_level is None else int(to_level)
    if level <= breakthrough.level:
        raise ValidationError(_("The breakthrough is already at this level or higher."))
    now = timezone.now()
    step = open_escalation_step(breakthrough, level=level, reason=reason_text, by=actor, now=now)
    record_event(
        household=breakthrough.household,
        kind=EventKind.ESCALATION,
        actor=actor,
        summary=Message(
            gettext_lazy("Escalated to %(level)s: %(reason)s"),
            level=EscalationLevel(step.level),
            reason=reason if isinstance(reason, Message) else reason_text[:150],
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return step


@transaction.atomic
def breakthrough_to_table(*, actor: User, breakthrough: Breakthrough, reason: str) -> Breakthrough:
    """A chair puts an open breakthrough on the table's agenda before its deadline brought it.

    Below the table level the breakthrough moves up to it, recording why; at or above it
    nothing changes.
    """

    breakthrough = lock_breakthrough(breakthrough)
    if breakthrough.household.municipality_id not in municipality_ids_of(
        actor, role=Role.TABLE_CHAIR
    ):
        raise Refused
    if not breakthrough.is_open:
        raise ValidationError(
            _("Only a submitted breakthrough that is not decided can be put on the agenda.")
        )
    if breakthrough.level >= EscalationLevel.TABLE:
        return breakthrough
    reason = reason.strip() or _("Put on the agenda of the breakthrough table by the chair.")
    open_escalation_step(
        breakthrough, level=EscalationLevel.TABLE, reason=reason, by=actor, now=timezone.now()
    )
    record_event(
        household=breakthrough.household,
        kind=EventKind.ESCALATION,
        actor=actor,
        summary=Message(
            gettext_lazy("Escalated to %(level)s: %(reason)s"),
            level=EscalationLevel.TABLE,
            reason=reason[:150],
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
        activity=ProcessingActivity.BREAKTHROUGH_TABLE,
    )
    return breakthrough


# --- after the decision -----------------------------------------------------------------------
@transaction.atomic
def breakthrough_carry_out(
    *, actor: User, breakthrough: Breakthrough, carried_out_on: datetime.date, note: str
) -> Breakthrough:
    breakthrough = lock_breakthrough(breakthrough)
    require_team(actor, breakthrough)
    if breakthrough.status != BreakthroughStatus.APPROVED:
        raise ValidationError(_("Only an approved breakthrough can be carried out."))
    errors: dict[str, str] = {}
    note = required_text(errors, "note", note, _("Say briefly how it was carried out."))
    if carried_out_on > timezone.localdate():
        errors["carried_out_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    breakthrough.status = BreakthroughStatus.CARRIED_OUT
    breakthrough.carried_out_on = carried_out_on
    breakthrough.carried_out_note = note
    breakthrough.save(update_fields=["status", "carried_out_on", "carried_out_note"])
    record_event(
        household=breakthrough.household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(gettext_lazy("Breakthrough carried out: %(note)s"), note=note[:200]),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return breakthrough


@transaction.atomic
def breakthrough_evaluate(
    *, actor: User, breakthrough: Breakthrough, evaluated_on: datetime.date, evaluation: str
) -> Breakthrough:
    breakthrough = lock_breakthrough(breakthrough)
    require_team(actor, breakthrough)
    if breakthrough.status != BreakthroughStatus.CARRIED_OUT:
        raise ValidationError(_("Evaluate a breakthrough after it has been carried out."))
    errors: dict[str, str] = {}
    evaluation = required_text(
        errors, "evaluation", evaluation, _("Write what the breakthrough did.")
    )
    if evaluated_on > timezone.localdate():
        errors["evaluated_on"] = _("The date cannot be in the future.")
    elif breakthrough.carried_out_on and evaluated_on < breakthrough.carried_out_on:
        errors["evaluated_on"] = _("The evaluation comes after carrying out.")
    if errors:
        raise ValidationError(errors)
    breakthrough.status = BreakthroughStatus.EVALUATED
    breakthrough.evaluated_on = evaluated_on
    breakthrough.evaluation = evaluation
    breakthrough.save(update_fields=["status", "evaluated_on", "evaluation"])
    record_event(
        household=breakthrough.household,
        kind=EventKind.BREAKTHROUGH,
        actor=actor,
        summary=Message(
            gettext_lazy("Breakthrough evaluated: %(evaluation)s"), evaluation=evaluation[:200]
        ),
    )
    log_household_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    )
    return breakthrough


# --- deadlines (called by the background task) ------------------------------------------------
def escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind before a level's deadline; escalate automatically once it has passed.

    Idempotent: a second run on the same day sends no second reminder and escalates nothing
    twice. At the highest level a passed deadline only reminds.
    """

    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    open_ids = list(
        Breakthrough.objects.filter(
            status=BreakthroughStatus.SUBMITTED, level_deadline__isnull=False
        ).values_list("pk", flat=True)
    )
    for pk in open_ids:
        with transaction.atomic():
            breakthrough = lock_breakthrough(Breakthrough(pk=pk))
            if not breakthrough.is_open or breakthrough.level_deadline is None:
                continue
            deadline = breakthrough.level_deadline
            settings_row = EscalationSettings.objects.filter(
                municipality_id=breakthrough.household.municipality_id
            ).first()
            remind_days = settings_row.reminder_days_before if settings_row else 2
            if today > deadline and breakthrough.level < EscalationLevel.ADMINISTRATIVE:
                declined = list(
                    breakthrough.partner_requests.filter(status=RequestStatus.DECLINED).values_list(
                        "organisation__name", flat=True
                    )
                )
                # Stored as a message, so the timeline shows it in the reader's language.
                if breakthrough.level == EscalationLevel.PARTNER and declined:
                    reason = Message(
                        gettext_lazy(
                            "The deadline of %(level)s passed on %(date)s without a decision. "
                            "Declined by: %(organisations)s."
                        ),
                        level=Label(EscalationLevel(breakthrough.level), lower=True),
                        date=deadline,
                        organisations=", ".join(declined),
                    )
                else:
                    reason = Message(
                        gettext_lazy(
                            "The deadline of %(level)s passed on %(date)s without a decision."
                        ),
                        level=Label(EscalationLevel(breakthrough.level), lower=True),
                        date=deadline,
                    )
                breakthrough_escalate(actor=None, breakthrough=breakthrough, reason=reason)
                counts["escalated"] += 1
                notify(
                    [coordinator_email(breakthrough.household)],
                    Message(gettext_lazy("Doorbraak: a breakthrough went to the next level")),
                    Message(
                        gettext_lazy(
                            "The deadline passed without a decision, so a breakthrough of a "
                            "household you coordinate moved to the next level. Open Doorbraak to "
                            "follow it."
                        )
                    ),
                )
            elif breakthrough.reminded_at is None and (
                today > deadline or working_days_between(today, deadline) <= remind_days
            ):
                breakthrough.reminded_at = timezone.now()
                breakthrough.save(update_fields=["reminded_at"])
                counts["reminded"] += 1
                recipients = [coordinator_email(breakthrough.household)]
                if breakthrough.level == EscalationLevel.PARTNER:
                    asked = breakthrough.partner_requests.filter(
                        status=RequestStatus.OPEN
                    ).values_list("organisation_id", flat=True)
                    recipients += list(
                        Membership.objects.active()
                        .filter(
                            role=Role.PARTNER_CONTACT,
                            organisation_id__in=list(asked),
                            municipality_id=breakthrough.household.municipality_id,
                        )
                        .values_list("user__email", flat=True)
                    )
                notify(
                    recipients,
                    Message(gettext_lazy("Doorbraak: a deadline is near")),
                    Message(
                        gettext_lazy(
                            "A breakthrough waits for a decision; its deadline is %(date)s. After "
                            "that it moves to the next level automatically. Open Doorbraak."
                        ),
                        date=deadline,
                    ),
                )
    return counts
