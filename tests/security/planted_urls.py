"""A test-only URLconf: the real one plus a page that leaks and a page that breaks.

``tests/security/test_sweep.py`` shows with it that the sweep reports a URL pattern
without a rule, a token a persona may not see, and a server error.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import path

from doorbraak.config.urls import urlpatterns as real_urlpatterns
from doorbraak.households.models import HouseholdEvent


def leaky(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Shows Buurtteam B's timeline to anyone logged in, whatever household is asked for."""
    if not request.user.is_authenticated:
        return HttpResponse(status=302, headers={"Location": "/inloggen"})
    event = HouseholdEvent.objects.filter(household__team__name="Buurtteam B").first()
    return HttpResponse(f"<p>{event.summary if event else ''}</p>")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a planted server error")


urlpatterns = [
    *real_urlpatterns,
    path("geplant/lek/<uuid:public_id>/", leaky, name="planted-leak"),
    path("geplant/kapot/", broken, name="planted-500"),
]
