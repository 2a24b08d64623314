"""In real Chromium at 390 px: a resident reads her own page and "Wie heeft mijn gegevens
gezien", fills in her own scores, with axe at 0 serious or critical and no CSP errors.

She signs in through the test helper (``tests.conftest.login_resident``: Django's log-in and
the resident sign-in on the client's session); the DigiD sign-in has its own browser test.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.households.models import Household, MemberRole
from tests.browser.test_household_flow import assert_accessible
from tests.conftest import Cast, login_resident
from tests.plans import builders

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 390, "height": 844}
AMS = datetime.timezone(datetime.timedelta(hours=1))


def _context(browser: Any, live_server: Any, client: Client, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="nl-NL", viewport=viewport)
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


def shot(page: Any, name: str) -> None:
    """With DOORBRAAK_SHOTS=<dir>: a full-page screenshot to look at."""
    where = os.environ.get("DOORBRAAK_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(where) / f"{width}_{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [NARROW, {"width": 1280, "height": 900}])
def test_a_resident_reads_who_has_seen_her_data(
    browser: Any, live_server: Any, cast: Cast, household_a: Household, viewport: dict[str, int]
) -> None:
    builders.agreed(cast, household_a)
    head = household_a.members.get(role=MemberRole.HEAD)
    for actor, at in (
        (cast.dave, datetime.datetime(2026, 4, 7, 14, 30, tzinfo=AMS)),
        (cast.erin, datetime.datetime(2026, 5, 11, 10, 15, tzinfo=AMS)),
    ):
        with time_machine.travel(at, tick=False):
            processing_log_record(
                actor=actor,
                action=ProcessingAction.READ,
                activity=ProcessingActivity.PARTNER_REQUEST,
                object_type="breakthroughs.partnerrequest",
                object_id=1,
                subjects=[head.pseudonym],
            )
    recorded = ProcessingLog.objects.filter(
        subject_pseudonym__in=[head.pseudonym, household_a.pseudonym]
    ).count()
    assert recorded >= 2
    client = Client()
    login_resident(client, head)
    context = _context(browser, live_server, client, viewport)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    try:
        page.goto(f"{live_server.url}/mijn/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")
        assert page.get_by_text("Wij betalen elke maand de huur.").is_visible()
        assert_accessible(page)
        shot(page, "mijn")

        page.get_by_role("link", name="Bekijk iedereen die uw gegevens heeft gezien").click()
        page.wait_for_url("**/mijn/wie-zag-mijn-gegevens/")
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Wie heeft mijn gegevens gezien"
        # Agreeing the plan was processing too (by the team, today); the two planted reads
        # of the spring are the oldest, at the bottom.
        items = page.locator(".rm-seen__item")
        assert items.count() == recorded
        assert "W&I Noord" in items.nth(recorded - 2).inner_text()
        assert "UWV" in items.nth(recorded - 1).inner_text()
        # Nothing wider than the screen at 390 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible(page)
        shot(page, "mijn_gezien")

        page.get_by_role("link", name="Terug naar mijn pagina").click()
        page.get_by_role("link", name="Vul in hoe het gaat").click()
        page.wait_for_url("**/mijn/eigen-score/")
        assert_accessible(page)
        page.get_by_role("group", name="Huisvesting").get_by_label("4:", exact=False).check()
        page.get_by_role("button", name="Mijn antwoorden bewaren").click()
        page.wait_for_url(f"{live_server.url}/mijn/")
        assert page.get_by_text("Uw antwoorden zijn bewaard").is_visible()
        assert_accessible(page)
        shot(page, "mijn_na_score")
    finally:
        context.close()
