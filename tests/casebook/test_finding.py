"""Search, suggestions, scope between municipalities, the exchange and access."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doorbraak.audit.models import ProcessingLog
from doorbraak.casebook import exchange, selectors
from doorbraak.casebook.models import Example, ExampleScope
from tests.casebook.builders import make_example
from tests.conftest import Cast
from tests.factories import RegulationFactory

pytestmark = pytest.mark.django_db


def titles(examples: Any) -> list[str]:
    return [e.title for e in examples]


def test_search_ranks_the_title_match_first_and_finds_regulation_names(cast: Cast) -> None:
    regulation = RegulationFactory(citation="Woningwet art. 7", law="Woningwet")
    make_example(municipality=cast.north, title="Kinderopvang", solution="Over de huurachterstand.")
    make_example(municipality=cast.north, title="Huurachterstand betaald", solution="Potje.")
    make_example(
        municipality=cast.north, title="Vervoer", solution="Taxi.", regulations=[regulation]
    )
    found = selectors.example_search(
        user=cast.alice, filters=selectors.ExampleFilter(query="huurachterstand")
    )
    assert titles(found) == ["Huurachterstand betaald", "Kinderopvang"]
    by_law = selectors.example_search(
        user=cast.alice, filters=selectors.ExampleFilter(query="woningwet")
    )
    assert titles(by_law) == ["Vervoer"]


def test_suggestions_put_shared_regulations_and_organisations_before_text(cast: Cast) -> None:
    regulation = RegulationFactory()
    make_example(municipality=cast.north, title="Briefadres en uitkering", solution="briefadres")
    make_example(municipality=cast.north, title="Iets anders", organisations=[cast.uwv])
    make_example(
        municipality=cast.north, title="Beide", regulations=[regulation], organisations=[cast.uwv]
    )
    found = selectors.suggestions(
        user=cast.alice,
        regulation_ids=[regulation.pk],
        organisation_ids=[cast.uwv.pk],
        text="briefadres uitkering",
    )
    assert titles(found) == ["Beide", "Iets anders", "Briefadres en uitkering"]


def test_a_municipality_only_example_is_invisible_elsewhere(as_user: Any, cast: Cast) -> None:
    own = make_example(
        municipality=cast.north, title="Alleen Noord", scope=ExampleScope.MUNICIPALITY
    )
    wide = make_example(municipality=cast.north, title="Voor iedereen")
    south = as_user(cast.mallory)
    assert south.get(reverse("casebook:detail", args=[own.pk])).status_code == 404
    assert south.get(reverse("casebook:detail", args=[wide.pk])).status_code == 200
    page = south.get(reverse("casebook:list")).content.decode()
    assert "Voor iedereen" in page
    assert "Alleen Noord" not in page
    north = as_user(cast.alice)
    assert "Alleen Noord" in north.get(reverse("casebook:detail", args=[own.pk])).content.decode()


def test_the_exchange_round_trip_is_idempotent_and_refuses_bad_files(cast: Cast) -> None:
    regulation = RegulationFactory(citation="Participatiewet art. 18", municipality=None)
    example = make_example(
        municipality=cast.north,
        title="Landelijk",
        scope=ExampleScope.NATIONAL,
        regulations=[regulation],
        organisations=[cast.uwv],
    )
    document = json.dumps(exchange.export_examples([example]))
    Example.objects.all().delete()
    result = exchange.examples_import(actor=None, municipality=cast.south, raw=document)
    assert (result.created, result.skipped) == (1, 0)
    imported = Example.objects.get()
    assert (imported.uuid, imported.source_municipality, imported.imported) == (
        example.uuid,
        "Gemeente Noord",
        True,
    )
    assert [r.pk for r in imported.regulations.all()] == [regulation.pk]
    again = exchange.examples_import(actor=None, municipality=cast.south, raw=document)
    assert (again.created, again.skipped) == (0, 1)
    bad = json.loads(document)
    bad["examples"][0]["uuid"] = "8c5e4a52-1b4f-4a6e-9d7e-000000000001"
    bad["examples"].append(
        {
            **bad["examples"][0],
            "uuid": "8c5e4a52-1b4f-4a6e-9d7e-000000000002",
            "solution": "Mevrouw Jansen, BSN 111222333",
        }
    )
    with pytest.raises(ValidationError) as refused:
        exchange.examples_import(actor=None, municipality=cast.south, raw=json.dumps(bad))
    assert "persoonsgegevens" in " ".join(refused.value.messages)
    assert Example.objects.count() == 1  # nothing half-written
    with pytest.raises(ValidationError):
        exchange.examples_import(actor=None, municipality=cast.south, raw="geen json")


def test_access_to_every_page(as_user: Any, cast: Cast) -> None:
    example = make_example(municipality=cast.north, title="Openbaar")
    pages = [
        reverse("casebook:list"),
        reverse("casebook:detail", args=[example.pk]),
        reverse("casebook:suggestions") + "?title=uitkering",
    ]
    logged = ProcessingLog.objects.count()
    for user in (cast.alice, cast.carol, cast.dave, cast.erin, cast.frank, cast.grace):
        client = as_user(user)
        assert all(client.get(url).status_code == 200 for url in pages), user
    assert ProcessingLog.objects.count() == logged  # reading an example is no processing
    for user in (cast.heidi, cast.ivan):
        client = as_user(user)
        assert all(client.get(url).status_code == 403 for url in pages), user
    alice = as_user(cast.alice)
    assert alice.get(reverse("casebook:review-queue")).status_code == 403
    assert alice.post(reverse("casebook:approve", args=[example.pk])).status_code == 403
    assert alice.get(reverse("casebook:import")).status_code == 403
    assert as_user(cast.carol).get(reverse("casebook:review-queue")).status_code == 200
    assert as_user(cast.ivan).get(reverse("casebook:import")).status_code == 200
    assert (
        as_user(cast.grace).get("/api/v1/examples?q=openbaar").json()["results"][0]["title"]
        == "Openbaar"
    )


#: The list page's queries at any size: the session, the user, the second factor, the
#: memberships, the form's municipalities, regulations and organisations, the count, the
#: page and its regulations (11 while it read the examples' organisations too).
LIST_QUERIES = 10


@pytest.mark.parametrize("size", [1, 6])
def test_the_list_and_detail_queries_do_not_grow(
    as_user: Any,
    cast: Cast,
    size: int,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    for n in range(size):
        make_example(
            municipality=cast.north,
            title=f"Voorbeeld {n}",
            regulations=[RegulationFactory()],
            organisations=[cast.uwv],
        )
    client = as_user(cast.alice)
    client.get(reverse("casebook:list"))
    # The list shows the regulations of each example, not its organisations: those are
    # not read (one query less; docs/scale.md).
    with django_assert_num_queries(LIST_QUERIES) as listed:
        response = client.get(reverse("casebook:list"))
    assert response.status_code == 200
    assert size == len(response.context["rows"])
    assert not any("casebook_example_organisations" in q["sql"] for q in listed.captured_queries)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("casebook:list") + "?q=voorbeeld").status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("casebook:detail", args=[Example.objects.first().pk])).status_code
            == 200
        )
