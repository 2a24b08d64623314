from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from django.views.i18n import set_language

from doorbraak.accounts import views as accounts_views
from doorbraak.accounts.admin import admin_site
from doorbraak.home import views as home_views
from doorbraak.lib import failures
from doorbraak.lib.access import public
from doorbraak.lib.api import API_PREFIX, problem_response

urlpatterns = [
    path("", home_views.home, name="home"),
    path("werk/<slug:key>/", home_views.work_block, name="work-block"),
    path("", include("doorbraak.accounts.urls")),
    path("privacy/verzoeken/", include("doorbraak.privacy.urls")),
    path("privacy/", include("doorbraak.audit.urls")),
    path("huishoudens/", include("doorbraak.households.urls")),
    path("zelfredzaamheid/", include("doorbraak.assessments.urls")),
    path("plannen/", include("doorbraak.plans.urls")),
    path("sociale-kaart/", include("doorbraak.socialmap.urls")),
    path("doorbraken/", include("doorbraak.breakthroughs.urls")),
    path("partners/", include("doorbraak.breakthroughs.partner.urls")),
    path("bibliotheek/kosten/", include("doorbraak.catalogue.urls")),
    path("bibliotheek/", include("doorbraak.library.urls")),
    path("doorbraaktafels/", include("doorbraak.tables.urls")),
    path("potje/", include("doorbraak.funds.urls")),
    path("resultaten/", include("doorbraak.outcomes.urls")),
    path("inzicht/rapporten/", include("doorbraak.insights.report_urls")),
    path("inzicht/", include("doorbraak.insights.urls")),
    path("voorbeelden/", include("doorbraak.casebook.urls")),
    path("bewaartermijnen/", include("doorbraak.retention.urls")),
    path("downloads/", include("doorbraak.downloads.urls")),
    path("api-koppelingen/", include("doorbraak.accounts.apiclients.urls")),
    path("mijn/", include("doorbraak.residents.urls")),
    path("mijn/", include("doorbraak.residents.auth_urls")),
    path("beheer/", admin_site.urls),
    # Public: the language switch works before log-in too (Django's own view).
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("gezondheid/", include("doorbraak.operations.urls")),
    path("favicon.ico", accounts_views.favicon, name="favicon"),
    path(".well-known/security.txt", accounts_views.security_txt, name="security-txt"),
    path("api/v1/", include(("doorbraak.config.api_urls", "api"), namespace="api")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 404)
    return defaults.page_not_found(request, exception)


handler400 = failures.bad_request
handler403 = failures.permission_denied
handler500 = failures.server_error
