"""The national law library is seeded; administrators keep local rules."""

from __future__ import annotations

import importlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from doorbraak.library.models import Deviation, Regulation, RegulationKind
from doorbraak.library.seed import NATIONAL_ARTICLES
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
    # The seed ran when the library still lived in the breakthroughs app: run it in that state.
    state = MigrationLoader(connection).project_state(("breakthroughs", "0004_seed_law_library"))
    module.unload(state.apps, None)
    assert set(Regulation.objects.values_list("pk", flat=True)) == {own.pk, extra.pk}
    module.load(state.apps, None)
    module.load(state.apps, None)  # idempotent
    assert (
        Regulation.objects.filter(municipality__isnull=True).count() == len(NATIONAL_ARTICLES) + 1
    )


# --- the law library in the admin -------------------------------------------------------------
def test_the_admin_adds_a_local_regulation_for_the_own_municipality(
    as_user: Any, cast: Cast
) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:library_regulation_add")
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
    url = reverse("admin:library_regulation_change", args=[national.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = client.post(url, {"description": "Overschreven."})
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.description != "Overschreven."
    delete = reverse("admin:library_regulation_delete", args=[national.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Regulation.objects.filter(pk=national.pk).exists()


def test_the_admin_edits_own_local_rules_and_never_sees_another_municipality(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    own = _local(cast.north, "Verordening Noord art. 1")
    other = _local(cast.south, "Verordening Zuid art. 1")
    client = as_user(cast.ivan)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("admin:library_regulation_changelist")).content.decode()
    assert "Verordening Noord art. 1" in body
    assert "Awb art. 4:84" in body
    assert "Verordening Zuid art. 1" not in body
    response = client.get(reverse("admin:library_regulation_change", args=[other.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("admin:library_regulation_change", args=[own.pk]),
        _regulation_data(citation=own.citation, municipality=cast.north.pk),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.kind == RegulationKind.POLICY


def test_only_administrators_get_into_the_library_admin(as_user: Any, cast: Cast) -> None:
    for persona in (cast.alice, cast.dave, cast.heidi, cast.mallory):
        for name in (
            "admin:library_regulation_changelist",
            "admin:breakthroughs_escalationsettings_changelist",
            "admin:breakthroughs_contactprofile_changelist",
        ):
            response = as_user(persona).get(reverse(name))
            assert response.status_code == 302, (persona, name)


# --- the move from the breakthroughs app -------------------------------------------------------
def test_the_library_kept_its_table_and_its_content_type_follows_the_model(db: None) -> None:
    assert Regulation._meta.db_table == "breakthroughs_regulation"
    assert ContentType.objects.get_for_model(Regulation).app_label == "library"
    assert not ContentType.objects.filter(app_label="breakthroughs", model="regulation").exists()


def test_the_urls_of_the_library_stayed_where_they_were() -> None:
    assert reverse("library:regulations") == "/bibliotheek/wetten/"
    assert reverse("api:regulation-list") == "/api/v1/regulations"
    assert reverse("api:cost-item-list") == "/api/v1/cost-items"
