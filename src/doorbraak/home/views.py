"""The home page: the day's work of this user, per role, and what each role can do here."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from doorbraak.accounts import selectors
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.audit.policies import can_view_security_log
from doorbraak.audit.selectors import open_alerts
from doorbraak.home import worklist
from doorbraak.home.navigation import home_cards_html, nav_items_for, role_cards_for
from doorbraak.home.policies import can_see_work_lists
from doorbraak.lib.access import Lookup, page
from doorbraak.privacy.policies import can_handle_data_subject_requests
from doorbraak.privacy.selectors import open_requests_for

#: A block of the user's own roles; 404 for any other key.
BLOCK = Lookup("block", worklist.block_get, "key")


@page()
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The day's work first (one query per block), then what each role can do here."""
    role_cards = role_cards_for(request.user)
    tasks = [item for item in nav_items_for(request.user, "") if item.url != request.path]
    return render(
        request,
        "home/home.html",
        {
            "blocks": worklist.work_list(user=request.user, day=timezone.localdate()),
            "role_cards": role_cards,
            "tasks": tasks,
            "cards": home_cards_html(tasks, role_cards),
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


@require_GET
@page(can_see_work_lists, obj=BLOCK)
def work_block(request: AuthenticatedHttpRequest, block: worklist.Block) -> HttpResponse:
    """All items of one block of the home page, paginated, with the block's own query (one:
    the rows of the page and their total)."""
    today = worklist.Today.of(timezone.localdate())
    page_obj = worklist.block_page(
        block, user=request.user, today=today, number=request.GET.get("page")
    )
    items = [block.item(row, today) for row in page_obj.object_list]
    worklist.log_shown(user=request.user, items=items)
    return render(
        request,
        "home/work_block.html",
        {"work_block": block, "page_obj": page_obj, "items": items, "querystring_without_page": ""},
    )
