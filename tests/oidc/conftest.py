"""A real OpenID Connect provider for the sign-in tests: ``tests/oidc/provider.mjs`` (the npm
package oidc-provider, installed by ``make setup``) in a Node process on 127.0.0.1.

One provider per test session (per xdist worker), on the first free port of
``DOORBRAAK_TEST_OIDC_PORTS`` (default 8116-8119), stopped by its pid at the end
(``start_provider``, which the DigiD browser test uses too, with its own clients). Each test
sets the provider's accounts and behaviour (``OidcProvider.configure``) and points
``settings.DOORBRAAK_OIDC`` / ``DOORBRAAK_DIGID`` at it. The browser's side of the flow (the
provider's pages) is driven with ``requests``; Doorbraak's side with Django's test client.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client

from doorbraak.lib.oidc import forget_discovery

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "oidc" / "provider.mjs"
TESTSERVER = "http://testserver"
STAFF_CLIENT = "doorbraak-medewerkers"
RESIDENT_CLIENT = "doorbraak-inwoners"


def ports(default: str = "8116-8119") -> list[int]:
    """The ports to try: ``DOORBRAAK_TEST_OIDC_PORTS`` ("first-last"), else ``default``."""
    first, _, last = os.environ.get("DOORBRAAK_TEST_OIDC_PORTS", default).partition("-")
    return list(range(int(first), int(last or first) + 1))


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class OidcProvider:
    issuer: str
    admin_token: str
    process: subprocess.Popen[bytes]
    secrets: dict[str, str] = field(default_factory=dict)

    def configure(
        self,
        *,
        accounts: dict[str, dict[str, Any]],
        id_token_ttl: int = 600,
        audience: str | None = None,
    ) -> None:
        """The provider's accounts (id -> {"claims": …, "acr": …, "amr": […]}) and answers."""
        response = requests.post(
            f"{self.issuer}/__test__/state",
            json={"accounts": accounts, "idTokenTtl": id_token_ttl, "audience": audience},
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )
        response.raise_for_status()

    def settings_for(self, client_id: str, **extra: Any) -> dict[str, Any]:
        """A ``DOORBRAAK_OIDC``-like setting for this provider (endpoints by discovery)."""
        return {
            "issuer": self.issuer,
            "discovery_url": "",
            "authorization_endpoint": "",
            "token_endpoint": "",
            "userinfo_endpoint": "",
            "jwks_uri": "",
            "end_session_endpoint": "",
            "client_id": client_id,
            "client_secret": self.secrets[client_id],
            "scopes": "openid",
            "sign_algo": "RS256",
            "acr_values": "",
            "leeway_seconds": 0,
            "timeout_seconds": 10,
            **extra,
        }


@contextmanager
def start_provider(clients: list[dict[str, Any]], ports: list[int]) -> Iterator[OidcProvider]:
    """A provider for these clients (client_id, redirect_uris, post_logout_redirect_uris; a
    client secret is made for each) on the first free one of ``ports``, stopped by its pid
    when the block ends."""
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("Node.js and node_modules/oidc-provider are needed: run `make setup`.")
    client_secrets = {client["client_id"]: secrets.token_urlsafe(24) for client in clients}
    admin_token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OIDC_TEST_ADMIN_TOKEN": admin_token,
        "OIDC_TEST_CLIENTS": json.dumps(
            [{**client, "client_secret": client_secrets[client["client_id"]]} for client in clients]
        ),
    }
    for port in ports:
        if not _free(port):
            continue
        process = subprocess.Popen(
            [node, str(SCRIPT), str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline().decode() if ready else ""
        if line.startswith("ready "):
            try:
                yield OidcProvider(
                    issuer=line.split()[1],
                    admin_token=admin_token,
                    process=process,
                    secrets=client_secrets,
                )
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            return
        process.kill()
        process.wait()
    pytest.fail(f"The test OpenID Connect provider could not start on ports {ports}.")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    clients = [
        {
            "client_id": STAFF_CLIENT,
            "redirect_uris": [f"{TESTSERVER}/inloggen/sso/terug"],
            "post_logout_redirect_uris": [f"{TESTSERVER}/inloggen"],
        },
        {
            "client_id": RESIDENT_CLIENT,
            "redirect_uris": [f"{TESTSERVER}/mijn/callback/"],
            "post_logout_redirect_uris": [f"{TESTSERVER}/mijn/inloggen/"],
        },
    ]
    with start_provider(clients, ports()) as provider:
        yield provider


@pytest.fixture
def provider(oidc_provider: OidcProvider) -> Iterator[OidcProvider]:
    """The session's provider, with no accounts and default answers for this test."""
    forget_discovery()
    oidc_provider.configure(accounts={})
    yield oidc_provider
    forget_discovery()


_FORM = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<(?:input|button)([^>]*)>", re.I)
_ATTR = re.compile(r"(\w+)=\"([^\"]*)\"")


def _form(html: str) -> tuple[str, dict[str, str]]:
    """The first form of a page: its action and the named fields' values."""
    match = _FORM.search(html)
    assert match is not None, html[:500]
    fields: dict[str, str] = {}
    for tag in _INPUT.finditer(match.group(2)):
        attributes = dict(_ATTR.findall(tag.group(1)))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return unescape(match.group(1)), fields


class Browser:
    """The browser's trips to the provider (``requests``, cookies kept) and to Doorbraak
    (the Django test client): redirects are followed by hand, across the two."""

    def __init__(self, client: Client, provider: OidcProvider) -> None:
        self.client = client
        self.provider = provider
        self.session = requests.Session()

    def _follow_provider(self, url: str) -> requests.Response | str:
        """Follow the provider's redirects; a redirect to Doorbraak is returned as its URL."""
        response = self.session.get(url, allow_redirects=False, timeout=10)
        while response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(TESTSERVER):
                return location
            response = self.session.get(location, allow_redirects=False, timeout=10)
        return response

    def _submit(self, page: requests.Response, values: dict[str, str]) -> requests.Response | str:
        action, fields = _form(page.text)
        response = self.session.post(
            urljoin(page.url, action), data={**fields, **values}, allow_redirects=False, timeout=10
        )
        while response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(TESTSERVER):
                return location
            response = self.session.get(location, allow_redirects=False, timeout=10)
        return response

    def callback_path(self, start_path: str, account: str) -> str:
        """From Doorbraak's start page through the provider's log-in: the path (with the
        code and state) the provider sends the browser back to."""
        start = self.client.get(start_path)
        assert start.status_code == 302, start.status_code
        step = self._follow_provider(start["Location"])
        if not isinstance(step, str):  # the provider's log-in page
            assert step.status_code == 200, step.text[:300]
            step = self._submit(step, {"login": account})
        assert isinstance(step, str), getattr(step, "text", "")[:300]
        return _path(step)

    def sign_in(self, start_path: str, account: str) -> Any:
        """The whole sign-in: the response of Doorbraak's callback."""
        return self.client.get(self.callback_path(start_path, account))

    def provider_logout(self, location: str) -> str:
        """Confirm the log-out at the provider's end-session page; the URL it sends the
        browser back to."""
        page = self._follow_provider(location)
        assert not isinstance(page, str), page
        assert page.status_code == 200, page.text[:300]
        back = self._submit(page, {"logout": "yes"})
        assert isinstance(back, str), getattr(back, "text", "")[:300]
        return back

    def provider_asks_log_in(self, start_path: str) -> bool:
        """Whether a new sign-in (from a fresh Doorbraak session, with this browser's
        provider cookies) shows the provider's log-in page: no session left there."""
        start = Client().get(start_path)
        step = self._follow_provider(start["Location"])
        return not isinstance(step, str)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def browser(client: Client, provider: OidcProvider) -> Browser:
    return Browser(client, provider)
