"""In real Chromium: log in with password and TOTP, land on the home page, no a11y blockers."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_login import current_code
from tests.browser.conftest import axe_violations
from tests.conftest import Cast
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Any, base_url: str, username: str, device: TOTPDevice) -> None:
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/inloggen/code**")
    assert axe_violations(page) == []
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
    page.get_by_role("button", name="Inloggen").click()


def test_a_professional_logs_in_with_mfa_and_sees_her_home_page(
    page: Any, live_server: Any, cast: Cast
) -> None:
    page.goto(f"{live_server.url}/")
    assert "/inloggen" in page.url
    assert axe_violations(page) == []

    log_in(page, live_server.url, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")
    assert (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Mijn team")
        .is_visible()
    )
    assert axe_violations(page) == []

    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.csp_violations == []


def test_the_privacy_officer_filters_the_log_without_javascript_errors(
    page: Any, live_server: Any, cast: Cast
) -> None:
    log_in(page, live_server.url, "heidi", TOTPDevice.objects.get(user=cast.heidi))
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Logboek dataverwerkingen").first.click()
    page.get_by_label("Actie").select_option("search")
    page.get_by_role("button", name="Filteren").click()
    assert "action=search" in page.url
    assert page.get_by_role("status").first.is_visible()
    assert axe_violations(page) == []
    assert page.csp_violations == []
