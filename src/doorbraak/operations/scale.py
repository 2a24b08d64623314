"""A national-scale synthetic data set for benchmarks: ``manage.py seed_scale``.

The demo (``seed_demo``) replays the method through the services: right for 200
households, far too slow for a million persons. This builds the same shape of data in
bulk with PostgreSQL's ``COPY``: municipalities with districts, teams and one professional
per team; households with members (BSNs valid by the elfproef, encrypted and blind-indexed
as the services do), a coordinator, involved professionals, assessments with their domain
scores, a timeline, bottlenecks and breakthroughs at every level and status, and the
processing-log records such a history leaves (each with its MAC, sealed at the end).

It starts from ``seed_demo`` so the demo users, teams and roles exist, and the demo
professional's team gets the largest caseload (5,000 households at a million persons).

Only synthetic data: names, streets and cities come from Faker ``nl_NL`` pools, BSNs from
a counter. The command never touches a database that holds anything it did not make: it
runs on an empty database (no users, no households) or on one it marked as its own
(``COMMENT ON DATABASE``), and on PostgreSQL only.
"""

from __future__ import annotations

import datetime
import io
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker

from doorbraak.accounts.models import (
    District,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    User,
)
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    DomainScore,
    LifeDomain,
)
from doorbraak.audit.activities import ProcessingActivity, basis_of
from doorbraak.audit.chain import CHAINED_FIELDS, content_mac
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.sealing import seal_processing_log
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    Theme,
)
from doorbraak.catalogue.models import Payer
from doorbraak.households.models import (
    Classification,
    CloseReason,
    CoordinatorAssignment,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    MemberRole,
    person_pseudonym,
)
from doorbraak.lib.crypto import blind_index, encrypt

#: The text ``COMMENT ON DATABASE`` carries on a database this command made.
MARKER = "doorbraak seed_scale: synthetic data only"
DEMO_TEAM = "Buurtteam Ondiep/Pijlsweerd"
DEMO_CASELOAD = 5_000
#: Households of each chunk, written and committed together.
CHUNK = 5_000

#: Members per household and how often (about 2.5 on average, as in Dutch households).
HOUSEHOLD_SIZES = ((1, 32), (2, 26), (3, 18), (4, 13), (5, 6), (6, 3), (7, 1), (8, 1))
EVENT_SUMMARIES = {
    EventKind.INTAKE: "Intakegesprek gevoerd",
    EventKind.ASSESSMENT: "Zelfredzaamheid gemeten",
    EventKind.PLAN: "Plan besproken met het huishouden",
    EventKind.PROFESSIONAL: "Betrokkene toegevoegd",
    EventKind.CONSENT: "Toestemming vastgelegd",
    EventKind.BOTTLENECK: "Knelpunt vastgelegd",
    EventKind.FOLLOW_UP: "Nazorggesprek gevoerd",
}
PROFESSIONAL_ROLES = ("Schuldhulpverlener", "Woonconsulent", "Klantmanager", "Wijkverpleegkundige")
BOTTLENECK_TITLES = {
    Theme.INCOME: "Geen uitkering zonder adres",
    Theme.DEBTS: "Beslag laat geen leefgeld over",
    Theme.HOUSING: "Geen huis zonder inkomen",
    Theme.BENEFITS: "Terugvordering toeslagen blokkeert schuldregeling",
    Theme.CARE: "Zorg stopt bij verhuizing naar andere gemeente",
    Theme.WORK: "Werk kost meer dan het oplevert",
}


@dataclass
class Report:
    """What was made, printed at the end and returned for tests."""

    municipalities: int = 0
    teams: int = 0
    households: int = 0
    persons: int = 0
    events: int = 0
    professionals: int = 0
    assessments: int = 0
    scores: int = 0
    bottlenecks: int = 0
    breakthroughs: int = 0
    log_records: int = 0
    seconds: float = 0.0
    demo_team_households: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.persons:,} persons in {self.households:,} households "
            f"({self.demo_team_households:,} in {DEMO_TEAM}), "
            f"{self.municipalities} municipalities, {self.teams} teams",
            f"{self.events:,} timeline events, {self.professionals:,} involved professionals",
            f"{self.assessments:,} assessments with {self.scores:,} domain scores",
            f"{self.bottlenecks:,} bottlenecks, {self.breakthroughs:,} breakthroughs",
            f"{self.log_records:,} processing-log records (sealed)",
            f"in {self.seconds:.0f} s",
        ]


class RefusedDatabase(Exception):
    """The database is not one this command may write to."""


# --- the guard ---------------------------------------------------------------------------------
def database_comment() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row[0] if row else None) or ""


def check_database() -> bool:
    """Raise ``RefusedDatabase`` unless this command may write here; True if it made it."""
    if connection.vendor != "postgresql":
        raise RefusedDatabase("seed_scale builds on PostgreSQL only (set DATABASE_URL).")
    if database_comment().startswith(MARKER):
        return True
    if User.objects.exists() or Household.objects.exists() or ProcessingLog.objects.exists():
        raise RefusedDatabase(
            "This database holds users or households that seed_scale did not make. "
            "It only writes to an empty database or to one it made itself."
        )
    return False


def _mark_database() -> None:
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        stamp = timezone.now().isoformat(timespec="seconds")
        comment = f"{MARKER} ({stamp})".replace("'", "")
        cursor.execute(f"COMMENT ON DATABASE {name} IS '{comment}'")


# --- synthetic values --------------------------------------------------------------------------
def valid_bsn(prefix: int) -> str | None:
    """The BSN with these first eight digits, or None when no check digit makes it valid."""
    digits = f"{prefix:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check = total % 11
    return None if check > 9 else digits + str(check)


class BsnCounter:
    """Unique valid BSNs from a counter: no two persons share one, none is a real pattern."""

    def __init__(self, start: int) -> None:
        self.next_prefix = start

    def take(self) -> str:
        while True:
            bsn = valid_bsn(self.next_prefix)
            self.next_prefix += 1
            if bsn is not None:
                return bsn


@dataclass
class Pools:
    first_names: list[str]
    last_names: list[str]
    streets: list[str]
    cities: list[str]
    person_names: list[str]

    @classmethod
    def make(cls, seed: int) -> Pools:
        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        return cls(
            first_names=[fake.first_name() for _ in range(1_500)],
            last_names=[fake.last_name() for _ in range(2_500)],
            streets=[fake.street_name() for _ in range(1_500)],
            cities=[fake.city() for _ in range(300)],
            person_names=[fake.name() for _ in range(1_000)],
        )


# --- writing -----------------------------------------------------------------------------------
def _reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive ids, taken from the table's own sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = int(cursor.fetchone()[0])
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


@dataclass
class Rows:
    """Rows of one table for one chunk, written with one ``COPY``."""

    model: type[models.Model]
    columns: Sequence[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def defaults(self) -> dict[str, Any]:
        """The model's other NOT NULL columns with a default, and that default.

        Fields added to a model later (a restriction reason, a tussenvoegsel) then need no
        change here: every row gets the model's default, as ``Model.objects.create`` would.
        """
        fields = [
            f
            for f in self.model._meta.concrete_fields
            if f.column not in self.columns and not f.null and not f.unique
        ]
        # get_default() is the field's default, or "" for a text field without one; a JSON
        # default (a timeline line's empty parameters) goes to COPY adapted, as psycopg's Jsonb.
        values = {
            f.column: (
                f.get_db_prep_save(f.get_default(), connection)
                if isinstance(f, models.JSONField)
                else f.get_default()
            )
            for f in fields
        }
        return {column: value for column, value in values.items() if value is not None}

    def copy(self) -> int:
        if not self.rows:
            return 0
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        defaults = self.defaults()
        columns = ", ".join(quote(c) for c in (*self.columns, *defaults))
        extra = tuple(defaults.values())
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row((*row, *extra))
        return len(self.rows)


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _skip_row_triggers() -> None:
    """For this transaction, no per-row foreign-key checks (PostgreSQL's bulk-load advice).

    The rows are made consistent by construction: every id they point to was reserved
    from its table's sequence and is written in the same or an earlier chunk, parents
    first; ``tests/operations/test_seed_scale.py`` counts orphans over every foreign key.
    Without superuser rights the checks simply stay on (slower, same result).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


# --- the plan ----------------------------------------------------------------------------------
@dataclass
class TeamPlan:
    team: Team
    professional: User
    role: str
    organisation: str
    districts: list[District]
    households: int


def _municipality_count(persons: int) -> int:
    """About 22,000 persons per municipality, 45 at a million, at least two."""
    return max(2, min(45, round(persons / 22_000)))


def _extra_municipalities(
    count: int, pools: Pools, rng: random.Random, report: Report
) -> list[TeamPlan]:
    """Municipalities beside Demostad: each with four districts, three teams, a professional."""
    plans: list[TeamPlan] = []
    used_codes = set(Municipality.objects.values_list("code", flat=True))
    used_names = set(Municipality.objects.values_list("name", flat=True))
    code = 5000
    cities = iter(dict.fromkeys(pools.cities))
    since = timezone.localdate() - datetime.timedelta(days=730)
    for number in range(count):
        while f"{code:04d}" in used_codes:
            code += 1
        city = next(cities, f"Schaalstad {number + 1}")
        name = f"Gemeente {city}"
        while name in used_names:
            name += " (synthetisch)"
        used_codes.add(f"{code:04d}")
        used_names.add(name)
        municipality = Municipality.objects.create(name=name, code=f"{code:04d}")
        organisation = Organisation.objects.create(
            name=f"Buurtteams {city} {code}",
            short_name="Buurtteams",
            kind=OrganisationKind.NEIGHBOURHOOD_TEAM,
            municipality=municipality,
        )
        districts = [
            District.objects.create(municipality=municipality, name=f"{city} {part}")
            for part in ("Noord", "Oost", "Zuid", "West")
        ]
        for index, pair in enumerate((districts[:2], districts[2:3], districts[3:])):
            team = Team.objects.create(
                name=f"Buurtteam {city} {index + 1}",
                organisation=organisation,
                municipality=municipality,
            )
            team.districts.add(*pair)
            user = User.objects.create(
                username=f"schaal-{code}-{index + 1}",
                first_name=rng.choice(pools.first_names),
                last_name=rng.choice(pools.last_names),
                is_active=True,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(
                user=user,
                role=Role.PROFESSIONAL,
                organisation=organisation,
                municipality=municipality,
                team=team,
                valid_from=since,
            )
            plans.append(TeamPlan(team, user, Role.PROFESSIONAL, organisation.name, pair, 0))
        code += 1
        report.municipalities += 1
    return plans


def _demo_teams() -> list[TeamPlan]:
    """Demostad's teams, each with one of its professionals as coordinator."""
    plans = []
    for team in Team.objects.filter(municipality__code="0999").prefetch_related("districts"):
        membership = (
            Membership.objects.filter(team=team, role=Role.PROFESSIONAL)
            .select_related("user", "organisation")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        plans.append(
            TeamPlan(
                team,
                membership.user,
                membership.role,
                membership.organisation.name,
                list(team.districts.all()),
                0,
            )
        )
    return plans


def _household_count(persons: int) -> int:
    total = sum(size * weight for size, weight in HOUSEHOLD_SIZES)
    weights = sum(weight for _, weight in HOUSEHOLD_SIZES)
    return max(1, round(persons / (total / weights)))


def _share_out(households: int, demo: list[TeamPlan], extra: list[TeamPlan]) -> None:
    """The demo professional's team gets up to 5,000; the rest is spread evenly."""
    demo_team = next((p for p in demo if p.team.name == DEMO_TEAM), None)
    rest = households
    if demo_team is not None:
        demo_team.households = min(DEMO_CASELOAD, max(1, households // 80))
        rest -= demo_team.households
    others = [p for p in demo if p is not demo_team] + extra
    for index, plan in enumerate(others):
        plan.households = rest // len(others) + (1 if index < rest % len(others) else 0)


# --- one chunk of households -------------------------------------------------------------------
@dataclass
class Chunk:
    households: Rows
    members: Rows
    coordinators: Rows
    events: Rows
    professionals: Rows
    assessments: Rows
    scores: Rows
    bottlenecks: Rows
    breakthroughs: Rows
    log: Rows

    @classmethod
    def empty(cls) -> Chunk:
        return cls(
            households=Rows(
                Household,
                (
                    "id",
                    "public_id",
                    "municipality_id",
                    "team_id",
                    "district_id",
                    "name",
                    "has_fixed_address",
                    "street",
                    "house_number",
                    "house_number_addition",
                    "postcode",
                    "city",
                    "postal_address",
                    "status",
                    "opened_on",
                    "closed_on",
                    "close_reason",
                    "close_note",
                    "latest_classification",
                ),
            ),
            members=Rows(
                Member,
                (
                    "id",
                    "public_id",
                    "household_id",
                    "team_id",
                    "first_name",
                    "last_name",
                    "birth_date",
                    "role",
                    "bsn_encrypted",
                    "bsn_index",
                    "representation",
                    "representative",
                    "joined_on",
                    "left_on",
                ),
            ),
            coordinators=Rows(
                CoordinatorAssignment,
                ("household_id", "coordinator_id", "started_at", "ended_at", "handover_note"),
            ),
            events=Rows(
                HouseholdEvent, ("household_id", "occurred_at", "kind", "summary", "actor_id")
            ),
            professionals=Rows(
                InvolvedProfessional,
                (
                    "household_id",
                    "organisation_id",
                    "organisation_name",
                    "person_name",
                    "role",
                    "contact",
                    "since",
                    "until",
                    "yearly_cost_cents",
                ),
            ),
            assessments=Rows(
                Assessment,
                (
                    "id",
                    "household_id",
                    "member_id",
                    "kind",
                    "assessed_on",
                    "assessed_by_id",
                    "problem_domains",
                    "classification",
                    "note",
                ),
            ),
            scores=Rows(DomainScore, ("assessment_id", "domain_id", "score", "self_score", "note")),
            bottlenecks=Rows(
                Bottleneck,
                (
                    "id",
                    "household_id",
                    "title",
                    "description",
                    "theme",
                    "kind",
                    "blocked_solution",
                    "created_by_id",
                    "created_at",
                ),
            ),
            breakthroughs=Rows(Breakthrough, _breakthrough_columns()),
            log=Rows(ProcessingLog, (*CHAINED_FIELDS, "previous_hash", "record_hash")),
        )

    def tables(self) -> Iterable[Rows]:
        # Parents before children: the foreign keys are checked at commit, but in order
        # the database never has to look far.
        return (
            self.households,
            self.members,
            self.coordinators,
            self.events,
            self.professionals,
            self.assessments,
            self.scores,
            self.bottlenecks,
            self.breakthroughs,
            self.log,
        )


def _breakthrough_columns() -> tuple[str, ...]:
    return (
        "id",
        "bottleneck_id",
        "household_id",
        "team_id",
        "municipality_id",
        "title",
        "proposal",
        "status",
        "regulation_id",
        "legal_reasoning",
        "horizon_months",
        "direct_cost_cents",
        "direct_cost_payer",
        "engagement",
        "household_commitment",
        "level",
        "level_deadline",
        "reminded_at",
        "created_by_id",
        "created_at",
        "submitted_at",
        "carried_out_on",
        "carried_out_note",
        "evaluated_on",
        "evaluation",
    )


class Builder:
    """Makes the rows of the households of one team, chunk by chunk."""

    def __init__(
        self,
        *,
        rng: random.Random,
        pools: Pools,
        bsns: BsnCounter,
        domains: list[LifeDomain],
        partners: list[Organisation],
        report: Report,
    ) -> None:
        self.rng = rng
        self.pools = pools
        self.bsns = bsns
        self.domains = domains
        self.partners = partners
        self.report = report
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.actors: dict[int, dict[str, Any]] = {}
        self.sizes = [size for size, _ in HOUSEHOLD_SIZES]
        self.weights = [weight for _, weight in HOUSEHOLD_SIZES]

    def _moment(self, day: datetime.date) -> datetime.datetime:
        """A moment in office hours on ``day`` (never in the future), in UTC."""
        seconds = self.rng.randrange(8 * 3600, 18 * 3600)
        moment = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        return min(moment + datetime.timedelta(seconds=seconds), self.now)

    def _day_after(self, start: datetime.date) -> datetime.date:
        span = max(0, (self.today - start).days)
        return start + datetime.timedelta(days=self.rng.randint(0, span))

    def _log(
        self,
        chunk: Chunk,
        plan: TeamPlan,
        *,
        at: datetime.datetime,
        action: ProcessingAction,
        object_type: str,
        object_id: int,
        subjects: list[str],
        municipality_id: int,
    ) -> None:
        """The records such a history leaves, one per person, each with its MAC."""
        values = {
            **self._actor(plan),
            "occurred_at": at,
            "municipality_id": municipality_id,
            "action": str(action),
            "object_type": object_type,
            "object_id": str(object_id),
        }
        for subject in subjects:
            values["subject_pseudonym"] = subject
            chunk.log.rows.append(
                (*(values[name] for name in CHAINED_FIELDS), "", content_mac(values))
            )

    def _actor(self, plan: TeamPlan) -> dict[str, Any]:
        actor = self.actors.get(plan.professional.pk)
        if actor is None:
            basis = basis_of(ProcessingActivity.CASE_SUPPORT)
            user = plan.professional
            actor = self.actors[user.pk] = {
                "actor_id": user.pk,
                "actor_name": (user.get_full_name() or user.username)[:150],
                "actor_role": str(plan.role),
                "actor_organisation": plan.organisation,
                "activity": str(ProcessingActivity.CASE_SUPPORT),
                "purpose": basis.purpose,
                "legal_basis": basis.legal_basis,
                "request_id": "",
            }
        return actor

    def build(self, plan: TeamPlan, count: int, *, biggest: bool = False) -> Chunk:
        """``count`` households of ``plan``'s team; ``biggest`` makes the first one the
        largest case of the set (12 members, 1,500 timeline events)."""
        rng, pools, chunk = self.rng, self.pools, Chunk.empty()
        sizes = rng.choices(self.sizes, self.weights, k=count)
        if biggest:
            sizes[0] = 12
        household_id = _reserve_ids(Household, count)
        member_id = _reserve_ids(Member, sum(sizes))
        assessment_counts = [rng.randint(1, 5) for _ in range(count)]
        assessment_id = _reserve_ids(Assessment, sum(assessment_counts))
        with_bottleneck = [rng.random() < 0.06 for _ in range(count)]
        bottleneck_id = (
            _reserve_ids(Bottleneck, sum(with_bottleneck)) if any(with_bottleneck) else 0
        )
        breakthrough_id = (
            _reserve_ids(Breakthrough, sum(with_bottleneck)) if any(with_bottleneck) else 0
        )
        municipality_id = plan.team.municipality_id
        for index in range(count):
            opened = self.today - datetime.timedelta(days=rng.randint(0, 3 * 365))
            closed = rng.random() < 0.3 and (self.today - opened).days > 60
            last_name = rng.choice(pools.last_names)
            district = rng.choice(plan.districts) if plan.districts else None
            household_row = len(chunk.households.rows)
            # About one household in a hundred has no fixed address (the seeds' example).
            address: tuple[object, ...] = (
                (False, "", None, "", "", "", "Briefadres bij de daklozenopvang")
                if rng.random() < 0.01
                else (
                    True,
                    rng.choice(pools.streets),
                    rng.randint(1, 250),
                    rng.choice(("", "", "", "A", "B", "bis")),
                    f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                    f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}",
                    rng.choice(pools.cities),
                    "",
                )
            )
            chunk.households.rows.append(
                (
                    household_id,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    municipality_id,
                    plan.team.pk,
                    district.pk if district else None,
                    f"Huishouden {last_name}",
                    *address,
                    HouseholdStatus.CLOSED if closed else HouseholdStatus.ACTIVE,
                    opened,
                    self._day_after(opened + datetime.timedelta(days=60)) if closed else None,
                    CloseReason.GOALS_REACHED if closed else "",
                    "",
                    None,  # the latest classification, known after the assessments below
                )
            )
            subjects: list[str] = []
            members: list[int] = []
            for position in range(sizes[index]):
                public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                adult = position < 2
                age = rng.randint(19, 85) if adult else rng.randint(0, 17)
                bsn = self.bsns.take()
                chunk.members.rows.append(
                    (
                        member_id,
                        public_id,
                        household_id,
                        plan.team.pk,
                        rng.choice(pools.first_names),
                        last_name
                        if position == 0 or rng.random() < 0.7
                        else rng.choice(pools.last_names),
                        self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364)),
                        (
                            MemberRole.HEAD
                            if position == 0
                            else MemberRole.PARTNER
                            if position == 1
                            else MemberRole.CHILD
                        ),
                        encrypt(bsn),
                        blind_index(bsn),
                        "",
                        "",
                        opened,
                        None,
                    )
                )
                subjects.append(person_pseudonym(public_id))
                members.append(member_id)
                member_id += 1
            self.report.persons += sizes[index]
            chunk.coordinators.rows.append(
                (household_id, plan.professional.pk, self._moment(opened), None, "")
            )
            # Timeline: the biggest case has 1,500 events, the others 4 to 28.
            events = 1_500 if biggest and index == 0 else rng.randint(4, 28)
            kinds = list(EVENT_SUMMARIES)
            for _ in range(events):
                kind = rng.choice(kinds)
                chunk.events.rows.append(
                    (
                        household_id,
                        self._moment(self._day_after(opened)),
                        kind,
                        EVENT_SUMMARIES[kind],
                        plan.professional.pk,
                    )
                )
            for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5, 6, 7))):
                partner = rng.choice(self.partners) if self.partners else None
                chunk.professionals.rows.append(
                    (
                        household_id,
                        partner.pk if partner else None,
                        "" if partner else "Wijkteam GGZ",
                        rng.choice(pools.person_names),
                        rng.choice(PROFESSIONAL_ROLES),
                        "",
                        opened,
                        None,
                        rng.choice((None, 120_000, 450_000, 1_800_000)),
                    )
                )
            for number in range(assessment_counts[index]):
                scores = rng.choices((1, 2, 3, 4, 5), (1, 2, 3, 3, 2), k=len(self.domains))
                problems = sum(1 for s in scores if s <= 2)
                classification = (
                    Classification.GREEN
                    if problems <= 3
                    else Classification.ORANGE
                    if problems <= 6
                    else Classification.RED
                )
                chunk.assessments.rows.append(
                    (
                        assessment_id,
                        household_id,
                        None,
                        AssessmentKind.INTAKE if number == 0 else AssessmentKind.REVIEW,
                        min(self.today, opened + datetime.timedelta(days=90 * number)),
                        plan.professional.pk,
                        problems,
                        classification,
                        "",
                    )
                )
                for domain, score in zip(self.domains, scores, strict=True):
                    chunk.scores.rows.append((assessment_id, domain.pk, score, None, ""))
                assessment_id += 1
            # The assessments are in date order: the last one is the latest.
            row = chunk.households.rows[household_row]
            chunk.households.rows[household_row] = (*row[:-1], classification)
            self.report.assessments += assessment_counts[index]
            self.report.scores += assessment_counts[index] * len(self.domains)
            if with_bottleneck[index]:
                self._bottleneck(chunk, plan, household_id, opened, bottleneck_id, breakthrough_id)
                bottleneck_id += 1
                breakthrough_id += 1
            # What such a history leaves in the log: the registration, the reads of the
            # case over the years, the assessments.
            self._log(
                chunk,
                plan,
                at=self._moment(opened),
                action=ProcessingAction.CREATE,
                object_type="households.household",
                object_id=household_id,
                subjects=subjects,
                municipality_id=municipality_id,
            )
            for _ in range(rng.randint(2, 12)):
                self._log(
                    chunk,
                    plan,
                    at=self._moment(self._day_after(opened)),
                    action=ProcessingAction.READ,
                    object_type="households.household",
                    object_id=household_id,
                    subjects=subjects[:2],
                    municipality_id=municipality_id,
                )
            household_id += 1
        self.report.households += count
        self.report.events += len(chunk.events.rows)
        self.report.professionals += len(chunk.professionals.rows)
        self.report.log_records += len(chunk.log.rows)
        return chunk

    def _bottleneck(
        self,
        chunk: Chunk,
        plan: TeamPlan,
        household_id: int,
        opened: datetime.date,
        bottleneck_id: int,
        breakthrough_id: int,
    ) -> None:
        rng = self.rng
        theme = rng.choice(list(BOTTLENECK_TITLES))
        created = self._moment(self._day_after(opened))
        chunk.bottlenecks.rows.append(
            (
                bottleneck_id,
                household_id,
                BOTTLENECK_TITLES[theme],
                "Twee regels sluiten elkaar uit; het huishouden komt er zelf niet uit.",
                theme,
                rng.choice(list(BottleneckKind)),
                "Een woning of inkomen waar het huishouden recht op heeft.",
                plan.professional.pk,
                created,
            )
        )
        status = rng.choices(list(BreakthroughStatus), (5, 40, 20, 5, 20, 10))[0]
        level = rng.choices(list(EscalationLevel), (35, 30, 25, 10))[0]
        submitted = status != BreakthroughStatus.DRAFT
        carried = status in (BreakthroughStatus.CARRIED_OUT, BreakthroughStatus.EVALUATED)
        chunk.breakthroughs.rows.append(
            (
                breakthrough_id,
                bottleneck_id,
                household_id,
                plan.team.pk,  # the household's team and municipality, copied
                plan.team.municipality_id,
                "Maatwerk: de regel wijkt voor dit huishouden",
                "De organisatie past de hardheidsclausule toe.",
                status,
                None,
                "De hardheidsclausule laat afwijken toe.",
                12,
                rng.choice((0, 25_000, 120_000)),
                Payer.MUNICIPALITY,
                "Het huishouden regelt de post zelf weer.",
                "Afspraken nakomen met de schuldhulp.",
                level if submitted else EscalationLevel.OWN_MANDATE,
                (created.date() + datetime.timedelta(days=rng.randint(-10, 20)))
                if status == BreakthroughStatus.SUBMITTED
                else None,
                None,
                plan.professional.pk,
                created,
                created if submitted else None,
                created.date() if carried else None,
                "Uitgevoerd zoals besloten." if carried else "",
                created.date() if status == BreakthroughStatus.EVALUATED else None,
                "Het huishouden is weer op weg." if status == BreakthroughStatus.EVALUATED else "",
            )
        )
        self.report.bottlenecks += 1
        self.report.breakthroughs += 1


# --- the command's work ------------------------------------------------------------------------
def seed_scale(
    *,
    persons: int,
    out: Callable[[str], None],
    seed: int = 2026,
    demo_households: int = 235,
) -> Report:
    """Build about ``persons`` persons of synthetic households; see the module docstring."""
    started = time.monotonic()
    made_here = check_database()
    report = Report()
    if not made_here:
        _mark_database()
        out("Seeding the demo (users, teams, roles) …")
        call_command("seed_demo", "--quiet-logins", "--households", str(demo_households))
    rng = random.Random(seed + Household.objects.count())  # noqa: S311 - synthetic data, not secrets
    pools = Pools.make(seed)
    domains = list(LifeDomain.objects.filter(municipality__isnull=True, active=True))
    partners = list(Organisation.objects.exclude(kind=OrganisationKind.NEIGHBOURHOOD_TEAM))
    households = _household_count(persons)
    with transaction.atomic():
        demo = _demo_teams()
        extra = _extra_municipalities(_municipality_count(persons) - 1, pools, rng, report)
    _share_out(households, demo, extra)
    report.teams = len(demo) + len(extra)
    report.municipalities += 1
    demo_team = next((p for p in demo if p.team.name == DEMO_TEAM), None)
    report.demo_team_households = demo_team.households if demo_team else 0
    # BSNs from a counter far from any the demo drew (its are random, from 1xx…).
    bsns = BsnCounter(start=60_000_000 + Member.objects.count())
    builder = Builder(
        rng=rng, pools=pools, bsns=bsns, domains=domains, partners=partners, report=report
    )
    bulk_load = _is_superuser()
    out(
        f"Seeding {households:,} households for about {persons:,} persons"
        f" ({time.monotonic() - started:.0f} s) …"
    )
    for plan in demo + extra:
        remaining, first = plan.households, True
        while remaining > 0:
            count = min(CHUNK, remaining)
            with transaction.atomic():
                if bulk_load:
                    _skip_row_triggers()
                chunk = builder.build(plan, count, biggest=first and plan is demo_team)
                for rows in chunk.tables():
                    rows.copy()
            remaining -= count
            first = False
            out(
                f"  {report.households:,} households, {report.persons:,} persons"
                f" ({time.monotonic() - started:.0f} s)"
            )
    out("Counting the spiegel's figures …")
    # operations does not import insights: the command is its one way in.
    call_command("refresh_spiegel_figures", stdout=io.StringIO())
    out("Sealing the processing log …")
    sealed = seal_processing_log()
    if sealed.waiting_for_pid is not None:
        out(f"  not sealed: transaction of process {sealed.waiting_for_pid} still open")
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            # What autovacuum does to a production table in time: the visibility map it
            # sets lets the log page count off the index alone, and the household list and
            # search test the team's households off theirs (docs/scale.md); it also merges
            # the pending list of the members' surname index, which every search reads
            # (households/0017). VACUUM cannot run inside a transaction (a test's);
            # ANALYZE alone then.
            for table in ("audit_processinglog", "households_household", "households_member"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
    report.seconds = time.monotonic() - started
    return report
