"""Exit 0 when the PostgreSQL server of the given URL answers, 1 otherwise."""

from __future__ import annotations

import sys
from urllib.parse import urlparse

import psycopg


def main(url: str) -> int:
    parsed = urlparse(url)
    try:
        # The test database itself may not exist yet: connect to the maintenance database.
        conninfo = url.replace(parsed.path, "/postgres") if parsed.path else url
        with psycopg.connect(conninfo, connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
