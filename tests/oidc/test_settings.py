"""The OpenID Connect variables, read by the settings in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], "
    "'oidc': s.DOORBRAAK_OIDC, 'digid': s.DOORBRAAK_DIGID, 'local': s.DOORBRAAK_LOCAL_LOGIN}))"
)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DOORBRAAK_OIDC", "DOORBRAAK_DIGID", "DOORBRAAK_LOCAL"))
    }
    return subprocess.run(
        [sys.executable, "-c", _PRINT],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "doorbraak.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_off_without_a_client_id() -> None:
    result = _settings()
    values = json.loads(result.stdout)
    assert values == {"form_action": ["'self'"], "oidc": None, "digid": None, "local": True}


def test_both_providers_and_their_origins_in_form_action() -> None:
    result = _settings(
        DOORBRAAK_OIDC_CLIENT_ID="doorbraak",
        DOORBRAAK_OIDC_CLIENT_SECRET="geheim",
        DOORBRAAK_OIDC_ISSUER="https://login.gemeente.example/realms/medewerkers/",
        DOORBRAAK_OIDC_GROUPS_CLAIM="groups",
        DOORBRAAK_OIDC_MFA_ACR="urn:gemeente:mfa",
        DOORBRAAK_DIGID_CLIENT_ID="inwoners",
        DOORBRAAK_DIGID_CLIENT_SECRET="geheim2",
        DOORBRAAK_DIGID_ISSUER="https://makelaar.example",
        DOORBRAAK_DIGID_END_SESSION_ENDPOINT="https://uitloggen.makelaar.example/end",
        DOORBRAAK_DIGID_ACCEPTED_ACR="urn:digid:midden,urn:digid:substantieel",
        DOORBRAAK_LOCAL_LOGIN="false",
    )
    values = json.loads(result.stdout)
    assert values["form_action"] == [
        "'self'",
        "https://login.gemeente.example",
        "https://makelaar.example",
        "https://uitloggen.makelaar.example",
    ]
    assert values["oidc"]["issuer"] == "https://login.gemeente.example/realms/medewerkers"
    assert values["oidc"]["groups_claim"] == "groups"
    assert values["oidc"]["mfa_acr"] == ["urn:gemeente:mfa"]
    assert values["digid"]["accepted_acr"] == ["urn:digid:midden", "urn:digid:substantieel"]
    assert values["digid"]["bsn_claim"] == "bsn"
    assert values["local"] is False


def test_local_login_off_needs_single_sign_on() -> None:
    result = _settings(DOORBRAAK_LOCAL_LOGIN="false")
    assert result.returncode != 0
    assert "DOORBRAAK_LOCAL_LOGIN=false needs single sign-on" in result.stderr


def test_a_client_id_without_issuer_stops_start_up() -> None:
    result = _settings(DOORBRAAK_DIGID_CLIENT_ID="inwoners", DOORBRAAK_DIGID_CLIENT_SECRET="x")
    assert result.returncode != 0
    assert "DOORBRAAK_DIGID_ISSUER is required" in result.stderr
