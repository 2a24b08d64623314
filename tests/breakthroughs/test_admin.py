"""Administrators keep the escalation deadlines and the partner directory (mandates)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from doorbraak.accounts.models import Role
from doorbraak.breakthroughs.admin import ContactProfileForm
from doorbraak.breakthroughs.models import ContactProfile, EscalationSettings
from tests.conftest import Cast


# --- escalation deadlines -------------------------------------------------------------------------
def _settings_data(municipality: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "municipality": municipality.pk,
        "own_mandate_days": 5,
        "partner_days": 10,
        "table_days": 15,
        "administrative_days": 20,
        "reminder_days_before": 2,
        **overrides,
    }


def test_escalation_deadlines_refuse_zero_days(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:breakthroughs_escalationsettings_add")
    response = client.post(url, _settings_data(cast.north, partner_days=0))
    assert response.status_code == 200
    assert "partner_days" in response.context["adminform"].form.errors
    assert not EscalationSettings.objects.exists()
    response = client.post(url, _settings_data(cast.south))
    assert response.status_code == 200
    assert not EscalationSettings.objects.exists()
    assert client.post(url, _settings_data(cast.north)).status_code == 302
    assert EscalationSettings.objects.get().municipality == cast.north
    # One per municipality.
    response = client.post(url, _settings_data(cast.north, table_days=3))
    assert response.status_code == 200
    assert EscalationSettings.objects.count() == 1


def test_escalation_deadlines_of_another_municipality_stay_hidden(as_user: Any, cast: Cast) -> None:
    other = EscalationSettings.objects.create(municipality=cast.south)
    client = as_user(cast.ivan)
    body = client.get(reverse("admin:breakthroughs_escalationsettings_changelist"))
    assert "Gemeente Zuid" not in body.content.decode()
    response = client.get(reverse("admin:breakthroughs_escalationsettings_change", args=[other.pk]))
    assert response.status_code == 302


# --- partner directory ---------------------------------------------------------------------------
def test_a_mandate_is_only_for_a_partner_contact(as_user: Any, cast: Cast) -> None:
    dave = cast.dave.memberships.get(role=Role.PARTNER_CONTACT)
    alice = cast.alice.memberships.get()
    client = as_user(cast.ivan)
    url = reverse("admin:breakthroughs_contactprofile_add")
    data = {"mandate": "Invordering 6 maanden stoppen.", "max_amount_cents": "", "phone": ""}
    response = client.post(url, {**data, "membership": alice.pk})
    assert response.status_code == 200
    assert "membership" in response.context["adminform"].form.errors
    assert not ContactProfile.objects.exists()
    assert client.post(url, {**data, "membership": dave.pk}).status_code == 302
    assert ContactProfile.objects.get().membership == dave

    form = ContactProfileForm(data={**data, "membership": alice.pk})
    assert not form.is_valid()
    assert form.errors["membership"][0]
    assert form.has_error("membership", code="not_partner_contact")


def test_mandates_of_another_municipality_stay_hidden(as_user: Any, cast: Cast) -> None:
    from tests.factories import MembershipFactory, UserFactory

    partner_south = MembershipFactory(
        user=UserFactory(username="petra"),
        role=Role.PARTNER_CONTACT,
        organisation=cast.uwv,
        municipality=cast.south,
    )
    other = ContactProfile.objects.create(membership=partner_south, mandate="Zuid")
    client = as_user(cast.ivan)
    body = client.get(reverse("admin:breakthroughs_contactprofile_changelist")).content.decode()
    assert "petra" not in body
    response = client.get(reverse("admin:breakthroughs_contactprofile_change", args=[other.pk]))
    assert response.status_code == 302
    # Nor can a profile be added for that membership.
    response = client.post(
        reverse("admin:breakthroughs_contactprofile_add"),
        {"membership": partner_south.pk, "mandate": "x", "max_amount_cents": "", "phone": ""},
    )
    assert response.status_code == 200
    assert ContactProfile.objects.count() == 1
