"""Gunicorn configuration of the Doorbraak web processes.

Run from the repository (or the installed release) directory::

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Every value can be set from the environment, so the systemd unit (deploy/systemd/) and
the load test (scripts/loadtest/) use this one file:

================================  ============================  =================================
variable                          default                       meaning
================================  ============================  =================================
``DOORBRAAK_BIND``                ``127.0.0.1:8000``            address(es), comma-separated;
                                                                ``unix:/run/doorbraak/web.sock``
``DOORBRAAK_WEB_WORKERS``         2 × cores + 1, at most 12     worker processes
``DOORBRAAK_WEB_THREADS``         ``4``                         threads per worker (gthread)
``DOORBRAAK_WEB_TIMEOUT``         ``60``                        seconds before a silent worker
                                                                is killed (PDFs take a while)
``DOORBRAAK_WEB_GRACEFUL``        ``30``                        seconds to finish requests on
                                                                restart or stop
``DOORBRAAK_WEB_MAX_REQUESTS``    ``2000``                      recycle a worker after this many
                                                                requests (0: never) + 0–10 %
``DOORBRAAK_FORWARDED_ALLOW_IPS`` ``127.0.0.1,::1``             proxies whose X-Forwarded-*
                                                                headers are trusted
``DOORBRAAK_ACCESS_LOG``          ``-`` (stdout)                access log file; empty: none
``DOORBRAAK_ERROR_LOG``           ``-`` (stderr)                gunicorn's own log
``DOORBRAAK_WEB_LOG_LEVEL``       ``info``                      gunicorn's log level
================================  ============================  =================================

Each thread keeps its own database connection (``DOORBRAAK_DB_CONN_MAX_AGE``), so
PostgreSQL needs ``workers × threads`` connections per server, plus the task worker and
the sealer: keep that below ``max_connections``.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}.")
    return value


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "doorbraak.config.wsgi:application"
pythonpath = str(_REPO / "src")
chdir = str(_REPO)

bind = [
    address.strip()
    for address in os.environ.get("DOORBRAAK_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
# Requests wait on the database more than on the CPU: a few processes with a few threads
# each. Capped, because every thread holds a database connection.
workers = _int("DOORBRAAK_WEB_WORKERS", min(2 * _cores() + 1, 12), minimum=1)
worker_class = "gthread"
threads = _int("DOORBRAAK_WEB_THREADS", 4, minimum=1)
timeout = _int("DOORBRAAK_WEB_TIMEOUT", 60, minimum=1)
graceful_timeout = _int("DOORBRAAK_WEB_GRACEFUL", 30, minimum=1)
keepalive = 5  # seconds; the load balancer in front keeps its connections open
# Recycle workers now and then (slow leaks in libraries), not all at the same moment.
max_requests = _int("DOORBRAAK_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The heartbeat file on a RAM disk, so a slow disk cannot make workers look dead.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108
forwarded_allow_ips = os.environ.get("DOORBRAAK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
proc_name = "doorbraak-web"

accesslog = os.environ.get("DOORBRAAK_ACCESS_LOG", "-") or None
errorlog = os.environ.get("DOORBRAAK_ERROR_LOG", "-")
loglevel = os.environ.get("DOORBRAAK_WEB_LOG_LEVEL", "info")
# The request id is the X-Request-ID response header of doorbraak.lib.middleware, which
# the application log carries too. Path without the query string (%(U)s, not %(r)s) and
# no Referer: a search for a name or a BSN must not end up in the access log.
access_log_format = (
    '%(h)s %({x-request-id}o)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
)


def post_worker_init(worker: object) -> None:
    """Once per worker, the application loaded: import every view and keep what is loaded
    out of the garbage collector's later passes (doorbraak.lib.startup)."""
    from doorbraak.lib.startup import ready_to_serve

    ready_to_serve()
