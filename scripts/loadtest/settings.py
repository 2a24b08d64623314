"""Settings of the load-test server: the project's settings plus the floor view.

Used only by ``make loadtest`` (scripts/loadtest/run.py), which starts gunicorn with
``DJANGO_SETTINGS_MODULE=scripts.loadtest.settings`` and the repository root on the path.
Debug is off, as in production. The other production-only switches stay as the
environment sets them: Locust speaks plain HTTP on 127.0.0.1 (no HTTPS redirect) and
fetches no static files (WhiteNoise would not be in the path of a page request).
"""

from doorbraak.config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "scripts.loadtest.floor_urls"
