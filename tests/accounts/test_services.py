from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from doorbraak.accounts import services
from doorbraak.accounts.models import Membership, Role
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingLog
from tests.conftest import Cast
from tests.factories import UserFactory


def test_granting_a_role_is_logged_as_account_management(cast: Cast) -> None:
    newcomer = UserFactory(username="nieuwkomer")
    membership = services.membership_grant(
        actor=cast.ivan,
        user=newcomer,
        role=Role.PROFESSIONAL,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
        team=cast.team_a,
    )
    entry = ProcessingLog.objects.get()
    assert entry.activity == ProcessingActivity.ACCOUNT_MANAGEMENT
    assert entry.subject_pseudonym == f"gebruiker-{newcomer.pk}"
    assert entry.object_id == str(membership.pk)
    # Granting the same role again changes nothing.
    again = services.membership_grant(
        actor=cast.ivan,
        user=newcomer,
        role=Role.PROFESSIONAL,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
        team=cast.team_a,
    )
    assert again.pk == membership.pk
    assert ProcessingLog.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"role": Role.PROFESSIONAL, "team": None}, "team", "heeft een team nodig"),
        ({"role": Role.PROFESSIONAL, "team": "team_z"}, "team", "andere gemeente"),
        (
            {"role": Role.FUND_MANAGER, "organisation": "wi_south"},
            "organisation",
            "andere gemeente",
        ),
        (
            {"role": Role.TEAM_LEAD, "organisation": "wi_north", "team": "team_a"},
            "team",
            "andere organisatie",
        ),
    ],
)
def test_impossible_roles_are_refused_in_dutch(cast: Cast, kwargs, field, message) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    arguments = {
        "organisation": cast.team_a.organisation,
        "municipality": cast.north,
        "team": cast.team_a,
    }
    for key, value in kwargs.items():
        arguments[key] = getattr(cast, value) if isinstance(value, str) and key != "role" else value
    before = Membership.objects.count()
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        services.membership_grant(actor=cast.ivan, user=cast.grace, **arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert Membership.objects.count() == before
    assert ProcessingLog.objects.count() == 0


def test_ending_a_role_keeps_the_history(cast: Cast) -> None:
    import datetime

    membership = Membership.objects.get(user=cast.grace)
    services.membership_end(actor=cast.ivan, membership=membership, on=membership.valid_from)
    assert Membership.objects.filter(user=cast.grace).count() == 1
    later = membership.valid_from + datetime.timedelta(days=1)
    assert not Membership.objects.active(on=later).filter(user=cast.grace).exists()
    with pytest.raises(ValidationError):
        services.membership_end(
            actor=cast.ivan,
            membership=membership,
            on=membership.valid_from - datetime.timedelta(days=1),
        )
