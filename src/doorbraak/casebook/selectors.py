"""Reads of the casebook, scoped by ``Example.objects.visible_to(user)``.

Examples hold no personal data: nothing here writes the processing log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from doorbraak.accounts.models import Municipality, Organisation, Role
from doorbraak.accounts.selectors import AnyUser, active_memberships
from doorbraak.casebook import search
from doorbraak.casebook.models import Example, ExampleAmount, ExampleStatus
from doorbraak.library.models import Regulation

#: Suggestions shown while registering a bottleneck and on the breakthrough page.
SUGGESTIONS = 5
#: Structural candidates (sharing regulations or organisations) ranked by text per request.
_CANDIDATES = 200


@dataclass(frozen=True)
class ExampleFilter:
    query: str = ""
    theme: str = ""
    regulation: int | None = None
    organisation: int | None = None
    result: str = ""
    municipality: str = ""


def _for_list(examples: QuerySet[Example]) -> QuerySet[Example]:
    return examples.select_related("municipality").prefetch_related(
        Prefetch("regulations", queryset=Regulation.objects.order_by("citation")),
        Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
    )


def example_search(*, user: AnyUser, filters: ExampleFilter) -> QuerySet[Example]:
    """Published examples the user may read, filtered; ranked when there is a query."""
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
        return _for_list(
            examples.filter(condition).annotate(rank=rank).order_by("-rank", "-published_at", "-pk")
        )
    return _for_list(examples.order_by("-published_at", "-pk"))


def example_get(*, user: AnyUser, pk: int) -> Example:
    """The example with its amounts, regulations and organisations; 404 when not readable."""
    return get_object_or_404(
        _for_list(Example.objects.visible_to(user)).prefetch_related(
            Prefetch("amounts", queryset=ExampleAmount.objects.order_by("pk"))
        ).select_related("proposed_by", "reviewed_by", "breakthrough"),
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
    regulations = Example.regulations.through.objects.filter(regulation_id__in=regulation_ids)
    organisations = Example.organisations.through.objects.filter(
        organisation_id__in=organisation_ids
    )
    if regulation_ids or organisation_ids:
        overlap = _overlap(regulations, organisations)
        candidates = list(
            visible.filter(
                Q(pk__in=regulations.values("example_id"))
                | Q(pk__in=organisations.values("example_id"))
            )
            .annotate(overlap=overlap)
            .order_by("-overlap", "-published_at", "-pk")
            .values_list("pk", flat=True)[:_CANDIDATES]
        )
        if candidates:
            chosen = list(
                _for_list(Example.objects.filter(pk__in=candidates))
                .annotate(overlap=overlap, rank=rank)
                .order_by("-overlap", "-rank", "-published_at", "-pk")[:limit]
            )
    if len(chosen) < limit and found is not None:
        condition, _rank = found
        more = (
            visible.filter(condition)
            .exclude(pk__in=[e.pk for e in chosen])
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-pk")[: limit - len(chosen)]
        )
        more = _for_list(more)
        chosen += list(more)
    return chosen


def _overlap(regulations: QuerySet, organisations: QuerySet) -> Coalesce:  # type: ignore[type-arg]
    """How many of the given regulations and organisations an example shares."""

    def count(links: QuerySet) -> Coalesce:  # type: ignore[type-arg]
        return Coalesce(
            Subquery(
                links.filter(example_id=OuterRef("pk"))
                .order_by()
                .values("example_id")
                .annotate(n=Count("*"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    return count(regulations) + count(organisations)  # type: ignore[return-value]
