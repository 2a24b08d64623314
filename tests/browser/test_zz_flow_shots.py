"""Temporary: screenshots of the changed pages (not committed)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.breakthroughs.builders import bottleneck
from tests.browser.test_household_flow import assert_accessible
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_shots(page: Any, live_server: Any, cast: Cast, household_a: Any) -> None:
    base = live_server.url
    found = bottleneck(cast, household_a)
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/plannen/huishouden/{household_a.public_id}/nieuw/")
        assert_accessible(page)
        page.screenshot(path=f"/tmp/flow-shots/plan-start-{width}.png", full_page=True)
        page.goto(f"{base}/doorbraken/knelpunten/{found.pk}/")
        assert_accessible(page)
        page.screenshot(path=f"/tmp/flow-shots/bottleneck-{width}.png", full_page=True)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, scroll
