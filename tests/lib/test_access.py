"""The one way into a view (``doorbraak.lib.access``): role, object, relation, in that order.

The apps' own tests check who gets 403 and who 404 on every page and endpoint; these check
the decorators themselves, without a database: a selector here is a plain function.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from doorbraak.lib.access import Lookup, Refused, api, fragment, kind_of, page, public

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


@pytest.fixture(autouse=True)
def _forget() -> None:
    seen.clear()


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


def test_it_logs_the_read_on_a_get_and_leaves_a_post_to_the_service() -> None:
    case_page(_request(ALICE, "post"), pk=1)
    assert seen == [{"pk": 1, "log": False}]


def test_it_refuses_a_role_before_looking_anything_up() -> None:
    with pytest.raises(Refused):
        case_page(_request(BOB), pk=1)
    assert seen == []


def test_it_answers_404_for_what_the_selector_does_not_find() -> None:
    with pytest.raises(Http404):
        case_page(_request(ALICE), pk=3)


def test_it_refuses_a_relation_the_object_policy_denies() -> None:
    with pytest.raises(Refused):
        case_page(_request(ALICE), pk=2)


def test_it_hides_what_hide_unless_denies() -> None:
    hidden = Lookup("case", case_get, hide_unless=owns)
    with pytest.raises(Http404):
        hidden.resolve(_request(ALICE), 2)


def test_it_sends_an_anonymous_user_to_log_in() -> None:
    response = case_page(_request(SimpleNamespace(is_authenticated=False)), pk=1)
    assert response.status_code == 302
    assert seen == []


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


def test_it_logs_an_api_read_for_a_get_only() -> None:
    _api(ALICE, "get", 1)
    _api(ALICE, "patch", 1)
    assert seen == [{"pk": 1, "log": True}, {"pk": 1, "log": False}]
