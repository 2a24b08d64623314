"""The household's own page (``/mijn/``): B1 Dutch, "u", mobile first.

Only for a resident's own session: a staff user (or a session without the resident
sign-in) gets 404, as does a resident on any other page (``middleware``). Every page read
is in the processing log, one record for the member (``processing.log_resident``). While
the member's access is withdrawn each page is the same kind explanation and nothing else.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.assessments.services import self_assessment_submit
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.selectors import BadCursor
from doorbraak.lib.access import page
from doorbraak.residents import selectors
from doorbraak.residents.forms import OwnScoresForm
from doorbraak.residents.models import ResidentAccount
from doorbraak.residents.policies import Closed
from doorbraak.residents.processing import log_resident


def _account(request: AuthenticatedHttpRequest) -> ResidentAccount:
    """The session's resident account; 404 for anyone else (staff are not residents)."""
    account = selectors.resident_account(request)
    if account is None:
        raise Http404
    return account


def _closed_page(
    request: AuthenticatedHttpRequest, account: ResidentAccount, reason: Closed
) -> HttpResponse:
    log_resident(
        actor=request.user,
        action=ProcessingAction.READ,
        object_type="residents.closed",
        member=account.member,
    )
    return render(request, "residents/closed.html", {"reason": reason, "Closed": Closed})


@require_GET
@page()
def own_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The plan, the coordinator, the next date, the own scores and the latest consultations."""
    account = _account(request)
    member = account.member
    reason = selectors.page_closed(member)
    if reason is not None:
        return _closed_page(request, account, reason)
    data = selectors.own_page(member=member, user=request.user)
    log_resident(
        actor=request.user,
        action=ProcessingAction.READ,
        object_type="residents.own_page",
        member=member,
    )
    return render(
        request,
        "residents/own_page.html",
        {"member": member, "household": member.household, "data": data},
    )


@page()
def own_scores(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The household's own scores per life domain, for the next assessment."""
    account = _account(request)
    member = account.member
    reason = selectors.page_closed(member)
    if reason is not None:
        return _closed_page(request, account, reason)
    domains, scores = selectors.own_scores(member=member)
    data = request.POST if request.method == "POST" else None
    form = OwnScoresForm(data, domains=domains, scores=scores)
    if request.method == "POST":
        if form.is_valid():
            try:
                self_assessment_submit(actor=request.user, member=member, scores=form.scores())
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your scores are saved. Your coordinator sees them at your "
                        "next conversation."
                    ),
                )
                return redirect("residents:home")
    else:
        log_resident(
            actor=request.user,
            action=ProcessingAction.READ,
            object_type="residents.own_scores",
            member=member,
        )
    rows = [{"domain": d, "field": form[f"domain_{d.pk}"]} for d in domains]
    return render(request, "residents/own_scores.html", {"form": form, "rows": rows})


@require_GET
@page()
def consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Wie heeft mijn gegevens gezien": every consultation of the member's data and the
    household's, newest first, by keyset (``?ouder=<cursor>``), without employees' names."""
    account = _account(request)
    member = account.member
    reason = selectors.page_closed(member)
    if reason is not None:
        return _closed_page(request, account, reason)
    older = request.GET.get("ouder", "")[:64]
    try:
        result = selectors.consultations_page(member=member, user=request.user, older=older)
    except BadCursor:
        messages.error(request, _("This link does not work. You now see the newest first."))
        result = selectors.consultations_page(member=member, user=request.user)
    log_resident(
        actor=request.user,
        action=ProcessingAction.READ,
        object_type="residents.consultations",
        member=member,
    )
    return render(request, "residents/consultations.html", {"result": result})
