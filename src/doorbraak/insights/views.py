"""The policy analysts' pages: the spiegel, policy signals, the evaluation export, comparison.

Only policy analysts open these pages (403 for everyone else); a municipality or signal
outside the analyst's municipalities is a 404 (the selectors decide). Every count shown is
passed through small-cell suppression with the internal k, and the page says so. Changes
go through the services; their ``ValidationError`` is shown on the form and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.breakthroughs.models import Theme
from doorbraak.insights import policies, selectors, services
from doorbraak.insights.aggregates import k_internal, suppress, suppression_note
from doorbraak.insights.documents import spiegel_tables
from doorbraak.insights.forms import (
    AnswerForm,
    CompareForm,
    ExportForm,
    NoteForm,
    ProposeForm,
    RaiseForm,
    SignalCreateForm,
    SignalFilterForm,
    SpiegelForm,
    add_service_errors,
)
from doorbraak.insights.models import Signal, SignalStatus
from doorbraak.insights.patterns import Period
from doorbraak.lib.access import Lookup, Refused, page
from doorbraak.lib.charts import BarChart, bar_chart
from doorbraak.lib.replica import reads_from_replica
from doorbraak.lib.views import submit

PAGE_SIZE = 25
SIGNAL = Lookup("signal", selectors.signal_get)

#: The transition forms of the signal page: step in the URL → (form, target status).
STEPS: dict[str, tuple[type[Any], str]] = {
    "raise": (RaiseForm, SignalStatus.RAISED),
    "answer": (AnswerForm, SignalStatus.ANSWERED),
    "resolve": (NoteForm, SignalStatus.RESOLVED),
    "structural": (NoteForm, SignalStatus.STRUCTURAL),
}


# --- helpers ----------------------------------------------------------------------------------
def default_period() -> Period:
    return Period.bimonthly(timezone.localdate())


def _period_initial(municipality: Municipality | None = None) -> dict[str, Any]:
    period = default_period()
    initial: dict[str, Any] = {"start": period.start, "end": period.end}
    if municipality is not None:
        initial["municipality"] = municipality.pk
    return initial


def _chosen_municipality(
    form: SpiegelForm | ExportForm | ProposeForm, municipalities: Iterable[Municipality]
) -> Municipality:
    chosen = form.cleaned_data.get("municipality") if form.is_bound else None
    if chosen is not None:
        return chosen
    first = next(iter(municipalities), None)
    if first is None:
        raise Refused
    return first


def month_chart(months: list[dict[str, Any]], *, k: int) -> BarChart:
    """The bottlenecks per month as bars (the page's "Per month" table has the numbers)."""
    return bar_chart(
        [(date_format(row["month"], "YEAR_MONTH_FORMAT"), row["count"]) for row in months],
        title=_("Bottlenecks per month"),
        value_heading=_("Bottlenecks"),
        value_text=lambda value: f"< {k}" if value is None else str(value),
    )


def count_chart(rows: list[dict[str, Any]], *, k: int, title: str) -> BarChart:
    """A count table of the spiegel (label, current) as bars, suppressed counts as ``< k``."""
    return bar_chart(
        [(str(row["label"]), row["current"]) for row in rows],
        title=title,
        value_heading=_("Bottlenecks"),
        value_text=lambda value: f"< {k}" if value is None else str(value),
    )


def _transition_forms(
    request: AuthenticatedHttpRequest, signal: Signal, bound: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The forms for the steps this signal can take now, for this user."""
    if not policies.can_change_signal(request.user, signal):
        return []
    titles = {
        "raise": (_("Raise with the owner of the rule"), _("Raise the signal")),
        "answer": (_("Record the owner's answer"), _("Save the answer")),
        "resolve": (_("Resolved"), _("Mark as resolved")),
        "structural": (
            _("Structural: not solvable within the current rules"),
            _("Mark as structural"),
        ),
    }
    found = []
    for step, (form_class, status) in STEPS.items():
        if not signal.can_move_to(status):
            continue
        form = (bound or {}).get(step)
        if form is None:
            initial = {}
            if step == "raise":
                initial = {"owner_kind": signal.owner_kind, "owner_name": signal.owner_name}
            form = form_class(initial=initial, auto_id=f"id_{step}_%s")
        title, submit = titles[step]
        found.append({"step": step, "form": form, "title": title, "submit": submit})
    return found


def _detail_page(
    request: AuthenticatedHttpRequest,
    signal: Signal,
    bound: Mapping[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "insights/signal_detail.html",
        {
            "signal": signal,
            "history": selectors.signal_history(signal=signal),
            "cases": selectors.signal_cases(user=request.user, signal=signal),
            "transitions": _transition_forms(request, signal, bound),
        },
    )


# --- the spiegel ------------------------------------------------------------------------------
@require_GET
@page(policies.can_view_insights)
@reads_from_replica
def spiegel(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = selectors.insight_municipalities(user=request.user)
    form = (
        SpiegelForm(request.GET, municipalities=municipalities)
        if {"start", "end", "municipality"} & set(request.GET)
        else SpiegelForm(initial=_period_initial(), municipalities=municipalities)
    )
    context: dict[str, Any] = {"form": form, "several": len(municipalities) > 1}
    if form.is_bound and not form.is_valid():
        return render(request, "insights/spiegel.html", context)
    municipality = _chosen_municipality(form, municipalities)
    if form.is_bound:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        period = default_period()
        start, end = period.start, period.end
    try:
        mirror = selectors.spiegel(
            user=request.user, municipality=municipality, period_start=start, period_end=end
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "insights/spiegel.html", context)
    context.update(spiegel_tables(mirror, k=k_internal()))
    context["month_chart"] = month_chart(context["months"], k=context["k"])
    context["theme_chart"] = count_chart(
        context["tables"][0][2], k=context["k"], title=_("Bottlenecks by theme")
    )
    context["municipality"] = municipality
    context["propose_form"] = ProposeForm(
        initial={"municipality": municipality.pk, "start": start, "end": end},
        municipalities=municipalities,
        auto_id="id_propose_%s",
    )
    context["can_propose"] = policies.can_manage_signals(request.user, municipality)
    return render(request, "insights/spiegel.html", context)


@require_POST
@page(policies.can_view_insights)
def propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Propose the recurring combinations of the period as signals."""
    municipalities = selectors.insight_municipalities(user=request.user)
    form = ProposeForm(request.POST, municipalities=municipalities)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("insights:spiegel")
    municipality = _chosen_municipality(form, municipalities)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    back = (
        reverse("insights:spiegel")
        + "?"
        + urlencode(
            {"municipality": municipality.pk, "start": start.isoformat(), "end": end.isoformat()}
        )
    )
    try:
        created = services.signals_propose(
            actor=request.user,
            municipality=municipality,
            period_start=start,
            period_end=end,
            min_count=form.cleaned_data.get("min_count") or 3,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    if created:
        messages.success(
            request,
            ngettext("%(count)d signal proposed.", "%(count)d signals proposed.", len(created))
            % {"count": len(created)},
        )
        return redirect(reverse("insights:signal-list") + "?status=voorgesteld")
    messages.info(request, _("No new signals: every recurring combination already has one."))
    return redirect(back)


# --- signals ----------------------------------------------------------------------------------
@require_GET
@page(policies.can_view_insights)
@reads_from_replica
def signal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    signals = selectors.signal_list(user=request.user, status=status)
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/signal_list.html",
        {"form": form, "page": page, "signals": page.object_list, "status": status},
    )


@require_http_methods(["GET", "POST"])
@page(policies.can_view_insights)
def signal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = selectors.insight_municipalities(user=request.user)
    form = SignalCreateForm(request.POST or None, municipalities=municipalities)
    return submit(
        request,
        form,
        action=lambda data: services.signal_create(
            actor=request.user,
            municipality=data["municipality"],
            title=data["title"],
            description=data["description"],
            theme=data.get("theme") or "",
            regulation=data.get("regulation"),
            organisation=data.get("organisation"),
            owner_kind=data.get("owner_kind") or "",
            owner_name=data.get("owner_name") or "",
        ),
        success=_("The signal has been proposed."),
        redirect_to=lambda signal: reverse("insights:signal-detail", args=[signal.pk]),
        template="insights/signal_form.html",
        context={"form": form},
    )


@require_GET
@page(policies.can_view_insights, obj=SIGNAL)
def signal_detail(request: AuthenticatedHttpRequest, signal: Signal) -> HttpResponse:
    return _detail_page(request, signal)


@require_POST
@page(policies.can_view_insights, obj=SIGNAL)
def signal_transition(request: AuthenticatedHttpRequest, signal: Signal, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    form_class, _status = STEPS[step]
    form = form_class(request.POST, auto_id=f"id_{step}_%s")

    def take_step(data: dict[str, Any]) -> None:
        if step == "raise":
            services.signal_raise(
                actor=request.user,
                signal=signal,
                owner_kind=data["owner_kind"],
                owner_name=data["owner_name"],
                note=data.get("note") or "",
            )
        elif step == "answer":
            services.signal_answer(actor=request.user, signal=signal, answer=data["answer"])
        elif step == "resolve":
            services.signal_resolve(actor=request.user, signal=signal, note=data["note"])
        else:
            services.signal_mark_structural(actor=request.user, signal=signal, note=data["note"])

    def signal_page() -> HttpResponse:
        signal.refresh_from_db()
        if not any(item["step"] == step for item in _transition_forms(request, signal)):
            # The step is not possible (any more): say so instead of showing a stray form.
            for message in form.non_field_errors() or [_("This step is not possible now.")]:
                messages.error(request, message)
            return _detail_page(request, signal)
        return _detail_page(request, signal, {step: form})

    return submit(
        request,
        form,
        action=take_step,
        success=_("The signal has been updated."),
        redirect_to=reverse("insights:signal-detail", args=[signal.pk]),
        page=signal_page,
    )


# --- evaluation export ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@page(policies.can_view_insights)
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the evaluation export: the task worker builds it ("Mijn downloads")."""
    municipalities = selectors.insight_municipalities(user=request.user)
    if request.method != "POST":
        form = ExportForm(initial=_period_initial(), municipalities=municipalities)
        return render(request, "insights/export.html", {"form": form})
    form = ExportForm(request.POST, municipalities=municipalities)
    return submit(
        request,
        form,
        action=lambda data: services.evaluation_export_queue(
            actor=request.user,
            municipality=_chosen_municipality(form, municipalities),
            period_start=data["start"],
            period_end=data["end"],
            k=data["k"],
        ),
        success=_("The export is being built. It appears under My downloads when it is ready."),
        redirect_to="downloads:list",
        template="insights/export.html",
        context={"form": form},
    )


# --- across municipalities --------------------------------------------------------------------
def comparison_table(
    figures: list[selectors.MunicipalityFigures], *, k: int
) -> list[dict[str, Any]]:
    """The figures per municipality, every household-based count suppressed below ``k``."""
    totals = suppress({f.municipality_id: f.total for f in figures}, k=k)
    previous = suppress({f.municipality_id: f.previous_total for f in figures}, k=k)
    households = suppress({f.municipality_id: f.households for f in figures}, k=k)
    themes = suppress(
        {
            (f.municipality_id, theme): f.by_theme.get(theme, 0)
            for f in figures
            for theme in Theme.values
        },
        k=k,
    )
    rows = []
    for f in figures:
        now, before = totals[f.municipality_id], previous[f.municipality_id]
        trend = ""
        if now is not None and before is not None:
            trend = "up" if now > before else "down" if now < before else "flat"
        rows.append(
            {
                "municipality_id": f.municipality_id,
                "name": f.name,
                "total": now,
                "previous_total": before,
                "trend": trend,
                "households": households[f.municipality_id],
                "themes": [themes[(f.municipality_id, theme)] for theme in Theme.values],
                "open_signals": f.open_signals,
                "structural_signals": f.structural_signals,
            }
        )
    return rows


@require_GET
@page(policies.can_compare_municipalities)
@reads_from_replica
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = default_period()
    form = (
        CompareForm(request.GET)
        if {"start", "end"} & set(request.GET)
        else CompareForm(initial={"start": period.start, "end": period.end})
    )
    context: dict[str, Any] = {"form": form, "themes": [label for _v, label in Theme.choices]}
    if form.is_bound:
        if not form.is_valid():
            return render(request, "insights/compare.html", context)
        start: datetime.date = form.cleaned_data["start"]
        end: datetime.date = form.cleaned_data["end"]
    else:
        start, end = period.start, period.end
    try:
        figures = selectors.compare_municipalities(
            user=request.user, period_start=start, period_end=end
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "insights/compare.html", context)
    k = k_internal()
    context.update(
        {
            "rows": comparison_table(figures, k=k),
            "figures_at": figures[0].figures_at if figures else None,
            "figures_live": bool(figures) and figures[0].figures_at is None,
            "k": k,
            "note": suppression_note(k),
            "period": Period(start=start, end=end),
        }
    )
    return render(request, "insights/compare.html", context)


@require_POST
@page(policies.can_view_insights)
def spiegel_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the bimonthly spiegel report (PDF) of the period shown: the worker builds it."""
    municipalities = selectors.insight_municipalities(user=request.user)
    form = SpiegelForm(request.POST, municipalities=municipalities)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("insights:spiegel")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    municipality = _chosen_municipality(form, municipalities)
    try:
        services.spiegel_pdf_queue(
            actor=request.user, municipality=municipality, period_start=start, period_end=end
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        query = {"municipality": municipality.pk, "start": start, "end": end}
        return redirect(reverse("insights:spiegel") + "?" + urlencode(query))
    messages.success(
        request,
        _("The spiegel report is being built. It appears under My downloads when it is ready."),
    )
    return redirect("downloads:list")
