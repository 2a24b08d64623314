"""The plan as a PDF for the household: plain Dutch (B1), large type, no jargon."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from doorbraak.households.models import CoordinatorAssignment
from doorbraak.lib.pdf import html_to_pdf
from doorbraak.plans.models import Action, Plan


def _goal_rows(plan: Plan) -> list[dict[str, Any]]:
    """Goals with their actions; actions without a goal come last under ``goal=None``."""
    actions: list[Action] = list(plan.actions.all())
    rows: list[dict[str, Any]] = [
        {"goal": goal, "actions": [a for a in actions if a.goal_id == goal.pk]}
        for goal in plan.goals.all()
    ]
    loose = [a for a in actions if a.goal_id is None]
    if loose:
        rows.append({"goal": None, "actions": loose})
    return rows


def plan_pdf(plan: Plan) -> bytes:
    """Render ``plans/plan_pdf.html`` to PDF with WeasyPrint (fonts and CSS are local)."""
    assignment = (
        CoordinatorAssignment.objects.filter(household=plan.household, ended_at__isnull=True)
        .select_related("coordinator")
        .first()
    )
    with translation.override("nl"):
        html = render_to_string(
            "plans/plan_pdf.html",
            {
                "plan": plan,
                "household": plan.household,
                "goals": list(plan.goals.all()),
                "actions": list(plan.actions.all()),
                "rows": _goal_rows(plan),
                "members": list(plan.household.members.current()),
                "coordinator": assignment.coordinator if assignment else None,
                "today": timezone.localdate(),
            },
        )
    return html_to_pdf(html)
