"""Factories with traits for the test personas. Synthetic data only (Faker nl_NL)."""

from __future__ import annotations

import datetime

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    last_name = factory.Faker("last_name")
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
