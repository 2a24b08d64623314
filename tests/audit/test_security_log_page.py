"""The privacy officer's security-log page: scope, roles, filters, keyset pages, query counts."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from doorbraak.accounts.models import User
from doorbraak.audit import selectors
from doorbraak.audit.models import (
    ProcessingAction,
    ProcessingLog,
    SecurityEvent,
    SecurityOutcome,
    SecurityStage,
)
from doorbraak.audit.views import PAGE_SIZE
from doorbraak.downloads.models import Download
from doorbraak.households.models import Household
from doorbraak.lib.crypto import normalise_search_term, search_hash
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

URL = reverse("audit:security-log")
MOMENT = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


def plant(
    user: User,
    count: int,
    *,
    municipality_id: int,
    at: datetime.datetime = MOMENT,
    step: datetime.timedelta = datetime.timedelta(0),
    **fields: Any,
) -> list[SecurityEvent]:
    values: dict[str, Any] = {
        "actor_id": user.pk,
        "actor_username": user.username,
        "actor_role": "professional",
        "municipality_id": municipality_id,
        "outcome": SecurityOutcome.NOT_FOUND,
        "stage": SecurityStage.OBJECT,
        "object_type": "household",
        "view_name": "households:detail",
        "method": "GET",
        **fields,
    }
    given = values.pop("object_id", None)
    return SecurityEvent.objects.bulk_create(
        SecurityEvent(
            occurred_at=at + index * step,
            object_id=f"id-{index}" if given is None else given,
            **values,
        )
        for index in range(count)
    )


def ids_shown(body: str) -> list[str]:
    return re.findall(r"#(id-\d+)</td>", body)


def test_the_privacy_officer_sees_her_municipality_s_events_only(as_user: Any, cast: Cast) -> None:
    plant(cast.alice, 1, municipality_id=cast.north.pk, object_id="north-guess")
    plant(cast.mallory, 1, municipality_id=cast.south.pk, object_id="south-guess")

    response = as_user(cast.heidi).get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "north-guess" in body
    assert "south-guess" not in body
    assert "alice" in body
    assert "mallory" not in body
    # Oscar, privacy officer of Zuid, sees the other one.
    body = as_user(cast.oscar).get(URL).content.decode()
    assert "south-guess" in body
    assert "north-guess" not in body


def test_looking_into_the_security_log_is_logged(as_user: Any, cast: Cast) -> None:
    as_user(cast.heidi).get(URL)
    record = ProcessingLog.objects.get(object_type="audit.securityevent")
    assert (record.actor_id, record.action) == (cast.heidi.pk, ProcessingAction.SEARCH)


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "erin", "frank", "grace", "ivan"])
def test_other_roles_are_refused(as_user: Any, cast: Cast, persona: str) -> None:
    response = as_user(getattr(cast, persona)).get(URL)
    assert response.status_code == 403
    # The refusal itself is a security event.
    assert SecurityEvent.objects.filter(
        actor_id=getattr(cast, persona).pk, view_name="audit:security-log", outcome=403
    ).exists()


def test_the_navigation_links_the_page_for_the_privacy_officer(as_user: Any, cast: Cast) -> None:
    assert URL in as_user(cast.heidi).get(reverse("home")).content.decode()
    assert URL not in as_user(cast.alice).get(reverse("home")).content.decode()


def test_filters(as_user: Any, cast: Cast) -> None:
    plant(cast.alice, 1, municipality_id=cast.north.pk, object_id="a-404")
    plant(
        cast.bob,
        1,
        municipality_id=cast.north.pk,
        object_id="b-403",
        outcome=SecurityOutcome.FORBIDDEN,
        stage=SecurityStage.ROLE,
        object_type="fund_request",
        at=MOMENT + datetime.timedelta(days=3),
    )
    plant(
        cast.bob,
        1,
        municipality_id=cast.north.pk,
        object_id="",
        outcome=SecurityOutcome.CONFLICT,
        stage=SecurityStage.DUPLICATE_PROBE,
        search_hash=search_hash("de Vries"),
        view_name="households:register",
    )
    client = as_user(cast.heidi)

    def shown(query: str) -> str:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        return response.content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]

    assert "a-404" in shown("username=ALICE")
    assert "b-403" not in shown("username=alice")
    assert "b-403" in shown("outcome=403")
    assert "a-404" not in shown("outcome=403")
    assert "a-404" not in shown("stage=role")
    assert "b-403" in shown("stage=role")
    assert "b-403" in shown("object_type=fund_request")
    assert "a-404" not in shown("object_type=fund_request")
    assert "b-403" in shown("date_from=2026-03-05&date_to=2026-03-05")
    assert "a-404" not in shown("date_from=2026-03-05&date_to=2026-03-05")
    # The search term is hashed: any spelling that normalises the same finds the probe.
    probe = shown("search_term=++DE+++vries+")
    assert "households:register" in probe
    assert "a-404" not in probe
    assert "households:register" not in shown("search_term=Jansen")
    assert "households:register" not in shown("username=nobody")


def test_bad_filters_give_a_dutch_message_and_no_500(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.heidi)
    response = client.get(f"{URL}?date_from=2026-03-05&date_to=2026-03-01")
    assert response.status_code == 200
    assert "De begindatum mag niet na de einddatum liggen." in response.content.decode()
    response = client.get(f"{URL}?outcome=500&stage=nonsense")
    assert response.status_code == 200
    response = client.get(f"{URL}?ouder=not-a-cursor")
    assert response.status_code == 200
    assert "Deze paginalink klopt niet" in response.content.decode()


def test_keyset_pages_walk_every_event_once_in_order(as_user: Any, cast: Cast) -> None:
    # Ties on time, so the id breaks them.
    plant(cast.alice, PAGE_SIZE * 2 + 3, municipality_id=cast.north.pk)
    client = as_user(cast.heidi)
    seen: list[str] = []
    body = client.get(URL).content.decode()
    pages = 1
    while True:
        seen += ids_shown(body)
        match = re.search(r'href="\?ouder=([0-9.]+)"', body)
        if not match:
            break
        body = client.get(f"{URL}?ouder={match.group(1)}").content.decode()
        pages += 1
    assert pages == 3
    expected = [f"id-{index}" for index in reversed(range(PAGE_SIZE * 2 + 3))]
    assert seen == expected
    # And back: the newer link of the last page gives the page before it.
    newer = re.search(r'href="\?nieuwer=([0-9.]+)"', body)
    assert newer is not None
    back = ids_shown(client.get(f"{URL}?nieuwer={newer.group(1)}").content.decode())
    assert back == expected[PAGE_SIZE : PAGE_SIZE * 2]


def test_the_page_never_counts(cast: Cast) -> None:
    plant(cast.alice, 3, municipality_id=cast.north.pk)
    page = selectors.security_log_page(selectors.security_log_search(user=cast.heidi), size=2)
    assert len(page.events) == 2
    assert page.older
    assert page.newer is None
    assert not hasattr(page, "found")


@pytest.mark.parametrize("size", [3, 60])
def test_query_count_is_the_same_at_two_sizes(
    as_user: Any, cast: Cast, size: int, django_assert_max_num_queries: Any
) -> None:
    plant(cast.alice, size, municipality_id=cast.north.pk)
    client = as_user(cast.heidi)
    client.get(URL)  # the session and memberships warmed
    with django_assert_max_num_queries(8):  # the alert-settings links need no query
        assert client.get(f"{URL}?username=alice&search_term=x").status_code == 200


def test_search_terms_are_normalised() -> None:
    assert normalise_search_term("  Jansen\t de  VRIES ") == "jansen de vries"
    assert search_hash("Jansen") == search_hash(" jansen ")
    assert search_hash("Jansen") != search_hash("Janssen")
    assert len(search_hash("x")) == 64
    assert "jansen" not in search_hash("jansen")


# --- searches are logged by the keyed hash of the term ------------------------------------------
def test_a_household_search_logs_the_term_s_hash_and_the_privacy_officer_finds_it(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    term = household_a.name.split()[-1]
    assert (
        as_user(cast.alice).get(reverse("households:list"), {"q": f"  {term.upper()} "}).status_code
        == 200
    )
    assert (
        as_user(cast.alice).get(reverse("households:list"), {"q": "Nergensdorp"}).status_code == 200
    )

    searches = list(ProcessingLog.objects.filter(action=ProcessingAction.SEARCH).values())
    assert {r["object_id"] for r in searches} == {search_hash(term), search_hash("nergensdorp")}
    # The term itself is nowhere in the log.
    for record in searches:
        assert term.lower() not in " ".join(str(v) for v in record.values()).lower()
        assert "nergensdorp" not in " ".join(str(v) for v in record.values()).lower()

    client = as_user(cast.heidi)
    log_url = reverse("audit:processing-log")
    found = client.get(log_url, {"search_term": term.lower()}).content.decode()
    assert search_hash(term) in found
    assert search_hash("nergensdorp") not in found
    nothing = client.get(log_url, {"search_term": "Jansen-de-Onbekende"}).content.decode()
    assert search_hash(term) not in nothing

    # An export of those records keeps the hash, never the term, in its parameters.
    client.post(reverse("audit:processing-log-export"), {"search_term": term})
    download = Download.objects.get()
    assert download.parameters["search_term_hash"] == search_hash(term)
    assert term.lower() not in str(download.parameters).lower()
