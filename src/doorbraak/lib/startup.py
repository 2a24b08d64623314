"""What a web process does once, after loading the application and before its first
request (issue 20).

Django imports an app's views, forms and templates on the first request that needs them,
and everything loaded stays for the life of the process: modules, classes, compiled
templates and URL patterns, a few hundred thousand objects. Python's cyclic garbage
collector walks all of them again in each of its full collections, which a large page
sets off now and then: one to two milliseconds of a request, paid for objects that are
never garbage. :func:`ready_to_serve` imports every view through the URLconf, collects
once, and then moves what is there to the permanent generation (``gc.freeze``), which the
collector skips. Later garbage is collected as before.

Called by gunicorn's ``post_worker_init`` hook (deploy/gunicorn.conf.py), in each worker
once the application has loaded, and by the scale benchmark at the same moment, so that it
measures what the production server does.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def ready_to_serve() -> int:
    """Import every view, collect, and leave the objects loaded out of later collections.

    Returns how many objects were frozen.
    """
    get_resolver().url_patterns  # noqa: B018 (imports every app's urls and views)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
