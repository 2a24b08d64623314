"""Template tags of the page layout (base.html), which every page renders.

``{% asset "dist/doorbraak.css" %}`` is ``{% static %}`` remembered per process: the
layout names the same four files on every page, and asking the storage for their URL
(the manifest's hashed name in production) each time cost more than the rest of the
page head. The storage's answer does not change while the process runs; the URL prefix
is part of the key, so a test that changes ``STATIC_URL`` gets its own.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@functools.lru_cache(maxsize=64)
def _asset_url(path: str, static_url: str | None) -> str:
    return static(path)


@register.simple_tag
def asset(path: str) -> str:
    """The URL of a static file of the layout, as ``{% static path %}`` gives it."""
    return _asset_url(path, settings.STATIC_URL)
