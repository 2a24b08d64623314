from __future__ import annotations

import pytest

from doorbraak.lib.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)


def test_it_reads_typed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "30")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_bool("X_BOOL", default=False) is True
    assert env_int("X_INT", 5) == 30
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env_str("X_MISSING", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("X_BOOL", "perhaps", lambda: env_bool("X_BOOL", default=False)),
        ("X_INT", "thirty", lambda: env_int("X_INT", 5)),
        ("X_INT", "0", lambda: env_int("X_INT", 5, minimum=1)),
        (
            "X_CHOICE",
            "staging",
            lambda: env_choice("X_CHOICE", "development", ("development", "production")),
        ),
    ],
)
def test_it_fails_loudly_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, read
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfiguredEnv, match=name):
        read()


def test_a_required_variable_must_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfiguredEnv, match="X_REQUIRED is required"):
        env_str("X_REQUIRED")
