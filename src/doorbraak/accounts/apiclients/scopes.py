"""The parts of the API a client may be allowed to call, derived from the API's URL names.

Every named URL of the ``api`` namespace belongs to exactly one group (or is open to every
client: the schema and ``me``); ``tests/accounts/test_api_clients.py`` walks the resolver
and fails on a URL no group claims, so a new endpoint is never reachable unscoped.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    """One group of endpoints; the values are stored in ``ApiClient.scopes``."""

    ORGANISATIONS = "organisations", _("Organisations and teams")
    HOUSEHOLDS = "households", _("Referrals and households")
    ASSESSMENTS = "assessments", _("Self-sufficiency assessments")
    PLANS = "plans", _("Plans")
    SOCIAL_MAP = "social_map", _("Social map")
    BREAKTHROUGHS = "breakthroughs", _("Bottlenecks and breakthroughs")
    PARTNER_REQUESTS = "partner_requests", _("Partner requests")
    TABLES = "tables", _("Breakthrough tables")
    FUNDS = "funds", _("Funds")
    OUTCOMES = "outcomes", _("Outcomes")
    CATALOGUE = "catalogue", _("Cost catalogue")
    LIBRARY = "library", _("Law library")
    INSIGHTS = "insights", _("Insights and signals")
    CASEBOOK = "casebook", _("Casebook")


#: URL names every authenticated client may call: who am I, the API's description, and
#: the files built for the client itself (a download is only ever its asker's, and only an
#: endpoint of the client's scope queues one).
OPEN_TO_EVERY_CLIENT = frozenset({"me", "schema", "download-detail", "download-file"})

#: URL-name prefixes and their group; the longest matching prefix decides.
_PREFIXES: dict[str, ApiScope] = {
    "organisation-": ApiScope.ORGANISATIONS,
    "team-": ApiScope.ORGANISATIONS,
    "referral-": ApiScope.HOUSEHOLDS,
    "household-": ApiScope.HOUSEHOLDS,
    "lifedomain-": ApiScope.ASSESSMENTS,
    "assessment-": ApiScope.ASSESSMENTS,
    "plan-": ApiScope.PLANS,
    "social-service-": ApiScope.SOCIAL_MAP,
    "bottleneck-": ApiScope.BREAKTHROUGHS,
    "breakthrough-": ApiScope.BREAKTHROUGHS,
    "partner-request-": ApiScope.PARTNER_REQUESTS,
    "partner-directory": ApiScope.PARTNER_REQUESTS,
    "time-out-": ApiScope.PARTNER_REQUESTS,
    "table-": ApiScope.TABLES,
    "meeting-": ApiScope.TABLES,
    "agenda-item-": ApiScope.TABLES,
    "follow-up-": ApiScope.TABLES,
    "fund-": ApiScope.FUNDS,
    "mandate-rule-": ApiScope.FUNDS,
    "outcome-": ApiScope.OUTCOMES,
    "cost-item-": ApiScope.CATALOGUE,
    "regulation-": ApiScope.LIBRARY,
    "insights-": ApiScope.INSIGHTS,
    "signal-": ApiScope.INSIGHTS,
    "example-": ApiScope.CASEBOOK,
}


def scope_of(url_name: str) -> ApiScope | None:
    """The group of an ``api:`` URL name, or None when no group claims it."""
    matches = [prefix for prefix in _PREFIXES if url_name.startswith(prefix)]
    if not matches:
        return None
    return _PREFIXES[max(matches, key=len)]


def permits(scopes: list[str], url_name: str | None) -> bool:
    """Whether a client with ``scopes`` may call the ``api:`` URL named ``url_name``."""
    if not url_name:
        return False
    if url_name in OPEN_TO_EVERY_CLIENT:
        return True
    scope = scope_of(url_name)
    return scope is not None and scope.value in scopes
