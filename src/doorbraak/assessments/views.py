"""Pages of the self-sufficiency assessments (zelfredzaamheid) of a household.

The household comes through ``households.selectors.household_open`` (404 outside the
team, read written to the processing log); one assessment through
``selectors.assessment_get``. Recording goes through ``services.assessment_record``: its
``ValidationError`` is shown on the form and nothing is saved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.assessments import selectors, services
from doorbraak.assessments.forms import (
    AssessmentForm,
    CloseForm,
    DomainScoresForm,
    ReopenForm,
    add_errors,
)
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    FollowUpStatus,
)
from doorbraak.assessments.policies import can_record_assessment
from doorbraak.households.models import Classification, Household, HouseholdStatus, Member
from doorbraak.households.policies import can_edit_household
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.views import submit

_BADGE = {
    Classification.GREEN: "db-badge--ok",
    Classification.ORANGE: "db-badge--warning",
    Classification.RED: "db-badge--error",
}

# Chart geometry (SVG user units); the CSS scales the whole drawing.
_WIDTH, _HEIGHT = 320, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 30, 14, 10, 30
_PLOT_W = _WIDTH - _LEFT - _RIGHT
_PLOT_H = _HEIGHT - _TOP - _BOTTOM


#: The household of the URL, 404 outside the user's team; a read record except on a POST.
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads")
ASSESSMENT = Lookup("assessment", selectors.assessment_get, log="reads")


# --- helpers ----------------------------------------------------------------------------------
def _badge(classification: str) -> dict[str, str]:
    value = Classification(classification)
    return {"label": str(value.label), "css": _BADGE[value]}


def _kinds(household: Household) -> list[AssessmentKind]:
    """An open household gets an intake or review; a closed one only a follow-up."""
    if household.status == HouseholdStatus.ACTIVE:
        return [AssessmentKind.INTAKE, AssessmentKind.REVIEW]
    return [AssessmentKind.FOLLOW_UP]


def _current_members(household: Household) -> list[Member]:
    today = timezone.localdate()
    return [m for m in household.members.all() if m.left_on is None or m.left_on > today]


def _overview(household: Household) -> HttpResponse:
    return redirect("assessments:overview", public_id=household.public_id)


# --- the chart --------------------------------------------------------------------------------
def _y(score: float) -> float:
    # Scores 1–5 sit in the middle of five equal bands (0.5–5.5), 5 at the top.
    return round(_TOP + (5.5 - score) / 5 * _PLOT_H, 1)


def _x(index: int, count: int) -> float:
    if count <= 1:
        return round(_LEFT + _PLOT_W / 2, 1)
    return round(_LEFT + index * _PLOT_W / (count - 1), 1)


@dataclass
class ChartPoint:
    day: datetime.date
    score: int
    self_score: int | None
    x: float
    y: float
    self_y: float | None

    @property
    def box_x(self) -> float:
        """The square marking the household's own score, centred on the point."""
        return round(self.x - 3, 1)

    @property
    def box_y(self) -> float:
        return round((self.self_y or 0) - 3, 1)


@dataclass
class Chart:
    """One domain's scores over time, ready to draw as an inline SVG (no JS, no style)."""

    domain_id: int
    name: str
    title: str
    points: list[ChartPoint]
    line: str
    self_line: str
    self_points: list[ChartPoint]
    grid: list[dict[str, float]] = field(default_factory=list)
    band: dict[str, float] = field(default_factory=dict)
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    width: int = _WIDTH
    height: int = _HEIGHT
    left: int = _LEFT
    right_edge: int = _WIDTH - _RIGHT
    date_y: int = _HEIGHT - 8


def _chart(history: selectors.DomainHistory, threshold: int) -> Chart:
    count = len(history.points)
    points = [
        ChartPoint(
            day=datetime.date.fromisoformat(day),
            score=score,
            self_score=own,
            x=_x(i, count),
            y=_y(score),
            self_y=_y(own) if own is not None else None,
        )
        for i, (day, score, own) in enumerate(history.points)
    ]
    own_points = [p for p in points if p.self_y is not None]
    latest = points[-1]
    title = _(
        "%(domain)s: scores over time, %(count)d assessment(s); latest score %(score)d on %(day)s."
    ) % {
        "domain": history.domain.name,
        "count": count,
        "score": latest.score,
        "day": latest.day.strftime("%d-%m-%Y"),
    }
    band_top = _y(threshold + 0.5)
    return Chart(
        domain_id=history.domain.pk,
        name=history.domain.name,
        title=title,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        self_line=" ".join(f"{p.x},{p.self_y}" for p in own_points),
        self_points=own_points,
        grid=[
            {"score": s, "y": _y(s), "label_y": _y(s) + 4, "label_x": _LEFT - 8}
            for s in range(1, 6)
        ],
        band={
            "x": _LEFT,
            "y": band_top,
            "width": _PLOT_W,
            "height": round(_TOP + _PLOT_H - band_top, 1),
        },
        first_day=points[0].day,
        last_day=latest.day if count > 1 else None,
    )


# --- pages ------------------------------------------------------------------------------------
@require_GET
@page(obj=HOUSEHOLD)
def assessment_overview(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """All assessments of the household, planned follow-ups and the history per domain."""
    members = list(household.members.all())
    # Every subject's assessments (the household as a whole and each member), newest first.
    assessments = list(
        Assessment.objects.filter(household=household)
        .select_related("assessed_by", "member")
        .order_by("-assessed_on", "-pk")
    )
    assessed_members = {a.member_id for a in assessments if a.member_id is not None}
    subjects = [m for m in members if m.pk in assessed_members]
    chosen = request.GET.get("voor", "")
    subject = next((m for m in subjects if str(m.public_id) == chosen), None)
    threshold = services.rule_for(household.municipality).problem_threshold
    charts = [
        _chart(h, threshold)
        for h in selectors.domain_history(household=household, member=subject)
        if h.points
    ]
    follow_ups = list(selectors.follow_ups_of(household=household))
    context = {
        "household": household,
        "can_record": can_record_assessment(request.user, household),
        "rows": [{"assessment": a, "badge": _badge(a.classification)} for a in assessments],
        "follow_ups": follow_ups,
        "open_follow_up": FollowUpStatus.SCHEDULED,
        "subjects": subjects,
        "subject": subject,
        "charts": charts,
        "threshold": threshold,
    }
    return render(request, "assessments/overview.html", context)


@page(obj=HOUSEHOLD)
def assessment_create(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """Score every domain of the municipality's catalogue; the service classifies."""
    if not can_record_assessment(request.user, household):
        messages.error(request, _("This household is closed; reopen it before making changes."))
        return _overview(household)
    domains = services.domains_for(household.municipality)
    data = request.POST if request.method == "POST" else None
    header = AssessmentForm(data, members=_current_members(household), kinds=_kinds(household))
    own = selectors.pending_self_assessment(household=household)
    scores = DomainScoresForm(
        data,
        domains=domains,
        own_scores={s.domain_id: s.score for s in own.scores.all()} if own else None,
    )
    if request.method == "POST":
        header_valid, scores_valid = header.is_valid(), scores.is_valid()
        if header_valid and scores_valid:
            try:
                assessment = services.assessment_record(
                    actor=request.user,
                    household=household,
                    member=header.cleaned_data["member"],
                    kind=AssessmentKind(header.cleaned_data["kind"]),
                    assessed_on=header.cleaned_data["assessed_on"],
                    note=header.cleaned_data["note"],
                    scores=[
                        services.ScoreData(domain_id, score, own, note)
                        for domain_id, score, own, note in scores.scores()
                    ],
                )
            except ValidationError as error:
                add_errors(error, header, scores)
            else:
                messages.success(
                    request,
                    _(
                        "The assessment is saved. Classification: %(classification)s "
                        "(%(problems)d problem domain(s))."
                    )
                    % {
                        "classification": assessment.get_classification_display(),
                        "problems": assessment.problem_domains,
                    },
                )
                # The method's next step: after the intake the plan (its form, or the draft
                # when one is being written); after a review the household page's next step.
                if assessment.kind == AssessmentKind.INTAKE:
                    return redirect("plans:start", public_id=household.public_id)
                return redirect("households:detail", public_id=household.public_id)
    context: dict[str, Any] = {
        "household": household,
        "header": header,
        "scores": scores,
        "rows": scores.rows(),
        "has_errors": bool(header.errors or scores.errors),
        "rule": services.rule_for(household.municipality),
        "own": own,
    }
    return render(request, "assessments/create.html", context)


@require_GET
@page(obj=ASSESSMENT)
def assessment_detail(request: AuthenticatedHttpRequest, assessment: Assessment) -> HttpResponse:
    """One assessment: every domain's score and level text, the self score, the outcome."""
    household = assessment.household
    threshold = services.rule_for(household.municipality).problem_threshold
    scores = [
        {
            "score": s,
            "level": s.domain.level(s.score),
            "self_level": s.domain.level(s.self_score) if s.self_score else "",
            "problem": s.score <= threshold,
        }
        for s in assessment.scores.all()
    ]
    context = {
        "assessment": assessment,
        "household": household,
        "badge": _badge(assessment.classification),
        "scores": scores,
        "threshold": threshold,
    }
    return render(request, "assessments/detail.html", context)


# --- closing and reopening the household ---------------------------------------------------


def _household_page(household: Household) -> HttpResponse:
    return redirect("households:detail", public_id=household.public_id)


def _refuse_closed(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse | None:
    """Send the user back to the household page when it cannot be changed."""
    if can_edit_household(request.user, household):
        return None
    messages.error(request, _("This household is closed; reopen it before making changes."))
    return _household_page(household)


def _close_page(
    request: AuthenticatedHttpRequest,
    *,
    household: Household,
    form: forms.Form,
    title: str,
    submit: str,
    intro: list[str] | None = None,
    danger: bool = False,
) -> HttpResponse:
    """The household's own form page (its header and the form), for closing and reopening."""
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro or [],
            "danger": danger,
        },
    )


@page(obj=HOUSEHOLD)
def household_close(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if (refused := _refuse_closed(request, household)) is not None:
        return refused
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    return submit(
        request,
        form,
        action=lambda data: services.household_close(
            actor=request.user,
            household=household,
            reason=data["reason"],
            note=data["note"],
            closed_on=data["closed_on"],
        ),
        success=_("The household is closed."),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _close_page(
            request,
            household=household,
            form=form,
            title=_("Close the household"),
            submit=_("Close the household"),
            intro=[
                _(
                    "After closing, follow-up assessments are scheduled at 3, 6 and 12 months; "
                    "you get a reminder for each. (Not when the household moved away, was "
                    "transferred or the reason is death.)"
                )
            ],
            danger=True,
        ),
    )


@page(obj=HOUSEHOLD)
def household_reopen(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if can_edit_household(request.user, household):
        messages.info(request, _("This household is not closed."))
        return _household_page(household)
    form = ReopenForm(request.POST or None)
    return submit(
        request,
        form,
        action=lambda data: services.household_reopen(
            actor=request.user, household=household, note=data["note"]
        ),
        success=_("The household is open again; planned follow-ups are cancelled."),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _close_page(
            request,
            household=household,
            form=form,
            title=_("Reopen the household"),
            submit=_("Reopen"),
        ),
    )
