"""Reads of the social map, scoped to the reader's municipalities.

The social map is not personal data: nothing here writes the processing log. How often plans
use a service is counted through the reverse relation of ``plans.Action.service``
(``plan_actions``) without importing plans, and shown only from ``k`` households up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from doorbraak.accounts.models import District, Municipality, Role
from doorbraak.accounts.selectors import AnyUser, active_memberships, municipality_ids_of
from doorbraak.assessments.models import LifeDomain
from doorbraak.lib.prepared import Prepared
from doorbraak.socialmap.models import Cost, Service, WaitingTimeReport

#: "Short waiting time" in the search: at most this many weeks.
SHORT_WAIT_WEEKS = 2


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    domain: LifeDomain | None = None
    district: District | None = None
    free: bool = False
    short_wait: bool = False
    inactive: bool = False


def _with_lists(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("municipality").prefetch_related(
        Prefetch("life_domains", queryset=LifeDomain.objects.order_by("position", "name")),
        Prefetch("districts", queryset=District.objects.order_by("name")),
    )


def service_search(
    *, user: AnyUser, filters: SearchFilters | None = None, lists: bool = True
) -> QuerySet[Service]:
    """The services the user may see that match ``filters``; active ones only unless asked.

    With ``lists`` each comes with its municipality, life domains and districts; the map's
    page reads only the names it shows, with :func:`card_names`.

    A district matches the services that name it and those for the whole municipality (no
    districts). The free text is a plain ``icontains`` over organisation, name, description
    and target group: the map of one municipality has hundreds of rows, not millions.
    """
    filters = filters or SearchFilters()
    services = Service.objects.visible_to(user)
    if not filters.inactive:
        services = services.filter(active=True)
    text = filters.query.strip()
    if text:
        services = services.filter(
            Q(name__icontains=text)
            | Q(organisation_name__icontains=text)
            | Q(description__icontains=text)
            | Q(target_group__icontains=text)
        )
    if filters.domain is not None:
        helps = Service.life_domains.through.objects.filter(lifedomain_id=filters.domain.pk)
        services = services.filter(pk__in=helps.values("service_id"))
    if filters.district is not None:
        through = Service.districts.through.objects
        named = through.filter(district_id=filters.district.pk).values("service_id")
        services = services.filter(Q(pk__in=named) | ~Q(pk__in=through.values("service_id")))
    if filters.free:
        services = services.filter(cost=Cost.FREE)
    if filters.short_wait:
        services = services.filter(waiting_weeks__lte=SHORT_WAIT_WEEKS)
    ordered = services.order_by("organisation_name", "name", "pk")
    return _with_lists(ordered) if lists else ordered


# The names of the life domains and districts of a page of services, in the order of the
# prefetches of ``_with_lists``, their SQL compiled once per number of services
# (lib/prepared.py): building the two prefetch queries cost more than running them.
_DOMAIN_NAMES = Prepared(
    lambda *, services: (
        Service.life_domains.through.objects.filter(service_id__in=services)
        .order_by("lifedomain__position", "lifedomain__name")
        .values("service_id", "lifedomain__name")
    )
)
_DISTRICT_NAMES = Prepared(
    lambda *, services: (
        Service.districts.through.objects.filter(service_id__in=services)
        .order_by("district__name")
        .values("service_id", "district__name")
    )
)


@dataclass(frozen=True)
class CardNames:
    """Per service id: the names of its life domains and of its districts."""

    domains: dict[int, list[str]]
    districts: dict[int, list[str]]


def card_names(*, services: Sequence[Service]) -> CardNames:
    """The names a card of the map shows, for ``services`` (two queries)."""
    ids = tuple(service.pk for service in services)
    domains: dict[int, list[str]] = defaultdict(list)
    for row in _DOMAIN_NAMES.rows(services=ids):
        domains[row["service_id"]].append(row["lifedomain__name"])
    districts: dict[int, list[str]] = defaultdict(list)
    for row in _DISTRICT_NAMES.rows(services=ids):
        districts[row["service_id"]].append(row["district__name"])
    return CardNames(domains=dict(domains), districts=dict(districts))


class _CountedPaginator(Paginator[Service]):
    """A paginator told the number of services, found with the page's rows in one query."""

    def __init__(self, services: QuerySet[Service], per_page: int, count: int) -> None:
        super().__init__(services, per_page)
        self._found = count

    @cached_property
    def count(self) -> int:
        return self._found


#: Beyond any map's pages; a larger number would overflow the OFFSET.
_MAX_PAGE = 1_000_000


def service_page(
    services: QuerySet[Service], *, number: str | None, per_page: int
) -> Page[Service]:
    """``Paginator(services, per_page).get_page(number)``, with the number of services
    counted in the page's own query (a window count over all the rows it filters) instead
    of a ``COUNT(*)`` of its own. A page that does not exist (past the end, below 1, not a
    number) is left to ``get_page``, which shows the first or the last one as before."""
    try:
        wanted = int(number)  # type: ignore[arg-type]  # None is not a number: page 1
    except (TypeError, ValueError):
        wanted = 1
    if 1 <= wanted <= _MAX_PAGE:
        start = (wanted - 1) * per_page
        rows = list(services.annotate(found=Window(Count("pk")))[start : start + per_page])
        if rows or wanted == 1:
            found = rows[0].found if rows else 0
            paginator = _CountedPaginator(services, per_page, found)
            page = paginator.page(wanted)
            page.object_list = rows
            return page
    return Paginator(services, per_page).get_page(number)


def service_get(*, user: AnyUser, pk: int) -> Service:
    """A service of the user's municipalities (also an inactive one), or 404.

    ``household_count`` is annotated: the distinct households whose plans have an action
    pointing at the service (every version of a plan counts once per household).
    """
    services = _with_lists(Service.objects.visible_to(user)).annotate(
        household_count=Count("plan_actions__plan__household", distinct=True)
    )
    return get_object_or_404(services, pk=pk)


def usage_shown(count: int) -> int | None:
    """The count as it may be shown: ``None`` when 0 < count < k (``DOORBRAAK_K_INTERNAL``)."""
    return None if 0 < count < settings.DOORBRAAK_K_INTERNAL else count


def services_for_plan(*, municipality: Municipality) -> list[Service]:
    """The active services a plan action of a household in ``municipality`` may point at."""
    return list(
        Service.objects.filter(municipality=municipality, active=True)
        .prefetch_related("life_domains")
        .order_by("organisation_name", "name", "pk")
    )


def search_choices(*, user: AnyUser) -> tuple[list[LifeDomain], list[District]]:
    """The life domains and districts the search offers: those of the user's municipalities.

    A municipality offers its own catalogue of life domains if it has one, otherwise the
    default domains (``assessments.services.domains_for``); the municipalities are taken by
    name, each domain once. Two queries: the municipalities come with the memberships
    (read once per request), and the domains of all of them, own and default, in one.
    """
    if user.is_superuser:
        municipalities = list(Municipality.objects.order_by("name", "pk"))
    else:
        mine = {m.municipality_id: m.municipality for m in active_memberships(user)}
        municipalities = sorted(mine.values(), key=lambda m: (m.name, m.pk))
    ids = [m.pk for m in municipalities]
    own: dict[int, list[LifeDomain]] = defaultdict(list)
    default: list[LifeDomain] = []
    for domain in LifeDomain.objects.filter(
        Q(municipality_id__in=ids) | Q(municipality__isnull=True), active=True
    ).order_by("position", "name"):
        if domain.municipality_id is None:
            default.append(domain)
        else:
            own[domain.municipality_id].append(domain)
    domains: dict[int, LifeDomain] = {}
    for municipality in municipalities:
        for domain in own.get(municipality.pk) or default:
            domains.setdefault(domain.pk, domain)
    districts = list(District.objects.filter(municipality_id__in=ids).order_by("name"))
    return list(domains.values()), districts


def is_always_full(reports: list[WaitingTimeReport]) -> bool:
    """The last ``DOORBRAAK_SOCIALMAP_FULL_REPORTS`` reports (newest first) all reach the
    threshold ``DOORBRAAK_SOCIALMAP_FULL_WEEKS``."""
    needed = settings.DOORBRAAK_SOCIALMAP_FULL_REPORTS
    last = reports[:needed]
    return len(last) == needed and all(
        r.weeks >= settings.DOORBRAAK_SOCIALMAP_FULL_WEEKS for r in last
    )


def waiting_reports(*, service: Service) -> list[WaitingTimeReport]:
    return list(service.waiting_reports.order_by("-reported_on", "-pk")[:12])


def always_full_services(*, user: AnyUser) -> list[tuple[Service, list[WaitingTimeReport]]]:
    """Active services whose waiting time stayed above the threshold: candidates for a signal.

    Two queries: the services with their reports (newest first), then the check in Python.
    """
    services = (
        Service.objects.visible_to(user)
        .filter(active=True)
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "waiting_reports",
                queryset=WaitingTimeReport.objects.order_by("-reported_on", "-pk"),
                to_attr="reports_newest_first",
            )
        )
        .order_by("organisation_name", "name", "pk")
    )
    found = []
    for service in services:
        reports: list[WaitingTimeReport] = service.reports_newest_first  # type: ignore[attr-defined]
        if is_always_full(reports):
            found.append((service, reports[: settings.DOORBRAAK_SOCIALMAP_FULL_REPORTS]))
    return found


def maintained_municipalities(*, user: AnyUser) -> list[Municipality]:
    """The municipalities whose social map the user maintains (as functional administrator)."""
    if user.is_superuser:
        return list(Municipality.objects.order_by("name"))
    return list(
        Municipality.objects.filter(pk__in=municipality_ids_of(user, role=Role.ADMIN)).order_by(
            "name"
        )
    )


def maintained_services(*, user: AnyUser) -> QuerySet[Service]:
    """Every service (active or not) of the municipalities whose map the user maintains, in
    the order of the CSV export."""
    return (
        Service.objects.filter(municipality__in=maintained_municipalities(user=user))
        .prefetch_related("life_domains", "districts")
        .order_by("municipality__name", "code")
    )


def districts_of(*, municipality: Municipality) -> list[District]:
    return list(District.objects.filter(municipality=municipality).order_by("name"))
