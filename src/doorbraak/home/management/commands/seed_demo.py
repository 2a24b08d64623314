"""``manage.py seed_demo``: a fictitious municipality with partners, teams and one user per role.

Synthetic only (Faker nl_NL with a fixed seed). Idempotent: running it twice changes
nothing the second time. Refuses to run in production, because its passwords are public.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from doorbraak.accounts import services
from doorbraak.accounts.models import (
    District,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    User,
)
from doorbraak.audit.sealing import seal_processing_log
from doorbraak.breakthroughs.demo import seed_breakthroughs
from doorbraak.casebook.demo import seed_examples
from doorbraak.funds.demo import seed_funds
from doorbraak.home.demo_households import seed_households
from doorbraak.households.models import HouseholdStatus, Member, MemberRole
from doorbraak.insights.figures import refresh_spiegel_figures
from doorbraak.insights.services import signals_propose
from doorbraak.outcomes.demo import seed_outcomes
from doorbraak.residents.services import resident_user_for
from doorbraak.socialmap.demo import seed_social_map
from doorbraak.tables.demo import seed_tables

MUNICIPALITY = ("Gemeente Demostad", "0999")
DISTRICTS = ("Ondiep/Pijlsweerd", "Kanaleneiland", "Overvecht", "Zuilen")
NATIONAL = (
    ("Uitvoeringsinstituut Werknemersverzekeringen", "UWV"),
    ("Sociale Verzekeringsbank", "SVB"),
    ("Centraal Administratie Kantoor", "CAK"),
    ("Centraal Justitieel Incassobureau", "CJIB"),
    ("Dienst Uitvoering Onderwijs", "DUO"),
    ("Belastingdienst/Toeslagen", "Toeslagen"),
)
LOCAL = (
    ("Buurtteams Demostad", "Buurtteams", OrganisationKind.NEIGHBOURHOOD_TEAM),
    ("Gemeente Demostad, Werk en Inkomen", "W&I", OrganisationKind.MUNICIPALITY),
    ("Woonstichting De Linde (fictief)", "De Linde", OrganisationKind.HOUSING_CORPORATION),
    ("Stadswonen Vecht (fictief)", "Stadswonen", OrganisationKind.HOUSING_CORPORATION),
    ("Zorgverzekeraar Midden (fictief)", "ZV Midden", OrganisationKind.HEALTH_INSURER),
    ("Schuldhulp Demostad", "Schuldhulp", OrganisationKind.DEBT_SUPPORT),
)
TEAMS = (
    ("Buurtteam Ondiep/Pijlsweerd", ("Ondiep/Pijlsweerd", "Zuilen")),
    ("Buurtteam Kanaleneiland", ("Kanaleneiland",)),
    ("Buurtteam Overvecht", ("Overvecht",)),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    organisation: str
    team: str | None = None


DEMO_USERS = (
    DemoUser(
        "professional", Role.PROFESSIONAL, "Buurtteams Demostad", "Buurtteam Ondiep/Pijlsweerd"
    ),
    DemoUser("professional2", Role.PROFESSIONAL, "Buurtteams Demostad", "Buurtteam Kanaleneiland"),
    DemoUser("teamleider", Role.TEAM_LEAD, "Buurtteams Demostad", "Buurtteam Ondiep/Pijlsweerd"),
    DemoUser(
        "contactpersoon", Role.PARTNER_CONTACT, "Uitvoeringsinstituut Werknemersverzekeringen"
    ),
    DemoUser("corporatie", Role.PARTNER_CONTACT, "Woonstichting De Linde (fictief)"),
    DemoUser("voorzitter", Role.TABLE_CHAIR, "Gemeente Demostad, Werk en Inkomen"),
    DemoUser("budgethouder", Role.FUND_MANAGER, "Gemeente Demostad, Werk en Inkomen"),
    DemoUser("beleidsadviseur", Role.POLICY_ANALYST, "Gemeente Demostad, Werk en Inkomen"),
    DemoUser("privacy", Role.PRIVACY_OFFICER, "Gemeente Demostad, Werk en Inkomen"),
    DemoUser("beheer", Role.ADMIN, "Gemeente Demostad, Werk en Inkomen"),
)

DEFAULT_PASSWORD = "Doorbraak-demo-2026"


#: Demo roles hold since two years ago, so the demo histories (replayed through the services at
#: the dates they "happened") find the people in the roles they acted in.
DEMO_SINCE = datetime.date.today() - datetime.timedelta(days=730)


def demo_totp_key(username: str) -> str:
    """A stable TOTP key per demo user, so the printed setup stays valid across runs."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{username}".encode(), hashlib.sha1)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Create or refresh the synthetic demo municipality, partners, teams and users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password of every demo user."
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")
        parser.add_argument(
            "--households",
            type=int,
            default=235,
            help="How many referral stories to create; about 85%% become households (default 235).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production: its passwords are public.")
        with transaction.atomic():
            users = self._seed(options["password"])
        social_map = seed_social_map(
            municipality=Municipality.objects.get(code=MUNICIPALITY[1]),
            actor=User.objects.get(username="beheer"),
        )
        self.stdout.write(
            f"Social map: {social_map.created} services added, {social_map.updated} updated."
        )
        created = self._seed_households(options["households"])
        if created:
            self.stdout.write(f"Created {created} demo households.")

        breakthroughs = seed_breakthroughs(
            municipality=Municipality.objects.get(code=MUNICIPALITY[1]),
            count=round(options["households"] * 60 / 235),  # about 60 bottlenecks by default
        )
        if breakthroughs:
            self.stdout.write(f"Created {breakthroughs} demo breakthroughs.")

        meetings = seed_tables(municipality=Municipality.objects.get(code=MUNICIPALITY[1]))
        if meetings:
            self.stdout.write(f"Created {meetings} demo breakthrough-table meetings.")

        fund_requests = seed_funds(municipality=Municipality.objects.get(code=MUNICIPALITY[1]))
        if fund_requests:
            self.stdout.write(f"Created {fund_requests} demo fund requests.")

        demostad = Municipality.objects.get(code=MUNICIPALITY[1])
        outcomes = seed_outcomes(municipality=demostad)
        if outcomes:
            self.stdout.write(f"Created {outcomes} demo outcomes.")
            today = timezone.localdate()
            signals = signals_propose(
                actor=None,
                municipality=demostad,
                period_start=today - datetime.timedelta(days=365),
                period_end=today,
                min_count=3,
            )
            self.stdout.write(f"Proposed {len(signals)} demo signals.")

        stories, examples = seed_examples(municipality=demostad)
        if examples:
            self.stdout.write(
                f"Added {stories} closed demo stories; published {examples} demo examples."
            )

        resident = self._seed_resident(demostad)
        if resident:
            self.stdout.write(resident)

        rows = refresh_spiegel_figures()
        self.stdout.write(f"Counted {rows} spiegel figures.")

        sealed = seal_processing_log()
        self.stdout.write(f"Sealed {sealed.records} processing-log records.")
        if not options["quiet_logins"]:
            self._print_logins(users, options["password"])

    def _seed(self, password: str) -> list[tuple[DemoUser, User, TOTPDevice]]:
        fake = Faker("nl_NL")
        fake.seed_instance(2026)
        name, code = MUNICIPALITY
        municipality, _ = Municipality.objects.get_or_create(code=code, defaults={"name": name})
        districts = {
            d: District.objects.get_or_create(municipality=municipality, name=d)[0]
            for d in DISTRICTS
        }
        organisations: dict[str, Organisation] = {}
        for org_name, short in NATIONAL:
            organisations[org_name], _ = Organisation.objects.get_or_create(
                name=org_name,
                defaults={"short_name": short, "kind": OrganisationKind.IMPLEMENTING_AGENCY},
            )
        for org_name, short, kind in LOCAL:
            organisations[org_name], _ = Organisation.objects.get_or_create(
                name=org_name,
                defaults={"short_name": short, "kind": kind, "municipality": municipality},
            )
        teams: dict[str, Team] = {}
        for team_name, team_districts in TEAMS:
            team, _ = Team.objects.get_or_create(
                municipality=municipality,
                name=team_name,
                defaults={"organisation": organisations["Buurtteams Demostad"]},
            )
            team.districts.add(*(districts[d] for d in team_districts))
            teams[team_name] = team

        result = []
        for demo in DEMO_USERS:
            first, last = fake.first_name(), fake.last_name()
            user, created = User.objects.get_or_create(
                username=demo.username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{demo.username}@demostad.example",
                },
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            services.membership_grant(
                actor=None,
                valid_from=DEMO_SINCE,
                user=user,
                role=demo.role,
                organisation=organisations[demo.organisation],
                municipality=municipality,
                team=teams[demo.team] if demo.team else None,
            )
            device, _ = TOTPDevice.objects.update_or_create(
                user=user,
                name=services.TOTP_DEVICE_NAME,
                defaults={"key": demo_totp_key(demo.username), "confirmed": True},
            )
            result.append((demo, user, device))
        return result

    def _seed_households(self, count: int) -> int:
        """Synthetic colleagues per team (no password: they never log in) and households."""

        municipality = Municipality.objects.get(code=MUNICIPALITY[1])
        fake = Faker("nl_NL")
        fake.seed_instance(4242)
        coordinators: dict[Team, list[User]] = {}
        for team in Team.objects.filter(municipality=municipality).order_by("name"):
            slug = team.name.split()[-1].split("/")[0].lower()
            colleagues = []
            for number in (1, 2):
                user, created = User.objects.get_or_create(
                    username=f"medewerker-{slug}-{number}",
                    defaults={
                        "first_name": fake.first_name(),
                        "last_name": fake.last_name(),
                        "email": f"medewerker-{slug}-{number}@demostad.example",
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                services.membership_grant(
                    actor=None,
                    valid_from=DEMO_SINCE,
                    user=user,
                    role=Role.PROFESSIONAL,
                    organisation=team.organisation,
                    municipality=municipality,
                    team=team,
                )
                colleagues.append(user)
            demo_members = User.objects.filter(
                memberships__team=team,
                memberships__role=Role.PROFESSIONAL,
                username__in=[d.username for d in DEMO_USERS],
            )
            coordinators[team] = [*demo_members, *colleagues]
        referrers = list(User.objects.filter(username__in=["contactpersoon", "corporatie"]))
        return seed_households(
            municipality=municipality, coordinators=coordinators, referrers=referrers, count=count
        )

    def _seed_resident(self, municipality: Municipality) -> str:
        """A resident account for the head of the first open demo household (no random draw).

        Not in the logins list: a resident signs in only with DigiD through the broker, and
        the demo has no broker (README, "Residents").
        """
        head = (
            Member.objects.filter(
                household__municipality=municipality,
                household__status=HouseholdStatus.ACTIVE,
                household__destroyed_on__isnull=True,
                role=MemberRole.HEAD,
                left_on__isnull=True,
            )
            .select_related("household")
            .order_by("household_id", "pk")
            .first()
        )
        if head is None:
            return ""
        resident_user_for(head)
        return (
            f"Demo resident: the head of {head.household.name} has a resident account "
            "(/mijn/); it signs in only with DigiD through the broker, which the demo has not."
        )

    def _print_logins(self, users: list[tuple[DemoUser, User, TOTPDevice]], password: str) -> None:
        out = self.stdout
        out.write("")
        out.write(
            self.style.SUCCESS("Demo logins (synthetic data only) — password for all: " + password)
        )
        out.write("Add the TOTP key to an authenticator app, or print the current code with")
        out.write("  .venv/bin/python manage.py demo_totp <username>")
        out.write("")
        out.write(f"{'username':<16} {'role':<18} {'TOTP key (base32)':<34} otpauth URI")
        for demo, _user, device in users:
            secret = b32encode(device.bin_key).decode().rstrip("=")
            out.write(f"{demo.username:<16} {demo.role.value:<18} {secret:<34} {device.config_url}")
        out.write("")
