"""The sweep's scenario: one dossier per ownership scope, every personal-data text a token.

Built once per test module (``tests/security/test_sweep.py``) through the real services and
the apps' scenario builders, then every free text and name of every row that belongs to a
scope's household is overwritten with a token ``zq<scope><nnn>`` (``Tokens``), so that a
response can be scanned for the scopes and fields it shows.

Scopes (``Scope``), all with the same story (members with a BSN, consents, an involved
professional, the timeline, an assessment, a plan with a goal and an action, a bottleneck
with two breakthroughs — one at the partner with a partner request and a time-out, one at
the breakthrough table with an agenda item, a decision and a follow-up action —, cost
lines, a fund request, an outcome, a referral):

  a  own team: Buurtteam A (Alice coordinates); partner: UWV, with consent
  b  other team: Buurtteam B (Bob); partner: UWV, with consent
  o  other organisation: Buurtteam A (Alice); partner: SVB (Peggy), with consent to SVB only
  w  withdrawn consent: Buurtteam A (Alice); partner: UWV; both consents withdrawn afterwards
  z  other municipality: Buurtteam Z in Gemeente Zuid (Mallory); partner: UWV

Configuration that is not case content (tables, meetings, funds, signals, value reports)
exists once per municipality; the ``n`` scope names Noord's, the ``z`` scope Zuid's.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from typing import cast as cast_

from django.apps import apps
from django.db import models
from django.utils import timezone

from doorbraak.accounts.apiclients import services as api_client_services
from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.apiclients.scopes import ApiScope
from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.assessments import services as assessment_services
from doorbraak.assessments.models import LifeDomain
from doorbraak.audit.models import Alert, AlertKind
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.funds.models import Fund
from doorbraak.funds.services import fund_request_submit
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    EventKind,
    Household,
    HouseholdEvent,
    MemberRole,
    Referral,
    ReferralSource,
    Urgency,
)
from doorbraak.insights import services as insight_services
from doorbraak.insights.models import ValueReport
from doorbraak.insights.tasks import generate_value_report
from doorbraak.operations.models import WorkerHeartbeat
from doorbraak.residents.services import resident_user_for
from doorbraak.retention.models import RecordKind, RetentionRule
from doorbraak.retention.services import destruction_propose, rules_ensure_defaults
from doorbraak.socialmap.models import Service
from doorbraak.tables import services as table_services
from doorbraak.tables.models import AgendaItem, BreakthroughTable, TableMember, TableOutcome
from tests.breakthroughs import builders as breakthrough_builders
from tests.conftest import Cast, build_cast
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    MembershipFactory,
    OrganisationFactory,
    PostcodeAreaFactory,
    UserFactory,
)
from tests.funds import factories as fund_factories
from tests.outcomes import builders as outcome_builders
from tests.plans import builders as plan_builders
from tests.tables import builders as table_builders

#: The ownership scopes of the case dossiers (see the module docstring).
CASE_SCOPES = ("a", "b", "o", "w", "z")
SCOPE_NAMES = {
    "a": "own team (Buurtteam A, UWV)",
    "b": "other team (Buurtteam B)",
    "o": "other organisation (Buurtteam A, SVB)",
    "w": "withdrawn consent (Buurtteam A, UWV)",
    "z": "other municipality (Gemeente Zuid)",
}

#: A token: ``zq``, the scope letter, three digits, standing alone (not inside a random
#: CSRF token or key). Matched case-insensitively (a SEPA file or a heading may change it).
TOKEN = re.compile(r"(?<![a-z0-9])zq([abowz])(\d{3})(?![a-z0-9])", re.IGNORECASE)

#: Valid (elfproef) synthetic BSNs, one per scope; a BSN is a token too.
BSNS = {
    "a": ("111222308", "123456708"),
    "b": ("192837400", "234567806"),
    "o": ("999999904", "345678904"),
    "w": ("987654305", "555111209"),
    "z": ("222222207", "666222307"),
}

#: Text fields that are not personal data or cannot hold a token: keys, codes and what a
#: validator parses.
_NOT_TOKENISED = {
    "public_id",
    "bsn_encrypted",
    "bsn_index",
    "postcode",
    "iban",
    "legal_basis",
    "key",
    "request_hash",
    "pseudonym",
}
#: Copies of the cost catalogue (its item's name and source) on a valued outcome: public.
_CATALOGUE_COPIES = {"OutcomeValue.description", "OutcomeValue.source"}

#: The apps whose rows belong to a household (case content).
_CASE_APPS = (
    "households",
    "assessments",
    "plans",
    "breakthroughs",
    "tables",
    "funds",
    "outcomes",
)


@dataclass
class Tokens:
    """Every token handed out, with the scope and the ``Model.field`` it stands for."""

    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    _counters: dict[str, itertools.count[int]] = field(default_factory=dict)

    def new(self, scope: str, label: str) -> str:
        counter = self._counters.setdefault(scope, itertools.count(1))
        token = f"zq{scope}{next(counter):03d}"
        self.labels[token] = (scope, label)
        return token

    def bsn_labels(self) -> dict[str, tuple[str, str]]:
        return {bsn: (scope, "Member.bsn") for scope, pair in BSNS.items() for bsn in pair}


@dataclass
class Scenario:
    """The cast, the extra personas, the tokens and the objects of each scope by kind."""

    cast: Cast
    peggy: User  # partner contact of SVB in Noord (the other organisation)
    users: dict[str, User]
    tokens: Tokens
    #: objects[scope][kind] → an object; kinds are the names the URL rules use.
    objects: dict[str, dict[str, Any]]

    def obj(self, scope: str, kind: str) -> Any:
        return self.objects.get(scope, {}).get(kind)


# --- building -------------------------------------------------------------------------------
def build() -> Scenario:
    cast = build_cast()
    tokens = Tokens()
    svb = OrganisationFactory(name="SVB", short_name="SVB", national=True)
    peggy = _staff("peggy", Role.PARTNER_CONTACT, svb, cast.north)
    # Gemeente Zuid's own staff, not personas: they build Zuid's table, signals and report.
    zora = _staff("zora", Role.TABLE_CHAIR, cast.wi_south, cast.south)
    sven = _staff("sven", Role.POLICY_ANALYST, cast.wi_south, cast.south)
    _staff("zeger", Role.PARTNER_CONTACT, cast.uwv, cast.south)

    for municipality, first in ((cast.north, 3551), (cast.south, 9711)):
        PostcodeAreaFactory(
            district=DistrictFactory(municipality=municipality, name=f"Wijk {first}"),
            first=first,
            last=first + 2,
        )
    north_table = table_builders.north_table(cast)
    TableMember.objects.create(table=north_table, user=peggy, organisation=svb, may_decide="")
    south_table = BreakthroughTable.objects.create(
        municipality=cast.south, name="Doorbraaktafel Zuid", chair=zora
    )
    north_fund = fund_factories.north_fund(cast)
    south_fund = fund_factories.FundFactory(
        municipality=cast.south, budget_cents=100_000, name="Potje Zuid"
    )
    fund_factories.MandateRuleFactory(fund=south_fund)

    views = {
        "a": dataclasses.replace(cast),
        "b": dataclasses.replace(cast, alice=cast.bob),
        "o": dataclasses.replace(cast, uwv=svb),
        "w": dataclasses.replace(cast),
        "z": dataclasses.replace(cast, alice=cast.mallory, erin=zora),
    }
    teams = {"a": cast.team_a, "b": cast.team_b, "o": cast.team_a, "w": cast.team_a}
    teams["z"] = cast.team_z
    funds = {"z": south_fund}
    objects: dict[str, dict[str, Any]] = {}
    for scope in CASE_SCOPES:
        objects[scope] = _dossier(
            scope,
            views[scope],
            team=teams[scope],
            fund=funds.get(scope, north_fund),
            tokens=tokens,
        )
    for tables_scopes, table, chair in (
        (("a", "b", "o", "w"), north_table, cast.erin),
        (("z",), south_table, zora),
    ):
        _meeting([objects[s] for s in tables_scopes], table, chair, views[tables_scopes[0]])
    for scope in ("a", "b", "o", "w", "z"):
        if scope == "w":
            for consent in objects[scope]["consents"]:
                household_services.consent_withdraw(
                    actor=cast.alice, consent=consent, note=tokens.new(scope, "Consent.note")
                )
        _tokenise(scope, objects[scope]["household"], tokens)

    municipal = {
        "n": _municipal(cast.north, north_table, north_fund, cast.grace, cast),
        "z": _municipal(cast.south, south_table, south_fund, sven, cast),
    }
    for scope in CASE_SCOPES:
        objects[scope].update(municipal["z" if scope == "z" else "n"])
    # An API client of each municipality, made by its own functional administrator.
    zelda = _staff("zelda", Role.ADMIN, cast.wi_south, cast.south)
    api_clients = {
        "n": _api_client(cast.ivan, cast.north, cast.wi_north),
        "z": _api_client(zelda, cast.south, cast.wi_south),
    }
    for scope in CASE_SCOPES:
        objects[scope]["api_client"] = api_clients["z" if scope == "z" else "n"]
    users = {
        "alice": cast.alice,
        "carol": cast.carol,
        "bob": cast.bob,
        "mallory": cast.mallory,
        "dave": cast.dave,
        "peggy": peggy,
        "erin": cast.erin,
        "frank": cast.frank,
        "grace": cast.grace,
        "heidi": cast.heidi,
        "ivan": cast.ivan,
        # The head of household a, with a resident account (signed in through DigiD).
        "rita": resident_user_for(objects["a"]["member"]),
    }
    return Scenario(cast=cast, peggy=peggy, users=users, tokens=tokens, objects=objects)


def _api_client(admin: User, municipality: Any, organisation: Organisation) -> ApiClient:
    return api_client_services.api_client_create(
        actor=admin,
        municipality=municipality,
        organisation=organisation,
        name=f"Rapportagesysteem {municipality.code}",
        scopes=[ApiScope.INSIGHTS],
        role=Role.POLICY_ANALYST,
    ).client


def _staff(username: str, role: Role, organisation: Organisation, municipality: Any) -> User:
    user = cast_(User, UserFactory(username=username))
    MembershipFactory(user=user, role=role, organisation=organisation, municipality=municipality)
    return user


def _dossier(scope: str, view: Cast, *, team: Any, fund: Fund, tokens: Tokens) -> dict[str, Any]:
    """One household with everything a dossier can hold, through the services."""
    actor = view.alice
    t = tokens.new
    household = cast_(
        Household,
        HouseholdFactory(
            team=team,
            name=f"Huishouden {t(scope, 'Household.name')}",
            street=t(scope, "Household.street"),
            city=t(scope, "Household.city"),
            house_number_addition=t(scope, "Household.addition"),
            coordinator=actor,
            head=False,
        ),
    )
    head = household_services.member_add(
        actor=actor,
        household=household,
        data=household_services.MemberData(
            first_name=t(scope, "Member.first_name"),
            last_name=t(scope, "Member.last_name"),
            birth_date=datetime.date(1985, 3, 1),
            role=MemberRole.HEAD,
            bsn=BSNS[scope][0],
        ),
    )
    child = household_services.member_add(
        actor=actor,
        household=household,
        data=household_services.MemberData(
            first_name=t(scope, "Member.first_name"),
            last_name=t(scope, "Member.last_name"),
            birth_date=datetime.date(2015, 4, 1),
            role=MemberRole.CHILD,
            bsn=BSNS[scope][1],
            representation="gemachtigde",
            representative=t(scope, "Member.representative"),
        ),
    )
    HouseholdEvent.objects.create(
        household=household,
        kind=EventKind.INTAKE,
        summary=f"Gesprek met {t(scope, 'HouseholdEvent.summary')}",
        actor=actor,
    )
    professional = household_services.professional_add(
        actor=actor,
        household=household,
        person_name=t(scope, "InvolvedProfessional.person_name"),
        role=t(scope, "InvolvedProfessional.role"),
        since=datetime.date(2026, 1, 5),
        organisation_name=t(scope, "InvolvedProfessional.organisation_name"),
        contact=t(scope, "InvolvedProfessional.contact"),
    )
    share = breakthrough_builders.give_consent(view, household, view.uwv)
    table_consent = table_builders.table_consent(view, household, view.uwv)
    domains = list(LifeDomain.objects.filter(municipality__isnull=True).order_by("pk"))
    assessment = assessment_services.assessment_record(
        actor=actor,
        household=household,
        scores=[
            assessment_services.ScoreData(
                domain_id=d.pk, score=2, note=t(scope, "DomainScore.note")
            )
            for d in domains
        ],
        note=t(scope, "Assessment.note"),
    )
    plan = plan_builders.draft(view, household, commitment=t(scope, "Plan.commitment"))
    goal = plan.goals.first()
    action = goal.actions.first() if goal is not None else None
    partner_case = breakthrough_builders.submitted(view, household, lines=2)
    request = breakthrough_builders.send(
        view, partner_case, question=t(scope, "PartnerRequest.question")
    )
    time_out = breakthrough_services.time_out_request(
        actor=actor,
        breakthrough=partner_case,
        organisation=view.uwv,
        what=t(scope, "TimeOut.what"),
        until=timezone.localdate() + datetime.timedelta(days=30),
        legal_basis="AVG art. 6 lid 1 sub a (toestemming)",
    )
    table_case = breakthrough_builders.at_table(view, household)
    fund_request = fund_factories.draft(
        fund=fund,
        by=actor,
        household=household,
        summary=t(scope, "FundRequest.summary"),
        payee_name=t(scope, "FundRequest.payee_name"),
    )
    fund_request = fund_request_submit(actor=actor, fund_request=fund_request)
    draft_request = fund_factories.draft(
        fund=fund, by=actor, household=household, summary=t(scope, "FundRequest.summary")
    )
    outcome = outcome_builders.record(
        view, household, evidence=t(scope, "Outcome.evidence"), breakthrough=partner_case
    )
    referral = Referral.objects.create(
        municipality=household.municipality,
        source=ReferralSource.OTHER,
        source_organisation=view.uwv,
        referred_by=actor,
        urgency=Urgency.NORMAL,
        reason=t(scope, "Referral.reason"),
        resident_name=t(scope, "Referral.resident_name"),
        postcode="3552 AB",
        house_number=12,
        phone=t(scope, "Referral.phone"),
        team=team,
    )
    return {
        "household": household,
        "member": head,
        "child": child,
        "professional": professional,
        "consent": share,
        "consents": [share, table_consent],
        "assessment": assessment,
        "plan": plan,
        "goal": goal,
        "action": action,
        "bottleneck": partner_case.bottleneck,
        "breakthrough": partner_case,
        "line": partner_case.scenario_lines.first(),
        "table_case": table_case,
        "partner_request": request,
        "time_out": time_out,
        "fund_request": fund_request,
        "draft_fund_request": draft_request,
        "outcome": outcome,
        "referral": referral,
        "partner_organisation": view.uwv,
        "team": team,
    }


def _meeting(
    dossiers: list[dict[str, Any]], table: BreakthroughTable, chair: User, view: Cast
) -> None:
    """A meeting of ``table`` with each dossier's table case on the agenda, opened, decided."""
    meeting = table_builders.schedule(dataclasses.replace(view, erin=chair), table)
    items = []
    for dossier in dossiers:
        case = dossier["table_case"]
        item = AgendaItem.objects.filter(meeting=meeting, breakthrough=case).first()
        if item is None:
            item = table_services.agenda_add(actor=chair, meeting=meeting, breakthrough=case)
        items.append(item)
        dossier["agenda_item"] = item
    table_services.meeting_open(actor=chair, meeting=meeting)
    for dossier, item in zip(dossiers, items, strict=True):
        organisation = dossier["partner_organisation"]
        decision = table_services.decision_record(
            actor=chair,
            item=item,
            outcome=TableOutcome.APPROVED,
            reason="De tafel ziet dat dit erger voorkomt.",
            responsible_organisation=organisation,
            actions=[
                table_services.ActionData(
                    description="Terugvordering opschorten",
                    organisation=organisation,
                    due_on=timezone.localdate() + datetime.timedelta(days=14),
                )
            ],
        )
        dossier["table_decision"] = decision
        dossier["follow_up"] = decision.follow_up_actions.first()
        dossier["meeting"] = meeting


def _municipal(
    municipality: Any, table: BreakthroughTable, fund: Fund, analyst: User, cast: Cast
) -> dict[str, Any]:
    signal = insight_services.signal_create(
        actor=analyst,
        municipality=municipality,
        title="Adres en inkomen botsen vaak",
        description="Zonder adres geen uitkering, zonder uitkering geen huis.",
    )
    report = ValueReport.objects.create(
        municipality=municipality,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        k=1,
        requested_by=analyst,
    )
    generate_value_report(report.pk)
    # The analyst's evaluation export, still waiting for the worker: hers alone.
    download = Download.objects.create(
        requested_by=analyst,
        kind=DownloadKind.EVALUATION_EXPORT,
        title="Evaluatie-export",
        filename="evaluatie.zip",
        content_type="application/zip",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    # The task worker's heartbeat, so that /gezondheid/alles/ reports healthy throughout.
    WorkerHeartbeat.objects.get_or_create(
        worker_id="sweep",
        defaults={
            "host": "localhost",
            "pid": 1,
            "started_at": timezone.now(),
            "seen_at": timezone.now() + datetime.timedelta(days=1),
        },
    )
    service = Service.objects.create(
        municipality=municipality,
        code="buurthuis",
        organisation_name="Welzijn",
        name=f"Buurthuis {municipality.code}",
        description="Koffie en een luisterend oor.",
    )
    # An open security alert about the analyst, for the municipality's privacy officer.
    alert = Alert.objects.create(
        kind=AlertKind.REFUSALS,
        municipality=municipality,
        actor=analyst,
        window_start=timezone.now() - datetime.timedelta(hours=2),
        window_end=timezone.now() - datetime.timedelta(hours=1),
        count=25,
    )
    # Retention: the rules, and a destruction list with one closed household of no dossier.
    rules_ensure_defaults(municipality=municipality)
    rule = RetentionRule.objects.get(
        municipality=municipality, kind=RecordKind.HOUSEHOLD_CLOSED, close_reason="doelen_bereikt"
    )
    RetentionRule.objects.filter(pk=rule.pk).update(period_months=12, source="Sweep")
    team, coordinator = (
        (cast.team_a, cast.alice) if municipality == cast.north else (cast.team_z, cast.mallory)
    )
    closed = HouseholdFactory(team=team, coordinator=coordinator)
    Household.objects.filter(pk=closed.pk).update(
        status="afgesloten", closed_on=datetime.date(2020, 1, 1), close_reason="doelen_bereikt"
    )
    destruction_list = destruction_propose(
        municipality=municipality, today=datetime.date(2026, 1, 1)
    )
    assert destruction_list is not None
    return {
        "alert": alert,
        "retention_rule": rule,
        "destruction_list": destruction_list,
        "destruction_item": destruction_list.items.get(),
        "service": service,
        "table": table,
        "fund": fund,
        "signal": signal,
        "report": report,
        "download": download,
        "municipality": municipality,
        "district": None,
    }


# --- tokens over every text of a household's rows ------------------------------------------
def _tokenise(scope: str, household: Household, tokens: Tokens) -> None:
    """Overwrite every free text and name of every row of ``household`` that is not a token
    yet, so that no personal text escapes the scan (services copy names into timelines)."""
    for model in apps.get_models():
        if model._meta.app_label not in _CASE_APPS:
            continue
        path = _household_path(model)
        if path is None:
            continue
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not isinstance(f, (models.URLField, models.EmailField, models.SlugField))
            and not f.choices
            and f.name not in _NOT_TOKENISED
            and (f.max_length is None or f.max_length >= 6)
            and f"{model.__name__}.{f.name}" not in _CATALOGUE_COPIES
        ]
        if not text_fields:
            continue
        rows = model._default_manager.filter(**{path: household.pk}).distinct()
        for row in rows:
            changes = {}
            for f in text_fields:
                value = getattr(row, f.attname)
                if value and not TOKEN.search(value):
                    changes[f.attname] = tokens.new(scope, f"{model.__name__}.{f.name}")
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)


def _household_path(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its household through foreign keys (shortest), if any."""
    if model is Household:
        return "pk"
    queue: deque[tuple[type[models.Model], str, int]] = deque([(model, "", 0)])
    while queue:
        current, prefix, depth = queue.popleft()
        if depth >= 4:
            continue
        for f in current._meta.concrete_fields:
            if not isinstance(f, models.ForeignKey):
                continue
            target = f.related_model
            path = f"{prefix}{f.name}"
            if target is Household:
                return path
            if isinstance(target, type) and target._meta.app_label in _CASE_APPS:
                queue.append((target, f"{path}__", depth + 1))
    return None
