"""Synthetic demo households for ``seed_demo``: every state of the flow, a year of history.

Everything goes through the services, so the demo exercises the same rules (and writes
the same processing log) as real use. Names and BSNs are synthetic: Faker nl_NL, BSNs
generated to pass the elfproef. Timeline dates are set afterwards to tell a story.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from doorbraak.accounts.models import (
    District,
    Municipality,
    Organisation,
    OrganisationKind,
    Team,
    User,
)
from doorbraak.assessments import services as assessment_services
from doorbraak.assessments.models import AssessmentKind, FollowUp, FollowUpStatus, LifeDomain
from doorbraak.assessments.services import ScoreData, assessment_record, domains_for
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    ConsentMethod,
    ConsentPurpose,
    Household,
    HouseholdEvent,
    MemberRole,
    PostcodeArea,
    ReferralSource,
    Urgency,
)
from doorbraak.plans.models import ActionOwner, ActionStatus
from doorbraak.plans.services import (
    action_add,
    action_set_status,
    goal_add,
    plan_agree,
    plan_set_commitment,
    plan_start,
)
from doorbraak.socialmap.models import Service
from doorbraak.socialmap.selectors import services_for_plan

POSTCODE_AREAS = {
    "Ondiep/Pijlsweerd": (3551, 3553),
    "Zuilen": (3554, 3555),
    "Kanaleneiland": (3525, 3526),
    "Overvecht": (3561, 3564),
}
PROFESSIONAL_ROLES = [
    "schuldhulpverlener",
    "jeugdconsulent",
    "wijkagent",
    "huisarts",
    "bewindvoerder",
    "wijkverpleegkundige",
    "klantmanager",
    "GGZ-behandelaar",
    "woonconsulent",
]
YEARLY_COSTS = [0, 95_000, 180_000, 240_000, 410_000, 650_000, 1_200_000]
REASONS = [
    "Huurachterstand van drie maanden; brieven worden niet geopend (Voorkom Huisuitzetting).",
    "Signaal van de huisarts: zorgen over geldzaken en eenzaamheid.",
    "Melding van de wijkagent na herhaald burenconflict.",
    "Werk en Inkomen: uitkering stopgezet, geen adres bekend.",
    "Bewoner meldt zich zelf: boetes van het CJIB stapelen zich op.",
]
COMMITMENTS = [
    "Ik open elke dag mijn post en bel het buurtteam als ik iets niet begrijp.",
    "Ik ga twee ochtenden per week vrijwilligerswerk doen bij het buurthuis.",
    "Ik betaal elke maand eerst de huur, op de dag dat mijn uitkering binnenkomt.",
    "Mijn zoon helpt mij met reageren op woningaanbod; ik ga mee naar elke bezichtiging.",
]


HOMELESS_POSTAL_ADDRESS = "Briefadres: Stadsloket Demostad, Marktplein 1, 3511 AA Demostad"


def _intake(
    *,
    name: str,
    postcode: str,
    house_number: int,
    street: str,
    members: list[services.MemberData],
    homeless_in: District | None,
) -> services.IntakeData:
    """The intake of a demo household; ``homeless_in``: no fixed address, in that district."""
    if homeless_in is not None:
        return services.IntakeData(
            name=name,
            members=members,
            has_fixed_address=False,
            postal_address=HOMELESS_POSTAL_ADDRESS,
            district=homeless_in,
        )
    return services.IntakeData(
        name=name,
        postcode=postcode,
        house_number=house_number,
        street=street,
        city="Demostad",
        members=members,
    )


def elfproef_bsn(rng: random.Random) -> str:
    """A synthetic nine-digit number that passes the elfproef (not a real person's BSN)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        last = total % 11
        if last <= 9 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


@contextmanager
def dated(household: Household, day: datetime.date, hour: int = 10) -> Iterator[None]:
    """Give the timeline events written inside the block the date they happened."""
    before = (
        HouseholdEvent.objects.filter(household=household)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    yield
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    HouseholdEvent.objects.filter(household=household, pk__gt=before).update(occurred_at=moment)


def ensure_postcode_areas(municipality: Municipality) -> None:
    for district in municipality.districts.all():
        first, last = POSTCODE_AREAS.get(district.name, (0, 0))
        if first:
            PostcodeArea.objects.get_or_create(
                municipality=municipality, district=district, first=first, last=last
            )


def seed_households(
    *,
    municipality: Municipality,
    coordinators: dict[Team, list[User]],
    referrers: list[User],
    count: int = 200,
    seed: int = 2026,
) -> int:
    """Create ``count`` demo households (skipped if the demo already has them)."""
    if Household.objects.filter(municipality=municipality).exists():
        return 0
    ensure_postcode_areas(municipality)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    today = timezone.localdate()
    partners = list(
        Organisation.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        ).exclude(kind=OrganisationKind.NEIGHBOURHOOD_TEAM)
    )
    domains = domains_for(municipality)
    services_by_domain: dict[int, list[Service]] = {}
    for service in services_for_plan(municipality=municipality):
        for domain in service.life_domains.all():
            services_by_domain.setdefault(domain.pk, []).append(service)
    teams = [t for t in coordinators if coordinators[t]]
    created = 0
    for index in range(count):
        team = teams[index % len(teams)]
        coordinator = coordinators[team][index % len(coordinators[team])]
        district = team.districts.order_by("name").first()
        assert district is not None
        first_area, last_area = POSTCODE_AREAS[district.name]
        letters = "".join(rng.choice("ABCEGHJKLMNPRTVWXZ") for _ in range(2))
        postcode = f"{rng.randint(first_area, last_area)} {letters}"
        opened = today - datetime.timedelta(days=rng.randint(20, 420))
        # About one story in eight stays a referral: still waiting, or declined.
        story = rng.random()
        referrer = referrers[index % len(referrers)]
        # One story in 25 is a household without a fixed address ("geen uitkering zonder
        # adres, geen huis zonder inkomen"); it draws the same random numbers as the others.
        homeless = index % 25 == 3
        with transaction.atomic():
            last_name = fake.last_name()
            # Drawn in this order, so that every story stays what it was.
            source = rng.choice(list(ReferralSource))
            urgency = rng.choice([Urgency.NORMAL, Urgency.NORMAL, Urgency.HIGH, Urgency.CRISIS])
            reason = rng.choice(REASONS)
            resident_name = f"{fake.first_name()} {last_name}"
            house_number = rng.randint(1, 180)
            referral = services.referral_submit(
                actor=referrer,
                municipality=municipality,
                source=source,
                source_organisation=referrer.memberships.first().organisation,  # type: ignore[union-attr]
                urgency=urgency,
                reason=reason,
                resident_name=resident_name,
                postcode="" if homeless else postcode,
                house_number=None if homeless else house_number,
                has_fixed_address=not homeless,
                postal_address=HOMELESS_POSTAL_ADDRESS if homeless else "",
                district=district if homeless else None,
            )
            if story < 0.08:
                continue  # waiting in the team's inbox
            if story < 0.13:
                services.referral_decline(
                    actor=coordinator,
                    referral=referral,
                    reason="Er is al passende hulp via de schuldhulpverlening.",
                )
                continue
            members = [
                services.MemberData(
                    fake.first_name(),
                    last_name,
                    fake.date_of_birth(minimum_age=24, maximum_age=78),
                    MemberRole.HEAD,
                    bsn=elfproef_bsn(rng) if rng.random() < 0.7 else "",
                )
            ]
            if rng.random() < 0.5:
                members.append(
                    services.MemberData(
                        fake.first_name(),
                        last_name,
                        fake.date_of_birth(minimum_age=24, maximum_age=70),
                        MemberRole.PARTNER,
                    )
                )
            for _child in range(rng.choice([0, 0, 1, 2, 3])):
                members.append(
                    services.MemberData(
                        fake.first_name(),
                        last_name,
                        fake.date_of_birth(minimum_age=1, maximum_age=17),
                        MemberRole.CHILD,
                    )
                )
            household = services.intake_from_referral(
                actor=coordinator,
                referral=referral,
                duplicates_checked=True,
                intake=_intake(
                    name=f"Huishouden {last_name}",
                    postcode=postcode,
                    house_number=house_number,
                    street=fake.street_name(),
                    members=members,
                    homeless_in=district if homeless else None,
                ),
            )
            Household.objects.filter(pk=household.pk).update(opened_on=opened)
            household.opened_on = opened
            HouseholdEvent.objects.filter(household=household).update(
                occurred_at=timezone.make_aware(
                    datetime.datetime.combine(opened, datetime.time(9, 30))
                )
            )
            _enrich(
                household,
                coordinator,
                coordinators[team],
                partners,
                domains,
                rng,
                fake,
                opened,
                today,
                services_by_domain=services_by_domain,
            )
            created += 1
    return created


def _demo_service(
    household: Household, domain: LifeDomain, services_by_domain: dict[int, list[Service]]
) -> Service | None:
    """A service of the social map for about four in ten demo actions, for the goal's domain.

    Chosen from the ids, not from the random generator, so the rest of the demo stays as it was.
    """
    candidates = services_by_domain.get(domain.pk, [])
    if not candidates or (household.pk * 7 + domain.pk) % 5 >= 2:
        return None
    return candidates[household.pk % len(candidates)]


def _enrich(
    household: Household,
    coordinator: User,
    colleagues: list[User],
    partners: list[Organisation],
    domains: list[LifeDomain],
    rng: random.Random,
    fake: Faker,
    opened: datetime.date,
    today: datetime.date,
    *,
    services_by_domain: dict[int, list[Service]],
) -> None:
    head = household.members.get(role=MemberRole.HEAD)
    day = opened + datetime.timedelta(days=2)
    with dated(household, day):
        for _n in range(
            rng.randint(1, 7)
        ):  # the seeds' "twenty helpers in one family", scaled down
            partner = rng.choice(partners)
            services.professional_add(
                actor=coordinator,
                household=household,
                person_name=fake.name(),
                role=rng.choice(PROFESSIONAL_ROLES),
                since=opened - datetime.timedelta(days=rng.randint(30, 900)),
                organisation=partner,
                yearly_cost_cents=rng.choice(YEARLY_COSTS) or None,
            )
        for purpose in rng.sample(list(ConsentPurpose), k=rng.randint(1, 3)):
            services.consent_give(
                actor=coordinator,
                household=household,
                given_by=head,
                purpose=purpose,
                recipient=rng.choice(partners),
                method=rng.choice(list(ConsentMethod)),
                given_on=day,
            )
    # Assessments over time: problems at intake, fewer at each review.
    problems = rng.randint(3, 9)
    moments = [opened + datetime.timedelta(days=7 + 90 * n) for n in range(4)]
    moments = [m for m in moments if m <= today]
    for number, moment in enumerate(moments):
        scores = [
            ScoreData(
                d.pk,
                rng.randint(1, 2) if i < problems else rng.randint(3, 5),
                rng.randint(1, 5) if rng.random() < 0.5 else None,
            )
            for i, d in enumerate(rng.sample(domains, len(domains)))
        ]
        with dated(household, moment):
            assessment_record(
                actor=coordinator,
                household=household,
                scores=scores,
                assessed_on=moment,
                kind=AssessmentKind.INTAKE if number == 0 else AssessmentKind.REVIEW,
            )
        problems = max(0, problems - rng.randint(0, 3))
    # One plan, agreed in most households; sometimes a second version.
    plan_day = min(today, opened + datetime.timedelta(days=14))
    with dated(household, plan_day):
        plan = plan_start(actor=coordinator, household=household)
        for domain in rng.sample(domains, k=rng.randint(1, 3)):
            goal = goal_add(
                actor=coordinator,
                plan=plan,
                domain=domain,
                description=f"Stabiel op het gebied van {domain.name.lower()}",
            )
            owner = rng.choice(list(ActionOwner))
            action_add(
                actor=coordinator,
                plan=plan,
                goal=goal,
                description="Afspraak maken en samen de stappen zetten",
                owner=owner,
                owner_organisation=rng.choice(partners) if owner == ActionOwner.PARTNER else None,
                service=_demo_service(household, domain, services_by_domain),
                due_on=plan_day + datetime.timedelta(days=rng.randint(14, 120)),
            )
        if rng.random() < 0.85:
            plan_set_commitment(actor=coordinator, plan=plan, commitment=rng.choice(COMMITMENTS))
            plan = plan_agree(actor=coordinator, plan=plan, agreed_on=plan_day)
            for action in plan.actions.all():
                if action.due_on < today:
                    action_set_status(
                        actor=coordinator,
                        action=action,
                        status=rng.choice(
                            [ActionStatus.DONE, ActionStatus.DONE, ActionStatus.IN_PROGRESS]
                        ),
                    )
            revision_day = plan_day + datetime.timedelta(days=75)
            if revision_day <= today and rng.random() < 0.2:  # the plan changed: a second version
                with dated(household, revision_day):
                    second = plan_start(actor=coordinator, household=household)
                    goal_add(
                        actor=coordinator,
                        plan=second,
                        domain=rng.choice(domains),
                        description="Nieuw doel na de tussentijdse evaluatie",
                    )
                    plan_agree(actor=coordinator, plan=second, agreed_on=revision_day)
    if len(colleagues) > 1 and rng.random() < 0.15:
        other = next(c for c in colleagues if c != coordinator)
        with dated(household, min(today, opened + datetime.timedelta(days=60))):
            services.coordinator_handover(
                actor=coordinator, household=household, to=other, note="Overdracht wegens verlof."
            )
    # About a third is closed; their follow-ups are in every state.
    if opened < today - datetime.timedelta(days=150) and rng.random() < 0.6:
        closed = min(today, opened + datetime.timedelta(days=rng.randint(120, 200)))
        with dated(household, closed):
            assessment_services.household_close(
                actor=coordinator,
                household=household,
                reason=rng.choice(
                    [
                        CloseReason.GOALS_REACHED,
                        CloseReason.GOALS_REACHED,
                        CloseReason.MOVED,
                        CloseReason.REFUSED,
                    ]
                ),
                closed_on=closed,
            )
        for follow_up in FollowUp.objects.filter(household=household, due_on__lte=today).order_by(
            "due_on"
        ):
            FollowUp.objects.filter(pk=follow_up.pk).update(
                status=FollowUpStatus.REMINDED,
                reminded_at=timezone.make_aware(
                    datetime.datetime.combine(follow_up.due_on, datetime.time(8))
                ),
            )
            if rng.random() < 0.7:  # the coordinator did the follow-up assessment
                moment = min(today, follow_up.due_on + datetime.timedelta(days=rng.randint(0, 14)))
                scores = [ScoreData(d.pk, rng.randint(2, 5)) for d in domains]
                with dated(household, moment):
                    assessment_record(
                        actor=coordinator,
                        household=household,
                        scores=scores,
                        assessed_on=moment,
                        kind=AssessmentKind.FOLLOW_UP,
                    )
