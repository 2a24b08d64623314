"""The home page: what this user, in each of their roles, can do here."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doorbraak.accounts import selectors
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.audit.policies import can_view_security_log
from doorbraak.audit.selectors import open_alerts
from doorbraak.home.navigation import nav_items_for, role_cards_for
from doorbraak.lib.access import page
from doorbraak.privacy.policies import can_handle_data_subject_requests
from doorbraak.privacy.selectors import open_requests_for


@page()
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What this user, in each of their roles, can do here."""
    return render(
        request,
        "home/home.html",
        {
            "role_cards": role_cards_for(request.user),
            "tasks": [item for item in nav_items_for(request.user, "") if item.url != request.path],
            "memberships": selectors.active_memberships(request.user),
            # The privacy officer's open security alerts: the newest few and their number.
            "alerts": open_alerts(user=request.user)
            if can_view_security_log(request.user)
            else None,
            "data_subject_requests": (
                open_requests_for(request.user)
                if can_handle_data_subject_requests(request.user)
                else None
            ),
        },
    )
