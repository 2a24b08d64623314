"""Stored messages: the msgid and parameters kept as JSON, rendered in the active language."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import default_task_backend

from doorbraak.breakthroughs.models import EscalationLevel
from doorbraak.households.models import ConsentMethod, MemberRole
from doorbraak.lib.messages import Euros, Label, Message, msgid_of, render, render_stored
from doorbraak.lib.notifications import notify, send_notification

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


def test_a_moment_is_shown_in_local_time_a_naive_one_is_refused() -> None:
    moment = datetime.datetime(2026, 3, 4, 13, 30, tzinfo=datetime.UTC)
    message = Message(gettext_lazy("%(when)s"), when=moment)
    with translation.override("en"):
        assert message.render() == "4 March 2026, 14:30"  # Europe/Amsterdam
    assert message.dutch() == "4 maart 2026, 14:30"
    with pytest.raises(TypeError):
        Message(gettext_lazy(PLAN), version=1, date=datetime.datetime(2026, 1, 1, 12, 0))
    with pytest.raises(TypeError):
        Message(gettext_lazy(PLAN), version=1, date=object())  # type: ignore[arg-type]


@pytest.mark.django_db
def test_an_email_is_written_in_dutch_whatever_language_the_sender_reads_in(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            ["dave@uwv.example", ""],
            Message(gettext_lazy("Doorbraak: a deadline is near")),
            Message(
                gettext_lazy(
                    "A breakthrough waits for a decision; its deadline is %(date)s. After "
                    "that it moves to the next level automatically. Open Doorbraak."
                ),
                date=datetime.date(2026, 3, 4),
            ),
        )
    [queued] = list(default_task_backend.results)  # type: ignore[attr-defined]
    recipients, subject, body = queued.args
    assert json.loads(json.dumps([subject, body])) == [subject, body]  # a task's arguments
    with translation.override("en"):
        send_notification.call(recipients, subject, body)
        send_notification.call(recipients, "As written", "Plain text stays as it is.")
    [dutch, plain] = mail.outbox
    assert dutch.to == ["dave@uwv.example"]
    assert dutch.subject == "Doorbraak: een termijn loopt bijna af"
    assert "4 maart 2026" in dutch.body
    assert "deadline" not in dutch.body.lower()
    assert (plain.subject, plain.body) == ("As written", "Plain text stays as it is.")


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
