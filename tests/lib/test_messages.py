"""Stored messages: the msgid and parameters kept as JSON, rendered in the active language."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from doorbraak.breakthroughs.models import EscalationLevel
from doorbraak.households.models import ConsentMethod, MemberRole
from doorbraak.lib.messages import Euros, Label, Message, msgid_of, render, render_stored

PLAN = "Plan version %(version)d agreed with the household on %(date)s."


def test_the_msgid_is_the_source_string_whatever_the_active_language() -> None:
    with translation.override("nl"):
        assert msgid_of(gettext_lazy(PLAN)) == PLAN
        assert Message(gettext_lazy(PLAN), version=2).msgid == PLAN
        assert Message(gettext_noop(PLAN), version=2).msgid == PLAN


def test_the_parameters_are_plain_json() -> None:
    message = Message(
        gettext_lazy("%(a)s %(b)s %(c)s %(d)s %(e)s %(f)s %(g)s"),
        a="Jan de Vries",
        b=MemberRole.HEAD,
        c=Label(ConsentMethod.WRITTEN, lower=True),
        d=datetime.date(2026, 3, 4),
        e=Euros(-34920),
        f=[datetime.date(2026, 6, 1), datetime.date(2026, 12, 1)],
        g=Message(gettext_lazy("No fixed address")),
    )
    assert json.loads(json.dumps(message.params)) == message.params
    assert message.params["a"] == "Jan de Vries"
    assert message.params["b"] == {
        "choice": "doorbraak.households.models.MemberRole",
        "value": "hoofd",
        "lower": False,
    }
    assert message.params["d"] == {"date": "2026-03-04"}
    assert message.params["e"] == {"cents": -34920}
    with translation.override("en"):
        assert message.render() == (
            "Jan de Vries Head of household in writing 4 March 2026 − €349.20 "
            "1 June 2026, 1 December 2026 No fixed address"
        )
    assert message.dutch() == (
        "Jan de Vries Hoofd van het huishouden schriftelijk 4 maart 2026 − € 349,20 "
        "1 juni 2026, 1 december 2026 Geen vast adres"
    )


def test_integer_choices_keep_their_label() -> None:
    message = Message(
        gettext_lazy("Escalated to %(level)s: %(reason)s"), level=EscalationLevel.TABLE, reason="x"
    )
    with translation.override("en"):
        assert message.render() == f"Escalated to {EscalationLevel.TABLE.label}: x"


def test_a_moment_is_refused_a_date_is_taken() -> None:
    with pytest.raises(TypeError):
        Message(gettext_lazy(PLAN), version=1, date=datetime.datetime(2026, 1, 1, 12, 0))
    with pytest.raises(TypeError):
        Message(gettext_lazy(PLAN), version=1, date=object())  # type: ignore[arg-type]


def test_a_stored_row_that_does_not_fit_falls_back_to_the_dutch_line() -> None:
    with translation.override("en"):
        assert render_stored("", {}, "Oud").lang == "nl"
        assert render_stored(PLAN, {"version": 1}, "Plan 1 afgesproken.") == (
            "Plan 1 afgesproken.",
            "nl",
        )
        assert render_stored(PLAN, {"version": "x", "date": "y"}, "Oud").text == "Oud"
        assert render_stored(PLAN, {"version": 1, "date": {"date": "2026-13-01"}}, "Oud").text == (
            "Oud"
        )
        assert render_stored(PLAN, {"version": 1, "date": {"other": 1}}, "Oud").text == "Oud"
    with translation.override("nl"):
        assert render_stored("", {}, "Oud") == ("Oud", "")


def test_a_choice_path_outside_the_project_or_a_removed_value_shows_the_stored_value() -> None:
    outside = {"x": {"choice": "os.system", "value": "ls"}}
    assert render("%(x)s", outside) == "ls"
    removed = {"x": {"choice": "doorbraak.households.models.MemberRole", "value": "weg"}}
    assert render("%(x)s", removed) == "weg"
