"""The fund request form at scale: its time and the processing-log records of one view.

    .venv/bin/python scripts/bench_fund_form.py --database doorbraak_x_100k [--repeat 20]

Uses an existing database built by ``seed_scale`` (never builds or drops one) and the
helpers of ``scripts/bench_scale.py`` (debug off, the production middleware, the demo
professional, two warm-up requests). It requests the form as it is opened: bare (no
household chosen), from a household of the demo team (``?huishouden=``) and with a search
for the team's most common surname (``?zoek=``), beside the floor of the same run, and
prints p50, p95, queries and the processing-log records one view writes. The views write
their read records into that database, as the real pages do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench_scale import BASE_URL, FLOOR, Page, _client, _measure, _p95, _setup


def _one_view(page: Page) -> tuple[int, int]:
    """The processing-log records one view writes, and the options its page offers."""
    from django.db.models import Max

    from doorbraak.audit.models import ProcessingLog

    client = _client(page.user)
    url = page.url() if callable(page.url) else page.url
    before = ProcessingLog.objects.aggregate(last=Max("pk"))["last"] or 0
    body = client.get(url).content.decode()
    return ProcessingLog.objects.filter(pk__gt=before).count(), body.count("<option")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _setup(f"{BASE_URL.rsplit('/', 1)[0]}/{args.database}")

    from django.db.models import Count

    from doorbraak.households.models import Household, HouseholdStatus, Member
    from doorbraak.operations.scale import DEMO_TEAM

    team = Household.objects.filter(team__name=DEMO_TEAM, status=HouseholdStatus.ACTIVE)
    public_id = team.order_by("pk").values_list("public_id", flat=True)[0]
    common = (
        Member.objects.filter(household__team__name=DEMO_TEAM)
        .values("last_name")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["last_name"]
    )
    from doorbraak.tables.models import Meeting, MeetingStatus

    meeting = (
        Meeting.objects.filter(table__chair__username="voorzitter", status=MeetingStatus.PLANNED)
        .order_by("pk")
        .first()
    )
    form = "/potje/aanvragen/nieuw/"
    pages = [
        Page("floor, page 1", "professional", "/__floor__/households", FLOOR),
        Page("fund form, no household", "professional", form, "page"),
        Page("fund form from household", "professional", f"{form}?huishouden={public_id}", "page"),
        Page("fund form searched", "professional", f"{form}?zoek={common}", "page"),
    ]
    if meeting is not None:
        pages.append(
            Page(
                "meeting page (agenda picker)",
                "voorzitter",
                f"/doorbraaktafels/overleg/{meeting.pk}/",
                "page",
            )
        )
    print(f"{team.count():,} open households in the demo team; searched for {common!r}")
    print()
    print("| page | status | p50 ms | p95 ms | queries | log records per view | options |")
    print("|---|---|---|---|---|---|---|")
    for page in pages:
        status, times, queries = _measure(page, args.repeat)
        records, options = _one_view(page) if page.kind != FLOOR else (0, 0)
        print(
            f"| {page.name} | {status} | {statistics.median(times):.0f} | {_p95(times):.0f} | "
            f"{queries} | {records} | {options} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
