"""Where one request's time goes: queries, template, the rest, for a few pages and the floor.

    .venv/bin/python scripts/profile_fixed_cost.py --database doorbraak_x --requests 200
    .venv/bin/python scripts/profile_fixed_cost.py --database doorbraak_x --cprofile referrals

Uses the benchmark's set-up (``scripts/bench_scale.py``: the load test's settings, debug
off, the demo user of the role logged in with the second factor done) on an existing
database, and requests each page ``--requests`` times in this process after two warm-up
requests. For each it prints the median and p95 of the whole request, and the median per
request of: the time spent in the database (each query timed by an ``execute_wrapper``,
grouped by the statement's first words), the time of the templates' rendering (the
outermost ``render`` of a template; also its CPU time, which a busy machine inflates less
than the wall clock), and the rest (middleware, view, Python around the
queries). ``--cprofile PAGE`` also profiles that page and prints the 40 most expensive
functions (cumulative), for a look at what "the rest" is.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import bench_scale  # noqa: E402

PAGES = {
    "floor": ("professional", "/__floor__/households"),
    "referrals": ("professional", "/huishoudens/aanmeldingen/"),
    "signals": ("beleidsadviseur", "/inzicht/signalen/"),
    "households": ("professional", "/huishoudens/"),
    "requests": ("privacy", "/privacy/verzoeken/"),
    # The list pages whose rows are prepared in the view (lib/rows.py, docs/scale.md).
    "log": ("privacy", "/privacy/logboek"),
    "log-by-user": ("privacy", "/privacy/logboek?username=professional"),
    "breakthroughs": ("professional", "/doorbraken/"),
    "queue": ("voorzitter", "/doorbraken/doorbraaktafel/"),
    "casebook": ("professional", "/voorbeelden/"),
    "socialmap": ("professional", "/sociale-kaart/"),
}
_VERB = re.compile(r"^\s*(\w+)")
_TABLE = re.compile(r"\b(?:FROM|INTO)\s+(\"?\w+\"?)", re.I)


class Timers:
    def __init__(self) -> None:
        self.queries: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.template = 0.0
        self.template_cpu = 0.0  # this process's CPU time in the outermost render
        self.in_template = 0.0  # queries run while a template renders (lazy querysets)
        self.depth = 0
        self.compile = 0.0  # building SQL from querysets (the outermost as_sql)
        self.compile_depth = 0

    def wrap(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            spent = time.perf_counter() - started
            verb, table = _VERB.match(sql), _TABLE.search(sql)
            key = f"{verb.group(1) if verb else '?'} {table.group(1) if table else ''}"
            self.queries[key] += spent
            self.counts[key] += 1
            if self.depth:
                self.in_template += spent


@contextmanager
def _template_timer(timers: Timers) -> Iterator[None]:
    from django.template import base

    original = base.Template.render

    def render(self: Any, context: Any) -> Any:
        if timers.depth:
            return original(self, context)
        timers.depth += 1
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(self, context)
        finally:
            timers.template += time.perf_counter() - started
            timers.template_cpu += time.process_time() - cpu
            timers.depth -= 1

    base.Template.render = render  # type: ignore[method-assign]
    try:
        yield
    finally:
        base.Template.render = original  # type: ignore[method-assign]


@contextmanager
def _compile_timer(timers: Timers) -> Iterator[None]:
    from django.db.models.sql import compiler

    classes = [
        getattr(compiler, name)
        for name in ("SQLCompiler", "SQLInsertCompiler", "SQLUpdateCompiler", "SQLDeleteCompiler")
    ]
    originals = {cls: cls.__dict__.get("as_sql") for cls in classes}

    def wrapped(original: Callable[..., Any]) -> Callable[..., Any]:
        def as_sql(self: Any, *args: Any, **kwargs: Any) -> Any:
            if timers.compile_depth:
                return original(self, *args, **kwargs)
            timers.compile_depth += 1
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                timers.compile += time.perf_counter() - started
                timers.compile_depth -= 1

        return as_sql

    for cls, original in originals.items():
        if original is not None:
            cls.as_sql = wrapped(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for cls, original in originals.items():
            if original is not None:
                cls.as_sql = original  # type: ignore[method-assign]


def _measure(name: str, requests: int) -> None:
    from django.db import connection

    user, url = PAGES[name]
    client = bench_scale._client(user)
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    totals, cpus, dbs, templates, template_cpus, compiles = [], [], [], [], [], []
    per_query: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = {}
    for _ in range(requests):
        timers = Timers()
        with (
            connection.execute_wrapper(timers.wrap),
            _template_timer(timers),
            _compile_timer(timers),
        ):
            started, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            totals.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        dbs.append(sum(timers.queries.values()))
        templates.append(timers.template - timers.in_template)
        template_cpus.append(timers.template_cpu)
        compiles.append(timers.compile)
        for key, spent in timers.queries.items():
            per_query[key].append(spent)
        counts = dict(timers.counts)
    ms = 1000
    total, cpu, db, template = (statistics.median(x) * ms for x in (totals, cpus, dbs, templates))
    p95 = statistics.quantiles(totals, n=20, method="inclusive")[-1] * ms
    template_cpu = statistics.median(template_cpus) * ms
    print(
        f"\n{name} {url}: p50 {total:.2f} ms, p95 {p95:.2f} ms, CPU {cpu:.2f} ms; "
        f"database {db:.2f} ms ({sum(counts.values())} statements), "
        f"template without its queries {template:.2f} ms (CPU {template_cpu:.2f} ms), "
        f"rest {total - db - template:.2f} ms, of which building SQL "
        f"{statistics.median(compiles) * ms:.2f} ms"
    )
    for key, spent in sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"    {statistics.median(spent) * ms:6.2f} ms  {counts.get(key, 0)} x {key}")


def _profile(name: str, requests: int) -> None:
    user, url = PAGES[name]
    client = bench_scale._client(user)
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    print(out.getvalue())


def _add_bench_pages() -> None:
    """Every page of ``make bench SCALE=...`` too, by its name with dashes: ``fund-page``."""
    for bench_page in bench_scale._pages():
        url = bench_page.url() if callable(bench_page.url) else bench_page.url
        key = re.sub(r"[^a-z0-9]+", "-", bench_page.name.lower()).strip("-")
        PAGES.setdefault(key, (bench_page.user, url))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="names, also those of bench_scale (--list)"
    )
    parser.add_argument("--list", action="store_true", help="print the page names and stop")
    parser.add_argument("--cprofile", default="")
    args = parser.parse_args()
    server = bench_scale.BASE_URL.rsplit("/", 1)[0]
    bench_scale._setup(f"{server}/{args.database}")
    _add_bench_pages()
    if args.list:
        print("\n".join(f"{name}: {url}" for name, (_user, url) in PAGES.items()))
        return 0
    for name in args.pages.split(","):
        _measure(name, args.requests)
    if args.cprofile:
        _profile(args.cprofile, args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
