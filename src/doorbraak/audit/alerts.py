"""Security alerts for the privacy officer, computed from the security and processing logs.

Three patterns, each per user and per window, with the thresholds of the municipality's
``AlertSettings`` (the defaults where it has none):

* ``REFUSALS``: at least ``refusals_per_hour`` refused requests (security events) in one
  clock hour;
* ``MANY_READS``: in one Amsterdam day, at least ``reads_minimum`` households opened and
  more than ``reads_factor`` times the median of the user's daily number over the 28 days
  before (days without any count as 0);
* ``OFF_HOURS``: households opened in a clock hour outside office hours (weekdays and times
  of the settings, Amsterdam time).

"Opened" is a household's page (or API detail): a processing-log ``READ`` of
``households.household`` with an object id; the distinct households count, not the records
(one per member).

:func:`check_security_alerts` runs incrementally: ``AlertCheckpoint`` holds how far the
check got, and a run looks only at the whole hours (and whole days) that ended since, at
most :data:`MAX_CATCH_UP` back. Each query is bounded by that window and served by the
logs' (municipality, time) and (actor, time) indexes. A unique constraint (kind,
municipality, user, window start) makes a second run over the same window create nothing,
and the checkpoint row's lock keeps two runs from overlapping. New alerts are mailed to the
municipality's privacy officers, without names.
"""

from __future__ import annotations

import datetime
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncHour
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from doorbraak.accounts.models import Membership, Municipality, Role
from doorbraak.audit.models import (
    Alert,
    AlertCheckpoint,
    AlertKind,
    AlertSettings,
    ProcessingAction,
    ProcessingLog,
    SecurityEvent,
)
from doorbraak.lib.messages import Message
from doorbraak.lib.notifications import notify
from doorbraak.lib.retry import retry_on_deadlock

logger = logging.getLogger(__name__)

HOUR = datetime.timedelta(hours=1)
#: The first run looks this far back; later runs start where the previous one stopped.
FIRST_RUN = datetime.timedelta(hours=24)
#: A run never looks further back than this (a checker that did not run for weeks).
MAX_CATCH_UP = datetime.timedelta(days=7)
BASELINE_DAYS = 28


def _household_opens() -> Q:
    return Q(action=ProcessingAction.READ, object_type="households.household") & ~Q(object_id="")


def _floor_hour(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Finding:
    kind: AlertKind
    municipality_id: int
    actor_id: int
    window_start: datetime.datetime
    window_end: datetime.datetime
    count: int
    usual: int | None = None

    @property
    def key(self) -> tuple[str, int, int, datetime.datetime]:
        return (str(self.kind), self.municipality_id, self.actor_id, self.window_start)


def _settings_by_municipality(ids: Iterable[int]) -> dict[int, AlertSettings]:
    ids = list(ids)
    found = {s.municipality_id: s for s in AlertSettings.objects.filter(municipality_id__in=ids)}
    return {pk: found.get(pk) or AlertSettings(municipality_id=pk) for pk in ids}


def refusal_findings(
    start: datetime.datetime, until: datetime.datetime, by_municipality: dict[int, AlertSettings]
) -> list[Finding]:
    """Users refused at least the threshold in one clock hour: one grouped query."""
    if not by_municipality:
        return []
    lowest = min(s.refusals_per_hour for s in by_municipality.values())
    rows = (
        SecurityEvent.objects.filter(
            municipality_id__in=list(by_municipality),
            occurred_at__gte=start,
            occurred_at__lt=until,
            actor_id__isnull=False,
        )
        .annotate(hour=TruncHour("occurred_at"))
        .values("municipality_id", "actor_id", "hour")
        .annotate(n=Count("id"))
        .filter(n__gte=lowest)
        .order_by()
    )
    return [
        Finding(
            AlertKind.REFUSALS,
            row["municipality_id"],
            row["actor_id"],
            row["hour"],
            row["hour"] + HOUR,
            row["n"],
        )
        for row in rows
        if row["n"] >= by_municipality[row["municipality_id"]].refusals_per_hour
    ]


def _off_hours(
    alert_settings: AlertSettings, start: datetime.datetime, until: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The clock hours in [start, until) outside office hours, merged into ranges.

    An hour counts as outside when its start is (office hours begin and end on the hour in
    practice; an hour that starts inside office time is office time)."""
    ranges: list[tuple[datetime.datetime, datetime.datetime]] = []
    hour = start
    while hour < until:
        if not alert_settings.is_office_time(hour):
            if ranges and ranges[-1][1] == hour:
                ranges[-1] = (ranges[-1][0], hour + HOUR)
            else:
                ranges.append((hour, hour + HOUR))
        hour += HOUR
    return ranges


def off_hours_findings(
    start: datetime.datetime, until: datetime.datetime, by_municipality: dict[int, AlertSettings]
) -> list[Finding]:
    """Households opened in hours outside office hours: one grouped query over those hours."""
    condition = Q()
    for pk, alert_settings in by_municipality.items():
        for low, high in _off_hours(alert_settings, start, until):
            condition |= Q(municipality_id=pk, occurred_at__gte=low, occurred_at__lt=high)
    if not condition:
        return []
    rows = (
        ProcessingLog.objects.filter(condition)
        .filter(_household_opens(), actor_id__isnull=False)
        .annotate(hour=TruncHour("occurred_at"))
        .values("municipality_id", "actor_id", "hour")
        .annotate(n=Count("object_id", distinct=True))
        .order_by()
    )
    return [
        Finding(
            AlertKind.OFF_HOURS,
            row["municipality_id"],
            row["actor_id"],
            row["hour"],
            row["hour"] + HOUR,
            row["n"],
        )
        for row in rows
    ]


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    def start_of(d: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))

    return start_of(day), start_of(day + datetime.timedelta(days=1))


def _days_ended(start: datetime.datetime, until: datetime.datetime) -> list[datetime.date]:
    """The Amsterdam days whose end (midnight) lies in (start, until]."""
    days = []
    day = timezone.localdate(start) - datetime.timedelta(days=1)
    while True:
        _low, high = _day_bounds(day)
        if high > until:
            break
        if high > start:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def usual_daily_opens(actor_ids: Iterable[int], day: datetime.date) -> dict[int, float]:
    """Each user's median number of households opened per day over the 28 days before
    ``day`` (days without any count as 0): one grouped query on the (actor, time) index."""
    ids = list(actor_ids)
    if not ids:
        return {}
    low, _high = _day_bounds(day - datetime.timedelta(days=BASELINE_DAYS))
    high, _next = _day_bounds(day)
    per_day: dict[int, list[int]] = defaultdict(list)
    rows = (
        ProcessingLog.objects.filter(actor_id__in=ids, occurred_at__gte=low, occurred_at__lt=high)
        .filter(_household_opens())
        .annotate(day=TruncDate("occurred_at"))
        .values("actor_id", "day")
        .annotate(n=Count("object_id", distinct=True))
        .order_by()
    )
    for row in rows:
        per_day[row["actor_id"]].append(row["n"])
    return {
        pk: statistics.median(per_day[pk] + [0] * (BASELINE_DAYS - len(per_day[pk]))) for pk in ids
    }


def many_reads_findings(
    start: datetime.datetime, until: datetime.datetime, by_municipality: dict[int, AlertSettings]
) -> list[Finding]:
    """Per day that ended in the window: users above the minimum, then their baseline."""
    if not by_municipality:
        return []
    lowest = min(s.reads_minimum for s in by_municipality.values())
    findings: list[Finding] = []
    for day in _days_ended(start, until):
        low, high = _day_bounds(day)
        rows = list(
            ProcessingLog.objects.filter(
                municipality_id__in=list(by_municipality),
                occurred_at__gte=low,
                occurred_at__lt=high,
                actor_id__isnull=False,
            )
            .filter(_household_opens())
            .values("municipality_id", "actor_id")
            .annotate(n=Count("object_id", distinct=True))
            .filter(n__gte=lowest)
            .order_by()
        )
        rows = [r for r in rows if r["n"] >= by_municipality[r["municipality_id"]].reads_minimum]
        usual = usual_daily_opens({r["actor_id"] for r in rows}, day)
        for row in rows:
            median = usual[row["actor_id"]]
            if row["n"] > by_municipality[row["municipality_id"]].reads_factor * median:
                findings.append(
                    Finding(
                        AlertKind.MANY_READS,
                        row["municipality_id"],
                        row["actor_id"],
                        low,
                        high,
                        row["n"],
                        round(median),
                    )
                )
    return findings


def _notify_privacy_officers(created: list[Alert]) -> None:
    """One e-mail per municipality with new alerts: how many, of which kinds; no names."""
    by_municipality: dict[int, list[Alert]] = defaultdict(list)
    for alert in created:
        by_municipality[alert.municipality_id].append(alert)
    if not by_municipality:
        return
    recipients: dict[int, set[str]] = defaultdict(set)
    officers = (
        Membership.objects.active()
        .filter(role=Role.PRIVACY_OFFICER, municipality_id__in=list(by_municipality))
        .filter(user__is_active=True)
        .values_list("municipality_id", "user__email")
    )
    for municipality_id, email in officers:
        recipients[municipality_id].add(email)
    link = settings.SITE_URL + reverse("home")
    with translation.override("nl"):
        for municipality_id, alerts in by_municipality.items():
            kinds = sorted({str(AlertKind(a.kind).label) for a in alerts})
            message = ngettext(
                "There is %(count)s new security alert in Doorbraak:",
                "There are %(count)s new security alerts in Doorbraak:",
                len(alerts),
            ) % {"count": len(alerts)}
            body = "\n".join(
                [
                    message,
                    *(f"- {kind}" for kind in kinds),
                    "",
                    _("Log in to see and handle them: %(link)s") % {"link": link},
                ]
            )
            notify(
                recipients[municipality_id],
                Message(gettext_lazy("Doorbraak: new security alerts")),
                body,
            )


@retry_on_deadlock
@transaction.atomic
def check_security_alerts(*, now: datetime.datetime | None = None) -> list[Alert]:
    """Look at the hours (and days) that ended since the last run; return the new alerts.

    Idempotent: a window already looked at gives no second alert, also when the
    checkpoint is set back."""
    until = _floor_hour(now or timezone.now())
    checkpoint, _created = AlertCheckpoint.objects.get_or_create(
        pk=1, defaults={"checked_until": until - FIRST_RUN}
    )
    checkpoint = AlertCheckpoint.objects.select_for_update().get(pk=checkpoint.pk)
    start = max(checkpoint.checked_until, until - MAX_CATCH_UP)
    if start >= until:
        return []
    by_municipality = _settings_by_municipality(Municipality.objects.values_list("pk", flat=True))
    findings = [
        *refusal_findings(start, until, by_municipality),
        *off_hours_findings(start, until, by_municipality),
        *many_reads_findings(start, until, by_municipality),
    ]
    created: list[Alert] = []
    if findings:
        earliest = min(f.window_start for f in findings)
        existing = {
            (kind, municipality_id, actor_id, window_start)
            for kind, municipality_id, actor_id, window_start in Alert.objects.filter(
                window_start__gte=earliest, window_start__lt=until
            ).values_list("kind", "municipality_id", "actor_id", "window_start")
        }
        new = [f for f in findings if f.key not in existing]
        created = Alert.objects.bulk_create(
            [
                Alert(
                    kind=f.kind,
                    municipality_id=f.municipality_id,
                    actor_id=f.actor_id,
                    window_start=f.window_start,
                    window_end=f.window_end,
                    count=f.count,
                    usual=f.usual,
                )
                for f in new
            ]
        )
    checkpoint.checked_until = until
    checkpoint.save(update_fields=["checked_until"])
    _notify_privacy_officers(created)
    logger.info("security_alerts_checked", extra={"new_alerts": len(created)})
    return created
