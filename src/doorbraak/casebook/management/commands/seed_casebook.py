"""``manage.py seed_casebook --examples N``: many synthetic published examples, for the bench.

PostgreSQL only, and only on a database that holds nothing but synthetic data: an empty
one, or one marked by ``seed_scale`` (the same guard). Examples are written in bulk (not
through the services: nothing here is proposed by anyone), with texts drawn from a small
Dutch vocabulary so that searches match a realistic share of them.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from doorbraak.accounts.models import Municipality, Organisation, OrganisationKind
from doorbraak.breakthroughs.models import Theme
from doorbraak.casebook.models import (
    Example,
    ExampleAmount,
    ExampleResult,
    ExampleScope,
    ExampleStatus,
)
from doorbraak.catalogue.models import Payer
from doorbraak.library.models import Regulation
from doorbraak.operations.scale import MARKER, RefusedDatabase, check_database

SUBJECTS = (
    "uitkering",
    "briefadres",
    "huurachterstand",
    "ontruiming",
    "boete",
    "toeslag",
    "terugvordering",
    "schuldhulp",
    "beslag",
    "zorgverzekering",
    "premie",
    "studiefinanciering",
    "inkomen",
    "betalingsregeling",
    "woning",
    "urgentie",
    "bijstand",
    "kinderopvang",
    "energie",
    "afsluiting",
    "vervoer",
    "werk",
    "re-integratie",
    "zorgkosten",
    "eigen risico",
)
ACTIONS = (
    "stopt de invordering",
    "schort het beslag op",
    "verstrekt een briefadres",
    "betaalt de achterstand uit het potje",
    "treft een betalingsregeling",
    "hervat de uitkering met terugwerkende kracht",
    "ziet af van de verhoging",
    "geeft voorrang bij de woningtoewijzing",
    "scheldt de boete kwijt",
    "past de hardheidsclausule toe",
    "zet de terugvordering op pauze",
)
REASONS = (
    "omdat de regels elkaar tegenspreken",
    "omdat anders de schuld verder oploopt",
    "zodat het schuldhulptraject kan starten",
    "zodat het huishouden kan blijven wonen",
    "omdat de uitvoering geen maatwerk toeliet",
    "omdat informatie niet werd gedeeld",
)


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample(SUBJECTS, 2)
    who = rng.choice(("gemeente", "corporatie", "instantie", "partner"))
    return f"De {who} {rng.choice(ACTIONS)} bij {a} en {b}, {rng.choice(REASONS)}."


class Command(BaseCommand):
    help = "Add N synthetic published examples (PostgreSQL, synthetic databases only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--examples", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=18)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_casebook refuses to run in production: it is for benchmarks.")
        count = options["examples"]
        if not 1 <= count <= 2_000_000:
            raise CommandError("--examples must be between 1 and 2,000,000.")
        try:
            check_database()
        except RefusedDatabase as refused:
            raise CommandError(str(refused).replace("seed_scale", "seed_casebook")) from refused
        started = time.monotonic()
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data
        with transaction.atomic():
            self._seed(count, rng)
        with connection.cursor() as cursor:
            # VACUUM too: the visibility map makes counting an index-only scan.
            for table in (
                "casebook_example",
                "casebook_example_regulations",
                "casebook_example_organisations",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
            # Marked as seed_scale marks its databases: synthetic only, so a later run of
            # either command may write here again.
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"COMMENT ON DATABASE {name} IS '{MARKER} (seed_casebook)'")
        self.stdout.write(f"{count:,} synthetic examples in {time.monotonic() - started:.0f} s.")

    def _seed(self, count: int, rng: random.Random) -> None:
        municipalities = list(Municipality.objects.all()[:50])
        if not municipalities:
            municipalities = [
                Municipality.objects.create(name=f"Bankstad {n}", code=f"9{n:03d}")
                for n in range(5)
            ]
        organisations = list(Organisation.objects.filter(municipality__isnull=True)[:30])
        if len(organisations) < 5:
            organisations += [
                Organisation.objects.get_or_create(
                    name=f"Landelijke dienst {n} (synthetisch)",
                    defaults={"kind": OrganisationKind.IMPLEMENTING_AGENCY, "short_name": f"LD{n}"},
                )[0]
                for n in range(10)
            ]
        regulations = list(Regulation.objects.filter(municipality__isnull=True))
        now = timezone.now()
        themes, results, payers = Theme.values, ExampleResult.values, Payer.values
        batch = 5_000
        for start in range(0, count, batch):
            examples = []
            for n in range(start, min(count, start + batch)):
                chosen = rng.sample(regulations, k=min(len(regulations), rng.randint(1, 3)))
                subject = rng.choice(SUBJECTS)
                examples.append(
                    Example(
                        uuid=uuid.UUID(int=rng.getrandbits(128)),
                        municipality=rng.choice(municipalities),
                        source_municipality=rng.choice(municipalities).name,
                        title=f"{subject.capitalize()}: {rng.choice(ACTIONS)} ({n})",
                        theme=rng.choice(themes),
                        bottleneck=_sentence(rng) + " " + _sentence(rng),
                        solution=_sentence(rng) + " " + _sentence(rng),
                        result=rng.choice(results),
                        outcome=_sentence(rng),
                        commitment="Het huishouden houdt zich aan de afspraken.",
                        regulation_text="; ".join(f"{r.citation} {r.law}" for r in chosen),
                        status=ExampleStatus.PUBLISHED,
                        scope=rng.choice(
                            (
                                ExampleScope.MUNICIPALITY,
                                ExampleScope.INSTALLATION,
                                ExampleScope.NATIONAL,
                            )
                        ),
                        published_at=now - datetime.timedelta(minutes=n),
                    )
                )
                examples[-1]._chosen = chosen  # type: ignore[attr-defined]
            Example.objects.bulk_create(examples)
            Example.regulations.through.objects.bulk_create(
                Example.regulations.through(example_id=e.pk, regulation_id=r.pk)
                for e in examples
                for r in e._chosen  # type: ignore[attr-defined]
            )
            Example.organisations.through.objects.bulk_create(
                Example.organisations.through(example_id=e.pk, organisation_id=o.pk)
                for e in examples
                for o in rng.sample(organisations, k=rng.randint(1, 2))
            )
            ExampleAmount.objects.bulk_create(
                ExampleAmount(
                    example=e,
                    payer=p,
                    status_quo_cents=rng.randrange(0, 50) * 10_000,
                    breakthrough_cents=rng.randrange(0, 20) * 10_000,
                )
                for e in examples
                for p in rng.sample(payers, k=2)
            )
