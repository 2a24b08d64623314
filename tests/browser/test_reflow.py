"""WCAG 1.4.10 reflow: at 390 px (and 320 px for the home page) no page of any role scrolls
sideways; tables scroll inside their own labelled region instead.

Every persona of the security sweep's scenario (a full dossier per team: household,
assessment, plan, bottleneck, breakthroughs, partner request, fund request, meeting,
signals, a value report) opens her home page, every page of her main menu and the detail
pages of her own team's dossier. Screenshots of the narrow pages are written to
``$DOORBRAAK_SCREENSHOTS`` when that is set, to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import login_verified
from tests.security import scenario as sweep_scenario

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 390, "height": 844}

# Detail pages of the own team's (scope "a") dossier, by persona: (url name, kwargs).
DETAILS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "alice": [
        ("households:detail", {"public_id": "household"}),
        ("households:timeline", {"public_id": "household"}),
        ("households:referral-detail", {"pk": "referral"}),
        ("assessments:overview", {"public_id": "household"}),
        ("assessments:detail", {"pk": "assessment"}),
        ("plans:detail", {"pk": "plan"}),
        ("breakthroughs:bottleneck-detail", {"pk": "bottleneck"}),
        ("breakthroughs:detail", {"pk": "breakthrough"}),
        ("funds:request-detail", {"pk": "fund_request"}),
    ],
    "dave": [("partners:request-detail", {"pk": "partner_request"})],
    "peggy": [("partners:request-detail", {"pk": "partner_request"})],
    "erin": [
        ("tables:table-detail", {"pk": "table"}),
        ("tables:meeting-detail", {"pk": "meeting"}),
        ("breakthroughs:table-item", {"pk": "table_case"}),
    ],
    "frank": [
        ("funds:fund-detail", {"pk": "fund"}),
        ("funds:request-detail", {"pk": "fund_request"}),
    ],
    "grace": [("reports:detail", {"pk": "report"})],
}

# Measured in the page: how much wider the document is than the window, and the widest
# elements that stick out (for the failure message).
OVERFLOW = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    // An element wider than the window, or text running out of its box (nowrap).
    const right = Math.max(box.right, box.left + el.scrollWidth);
    const clipped = el.parentElement && el.parentElement.closest('.db-table-wrap');
    if (right > limit + 1 && !clipped && getComputedStyle(el).overflowX === 'visible') {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(right)}`);
    }
  }
  return {extra: root.scrollWidth - limit, culprits: out.slice(-6)};
}"""


def _session(browser: Any, live_server: Any, user: Any) -> Any:
    client = login_verified(Client(), user)
    context = browser.new_context(locale="nl-NL", viewport=NARROW)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _menu_paths(page: Any) -> list[str]:
    links = page.locator("nav.db-nav a").evaluate_all("(as) => as.map((a) => a.pathname)")
    return [p for p in dict.fromkeys(links) if not p.startswith(("/beheer", "/api"))]


def _detail_path(name: str, kwargs: dict[str, str], objects: dict[str, Any]) -> str | None:
    values = {}
    for param, kind in kwargs.items():
        obj = objects.get(kind)
        if obj is None:
            return None
        values[param] = str(obj.public_id if param == "public_id" else obj.pk)
    return reverse(name, kwargs=values)


def _check(page: Any, url: str, problems: list[str], shots: Path | None) -> None:
    response = page.goto(url)
    if response is None or response.status >= 400:
        return  # not this persona's page: the access tests cover that
    page.wait_for_load_state("networkidle")
    measured = page.evaluate(OVERFLOW)
    if measured["extra"] > 0:
        problems.append(f"{url}: {measured['extra']} px too wide {measured['culprits']}")
    if shots is not None:
        name = re.sub(r"[^\w]+", "_", url.split("//", 1)[1].split("/", 1)[1]) or "home"
        page.screenshot(
            path=str(shots / f"{page.viewport_size['width']}_{name}.png"), full_page=True
        )


def test_every_main_page_of_every_role_reflows_at_390_px(browser: Any, live_server: Any) -> None:
    scenario = sweep_scenario.build()
    objects = scenario.objects["a"]
    shots_dir = os.environ.get("DOORBRAAK_SCREENSHOTS")
    shots = Path(shots_dir) if shots_dir else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visited = 0
    for username, user in scenario.users.items():
        if username in ("bob", "mallory", "carol") or (
            os.environ.get("REFLOW_ONLY") and username != os.environ.get("REFLOW_ONLY")
        ):
            continue  # the same roles as Alice, in other teams
        context = _session(browser, live_server, user)
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        paths = ["/", *_menu_paths(page)]
        for name, kwargs in DETAILS.get(username, []):
            path = _detail_path(name, kwargs, objects)
            if path is not None:
                paths.append(path)
        for path in dict.fromkeys(paths):
            _check(page, f"{live_server.url}{path}", problems, shots)
            visited += 1
        if username == "alice":
            page.set_viewport_size({"width": 320, "height": 700})
            _check(page, f"{live_server.url}/", problems, shots)
        context.close()
    assert visited >= (5 if os.environ.get("REFLOW_ONLY") else 30)
    assert not problems, "\n".join(problems)
