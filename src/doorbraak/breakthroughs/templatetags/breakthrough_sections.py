"""The breakthroughs section of the household page, contributed by this app.

The household page (``households``) loads this tag instead of importing our selectors, so
the households app does not depend on breakthroughs.
"""

from __future__ import annotations

from typing import Any

from django import template

from doorbraak.breakthroughs.models import Bottleneck, Breakthrough, BreakthroughStatus
from doorbraak.breakthroughs.selectors import bottleneck_summaries
from doorbraak.households.models import Household
from doorbraak.lib.rows import choice_labels, day_writer, url_maker

register = template.Library()


def _choices(model: type[Any], name: str) -> dict[Any, str]:
    return choice_labels(model._meta.get_field(name).choices or [])


def section_rows(bottlenecks: list[Bottleneck]) -> list[dict[str, Any]]:
    """What the section shows of each bottleneck and its breakthroughs, prepared once (the
    choice labels translated once, the links reversed once, each day written once): the
    text ``get_<field>_display``, ``{% url %}`` and ``|date`` would give in every row."""
    themes, kinds = _choices(Bottleneck, "theme"), _choices(Bottleneck, "kind")
    statuses, levels = _choices(Breakthrough, "status"), _choices(Breakthrough, "level")
    bottleneck_url = url_maker("breakthroughs:bottleneck-detail")
    breakthrough_url = url_maker("breakthroughs:detail")
    day = day_writer()
    return [
        {
            "url": bottleneck_url(bottleneck.pk),
            "title": bottleneck.title,
            "theme": themes.get(bottleneck.theme, bottleneck.theme),
            "kind": kinds.get(bottleneck.kind, bottleneck.kind),
            "registered_on": day(bottleneck.created_at),
            "breakthroughs": [
                {
                    "url": breakthrough_url(breakthrough.pk),
                    "title": breakthrough.title,
                    "status": statuses.get(breakthrough.status, breakthrough.status),
                    # ``Breakthrough.is_open``: on its route, its level shown.
                    "open": breakthrough.status == BreakthroughStatus.SUBMITTED,
                    "level": levels.get(breakthrough.level, breakthrough.level),
                }
                for breakthrough in bottleneck.breakthroughs.all()
            ],
        }
        for bottleneck in bottlenecks
    ]


@register.inclusion_tag("breakthroughs/_household_section.html")
def household_bottlenecks(household: Household) -> dict[str, Any]:
    """The household's bottlenecks with their breakthroughs (the caller opened the household)."""
    return {
        "household": household,
        "bottlenecks": section_rows(bottleneck_summaries(household=household)),
    }
