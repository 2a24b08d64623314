"""Security alerts with planted behaviour: above and below each threshold, off hours,
idempotent runs, the e-mail over real SMTP, acknowledging, the settings page."""

from __future__ import annotations

import datetime
import socket
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.alerts import check_security_alerts
from doorbraak.audit.models import (
    Alert,
    AlertCheckpoint,
    AlertKind,
    AlertSettings,
    ProcessingAction,
    ProcessingLog,
    SecurityEvent,
    SecurityOutcome,
    SecurityStage,
)
from doorbraak.audit.services import (
    LogEntry,
    alert_acknowledge,
    alert_settings_update,
    processing_log_record_many,
)
from doorbraak.lib.access import Refused
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
#: Wednesday 4 March 2026 (UTC+1 in Amsterdam).
DAY = datetime.date(2026, 3, 4)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def after(day: datetime.date) -> datetime.datetime:
    """Half past midnight after ``day``: the run that sees the whole day."""
    return at(day + datetime.timedelta(days=1), 0, 30)


def refusals(user: User, count: int, moment: datetime.datetime, municipality_id: int) -> None:
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            occurred_at=moment + datetime.timedelta(seconds=index),
            actor_id=user.pk,
            actor_username=user.username,
            municipality_id=municipality_id,
            outcome=SecurityOutcome.NOT_FOUND,
            stage=SecurityStage.OBJECT,
            object_type="household",
            object_id=str(index),
            view_name="households:detail",
            method="GET",
        )
        for index in range(count)
    )


def opens(user: User, households: int, moment: datetime.datetime, *, members: int = 2) -> None:
    """``user`` opens ``households`` distinct households (one record per member) at ``moment``."""
    with time_machine.travel(moment, tick=False):
        processing_log_record_many(
            actor=user,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            entries=[
                LogEntry(
                    "households.household",
                    1000 + index,
                    [f"p-{index}-{m}" for m in range(members)],
                )
                for index in range(households)
            ],
        )


def kinds(alerts: list[Alert]) -> set[tuple[str, str]]:
    users = dict(User.objects.values_list("pk", "username"))
    return {(str(a.kind), users[a.actor_id]) for a in alerts}


# --- refusals -----------------------------------------------------------------------------------
def test_many_refusals_in_one_hour_above_and_below_the_threshold(cast: Cast) -> None:
    refusals(cast.alice, 20, at(DAY, 10, 5), cast.north.pk)  # the default threshold: 20
    refusals(cast.bob, 19, at(DAY, 10, 5), cast.north.pk)
    # Carol's 20 straddle two clock hours: 10 in each.
    refusals(cast.carol, 10, at(DAY, 10, 55), cast.north.pk)
    refusals(cast.carol, 10, at(DAY, 11, 1), cast.north.pk)

    created = check_security_alerts(now=after(DAY))

    assert kinds(created) == {(AlertKind.REFUSALS, "alice")}
    [alert] = created
    assert alert.count == 20
    assert alert.window_start == at(DAY, 10)
    assert alert.window_end == at(DAY, 11)
    assert alert.municipality_id == cast.north.pk


def test_the_refusal_threshold_is_the_municipality_s(cast: Cast) -> None:
    AlertSettings.objects.create(municipality=cast.north, refusals_per_hour=5)
    refusals(cast.bob, 5, at(DAY, 10, 5), cast.north.pk)
    refusals(cast.mallory, 5, at(DAY, 10, 5), cast.south.pk)  # Zuid keeps the default 20

    created = check_security_alerts(now=after(DAY))

    assert kinds(created) == {(AlertKind.REFUSALS, "bob")}


# --- far more households than usual -------------------------------------------------------------
def _baseline(user: User, per_day: int) -> None:
    for back in range(1, 29):
        opens(user, per_day, at(DAY - datetime.timedelta(days=back), 11), members=1)


def test_far_more_households_than_usual(cast: Cast) -> None:
    _baseline(cast.alice, 5)  # usually 5 a day
    _baseline(cast.bob, 20)  # usually 20 a day
    opens(cast.alice, 40, at(DAY, 11))  # 40 > 3 × 5 and at least 40: an alert
    opens(cast.bob, 50, at(DAY, 11))  # 50 < 3 × 20: none
    opens(cast.carol, 39, at(DAY, 11))  # no history, but below the minimum of 40: none

    created = check_security_alerts(now=after(DAY))

    assert kinds(created) == {(AlertKind.MANY_READS, "alice")}
    [alert] = created
    # Households, not records: each was read with two members.
    assert (alert.count, alert.usual) == (40, 5)
    assert (alert.window_start, alert.window_end) == (
        at(DAY, 0),
        after(DAY) - datetime.timedelta(minutes=30),
    )


def test_a_household_list_is_not_opening_households(cast: Cast) -> None:
    with time_machine.travel(at(DAY, 11), tick=False):
        processing_log_record_many(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            entries=[LogEntry("households.household", "", [f"p-{i}" for i in range(100)])],
        )
    assert check_security_alerts(now=after(DAY)) == []


# --- outside office hours -----------------------------------------------------------------------
def test_households_opened_outside_office_hours(cast: Cast) -> None:
    opens(cast.alice, 2, at(DAY, 22, 30))  # a weekday evening
    opens(cast.bob, 3, at(DAY, 10, 30))  # office hours
    opens(cast.carol, 1, at(DAY, 6, 59))  # just before 7:00

    created = check_security_alerts(now=after(DAY))

    assert kinds(created) == {(AlertKind.OFF_HOURS, "alice"), (AlertKind.OFF_HOURS, "carol")}
    by_user = {a.actor_id: a for a in created}
    assert by_user[cast.alice.pk].count == 2
    assert by_user[cast.alice.pk].window_start == at(DAY, 22)


def test_weekend_and_own_office_hours(cast: Cast) -> None:
    saturday = DAY + datetime.timedelta(days=3)
    opens(cast.alice, 1, at(saturday, 10, 30))
    AlertSettings.objects.create(
        municipality=cast.north,
        office_start=datetime.time(8),
        office_end=datetime.time(22),
        office_weekdays="123456",
    )
    created = check_security_alerts(now=after(saturday))
    assert created == []  # Saturday is an office day there

    sunday = saturday + datetime.timedelta(days=1)
    opens(cast.alice, 1, at(sunday, 10, 30))
    opens(cast.bob, 1, at(sunday + datetime.timedelta(days=1), 21, 30))  # Monday, before 22
    created = check_security_alerts(now=after(sunday + datetime.timedelta(days=1)))
    assert kinds(created) == {(AlertKind.OFF_HOURS, "alice")}


# --- incremental and idempotent -----------------------------------------------------------------
def test_runs_are_incremental_and_idempotent(cast: Cast) -> None:
    refusals(cast.alice, 25, at(DAY, 10, 5), cast.north.pk)
    opens(cast.bob, 1, at(DAY, 23, 10))

    first = check_security_alerts(now=after(DAY))
    assert len(first) == 2
    assert AlertCheckpoint.objects.get().checked_until == at(DAY + datetime.timedelta(days=1), 0)
    # Again at the same moment, and an hour later: nothing new.
    assert check_security_alerts(now=after(DAY)) == []
    assert check_security_alerts(now=after(DAY) + datetime.timedelta(hours=1)) == []
    # Even with the checkpoint set back, the same windows give no second alert.
    AlertCheckpoint.objects.update(checked_until=at(DAY, 0))
    assert check_security_alerts(now=after(DAY)) == []
    assert Alert.objects.count() == 2


def test_a_window_still_open_is_not_looked_at(cast: Cast) -> None:
    refusals(cast.alice, 25, at(DAY, 10, 5), cast.north.pk)
    # At 10:40 the hour 10–11 has not ended.
    assert check_security_alerts(now=at(DAY, 10, 40)) == []
    [alert] = check_security_alerts(now=at(DAY, 11, 5))
    assert alert.kind == AlertKind.REFUSALS


def test_the_command_runs_the_check(cast: Cast) -> None:
    refusals(cast.alice, 25, at(DAY, 10, 5), cast.north.pk)
    with time_machine.travel(after(DAY), tick=False):
        call_command("check_security_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Alert.objects.filter(kind=AlertKind.REFUSALS).count() == 1


# --- the e-mail ---------------------------------------------------------------------------------
def test_new_alerts_are_mailed_to_the_privacy_officers_over_real_smtp(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """aiosmtpd on localhost: the task speaks real SMTP; the mail names nobody."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Collect(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        User.objects.filter(pk=cast.heidi.pk).update(email="heidi@noord.example")
        User.objects.filter(pk=cast.oscar.pk).update(email="oscar@zuid.example")
        refusals(cast.alice, 25, at(DAY, 10, 5), cast.north.pk)
        with django_capture_on_commit_callbacks(execute=True):
            created = check_security_alerts(now=after(DAY))
    finally:
        controller.stop()
    assert len(created) == 1
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "heidi@noord.example"  # not Zuid's privacy officer
    body = message.get_payload(decode=True).decode()
    assert "beveiligingsmelding" in body.lower()
    assert "alice" not in body
    assert cast.alice.last_name not in body
    assert mail.outbox == []  # it went over the wire


# --- the home page and acknowledging -----------------------------------------------------------
def _alert(cast: Cast, municipality: Any, user: User, hour: int = 10) -> Alert:
    return Alert.objects.create(
        kind=AlertKind.REFUSALS,
        municipality=municipality,
        actor=user,
        window_start=at(DAY, hour),
        window_end=at(DAY, hour + 1),
        count=25,
    )


def test_the_home_page_shows_the_open_alerts(as_user: Any, cast: Cast) -> None:
    for hour in range(7):
        _alert(cast, cast.north, cast.alice, hour)
    _alert(cast, cast.south, cast.mallory)
    body = as_user(cast.heidi).get(reverse("home")).content.decode()
    assert "Beveiligingsmeldingen" in body
    assert "7 openstaande meldingen" in body
    assert body.count('data-testid="security-alert"') == 5
    assert "mallory" not in body
    # Not for other roles.
    assert (
        'data-testid="security-alerts"'
        not in as_user(cast.alice).get(reverse("home")).content.decode()
    )


@pytest.mark.parametrize("alerts", [1, 12])
def test_the_home_page_costs_the_same_with_more_alerts(
    as_user: Any, cast: Cast, alerts: int, django_assert_max_num_queries: Any
) -> None:
    for hour in range(alerts):
        _alert(cast, cast.north, cast.alice, hour)
    client = as_user(cast.heidi)
    client.get(reverse("home"))
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


def test_acknowledge_an_alert(as_user: Any, cast: Cast) -> None:
    alert = _alert(cast, cast.north, cast.alice)
    url = reverse("audit:alert-acknowledge", args=[alert.pk])
    client = as_user(cast.heidi)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == cast.heidi.pk
    assert alert.acknowledged_at is not None
    record = ProcessingLog.objects.get(object_type="audit.alert")
    assert (record.actor_id, record.object_id, record.action) == (
        cast.heidi.pk,
        str(alert.pk),
        ProcessingAction.UPDATE,
    )
    assert record.subject_pseudonym == f"gebruiker-{cast.alice.pk}"
    assert "Beveiligingsmeldingen" in client.get(reverse("home")).content.decode()
    assert 'data-testid="security-alert"' not in client.get(reverse("home")).content.decode()
    # Handled once: a second POST finds no open alert.
    assert client.post(url).status_code == 404


def test_acknowledge_access(as_user: Any, cast: Cast) -> None:
    alert = _alert(cast, cast.north, cast.alice)
    url = reverse("audit:alert-acknowledge", args=[alert.pk])
    assert as_user(cast.oscar).post(url).status_code == 404  # another municipality
    assert as_user(cast.alice).post(url).status_code == 403  # another role
    assert as_user(cast.ivan).post(url).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert SecurityEvent.objects.filter(actor_id=cast.oscar.pk, outcome=404).exists()


# --- the settings page --------------------------------------------------------------------------
def test_the_privacy_officer_sets_the_thresholds(as_user: Any, cast: Cast) -> None:
    url = reverse("audit:alert-settings", args=[cast.north.pk])
    client = as_user(cast.heidi)
    body = client.get(url).content.decode()
    assert "Gemeente Noord" in body
    data = {
        "refusals_per_hour": "8",
        "reads_factor": "4",
        "reads_minimum": "30",
        "office_start": "08:00",
        "office_end": "18:00",
        "office_weekdays": ["1", "2", "3", "4"],
    }
    assert client.post(url, data).status_code == 302
    saved = AlertSettings.objects.get(municipality=cast.north)
    assert (saved.refusals_per_hour, saved.office_weekdays) == (8, "1234")
    assert ProcessingLog.objects.filter(object_type="audit.alertsettings").count() == 1

    # Bad input: a Dutch message, nothing changed.
    bad = {**data, "office_start": "18:00", "office_end": "08:00", "refusals_per_hour": "0"}
    response = client.post(url, bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert "De kantoortijd moet eindigen nadat hij begint, op dezelfde dag." in body
    saved.refresh_from_db()
    assert saved.refusals_per_hour == 8
    assert client.post(url, {**data, "reads_factor": "veel"}).status_code == 200


def test_the_settings_page_access(as_user: Any, cast: Cast) -> None:
    url = reverse("audit:alert-settings", args=[cast.north.pk])
    assert as_user(cast.oscar).get(url).status_code == 404
    assert as_user(cast.alice).get(url).status_code == 403
    assert as_user(cast.ivan).post(url, {"refusals_per_hour": "1"}).status_code == 403
    assert not AlertSettings.objects.exists()


def test_the_services_refuse_other_municipalities_and_roles(cast: Cast) -> None:
    alert = _alert(cast, cast.north, cast.alice)
    for actor in (cast.oscar, cast.alice):
        with pytest.raises(Refused):
            alert_acknowledge(actor=actor, alert=alert)
        with pytest.raises(Refused):
            alert_settings_update(
                actor=actor, municipality=cast.north, values={"refusals_per_hour": 1}
            )
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not AlertSettings.objects.exists()
    with pytest.raises(ValidationError):
        alert_settings_update(
            actor=cast.heidi,
            municipality=cast.north,
            values={"office_start": datetime.time(18), "office_end": datetime.time(8)},
        )
    assert not AlertSettings.objects.exists()
