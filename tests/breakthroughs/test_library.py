"""The national law library is seeded; administrators keep local rules and route settings."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as global_apps
from django.urls import reverse

from doorbraak.accounts.models import Role
from doorbraak.breakthroughs.admin import ContactProfileForm
from doorbraak.breakthroughs.library import NATIONAL_ARTICLES
from doorbraak.breakthroughs.models import (
    ContactProfile,
    Deviation,
    EscalationSettings,
    Regulation,
    RegulationKind,
)
from tests.conftest import Cast


def _local(municipality: Any, citation: str = "Verordening maatwerk art. 3") -> Regulation:
    return Regulation.objects.create(
        law="Verordening maatwerk",
        article="3",
        citation=citation,
        kind=RegulationKind.LOCAL,
        description="Lokale regel.",
        deviation=Deviation.DISCRETION,
        municipality=municipality,
    )


def _regulation_data(**overrides: Any) -> dict[str, Any]:
    return {
        "law": "Beleidsregels bijzondere bijstand",
        "article": "7",
        "citation": "Beleidsregels bijzondere bijstand art. 7",
        "kind": RegulationKind.POLICY,
        "description": "Eigen woorden.",
        "deviation": Deviation.DISCRETION,
        "url": "",
        "municipality": "",
        **overrides,
    }


# --- the seed -------------------------------------------------------------------------------
def test_the_national_library_is_seeded(db: None) -> None:
    national = Regulation.objects.filter(municipality__isnull=True)
    citations = list(national.values_list("citation", flat=True))
    assert len(citations) >= 25
    assert len(citations) == len(set(citations))
    assert {a.citation for a in NATIONAL_ARTICLES} <= set(citations)
    for must in (
        "Awb art. 4:84",
        "Awb art. 3:4 lid 2",
        "Participatiewet art. 18 lid 1",
        "Participatiewet art. 35",
        "Wmo 2015 art. 2.3.5",
        "Jeugdwet art. 2.3",
        "Faillissementswet art. 288",
    ):
        assert must in citations
    for regulation in national:
        assert regulation.citation
        assert regulation.law
        assert regulation.article
        assert len(regulation.description) > 80, regulation.citation
        assert regulation.kind in RegulationKind.values
        assert regulation.deviation in Deviation.values
        assert regulation.url == "" or regulation.url.startswith(
            "https://wetten.overheid.nl/BWBR"
        ), regulation.citation
    assert Regulation.objects.get(citation="Awb art. 4:84").allows_deviation


def test_the_seed_reverses_to_exactly_its_own_citations(db: None, cast: Cast) -> None:
    module = importlib.import_module("doorbraak.breakthroughs.migrations.0004_seed_law_library")
    own = _local(cast.north)
    extra = Regulation.objects.create(
        law="Andere wet", article="1", citation="Andere wet art. 1", kind="wet", description="x"
    )
    module.unload(global_apps, None)
    assert set(Regulation.objects.values_list("pk", flat=True)) == {own.pk, extra.pk}
    module.load(global_apps, None)
    module.load(global_apps, None)  # idempotent
    assert (
        Regulation.objects.filter(municipality__isnull=True).count() == len(NATIONAL_ARTICLES) + 1
    )


# --- the law library in the admin -------------------------------------------------------------
def test_the_admin_adds_a_local_regulation_for_the_own_municipality(
    as_user: Any, cast: Cast
) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:breakthroughs_regulation_add")
    response = client.post(url, _regulation_data(municipality=cast.north.pk))
    assert response.status_code == 302
    added = Regulation.objects.get(citation="Beleidsregels bijzondere bijstand art. 7")
    assert added.municipality == cast.north

    # Not for another municipality, and not as a national article.
    before = Regulation.objects.count()
    for municipality in (cast.south.pk, ""):
        response = client.post(
            url, _regulation_data(citation="Andere regel art. 1", municipality=municipality)
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert Regulation.objects.count() == before

    # The same citation twice in one municipality is refused with a message, not a 500.
    response = client.post(url, _regulation_data(municipality=cast.north.pk))
    assert response.status_code == 200
    assert Regulation.objects.count() == before


def test_the_admin_reads_but_cannot_change_a_national_article(as_user: Any, cast: Cast) -> None:
    national = Regulation.objects.get(citation="Awb art. 4:84")
    client = as_user(cast.ivan)
    url = reverse("admin:breakthroughs_regulation_change", args=[national.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = client.post(url, {"description": "Overschreven."})
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.description != "Overschreven."
    delete = reverse("admin:breakthroughs_regulation_delete", args=[national.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Regulation.objects.filter(pk=national.pk).exists()


def test_the_admin_edits_own_local_rules_and_never_sees_another_municipality(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    own = _local(cast.north, "Verordening Noord art. 1")
    other = _local(cast.south, "Verordening Zuid art. 1")
    client = as_user(cast.ivan)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("admin:breakthroughs_regulation_changelist")).content.decode()
    assert "Verordening Noord art. 1" in body
    assert "Awb art. 4:84" in body
    assert "Verordening Zuid art. 1" not in body
    response = client.get(reverse("admin:breakthroughs_regulation_change", args=[other.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("admin:breakthroughs_regulation_change", args=[own.pk]),
        _regulation_data(citation=own.citation, municipality=cast.north.pk),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.kind == RegulationKind.POLICY


def test_only_administrators_get_into_the_library_admin(as_user: Any, cast: Cast) -> None:
    for persona in (cast.alice, cast.dave, cast.heidi, cast.mallory):
        for name in (
            "admin:breakthroughs_regulation_changelist",
            "admin:breakthroughs_escalationsettings_changelist",
            "admin:breakthroughs_contactprofile_changelist",
        ):
            response = as_user(persona).get(reverse(name))
            assert response.status_code == 302, (persona, name)


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
