"""Application logs: one JSON object per line in production, with the request id.

The request id is the one in the ``X-Request-ID`` response header and in every
processing-log record the request wrote, so an operator can go from a log line to the
processing log and back without any personal data in the log itself. Log lines carry ids,
counts and codes only — never a name, BSN, address or typed text (tested in
tests/lib/test_logging.py).
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from doorbraak.lib.request_context import get_request_id


class RequestIdFilter(logging.Filter):
    """Put the current request's id (empty outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs after the middleware has finished; it passes the request.
        request = getattr(record, "request", None)
        record.request_id = get_request_id() or getattr(request, "request_id", "")
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger with the field names operators search for."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
