"""In real Chromium at 390 px: a resident signs in with DigiD through the broker (a real
OpenID Connect provider, ``tests/oidc/provider.mjs``), reads "Wie heeft mijn gegevens
gezien" and logs out, here and at the broker; axe at 0 serious or critical and no CSP errors
on Doorbraak's pages.

The provider runs for this module with a resident client whose addresses are the live
server's, on the first free port of ``DOORBRAAK_TEST_OIDC_PORTS`` (default 8126-8129, apart
from the OpenID Connect tests' 8116-8119).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.households.models import Household, MemberRole
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.lib.oidc import forget_discovery
from doorbraak.residents.models import ResidentAccount
from tests.browser.test_household_flow import assert_accessible
from tests.browser.test_resident_flow import NARROW, shot
from tests.conftest import Cast
from tests.oidc.conftest import RESIDENT_CLIENT, OidcProvider, ports, start_provider
from tests.plans import builders

pytestmark = pytest.mark.django_db(transaction=True)

AMS = datetime.timezone(datetime.timedelta(hours=1))
BSN = "111222333"
ACCOUNT = "digid-browser-1"
LEVEL = "urn:test:digid:midden"


@pytest.fixture
def digid(settings: Any, live_server: Any) -> Iterator[OidcProvider]:
    """The broker, with the live server's resident client and one account, and Doorbraak
    pointed at it as a deployment would be: ``DOORBRAAK_DIGID`` and the CSP form-action
    that the settings build from it (``OIDC_FORM_ACTION_ORIGINS``: the issuer's origin)."""
    client = {
        "client_id": RESIDENT_CLIENT,
        "redirect_uris": [f"{live_server.url}/mijn/callback/"],
        "post_logout_redirect_uris": [f"{live_server.url}/mijn/inloggen/"],
    }
    with start_provider([client], ports("8126-8129")) as provider:
        provider.configure(accounts={ACCOUNT: {"claims": {"bsn": BSN}, "acr": LEVEL}})
        settings.DOORBRAAK_DIGID = provider.settings_for(
            RESIDENT_CLIENT,
            scopes="openid bsn",
            acr_values=LEVEL,
            bsn_claim="bsn",
            accepted_acr=[LEVEL],
        )
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(provider.issuer))
        policy["DIRECTIVES"]["form-action"] = ["'self'", origin]
        settings.CONTENT_SECURITY_POLICY = policy
        forget_discovery()
        try:
            yield provider
        finally:
            forget_discovery()


def _plant_reads(cast: Cast, household: Household) -> int:
    """Two partners' reads of the head's data in the spring; the number of records the
    resident should see."""
    head = household.members.get(role=MemberRole.HEAD)
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
    return ProcessingLog.objects.filter(
        subject_pseudonym__in=[head.pseudonym, household.pseudonym]
    ).count()


def test_a_resident_signs_in_with_digid_reads_who_saw_her_data_and_logs_out(
    browser: Any, live_server: Any, digid: OidcProvider, cast: Cast, household_a: Household
) -> None:
    builders.agreed(cast, household_a)
    head = household_a.members.get(role=MemberRole.HEAD)
    head.bsn_encrypted = encrypt(BSN)
    head.bsn_index = blind_index(BSN)
    head.save(update_fields=["bsn_encrypted", "bsn_index"])
    planted = _plant_reads(cast, household_a)
    assert planted >= 2

    context = browser.new_context(locale="nl-NL", viewport=NARROW)
    # The provider's own pages ask for web fonts; this machine has no internet.
    context.route("https://**/*", lambda route: route.abort())
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    try:
        # Not signed in: the own page sends her to the DigiD sign-in.
        page.goto(f"{live_server.url}/mijn/")
        page.wait_for_url(f"{live_server.url}/mijn/inloggen/?next=/mijn/")
        assert_accessible(page)
        shot(page, "digid_inloggen")

        # To the broker, and its log-in page.
        page.get_by_role("link", name="Inloggen met DigiD").click()
        page.wait_for_url(f"{digid.issuer}/interaction/**")
        page.get_by_label("Account").fill(ACCOUNT)
        page.get_by_role("button", name="Log in").click()

        # Back on her own page, signed in as the head of the household.
        page.wait_for_url(f"{live_server.url}/mijn/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")
        assert ResidentAccount.objects.get().member_id == head.pk
        assert_accessible(page)
        shot(page, "digid_mijn")

        page.get_by_role("link", name="Bekijk iedereen die uw gegevens heeft gezien").click()
        page.wait_for_url(f"{live_server.url}/mijn/wie-zag-mijn-gegevens/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Wie heeft mijn gegevens gezien"
        )
        # Agreeing the plan was processing too (by the team, today); the two planted reads
        # of the spring are the oldest, at the bottom.
        items = page.locator(".rm-seen__item")
        assert items.count() == planted
        assert "W&I Noord" in items.nth(planted - 2).inner_text()
        assert "UWV" in items.nth(planted - 1).inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        assert_accessible(page)
        shot(page, "digid_mijn_gezien")

        # Log out: here, then at the broker (its confirmation page), back to the sign-in.
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(f"{digid.issuer}/session/end**")
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{live_server.url}/mijn/inloggen/")
        assert page.get_by_text("U bent uitgelogd.").is_visible()
        assert_accessible(page)
        shot(page, "digid_uitgelogd")

        # Signed out here: the own page sends her to the sign-in again…
        page.goto(f"{live_server.url}/mijn/wie-zag-mijn-gegevens/")
        page.wait_for_url(f"{live_server.url}/mijn/inloggen/**")
        # …and at the broker: DigiD asks her to log in again.
        page.get_by_role("link", name="Inloggen met DigiD").click()
        page.wait_for_url(f"{digid.issuer}/interaction/**")
        assert page.get_by_label("Account").is_visible()
        assert page.csp_violations == []
    finally:
        context.close()
