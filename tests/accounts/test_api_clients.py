"""API clients: credentials (hash, rotate, revoke, last used), authentication, scope, the
processing log naming the client, and the functional administrator's pages."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from doorbraak.accounts.apiclients import credentials, services
from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.apiclients.scopes import OPEN_TO_EVERY_CLIENT, ApiScope, scope_of
from doorbraak.accounts.models import Membership, Role, User
from doorbraak.accounts.selectors import contact_persons
from doorbraak.audit import api_calls
from doorbraak.audit.models import ProcessingLog, SecurityEvent
from doorbraak.households.models import Household
from doorbraak.households.selectors import team_colleagues
from doorbraak.lib.access import Refused
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory


def issue_client(
    cast: Cast, *, scopes: list[str] | None = None, name: str = "Regiesysteem"
) -> services.Issued:
    """A client of Buurtteam A's organisation in Noord, acting as a professional of team A."""
    return services.api_client_create(
        actor=cast.ivan,
        municipality=cast.north,
        organisation=cast.team_a.organisation,
        name=name,
        scopes=scopes if scopes is not None else [ApiScope.HOUSEHOLDS, ApiScope.ORGANISATIONS],
        role=Role.PROFESSIONAL,
        team=cast.team_a,
    )


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- model and services ---------------------------------------------------------------------


def test_the_secret_is_stored_only_as_a_hash(cast: Cast) -> None:
    issued = issue_client(cast)
    client = ApiClient.objects.get(pk=issued.client.pk)
    assert issued.secret.startswith(f"dbk_{client.key_id}_")
    assert issued.secret not in client.secret_hash
    assert client.secret_hash == credentials.digest(issued.secret)
    assert credentials.matches(issued.secret, client.secret_hash)
    assert not credentials.matches(issued.secret + "x", client.secret_hash)


def test_the_service_user_has_no_password_and_exactly_the_chosen_membership(cast: Cast) -> None:
    client = issue_client(cast).client
    user = User.objects.get(pk=client.user_id)
    assert not user.has_usable_password()
    assert user.get_full_name() == "Regiesysteem"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.team, membership.municipality) == (
        Role.PROFESSIONAL,
        cast.team_a,
        cast.north,
    )
    assert not user.check_password("")


def test_every_change_is_in_the_processing_log(cast: Cast) -> None:
    issued = issue_client(cast)
    services.api_client_rotate(actor=cast.ivan, client=issued.client)
    services.api_client_revoke(actor=cast.ivan, client=issued.client)
    records = ProcessingLog.objects.filter(
        object_type="accounts.apiclient", object_id=str(issued.client.pk)
    ).order_by("pk")
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert {r.actor_id for r in records} == {cast.ivan.pk}
    assert {r.subject_pseudonym for r in records} == {f"gebruiker-{issued.client.user_id}"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["everything"]}, "scopes"),
        ({"role": Role.ADMIN}, "role"),
        ({"team": None}, "team"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_changes_nothing(
    cast: Cast, changes: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "actor": cast.ivan,
        "municipality": cast.north,
        "organisation": cast.team_a.organisation,
        "name": "Koppeling",
        "scopes": [ApiScope.HOUSEHOLDS],
        "role": Role.PROFESSIONAL,
        "team": cast.team_a,
        **changes,
    }
    users = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.api_client_create(**arguments)  # type: ignore[arg-type]
    assert field in error.value.message_dict
    assert ApiClient.objects.count() == 0
    assert User.objects.count() == users


def test_a_name_is_unique_within_the_municipality(cast: Cast) -> None:
    issue_client(cast)
    with pytest.raises(ValidationError) as error:
        issue_client(cast, name="regiesysteem")
    assert "name" in error.value.message_dict


def test_only_an_administrator_of_the_municipality_creates_clients(cast: Cast) -> None:
    for actor in (cast.alice, cast.heidi):
        with pytest.raises(Refused):
            services.api_client_create(
                actor=actor,
                municipality=cast.north,
                organisation=cast.uwv,
                name="X",
                scopes=[ApiScope.HOUSEHOLDS],
                role=Role.PARTNER_CONTACT,
            )
    with pytest.raises(Refused):
        services.api_client_create(
            actor=cast.ivan,
            municipality=cast.south,
            organisation=cast.uwv,
            name="X",
            scopes=[ApiScope.HOUSEHOLDS],
            role=Role.PARTNER_CONTACT,
        )


def test_last_used_is_written_at_most_once_a_minute(cast: Cast) -> None:
    client = issue_client(cast).client
    start = timezone.now()
    assert services.api_client_touch(client, now=start) is True
    assert services.api_client_touch(client, now=start + datetime.timedelta(seconds=59)) is False
    # A second copy of the same client (another request) sees the stored value: no write.
    other = ApiClient.objects.get(pk=client.pk)
    assert services.api_client_touch(other, now=start + datetime.timedelta(seconds=30)) is False
    later = start + datetime.timedelta(seconds=61)
    assert services.api_client_touch(client, now=later) is True
    assert ApiClient.objects.get(pk=client.pk).last_used_at == later


def test_a_stale_copy_does_not_write_over_a_newer_value(cast: Cast) -> None:
    client = issue_client(cast).client
    start = timezone.now()
    stale = ApiClient.objects.get(pk=client.pk)
    assert services.api_client_touch(client, now=start) is True
    # ``stale`` still thinks it was never used, but the UPDATE checks the stored value.
    assert services.api_client_touch(stale, now=start + datetime.timedelta(seconds=5)) is False
    assert ApiClient.objects.get(pk=client.pk).last_used_at == start


def test_a_revoked_client_cannot_be_renewed(cast: Cast) -> None:
    issued = issue_client(cast)
    services.api_client_revoke(actor=cast.ivan, client=issued.client)
    with pytest.raises(ValidationError):
        services.api_client_rotate(actor=cast.ivan, client=issued.client)


# --- authentication -------------------------------------------------------------------------


def test_a_good_key_authenticates_and_notes_the_use(client: Client, cast: Cast) -> None:
    issued = issue_client(cast)
    response = client.get("/api/v1/me", **bearer(issued.secret))
    assert response.status_code == 200
    assert response.json()["username"] == issued.client.user.username
    assert ApiClient.objects.get(pk=issued.client.pk).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wrong",
        "Bearer dbk_AAAAAAAAAAAAAAAA_" + "a" * 43,
        "Bearer",
        "Bearer a b",
    ],
)
def test_a_wrong_key_is_401_problem_json(client: Client, cast: Cast, header: str) -> None:
    issue_client(cast)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response["WWW-Authenticate"]


def test_a_key_with_the_right_id_but_a_wrong_secret_is_401(client: Client, cast: Cast) -> None:
    issued = issue_client(cast)
    forged = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    assert client.get("/api/v1/me", **bearer(forged)).status_code == 401


def test_a_revoked_key_is_401(client: Client, cast: Cast) -> None:
    issued = issue_client(cast)
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 200
    services.api_client_revoke(actor=cast.ivan, client=issued.client)
    response = client.get("/api/v1/me", **bearer(issued.secret))
    assert response.status_code == 401
    assert response.json()["detail"] == "Deze API-sleutel is niet (meer) geldig."


def test_after_rotation_the_old_key_is_401_and_the_new_one_works(
    client: Client, cast: Cast
) -> None:
    issued = issue_client(cast)
    renewed = services.api_client_rotate(actor=cast.ivan, client=issued.client)
    assert renewed.secret != issued.secret
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 401
    assert client.get("/api/v1/me", **bearer(renewed.secret)).status_code == 200


def test_personal_tokens_keep_working_beside_client_keys(client: Client, cast: Cast) -> None:
    token = Token.objects.create(user=cast.dave)
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


# --- scope ----------------------------------------------------------------------------------


def test_every_api_url_belongs_to_a_scope() -> None:
    resolver = get_resolver()
    api_names = {name.removeprefix("api:") for name in _names(resolver) if name.startswith("api:")}
    assert len(api_names) > 50
    unscoped = {
        name for name in api_names if name not in OPEN_TO_EVERY_CLIENT and scope_of(name) is None
    }
    assert unscoped == set()


def _names(resolver: object, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in getattr(resolver, "url_patterns", []):
        if hasattr(pattern, "url_patterns"):
            namespace = getattr(pattern, "namespace", None)
            names |= _names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif getattr(pattern, "name", None):
            names.add(f"{prefix}{pattern.name}")
    return names


def test_scopes_follow_the_url_names() -> None:
    assert scope_of("household-detail") == ApiScope.HOUSEHOLDS
    assert scope_of("household-close") == ApiScope.HOUSEHOLDS
    assert scope_of("partner-request-answer") == ApiScope.PARTNER_REQUESTS
    assert scope_of("breakthrough-partner-request-list") == ApiScope.BREAKTHROUGHS
    assert scope_of("fund-request-pay") == ApiScope.FUNDS
    assert scope_of("nothing") is None


def test_in_scope_is_200_out_of_scope_403_other_municipality_404(
    client: Client, cast: Cast, household_a: Household, household_z: Household
) -> None:
    issued = issue_client(cast)
    auth = bearer(issued.secret)
    listed = client.get(reverse("api:household-list"), **auth)
    assert listed.status_code == 200
    assert [h["publicId"] for h in listed.json()["results"]] == [str(household_a.public_id)]
    detail = reverse("api:household-detail", args=[household_a.public_id])
    assert client.get(detail, **auth).status_code == 200

    refused = client.get(reverse("api:fund-list"), **auth)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "Deze API-koppeling mag dit deel van de API niet gebruiken."

    other = client.get(reverse("api:household-detail", args=[household_z.public_id]), **auth)
    assert other.status_code == 404


def test_an_out_of_scope_call_is_in_the_security_log(client: Client, cast: Cast) -> None:
    issued = issue_client(cast, scopes=[ApiScope.HOUSEHOLDS])
    assert client.get(reverse("api:fund-list"), **bearer(issued.secret)).status_code == 403
    assert SecurityEvent.objects.filter(actor=issued.client.user).count() == 1


def test_an_api_call_by_a_client_leaves_a_log_record_naming_the_client(
    client: Client, cast: Cast, household_a: Household
) -> None:
    issued = issue_client(cast)
    detail = reverse("api:household-detail", args=[household_a.public_id])
    before = ProcessingLog.objects.count()
    assert client.get(detail, **bearer(issued.secret)).status_code == 200
    records = list(ProcessingLog.objects.order_by("pk")[before:])
    assert records
    for record in records:
        assert record.actor_id == issued.client.user_id
        assert record.actor_name == "Regiesysteem"
        assert record.actor_organisation == cast.team_a.organisation.name
        assert record.actor_role == Role.PROFESSIONAL
        assert record.action == "read"


def test_every_call_by_a_client_has_a_record_of_its_own(
    client: Client, cast: Cast, household_a: Household
) -> None:
    """Also a call that touches no personal data, and a refused one: method, path, answer."""
    issued = issue_client(cast, scopes=[ApiScope.HOUSEHOLDS])
    auth = bearer(issued.secret)
    assert client.get(reverse("api:me"), **auth).status_code == 200
    assert client.get(reverse("api:fund-list"), **auth).status_code == 403
    calls = list(ProcessingLog.objects.filter(object_type=api_calls.OBJECT_TYPE).order_by("pk"))
    assert [c.object_id for c in calls] == [
        f"GET {reverse('api:me')} 200",
        f"GET {reverse('api:fund-list')} 403",
    ]
    for call in calls:
        assert call.actor_id == issued.client.user_id
        assert call.actor_name == "Regiesysteem"
        assert call.subject_pseudonym == ""
        assert call.municipality_id == issued.client.municipality_id


def test_calls_by_people_have_no_call_record(client: Client, cast: Cast) -> None:
    token = Token.objects.create(user=cast.dave)
    client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert not ProcessingLog.objects.filter(object_type=api_calls.OBJECT_TYPE).exists()


# --- the administrator's pages --------------------------------------------------------------


def test_the_pages_answer_the_administrator(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    issued = issue_client(cast)
    web = as_user(cast.ivan)
    pk = issued.client.pk
    for url in (
        reverse("api_clients:list"),
        reverse("api_clients:create"),
        reverse("api_clients:detail", args=[pk]),
        reverse("api_clients:rotate", args=[pk]),
        reverse("api_clients:revoke", args=[pk]),
    ):
        response = web.get(url)
        assert response.status_code == 200, url
        assert issued.secret not in response.content.decode()
    assert "Regiesysteem" in web.get(reverse("api_clients:list")).content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "erin", "frank", "grace", "heidi"])
def test_other_roles_get_403(as_user, cast: Cast, persona: str) -> None:  # type: ignore[no-untyped-def]
    pk = issue_client(cast).client.pk
    web = as_user(getattr(cast, persona))
    for url in (
        reverse("api_clients:list"),
        reverse("api_clients:create"),
        reverse("api_clients:detail", args=[pk]),
        reverse("api_clients:rotate", args=[pk]),
        reverse("api_clients:revoke", args=[pk]),
    ):
        assert web.get(url).status_code == 403, url
    for url in (
        reverse("api_clients:create"),
        reverse("api_clients:rotate", args=[pk]),
        reverse("api_clients:revoke", args=[pk]),
    ):
        assert web.post(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client: Client, cast: Cast) -> None:
    response = client.get(reverse("api_clients:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_municipalitys_administrator_gets_404(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    issued = issue_client(cast)
    zed = UserFactory(username="zed")
    MembershipFactory(
        user=zed, role=Role.ADMIN, organisation=cast.wi_south, municipality=cast.south
    )
    web = as_user(zed)
    pk = issued.client.pk
    for url in (
        reverse("api_clients:detail", args=[pk]),
        reverse("api_clients:rotate", args=[pk]),
        reverse("api_clients:revoke", args=[pk]),
    ):
        assert web.get(url).status_code == 404, url
        if url != reverse("api_clients:detail", args=[pk]):  # the detail takes no POST
            assert web.post(url).status_code == 404, url
    assert "Regiesysteem" not in web.get(reverse("api_clients:list")).content.decode()
    assert ApiClient.objects.get(pk=pk).revoked_at is None
    assert ApiClient.objects.get(pk=pk).secret_hash == issued.client.secret_hash


def test_creating_shows_the_secret_once(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    web = as_user(cast.ivan)
    response = web.post(
        reverse("api_clients:create"),
        {
            "municipality": cast.north.pk,
            "name": "UWV-koppeling",
            "organisation": cast.uwv.pk,
            "role": Role.PARTNER_CONTACT,
            "scopes": [ApiScope.PARTNER_REQUESTS, ApiScope.ORGANISATIONS],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    secret = re.search(r"dbk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}", body)
    assert secret is not None
    client = ApiClient.objects.get(name="UWV-koppeling")
    # Stored in the order of ApiScope, whatever the order of the boxes ticked.
    assert client.scopes == [ApiScope.ORGANISATIONS, ApiScope.PARTNER_REQUESTS]
    assert credentials.matches(secret.group(0), client.secret_hash)
    detail = web.get(reverse("api_clients:detail", args=[client.pk])).content.decode()
    assert secret.group(0) not in detail
    assert Client().get("/api/v1/organisations", **bearer(secret.group(0))).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Geef de koppeling een naam."),
        ({"scopes": []}, "Kies ten minste één deel van de API."),
        ({"scopes": ["alles"]}, "Selecteer een geldige keuze."),
        ({"role": "admin"}, "Selecteer een geldige keuze."),
        ({"organisation": "999999"}, "Selecteer een geldige keuze."),
        (
            {"role": Role.PROFESSIONAL},
            "Een buurtteammedewerker of teamleider heeft een team nodig.",
        ),
    ],
)
def test_the_form_refuses_bad_input_in_dutch_and_changes_nothing(
    as_user, cast: Cast, changes: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    web = as_user(cast.ivan)
    data: dict[str, object] = {
        "municipality": cast.north.pk,
        "name": "Koppeling",
        "organisation": cast.uwv.pk,
        "role": Role.PARTNER_CONTACT,
        "scopes": [ApiScope.PARTNER_REQUESTS],
        **changes,
    }
    if changes.get("role") == Role.PROFESSIONAL:
        data["organisation"] = cast.team_a.organisation.pk
    users = User.objects.count()
    response = web.post(reverse("api_clients:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ApiClient.objects.count() == 0
    assert User.objects.count() == users


def test_the_form_refuses_another_municipality(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    web = as_user(cast.ivan)
    response = web.post(
        reverse("api_clients:create"),
        {
            "municipality": cast.south.pk,
            "name": "Koppeling",
            "organisation": cast.uwv.pk,
            "role": Role.PARTNER_CONTACT,
            "scopes": [ApiScope.PARTNER_REQUESTS],
        },
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze." in response.content.decode()
    assert ApiClient.objects.count() == 0


def test_rotating_and_revoking_through_the_pages(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    issued = issue_client(cast)
    web = as_user(cast.ivan)
    pk = issued.client.pk
    response = web.post(reverse("api_clients:rotate", args=[pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_secret = re.search(r"dbk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}", response.content.decode())
    assert new_secret is not None
    assert new_secret.group(0) != issued.secret
    api = Client()
    assert api.get("/api/v1/me", **bearer(issued.secret)).status_code == 401
    assert api.get("/api/v1/me", **bearer(new_secret.group(0))).status_code == 200

    response = web.post(reverse("api_clients:revoke", args=[pk]))
    assert response.status_code == 302
    assert api.get("/api/v1/me", **bearer(new_secret.group(0))).status_code == 401
    client = ApiClient.objects.get(pk=pk)
    assert client.revoked_by == cast.ivan
    # A revoked client: renewing changes nothing.
    hashed = client.secret_hash
    assert web.post(reverse("api_clients:rotate", args=[pk])).status_code == 302
    assert ApiClient.objects.get(pk=pk).secret_hash == hashed
    detail = web.get(reverse("api_clients:detail", args=[pk])).content.decode()
    assert "ingetrokken" in detail


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_uses_a_fixed_number_of_queries(
    as_user, cast: Cast, size: int, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for index in range(size):
        issue_client(cast, name=f"Koppeling {index}")
    web = as_user(cast.ivan)
    web.get(reverse("api_clients:list"))  # warm the session
    with django_assert_num_queries(_LIST_QUERIES):
        response = web.get(reverse("api_clients:list"))
    assert len(re.findall(r'href="/api-koppelingen/[0-9]+/"', response.content.decode())) == size


_LIST_QUERIES = 5


def test_the_detail_uses_a_fixed_number_of_queries(
    as_user, cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    issued = issue_client(cast)
    web = as_user(cast.ivan)
    url = reverse("api_clients:detail", args=[issued.client.pk])
    web.get(url)
    with django_assert_num_queries(_DETAIL_QUERIES):
        assert web.get(url).status_code == 200


_DETAIL_QUERIES = 6


def test_a_service_user_is_no_contact_person_and_no_coordinator(
    cast: Cast, household_a: Household
) -> None:
    professional = issue_client(cast).client
    partner = services.api_client_create(
        actor=cast.ivan,
        municipality=cast.north,
        organisation=cast.uwv,
        name="UWV-koppeling",
        scopes=[ApiScope.PARTNER_REQUESTS],
        role=Role.PARTNER_CONTACT,
    ).client
    contacts = {m.user_id for m in contact_persons(user=cast.alice, organisation=cast.uwv)}
    assert contacts == {cast.dave.pk}
    assert partner.user_id not in contacts
    colleagues = set(team_colleagues(household=household_a).values_list("pk", flat=True))
    assert cast.alice.pk in colleagues
    assert professional.user_id not in colleagues
