"""The one way into a view: who may open it, and which object it works on.

Every URL of the project is answered by a view wearing exactly one of these marks
(``tests/test_access_choke_point.py`` walks the URL resolver and fails on any other):

- ``@page(policy, obj=Lookup(...))``: a page (a whole HTML page, or the htmx partial of
  that page); log-in required;
- ``@fragment(policy, obj=Lookup(...))``: an htmx fragment that only ever answers a
  piece of a page; log-in required;
- ``@api(policy, obj=Lookup(...))`` on a Django REST framework view class: a verified
  user (``IsVerifiedUser``) for whom the policy holds, and the object resolved for each
  handler (``get``, ``post``, …);
- ``@public``: deliberately open to anyone (log-in, health, ``security.txt``, …), or
  guarded by something else that says so in its docstring.

Two answers, never any other:

- **not yours** is ``Http404``: a selector built on ``visible_to(user)`` finds nothing,
  so the existence of someone else's household is never revealed;
- **not allowed** is ``Refused``: the user can see the thing, or the page, but their role
  or relation does not allow what they ask. It is a ``PermissionDenied``, so pages show
  the 403 page and the API answers ``application/problem+json`` with status 403.

A service refuses with ``Refused`` too; a ``ValidationError`` from a service is about the
input (a business rule), never about who asks.

Every refusal answered here is reported to the security log (``doorbraak.lib.refusals``):
the 404 of the ``Lookup``, the 403 of the role check and of ``allow=``, and an ``Http404``
or ``Refused`` (any ``PermissionDenied``) the view itself raises (a scope check in its
body, a service's refusal), with the ``Lookup``'s name and the URL argument as given, never
any data of the object.

The ``policy`` is a function ``can_…(user) -> bool`` from the app's ``policies.py``. The
``Lookup`` names the app's selector, which applies the visibility rules and writes the
processing-log read record; the view receives the object instead of the URL argument.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from doorbraak.lib import refusals

#: The mark every view of the project carries, read by the choke-point test.
MARK = "doorbraak_access"
#: The mark of a refusal already reported to the security log.
REPORTED = "doorbraak_security_reported"
Kind = Literal["page", "fragment", "api", "public"]

Policy = Callable[[Any], bool]
ObjectPolicy = Callable[[Any, Any], bool]
View = Callable[..., HttpResponse]
ViewT = TypeVar("ViewT", bound=Callable[..., Any])
ClassT = TypeVar("ClassT", bound=type)

_HANDLERS = ("get", "post", "put", "patch", "delete")


class Refused(PermissionDenied):
    """The project's one refusal: the user may not do this (403).

    "Not yours" is not a refusal but ``Http404``: the object does not exist for that user.
    """


@dataclass(frozen=True)
class Lookup:
    """The object a view works on: ``selector(user=request.user, <keyword>=<URL value>)``.

    ``name`` is the keyword the view receives it as, ``url_kwarg`` the URL argument it
    replaces, ``keyword`` the selector's keyword for it (the URL argument's name when empty).
    ``log`` is passed to selectors that write a read record: ``"reads"`` writes one for a
    GET (or HEAD) and not for a POST, PUT, PATCH or DELETE, whose change the service logs;
    ``None`` keeps the selector's default. ``hide_unless(user, obj)`` answers 404 when it
    does not hold (a relation that makes the object invisible); ``options`` are passed as
    they are.
    """

    name: str
    selector: Callable[..., Any]
    url_kwarg: str = "pk"
    keyword: str = ""
    log: bool | Literal["reads"] | None = None
    hide_unless: ObjectPolicy | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def resolve(self, request: Any, value: Any, **options: Any) -> Any:
        """The object, or ``Http404`` when the user may not see it.

        ``options`` override the selector's arguments, e.g. ``log=False`` to read the
        object again after a change the service has logged.
        """
        arguments: dict[str, Any] = {**self.options, self.keyword or self.url_kwarg: value}
        if self.log == "reads":
            arguments["log"] = request.method in ("GET", "HEAD", "OPTIONS")
        elif self.log is not None:
            arguments["log"] = self.log
        arguments.update(options)
        found = self.selector(user=request.user, **arguments)
        if self.hide_unless is not None and not self.hide_unless(request.user, found):
            raise Http404
        return found


def refuse_unless(allowed: bool) -> None:
    """Raise ``Refused`` unless ``allowed``: for a rule that needs the request's data."""
    if not allowed:
        raise Refused


def _check(
    request: Any,
    kwargs: dict[str, Any],
    policy: Policy | None,
    obj: Lookup | None,
    allow: ObjectPolicy | None,
    view_name: str = "",
) -> None:
    """Check the role, then resolve the object into ``kwargs`` and check the relation.

    A refusal (``Refused``, ``PermissionDenied`` or ``Http404``) is reported to the
    security log before it is raised on.
    """
    given = kwargs.get(obj.url_kwarg) if obj is not None else None
    stage: refusals.Stage = "role"
    try:
        if policy is not None and not policy(request.user):
            raise Refused
        if obj is not None:
            stage = "object"
            kwargs[obj.name] = obj.resolve(request, kwargs.pop(obj.url_kwarg))
            stage = "relation"
            if allow is not None and not allow(request.user, kwargs[obj.name]):
                raise Refused
    except (Http404, PermissionDenied) as refused:
        report_refusal(request, refused, stage=stage, obj=obj, given=given, view_name=view_name)
        raise


def report_refusal(
    request: Any,
    refused: Exception,
    *,
    stage: refusals.Stage,
    obj: Lookup | None,
    given: Any,
    view_name: str = "",
) -> None:
    """Report a refusal to the security log, once (a view that calls another view sees its
    refusal pass by again); never raises."""
    if getattr(refused, REPORTED, False):
        return
    try:
        setattr(refused, REPORTED, True)
        refusals.report(
            refusals.refusal(
                request,
                status=404 if isinstance(refused, Http404) else 403,
                stage=stage,
                object_type=obj.name if obj is not None else "",
                object_id=given,
                view_name=view_name,
            )
        )
    except Exception:
        refusals.logger.exception("security_event_report_failed")


def _name_of(view: Callable[..., Any]) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def _mark(view: ViewT, kind: Kind) -> ViewT:
    setattr(view, MARK, kind)
    return view


def _html_view(
    kind: Kind, policy: Policy | None, obj: Lookup | None, allow: ObjectPolicy | None
) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        name = _name_of(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            given = kwargs.get(obj.url_kwarg) if obj is not None else None
            _check(request, kwargs, policy, obj, allow, name)
            try:
                return view(request, *args, **kwargs)
            except (Http404, PermissionDenied) as refused:  # the view's own check, a service's
                report_refusal(request, refused, stage="view", obj=obj, given=given, view_name=name)
                raise

        return _mark(login_required(wrapper), kind)

    return decorator


def page(
    policy: Policy | None = None, *, obj: Lookup | None = None, allow: ObjectPolicy | None = None
) -> Callable[[View], View]:
    """A page for a logged-in user for whom ``policy(user)`` holds (403 otherwise).

    With ``obj`` the view receives the object its selector finds (404 when the user may
    not see it); ``allow(user, obj)`` then decides whether the user may use this page on
    it (403 otherwise).
    """
    return _html_view("page", policy, obj, allow)


def fragment(
    policy: Policy | None = None, *, obj: Lookup | None = None, allow: ObjectPolicy | None = None
) -> Callable[[View], View]:
    """An htmx fragment: the same checks as ``page``."""
    return _html_view("fragment", policy, obj, allow)


def public(view: ViewT) -> ViewT:
    """A view deliberately open without these checks: the log-in pages, the health checks,
    ``security.txt``, the language switch. Say why in its docstring, or where the URL is
    declared for a view of a library (``public(HealthCheckView.as_view(...))``).
    """
    if inspect.isclass(view):
        return _mark(view, "public")

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    # A wrapper, so that marking a library's view (``set_language``) leaves it unchanged.
    return _mark(wrapper, "public")  # type: ignore[return-value]


def api(
    policy: Policy | None = None, *, obj: Lookup | None = None, allow: ObjectPolicy | None = None
) -> Callable[[ClassT], ClassT]:
    """A REST framework view class: the same checks as ``page``, for each handler.

    Authentication stays with REST framework (``IsVerifiedUser``, answering 401 or 403);
    the role, object and relation are checked as each handler (``get``, ``post``, …) of
    the class runs, and the handler receives the object instead of the URL argument.
    """

    def decorator(cls: ClassT) -> ClassT:
        view_name = f"{cls.__module__}.{cls.__qualname__}"
        for name in _HANDLERS:
            handler = cls.__dict__.get(name)
            if handler is not None:
                setattr(cls, name, _api_handler(handler, obj, allow, view_name))
        if policy is not None:
            # Inherited handlers (a generic list view's ``get``) are guarded by the role
            # check in ``initial``, which runs before any handler.
            initial = getattr(cls, "initial")  # noqa: B009 - ``cls`` is a REST framework view

            def guarded_initial(self: Any, request: Any, *args: Any, **kwargs: Any) -> None:
                initial(self, request, *args, **kwargs)
                if not policy(request.user):
                    refused = Refused()
                    given = kwargs.get(obj.url_kwarg) if obj is not None else None
                    report_refusal(
                        request, refused, stage="role", obj=obj, given=given, view_name=view_name
                    )
                    raise refused

            setattr(cls, "initial", guarded_initial)  # noqa: B010
        return _mark(cls, "api")

    return decorator


def _api_handler(
    handler: Callable[..., Any], obj: Lookup | None, allow: ObjectPolicy | None, view_name: str
) -> Callable[..., Any]:
    @functools.wraps(handler)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get(obj.url_kwarg) if obj is not None else None
        _check(request, kwargs, None, obj, allow, view_name)
        try:
            return handler(self, request, *args, **kwargs)
        except (Http404, PermissionDenied) as refused:  # the view's own check, a service's
            report_refusal(
                request, refused, stage="view", obj=obj, given=given, view_name=view_name
            )
            raise

    return wrapper


def kind_of(callback: Any) -> Kind | None:
    """The mark of a URL callback: a function view, or a class view's ``as_view()``.

    A class counts only when it is marked itself, not through a marked parent, whose
    checks would not cover the handlers the subclass adds.
    """
    marked: Kind | None = getattr(callback, MARK, None)
    view_class = getattr(callback, "view_class", None)
    if marked is None and inspect.isclass(view_class):
        marked = vars(view_class).get(MARK)
    return marked
