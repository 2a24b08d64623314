from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from doorbraak.accounts.models import District, Membership, Organisation, Role, Team, User
from doorbraak.audit.chain import verify_chain


def counts() -> tuple[int, ...]:
    from doorbraak.households.models import Household, Member, Referral
    from doorbraak.plans.models import Plan

    models = (User, Membership, Organisation, Team, District, Household, Member, Referral, Plan)
    return tuple(m.objects.count() for m in models)


def test_it_creates_the_demo_municipality_with_one_user_per_role(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", "--households", "12", stdout=out)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(District.objects.values_list("name", flat=True)) == {
        "Ondiep/Pijlsweerd",
        "Kanaleneiland",
        "Overvecht",
        "Zuilen",
    }
    shorts = set(Organisation.objects.values_list("short_name", flat=True))
    assert {"UWV", "SVB", "CAK", "CJIB", "DUO", "Toeslagen", "W&I"} <= shorts
    printed = out.getvalue()
    assert "otpauth://totp/" in printed
    assert "professional" in printed


def test_it_is_idempotent(db: None) -> None:
    call_command("seed_demo", "--quiet-logins", "--households", "12")
    first = counts()
    call_command("seed_demo", "--quiet-logins", "--households", "12")
    assert counts() == first
    assert verify_chain().intact
    from doorbraak.households.models import Household, Member

    assert Household.objects.count() >= 5
    # Synthetic BSNs pass the elfproef; they are stored encrypted only.
    assert Member.objects.exclude(bsn_index="").exists()


def test_demo_users_get_a_working_code(db: None) -> None:
    call_command("seed_demo", "--quiet-logins", "--households", "0")
    out = StringIO()
    call_command("demo_totp", "privacy", stdout=out)
    assert out.getvalue()[:6].isdigit()


def test_it_refuses_to_run_in_production(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--quiet-logins", "--households", "0")
    assert User.objects.count() == 0
