"""The access sweep: every URL pattern, every persona, every ownership scope, scanned for tokens.

How it works, how to add a rule for a new URL and how to read a failure:
``tests/security/README.md``. What each persona may see: ``tests/security/expectations.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from doorbraak.casebook.models import Example, ExampleResult, ExampleScope, ExampleStatus
from doorbraak.catalogue.models import CostItem
from doorbraak.households.models import Household
from doorbraak.library.models import Regulation
from tests.security import expectations, rules
from tests.security import scenario as scenario_module
from tests.security.scenario import CASE_SCOPES, Scenario
from tests.security.sweep import (
    Pattern,
    Request,
    Rule,
    Sweeper,
    admin_objects,
    build_requests,
    fill,
    patterns,
    unknown,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scenario(django_db_setup: None, django_db_blocker) -> Iterator[Scenario]:  # type: ignore[no-untyped-def]
    """The scenario, built once for the module (once per xdist worker), rolled back after."""
    # As the autouse fixtures of tests/conftest.py do for each test: tasks are recorded, not
    # queued in the database (where /gezondheid/alles/ would count them as waiting).
    quiet = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock(), quiet, transaction.atomic():
        built = scenario_module.build()
        admin = admin_objects(built)
        regulation = Regulation.objects.order_by("pk").first()
        cost_item = CostItem.objects.order_by("pk").first()
        for scope in CASE_SCOPES:
            built.objects[scope]["regulation"] = regulation
            built.objects[scope]["cost_item"] = cost_item
            built.objects[scope].update(admin.get(scope, {}))
            built.objects[scope]["example"] = _example(built.objects[scope]["household"])
        yield built
        transaction.set_rollback(True)


def _example(household: Household) -> Example:
    """A published example of the household's team, readable in its municipality only.

    Examples hold no personal data: the sweep checks that none of the scope's tokens
    (nor its BSNs) appear on the casebook's pages."""
    return Example.objects.create(
        municipality=household.municipality,
        source_municipality=household.municipality.name,
        team=household.team,
        title="Briefadres zodat de uitkering doorloopt",
        theme="inkomen",
        bottleneck="Zonder adres geen uitkering.",
        solution="Een briefadres bij het buurtteam.",
        result=ExampleResult.SOLVED,
        outcome="Opgelost.",
        status=ExampleStatus.PUBLISHED,
        scope=ExampleScope.MUNICIPALITY,
        published_at=timezone.now(),
    )


@pytest.fixture(scope="module")
def sweeper(scenario: Scenario, django_db_blocker) -> Sweeper:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return Sweeper(scenario)


def group_of(pattern: Pattern) -> str:
    """The group a pattern is swept in: one test per group, so that xdist can share them."""
    if pattern.area == "admin":
        return "admin"
    if pattern.area == "api":
        return "api:" + pattern.callback.__module__.split(".")[1]
    return "site:" + (pattern.key.split(":")[0] if ":" in pattern.key else "root")


def _groups() -> list[str]:
    return sorted({group_of(p) for p in patterns()})


# --- every pattern has a rule ----------------------------------------------------------------
def test_every_url_pattern_has_a_rule() -> None:
    all_patterns = patterns()
    assert len(all_patterns) > 300
    missing = unknown(all_patterns, rules.RULES)
    assert not missing, "URL patterns the sweep does not know:\n" + "\n".join(missing)


def test_every_rule_belongs_to_a_url_pattern() -> None:
    keys = {p.key for p in patterns()}
    assert sorted(set(rules.RULES) - keys) == []


# --- the sweep, per group ------------------------------------------------------------------
@pytest.mark.sweep
@pytest.mark.parametrize("group", _groups())
def test_sweep(group: str, scenario: Scenario, sweeper: Sweeper) -> None:
    selected = [p for p in patterns() if group_of(p) == group and p.key in rules.RULES]
    requests = build_requests(selected, rules.RULES, scenario)
    # Every pattern of the group is requested with GET by every persona.
    for pattern in selected:
        got = {
            p
            for r in requests
            if r.pattern == pattern.key and r.method == "GET"
            for p in r.personas
        }
        assert got == set(expectations.PERSONAS), (
            f"{pattern.key}: GET not requested as {set(expectations.PERSONAS) - got}"
        )
    result = sweeper.run(requests)
    print(f"{group}: {result.requests} requests, statuses {dict(sorted(result.statuses.items()))}")
    assert not result.findings, result.report()
    # It did meaningful work: not a sweep of log-in redirects and 404s.
    assert result.requests >= len(selected) * len(expectations.PERSONAS)
    assert result.statuses.get(200, 0) > 0, result.statuses


# --- the owners see their own tokens where they should ---------------------------------------
OWN_PAGES = [
    # (persona, URL name, scope, a label that must be on the page)
    ("alice", "households:detail", "a", "Member.first_name"),
    ("alice", "households:timeline", "a", "HouseholdEvent.summary"),
    ("alice", "breakthroughs:detail", "a", "Breakthrough.proposal"),
    ("alice", "plans:detail", "a", "Goal.description"),
    ("alice", "plans:pdf", "a", "Goal.description"),  # the PDF's text is scanned
    ("alice", "api:household-member-list", "a", "Member.last_name"),
    ("carol", "households:detail", "w", "Household.street"),
    ("bob", "households:detail", "b", "Household.name"),
    ("mallory", "households:detail", "z", "Household.name"),
    ("mallory", "api:bottleneck-detail", "z", "Bottleneck.description"),
    ("dave", "partners:request-detail", "a", "PartnerRequest.question"),
    ("dave", "partners:request-detail", "b", "Household.name"),
    ("dave", "api:partner-request-detail", "a", "PartnerRequest.question"),
    ("peggy", "partners:request-detail", "o", "Household.name"),
    ("erin", "tables:meeting-detail", "a", "Bottleneck.title"),
    ("frank", "funds:request-detail", "a", "FundRequest.summary"),
]


def test_owners_see_their_own_tokens(scenario: Scenario, sweeper: Sweeper) -> None:
    by_key = {p.key: p for p in patterns()}
    missing = []
    for persona, key, scope, label in OWN_PAGES:
        pattern = by_key[key]
        paths = dict(fill(pattern, rules.RULES[key], scenario))
        request = Request(key, scope, "GET", paths[scope], (persona,))
        result = sweeper.run([request])
        assert result.statuses == {200: 1}, (persona, key, result.statuses)
        if (scope, label) not in result.seen.get((persona, key), set()):
            missing.append(f"{persona} does not see {label} of scope {scope} on {paths[scope]}")
    assert not missing, "\n".join(missing)


def test_the_resident_sees_their_own_page(scenario: Scenario, sweeper: Sweeper) -> None:
    """Rita reaches /mijn/ (the 404s of every other page are swept above) and sees her own
    first name there: the sweep of her requests is not a sweep of 404s."""
    request = Request("residents:home", "-", "GET", "/mijn/", ("rita",))
    result = sweeper.run([request])
    assert result.statuses == {200: 1}, result.statuses
    assert ("a", "Member.first_name") in result.seen.get(("rita", "residents:home"), set())
    assert not result.findings, result.report()


# --- the sweep can fail ----------------------------------------------------------------------
PLANTED_RULES = {
    **rules.RULES,
    "planted-leak": Rule(params={"public_id": "household"}),
    "planted-500": Rule(methods=()),
}


@override_settings(ROOT_URLCONF="tests.security.planted_urls")
def test_a_new_url_without_a_rule_is_reported() -> None:
    missing = unknown(patterns(), rules.RULES)
    assert len(missing) == 2, missing
    assert any("'planted-leak'" in line and "tests/security/rules.py" in line for line in missing)
    print("\n".join(missing))


@override_settings(ROOT_URLCONF="tests.security.planted_urls")
def test_a_planted_leak_and_a_planted_500_are_reported(
    scenario: Scenario, sweeper: Sweeper
) -> None:
    planted = [p for p in patterns() if p.key in ("planted-leak", "planted-500")]
    result = sweeper.run(build_requests(planted, PLANTED_RULES, scenario))
    report = result.report()
    print(report)
    leaks = {
        (f.persona, f.request.pattern) for f in result.findings if f.problem.startswith("token")
    }
    errors = {(f.persona, f.status) for f in result.findings if f.problem == "server error"}
    # The leaky page shows Buurtteam B's timeline to everyone logged in: a finding for every
    # persona but Bob (whose household it is).
    # A resident reaches neither planted page (404 outside /mijn/).
    logged_in = set(expectations.PERSONAS) - {"anon"} - expectations.RESIDENTS
    assert {p for p, _ in leaks} == logged_in - {"bob"}, report
    assert "scope b HouseholdEvent.summary" in report
    staff_and_anon = set(expectations.PERSONAS) - expectations.RESIDENTS
    assert {p for p, status in errors if status == 500} == staff_and_anon, report
