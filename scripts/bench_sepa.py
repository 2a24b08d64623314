"""The SEPA file's memory and time: ``sepaxml`` (the whole document in memory) against the
streaming writer (``funds.services.sepa``), at a number of synthetic transfers.

Each measurement runs in a fresh process (Django loaded, the schema loaded before it
starts), once plain for the time and the peak RSS, once under ``tracemalloc`` for the peak
of Python allocations. No database: the transfers are generated; what the worker adds
around them (one chunk of 500 requests and their members) is measured by
``tests/funds/test_batch_memory.py``.

    .venv/bin/python scripts/bench_sepa.py [5000 20000]

With ``--existing DATABASE --transfers N`` it measures the worker's whole builder
(``download_build`` + ``build_payment_batch_sepa``: the requests read in chunks, each
chunk's persons logged, the file written and checked) on a copy of a ``seed_scale``
database: it adds a fund with ``N`` approved bank transfers for the households of the
largest municipality and a fund manager, commits them (use a copy you own), and builds
the file in a fresh process, plain and under ``tracemalloc``:

    .venv/bin/python scripts/bench_sepa.py --existing doorbraak_NAME_100k --transfers 20000
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import cast

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAY = datetime.date(2026, 12, 8)


def _setup() -> None:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    sys.path.insert(0, ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    import django

    django.setup()


def _transfers(count: int) -> Iterator[tuple[str, str, str, int, str]]:
    for number in range(count):
        yield (
            f"VEP-7-{number}",
            f"Woonstichting Noord {number}",
            "NL91ABNA0417164300",
            1000 + number % 5000,
            f"Potje Noord {number}: huurachterstand",
        )


def _with_sepaxml(count: int) -> int:
    from sepaxml import SepaTransfer

    config = {"name": "Gemeente Noord", "IBAN": "NL02ABNA0123456789", "batch": True}
    sepa = SepaTransfer({**config, "currency": "EUR"}, clean=True)
    for end_to_end, name, iban, cents, description in _transfers(count):
        sepa.add_payment(
            {
                "name": name,
                "IBAN": iban,
                "amount": cents,
                "execution_date": DAY,
                "description": description,
                "endtoend_id": end_to_end,
            }
        )
    return len(sepa.export(validate=True))


def _streaming(count: int) -> int:
    from doorbraak.funds.services import sepa

    with open(os.devnull, "wb") as out:
        sepa.write(
            out,
            (sepa.Transfer(*t) for t in _transfers(count)),
            debtor=sepa.Debtor("Gemeente Noord", "NL02ABNA0123456789"),
            execution_date=DAY,
            created_at=datetime.datetime.now(),
        )
        return out.tell() if out.seekable() else 0


def _child(writer: str, count: int, traced: bool) -> None:
    _setup()
    from doorbraak.funds.services import sepa

    sepa.schema()
    run = _with_sepaxml if writer == "sepaxml" else _streaming
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    start = time.monotonic()
    run(count)
    seconds = time.monotonic() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak": peak, "rss_kb": rss, "before_kb": before}))


def _seed_fund(count: int) -> tuple[int, int]:
    """A fund of the largest municipality with ``count`` approved transfers, and its
    manager: (fund id, user id)."""
    from django.db.models import Count
    from tests.funds.factories import FundFactory, MandateRuleFactory

    from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, User
    from doorbraak.funds.models import Fund, FundPurpose, FundRequest, FundRequestStatus, PayeeKind
    from doorbraak.households.models import Household

    largest = (
        Household.objects.values("municipality").annotate(n=Count("pk")).order_by("-n").first()
    )
    assert largest is not None
    municipality = Municipality.objects.get(pk=largest["municipality"])
    fund = cast(
        Fund, FundFactory(municipality=municipality, budget_cents=10**12, name="Potje bench")
    )
    MandateRuleFactory(fund=fund)
    organisation = Organisation.objects.filter(municipality=municipality).first()
    assert organisation is not None
    user = User.objects.create(username=f"bench-sepa-{fund.pk}")
    Membership.objects.create(
        user=user, role=Role.FUND_MANAGER, organisation=organisation, municipality=municipality
    )
    households = list(
        Household.objects.filter(municipality=municipality)
        .exclude(team=None)
        .values_list("pk", "team_id")[:count]
    )
    rows = [households[i % len(households)] for i in range(count)]
    FundRequest.objects.bulk_create(
        (
            FundRequest(
                fund=fund,
                team_id=team_id,
                household_id=household_id,
                amount_cents=1000 + number % 5000,
                purpose=FundPurpose.RENT,
                payee_kind=PayeeKind.IBAN,
                payee_name=f"Woonstichting {number}",
                iban="NL91ABNA0417164300",
                status=FundRequestStatus.APPROVED,
                requested_by=user,
            )
            for number, (household_id, team_id) in enumerate(rows)
        ),
        batch_size=2000,
    )
    return fund.pk, user.pk


def _build_child(fund_id: int, user_id: int, traced: bool) -> None:
    _setup()
    from django.utils import timezone

    from doorbraak.downloads.models import Download, DownloadKind
    from doorbraak.downloads.services import download_build
    from doorbraak.funds import services  # noqa: F401 - first: as the admin loads it
    from doorbraak.funds.exports import build_payment_batch_sepa
    from doorbraak.funds.services import sepa

    sepa.schema()
    download = Download.objects.create(
        requested_by_id=user_id,
        kind=DownloadKind.SEPA_TRANSFER,
        title="bench",
        filename="bench.xml",
        content_type="application/xml",
        parameters={
            "fund": fund_id,
            "debtor_name": "Gemeente",
            "debtor_iban": "NL02ABNA0123456789",
        },
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    start = time.monotonic()
    outcome = download_build(download.pk, build=build_payment_batch_sepa)
    seconds = time.monotonic() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    download.refresh_from_db()
    print(
        json.dumps(
            {
                "outcome": outcome,
                "summary": download.summary,
                "size": download.size,
                "seconds": seconds,
                "peak": peak,
                "rss_kb": rss,
                "before_kb": before,
            }
        )
    )


def existing(database: str, count: int) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    _setup()
    fund_id, user_id = _seed_fund(count)
    print("| transfers | file | peak RSS | of which before | tracemalloc peak | time |")
    print("|---|---|---|---|---|---|")
    runs = {}
    for traced in (False, True):
        output = subprocess.run(
            [sys.executable, __file__, "--build", str(fund_id), str(user_id), str(int(traced))],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs[traced] = json.loads(output.strip().splitlines()[-1])
    plain, traced_run = runs[False], runs[True]
    assert plain["outcome"] == "done", plain
    print(
        f"| {count:,} ({plain['summary']}) | {plain['size'] / 1024 / 1024:.1f} MB "
        f"| {plain['rss_kb'] / 1024:.1f} MB | {plain['before_kb'] / 1024:.1f} MB "
        f"| {traced_run['peak'] / 1024 / 1024:.1f} MB | {plain['seconds']:.1f} s "
        f"({traced_run['seconds']:.1f} s traced) |"
    )


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [5000, 20000]
    print("| writer | transfers | peak RSS | of which before | tracemalloc peak | time |")
    print("|---|---|---|---|---|---|")
    for count in counts:
        for writer in ("sepaxml", "streaming"):
            runs = {}
            for traced in (False, True):
                output = subprocess.run(
                    [sys.executable, __file__, "--child", writer, str(count), str(int(traced))],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs[traced] = json.loads(output.strip().splitlines()[-1])
            plain, traced_run = runs[False], runs[True]
            print(
                f"| {writer} | {count:,} | {plain['rss_kb'] / 1024:.1f} MB "
                f"| {plain['before_kb'] / 1024:.1f} MB "
                f"| {traced_run['peak'] / 1024 / 1024:.1f} MB | {plain['seconds']:.1f} s |"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
    elif sys.argv[1:2] == ["--build"]:
        _build_child(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")
    elif sys.argv[1:2] == ["--existing"]:
        existing(sys.argv[2], int(sys.argv[sys.argv.index("--transfers") + 1]))
    else:
        main()
