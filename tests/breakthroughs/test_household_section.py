"""The household page's bottleneck section: its two reads and the rows it shows."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from doorbraak.breakthroughs.models import Bottleneck
from doorbraak.breakthroughs.selectors import bottleneck_summaries
from doorbraak.breakthroughs.templatetags.breakthrough_sections import section_rows
from doorbraak.households.models import Household
from tests.breakthroughs.builders import bottleneck, draft, submitted
from tests.conftest import Cast


def _fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


def test_the_summaries_are_the_bottlenecks_and_their_breakthroughs_newest_first(
    cast: Cast, household_a: Household
) -> None:
    """Two queries (compiled once), the rows of the prefetches they replace, attached to
    the household so the panel's second ask reads nothing."""
    bottleneck(cast, household_a)
    draft(cast, household_a)
    submitted(cast, household_a)
    household = _fresh(household_a)
    with CaptureQueriesContext(connection) as queries:
        summaries = bottleneck_summaries(household=household)
        again = bottleneck_summaries(household=household)
    assert len(queries) == 2
    assert [b.pk for b in again] == [b.pk for b in summaries]
    expected = Bottleneck.objects.filter(household=household_a).order_by("-created_at", "-pk")
    assert [b.pk for b in summaries] == [b.pk for b in expected]
    for listed, model in zip(summaries, expected, strict=True):
        assert [t.pk for t in listed.breakthroughs.all()] == [
            t.pk for t in model.breakthroughs.order_by("-created_at", "-pk")
        ]
        assert all(t.bottleneck is listed for t in listed.breakthroughs.all())
    assert [len(b.breakthroughs.all()) for b in summaries] == [1, 1, 0]


def test_without_bottlenecks_one_query(household_a: Household) -> None:
    household = _fresh(household_a)
    with CaptureQueriesContext(connection) as queries:
        assert bottleneck_summaries(household=household) == []
    assert len(queries) == 1


def test_the_rows_show_what_the_models_show_in_both_languages(
    cast: Cast, household_a: Household
) -> None:
    bottleneck(cast, household_a)
    draft(cast, household_a)
    submitted(cast, household_a)
    for language in ("nl", "en"):
        with translation.override(language):
            summaries = bottleneck_summaries(household=_fresh(household_a))
            expected: list[dict[str, Any]] = [
                {
                    "url": reverse("breakthroughs:bottleneck-detail", args=[b.pk]),
                    "title": b.title,
                    "theme": b.get_theme_display(),
                    "kind": b.get_kind_display(),
                    "registered_on": formats.date_format(
                        timezone.localtime(b.created_at), "DATE_FORMAT"
                    ),
                    "breakthroughs": [
                        {
                            "url": reverse("breakthroughs:detail", args=[t.pk]),
                            "title": t.title,
                            "status": t.get_status_display(),
                            "open": t.is_open,
                            "level": t.get_level_display(),
                        }
                        for t in b.breakthroughs.all()
                    ],
                }
                for b in summaries
            ]
            assert section_rows(summaries) == expected
            assert [t["open"] for row in expected for t in row["breakthroughs"]] == [True, False]
