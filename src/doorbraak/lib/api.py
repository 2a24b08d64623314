"""Shared building blocks of the REST API (NL API Design Rules).

- the full version in an ``API-Version`` header on every API response;
- errors as ``application/problem+json`` (RFC 9457) with Dutch titles;
- one pagination style for every list;
- the permission that requires a completed second factor for session users, and keeps an
  API client's key to its scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from doorbraak.lib.access import Refused, report_refusal
from doorbraak.lib.bounds import MAX_INT

if TYPE_CHECKING:  # importing views here would be circular: DRF settings import this module
    from rest_framework.views import APIView

API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApiVersionMiddleware:
    """Add ``API-Version`` to every response under ``/api/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = settings.API_VERSION
        return response


@runtime_checkable
class ScopedCredential(Protocol):
    """The credential of an API client (``accounts.apiclients``): it carries a scope."""

    def permits(self, request: object) -> bool: ...


class IsVerifiedUser(BasePermission):
    """Authenticated, and for a browser session also past the second factor.

    A personal token (``Authorization: Token``) and an API client's key (``Bearer``)
    carry no session and so no OTP state. A client's key only opens the endpoints of its
    scope: another one is a 403 with a Dutch explanation, reported to the security log.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if isinstance(request.auth, Token):
            return True
        if isinstance(request.auth, ScopedCredential):
            if request.auth.permits(request):
                return True
            self.message = _("This API client may not use this part of the API.")
            report_refusal(
                request,
                Refused(),
                stage="role",
                obj=None,
                given=None,
                view_name=f"{type(view).__module__}.{type(view).__qualname__}",
            )
            return False
        is_verified = getattr(user, "is_verified", None)
        return bool(is_verified and is_verified())


class Pagination(PageNumberPagination):
    """Page-number pagination with a bounded page size, on every list endpoint."""

    page_size_query_param = "pageSize"
    max_page_size = 200

    def _number(self, request: Request, name: str, maximum: int) -> int | None:
        """A whole number 1…``maximum`` from the query string; absent is None, else a 400.

        DRF itself reads ``pageSize=null`` or ``pageSize=9999`` as "the default" or "the
        maximum" and ``page=`` as the first page: the answer would not be what was asked.
        """
        if name not in request.query_params:
            return None
        raw = request.query_params[name]
        if not re.fullmatch(r"[0-9]{1,19}", raw) or not 1 <= int(raw) <= maximum:
            raise exceptions.ValidationError(
                {name: [_("Enter a whole number from 1 to %(maximum)s.") % {"maximum": maximum}]}
            )
        return int(raw)

    def get_page_size(self, request: Request) -> int | None:
        size = self._number(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        number = self._number(request, self.page_query_param, MAX_INT)
        return number if number is not None else 1

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page`` and ``pageSize`` with their ranges (a page past the last one is a 404)."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        ranges = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_INT},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **ranges.get(parameter["name"], {})}
        return parameters


def _titles() -> dict[int, str]:
    return {
        400: _("The request is invalid."),
        401: _("You are not logged in."),
        403: _("You do not have access to this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        406: _("This response format is not available."),
        409: _("The request conflicts with the current state."),
        413: _("The request is too big."),
        415: _("This content type is not supported."),
        422: _("The request cannot be processed."),
        429: _("Too many requests. Try again later."),
        500: _("Something went wrong on our side."),
        503: _("The service is temporarily unavailable."),
    }


def problem(
    *,
    status_code: int,
    detail: str | None = None,
    instance: str = "",
    invalid_params: list[dict[str, str]] | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Return an RFC 9457 problem document as a dict."""
    body: dict[str, Any] = {
        "type": f"https://doorbraak.example/problemen/{code or status_code}",
        "title": _titles().get(status_code, _("The request could not be completed.")),
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = invalid_params
    return body


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested validation errors into RFC 9457 ``invalidParams``."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            params.extend(_flatten(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                params.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                params.extend(_flatten(value, prefix))
    else:
        code = getattr(detail, "code", "invalid")
        params.append(
            {"name": prefix or "nonFieldErrors", "code": str(code), "reason": str(detail)}
        )
    return params


def _camel_keys(detail: Any) -> Any:
    """DRF's nested ``non_field_errors`` as ``nonFieldErrors``, like every other name."""
    if isinstance(detail, dict):
        return {
            ("nonFieldErrors" if key == "non_field_errors" else key): _camel_keys(value)
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return [_camel_keys(value) for value in detail]
    return detail


def valid_input(serializer_class: type[Any], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The validated body of a request, or a 400 problem document with camelCase names."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise exceptions.ValidationError(_camel_keys(serializer.errors))
    return dict(serializer.validated_data)


def camel_case(name: str) -> str:
    """A Python field name as the API spells it: ``birth_date`` → ``birthDate``."""
    if name == NON_FIELD_ERRORS:
        return "nonFieldErrors"
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that answers every error as ``application/problem+json``."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # A service refused the change (and changed nothing): that is bad input, never a 500.
        exc = exceptions.ValidationError(
            {camel_case(key): value for key, value in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"nonFieldErrors": exc.messages}
        )
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handling takes over

    status_code = exc.status_code
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # Without a WWW-Authenticate challenge DRF would downgrade 401 to 403; we keep
        # the truthful status so clients know to log in.
        status_code = status.HTTP_401_UNAUTHORIZED
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status_code=status_code,
            detail=_("One or more fields are invalid."),
            instance=instance,
            invalid_params=_flatten(exc.detail),
            code="ongeldige-invoer",
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else None
        body = problem(status_code=status_code, detail=detail, instance=instance)
    response = Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        response["Retry-After"] = str(int(wait))
    if status_code == status.HTTP_401_UNAUTHORIZED:
        # Two schemes: a personal token, and the key of an API client.
        response["WWW-Authenticate"] = 'Token realm="api", Bearer realm="api"'
    return response


def problem_response(
    request: HttpRequest, status_code: int, *, detail: str | None = None
) -> JsonResponse:
    """A plain-Django problem response, for errors under ``/api/`` outside DRF views."""
    body = problem(status_code=status_code, instance=request.path, detail=detail)
    response = JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    response["API-Version"] = settings.API_VERSION
    return response
