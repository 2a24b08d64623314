"""The project's URLs plus ``/__floor__/examples``: the floor of the casebook bench.

The least a Django page over the example table can cost: the same middleware, log-in with
the second factor, one paginated query (with its count) of 20 published examples, newest
first, and a minimal template. Only scripts/bench_casebook.py points ROOT_URLCONF here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from doorbraak.casebook.models import Example
from doorbraak.config import urls as project_urls

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang=nl><title>floor</title><ul>"
    "{% for e in page %}<li>{{ e.title }} {{ e.theme }} {{ e.source_municipality }}</li>"
    "{% endfor %}</ul><p>{{ page.number }} / {{ page.paginator.num_pages }}</p>"
)


@login_required
def examples(request: HttpRequest) -> HttpResponse:
    rows = Example.objects.filter(status="gepubliceerd").only(
        "title", "theme", "source_municipality"
    )
    page = Paginator(rows.order_by("-published_at", "-pk"), 20).get_page(request.GET.get("page"))
    return HttpResponse(_TEMPLATE.render({"page": page}, request))


urlpatterns = [
    path("__floor__/examples", examples, name="floor-examples"),
    path("", include(project_urls)),
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
