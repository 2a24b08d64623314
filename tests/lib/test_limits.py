"""Every free text has a limit: in the model, in the database, in the form, in the request."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.lookups import LessThanOrEqual
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorbraak.households.models import CloseReason, Household, Member
from doorbraak.lib import limits
from doorbraak.lib.forms import StyledFormMixin, text_area
from tests.conftest import Cast
from tests.factories import MemberFactory
from tests.limits import text, too_long_message


def text_fields() -> list[tuple[type[models.Model], models.TextField[Any, Any]]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("doorbraak.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField)
    ]


def constraint_name(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_max_length"


def test_every_text_field_has_a_limit_and_a_database_constraint() -> None:
    """A new TextField without a limit fails here: give it one (doorbraak.lib.limits)."""
    fields = text_fields()
    assert len(fields) >= 36
    problems = []
    for model, field in fields:
        label = f"{model._meta.label}.{field.name}"
        if not isinstance(field, limits.LimitedTextField) or not field.max_length:
            problems.append(f"{label}: not a LimitedTextField with a max_length")
            continue
        constraints = {c.name: c for c in model._meta.constraints}
        check = constraints.get(constraint_name(model, field))
        if not isinstance(check, models.CheckConstraint):
            problems.append(f"{label}: no limits.length_check({field.name!r}, …) in Meta")
            continue
        condition = check.condition
        if not (isinstance(condition, LessThanOrEqual) and condition.rhs == field.max_length):
            problems.append(f"{label}: the constraint's limit is not {field.max_length}")
    assert problems == []


def test_the_database_has_every_length_constraint(db: None) -> None:
    """The migrations made them, on SQLite and on PostgreSQL alike."""
    missing = []
    with connection.cursor() as cursor:
        for model, field in text_fields():
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            name = constraint_name(model, field)
            if not found.get(name, {}).get("check"):
                missing.append(name)
    assert missing == []


def test_no_text_field_is_left_without_a_limit() -> None:
    unlimited = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("doorbraak.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and not isinstance(field, limits.LimitedTextField)
    }
    assert unlimited == set()


# --- the database refuses what the application would refuse ----------------------------------
def test_the_database_refuses_an_over_long_update(cast: Cast, household_a: Household) -> None:
    """``QuerySet.update`` skips the model: the CHECK constraint still holds."""
    rows = Household.objects.filter(pk=household_a.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(close_note=text(limits.SHORT_TEXT + 1))
    rows.update(close_note=text(limits.SHORT_TEXT))
    household_a.refresh_from_db()
    assert household_a.close_note == text(limits.SHORT_TEXT)


def test_the_database_refuses_an_over_long_raw_update(cast: Cast, household_a: Household) -> None:
    """Raw SQL, past every check of the application."""
    member = household_a.members.first()
    assert member is not None
    table = connection.ops.quote_name(Member._meta.db_table)
    sql = f"UPDATE {table} SET bsn_encrypted = %s WHERE id = %s"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, ["x" * (limits.ENCRYPTED_BSN + 1), member.pk])
    with connection.cursor() as cursor:
        cursor.execute(sql, ["x" * limits.ENCRYPTED_BSN, member.pk])
    member.refresh_from_db()
    assert member.bsn_encrypted == "x" * limits.ENCRYPTED_BSN


def test_an_append_only_table_refuses_an_over_long_insert(cast: Cast) -> None:
    """The approvals of a fund request are append-only; their note has its limit too."""
    from doorbraak.funds.models import Approval
    from tests.factories import HouseholdFactory
    from tests.funds.factories import FundFactory, MandateRuleFactory, submitted

    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund)
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    fund_request = submitted(fund=fund, by=cast.alice, household=household)
    table = connection.ops.quote_name(Approval._meta.db_table)
    sql = (
        f"INSERT INTO {table} (request_id, approver_id, role, decided_at, note) "
        "VALUES (%s, %s, %s, CURRENT_TIMESTAMP, %s)"
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [fund_request.pk, cast.carol.pk, "teamleider", "x" * 2_001])
    assert not Approval.objects.filter(request=fund_request).exists()


# --- the model refuses before the database is asked -------------------------------------------
def test_saving_an_over_long_text_is_refused_in_dutch(cast: Cast, household_a: Household) -> None:
    household_a.close_reason = CloseReason.OTHER
    household_a.close_note = text(limits.SHORT_TEXT + 1)
    # As in a service: the save is inside a transaction, which the refusal rolls back.
    with (
        translation.override("nl"),
        pytest.raises(ValidationError) as refused,
        transaction.atomic(),
    ):
        household_a.save()
    assert refused.value.message_dict == {"close_note": [too_long_message(limits.SHORT_TEXT)]}
    household_a.refresh_from_db()
    assert household_a.close_note == ""


def test_bulk_create_is_checked_too(cast: Cast, household_a: Household) -> None:
    member = MemberFactory.build(household=household_a, bsn_encrypted="x" * 256)
    before = household_a.members.count()
    with pytest.raises(ValidationError), transaction.atomic():
        Member.objects.bulk_create([member])
    assert household_a.members.count() == before


def test_a_limited_text_field_needs_a_limit() -> None:
    with pytest.raises(TypeError):
        limits.LimitedTextField("note")


# --- helpers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("limit", "length", "expected"),
    [
        (2000, 2001, "Gebruik maximaal 2000 tekens; u gebruikte er 2001."),
        (1, 3, "Gebruik maximaal 1 teken; u gebruikte er 3."),
    ],
)
def test_the_message_states_both_numbers(limit: int, length: int, expected: str) -> None:
    with translation.override("nl"):
        assert limits.too_long_message(limit=limit, length=length) == expected


class NoteForm(StyledFormMixin, forms.Form):
    note = text_area("Notitie", limit=20, help_text="Alleen voor het team.")


def test_a_text_area_states_its_limit_and_refuses_more_in_dutch() -> None:
    with translation.override("nl"):
        form = NoteForm({"note": text(21)})
        assert not form.is_valid()
        assert form.errors == {"note": ["Gebruik maximaal 20 tekens; u gebruikte er 21."]}
        html = str(form["note"])
        assert 'maxlength="20"' in html
        assert 'aria-describedby="id_note_helptext id_note_error"' in html
        assert str(form["note"].help_text) == "Alleen voor het team. Maximaal 20 tekens."
        assert NoteForm({"note": text(20)}).is_valid()


# --- request limits ----------------------------------------------------------------------------
def test_the_request_limits_are_set_on_purpose(settings: Any) -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 1
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_a_form_with_too_many_fields_is_refused(cast: Cast, as_user: Any) -> None:
    client: Client = as_user(cast.alice)
    body = "&".join(f"veld{i}=x" for i in range(501))
    response = client.post(
        reverse("households:register"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
