"""Staff single sign-on against a real OpenID Connect provider (tests/oidc/provider.mjs)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import ExternalIdentity, GroupRoleMapping, Membership, Role, User
from doorbraak.audit.models import SecurityEvent
from doorbraak.lib.otp import PROVIDER_MFA_SESSION_KEY
from tests.conftest import Cast
from tests.factories import PASSWORD
from tests.oidc.conftest import STAFF_CLIENT, Browser, OidcProvider

pytestmark = pytest.mark.django_db

START = "/inloggen/sso"
MFA = {"acr": "urn:test:mfa", "amr": ["pwd", "otp"]}


def _account(sub: str, *, groups: list[str] | None = None, **login: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "preferred_username": f"{sub}.sso",
        "given_name": "Sanne",
        "family_name": "de Vries",
        "email": f"{sub}@gemeente.example",
    }
    if groups is not None:
        claims["groups"] = groups
    return {sub: {"claims": claims, **login}}


@pytest.fixture
def staff_sso(settings: Any, provider: OidcProvider) -> OidcProvider:
    settings.DOORBRAAK_OIDC = provider.settings_for(
        STAFF_CLIENT,
        scopes="openid profile email groups",
        user_claim="sub",
        groups_claim="groups",
        mfa_acr=["urn:test:mfa"],
        mfa_amr=["otp", "mfa"],
    )
    return provider


def _events(reason: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(object_type="sso_sign_in", object_id=reason))


def test_sign_in_with_mfa_at_the_provider_is_verified(
    staff_sso: OidcProvider, browser: Browser
) -> None:
    staff_sso.configure(accounts=_account("u-1001", **MFA))

    response = browser.sign_in(START, "u-1001")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    identity = ExternalIdentity.objects.select_related("user").get(subject="u-1001")
    assert identity.issuer == staff_sso.issuer
    assert identity.user.username == "u-1001.sso"
    assert identity.user.get_full_name() == "Sanne de Vries"
    assert not identity.user.has_usable_password()
    assert not Membership.objects.filter(user=identity.user).exists()  # no roles by itself
    assert browser.client.session[PROVIDER_MFA_SESSION_KEY] == identity.user.pk
    # Past the second factor: the home page answers instead of sending to the TOTP step.
    assert browser.client.get(reverse("home")).status_code == 200


def test_the_same_subject_is_the_same_user(staff_sso: OidcProvider, browser: Browser) -> None:
    staff_sso.configure(accounts=_account("u-1002", **MFA))
    existing = User.objects.create_user(username="sanne")
    ExternalIdentity.objects.create(user=existing, issuer=staff_sso.issuer, subject="u-1002")

    browser.sign_in(START, "u-1002")

    assert browser.client.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.count() == 1


def test_without_mfa_claim_the_local_second_factor_is_asked(
    staff_sso: OidcProvider, browser: Browser
) -> None:
    staff_sso.configure(accounts=_account("u-1003", acr="urn:test:password", amr=["pwd"]))

    response = browser.sign_in(START, "u-1003")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:setup")  # no authenticator app yet
    assert PROVIDER_MFA_SESSION_KEY not in browser.client.session
    home = browser.client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:verify"))


def test_a_token_for_another_audience_is_refused(staff_sso: OidcProvider, browser: Browser) -> None:
    staff_sso.configure(accounts=_account("u-1004", **MFA), audience="andere-toepassing")

    response = browser.sign_in(START, "u-1004")

    assert response.status_code == 403
    assert "Inloggen is niet gelukt" in response.content.decode()
    assert "_auth_user_id" not in browser.client.session
    assert not ExternalIdentity.objects.exists()
    assert len(_events("audience")) == 1


def test_an_expired_token_is_refused(staff_sso: OidcProvider, browser: Browser) -> None:
    """The provider's ID tokens live 60 seconds; Doorbraak's clock runs five minutes ahead
    (clock skew beyond the leeway) when the browser comes back."""
    staff_sso.configure(accounts=_account("u-1005", **MFA), id_token_ttl=60)
    back = browser.callback_path(START, "u-1005")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=True):
        response = browser.client.get(back)

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.client.session
    assert len(_events("expired")) == 1


def test_a_callback_without_its_state_is_refused(staff_sso: OidcProvider, client: Any) -> None:
    response = client.get(reverse("accounts:sso-callback"), {"code": "abc", "state": "forged"})

    assert response.status_code == 403
    assert len(_events("state")) == 1


def test_a_group_maps_to_a_role_only_where_configured(
    staff_sso: OidcProvider, browser: Browser, cast: Cast
) -> None:
    GroupRoleMapping.objects.create(
        municipality=cast.north,
        group="doorbraak-professionals-a",
        role=Role.PROFESSIONAL,
        organisation=cast.team_a.organisation,
        team=cast.team_a,
    )
    staff_sso.configure(
        accounts=_account("u-1006", groups=["doorbraak-professionals-a", "iedereen"], **MFA)
    )

    browser.sign_in(START, "u-1006")

    user = ExternalIdentity.objects.get(subject="u-1006").user
    memberships = list(Membership.objects.active().filter(user=user))
    assert [(m.role, m.team_id) for m in memberships] == [(Role.PROFESSIONAL, cast.team_a.pk)]

    # Later the group is gone at the provider: the role it gave ends at the next sign-in.
    browser.client.post(reverse("accounts:logout"))
    browser.session.cookies.clear()
    staff_sso.configure(accounts=_account("u-1006", groups=["iedereen"], **MFA))
    browser.sign_in(START, "u-1006")

    assert not Membership.objects.active().filter(user=user).exists()


def test_log_out_ends_the_session_at_the_provider_too(
    staff_sso: OidcProvider, browser: Browser
) -> None:
    staff_sso.configure(accounts=_account("u-1007", **MFA))
    browser.sign_in(START, "u-1007")
    # Signed in at the provider: a second sign-in would not ask again.
    assert not browser.provider_asks_log_in(START)

    response = browser.client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{staff_sso.issuer}/session/end")
    assert "id_token_hint=" in location
    assert "_auth_user_id" not in browser.client.session
    back = browser.provider_logout(location)
    assert back == "http://testserver/inloggen"
    assert browser.provider_asks_log_in(START)


def test_local_login_can_be_switched_off(
    staff_sso: OidcProvider, settings: Any, client: Any, cast: Cast
) -> None:
    settings.DOORBRAAK_LOCAL_LOGIN = False

    page = client.get(reverse("accounts:login"))
    posted = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})

    assert page.status_code == 200
    assert 'name="password"' not in page.content.decode()
    assert reverse("accounts:sso-start") in page.content.decode()
    assert posted.status_code == 403
    assert "_auth_user_id" not in client.session


def test_single_sign_on_is_off_without_configuration(settings: Any, client: Any) -> None:
    settings.DOORBRAAK_OIDC = None

    page = client.get(reverse("accounts:login"))

    assert reverse("accounts:sso-start") not in page.content.decode()
    assert client.get(reverse("accounts:sso-start"))["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:sso-callback"))["Location"] == reverse("accounts:login")
