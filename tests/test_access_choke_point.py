"""Every URL goes through the one way in of ``doorbraak.lib.access``.

The test walks every pattern of the project's URL resolver and fails, naming the view, on
a callback that carries none of the marks ``page``, ``fragment``, ``api`` or ``public``
set. The admin site (``/beheer/``) is its own kind: Django's ``AdminSite.admin_view``
checks ``has_permission`` for every admin URL, so there the test checks that each
callback was wrapped by our admin site (the log-in page, which sends to our own log-in,
excepted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from django.urls.resolvers import RegexPattern
from rest_framework.views import APIView

from doorbraak.accounts.admin import admin_site
from doorbraak.lib import access
from doorbraak.lib.access import Refused

#: Admin views Django leaves outside ``admin_view``: the log-in page (ours redirects to
#: the project's own log-in) and the catch-all that redirects to it.
ADMIN_UNWRAPPED = {"login", "final_catch_all_view"}


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any, bool]]:
    """``(route, callback, is_admin)`` for every pattern under ``resolver``."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            in_admin = pattern.app_name == "admin" and pattern.namespace == admin_site.name
            for sub_route, callback, is_admin in _walk(pattern, route):
                yield sub_route, callback, is_admin or in_admin
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback, False


def _name(callback: Any) -> str:
    target = getattr(callback, "view_class", callback)
    return f"{target.__module__}.{target.__qualname__}"


def _admin_wrapped(callback: Any) -> bool:
    """Wrapped by ``get_urls`` of the site or a model admin, or by ``admin_view`` itself."""
    site = getattr(callback, "admin_site", None) or getattr(
        getattr(callback, "model_admin", None), "admin_site", None
    )
    if site is admin_site or getattr(callback, "__name__", "") in ADMIN_UNWRAPPED:
        return True
    # ``admin_view`` returns its ``inner`` under decorators, renamed by ``update_wrapper``:
    # look for its code through ``__wrapped__`` and the decorators' closures.
    seen: set[int] = set()
    todo = [callback]
    while todo:
        function = todo.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        code = getattr(function, "__code__", None)
        cells = dict(zip(code.co_freevars, function.__closure__ or (), strict=True)) if code else {}
        if code is not None and code.co_qualname == "AdminSite.admin_view.<locals>.inner":
            return cells["self"].cell_contents is admin_site
        todo += [cell.cell_contents for cell in cells.values() if callable(cell.cell_contents)]
        if callable(getattr(function, "__wrapped__", None)):
            todo.append(function.__wrapped__)
    return False


def test_it_walks_the_whole_project() -> None:
    routes = list(_walk(get_resolver()))
    assert sum(1 for _route, _callback, is_admin in routes if is_admin) > 20
    kinds = {access.kind_of(callback) for _route, callback, is_admin in routes if not is_admin}
    assert {"page", "fragment", "api", "public"} <= kinds


def _unmarked(resolver: URLResolver) -> list[str]:
    return sorted(
        {
            f"{_name(callback)} ({route})"
            for route, callback, is_admin in _walk(resolver)
            if not is_admin and access.kind_of(callback) is None
        }
    )


def test_it_fails_on_no_view_that_skips_the_one_way_in() -> None:
    unmarked = _unmarked(get_resolver())
    assert unmarked == [], "views that do not go through doorbraak.lib.access:\n" + "\n".join(
        unmarked
    )


def _plain_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


class _PlainApiView(APIView):
    def get(self, request: Any) -> Any:
        return None


def test_it_names_a_view_and_an_api_view_that_skip_it() -> None:
    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            path("plain/", _plain_view),
            path("page/", access.page()(_plain_view)),
            path("public/", access.public(_plain_view)),
            path("api/", _PlainApiView.as_view()),
            path("nested/", include([path("plain/", login_required(_plain_view))])),
        ],
    )
    assert _unmarked(resolver) == [
        "tests.test_access_choke_point._PlainApiView (api/)",
        "tests.test_access_choke_point._plain_view (nested/plain/)",
        "tests.test_access_choke_point._plain_view (plain/)",
    ]


def test_it_finds_every_admin_url_behind_the_admin_site() -> None:
    unwrapped = sorted(
        {
            f"{_name(callback)} ({route})"
            for route, callback, is_admin in _walk(get_resolver())
            if is_admin and not _admin_wrapped(callback)
        }
    )
    assert unwrapped == [], "admin URLs outside admin_site.admin_view:\n" + "\n".join(unwrapped)


def test_it_counts_a_class_only_when_the_class_itself_is_marked() -> None:
    @access.api()
    class Marked(APIView):
        pass

    class Unmarked(Marked):
        pass

    assert access.kind_of(Marked.as_view()) == "api"
    assert access.kind_of(Unmarked.as_view()) is None


def test_it_answers_a_refusal_as_a_permission_denied() -> None:
    from django.core.exceptions import PermissionDenied

    assert issubclass(Refused, PermissionDenied)


@pytest.mark.parametrize("kind", ["page", "fragment"])
def test_it_marks_a_page_and_a_fragment_through_other_decorators(kind: str) -> None:
    from django.views.decorators.http import require_GET

    decorate = getattr(access, kind)

    @require_GET
    @decorate()
    def view(request: Any) -> Any:
        return None

    assert access.kind_of(view) == kind


def test_it_tells_an_admin_view_behind_the_admin_site_from_one_that_is_not() -> None:
    from django.contrib import admin

    assert _admin_wrapped(admin_site.admin_view(_plain_view))
    assert not _admin_wrapped(_plain_view)
    assert not _admin_wrapped(admin.AdminSite(name="other").admin_view(_plain_view))
