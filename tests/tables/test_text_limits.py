"""Free text of the breakthrough table has a limit: over it is refused in Dutch, at it is kept."""

from __future__ import annotations

from django.utils import translation

from doorbraak.lib import limits
from doorbraak.tables import services
from doorbraak.tables.admin import TableMemberForm
from doorbraak.tables.models import BreakthroughTable, Meeting, TableDecision, TableOutcome
from tests.conftest import Cast
from tests.limits import TextCase, check_text_limit, text, too_long_message


def test_the_reason_of_a_decision_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, running: Meeting
) -> None:
    item = running.items.order_by("position").first()
    assert item is not None
    case = TextCase(
        run=lambda value: services.decision_record(
            actor=cast.erin,
            item=item,
            outcome=TableOutcome.APPROVED,
            reason=value,
            responsible_organisation=cast.uwv,
            responsible_user=cast.dave,
        ),
        stored=lambda: (
            TableDecision.objects.filter(item=item).values_list("reason", flat=True).last() or ""
        ),
    )
    check_text_limit(case, limits.TEXT)


def test_the_reason_of_a_correction_has_the_same_limit(cast: Cast, running: Meeting) -> None:
    item = running.items.order_by("position").first()
    assert item is not None
    decision = services.decision_record(
        actor=cast.erin,
        item=item,
        outcome=TableOutcome.APPROVED,
        reason="De tafel ziet dat dit erger voorkomt.",
        responsible_organisation=cast.uwv,
        responsible_user=cast.dave,
    )
    services.meeting_close(actor=cast.erin, meeting=running)
    case = TextCase(
        run=lambda value: services.decision_correct(
            actor=cast.erin,
            decision=decision,
            outcome=TableOutcome.APPROVED,
            reason=value,
            responsible_organisation=cast.uwv,
        ),
        stored=lambda: (
            TableDecision.objects.filter(corrects=decision).values_list("reason", flat=True).last()
            or ""
        ),
    )
    check_text_limit(case, limits.TEXT)


def test_what_a_member_may_decide_has_its_limit_in_the_admin(
    cast: Cast, table: BreakthroughTable
) -> None:
    data = {"user": cast.dave.pk, "organisation": cast.uwv.pk, "active": "on"}
    with translation.override("nl"):
        form = TableMemberForm({**data, "may_decide": text(limits.SHORT_TEXT + 1)})
        assert form.errors["may_decide"] == [too_long_message(limits.SHORT_TEXT)]
        assert 'maxlength="2000"' in str(form["may_decide"])
