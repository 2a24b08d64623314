"""Personas for every role, in two municipalities, and helpers to log them in.

Municipality "Gemeente Noord" (the main stage):
  alice   professional, Buurtteam A        bob     professional, Buurtteam B
  carol   team lead, Buurtteam A           dave    partner contact, UWV (national)
  erin    breakthrough-table chair         frank   fund manager
  grace   policy analyst                   heidi   privacy officer
  ivan    functional administrator
Municipality "Gemeente Zuid" (the other tenant):
  mallory professional, Buurtteam Z        oscar   privacy officer
"""

from __future__ import annotations

import datetime
import functools
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, Team, User
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.residents.services import resident_sign_in, resident_user_for
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)

# Hypothesis's default deadline (200 ms an example) is a wall-clock assertion: on a busy
# machine or beside another xdist worker a slow example failed a correct test. The examples
# themselves stay random; a failing one is printed so that it can be reproduced.
hypothesis_settings.register_profile("doorbraak", deadline=None, print_blob=True)
hypothesis_settings.load_profile("doorbraak")


@dataclass
class Cast:
    north: Municipality
    south: Municipality
    team_a: Team
    team_b: Team
    team_z: Team
    uwv: Organisation
    wi_north: Organisation
    wi_south: Organisation
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User
    frank: User
    grace: User
    heidi: User
    ivan: User
    mallory: User
    oscar: User


def _member(user_kwargs: dict[str, Any], **membership: Any) -> User:
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, **membership)
    return user


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The personas of the module docstring (the ``cast`` fixture; ``tests/security/`` builds
    them once for a whole module)."""
    north = MunicipalityFactory(name="Gemeente Noord", code="0101")
    south = MunicipalityFactory(name="Gemeente Zuid", code="0202")
    team_a = TeamFactory(name="Buurtteam A", municipality=north)
    team_b = TeamFactory(name="Buurtteam B", municipality=north, organisation=team_a.organisation)
    team_z = TeamFactory(name="Buurtteam Z", municipality=south)
    uwv = OrganisationFactory(name="UWV", national=True)
    wi_north = OrganisationFactory(name="W&I Noord", municipality=north)
    wi_south = OrganisationFactory(name="W&I Zuid", municipality=south)

    # Every test builds the cast: the users, their authenticator apps and their
    # memberships are written with one INSERT each (the factories build them unsaved).
    people: dict[str, tuple[Role, Any, Any, Any]] = {  # organisation, municipality, team
        "alice": (Role.PROFESSIONAL, team_a.organisation, north, team_a),
        "bob": (Role.PROFESSIONAL, team_b.organisation, north, team_b),
        "carol": (Role.TEAM_LEAD, team_a.organisation, north, team_a),
        "dave": (Role.PARTNER_CONTACT, uwv, north, None),
        "erin": (Role.TABLE_CHAIR, wi_north, north, None),
        "frank": (Role.FUND_MANAGER, wi_north, north, None),
        "grace": (Role.POLICY_ANALYST, wi_north, north, None),
        "heidi": (Role.PRIVACY_OFFICER, wi_north, north, None),
        "ivan": (Role.ADMIN, wi_north, north, None),
        "mallory": (Role.PROFESSIONAL, team_z.organisation, south, team_z),
        "oscar": (Role.PRIVACY_OFFICER, wi_south, south, None),
    }
    users = User.objects.bulk_create(UserFactory.build(username=name) for name in people)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Authenticator-app", confirmed=True) for user in users
    )
    by_name = {user.username: user for user in users}
    Membership.objects.bulk_create(
        MembershipFactory.build(
            user=by_name[name],
            role=role,
            organisation=organisation,
            municipality=municipality,
            team=team,
        )
        for name, (role, organisation, municipality, team) in people.items()
    )
    return Cast(
        north=north,
        south=south,
        team_a=team_a,
        team_b=team_b,
        team_z=team_z,
        uwv=uwv,
        wi_north=wi_north,
        wi_south=wi_south,
        **by_name,
    )


def load_reference_data() -> None:
    """Load again what the data migrations seed: life domains, law library, cost catalogue.

    A transactional test (``transaction=True``, ``live_server``) flushes every table
    afterwards, these too, so a later transactional test on the same worker finds them
    empty. The loaders are the migrations' own functions, and are idempotent; each runs in
    the migration state it was written for (the law library and the cost catalogue have
    moved apps since: their models are found under the old labels only in that state).
    """
    for module, function, state in _REFERENCE_LOADERS:
        getattr(importlib.import_module(module), function)(_state_apps(state), None)


def login_verified(client: Client, user: User) -> Client:
    """Log ``user`` in with both factors done, as the real two-step flow leaves it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def login_resident(client: Client, member: Member) -> User:
    """Sign ``member`` in as a resident, as the DigiD sign-in leaves it: Django's log-in,
    then :func:`resident_sign_in` on a request with the client's session (the short resident
    session, the sign-in record). Returns the resident's user."""
    user = resident_user_for(member)
    client.force_login(user)
    request = RequestFactory().get("/mijn/")
    request.session = client.session
    request.user = user
    resident_sign_in(request, user)
    request.session.save()
    return user


@pytest.fixture
def as_user(client: Client):  # type: ignore[no-untyped-def]
    """``as_user(cast.alice)`` returns the test client logged in (verified) as Alice."""

    def _as(user: User) -> Client:
        client.logout()
        return login_verified(client, user)

    return _as


# --- CI strictness -----------------------------------------------------------------------
# With DOORBRAAK_NO_SKIPS=1 (set by .ci/run) a skipped test is a failed test: CI must not
# pass because Chromium or PostgreSQL quietly went missing.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> Any:
    if (
        os.environ.get("DOORBRAAK_NO_SKIPS") == "1"
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where nothing may be skipped: {report.longrepr}"
    yield


@pytest.fixture(autouse=True)
def _dummy_task_backend(settings: Any) -> None:
    """Tasks are recorded, not run: tests call the task function when they need it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _private_downloads(settings: Any, tmp_path: Any) -> None:
    """Finished downloads go to the test's own directory, never to var/downloads."""
    settings.STORAGES = {
        **settings.STORAGES,
        "downloads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "downloads"), "base_url": None},
        },
    }


@pytest.fixture
def dora(cast: Cast) -> User:
    """A second professional of Buurtteam A, beside Alice (approvals need someone else)."""
    return _member(
        {"username": "dora"},
        role=Role.PROFESSIONAL,
        team=cast.team_a,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
    )


@pytest.fixture
def household_a(cast: Cast) -> Household:
    """A household of Buurtteam A, coordinated by Alice, with a head and a child."""
    from tests.factories import HouseholdFactory, MemberFactory

    household = HouseholdFactory(team=cast.team_a, name="Huishouden Zwart", coordinator=cast.alice)
    MemberFactory(
        household=household,
        role=MemberRole.CHILD,
        last_name="Zwart",
        birth_date=datetime.date(2015, 4, 1),
    )
    return household


@pytest.fixture
def household_b(cast: Cast) -> Household:
    """A household of Buurtteam B (Bob's team): Alice must get 404 for it."""
    from tests.factories import HouseholdFactory

    return HouseholdFactory(team=cast.team_b, name="Huishouden Visser", coordinator=cast.bob)


@pytest.fixture
def household_z(cast: Cast) -> Household:
    """A household in the other municipality."""
    from tests.factories import HouseholdFactory

    return HouseholdFactory(team=cast.team_z, name="Huishouden Smit", coordinator=cast.mallory)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Real hashers cost ~0.3 s per persona; the tests are about behaviour, not strength.

    Session-wide, so that the seeded demo of ``tests/demo/`` (built before any
    function-scoped fixture runs) hashes its passwords quickly too.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts, and leaves, in the default language (Dutch).

    A request through the test client activates the language of the request in this thread
    and leaves it active; without this the next test (in random order: any test) would
    compare its Dutch messages with English ones.
    """
    translation.deactivate()
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql`` need the real thing; elsewhere they are deselected."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if item.get_closest_marker("postgresql") is None]
    deselected = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Reload what the data migrations seed (see ``load_reference_data``).

    Django's serialized rollback cannot help here: the Playwright event loop gives the test
    a different database connection object than the one that holds the serialized copy.
    """
    load_reference_data()


#: The data migrations that seed reference data, and the migration whose state they ran in
#: (the law library and the cost catalogue have moved apps since: their models are found
#: under the old labels only in that state).
_REFERENCE_LOADERS = (
    (
        "doorbraak.assessments.migrations.0003_default_life_domains",
        "load",
        ("assessments", "0003_default_life_domains"),
    ),
    (
        "doorbraak.breakthroughs.migrations.0004_seed_law_library",
        "load",
        ("breakthroughs", "0004_seed_law_library"),
    ),
    (
        "doorbraak.outcomes.migrations.0002_seed_cost_catalogue",
        "seed",
        ("outcomes", "0002_seed_cost_catalogue"),
    ),
)


@functools.cache
def _state_apps(node: tuple[str, str]) -> Any:
    """The models as they were right after migration ``node`` (computed once per run)."""
    return MigrationLoader(connection).project_state(node).apps


# --- xdist: which tests share a worker ------------------------------------------------------
#: Files whose tests must run on one xdist worker, by group: the seeded demo is seeded once
#: per worker that runs it, the many-thread tests must not run side by side against
#: PostgreSQL's max_connections (100), and the replica's tests share one primary and standby
#: (module-scoped: split over workers, each would start its own). Every other test is
#: scheduled on its own.
SHARED_WORKER_FILES = {
    "tests/demo/test_demo.py": "demo",
    "tests/funds/test_concurrency.py": "concurrency",
    "tests/test_concurrency_pg.py": "concurrency",
    "tests/operations/test_replica.py": "replica",
}


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` by file, because loadgroup itself ignores ``xdist_group`` marks
    with pytest 9.2 (pytest-xdist issue 1386: it writes the group into the old node id).

    Tests keep the order of the collection on each worker, as with ``--dist load``: the
    database tests before the transactional ones, whose flush empties the reference data.
    """
    from xdist.scheduler import LoadScopeScheduling

    class SharedWorkerScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return SHARED_WORKER_FILES.get(nodeid.split("::", 1)[0], nodeid)

    return SharedWorkerScheduling(config, log)


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a transactional test's flush, load the reference data again at once.

    Every test on the worker after it, in whatever order the scheduler and pytest-randomly
    chose, then finds the life domains, the law library and the cost catalogue as the
    migrations left them.
    """
    yield
    # After the last test the session's teardown has already destroyed the test
    # database: nothing follows that needs the data.
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
