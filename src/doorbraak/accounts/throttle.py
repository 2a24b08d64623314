"""Who may try a password now: the client's address and the delay for a name under attack.

django-axes locks a *user name at one address* after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS``), so somebody elsewhere who knows a user name cannot lock
its owner out. Guessing from many addresses is slowed down here instead: once a user name
has collected that many failures from other addresses together within the cool-off,
every further password attempt for it waits a delay that doubles with each failure (1 s, 2 s,
4 s, … at most ``DOORBRAAK_LOGIN_MAX_DELAY_SECONDS``), except from an address where the
user logged in successfully before (``DOORBRAAK_KNOWN_ADDRESS_DAYS``). Waiting is refused
with a message, never slept on a server thread. And a password alone opens nothing: the
second factor follows. See docs/security.md.
"""

from __future__ import annotations

import datetime
import math

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``DOORBRAAK_PROXY_COUNT`` trusted
    proxies the address the outermost of them saw (counted from the right of
    X-Forwarded-For, so a client cannot choose its own by sending the header)."""
    proxies = settings.LOGIN_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def password_wait_seconds(username: str, address: str | None) -> int:
    """Seconds before this user name may try a password from this address; 0: now."""
    username = username.strip()
    if not username:
        return 0
    now = timezone.now()
    cool_off = datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    # Failures at this address itself are the lock-out's business (django-axes).
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - cool_off
    ).exclude(ip_address=address)
    totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures: int = totals["failures"] or 0
    last: datetime.datetime | None = totals["last"]
    if failures < settings.AXES_FAILURE_LIMIT or last is None:
        return 0
    if address and _known_address(username, address, now):
        return 0
    exponent = failures - settings.AXES_FAILURE_LIMIT
    delay = min(2.0 ** min(exponent, 30), float(settings.LOGIN_MAX_DELAY_SECONDS))
    remaining = (last + datetime.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


def _known_address(username: str, address: str, now: datetime.datetime) -> bool:
    since = now - datetime.timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()
