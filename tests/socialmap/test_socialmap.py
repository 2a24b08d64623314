"""The social map: maintenance by the functional administrator, the CSV import, the search,
plan actions pointing at a service, the usage count below k, and access."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import District, Municipality
from doorbraak.assessments.models import LifeDomain
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Household
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_text
from doorbraak.plans import services as plan_services
from doorbraak.plans.models import Action, ActionOwner
from doorbraak.socialmap import services
from doorbraak.socialmap.demo import ALWAYS_FULL, seed_social_map
from doorbraak.socialmap.models import Service
from doorbraak.socialmap.selectors import always_full_services, card_names, service_search
from doorbraak.socialmap.services import CSV_COLUMNS, ServiceData
from tests.conftest import Cast
from tests.factories import HouseholdFactory
from tests.plans.builders import draft, housing

pytestmark = pytest.mark.django_db


def domain(code: str) -> LifeDomain:
    return LifeDomain.objects.get(code=code, municipality__isnull=True)


def make_service(
    municipality: Municipality,
    code: str,
    *,
    name: str = "",
    domains: tuple[str, ...] = ("financien",),
    districts: tuple[District, ...] = (),
    **fields: Any,
) -> Service:
    service = Service.objects.create(
        municipality=municipality,
        code=code,
        organisation_name=fields.pop("organisation_name", "Welzijn Noord"),
        name=name or code.title(),
        description=fields.pop("description", "Hulp in de wijk."),
        **fields,
    )
    service.life_domains.set([domain(c) for c in domains])
    service.districts.set(districts)
    return service


def row(**values: str) -> list[str]:
    base = dict.fromkeys(CSV_COLUMNS, "")
    base.update(
        code="voedselbank",
        organisatie="Voedselbank Noord",
        naam="Voedselpakket",
        omschrijving="Een pakket per week.",
    )
    base.update(values)
    return [base[column] for column in CSV_COLUMNS]


def csv_file(*rows: list[str]) -> io.StringIO:
    return io.StringIO(csv_text(CSV_COLUMNS, rows))


# --- maintenance --------------------------------------------------------------------------------
def test_it_lets_the_administrator_create_edit_and_deactivate(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    response = client.post(
        reverse("socialmap:create"),
        {
            "organisation_name": "Schuldhulp Noord",
            "name": "Budgetcoach",
            "code": "budgetcoach",
            "description": "Een vrijwilliger helpt met de post.",
            "life_domains": [domain("financien").pk],
            "cost": "gratis",
            "waiting_weeks": "3",
        },
    )
    service = Service.objects.get(code="budgetcoach")
    assert response.status_code == 302
    assert service.municipality == cast.north
    assert service.waiting_weeks == 3
    assert service.waiting_updated_on == timezone.localdate()
    assert list(service.life_domains.all()) == [domain("financien")]

    response = client.post(
        reverse("socialmap:edit", args=[service.pk]),
        {
            "organisation_name": "Schuldhulp Noord",
            "name": "Budgetcoach aan huis",
            "code": "budgetcoach",
            "description": "Een vrijwilliger helpt met de post.",
            "cost": "gratis",
            "waiting_weeks": "3",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Budgetcoach aan huis"

    client.post(reverse("socialmap:active", args=[service.pk]), {"active": "0"})
    service.refresh_from_db()
    assert service.active is False


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "grace", "heidi"])
def test_it_refuses_maintenance_to_others(as_user: Any, cast: Cast, persona: str) -> None:
    service = make_service(cast.north, "buurthuis")
    client = as_user(getattr(cast, persona))
    assert client.get(reverse("socialmap:create")).status_code == 403
    assert client.get(reverse("socialmap:import")).status_code == 403
    assert client.get(reverse("socialmap:edit", args=[service.pk])).status_code in (403, 404)
    response = client.post(reverse("socialmap:active", args=[service.pk]), {"active": "0"})
    assert response.status_code in (403, 404)
    service.refresh_from_db()
    assert service.active is True
    with pytest.raises(Refused):
        services.service_create(
            actor=getattr(cast, persona),
            municipality=cast.north,
            data=ServiceData(code="x", organisation_name="X", name="X", description="X"),
        )


def test_an_administrator_cannot_maintain_another_municipality(cast: Cast) -> None:
    service = make_service(cast.south, "buurthuis")
    with pytest.raises(Refused):
        services.service_set_active(actor=cast.ivan, service=service, active=False)


# --- CSV import ---------------------------------------------------------------------------------
def test_it_imports_a_good_file_and_updates_on_reimport(cast: Cast) -> None:
    district = District.objects.create(municipality=cast.north, name="Centrum")
    good = csv_file(
        row(leefgebieden="financien", wijken="Centrum", kosten="gratis", wachttijd_weken="1"),
        row(code="inloop", naam="GGZ-inloop", leefgebieden="Geestelijke gezondheid"),
    )
    result = services.services_import_csv(actor=cast.ivan, municipality=cast.north, file=good)
    assert (result.created, result.updated) == (2, 0)
    food = Service.objects.get(code="voedselbank")
    assert list(food.districts.all()) == [district]
    assert food.waiting_weeks == 1
    assert food.waiting_reports.count() == 1

    again = csv_file(row(naam="Voedselpakket per week", wachttijd_weken="1"))
    result = services.services_import_csv(actor=cast.ivan, municipality=cast.north, file=again)
    assert (result.created, result.updated) == (0, 1)
    food.refresh_from_db()
    assert food.name == "Voedselpakket per week"
    assert food.districts.count() == 0
    assert food.waiting_reports.count() == 1  # the same waiting time on the same day
    assert Service.objects.count() == 2


def test_a_file_with_errors_writes_nothing_and_names_every_bad_line(cast: Cast) -> None:
    bad = csv_file(
        row(code="goed"),
        row(code="slecht", leefgebieden="astrologie"),
        row(code="ook-slecht", naam="", wachttijd_weken="veel", email="geen-adres"),
        row(code="goed"),
    )
    with pytest.raises(ValidationError) as caught:
        services.services_import_csv(actor=cast.ivan, municipality=cast.north, file=bad)
    messages = caught.value.messages
    assert Service.objects.count() == 0
    assert len(messages) == 3
    assert messages[0].startswith("Regel 3:")
    assert "astrologie" in messages[0]
    assert messages[1].startswith("Regel 4:")
    assert "naam" in messages[1]
    assert "e-mailadres" in messages[1]
    assert messages[2].startswith("Regel 5:")
    assert "regel 2" in messages[2]


def test_the_upload_page_shows_the_errors_and_imports_nothing(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    content = csv_text(CSV_COLUMNS, [row(kosten="duur")]).encode()
    response = client.post(
        reverse("socialmap:import"),
        {"file": SimpleUploadedFile("kaart.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "Regel 2:" in response.content.decode()
    assert Service.objects.count() == 0
    content = csv_text(CSV_COLUMNS, [row()]).encode()
    response = client.post(
        reverse("socialmap:import"),
        {"file": SimpleUploadedFile("kaart.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert Service.objects.filter(municipality=cast.north, code="voedselbank").exists()


def test_the_management_command_imports(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "kaart.csv"
    path.write_text(csv_text(CSV_COLUMNS, [row()]), encoding="utf-8")
    call_command("import_social_map", cast.north.code, str(path), "--as", "ivan")
    assert Service.objects.filter(code="voedselbank").count() == 1


# --- search -------------------------------------------------------------------------------------
def test_it_finds_services_by_need_and_district(as_user: Any, cast: Cast) -> None:
    west = District.objects.create(municipality=cast.north, name="West")
    east = District.objects.create(municipality=cast.north, name="Oost")
    make_service(cast.north, "schuldhulp-west", name="Schuldhulp West", districts=(west,))
    make_service(cast.north, "schuldhulp-oost", name="Schuldhulp Oost", districts=(east,))
    make_service(cast.north, "budget-stad", name="Budgetcoach Stad")  # the whole municipality
    make_service(cast.north, "inloop-west", name="Inloop West", domains=("geestelijke_gezondheid",))
    make_service(cast.north, "oud", name="Oude Schuldhulp", active=False)
    make_service(cast.south, "zuid", name="Schuldhulp Zuid")
    client = as_user(cast.alice)
    response = client.get(
        reverse("socialmap:search"),
        {"domain": domain("financien").pk, "district": west.pk},
    )
    names = [s.name for s in response.context["page_obj"]]
    assert names == ["Budgetcoach Stad", "Schuldhulp West"]
    response = client.get(reverse("socialmap:search"), {"q": "inloop"})
    assert [s.name for s in response.context["page_obj"]] == ["Inloop West"]


def test_a_card_names_its_districts_and_needs_escaped_or_the_whole_municipality(
    as_user: Any, cast: Cast
) -> None:
    """The names are prepared in the view (no related manager per card): the same text."""
    west = District.objects.create(municipality=cast.north, name="West & <Noord>")
    east = District.objects.create(municipality=cast.north, name="Oost")
    make_service(cast.north, "a-wijken", name="A Wijken", districts=(west, east), domains=())
    make_service(cast.north, "b-stad", name="B Stad", domains=("financien", "adl"))
    body = as_user(cast.alice).get(reverse("socialmap:search")).content.decode()
    first, second = body.split('class="db-card sm-card"')[1:3]
    assert "Wijken: Oost, West &amp; &lt;Noord&gt;</p>" in first
    assert "Helpt bij" not in first
    assert "Wijken: hele gemeente</p>" in second
    names = ", ".join(
        d.name
        for d in LifeDomain.objects.filter(code__in=("financien", "adl"), municipality__isnull=True)
    )
    assert f"Helpt bij: {names}</p>" in second


def test_the_card_names_are_those_of_the_prefetched_lists(cast: Cast) -> None:
    """``card_names`` (compiled once per number of services) gives each service's domain
    and district names in the order of the prefetches it replaces on the map's page."""
    west = District.objects.create(municipality=cast.north, name="West")
    east = District.objects.create(municipality=cast.north, name="Oost")
    make_service(cast.north, "a", name="A", districts=(west, east), domains=("adl", "financien"))
    make_service(cast.north, "b", name="B", domains=())
    make_service(cast.north, "c", name="C", districts=(east,), domains=("financien",))
    services = list(service_search(user=cast.alice))
    assert len(services) == 3
    for shown in (services, services[1:], []):
        for _ in range(2):  # compiled, then from the prepared SQL
            names = card_names(services=shown)

            assert [names.domains.get(s.pk, []) for s in shown] == [
                [d.name for d in s.life_domains.all()] for s in shown
            ]
            assert [names.districts.get(s.pk, []) for s in shown] == [
                [d.name for d in s.districts.all()] for s in shown
            ]


# --- plans --------------------------------------------------------------------------------------
def test_a_plan_action_points_at_a_service_and_the_change_is_logged(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    service = make_service(
        cast.north,
        "huurteam",
        name="Huurteam",
        domains=("huisvesting",),
        phone="0999 123 456",
        contact_name="Sanne de Wit",
    )
    plan = draft(cast, household_a)
    goal = plan.goals.get()
    client = as_user(cast.alice)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Welzijn Noord – Huurteam" in page  # offered in the form, for this domain
    before = ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE, object_type="plans.plan", object_id=str(plan.pk)
    ).count()
    response = client.post(
        reverse("plans:action-add", args=[plan.pk, goal.pk]),
        {
            "description": "Huur laten controleren",
            "owner": ActionOwner.PROFESSIONAL,
            "service": service.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(description="Huur laten controleren")
    assert action.service == service
    after = ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE, object_type="plans.plan", object_id=str(plan.pk)
    ).count()
    assert after == before + len(household_a.members.all())
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("socialmap:detail", args=[service.pk]) in page
    assert "0999 123 456" in page
    assert "Sanne de Wit" in page


def test_a_service_of_another_municipality_is_refused(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    make_service(cast.north, "noord", domains=("huisvesting",))
    other = make_service(cast.south, "zuid", domains=("huisvesting",))
    plan = draft(cast, household_a)
    goal = plan.goals.get()
    response = as_user(cast.alice).post(
        reverse("plans:action-add", args=[plan.pk, goal.pk]),
        {
            "description": "Naar Zuid",
            "owner": ActionOwner.PROFESSIONAL,
            "service": other.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Action.objects.filter(description="Naar Zuid").exists()
    with pytest.raises(ValidationError):
        plan_services.action_add(
            actor=cast.alice,
            plan=plan,
            goal=goal,
            description="Naar Zuid",
            owner=ActionOwner.PROFESSIONAL,
            service=other,
            due_on=timezone.localdate(),
        )


def _link_households(cast: Cast, service: Service, count: int) -> None:
    for n in range(count):
        household = HouseholdFactory(
            team=cast.team_a, name=f"Huishouden {n}", coordinator=cast.alice
        )
        plan = plan_services.plan_start(actor=cast.alice, household=household)
        goal = plan_services.goal_add(
            actor=cast.alice, plan=plan, domain=housing(), description="Wonen"
        )
        plan_services.action_add(
            actor=cast.alice,
            plan=plan,
            goal=goal,
            description="Huurteam",
            owner=ActionOwner.HOUSEHOLD,
            service=service,
            due_on=timezone.localdate(),
        )


def test_the_usage_count_is_suppressed_below_k(as_user: Any, cast: Cast) -> None:
    service = make_service(cast.north, "huurteam", domains=("huisvesting",))
    client = as_user(cast.alice)
    url = reverse("socialmap:detail", args=[service.pk])
    assert "Nog in geen enkel plan" in client.get(url).content.decode()
    _link_households(cast, service, 4)
    body = client.get(url).content.decode()
    assert "minder dan 5" in body
    assert client.get(url).context["usage"] is None
    _link_households(cast, service, 1)
    assert client.get(url).context["usage"] == 5
    api = client.get(reverse("api:social-service-detail", args=[service.pk]))
    assert api.json()["usedByHouseholds"] == 5


# --- access -------------------------------------------------------------------------------------
READ_URLS = ["socialmap:search", "api:social-service-list"]


@pytest.mark.parametrize("persona", ["frank", "heidi"])
def test_roles_without_need_are_refused(as_user: Any, cast: Cast, persona: str) -> None:
    service = make_service(cast.north, "buurthuis")
    client = as_user(getattr(cast, persona))
    for name in READ_URLS:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("socialmap:detail", args=[service.pk])).status_code == 403
    assert client.get(reverse("api:social-service-detail", args=[service.pk])).status_code == 403
    assert client.get(reverse("socialmap:always-full")).status_code == 403


def test_another_municipality_s_service_is_not_found(as_user: Any, cast: Cast) -> None:
    service = make_service(cast.south, "buurthuis")
    for persona in (cast.alice, cast.ivan):
        client = as_user(persona)
        assert client.get(reverse("socialmap:detail", args=[service.pk])).status_code == 404
        expected = 404 if persona == cast.ivan else 403  # the role is checked first
        assert client.get(reverse("socialmap:edit", args=[service.pk])).status_code == expected
        assert (
            client.get(reverse("api:social-service-detail", args=[service.pk])).status_code == 404
        )
    assert (
        as_user(cast.mallory).get(reverse("socialmap:detail", args=[service.pk])).status_code == 200
    )


def test_anonymous_visitors_log_in_first(client: Any, cast: Cast) -> None:
    response = client.get(reverse("socialmap:search"))
    assert response.status_code == 302


def test_always_full_services_are_listed_for_policy_analysts(as_user: Any, cast: Cast) -> None:
    service = make_service(cast.north, "ggz", name="GGZ behandeling")
    today = timezone.localdate()
    for days, weeks in ((90, 10), (60, 12), (30, 14)):
        services.service_report_waiting_time(
            actor=cast.ivan, service=service, weeks=weeks, on=today - datetime.timedelta(days=days)
        )
    response = as_user(cast.grace).get(reverse("socialmap:always-full"))
    assert [s for s, _reports in response.context["rows"]] == [service]
    detail = as_user(cast.alice).get(reverse("socialmap:detail", args=[service.pk]))
    assert detail.context["always_full"] is True


def test_the_search_offers_each_municipality_s_own_domains_or_the_default_ones(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """``search_choices`` in two queries gives what ``domains_for`` gives per municipality
    (taken by name, each domain once) and the districts of the user's municipalities."""
    from django import forms

    from doorbraak.accounts.selectors import active_memberships
    from doorbraak.assessments.services import domains_for
    from doorbraak.socialmap.forms import SearchForm
    from doorbraak.socialmap.selectors import search_choices
    from tests.factories import DistrictFactory, MembershipFactory

    west = cast.south
    for position, code in enumerate(("wonen", "geld")):
        LifeDomain.objects.create(
            municipality=west,
            code=code,
            name=f"Eigen {code}",
            position=position,
            level_1="a",
            level_2="b",
            level_3="c",
            level_4="d",
            level_5="e",
        )
    LifeDomain.objects.create(
        municipality=west,
        code="oud",
        name="Niet meer",
        active=False,
        level_1="a",
        level_2="b",
        level_3="c",
        level_4="d",
        level_5="e",
    )
    DistrictFactory(municipality=west, name="Zuid & Oost")
    DistrictFactory(municipality=cast.north, name="Centrum")
    DistrictFactory(name="Elders")  # another municipality: never offered
    MembershipFactory(user=cast.grace, municipality=west)
    for user in (cast.alice, cast.grace):
        memberships = active_memberships(user)
        with django_assert_num_queries(2):
            domains, districts = search_choices(user=user)
        by_name = sorted({m.municipality for m in memberships}, key=lambda m: m.name)
        expected: dict[int, LifeDomain] = {}
        for municipality in by_name:
            for item in domains_for(municipality):
                expected.setdefault(item.pk, item)
        assert domains == list(expected.values())
        assert districts == list(District.objects.filter(municipality__in=by_name).order_by("name"))
    # Gemeente Noord (the default 11) first, then Zuid's own two, not the inactive one.
    assert [d.name for d in domains][-2:] == ["Eigen wonen", "Eigen geld"]
    assert len(domains) == 13
    assert [d.name for d in districts] == ["Centrum", "Zuid & Oost"]
    # The selects are written in Python as the widget templates write them.
    form = SearchForm({"district": str(districts[1].pk)}, domains=domains, districts=districts)
    assert form.is_valid()
    for name in ("domain", "district"):
        field = form.fields[name]
        quick = str(form[name])
        field.widget = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
        assert quick == str(form[name]), name
    assert "Zuid &amp; Oost</option>" in quick


@pytest.mark.parametrize(
    "number", [None, "1", "2", "3", " 2 ", "4", "99", "0", "-1", "x", "1.0", "", str(10**30)]
)
def test_a_page_of_services_is_the_page_the_paginator_gives(
    cast: Cast, number: str | None, django_assert_num_queries: Any
) -> None:
    """``service_page``: the rows and the count in one query, and every page number
    (past the end, below 1, not a number, absurd) answered as ``get_page`` answers it."""
    from django.core.paginator import Paginator

    from doorbraak.socialmap.selectors import service_page

    for n in range(45):
        make_service(cast.north, f"dienst-{n:02}", name=f"Dienst {n:02}")
    found = Service.objects.order_by("organisation_name", "name", "pk")
    expected = Paginator(found, 20).get_page(number)
    if number in (None, "1", "2", "3", " 2 ", "x", "1.0", ""):
        with django_assert_num_queries(1):
            page = service_page(found, number=number, per_page=20)
    else:
        page = service_page(found, number=number, per_page=20)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        45,
        3,
    )
    assert list(page.object_list) == list(expected.object_list)
    assert service_page(found.none(), number=number, per_page=20).paginator.count == 0


# --- query counts -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [3, 30])
def test_the_search_and_detail_take_a_fixed_number_of_queries(
    as_user: Any, cast: Cast, size: int, django_assert_max_num_queries: Any
) -> None:
    west = District.objects.create(municipality=cast.north, name="West")
    for n in range(size):
        make_service(cast.north, f"dienst-{n}", districts=(west,), domains=("financien", "adl"))
    client = as_user(cast.alice)
    # The life domains of all the user's municipalities in one query, no municipality
    # query (the memberships carry them), the count with the page's rows: 15 before.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("socialmap:search"), {"q": "dienst"})
    assert response.status_code == 200
    service = Service.objects.first()
    assert service is not None
    _link_households(cast, service, 2 if size == 3 else 6)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("socialmap:detail", args=[service.pk]))
    assert response.status_code == 200
    # search_choices: no municipality query, one for the life domains (12 before).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:social-service-list"))
    assert response.status_code == 200


def test_the_plans_api_links_a_service_and_refuses_another_municipality_s(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    ours = make_service(cast.north, "huurteam", name="Huurteam", domains=("huisvesting",))
    theirs = make_service(cast.south, "zuid", domains=("huisvesting",))
    plan = draft(cast, household_a)
    goal = plan.goals.get()
    client = as_user(cast.alice)
    url = reverse("api:plan-action-list", args=[plan.pk, goal.pk])
    body = {
        "description": "Huur laten controleren",
        "owner": "professional",
        "dueOn": timezone.localdate().isoformat(),
    }
    response = client.post(url, {**body, "service": theirs.pk}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, {**body, "service": ours.pk}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["service"] == {
        "id": ours.pk,
        "organisation": "Welzijn Noord",
        "name": "Huurteam",
    }


def test_the_demo_social_map_imports_and_imports_again_unchanged(cast: Cast) -> None:
    for name in ("Ondiep/Pijlsweerd", "Kanaleneiland", "Overvecht", "Zuilen"):
        District.objects.create(municipality=cast.north, name=name)
    first = seed_social_map(municipality=cast.north, actor=cast.ivan)
    assert 55 <= first.created <= 65
    second = seed_social_map(municipality=cast.north, actor=cast.ivan)
    assert (second.created, second.updated) == (0, first.created)
    full = {s.code for s, _reports in always_full_services(user=cast.grace)}
    assert full == set(ALWAYS_FULL)
