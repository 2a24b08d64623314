"""The plan: draft, goals and actions, agree, revise (new version), and progress on actions.

Lock order (docs/locking.md): every plan service locks the household first
(:func:`lock_household`), then the plan (``FOR NO KEY UPDATE``), then inserts goals and
actions. Two services on one household therefore queue on the household row, and none of
them waits for a transaction that only adds a member or an event to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Organisation, User
from doorbraak.assessments.models import LifeDomain
from doorbraak.assessments.services import domains_for
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import EventKind, Household, HouseholdStatus
from doorbraak.households.services import lock_household, record_event
from doorbraak.lib.messages import Message
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.plans.models import Action, ActionOwner, ActionStatus, Goal, Plan, PlanStatus
from doorbraak.plans.processing import log_plan
from doorbraak.socialmap.models import Service


def _fresh(plan: Plan) -> Plan:
    """Re-read and lock household and plan, in that order (docs/locking.md).

    Callers may hold a copy from before an earlier change; the household is locked too,
    because the services check that it is still open before they write.
    """
    household = lock_household(plan.household_id)
    fresh = Plan.objects.select_for_update(no_key=True).get(pk=plan.pk)
    fresh.household = household
    return fresh


def _require_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("An agreed plan cannot be changed; make a new version instead."))
    if plan.household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; its plan cannot be changed."))


@retry_on_deadlock
@transaction.atomic
def plan_start(*, actor: User, household: Household) -> Plan:
    """The first draft, or a new version copied from the agreed plan (the old one stays)."""
    household = lock_household(household)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; its plan cannot be changed."))
    if Plan.objects.filter(household=household, status=PlanStatus.DRAFT).exists():
        raise ValidationError(_("There is already a draft version of this plan."))
    agreed = Plan.objects.filter(household=household, status=PlanStatus.AGREED).first()
    last_version = (
        Plan.objects.filter(household=household)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    plan = Plan.objects.create(
        household=household,
        version=(last_version or 0) + 1,
        created_by=actor,
        commitment=agreed.commitment if agreed else "",
        previous=agreed,
    )
    if agreed is not None:
        goal_map: dict[int, Goal] = {}
        for goal in agreed.goals.all():
            goal_map[goal.pk] = Goal.objects.create(
                plan=plan,
                domain_id=goal.domain_id,
                description=goal.description,
                position=goal.position,
            )
        for action in agreed.actions.all():
            Action.objects.create(
                plan=plan,
                goal=goal_map.get(action.goal_id) if action.goal_id else None,
                description=action.description,
                owner=action.owner,
                owner_name=action.owner_name,
                owner_organisation_id=action.owner_organisation_id,
                service_id=action.service_id,
                due_on=action.due_on,
                status=action.status,
                position=action.position,
            )
    record_event(
        household=household,
        kind=EventKind.PLAN,
        actor=actor,
        summary=Message(
            gettext_lazy("Plan version %(version)d started as a draft."), version=plan.version
        ),
    )
    log_plan(actor=actor, plan=plan, action=ProcessingAction.CREATE)
    return plan


@retry_on_deadlock
@transaction.atomic
def plan_set_commitment(*, actor: User, plan: Plan, commitment: str) -> Plan:
    plan = _fresh(plan)
    _require_draft(plan)
    plan.commitment = commitment.strip()
    plan.save(update_fields=["commitment"])
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)
    return plan


@retry_on_deadlock
@transaction.atomic
def goal_add(*, actor: User, plan: Plan, domain: LifeDomain, description: str) -> Goal:
    plan = _fresh(plan)
    _require_draft(plan)
    errors: dict[str, str] = {}
    if domain.pk not in {d.pk for d in domains_for(plan.household.municipality)}:
        errors["domain"] = _("Choose a life domain of this municipality's catalogue.")
    if not description.strip():
        errors["description"] = _("Describe the goal.")
    if errors:
        raise ValidationError(errors)
    goal = Goal.objects.create(
        plan=plan, domain=domain, description=description.strip(), position=plan.goals.count()
    )
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)
    return goal


@retry_on_deadlock
@transaction.atomic
def goal_remove(*, actor: User, goal: Goal) -> None:
    plan = _fresh(goal.plan)
    _require_draft(plan)
    goal.delete()
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)


@retry_on_deadlock
@transaction.atomic
def action_add(
    *,
    actor: User,
    plan: Plan,
    description: str,
    owner: ActionOwner,
    due_on: datetime.date,
    goal: Goal | None = None,
    owner_name: str = "",
    owner_organisation: Organisation | None = None,
    service: Service | None = None,
) -> Action:
    """Add an action; ``service`` points it at an active service of the household's social map."""
    plan = _fresh(plan)
    _require_draft(plan)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if goal is not None and goal.plan_id != plan.pk:
        errors["goal"] = _("This goal belongs to another plan.")
    if owner == ActionOwner.PARTNER and owner_organisation is None:
        errors["owner_organisation"] = _("Choose the partner organisation that does this.")
    if owner_organisation is not None and owner_organisation.municipality_id not in (
        None,
        plan.household.municipality_id,
    ):
        errors["owner_organisation"] = _("This organisation works in another municipality.")
    if service is not None and (
        service.municipality_id != plan.household.municipality_id or not service.active
    ):
        errors["service"] = _("Choose an active service of this municipality's social map.")
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        plan=plan,
        goal=goal,
        description=description.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        owner_organisation=owner_organisation if owner == ActionOwner.PARTNER else None,
        service=service,
        due_on=due_on,
        position=plan.actions.count(),
    )
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)
    return action


@retry_on_deadlock
@transaction.atomic
def action_remove(*, actor: User, action: Action) -> None:
    plan = _fresh(action.plan)
    _require_draft(plan)
    action.delete()
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)


@retry_on_deadlock
@transaction.atomic
def action_set_status(*, actor: User, action: Action, status: ActionStatus) -> Action:
    """Progress on an action is tracked on the plan in force; it does not change the plan."""
    action.plan = _fresh(action.plan)
    if action.plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError(
            _("This version of the plan has been replaced; update the current one.")
        )
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    action.status = status
    action.save(update_fields=["status"])
    log_plan(actor=actor, plan=action.plan, action=ProcessingAction.UPDATE)
    return action


@retry_on_deadlock
@transaction.atomic
def plan_agree(*, actor: User, plan: Plan, agreed_on: datetime.date | None = None) -> Plan:
    """Agree the draft with the household; the previous agreed version is superseded."""
    plan = _fresh(plan)
    _require_draft(plan)
    day = agreed_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not plan.commitment.strip():
        errors["commitment"] = _(
            "Write down the household's own commitment before the plan is agreed: "
            "what will they do themselves?"
        )
    if not plan.goals.exists():
        errors["goals"] = _("A plan needs at least one goal.")
    if not plan.actions.exists():
        errors["actions"] = _("A plan needs at least one action.")
    if day > timezone.localdate():
        errors["agreed_on"] = _("A plan cannot be agreed on a future date.")
    if errors:
        raise ValidationError(errors)
    Plan.objects.filter(household=plan.household, status=PlanStatus.AGREED).update(
        status=PlanStatus.SUPERSEDED
    )
    plan.status = PlanStatus.AGREED
    plan.agreed_on = day
    plan.save(update_fields=["status", "agreed_on"])
    record_event(
        household=plan.household,
        kind=EventKind.PLAN,
        actor=actor,
        summary=Message(
            gettext_lazy("Plan version %(version)d agreed with the household on %(date)s."),
            version=plan.version,
            date=day,
        ),
    )
    log_plan(actor=actor, plan=plan, action=ProcessingAction.UPDATE)
    return plan


@dataclass(frozen=True)
class FirstAction:
    """The first action of a new plan, as :func:`action_add` takes it."""

    description: str
    owner: ActionOwner
    due_on: datetime.date
    owner_name: str = ""
    owner_organisation: Organisation | None = None
    service: Service | None = None


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """The same messages, keyed by the combined service's parameter names."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {f"{prefix}{key}": messages for key, messages in error.message_dict.items()}
    )


@retry_on_deadlock
@transaction.atomic
def plan_start_first(
    *,
    actor: User,
    household: Household,
    commitment: str,
    goal_domain: LifeDomain,
    goal_description: str,
    action: FirstAction,
    agree: bool = False,
) -> Plan:
    """The household's first plan in one go: commitment, first goal and its first action.

    With ``agree`` the plan is agreed with the household at once (as :func:`plan_agree`).
    One transaction: when any part is refused, nothing is written. The error keys are this
    function's parameter names (``goal_description``, ``action_due_on``, ...).
    """
    plan = plan_start(actor=actor, household=household)
    if plan.previous_id is not None or plan.version != 1:
        raise ValidationError(
            _("This household has a plan already: add goals and actions on the plan page.")
        )
    plan = plan_set_commitment(actor=actor, plan=plan, commitment=commitment)
    try:
        goal = goal_add(actor=actor, plan=plan, domain=goal_domain, description=goal_description)
    except ValidationError as error:
        raise _prefixed(error, "goal_") from None
    try:
        action_add(
            actor=actor,
            plan=plan,
            goal=goal,
            description=action.description,
            owner=action.owner,
            due_on=action.due_on,
            owner_name=action.owner_name,
            owner_organisation=action.owner_organisation,
            service=action.service,
        )
    except ValidationError as error:
        raise _prefixed(error, "action_") from None
    if agree:
        plan = plan_agree(actor=actor, plan=plan)
    return plan
