"""Headers, security.txt and the production configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.conftest import Cast

REPO = Path(__file__).resolve().parents[2]


def test_security_txt_follows_rfc_9116(client: Client, db: None) -> None:
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Contact: mailto:" in body
    assert "Expires: " in body
    assert "Preferred-Languages: nl, en" in body


def test_pages_carry_a_strict_content_security_policy(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.alice).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "<script>" not in body  # no inline scripts at all
    assert " style=" not in body


def test_the_session_cookie_is_http_only_and_short_lived(client: Client, cast: Cast) -> None:
    from tests.factories import PASSWORD

    response = client.post("/inloggen", {"username": "alice", "password": PASSWORD})
    cookie = response.cookies["doorbraak_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def production_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DOORBRAAK_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(
        DOORBRAAK_ENVIRONMENT="production",
        DOORBRAAK_SECRET_KEY="t3st-" + "k9#Qz7!pL2" * 6,
        DOORBRAAK_ALLOWED_HOSTS="doorbraak.example",
        DOORBRAAK_AUDIT_CHAIN_KEY="test-audit-chain-key-of-sufficient-length",
        DOORBRAAK_FIELD_ENCRYPTION_KEY="dGVzdC1maWVsZC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
        DOORBRAAK_BLIND_INDEX_KEY="test-blind-index-key-of-sufficient-length",
        DOORBRAAK_PSEUDONYM_KEY="test-pseudonym-key-of-sufficient-length",
        DOORBRAAK_SEARCH_HASH_KEY="test-search-hash-key-of-sufficient-length",
    )
    return env


def test_check_deploy_is_clean_on_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets() -> None:
    env = production_env()
    del env["DOORBRAAK_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "DOORBRAAK_SECRET_KEY is required" in result.stderr


def test_favicon_ico_points_at_the_svg_icon(client: Client, db: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")


def test_every_page_links_the_favicon(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    body = as_user(cast.alice).get("/").content.decode()
    assert 'rel="icon"' in body
    assert "favicon.svg" in body
