"""The one way into a view (``doorbraak.lib.access``): role, object, relation, in that order.

The apps' own tests check who gets 403 and who 404 on every page and endpoint; these check
the decorators themselves, without a database: a selector here is a plain function.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from doorbraak.lib import refusals
from doorbraak.lib.access import Lookup, Refused, api, fragment, kind_of, page, public
from doorbraak.lib.refusals import Refusal

ALICE = SimpleNamespace(is_authenticated=True, name="alice", role="professional")
BOB = SimpleNamespace(is_authenticated=True, name="bob", role="partner_contact")
CASES = {1: {"owner": "alice"}, 2: {"owner": "bob"}}
seen: list[dict[str, Any]] = []


def case_get(*, user: Any, pk: int, log: bool = True) -> dict[str, Any]:
    """A selector: 404 for a case that does not exist (for this user)."""
    seen.append({"pk": pk, "log": log})
    if pk not in CASES:
        raise Http404
    return CASES[pk]


def is_professional(user: Any) -> bool:
    return getattr(user, "role", "") == "professional"


def owns(user: Any, case: dict[str, Any]) -> bool:
    return bool(case["owner"] == user.name)


CASE = Lookup("case", case_get, log="reads")


reported: list[Refusal] = []


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    """Forget the selector's calls, and catch the refusals reported to the security log
    (outside a request they are written at once; here to a list instead of the database)."""
    seen.clear()
    reported.clear()
    before = refusals.connected_writer()
    refusals.connect_writer(reported.extend)
    yield
    refusals.connect_writer(before)


def _reported() -> list[tuple[int, str, str, str]]:
    """(status, stage, object type, id as given) of each refusal reported."""
    return [(r.status, r.stage, r.object_type, r.object_id) for r in reported]


def _request(user: Any, method: str = "get") -> HttpRequest:
    request: HttpRequest = getattr(RequestFactory(), method)("/")
    request.user = user
    return request


@page(is_professional, obj=CASE, allow=owns)
def case_page(request: HttpRequest, case: dict[str, Any]) -> HttpResponse:
    return HttpResponse(case["owner"])


def test_it_hands_the_view_the_object_its_selector_found() -> None:
    response = case_page(_request(ALICE), pk=1)
    assert response.content == b"alice"
    assert seen == [{"pk": 1, "log": True}]
    assert reported == []


def test_it_logs_the_read_on_a_get_and_leaves_a_post_to_the_service() -> None:
    case_page(_request(ALICE, "post"), pk=1)
    assert seen == [{"pk": 1, "log": False}]


def test_it_refuses_a_role_before_looking_anything_up() -> None:
    with pytest.raises(Refused):
        case_page(_request(BOB), pk=1)
    assert seen == []
    assert _reported() == [(403, "role", "case", "1")]
    assert reported[0].user is BOB
    assert reported[0].method == "GET"
    assert reported[0].view_name == "tests.lib.test_access.case_page"


def test_it_answers_404_for_what_the_selector_does_not_find() -> None:
    with pytest.raises(Http404):
        case_page(_request(ALICE), pk=3)
    assert _reported() == [(404, "object", "case", "3")]


def test_it_refuses_a_relation_the_object_policy_denies() -> None:
    with pytest.raises(Refused):
        case_page(_request(ALICE), pk=2)
    assert _reported() == [(403, "relation", "case", "2")]


def test_it_hides_what_hide_unless_denies() -> None:
    hidden = Lookup("case", case_get, hide_unless=owns)
    with pytest.raises(Http404):
        hidden.resolve(_request(ALICE), 2)


def test_it_sends_an_anonymous_user_to_log_in() -> None:
    response = case_page(_request(SimpleNamespace(is_authenticated=False)), pk=1)
    assert response.status_code == 302
    assert seen == []
    assert reported == []


def test_it_marks_each_kind() -> None:
    assert kind_of(case_page) == "page"
    assert kind_of(fragment()(lambda request: HttpResponse())) == "fragment"
    assert kind_of(public(lambda request: HttpResponse())) == "public"


def test_it_leaves_the_view_it_marks_public_unchanged() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("open")

    assert kind_of(public(view)) == "public"
    assert kind_of(view) is None


@api(is_professional, obj=CASE, allow=owns)
class CaseView(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def get(self, request: Request, case: dict[str, Any]) -> Response:
        return Response({"owner": case["owner"]})

    def patch(self, request: Request, case: dict[str, Any]) -> Response:
        return Response({"owner": case["owner"]})


def _api(user: Any, method: str, pk: int) -> Response:
    request = getattr(APIRequestFactory(), method)("/")
    force_authenticate(request, user=user)
    response: Response = CaseView.as_view()(request, pk=pk)
    return response


@pytest.mark.parametrize(
    ("user", "pk", "status"),
    [(ALICE, 1, 200), (BOB, 1, 403), (ALICE, 2, 403), (ALICE, 3, 404)],
)
def test_it_checks_an_api_view_the_same_way(user: Any, pk: int, status: int) -> None:
    assert _api(user, "get", pk).status_code == status
    assert [r.status for r in reported] == ([] if status == 200 else [status])
    assert [r.object_id for r in reported] == ([] if status == 200 else [str(pk)])


def test_it_reports_a_refusal_the_view_raises() -> None:
    @page(obj=CASE)
    def refusing(request: HttpRequest, case: dict[str, Any]) -> HttpResponse:
        raise Refused  # as a service refuses

    with pytest.raises(Refused):
        refusing(_request(ALICE, "post"), pk=1)
    assert _reported() == [(403, "view", "case", "1")]


def test_it_reports_a_404_the_view_raises() -> None:
    @page(obj=CASE)
    def hiding(request: HttpRequest, case: dict[str, Any]) -> HttpResponse:
        raise Http404  # a scope check in the view's body

    with pytest.raises(Http404):
        hiding(_request(ALICE), pk=1)
    assert _reported() == [(404, "view", "case", "1")]


def test_a_refusal_passing_through_two_views_is_reported_once() -> None:
    @page(obj=CASE)
    def outer(request: HttpRequest, case: dict[str, Any]) -> HttpResponse:
        return case_page(request, pk=2)  # Alice may not use the page on case 2

    with pytest.raises(Refused):
        outer(_request(ALICE), pk=1)
    assert _reported() == [(403, "relation", "case", "2")]


def test_a_failing_writer_never_changes_the_answer() -> None:
    def broken(items: Any) -> None:
        raise RuntimeError("the database is gone")

    refusals.connect_writer(broken)
    with pytest.raises(Http404):
        case_page(_request(ALICE), pk=3)
    assert case_page(_request(ALICE), pk=1).content == b"alice"


def test_a_refusal_in_a_request_is_written_after_the_answer() -> None:
    """Inside ``RefusalMiddleware`` the refusal waits until the view has answered, so it
    is written outside any transaction the view ran in."""

    def view(request: HttpRequest) -> HttpResponse:
        try:
            case_page(request, pk=3)
        except Http404:
            assert reported == []  # not yet
        return HttpResponse(status=404)

    response = refusals.RefusalMiddleware(view)(_request(ALICE))
    assert response.status_code == 404
    assert _reported() == [(404, "object", "case", "3")]


def test_it_logs_an_api_read_for_a_get_only() -> None:
    _api(ALICE, "get", 1)
    _api(ALICE, "patch", 1)
    assert seen == [{"pk": 1, "log": True}, {"pk": 1, "log": False}]
