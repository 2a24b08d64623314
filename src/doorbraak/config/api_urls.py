"""``/api/v1/``: explicit paths, plural nouns, no trailing slashes (NL API Design Rules)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from doorbraak.accounts import api as accounts_api
from doorbraak.lib.access import api


@api()
class SchemaView(SpectacularAPIView):
    """The OpenAPI document, for a verified user (``SERVE_PERMISSIONS``)."""


urlpatterns = [
    path("schema", SchemaView.as_view(), name="schema"),
    path("me", accounts_api.MeView.as_view(), name="me"),
    path("organisations", accounts_api.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<int:pk>",
        accounts_api.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("teams", accounts_api.TeamListView.as_view(), name="team-list"),
    path("teams/<int:pk>", accounts_api.TeamDetailView.as_view(), name="team-detail"),
    path("", include("doorbraak.households.api_urls")),
    path("", include("doorbraak.assessments.api_urls")),
    path("", include("doorbraak.socialmap.api_urls")),
    path("", include("doorbraak.plans.api_urls")),
    path("", include("doorbraak.breakthroughs.api_urls")),
    path("", include("doorbraak.catalogue.api_urls")),
    path("", include("doorbraak.library.api_urls")),
    path("", include("doorbraak.outcomes.api_urls")),
    path("", include("doorbraak.tables.api_urls")),
    path("", include("doorbraak.funds.api_urls")),
    path("", include("doorbraak.insights.api_urls")),
    path("", include("doorbraak.casebook.api_urls")),
    path("", include("doorbraak.downloads.api_urls")),
]
