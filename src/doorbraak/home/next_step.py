"""The household page's "next step": what the method asks next, from the household's state.

The steps follow the flow of one household (docs/architecture.md): consent, assessment,
an agreed plan, a bottleneck where the plan is stuck, a breakthrough for it, and following
the breakthrough on its route. The first step that is not done is the next one; the panel
also shows where the assessment and the plan stand. Composed here because it reads
several apps (households, assessments, plans, breakthroughs); the household page loads it
as a template tag (``home/templatetags/household_guide.py``), so ``households`` does not
depend on the apps above it.

A fixed number of queries whatever the household's size: its plans with their overdue
actions counted, and its bottlenecks with their breakthroughs (``bottleneck_summaries``,
read once for the panel and the page's bottleneck section), each with SQL compiled once
(``lib.prepared``). The consents come from the
household the page opened (prefetched by ``households.selectors.household_open``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from doorbraak.breakthroughs.models import Bottleneck, BreakthroughStatus
from doorbraak.breakthroughs.selectors import bottleneck_summaries
from doorbraak.households.models import Consent, Household, HouseholdStatus
from doorbraak.lib.prepared import PreparedObjects
from doorbraak.plans.models import ActionStatus, Plan, PlanStatus


@dataclass(frozen=True)
class Step:
    """One thing to do: why, what, and where (the page that does it)."""

    key: str
    title: str | Promise
    reason: str | Promise
    url: str


@dataclass
class Guide:
    """The panel: the next step, the other open steps, and the state of assessment and plan."""

    next: Step | None
    later: list[Step] = field(default_factory=list)
    assessment: str | Promise = ""
    plan: str | Promise = ""
    closed: bool = False


#: The household's plans but the superseded ones, newest version first, each with its open
#: actions due before ``today`` counted; SQL compiled once (lib/prepared.py).
_PLANS = PreparedObjects(
    lambda *, household, today: (
        Plan.objects.filter(household_id=household)
        .exclude(status=PlanStatus.SUPERSEDED)
        .annotate(
            overdue_actions=Count(
                "actions",
                filter=Q(
                    actions__status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
                    actions__due_on__lt=today,
                ),
            )
        )
        .order_by("-version")
    )
)


def _plans(household: Household, today: datetime.date) -> list[Plan]:
    return _PLANS.objects(household=household.pk, today=today)


def _bottlenecks(household: Household) -> list[Bottleneck]:
    # The same read as the page's bottleneck section, which then takes it from the household.
    return bottleneck_summaries(household=household)


def household_guide(
    household: Household, *, today: datetime.date, consents: Iterable[Consent] | None = None
) -> Guide:
    """The guide for an open household page (the caller opened it for this user);
    ``consents`` are the household's (by default its prefetched ``consents``)."""
    public_id = household.public_id
    if household.status == HouseholdStatus.CLOSED:
        return Guide(next=None, closed=True)
    steps: list[Step] = []

    given = household.consents.all() if consents is None else consents
    if not any(consent.is_active() for consent in given):
        steps.append(
            Step(
                "consent",
                _("Record consent"),
                _("No consent is in force: without it nothing can be shared with partners."),
                reverse("households:consent-add", args=[public_id]),
            )
        )

    assessed = household.latest_classification is not None
    if not assessed:
        steps.append(
            Step(
                "assessment",
                _("Make the first assessment"),
                _("The household has not been assessed yet."),
                reverse("assessments:create", args=[public_id]),
            )
        )
        assessment_state: str | Promise = _("Not assessed yet")
    else:
        assessment_state = _("Assessed: %(label)s") % {
            "label": household.get_latest_classification_display()
        }

    plans = _plans(household, today)
    agreed = next((p for p in plans if p.status == PlanStatus.AGREED), None)
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    if agreed is None:
        if draft is not None:
            steps.append(
                Step(
                    "plan",
                    _("Agree the plan with the household"),
                    _("The plan is a draft: add goals and actions, and agree it."),
                    reverse("plans:detail", args=[draft.pk]),
                )
            )
            plan_state: str | Promise = _("Draft (version %(version)s)") % {
                "version": draft.version
            }
        else:
            steps.append(
                Step(
                    "plan",
                    _("Start the plan"),
                    _("There is no plan yet: one household, one plan."),
                    reverse("plans:start", args=[public_id]),
                )
            )
            plan_state = _("No plan yet")
    else:
        plan_state = _("Agreed on %(date)s (version %(version)s)") % {
            "date": date_format(agreed.agreed_on, "j F Y") if agreed.agreed_on else "",
            "version": agreed.version,
        }

    bottlenecks = _bottlenecks(household)
    breakthroughs = [b for bottleneck in bottlenecks for b in bottleneck.breakthroughs.all()]
    stuck = agreed is not None and agreed.overdue_actions > 0  # type: ignore[attr-defined]
    if stuck and not bottlenecks:
        steps.append(
            Step(
                "bottleneck",
                _("Register a bottleneck"),
                _("An action of the plan is overdue: if rules are in the way, register where."),
                reverse("breakthroughs:bottleneck-create", args=[public_id]),
            )
        )
    for bottleneck in bottlenecks:
        if not bottleneck.breakthroughs.all():
            steps.append(
                Step(
                    "breakthrough",
                    _("Propose a breakthrough"),
                    _("Bottleneck without a proposal: %(title)s") % {"title": bottleneck.title},
                    reverse("breakthroughs:create", args=[bottleneck.pk]),
                )
            )
    for breakthrough in breakthroughs:
        if breakthrough.status == BreakthroughStatus.DRAFT:
            steps.append(
                Step(
                    "draft",
                    _("Complete and submit the breakthrough"),
                    _("Draft: %(title)s") % {"title": breakthrough.title},
                    reverse("breakthroughs:detail", args=[breakthrough.pk]),
                )
            )
        elif breakthrough.status == BreakthroughStatus.SUBMITTED:
            steps.append(
                Step(
                    "follow",
                    _("Follow the breakthrough"),
                    _("On its route: %(title)s") % {"title": breakthrough.title},
                    reverse("breakthroughs:detail", args=[breakthrough.pk]),
                )
            )
    if not steps and agreed is not None:
        steps.append(
            Step(
                "review",
                _("Keep the plan going"),
                _("Everything is in place: check the plan's actions with the household."),
                reverse("plans:detail", args=[agreed.pk]),
            )
        )
    return Guide(
        next=steps[0] if steps else None,
        later=steps[1:],
        assessment=assessment_state,
        plan=plan_state,
    )
