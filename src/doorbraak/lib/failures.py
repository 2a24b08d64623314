"""Clear failures: the error pages and answers for what goes wrong outside a view's control.

* Under ``/api/`` every error is ``application/problem+json`` — also a request that is too
  big (413), a URL that does not exist (404), a refused CSRF check (403) and a crash (500).
* When the database cannot be reached or cannot be written (a server that is down, a
  read-only replica or file during maintenance), pages answer a Dutch 503 "tijdelijk
  niet beschikbaar" with ``Retry-After`` instead of a 500 or a confusing 400, and say that
  what was just sent was not saved, so nobody thinks a form went through.

The handlers are named in ``doorbraak.config.urls`` (``handler400`` …) and
``CSRF_FAILURE_VIEW``. They render without the database.
"""

from __future__ import annotations

import sys

from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import csrf, defaults

from doorbraak.lib.api import API_PREFIX, problem_response

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 60

# PostgreSQL's SQLSTATEs for "the database does not take writes now".
_READ_ONLY_STATES = {"25006", "57P01", "57P02", "57P03"}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def database_unavailable(exc: BaseException | None) -> bool:
    """Does this error mean the database is down or read-only (not a bug in a query)?"""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError):
            state = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
            if state in _READ_ONLY_STATES:
                return True
        exc = exc.__cause__
    return False


def database_writable() -> bool:
    """A cheap probe, only on an error path: can the database take a write right now?"""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT current_setting('transaction_read_only') = 'off' "
                    "AND NOT pg_is_in_recovery()"
                )
                row = cursor.fetchone()
                return bool(row and row[0])
            cursor.execute("PRAGMA query_only")
            row = cursor.fetchone()
            return not (row and row[0])
    except DatabaseError:
        return False


def unavailable(request: HttpRequest) -> HttpResponse:
    """503: the service is temporarily unavailable; nothing was saved."""
    response: HttpResponse
    if _is_api(request):
        response = problem_response(
            request,
            503,
            detail=_("The database is temporarily unavailable. Nothing was saved; try again."),
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"posted": request.method == "POST"}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, SessionInterrupted) and not database_writable():
        return unavailable(request)
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(
                request, 413, detail=_("The request is too big for this server.")
            )
        if isinstance(exception, TooManyFieldsSent):
            return problem_response(request, 400, detail=_("The request has too many fields."))
        return problem_response(request, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request,
            403,
            detail=_("The CSRF check failed: send the X-CSRFToken header with the cookie's value."),
        )
    return csrf.csrf_failure(request, reason=reason)


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    if _is_api(request):
        return problem_response(request, 500)
    return defaults.server_error(request)
