"""Reads of the casebook, scoped by ``Example.objects.visible_to(user)``.

Examples hold no personal data: nothing here writes the processing log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from doorbraak.accounts.models import Municipality, Organisation, Role
from doorbraak.accounts.selectors import AnyUser, active_memberships
from doorbraak.casebook import search
from doorbraak.casebook.models import Example, ExampleAmount, ExampleScope, ExampleStatus
from doorbraak.library.models import Regulation

#: Suggestions shown while registering a bottleneck and on the breakthrough page.
SUGGESTIONS = 5
#: Structural candidates (sharing regulations or organisations) ranked by text per request.
_CANDIDATES = 100
#: A search ranks at most this many matches, the newest (the page says so when capped).
RANKED = 500
#: Suggestions consider the newest examples sharing each regulation or organisation.
_PER_LINK = 2_000
#: The best of those by overlap, before their visibility is checked one by one.
_SHORTLIST = 500


@dataclass(frozen=True)
class ExampleFilter:
    query: str = ""
    theme: str = ""
    regulation: int | None = None
    organisation: int | None = None
    result: str = ""
    municipality: str = ""


def _for_list(examples: QuerySet[Example], *, organisations: bool = True) -> QuerySet[Example]:
    examples = examples.select_related("municipality").prefetch_related(
        Prefetch("regulations", queryset=Regulation.objects.order_by("citation"))
    )
    if organisations:
        examples = examples.prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
        )
    return examples


def exchange_examples(*, user: AnyUser) -> list[Example]:
    """The published national-exchange examples the user may read that were written here
    (not imported): what the exchange file of the municipality holds."""
    return list(
        example_search(user=user, filters=ExampleFilter())
        .filter(scope=ExampleScope.NATIONAL, imported=False)
        .prefetch_related("amounts")
    )


def example_search(
    *, user: AnyUser, filters: ExampleFilter, organisations: bool = True
) -> QuerySet[Example]:
    """Published examples the user may read, filtered; ranked when there is a query.

    ``organisations=False`` leaves the examples' organisations unread: the list page
    shows only the regulations (one query less).
    """
    examples = Example.objects.visible_to(user).published()
    if filters.theme:
        examples = examples.filter(theme=filters.theme)
    if filters.result:
        examples = examples.filter(result=filters.result)
    if filters.municipality:
        examples = examples.filter(source_municipality=filters.municipality)
    if filters.regulation:
        examples = examples.filter(
            pk__in=Example.regulations.through.objects.filter(
                regulation_id=filters.regulation
            ).values("example_id")
        )
    if filters.organisation:
        examples = examples.filter(
            pk__in=Example.organisations.through.objects.filter(
                organisation_id=filters.organisation
            ).values("example_id")
        )
    found = search.match(filters.query)
    if found is not None:
        condition, rank = found
        # Ranking every match of a common word costs a ts_rank per row: rank the newest
        # RANKED matches (found through the GIN index or the date index, whichever the
        # planner prefers), so a search costs the same at any size.
        # The ids first, in a query of their own: the rank and match expressions name the
        # example table, which a subquery would alias.
        newest = list(
            examples.filter(condition)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:RANKED]
        )
        ranked = _for_list(
            Example.objects.filter(search.ids_in(newest))
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-pk"),
            organisations=organisations,
        )
        # Known already: the paginator need not count (and rank) them again.
        ranked.known_count = len(newest)  # type: ignore[attr-defined]
        return ranked
    return _for_list(examples.order_by("-published_at", "-pk"), organisations=organisations)


class ExamplePaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that takes the count a search already knows."""

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)
        return int(known) if known is not None else int(super().count)


def example_get(*, user: AnyUser, pk: int) -> Example:
    """The example with its amounts, regulations and organisations; 404 when not readable."""
    return get_object_or_404(
        _for_list(Example.objects.visible_to(user))
        .prefetch_related(Prefetch("amounts", queryset=ExampleAmount.objects.order_by("pk")))
        .select_related("proposed_by", "reviewed_by", "breakthrough"),
        pk=pk,
    )


def review_queue(*, user: AnyUser) -> QuerySet[Example]:
    """Proposals waiting for a team lead of their team."""
    teams = [m.team_id for m in active_memberships(user) if m.role == Role.TEAM_LEAD]
    return _for_list(
        Example.objects.filter(status=ExampleStatus.PROPOSED, team_id__in=teams)
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )


def example_of_breakthrough(*, breakthrough_id: int) -> Example | None:
    """The breakthrough's example that is not withdrawn, if any."""
    return (
        Example.objects.filter(breakthrough_id=breakthrough_id)
        .exclude(status=ExampleStatus.WITHDRAWN)
        .first()
    )


def municipality_names() -> list[str]:
    return list(Municipality.objects.order_by("name").values_list("name", flat=True))


def suggestions(
    *,
    user: AnyUser,
    regulation_ids: Sequence[int] = (),
    organisation_ids: Sequence[int] = (),
    text: str = "",
    exclude_breakthrough: int | None = None,
    limit: int = SUGGESTIONS,
) -> list[Example]:
    """Similar published examples: those sharing the most regulations and organisations
    first, then by text similarity; examples that share none follow on text alone.

    Bounded work per request at any size: the structural candidates are counted in the
    link tables and the best ``_CANDIDATES`` ranked by text; the text-only ones are found
    through the search index and ranked in the database with a limit.
    """
    visible = Example.objects.visible_to(user).published()
    if exclude_breakthrough is not None:
        visible = visible.exclude(breakthrough_id=exclude_breakthrough)
    found = search.match(text, any_term=True)
    rank = found[1] if found else Value(0.0)
    chosen: list[Example] = []
    overlaps = _structural_candidates(visible, regulation_ids, organisation_ids)
    if overlaps:
        candidates: list[Example] = list(
            _for_list(Example.objects.filter(search.ids_in(list(overlaps)))).annotate(rank=rank)
        )
        candidates.sort(
            key=lambda e: (overlaps[e.pk], e.rank or 0.0, e.published_at, e.pk),  # type: ignore[attr-defined]
            reverse=True,
        )
        chosen = candidates[:limit]
    if len(chosen) < limit and found is not None:
        condition, _rank = found
        newest = list(
            visible.filter(condition)
            .exclude(pk__in=[e.pk for e in chosen])
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:_CANDIDATES]
        )
        chosen += list[Example](
            _for_list(Example.objects.filter(search.ids_in(newest)))
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-pk")[: limit - len(chosen)]
        )
    return chosen


def _structural_candidates(
    visible: QuerySet[Example], regulation_ids: Sequence[int], organisation_ids: Sequence[int]
) -> dict[int, int]:
    """``{example id: shared regulations + organisations}`` of the best ``_CANDIDATES``
    visible examples sharing any, among the newest ``_PER_LINK`` of each regulation and
    organisation: counted in the link tables, one statement."""
    parts: list[str] = []
    params: list[int] = []
    for table, column, ids in (
        ("casebook_example_regulations", "regulation_id", regulation_ids),
        ("casebook_example_organisations", "organisation_id", organisation_ids),
    ):
        for link_id in ids:
            # The newest examples per regulation or organisation (migration 0003's index).
            parts.append(
                f"SELECT example_id FROM (SELECT example_id FROM {table} WHERE {column} = %s"  # noqa: S608 - constants only
                f" ORDER BY example_id DESC LIMIT {_PER_LINK}) AS part{len(parts)}"
            )
            params.append(link_id)
    if not parts:
        return {}
    # Counted and shortlisted in the link tables first, then checked for visibility by id:
    # a join of every visible example with the links would hash them all (tens of
    # thousands) on each keystroke.
    sql = (
        "SELECT example_id, COUNT(*) AS overlap"  # noqa: S608 - constants and parameters
        f" FROM ({' UNION ALL '.join(parts)}) AS links GROUP BY example_id"
        f" ORDER BY overlap DESC, example_id DESC LIMIT {_SHORTLIST}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        shortlist = dict(cursor.fetchall())
    readable = set(visible.filter(search.ids_in(list(shortlist))).values_list("pk", flat=True))
    best = sorted(readable, key=lambda pk: (shortlist[pk], pk), reverse=True)[:_CANDIDATES]
    return {pk: shortlist[pk] for pk in best}
