"""The project's URLs plus ``/__floor__/households``: the floor of the load test.

The floor is the least a Django page over the household table can cost: the same
middleware (session, log-in with second factor, CSRF, CSP), one paginated query of 25 of
the user's teams' households (the rows the household list sorts and counts) and a
minimal template; no page layout, no pseudonyms, no processing-log
write. ``make loadtest`` compares the real household list with it. Never part of the
application: only scripts/loadtest/settings.py points ROOT_URLCONF here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from doorbraak.accounts.models import Membership
from doorbraak.config import urls as project_urls
from doorbraak.households.models import Household

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang=nl><title>floor</title><table>"
    "{% for h in page %}<tr><td>{{ h.public_id }}</td><td>{{ h.name }}</td>"
    "<td>{{ h.postcode }}</td><td>{{ h.status }}</td><td>{{ h.opened_on }}</td></tr>"
    "{% endfor %}</table><p>{{ page.number }} / {{ page.paginator.num_pages }}</p>"
)


@login_required
def households(request: HttpRequest) -> HttpResponse:
    # The user's own teams, as the household list: the same rows to sort and count.
    teams = Membership.objects.filter(user=request.user, team__isnull=False).values("team_id")
    rows = Household.objects.filter(team_id__in=teams).only(
        "public_id", "name", "postcode", "status", "opened_on"
    )
    page = Paginator(rows.order_by("name", "pk"), 25).get_page(request.GET.get("page"))
    return HttpResponse(_TEMPLATE.render({"page": page}, request))


urlpatterns = [
    path("__floor__/households", households, name="floor-households"),
    path("", include(project_urls)),
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
