"""Factories with traits for the test personas. Synthetic data only (Faker nl_NL)."""

from __future__ import annotations

import datetime
import html

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker.providers import BaseProvider

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

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class _PlainNames(BaseProvider):
    """Surnames that HTML writes as they are.

    About one Faker ``nl_NL`` surname in 200 holds an apostrophe ("van 't Riet"), which the
    templates rightly write as ``&#x27;``; a test that looks for a persona's name in a page
    would then fail one run in a few dozen. The factories draw from the other surnames;
    ``tests/lib/test_names_in_pages.py`` shows such a name on the pages on purpose.
    """

    def plain_last_name(self) -> str:
        while True:
            name: str = self.generator.last_name()
            if html.escape(name) == name:
                return name


factory.Faker.add_provider(_PlainNames)

PASSWORD = "Correct-Paard-Batterij-7"


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Gemeente Test {n}")
    code = factory.Sequence(lambda n: f"{(n % 9000) + 1000:04d}")


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    kind = OrganisationKind.OTHER
    municipality = factory.SubFactory(MunicipalityFactory)

    class Params:
        national = factory.Trait(kind=OrganisationKind.IMPLEMENTING_AGENCY, municipality=None)
        neighbourhood_team = factory.Trait(kind=OrganisationKind.NEIGHBOURHOOD_TEAM)


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Buurtteam {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    organisation = factory.SubFactory(
        OrganisationFactory,
        neighbourhood_team=True,
        municipality=factory.SelfAttribute("..municipality"),
    )


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("plain_last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Every persona has a linked authenticator app unless ``totp=False``."""
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="Authenticator-app", confirmed=True)
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.POLICY_ANALYST
    municipality = factory.SubFactory(MunicipalityFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, municipality=factory.SelfAttribute("..municipality")
    )
    team = None
    valid_from = datetime.date(2020, 1, 1)


# --- households ---------------------------------------------------------------------------
from doorbraak.households.models import (  # noqa: E402
    CoordinatorAssignment,
    Household,
    Member,
    MemberRole,
    PostcodeArea,
)


class PostcodeAreaFactory(factory.django.DjangoModelFactory[PostcodeArea]):
    class Meta:
        model = PostcodeArea

    district = factory.SubFactory(DistrictFactory)
    municipality = factory.SelfAttribute("district.municipality")
    first = 3551
    last = 3553


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    """A household of ``team`` with one head; ``coordinator=user`` makes them regiehouder."""

    class Meta:
        model = Household
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    municipality = factory.SelfAttribute("team.municipality")
    name = factory.LazyAttribute(lambda o: f"Huishouden {o.head_last_name}")
    street = factory.Faker("street_name")
    house_number = factory.Sequence(lambda n: n % 200 + 1)
    postcode = "3552 AB"
    city = "Demostad"
    opened_on = datetime.date(2026, 1, 5)

    class Params:
        head_last_name = factory.Faker("plain_last_name")

    @factory.post_generation
    def head(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            MemberFactory(
                household=self, role=MemberRole.HEAD, last_name=self.name.split(" ", 1)[-1]
            )

    @factory.post_generation
    def coordinator(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not None:
            CoordinatorAssignment.objects.create(household=self, coordinator=extracted)


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory, head=False)
    team = factory.SelfAttribute("household.team")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("plain_last_name")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    role = MemberRole.OTHER_ADULT
    joined_on = datetime.date(2026, 1, 5)


# --- cost catalogue and law library ------------------------------------------------------------
from doorbraak.catalogue.models import CostItem, CostUnit, Payer  # noqa: E402
from doorbraak.library.models import Deviation, Regulation, RegulationKind  # noqa: E402


class CostItemFactory(factory.django.DjangoModelFactory[CostItem]):
    class Meta:
        model = CostItem

    code = factory.Sequence(lambda n: f"test-kosten-{n}")
    name = factory.Sequence(lambda n: f"Testkosten {n}")
    unit = CostUnit.EVENT
    amount_cents = 100_000
    payer = Payer.MUNICIPALITY
    source = "Testbron (synthetisch), 2026"
    valid_year = 2026


class RegulationFactory(factory.django.DjangoModelFactory[Regulation]):
    class Meta:
        model = Regulation

    law = "Testwet"
    article = factory.Sequence(lambda n: str(n + 1))
    citation = factory.Sequence(lambda n: f"Testwet art. {n + 1}")
    kind = RegulationKind.LAW
    description = "Een synthetisch wetsartikel voor de tests."
    deviation = Deviation.HARDSHIP
