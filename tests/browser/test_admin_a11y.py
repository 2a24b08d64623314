"""The Django admin (/beheer/), which functional administrators use every day: no serious or
critical axe findings and no CSP violations on the index, the change lists and the change
forms of the main models (our CSP allows no inline script or style here either)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from doorbraak.accounts.models import Organisation, Team
from tests.browser.conftest import axe_violations
from tests.conftest import Cast, login_verified
from tests.factories import CostItemFactory
from tests.funds.factories import north_fund

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_has_no_serious_axe_findings_and_no_csp_violations(
    browser: Any, live_server: Any, cast: Cast
) -> None:
    fund = north_fund(cast)
    item = CostItemFactory(name="Ontruiming")
    team = Team.objects.get(pk=cast.team_a.pk)
    organisation = Organisation.objects.get(pk=cast.uwv.pk)
    client = login_verified(Client(), cast.ivan)
    context = browser.new_context(locale="nl-NL")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text[:60]} {message.location}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    paths = [
        "/beheer/",
        "/beheer/accounts/user/",
        f"/beheer/accounts/user/{cast.alice.pk}/change/",
        "/beheer/accounts/team/",
        f"/beheer/accounts/team/{team.pk}/change/",
        "/beheer/accounts/organisation/",
        f"/beheer/accounts/organisation/{organisation.pk}/change/",
        "/beheer/accounts/membership/",
        "/beheer/catalogue/costitem/",
        f"/beheer/catalogue/costitem/{item.pk}/change/",
        "/beheer/funds/fund/",
        f"/beheer/funds/fund/{fund.pk}/change/",
        "/beheer/assessments/lifedomain/",
        "/beheer/library/regulation/",
        "/beheer/library/regulation/add/",
    ]
    findings: dict[str, Any] = {}
    csp_violations: list[str] = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        # What the page itself does, before axe runs: axe's own probes (color-contrast on
        # form fields) apply inline styles of their own, which the CSP reports too.
        csp_violations.extend(violations)
        found = axe_violations(page)
        violations.clear()
        if found:
            findings[path] = found
    context.close()
    assert not findings, json.dumps(findings, indent=1)
    assert not csp_violations, json.dumps(csp_violations, indent=1)
