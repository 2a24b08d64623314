"""The one skeleton of a page that changes something: form → service → errors or redirect.

Every view that takes a form and calls a service does the same five steps: bind the form on
POST, call the service when the form is valid, put the service's ``ValidationError`` on the
form and show the page again (with status 200: the page is fine, the input is not), or say
what happened and redirect after the successful POST. ``submit`` does those steps; the view
keeps what differs (fetching its objects, the service call, the message, the page), so it
still reads top-down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from doorbraak.lib.forms import add_service_errors

T = TypeVar("T")


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (and so expects a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    action: Callable[[dict[str, Any]], T],
    success: str | Callable[[T], str] | None = None,
    redirect_to: str | Callable[[T], str] | None = None,
    respond: Callable[[T], HttpResponse] | None = None,
    page: Callable[[], HttpResponse] | None = None,
    template: str = "",
    context: dict[str, Any] | None = None,
    put_errors: Callable[[Any, ValidationError], None] = add_service_errors,
    htmx: Callable[[T], HttpResponse] | None = None,
    htmx_page: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """The response of a page with a form whose POST calls one service.

    On a POST with a valid ``form``, ``action(form.cleaned_data)`` calls the service; what
    it returns (the object made or changed, or None) is handed to ``success``,
    ``redirect_to``, ``respond`` and ``htmx`` when they are callables.

    - The service refuses (``ValidationError``): ``put_errors(form, error)`` puts its
      messages on the form (default: on the field of the same name, else above the form;
      pass an app's own helper for other field names) and the page is shown again. The
      service's transaction was rolled back: nothing changed.
    - The service succeeds: for an htmx request with ``htmx`` given, ``htmx(result)`` is the
      answer (a fragment, no flash message). Otherwise ``respond(result)`` when given (a
      download, or a response the view composes itself), else the flash message
      ``success`` and a redirect to ``redirect_to`` (a URL or a URL name without
      arguments, or a callable of the result returning one).
    - A GET, an invalid form or a refusal: ``page()``, or ``template`` rendered with
      ``context``; for an htmx POST with ``htmx_page`` given, ``htmx_page()`` instead.

    Other exceptions (``PermissionDenied``, ``Http404``) pass through unchanged.
    """
    if redirect_to is None and respond is None:
        raise TypeError("submit() needs redirect_to or respond: where to go after success")
    if page is None and not template:
        raise TypeError("submit() needs page or template: what to show the form on")
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            if htmx is not None and is_htmx(request):
                return htmx(result)
            if respond is not None:
                return respond(result)
            if success is not None:
                messages.success(request, success(result) if callable(success) else success)
            assert redirect_to is not None  # checked above
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    if htmx_page is not None and request.method == "POST" and is_htmx(request):
        return htmx_page()
    if page is not None:
        return page()
    return render(request, template, context)
