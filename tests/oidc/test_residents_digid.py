"""Residents sign in with DigiD through the broker: a real OpenID Connect provider."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from doorbraak.audit.models import ProcessingLog, SecurityEvent
from doorbraak.households.models import Member
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.lib.otp import RESIDENT_SESSION_KEY
from doorbraak.residents import services as resident_services
from doorbraak.residents.models import ResidentAccount
from tests.factories import HouseholdFactory, MemberFactory
from tests.oidc.conftest import RESIDENT_CLIENT, Browser, OidcProvider

pytestmark = pytest.mark.django_db

START = "/mijn/inloggen/digid/"
BSN = "111222333"
UNKNOWN_BSN = "123456782"


@pytest.fixture
def digid(settings: Any, provider: OidcProvider) -> OidcProvider:
    settings.DOORBRAAK_DIGID = provider.settings_for(
        RESIDENT_CLIENT,
        scopes="openid bsn",
        acr_values="urn:test:digid:midden",
        bsn_claim="bsn",
        accepted_acr=["urn:test:digid:midden"],
    )
    return provider


@pytest.fixture
def member() -> Member:
    household = HouseholdFactory(head=False)
    return MemberFactory(
        household=household, bsn_encrypted=encrypt(BSN), bsn_index=blind_index(BSN)
    )


def _resident(sub: str, bsn: str, acr: str = "urn:test:digid:midden") -> dict[str, Any]:
    return {sub: {"claims": {"bsn": bsn}, "acr": acr}}


def test_a_known_resident_signs_in_to_their_own_page(
    digid: OidcProvider, browser: Browser, member: Member
) -> None:
    digid.configure(accounts=_resident("digid-1", BSN))

    response = browser.sign_in(START, "digid-1")

    assert response.status_code == 302
    assert response["Location"] == "/mijn/"
    account = ResidentAccount.objects.get(member=member)
    session = browser.client.session
    assert session["_auth_user_id"] == str(account.user_id)
    assert session[RESIDENT_SESSION_KEY] == member.pk
    assert session.get_expiry_age() <= django_settings.DOORBRAAK_RESIDENT_SESSION_SECONDS
    record = ProcessingLog.objects.get(object_type="resident_sign_in")
    assert record.subject_pseudonym == member.pseudonym
    # No second factor asked, and no staff page reachable.
    assert browser.client.get("/")["Location"] == "/mijn/"
    assert browser.client.get("/huishoudens/").status_code == 404
    assert browser.client.get("/inloggen/code").status_code == 404
    # The next sign-in finds the same account.
    browser.client.post("/mijn/uitloggen/")
    browser.session.cookies.clear()
    browser.sign_in(START, "digid-1")
    assert ResidentAccount.objects.count() == 1


def test_an_unknown_bsn_gets_a_kind_page_and_nothing_else(
    digid: OidcProvider, browser: Browser, member: Member
) -> None:
    digid.configure(accounts=_resident("digid-2", UNKNOWN_BSN))
    users = get_user_model().objects.count()

    response = browser.sign_in(START, "digid-2")

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.client.session
    assert get_user_model().objects.count() == users
    assert not ResidentAccount.objects.exists()
    event = SecurityEvent.objects.get(object_type="digid_sign_in")
    assert event.object_id == "unknown_bsn"
    recorded = " ".join(str(value) for value in vars(event).values())
    assert UNKNOWN_BSN not in recorded
    assert UNKNOWN_BSN not in response.content.decode()


def test_a_lower_assurance_level_is_refused(
    digid: OidcProvider, browser: Browser, member: Member
) -> None:
    digid.configure(accounts=_resident("digid-3", BSN, acr="urn:test:digid:basis"))

    response = browser.sign_in(START, "digid-3")

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.client.session
    assert SecurityEvent.objects.get(object_type="digid_sign_in").object_id == "assurance"


def test_a_token_for_another_audience_is_refused(
    digid: OidcProvider, browser: Browser, member: Member
) -> None:
    digid.configure(accounts=_resident("digid-4", BSN), audience="andere-toepassing")

    response = browser.sign_in(START, "digid-4")

    assert response.status_code == 403
    assert not ResidentAccount.objects.exists()
    assert SecurityEvent.objects.get(object_type="digid_sign_in").object_id == "audience"


def test_log_out_ends_the_session_at_the_broker(
    digid: OidcProvider, browser: Browser, member: Member
) -> None:
    digid.configure(accounts=_resident("digid-5", BSN))
    browser.sign_in(START, "digid-5")

    response = browser.client.post("/mijn/uitloggen/")

    assert response["Location"].startswith(f"{digid.issuer}/session/end")
    assert "_auth_user_id" not in browser.client.session
    assert browser.provider_logout(response["Location"]) == "http://testserver/mijn/inloggen/"
    assert browser.provider_asks_log_in(START)


def test_the_resident_session_key_is_the_one_residents_set() -> None:
    assert resident_services.SESSION_KEY == RESIDENT_SESSION_KEY


def test_the_sign_in_page_without_digid(settings: Any, client: Any) -> None:
    settings.DOORBRAAK_DIGID = None

    page = client.get("/mijn/inloggen/")

    assert page.status_code == 200
    assert client.get(START)["Location"] == "/mijn/inloggen/"
