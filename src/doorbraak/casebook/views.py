"""The casebook's pages (/voorbeelden/): search, an example, propose, review, withdraw, import,
and the suggestions fragment the breakthrough pages load with htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.models import Municipality, Organisation, Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.breakthroughs import selectors as breakthrough_selectors
from doorbraak.breakthroughs.models import Breakthrough, Theme
from doorbraak.breakthroughs.policies import works_on_household_of
from doorbraak.casebook import exchange, policies, selectors, services
from doorbraak.casebook.forms import (
    ExampleForm,
    ExampleSearchForm,
    ImportForm,
    ReasonForm,
    search_form_html,
)
from doorbraak.casebook.models import Example, ExampleResult, ExampleScope
from doorbraak.lib.access import Lookup, fragment, page, refuse_unless
from doorbraak.lib.forms import add_service_errors
from doorbraak.lib.rows import choice_labels, url_maker
from doorbraak.library.models import Regulation

PAGE_SIZE = 20
EXAMPLE = Lookup("example", selectors.example_get)
#: The source breakthrough, 404 outside its team; the read is logged on a GET.
BREAKTHROUGH = Lookup(
    "breakthrough",
    breakthrough_selectors.breakthrough_get,
    log="reads",
    hide_unless=works_on_household_of,
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@require_GET
@page(policies.can_read_examples)
def example_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExampleSearchForm(request.GET or None, municipalities=selectors.municipality_names())
    form_html = search_form_html(form)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ExampleFilter(
        query=data.get("q", ""),
        theme=data.get("theme", ""),
        regulation=data["regulation"].pk if data.get("regulation") else None,
        organisation=data["organisation"].pk if data.get("organisation") else None,
        result=data.get("result", ""),
        municipality=data.get("municipality", ""),
    )
    examples = selectors.example_search(user=request.user, filters=filters, organisations=False)
    page_obj = selectors.ExamplePaginator(examples, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[Example] = list(page_obj.object_list)
    page_obj.object_list = shown
    query = request.GET.copy()
    query.pop("page", None)
    # What each result shows, prepared once for the page (lib/rows.py).
    detail_url = url_maker("casebook:detail")
    themes = choice_labels(Theme.choices)
    results = choice_labels(ExampleResult.choices)
    rows = [
        {
            "example": example,
            "url": detail_url(example.pk),
            "theme": themes.get(example.theme, example.theme),
            "result": results.get(example.result, example.result),
        }
        for example in shown
    ]
    return render(
        request,
        "casebook/example_list.html",
        {
            "form": form,
            "form_html": form_html,
            "page_obj": page_obj,
            "rows": rows,
            "searched": bool(filters.query),
            "capped": bool(filters.query) and page_obj.paginator.count >= selectors.RANKED,
            "query_string": query.urlencode(),
            "can_review": policies.can_review_examples(request.user),
            "can_exchange": policies.can_exchange_examples(request.user),
        },
    )


@require_GET
@page(policies.can_read_examples, obj=EXAMPLE)
def example_detail(request: AuthenticatedHttpRequest, example: Example) -> HttpResponse:
    amounts = list(example.amounts.all())
    return render(
        request,
        "casebook/example_detail.html",
        {
            "example": example,
            "amounts": amounts,
            "total_status_quo": sum(a.status_quo_cents for a in amounts),
            "total_breakthrough": sum(a.breakthrough_cents for a in amounts),
            "can_approve": policies.can_approve(request.user, example),
            "can_withdraw": policies.can_withdraw(request.user, example),
            "can_edit": policies.can_edit_example(request.user, example),
            "reason_form": ReasonForm(auto_id="id_review_%s"),
        },
    )


def _example_form(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> ExampleForm:
    initial = services.initial_from(breakthrough)
    amounts: dict[str, tuple[int, int]] = initial.pop("amounts")  # type: ignore[assignment]
    draft = selectors.example_of_breakthrough(breakthrough_id=breakthrough.pk)
    if draft is not None:
        initial.update(
            {
                field: getattr(draft, field)
                for field in (*services.TEXT_FIELDS, "theme", "result", "scope")
            }
        )
        initial["regulations"] = list(draft.regulations.all())
        initial["organisations"] = list(draft.organisations.all())
        amounts = {
            a.payer: (a.status_quo_cents, a.breakthrough_cents) for a in draft.amounts.all()
        } or amounts
    for payer, (status_quo, with_breakthrough) in amounts.items():
        initial[f"sq_{payer}"] = status_quo // 100
        initial[f"bt_{payer}"] = with_breakthrough // 100
    initial.setdefault("scope", ExampleScope.MUNICIPALITY)
    municipality = breakthrough.household.municipality_id
    return ExampleForm(
        request.POST or None,
        initial=initial,
        regulations=Regulation.objects.filter(municipality__isnull=True)
        | Regulation.objects.filter(municipality_id=municipality),
        organisations=Organisation.objects.filter(municipality__isnull=True)
        | Organisation.objects.filter(municipality_id=municipality),
        payers=list(amounts),
    )


@page(
    policies.can_work_on_examples,
    obj=BREAKTHROUGH,
    allow=policies.can_propose,
)
def example_propose(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> HttpResponse:
    form = _example_form(request, breakthrough)
    draft = selectors.example_of_breakthrough(breakthrough_id=breakthrough.pk)
    if draft is not None and not policies.can_edit_example(request.user, draft):
        messages.info(request, _("This breakthrough has already been proposed as an example."))
        return redirect("casebook:detail", pk=draft.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            example = services.example_propose(
                actor=request.user,
                breakthrough=breakthrough,
                title=data["title"],
                theme=data["theme"],
                bottleneck=data["bottleneck"],
                solution=data["solution"],
                result=data["result"],
                outcome=data["outcome"],
                commitment=data["commitment"],
                regulations=list(data["regulations"]),
                organisations=list(data["organisations"]),
                amounts=form.amounts_cents(),
                scope=data["scope"],
                horizon_months=breakthrough.horizon_months,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The example is proposed. A team lead reviews it before publication.")
            )
            return redirect("casebook:detail", pk=example.pk)
    return render(
        request,
        "casebook/example_form.html",
        {"form": form, "breakthrough": breakthrough, "draft": draft},
    )


@require_GET
@page(policies.can_review_examples)
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "casebook/review_queue.html",
        {"examples": list(selectors.review_queue(user=request.user))},
    )


def _decision(request: AuthenticatedHttpRequest, example: Example, action: str) -> HttpResponse:
    form = ReasonForm(request.POST, auto_id="id_review_%s")
    try:
        if action == "approve":
            services.example_approve(actor=request.user, example=example)
            messages.success(request, _("The example is published."))
        elif form.is_valid():
            service = services.example_reject if action == "reject" else services.example_withdraw
            service(actor=request.user, example=example, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                _("The example went back to its coordinator.")
                if action == "reject"
                else _("The example is withdrawn."),
            )
        else:
            raise ValidationError({"reason": _("Give a reason.")})
    except ValidationError as error:
        add_service_errors(form, error)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("casebook:detail", pk=example.pk)


@require_POST
@page(policies.can_review_examples, obj=EXAMPLE, allow=policies.can_approve)
def example_approve(request: AuthenticatedHttpRequest, example: Example) -> HttpResponse:
    return _decision(request, example, "approve")


@require_POST
@page(policies.can_review_examples, obj=EXAMPLE, allow=policies.can_approve)
def example_reject(request: AuthenticatedHttpRequest, example: Example) -> HttpResponse:
    return _decision(request, example, "reject")


@require_POST
@page(policies.can_read_examples, obj=EXAMPLE, allow=policies.can_withdraw)
def example_withdraw(request: AuthenticatedHttpRequest, example: Example) -> HttpResponse:
    return _decision(request, example, "withdraw")


@page(policies.can_exchange_examples)
def example_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The functional administrator imports a national-exchange file into their municipality."""
    form = ImportForm(request.POST or None, request.FILES or None)
    municipalities = sorted(municipality_ids_of(request.user, role=Role.ADMIN))
    refuse_unless(bool(municipalities))
    if request.method == "POST" and form.is_valid():
        try:
            result = exchange.examples_import(
                actor=request.user,
                municipality=Municipality.objects.get(pk=municipalities[0]),
                raw=form.cleaned_data["file"].read(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("%(created)s examples imported, %(skipped)s already here.")
                % {"created": result.created, "skipped": result.skipped},
            )
            return redirect("casebook:list")
    return render(request, "casebook/import.html", {"form": form})


@require_GET
@fragment(policies.can_read_examples)
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Similar published examples: for the bottleneck form (its fields as the query) or a
    breakthrough (``doorbraak=<pk>``: its bottleneck, and the propose action when allowed)."""
    regulation_ids = [i for i in map(_int, request.GET.getlist("regulations")) if i][:10]
    organisation_ids = [i for i in map(_int, request.GET.getlist("organisations")) if i][:10]
    text = " ".join(request.GET.get(k, "")[:500] for k in ("title", "description"))
    breakthrough = None
    breakthrough_pk = _int(request.GET.get("doorbraak"))
    if breakthrough_pk is not None:
        # Only the team sees its breakthrough; the read was logged by its page.
        breakthrough = BREAKTHROUGH.resolve(request, breakthrough_pk, log=False)
        bottleneck = breakthrough.bottleneck
        regulation_ids = [r.pk for r in bottleneck.regulations.all()]
        organisation_ids = [o.pk for o in bottleneck.organisations.all()]
        text = f"{bottleneck.title} {breakthrough.title}"
    found = selectors.suggestions(
        user=request.user,
        regulation_ids=regulation_ids,
        organisation_ids=organisation_ids,
        text=text,
        exclude_breakthrough=breakthrough.pk if breakthrough else None,
    )
    context: dict[str, Any] = {"suggestions": found, "breakthrough": breakthrough}
    if breakthrough is not None:
        example = selectors.example_of_breakthrough(breakthrough_id=breakthrough.pk)
        context["own_example"] = example
        context["can_propose"] = policies.can_propose(request.user, breakthrough) and (
            example is None or policies.can_edit_example(request.user, example)
        )
        context["propose_url"] = reverse("casebook:propose", args=[breakthrough.pk])
    return render(request, "casebook/_suggestions.html", context)
