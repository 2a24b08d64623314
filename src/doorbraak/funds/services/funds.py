"""Funds and their mandate rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import District, Municipality, Team, User
from doorbraak.funds import ledger, policies
from doorbraak.funds.models import (
    ApproverRole,
    Fund,
    FundPurpose,
    MandateRule,
)
from doorbraak.funds.services.common import (
    check_amount,
    check_optional_cap,
)
from doorbraak.lib.access import Refused
from doorbraak.lib.templatetags.money import format_euros


# --- funds ------------------------------------------------------------------------------------
def _check_fund(
    *,
    municipality_id: int,
    name: str,
    year: int,
    budget_cents: int,
    district: District | None,
    team: Team | None,
    cap_per_request_cents: int | None,
    cap_per_household_year_cents: int | None,
    purposes: Iterable[str],
) -> tuple[str, list[str]]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the fund a name.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Enter the year the budget is for.")
    check_amount(errors, "budget_cents", budget_cents)
    check_optional_cap(errors, "cap_per_request_cents", cap_per_request_cents)
    check_optional_cap(errors, "cap_per_household_year_cents", cap_per_household_year_cents)
    if district is not None and district.municipality_id != municipality_id:
        errors["district"] = _("Choose a district of the fund's municipality.")
    if team is not None and team.municipality_id != municipality_id:
        errors["team"] = _("Choose a team of the fund's municipality.")
    purpose_list = list(dict.fromkeys(purposes))
    if any(p not in FundPurpose.values for p in purpose_list):
        errors["purposes"] = _("Choose purposes from the list.")
    if errors:
        raise ValidationError(errors)
    return name, purpose_list


@transaction.atomic
def fund_create(
    *,
    actor: User,
    municipality: Municipality,
    name: str,
    year: int,
    budget_cents: int,
    district: District | None = None,
    team: Team | None = None,
    cap_per_request_cents: int | None = None,
    cap_per_household_year_cents: int | None = None,
    purposes: Iterable[str] = (),
    active: bool = True,
) -> Fund:
    """A fund manager or administrator opens a fund and books its budget in the ledger."""
    if not policies.can_manage_fund(actor, municipality_id=municipality.pk):
        raise Refused
    name, purpose_list = _check_fund(
        municipality_id=municipality.pk,
        name=name,
        year=year,
        budget_cents=budget_cents,
        district=district,
        team=team,
        cap_per_request_cents=cap_per_request_cents,
        cap_per_household_year_cents=cap_per_household_year_cents,
        purposes=purposes,
    )
    if Fund.objects.filter(municipality=municipality, year=year, name=name).exists():
        raise ValidationError({"name": _("There already is a fund with this name for this year.")})
    fund = Fund.objects.create(
        municipality=municipality,
        district=district,
        team=team,
        name=name,
        year=year,
        budget_cents=budget_cents,
        cap_per_request_cents=cap_per_request_cents,
        cap_per_household_year_cents=cap_per_household_year_cents,
        purposes=purpose_list,
        active=active,
    )
    ledger.allocate(fund=fund, amount_cents=budget_cents, created_by=actor)
    return fund


@transaction.atomic
def fund_update(
    *,
    actor: User,
    fund: Fund,
    name: str,
    budget_cents: int,
    cap_per_request_cents: int | None,
    cap_per_household_year_cents: int | None,
    purposes: Iterable[str],
    active: bool,
) -> Fund:
    """Change a fund. A budget change is booked as the difference; it cannot go below
    what is already committed and paid."""
    if not policies.can_manage_fund(actor, fund):
        raise Refused
    fund = ledger.lock_fund(fund)
    name, purpose_list = _check_fund(
        municipality_id=fund.municipality_id,
        name=name,
        year=fund.year,
        budget_cents=budget_cents,
        district=fund.district,
        team=fund.team,
        cap_per_request_cents=cap_per_request_cents,
        cap_per_household_year_cents=cap_per_household_year_cents,
        purposes=purposes,
    )
    if (
        Fund.objects.filter(municipality_id=fund.municipality_id, year=fund.year, name=name)
        .exclude(pk=fund.pk)
        .exists()
    ):
        raise ValidationError({"name": _("There already is a fund with this name for this year.")})
    current = ledger.balances(fund)
    delta = budget_cents - current.budget
    if delta < 0 and current.available + delta < 0:
        raise ValidationError(
            {
                "budget_cents": _(
                    "The budget cannot be lower than what is already committed and paid (%(used)s)."
                )
                % {"used": format_euros(current.committed + current.paid)}
            }
        )
    fund.name = name
    fund.budget_cents = budget_cents
    fund.cap_per_request_cents = cap_per_request_cents
    fund.cap_per_household_year_cents = cap_per_household_year_cents
    fund.purposes = purpose_list
    fund.active = active
    fund.save()
    if delta:
        ledger.allocate(fund=fund, amount_cents=delta, created_by=actor)
    return fund


@transaction.atomic
def mandate_rule_add(
    *,
    actor: User,
    fund: Fund,
    min_amount_cents: int,
    max_amount_cents: int | None,
    approvals_required: int,
    approver_role: str,
    needs_table: bool = False,
    valid_from: datetime.date | None = None,
) -> MandateRule:
    """Add a rule. It applies to requests submitted from ``valid_from`` on; requests
    already submitted keep the rule they were submitted under."""
    if not policies.can_manage_fund(actor, fund):
        raise Refused
    errors: dict[str, str] = {}
    if not isinstance(min_amount_cents, int) or min_amount_cents < 0:
        errors["min_amount_cents"] = _("Enter an amount of zero or more.")
    if max_amount_cents is not None and (
        not isinstance(max_amount_cents, int)
        or (isinstance(min_amount_cents, int) and max_amount_cents < min_amount_cents)
    ):
        errors["max_amount_cents"] = _("The upper limit must not be below the lower limit.")
    if not isinstance(approvals_required, int) or not 1 <= approvals_required <= 10:
        errors["approvals_required"] = _("Between 1 and 10 approvals can be required.")
    if approver_role not in ApproverRole.values:
        errors["approver_role"] = _("Choose who approves from the list.")
    if errors:
        raise ValidationError(errors)
    return MandateRule.objects.create(
        fund=fund,
        min_amount_cents=min_amount_cents,
        max_amount_cents=max_amount_cents,
        approvals_required=approvals_required,
        approver_role=approver_role,
        needs_table=needs_table,
        valid_from=valid_from or timezone.localdate(),
        created_by=actor,
    )


def mandate_rule_in_force(
    *, fund: Fund, amount_cents: int, on: datetime.date | None = None
) -> MandateRule | None:
    """Of the rules covering ``amount_cents`` on ``on``, the one that started last."""
    day = on or timezone.localdate()
    rules = fund.mandate_rules.filter(valid_from__lte=day).order_by("-valid_from", "-pk")
    return next((rule for rule in rules if rule.covers(amount_cents)), None)
