"""``submit``: the form → service → errors or message and redirect of every changing page."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from doorbraak.lib.forms import add_service_errors
from doorbraak.lib.views import is_htmx, submit


class NoteForm(forms.Form):
    note = forms.CharField(max_length=20)


class Service:
    """A stand-in for a service function: records its calls, refuses when told to."""

    def __init__(self, refusal: ValidationError | Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.refusal = refusal

    def __call__(self, data: dict[str, Any]) -> str:
        self.calls.append(dict(data))
        if self.refusal is not None:
            raise self.refusal
        return f"note-{data['note']}"


def _request(method: str = "post", data: dict[str, str] | None = None, **headers: str) -> Any:
    factory = RequestFactory()
    request = (
        factory.post("/x/", data or {}, headers=headers)
        if method == "post"
        else factory.get("/x/", headers=headers)
    )
    request._messages = CookieStorage(request)
    return request


def _page(form: forms.Form) -> Any:
    """The form page: its errors in the body, so a test can read what the user sees."""
    return lambda: HttpResponse(f"page {form.errors.as_json()}")


def _messages(request: HttpRequest) -> list[str]:
    return [str(message) for message in get_messages(request)]


def test_it_shows_the_form_on_a_get_without_calling_the_service() -> None:
    request = _request("get")
    form = NoteForm(None)
    service = Service()

    response = submit(request, form, action=service, redirect_to="/done/", page=_page(form))

    assert response.status_code == 200
    assert response.content == b"page {}"
    assert service.calls == []


def test_it_shows_an_invalid_form_again_without_calling_the_service() -> None:
    request = _request(data={"note": ""})
    form = NoteForm(request.POST)
    service = Service()

    response = submit(
        request, form, action=service, success="Saved.", redirect_to="/done/", page=_page(form)
    )

    assert response.status_code == 200
    assert b"required" in response.content
    assert service.calls == []
    assert _messages(request) == []


def test_it_puts_the_services_refusal_on_the_field_and_shows_the_form_again() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)
    service = Service(ValidationError({"note": "Not this note."}))

    response = submit(
        request, form, action=service, success="Saved.", redirect_to="/done/", page=_page(form)
    )

    assert response.status_code == 200
    assert service.calls == [{"note": "hello"}]
    assert form.errors == {"note": ["Not this note."]}
    assert _messages(request) == []


def test_it_puts_a_refusal_without_a_field_above_the_form() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    submit(
        request,
        form,
        action=Service(ValidationError("The household is closed.")),
        redirect_to="/done/",
        page=_page(form),
    )

    assert form.non_field_errors() == ["The household is closed."]


def test_it_puts_a_refusal_where_the_view_says() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    submit(
        request,
        form,
        action=Service(ValidationError({"note_text": "Too long."})),
        put_errors=functools.partial(add_service_errors, rename={"note_text": "note"}),
        redirect_to="/done/",
        page=_page(form),
    )

    assert form.errors == {"note": ["Too long."]}


def test_it_says_what_happened_and_redirects_after_success() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        success=lambda result: f"Saved {result}.",
        redirect_to=lambda result: f"/notes/{result}/",
        page=_page(form),
    )

    assert response.status_code == 302
    assert response["Location"] == "/notes/note-hello/"
    assert _messages(request) == ["Saved note-hello."]


def test_it_redirects_to_a_url_name() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        success="Saved.",
        redirect_to="households:referral-mine",
        page=_page(form),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("households:referral-mine")
    assert _messages(request) == ["Saved."]


def test_it_lets_the_view_answer_a_success_itself() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        success="Not said.",
        respond=lambda result: HttpResponse(result, content_type="text/plain"),
        page=_page(form),
    )

    assert response.status_code == 200
    assert response.content == b"note-hello"
    assert _messages(request) == []


def test_it_renders_a_template_with_its_context() -> None:
    request = _request(data={"note": ""})
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        redirect_to="/done/",
        template="includes/form.html",
        context={"form": form},
    )

    assert response.status_code == 200
    assert b'name="note"' in response.content


def test_htmx_gets_a_fragment_after_success_and_no_flash_message() -> None:
    request = _request(data={"note": "hello"}, HX_Request="true")
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        success="Saved.",
        redirect_to="/done/",
        htmx=lambda result: HttpResponse(f"fragment {result}"),
        page=_page(form),
    )

    assert is_htmx(request)
    assert response.status_code == 200
    assert response.content == b"fragment note-hello"
    assert _messages(request) == []


def test_htmx_gets_the_form_fragment_when_the_service_refuses() -> None:
    request = _request(data={"note": "hello"}, HX_Request="true")
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(ValidationError({"note": "No."})),
        redirect_to="/done/",
        htmx=lambda result: HttpResponse("fragment"),
        htmx_page=lambda: HttpResponse(f"form fragment {form.errors.as_json()}"),
        page=_page(form),
    )

    assert response.content.startswith(b"form fragment")
    assert form.errors == {"note": ["No."]}


def test_a_plain_post_is_not_answered_as_htmx() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    response = submit(
        request,
        form,
        action=Service(),
        success="Saved.",
        redirect_to="/done/",
        htmx=lambda result: HttpResponse("fragment"),
        htmx_page=lambda: HttpResponse("form fragment"),
        page=_page(form),
    )

    assert response.status_code == 302
    assert _messages(request) == ["Saved."]


def test_an_htmx_get_gets_the_page() -> None:
    request = _request("get", HX_Request="true")
    form = NoteForm(None)

    response = submit(
        request,
        form,
        action=Service(),
        redirect_to="/done/",
        htmx_page=lambda: HttpResponse("form fragment"),
        page=_page(form),
    )

    assert response.content == b"page {}"


def test_a_refusal_of_access_passes_through() -> None:
    request = _request(data={"note": "hello"})
    form = NoteForm(request.POST)

    with pytest.raises(PermissionDenied):
        submit(
            request,
            form,
            action=Service(PermissionDenied()),
            redirect_to="/done/",
            page=_page(form),
        )


def test_it_needs_somewhere_to_go_and_something_to_show() -> None:
    form = NoteForm(None)
    with pytest.raises(TypeError, match="redirect_to or respond"):
        submit(_request("get"), form, action=Service(), page=_page(form))
    with pytest.raises(TypeError, match="page or template"):
        submit(_request("get"), form, action=Service(), redirect_to="/done/")
