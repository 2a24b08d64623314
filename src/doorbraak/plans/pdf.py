"""The plan as a PDF for the household: plain Dutch (B1), large type, no jargon."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.plans.models import Plan


def plan_pdf(plan: Plan) -> bytes:
    """Render ``plans/plan_pdf.html`` to PDF with WeasyPrint (fonts and CSS are local)."""
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string(
            "plans/plan_pdf.html",
            {
                "plan": plan,
                "household": plan.household,
                "goals": list(plan.goals.all()),
                "actions": list(plan.actions.all()),
                "members": list(plan.household.members.current()),
            },
        )
    return bytes(HTML(string=html).write_pdf())
