"""What each role can do: the main navigation and the home-page cards.

Each later app adds its own entries here, so the menu stays one list you can grep.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.apiclients.policies import can_manage_api_clients
from doorbraak.accounts.models import Role
from doorbraak.accounts.policies import can_administer, can_view_organisations
from doorbraak.accounts.selectors import AnyUser, has_role, roles_of, team_ids_of
from doorbraak.audit.policies import can_view_processing_log, can_view_security_log
from doorbraak.breakthroughs.policies import (
    can_answer_partner_requests,
    can_view_table_queue,
    can_work_on_breakthroughs,
)
from doorbraak.casebook.policies import can_read_examples
from doorbraak.households.policies import can_refer, can_work_on_households
from doorbraak.insights.policies import can_view_insights
from doorbraak.privacy.policies import can_handle_data_subject_requests
from doorbraak.retention.policies import can_view_retention
from doorbraak.socialmap.policies import can_view_social_map
from doorbraak.tables.policies import can_use_tables


def _uses_funds(user: AnyUser) -> bool:
    """Team members ask, fund managers approve and pay."""
    return bool(
        user.is_authenticated
        and has_role(user, Role.PROFESSIONAL, Role.TEAM_LEAD, Role.FUND_MANAGER)
    )


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    allowed: Callable[[AnyUser], bool]
    description: str | Promise = ""


def _has_team(user: AnyUser) -> bool:
    return bool(team_ids_of(user))


def _asks_for_downloads(user: AnyUser) -> bool:
    """The roles whose pages build files in the background (doorbraak.downloads)."""
    return can_view_insights(user) or can_view_processing_log(user)


def _refers_from_outside(user: AnyUser) -> bool:
    """Partners refer; team members find the referral form in their inbox."""
    return can_refer(user) and not can_work_on_households(user)


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(
        _("Households"),
        "households:list",
        can_work_on_households,
        _("The households of your team: one household, one plan, one contact person."),
    ),
    NavEntry(
        _("Referrals"),
        "households:referral-inbox",
        can_work_on_households,
        _("New referrals for your team: accept them with an intake, or decline with a reason."),
    ),
    NavEntry(
        _("Refer a household"),
        "households:referral-create",
        _refers_from_outside,
        _("Report a household that needs help from the neighbourhood team."),
    ),
    NavEntry(
        _("My referrals"),
        "households:referral-mine",
        can_refer,
        _("The status of the referrals you made."),
    ),
    NavEntry(
        _("Breakthroughs"),
        "breakthroughs:list",
        can_work_on_breakthroughs,
        _("Bottlenecks where rules clash, the breakthroughs that unblock them, and their route."),
    ),
    NavEntry(
        _("Casebook"),
        "casebook:list",
        can_read_examples,
        _("Examples of earlier breakthroughs, without personal data: learn from other teams."),
    ),
    NavEntry(
        _("Requests to my organisation"),
        "partners:inbox",
        can_answer_partner_requests,
        _("Breakthroughs that neighbourhood teams ask your organisation to decide on."),
    ),
    NavEntry(
        _("Breakthrough tables"),
        "tables:overview",
        can_use_tables,
        _("Your tables: meetings, the agenda, decisions, minutes and follow-up actions."),
    ),
    NavEntry(
        _("Waiting for the table"),
        "breakthroughs:table-queue",
        can_view_table_queue,
        _("Cases that reached the breakthrough table, minimised, with what is asked of whom."),
    ),
    NavEntry(
        _("Voorkom Erger Potje"),
        "funds:list",
        _uses_funds,
        _("Small amounts that prevent worse: requests, approvals, payments and the balance."),
    ),
    NavEntry(
        _("Spiegel and signals"),
        "insights:spiegel",
        can_view_insights,
        _("Patterns in the bottlenecks, and the signals to whoever owns the rule."),
    ),
    NavEntry(
        _("Societal value"),
        "reports:list",
        can_view_insights,
        _("What the work prevented and what it cost, for the council: aggregated figures only."),
    ),
    NavEntry(
        _("Social map"),
        "socialmap:search",
        can_view_social_map,
        _("The help on offer in the municipality, by need and district, with how to reach it."),
    ),
    NavEntry(
        _("Laws and costs"),
        "library:regulations",
        can_view_organisations,
        _("The law library with hardship clauses, and the cost catalogue with its sources."),
    ),
    NavEntry(
        _("My team"),
        "accounts:my-team",
        _has_team,
        _("The colleagues in your neighbourhood team and their roles."),
    ),
    NavEntry(
        _("Organisations and contact persons"),
        "accounts:organisation-list",
        can_view_organisations,
        _("Partner organisations and their fixed contact persons in your municipality."),
    ),
    NavEntry(
        _("Processing log"),
        "audit:processing-log",
        can_view_processing_log,
        _("Who processed whose personal data, when, why and on which legal basis."),
    ),
    NavEntry(
        _("Security log"),
        "audit:security-log",
        can_view_security_log,
        _("Refused access and duplicate checks by user, with the security alerts' thresholds."),
    ),
    NavEntry(
        _("Data-subject requests"),
        "privacy:list",
        can_handle_data_subject_requests,
        _("Requests to see, correct, restrict or erase personal data, with their deadlines."),
    ),
    NavEntry(
        _("Retention and destruction"),
        "retention:rules",
        can_view_retention,
        _("How long records are kept, and the destruction lists to review and approve."),
    ),
    NavEntry(
        _("Administration"),
        "admin:index",
        can_administer,
        _("Municipalities, districts, organisations, teams, users and their roles."),
    ),
    NavEntry(
        _("API clients"),
        "api_clients:list",
        can_manage_api_clients,
        _("Systems of partner organisations that call the API: their scope, keys and use."),
    ),
    NavEntry(
        _("My downloads"),
        "downloads:list",
        _asks_for_downloads,
        _("Exports and long reports, built in the background, for you alone to download."),
    ),
    NavEntry(
        _("My account"),
        "accounts:account",
        lambda user: user.is_authenticated,
        _("Your roles and your two-step verification."),
    ),
)

#: One sentence per role on what it is for and what it may see (DESIGN.md).
ROLE_DESCRIPTIONS: dict[str, str | Promise] = {
    Role.PROFESSIONAL: _(
        "You coordinate households of your own team: intake, assessment, one plan, "
        "bottlenecks and breakthrough proposals. You see only your own team's households."
    ),
    Role.TEAM_LEAD: _(
        "You oversee your team's households and approve within your mandate: “do what is needed”."
    ),
    Role.PARTNER_CONTACT: _(
        "You answer requests addressed to your organisation and sit at breakthrough tables. "
        "You see only what a household shared with your organisation, with consent."
    ),
    Role.TABLE_CHAIR: _(
        "You prepare and chair breakthrough-table meetings and record decisions. "
        "You see agenda items of your tables, minimised."
    ),
    Role.FUND_MANAGER: _(
        "You manage the Voorkom Erger Potje: approve and pay within your mandate, "
        "with the minimum of personal data."
    ),
    Role.POLICY_ANALYST: _(
        "You study patterns and signals for policy makers, on aggregated and pseudonymised "
        "data only."
    ),
    Role.PRIVACY_OFFICER: _(
        "You supervise the processing of personal data through the processing log. "
        "You do not see case content by default."
    ),
    Role.ADMIN: _(
        "You manage users, organisations, teams and configuration. You do not see case content."
    ),
}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool
    description: str | Promise


@functools.lru_cache(maxsize=256)
def _reverse(url_name: str, urlconf: Any, script_prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def _url(url_name: str) -> str:
    """``reverse(url_name)`` once per URLconf and script prefix: the menu is on every page."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(url_name, urlconf, get_script_prefix())


def nav_items_for(user: AnyUser, current_path: str) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    # The URLconf and prefix once for the whole menu, not once for each of its entries.
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    allowed = [
        (entry, _reverse(entry.url_name, urlconf, prefix))
        for entry in ENTRIES
        if entry.allowed(user)
    ]
    # The entry whose address is the longest prefix of the current page is the active one:
    # /huishoudens/aanmeldingen/ marks "Referrals", not "Households".
    matches = [url for _entry, url in allowed if current_path.startswith(url)]
    active = max(matches, key=len, default=None)
    return [NavItem(entry.label, url, url == active, entry.description) for entry, url in allowed]


_NAV_ITEM = (
    '<li class="utrecht-nav-list__item db-nav__item">'
    '<a class="utrecht-nav-list__link db-nav__link" href="{}"{}>{}</a></li>'
)
_CURRENT = mark_safe(' aria-current="page"')


def nav_html(items: list[NavItem]) -> SafeString:
    """The menu's list items as HTML, for the page layout (base.html).

    Every page shows the menu, and a template loop over its twenty entries cost more than
    the rest of the layout; the HTML depends only on the entries, the current one and the
    language (the labels are translated before the look-up), so it is built once per
    process for each such combination.
    """
    return _nav_html(tuple((str(item.label), item.url, item.active) for item in items))


@functools.lru_cache(maxsize=1024)
def _nav_html(items: tuple[tuple[str, str, bool], ...]) -> SafeString:
    return format_html_join(
        "\n", _NAV_ITEM, ((url, _CURRENT if active else "", label) for label, url, active in items)
    )


@functools.lru_cache(maxsize=8)
def language_options(current: str) -> SafeString:
    """The ``<option>``s of the layout's language choice, ``current`` selected."""
    options = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        selected = mark_safe(" selected") if code == current else ""
        options.append((code, code, selected, capfirst(info["name_local"])))
    return format_html_join("\n", '<option value="{}" lang="{}"{}>{}</option>', options)


def layout_url(url_name: str) -> str:
    """``reverse`` for the page layout's fixed links, once per URLconf and script prefix."""
    return _url(url_name)


def role_cards_for(user: AnyUser) -> list[tuple[str | Promise, str | Promise]]:
    roles = roles_of(user)
    return [(Role(role).label, ROLE_DESCRIPTIONS[role]) for role in Role.values if role in roles]


def home_cards_html(
    tasks: list[NavItem], role_cards: list[tuple[str | Promise, str | Promise]]
) -> SafeString:
    """The home page's cards: what the user can do here and their roles
    (``home/_cards.html``).

    They depend only on the menu entries the user has (label, address, description), the
    roles and the language, never on personal data, so they are rendered once per process
    for each such combination, as the menu is (:func:`nav_html`).
    """
    return _cards_html(
        get_language(),
        tuple((item.url, str(item.label), str(item.description)) for item in tasks),
        tuple((str(label), str(description)) for label, description in role_cards),
    )


@functools.lru_cache(maxsize=1024)
def _cards_html(
    language: str | None,
    tasks: tuple[tuple[str, str, str], ...],
    role_cards: tuple[tuple[str, str], ...],
) -> SafeString:
    return SafeString(
        render_to_string("home/_cards.html", {"tasks": tasks, "role_cards": role_cards})
    )
