"""The cost catalogue: sourced national seed, the figure that counts, CSV import/export, admin."""

from __future__ import annotations

import csv
import datetime
import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation

from doorbraak.accounts.models import Municipality
from doorbraak.catalogue import services
from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.catalogue.seed import NATIONAL_SEED
from doorbraak.catalogue.selectors import cost_item_for, cost_item_list
from tests.conftest import Cast
from tests.factories import UserFactory

HEADER = "code;name;unit;amount_eur;payer;source;source_url;valid_year;note\n"
GOOD_ROW = "test-opvang;Testopvang;jaar;1.234,56;gemeente;CBS (2024), Testbron;;2024;indicatief\n"

seed_migration = importlib.import_module("doorbraak.outcomes.migrations.0002_seed_cost_catalogue")


def item(code: str = "test-item", **kwargs: Any) -> CostItem:
    values: dict[str, Any] = {
        "name": "Testpost",
        "unit": CostUnit.YEAR,
        "amount_cents": 100_00,
        "payer": Payer.MUNICIPALITY,
        "source": "Testbron (2024)",
        "valid_year": 2024,
        "municipality": None,
        **kwargs,
    }
    return CostItem.objects.create(code=code, **values)


def csv_file(*rows: str) -> io.StringIO:
    return io.StringIO(HEADER + "".join(rows))


# --- the seed --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_national_seed_is_present_after_migrate_and_every_figure_has_a_source() -> None:
    national = CostItem.objects.filter(municipality__isnull=True)
    assert national.count() >= len(NATIONAL_SEED) >= 12
    for seed in NATIONAL_SEED:
        row = national.get(code=seed.code, valid_year=seed.valid_year)
        assert row.amount_cents == seed.amount_cents > 0
        assert row.source.strip()
        assert row.unit in CostUnit.values
        assert row.payer in Payer.values
        assert 2000 <= row.valid_year <= 2100
    codes = {seed.code for seed in NATIONAL_SEED}
    for required in (
        "huisuitzetting-corporatie",
        "huisuitzetting-maatschappij",
        "maatschappelijke-opvang",
        "bijstand-alleenstaande",
        "schuldhulpverlening-traject",
        "beschermingsbewind",
        "uithuisplaatsing-kind",
        "leerlingenvervoer",
        "auto-vaste-lasten",
        "cjib-verhoging-boete-100",
        "huurachterstand-maand",
        "jeugdhulp-client",
    ):
        assert required in codes


def test_the_migration_holds_a_copy_of_the_catalogue_by_value() -> None:
    seeded = {(row["code"], row["valid_year"]): row for row in seed_migration.SEED}
    assert len(seeded) == len(NATIONAL_SEED)
    for seed in NATIONAL_SEED:
        row = seeded[(seed.code, seed.valid_year)]
        assert row["amount_cents"] == seed.amount_cents
        assert row["source"] == seed.source


@pytest.mark.django_db
def test_reversing_the_seed_deletes_exactly_the_seeded_rows(cast: Cast) -> None:
    own = item("huisuitzetting-corporatie", municipality=cast.north, valid_year=2023)
    extra = item("eigen-post")
    # The seed ran when the catalogue still lived in the outcomes app: run it in that state.
    state = MigrationLoader(connection).project_state(("outcomes", "0002_seed_cost_catalogue"))
    seed_migration.unseed(state.apps, None)
    assert not CostItem.objects.filter(code="bijstand-alleenstaande").exists()
    assert CostItem.objects.filter(pk__in=[own.pk, extra.pk]).count() == 2
    seed_migration.seed(state.apps, None)
    assert CostItem.objects.filter(municipality__isnull=True).count() == len(NATIONAL_SEED) + 1


# --- selectors -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_figure_that_counts_is_the_newest_up_to_that_year(cast: Cast) -> None:
    old = item("post", valid_year=2020)
    new = item("post", valid_year=2024)
    later = item("post", valid_year=2026)
    assert cost_item_for(code="post", municipality=None, on=datetime.date(2025, 3, 1)) == new
    assert cost_item_for(code="post", municipality=cast.north, on=datetime.date(2024, 1, 1)) == new
    assert cost_item_for(code="post", municipality=None, on=datetime.date(2022, 6, 1)) == old
    assert cost_item_for(code="post", municipality=None, on=datetime.date(2030, 1, 1)) == later
    # Everything is later than the date: the oldest available figure.
    assert cost_item_for(code="post", municipality=None, on=datetime.date(2010, 1, 1)) == old
    assert cost_item_for(code="unknown", municipality=None, on=datetime.date(2025, 1, 1)) is None


@pytest.mark.django_db
def test_a_municipality_s_own_figure_wins_over_the_national_one(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    national = item("post", valid_year=2024)
    own = item("post", valid_year=2023, municipality=cast.north, amount_cents=5_00)
    item("post", valid_year=2024, municipality=cast.south, amount_cents=7_00)
    on = datetime.date(2025, 1, 1)
    with django_assert_max_num_queries(1):
        assert cost_item_for(code="post", municipality=cast.north, on=on) == own
    assert cost_item_for(code="post", municipality=cast.south, on=on).amount_cents == 7_00  # type: ignore[union-attr]
    assert cost_item_for(code="post", municipality=None, on=on) == national
    other = Municipality.objects.create(name="Gemeente West", code="0303")
    assert cost_item_for(code="post", municipality=other, on=on) == national
    # The own figure only counts from its year: before that the national one does.
    item("post2", valid_year=2020)
    item("post2", valid_year=2026, municipality=cast.north)
    found = cost_item_for(code="post2", municipality=cast.north, on=on)
    assert found is not None
    assert found.municipality_id is None


@pytest.mark.django_db
def test_the_list_shows_national_and_own_figures_only(cast: Cast) -> None:
    own = item("eigen", municipality=cast.north, name="Eigen post Noord")
    other = item("ander", municipality=cast.south, name="Post Zuid")
    visible = list(cost_item_list(user=cast.alice))
    assert own in visible
    assert other not in visible
    assert any(row.code == "bijstand-alleenstaande" for row in visible)
    assert list(cost_item_list(user=cast.alice, query="Noord")) == [own]
    assert all(row.valid_year == 2025 for row in cost_item_list(user=cast.alice, year=2025))
    assert list(cost_item_list(user=cast.mallory, query="Noord")) == []


# --- import and export -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_imports_figures_for_the_own_municipality(cast: Cast) -> None:
    existing = item("bestaand", municipality=cast.north, amount_cents=1_00, valid_year=2024)
    result = services.cost_items_import_csv(
        actor=cast.ivan,
        municipality=cast.north,
        file=csv_file(
            GOOD_ROW,
            "bestaand;Bestaande post;maand;99.5;huishouden;Nibud (2024);https://www.nibud.nl/;2024;\n",
            "\n",
        ),
    )
    assert (result.created, result.updated, result.total) == (1, 1, 2)
    created = CostItem.objects.get(code="test-opvang", municipality=cast.north)
    assert created.amount_cents == 1_234_56
    assert created.unit == CostUnit.YEAR
    assert created.note == "indicatief"
    existing.refresh_from_db()
    assert existing.amount_cents == 99_50
    assert existing.unit == CostUnit.MONTH
    assert existing.source_url == "https://www.nibud.nl/"
    assert not CostItem.objects.filter(code="test-opvang", municipality__isnull=True).exists()


@pytest.mark.django_db
def test_export_and_import_round_trip(cast: Cast) -> None:
    item(
        "rond",
        name='Ronde; post met "aanhalingstekens"',
        amount_cents=1_234_567_89,
        municipality=cast.north,
        note="regel 1\nregel 2",
        source_url="https://example.org/a",
    )
    items = CostItem.objects.filter(municipality=cast.north)
    exported = services.cost_items_export_csv(items=items)
    assert exported.startswith(HEADER.strip())
    assert "1234567,89" in exported
    before = {
        (i.code, i.valid_year): (
            i.name,
            i.unit,
            i.amount_cents,
            i.payer,
            i.source,
            i.source_url,
            i.note,
        )
        for i in items
    }
    result = services.cost_items_import_csv(
        actor=cast.ivan, municipality=cast.north, file=io.StringIO(exported)
    )
    assert (result.created, result.updated) == (0, 1)
    after = {
        (i.code, i.valid_year): (
            i.name,
            i.unit,
            i.amount_cents,
            i.payer,
            i.source,
            i.source_url,
            i.note,
        )
        for i in CostItem.objects.filter(municipality=cast.north)
    }
    assert after == before
    # The national seed round-trips too (operator import into another municipality).
    seed_csv = services.cost_items_export_csv(items=CostItem.objects.filter(municipality=None))
    services.cost_items_import_csv(
        actor=UserFactory(is_superuser=True), municipality=cast.south, file=io.StringIO(seed_csv)
    )
    assert CostItem.objects.filter(municipality=cast.south).count() == len(NATIONAL_SEED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row",
    [
        "neg;Negatief;jaar;-10;gemeente;Bron;;2024;\n",
        "nul;Nul;jaar;0;gemeente;Bron;;2024;\n",
        "unit;Eenheid;week;10;gemeente;Bron;;2024;\n",
        "payer;Betaler;jaar;10;buurman;Bron;;2024;\n",
        "nosource;Geen bron;jaar;10;gemeente;;;2024;\n",
        "year;Jaar;jaar;10;gemeente;Bron;;1999;\n",
        "year2;Jaar;jaar;10;gemeente;Bron;;volgend jaar;\n",
        "nan;Geen getal;jaar;tien euro;gemeente;Bron;;2024;\n",
        "cents;Te precies;jaar;10,001;gemeente;Bron;;2024;\n",
        "met spatie;Code;jaar;10;gemeente;Bron;;2024;\n",
        "url;Adres;jaar;10;gemeente;Bron;geen-adres;2024;\n",
        ";Geen code;jaar;10;gemeente;Bron;;2024;\n",
        GOOD_ROW,  # the same code and year twice
    ],
)
def test_a_bad_row_refuses_the_whole_file_and_names_the_line(cast: Cast, bad_row: str) -> None:
    before = CostItem.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.cost_items_import_csv(
            actor=cast.ivan, municipality=cast.north, file=csv_file(GOOD_ROW, bad_row)
        )
    assert len(raised.value.messages) == 1
    assert "3:" in raised.value.messages[0]  # line 1 is the header, line 2 the good row
    assert CostItem.objects.count() == before


@pytest.mark.django_db
def test_every_bad_line_is_listed(cast: Cast) -> None:
    with pytest.raises(ValidationError) as raised:
        services.cost_items_import_csv(
            actor=cast.ivan,
            municipality=cast.north,
            file=csv_file("a;A;jaar;-1;gemeente;Bron;;2024;\n", GOOD_ROW, "b;B;x;1;y;;;3000;\n"),
        )
    messages = raised.value.messages
    assert len(messages) == 2
    assert "2:" in messages[0]
    assert "4:" in messages[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    ["", HEADER, "code,name,unit\nx,y,z\n", "code;name\nx;y\n"],
)
def test_a_file_without_rows_or_columns_is_refused(cast: Cast, content: str) -> None:
    with pytest.raises(ValidationError):
        services.cost_items_import_csv(
            actor=cast.ivan, municipality=cast.north, file=io.StringIO(content)
        )


@pytest.mark.django_db
def test_only_functional_admins_import_and_only_for_their_municipality(cast: Cast) -> None:
    before = CostItem.objects.count()
    for actor, municipality in (
        (cast.alice, cast.north),
        (cast.heidi, cast.north),
        (cast.ivan, cast.south),
        (cast.ivan, None),  # national figures: only the operator
    ):
        with pytest.raises(PermissionDenied):
            services.cost_items_import_csv(
                actor=actor, municipality=municipality, file=csv_file(GOOD_ROW)
            )
    assert CostItem.objects.count() == before
    operator = UserFactory(is_superuser=True)
    result = services.cost_items_import_csv(
        actor=operator, municipality=None, file=csv_file(GOOD_ROW)
    )
    assert result.created == 1
    assert CostItem.objects.filter(code="test-opvang", municipality__isnull=True).exists()


# --- admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sees_national_and_own_rows_but_not_another_municipality(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    own = item("eigen", municipality=cast.north, name="Eigen post Noord")
    other = item("ander", municipality=cast.south, name="Geheime post Zuid")
    client = as_user(cast.ivan)
    url = reverse("admin:catalogue_costitem_changelist")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Eigen post Noord" in body
    assert "Huisuitzetting" in body
    assert "Geheime post Zuid" not in body
    assert "€ 16.145,40" in body
    assert reverse("admin:catalogue_costitem_import") in body
    assert reverse("admin:catalogue_costitem_export") in body
    assert client.get(reverse("admin:catalogue_costitem_change", args=[own.pk])).status_code == 200
    response = client.get(reverse("admin:catalogue_costitem_change", args=[other.pk]))
    assert response.status_code in (302, 404)
    assert client.get(url, {"q": "Geheime"}).content.decode().count("Geheime post Zuid") == 0
    filtered = client.get(url, {"valid_year": "2025"}).content.decode()
    assert reverse("admin:catalogue_costitem_export") + "?valid_year=2025" in filtered


@pytest.mark.django_db
def test_national_rows_are_read_only_for_a_functional_admin(as_user: Any, cast: Cast) -> None:
    national = CostItem.objects.get(code="bijstand-alleenstaande", valid_year=2025)
    client = as_user(cast.ivan)
    url = reverse("admin:catalogue_costitem_change", args=[national.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="amount_cents"' not in response.content.decode()  # shown, not editable
    response = client.post(url, {"code": national.code, "amount_cents": 1})
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.amount_cents == 1_614_540
    delete = client.post(
        reverse("admin:catalogue_costitem_delete", args=[national.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert CostItem.objects.filter(pk=national.pk).exists()


@pytest.mark.django_db
def test_a_functional_admin_cannot_add_a_national_row(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    data = {
        "code": "nieuw",
        "name": "Nieuwe post",
        "unit": CostUnit.YEAR,
        "amount_cents": 100,
        "payer": Payer.MUNICIPALITY,
        "valid_year": 2025,
        "municipality": "",
        "source": "Bron",
        "source_url": "",
        "note": "",
    }
    url = reverse("admin:catalogue_costitem_add")
    assert client.post(url, data).status_code == 200
    assert not CostItem.objects.filter(code="nieuw").exists()
    assert client.post(url, {**data, "municipality": cast.south.pk}).status_code == 200
    assert not CostItem.objects.filter(code="nieuw").exists()
    assert client.post(url, {**data, "municipality": cast.north.pk}).status_code == 302
    assert CostItem.objects.get(code="nieuw").municipality == cast.north


@pytest.mark.django_db
def test_other_roles_do_not_get_into_the_cost_admin(as_user: Any, cast: Cast) -> None:
    for persona in (cast.alice, cast.heidi, cast.dave, cast.mallory):
        client = as_user(persona)
        for name in ("changelist", "import", "export"):
            response = client.get(reverse(f"admin:catalogue_costitem_{name}"))
            assert response.status_code in (302, 403), (persona, name)
    before = CostItem.objects.count()
    upload = SimpleUploadedFile("k.csv", (HEADER + GOOD_ROW).encode(), "text/csv")
    response = as_user(cast.alice).post(
        reverse("admin:catalogue_costitem_import"), {"municipality": cast.north.pk, "file": upload}
    )
    assert response.status_code in (302, 403)
    assert CostItem.objects.count() == before


@pytest.mark.django_db
def test_the_admin_imports_a_csv_upload(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:catalogue_costitem_import")
    page = client.get(url)
    assert page.status_code == 200
    assert "amount_eur" in page.content.decode()
    upload = SimpleUploadedFile("k.csv", ("\ufeff" + HEADER + GOOD_ROW).encode("utf-8"), "text/csv")
    response = client.post(url, {"municipality": cast.north.pk, "file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:catalogue_costitem_changelist")
    assert CostItem.objects.get(code="test-opvang").municipality == cast.north


@pytest.mark.django_db
def test_admin_import_errors_are_shown_and_nothing_is_saved(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:catalogue_costitem_import")
    before = CostItem.objects.count()
    bad = SimpleUploadedFile(
        "k.csv", (HEADER + GOOD_ROW + "x;X;jaar;-5;gemeente;Bron;;2024;\n").encode(), "text/csv"
    )
    response = client.post(url, {"municipality": cast.north.pk, "file": bad})
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("3:" in m for m in shown)
    assert CostItem.objects.count() == before
    latin1 = SimpleUploadedFile(
        "k.csv", (HEADER + "é;É;jaar;1;gemeente;Bron;;2024;\n").encode("latin-1")
    )
    response = client.post(url, {"municipality": cast.north.pk, "file": latin1})
    assert response.status_code == 200
    assert response.context["form"].errors
    # Another municipality is not among the choices.
    response = client.post(
        url,
        {
            "municipality": cast.south.pk,
            "file": SimpleUploadedFile("k.csv", (HEADER + GOOD_ROW).encode()),
        },
    )
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert CostItem.objects.count() == before


@pytest.mark.django_db
def test_the_admin_exports_what_it_may_see(as_user: Any, cast: Cast) -> None:
    item("eigen", municipality=cast.north, name="Eigen post Noord", valid_year=2025)
    item("ander", municipality=cast.south, name="Geheime post Zuid", valid_year=2025)
    client = as_user(cast.ivan)
    response = client.get(reverse("admin:catalogue_costitem_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.startswith(HEADER.strip())
    assert "Eigen post Noord" in body
    assert "Huisuitzetting" in body
    assert "Geheime post Zuid" not in body
    only_2025 = client.get(reverse("admin:catalogue_costitem_export"), {"valid_year": "2025"})
    lines = only_2025.content.decode("utf-8-sig").strip().splitlines()[1:]
    assert lines
    assert all(";2025;" in line for line in lines)


# --- formulas in the CSV ---------------------------------------------------------------
FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_a_planted_formula_is_exported_as_text_and_imported_back_unchanged(cast: Cast) -> None:
    item(
        "geplant",
        municipality=cast.north,
        name=FORMULA,
        source='=HYPERLINK("https://example.org/x","bron")',
        note="@SUM(A1:A9)",
    )
    items = CostItem.objects.filter(municipality=cast.north)
    exported = services.cost_items_export_csv(items=items)
    row = next(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert row["name"] == "'" + FORMULA
    assert row["source"].startswith("'=HYPERLINK(")
    assert row["note"] == "'@SUM(A1:A9)"
    assert row["amount_eur"] == "100,00"  # numbers stay numbers
    result = services.cost_items_import_csv(
        actor=cast.ivan, municipality=cast.north, file=io.StringIO(exported)
    )
    assert (result.created, result.updated) == (0, 1)
    again = CostItem.objects.get(code="geplant", municipality=cast.north)
    assert (again.name, again.source, again.note) == (
        FORMULA,
        '=HYPERLINK("https://example.org/x","bron")',
        "@SUM(A1:A9)",
    )


@pytest.mark.django_db
def test_the_admin_export_writes_a_planted_formula_as_text(as_user: Any, cast: Cast) -> None:
    item("geplant", municipality=cast.north, name=FORMULA, valid_year=2025)
    response = as_user(cast.ivan).get(
        reverse("admin:catalogue_costitem_export"), {"valid_year": "2025"}
    )
    body = response.content.decode("utf-8-sig")
    assert "'" + FORMULA in body
    assert ";" + FORMULA not in body


# --- what the admin upload accepts -------------------------------------------------------
def _post_upload(as_user: Any, cast: Cast, upload: SimpleUploadedFile) -> Any:
    return as_user(cast.ivan).post(
        reverse("admin:catalogue_costitem_import"),
        {"municipality": cast.north.pk, "file": upload},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content_type", "content", "message"),
    [
        ("k.csv", "text/csv", b"", "leeg"),
        ("k.xlsx", "application/vnd.ms-excel", (HEADER + GOOD_ROW).encode(), "CSV-bestand"),
        ("k.csv", "image/png", b"\x89PNG\r\n\x1a\n" + GOOD_ROW.encode(), "CSV-bestand"),
        ("k.csv", "text/csv", (HEADER + "é;É").encode("latin-1"), "UTF-8"),
        ("k.csv", "text/csv", b"code\x00;name\n", "UTF-8"),
        ("k.csv", "text/csv", ("naam;bedrag\n" + GOOD_ROW).encode(), "kopregel"),
    ],
)
def test_an_upload_that_is_not_our_csv_is_refused_in_dutch_and_changes_nothing(
    as_user: Any, cast: Cast, name: str, content_type: str, content: bytes, message: str
) -> None:
    before = list(CostItem.objects.values_list("pk", "code", "amount_cents").order_by("pk"))
    with translation.override("nl"):
        response = _post_upload(as_user, cast, SimpleUploadedFile(name, content, content_type))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert list(CostItem.objects.values_list("pk", "code", "amount_cents").order_by("pk")) == before


@pytest.mark.django_db
def test_an_upload_over_two_megabytes_is_refused(as_user: Any, cast: Cast) -> None:
    filler = "x;" * (1024 * 1024) + "\n"  # header, then 2 MB of nonsense
    upload = SimpleUploadedFile("k.csv", (HEADER + GOOD_ROW + filler).encode(), "text/csv")
    with translation.override("nl"):
        response = _post_upload(as_user, cast, upload)
    assert response.status_code == 200
    assert "2 MB" in " ".join(response.context["form"].errors["file"])
    assert not CostItem.objects.filter(code="test-opvang").exists()


# --- the move from the outcomes app ------------------------------------------------------
@pytest.mark.django_db
def test_the_catalogue_kept_its_table_and_its_permissions_follow_the_model(
    as_user: Any, cast: Cast
) -> None:
    assert CostItem._meta.db_table == "outcomes_costitem"
    content_type = ContentType.objects.get_for_model(CostItem)
    assert content_type.app_label == "catalogue"
    assert not ContentType.objects.filter(app_label="outcomes", model="costitem").exists()
    clerk = UserFactory()
    clerk.user_permissions.add(
        Permission.objects.get(content_type=content_type, codename="view_costitem")
    )
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert clerk.has_perm("catalogue.view_costitem")


@pytest.mark.django_db
def test_the_content_type_migration_relabels_both_ways() -> None:
    relabel = importlib.import_module(
        "doorbraak.catalogue.migrations.0002_content_type_from_outcomes"
    )
    ContentType.objects.filter(app_label="catalogue", model="costitem").update(app_label="outcomes")
    pk = ContentType.objects.get(app_label="outcomes", model="costitem").pk
    relabel.forwards(apps, None)
    assert ContentType.objects.get(pk=pk).app_label == "catalogue"
    relabel.backwards(apps, None)
    assert ContentType.objects.get(pk=pk).app_label == "outcomes"
    relabel.forwards(apps, None)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(CostItem).pk == pk
