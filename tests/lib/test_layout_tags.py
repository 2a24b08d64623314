"""The page layout's ``{% asset %}``: the URL ``{% static %}`` gives, remembered per process."""

from __future__ import annotations

from django.template import engines
from django.test import override_settings


def _render(source: str) -> str:
    return engines["django"].from_string(source).render({})


def test_it_gives_the_url_static_gives() -> None:
    for path in ("dist/doorbraak.css", "img/favicon.svg", "js/doorbraak.js"):
        assert _render(f"{{% load layout %}}{{% asset '{path}' %}}") == _render(
            f"{{% load static %}}{{% static '{path}' %}}"
        )


def test_a_changed_static_url_is_not_answered_from_memory() -> None:
    before = _render("{% load layout %}{% asset 'dist/doorbraak.css' %}")
    with override_settings(STATIC_URL="/elders/"):
        moved = _render("{% load layout %}{% asset 'dist/doorbraak.css' %}")

    assert moved.startswith("/elders/")
    assert moved != before
