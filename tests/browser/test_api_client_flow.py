"""In real Chromium: the functional administrator makes an API client and sees its key
once; the list and the key's page pass axe and do not scroll sideways at 1280 and 390 px.

Screenshots of both pages at both widths are taken every run (into ``$DOORBRAAK_SCREENSHOTS``
when that is set, to look at; else a temporary directory).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.apiclients import credentials
from doorbraak.accounts.apiclients.models import ApiClient
from tests.browser.conftest import axe_violations
from tests.browser.test_household_flow import submit
from tests.browser.test_login_flow import log_in
from tests.browser.test_reflow import OVERFLOW
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})
KEY = re.compile(r"dbk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}")


def _check_widths(page: Any, name: str, shots: Path) -> None:
    """axe clean, no sideways scrolling and a screenshot, at each width."""
    for viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.mouse.move(0, 0)
        assert axe_violations(page) == [], (page.url, viewport)
        assert page.csp_violations == [], page.url
        measured = page.evaluate(OVERFLOW)
        assert measured["extra"] <= 0, (name, viewport, measured)
        path = shots / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
    page.set_viewport_size(WIDTHS[0])


def test_the_administrator_makes_a_client_and_sees_its_key_once(
    page: Any, live_server: Any, cast: Cast, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("DOORBRAAK_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    log_in(page, base, "ivan", TOTPDevice.objects.get(user=cast.ivan))
    page.wait_for_url(f"{base}/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="API-koppelingen"
    ).click()
    page.wait_for_url(f"{base}/api-koppelingen/")
    assert "Nog geen API-koppelingen." in page.content()

    page.get_by_role("link", name="Nieuwe API-koppeling").click()
    # A bad first try: no name, no part of the API. The page says what to fix, in Dutch.
    submit(page, "#ac-client-form")
    assert "Geef de koppeling een naam." in page.content()
    assert ApiClient.objects.count() == 0

    page.get_by_label("Naam", exact=True).fill("Uitkeringssysteem UWV")
    page.get_by_label("Organisatie", exact=True).select_option(label="UWV")
    page.get_by_label("Werkt als").select_option(label="Vaste contactpersoon")
    page.get_by_label("Verzoeken aan partners").check()
    submit(page, "#ac-client-form")

    shown = page.locator("#ac-secret").inner_text()
    assert KEY.fullmatch(shown)
    client = ApiClient.objects.get(name="Uitkeringssysteem UWV")
    assert credentials.matches(shown, client.secret_hash)
    _check_widths(page, "api-client-key", shots)

    page.get_by_role("link", name="Naar de API-koppeling").click()
    assert shown not in page.content()  # shown once: not on the detail page
    page.get_by_role("link", name="Alle API-koppelingen").click()
    assert "Uitkeringssysteem UWV" in page.content()
    assert shown not in page.content()
    _check_widths(page, "api-client-list", shots)
