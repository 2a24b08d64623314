"""Rotating the field-encryption key and the blind-index key: old values stay readable and
findable while the commands rewrite them in batches, and the commands can be stopped and
run again. Real keys, real Fernet and HMAC; synthetic BSNs (elfproef)."""

from __future__ import annotations

import datetime
import random
import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from doorbraak.home.demo_households import elfproef_bsn
from doorbraak.households import services
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.lib.crypto import (
    InvalidToken,
    blind_index,
    decrypt,
    encrypt,
    encrypted_with_current_key,
)
from doorbraak.operations.key_rotation import (
    indexes_on_old_keys,
    rotate_field_encryption,
    values_on_old_keys,
)
from tests.conftest import Cast
from tests.factories import MemberFactory
from tests.lib.test_security import REPO, production_env

OLD_FIELD_KEY = Fernet.generate_key().decode()
NEW_FIELD_KEY = Fernet.generate_key().decode()
OLD_INDEX_KEY = "old-blind-index-key-of-at-least-32-characters"
NEW_INDEX_KEY = "new-blind-index-key-of-at-least-32-characters"


@pytest.fixture
def old_keys(settings: Any) -> Any:
    settings.FIELD_ENCRYPTION_KEY = OLD_FIELD_KEY
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    settings.BLIND_INDEX_KEY = OLD_INDEX_KEY
    settings.BLIND_INDEX_OLD_KEYS = []
    return settings


def rotate_config(settings: Any, *, keep_old: bool = True) -> None:
    """What the operator does first: the new key as current, the old one as old key."""
    settings.FIELD_ENCRYPTION_KEY = NEW_FIELD_KEY
    settings.FIELD_ENCRYPTION_OLD_KEYS = [OLD_FIELD_KEY] if keep_old else []
    settings.BLIND_INDEX_KEY = NEW_INDEX_KEY
    settings.BLIND_INDEX_OLD_KEYS = [OLD_INDEX_KEY] if keep_old else []


def members_with_bsn(household: Household, count: int) -> dict[int, str]:
    rng = random.Random(14)  # synthetic, reproducible BSNs
    found: dict[int, str] = {}
    for _ in range(count):
        bsn = elfproef_bsn(rng)
        member = MemberFactory(household=household, role=MemberRole.CHILD)
        member.bsn_encrypted, member.bsn_index = encrypt(bsn), blind_index(bsn)
        member.save(update_fields=["bsn_encrypted", "bsn_index"])
        found[member.pk] = bsn
    return found


def stored(pk: int) -> tuple[str, str]:
    return Member.objects.values_list("bsn_encrypted", "bsn_index").get(pk=pk)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def found_by_bsn(cast: Cast, bsn: str) -> list[Household | None]:
    """The intake's duplicate check: the one place a person is looked up by BSN."""
    data = services.MemberData(
        "Iemand", "Anders", datetime.date(1990, 1, 1), MemberRole.HEAD, bsn=bsn
    )
    return [
        duplicate.household
        for duplicate in services.household_find_duplicates(
            actor=cast.alice, municipality=cast.north, members=[data]
        )
        if str(duplicate.reason) == "zelfde BSN"
    ]


# --- field encryption ---------------------------------------------------------------------
def test_it_reads_old_values_and_writes_new_ones_with_the_current_key(old_keys: Any) -> None:
    token = encrypt("111222333")
    rotate_config(old_keys)
    assert decrypt(token) == "111222333"
    assert not encrypted_with_current_key(token)
    fresh = encrypt("111222333")
    assert encrypted_with_current_key(fresh)
    with pytest.raises(InvalidToken):
        Fernet(OLD_FIELD_KEY.encode()).decrypt(fresh.encode())
    old_keys.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(InvalidToken):
        decrypt(token)


def test_the_command_reencrypts_every_value_in_batches_and_says_when_it_is_done(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 5)
    rotate_config(old_keys)
    output = run("rotate_field_encryption_key", "--batch-size", "2")
    assert "households.Member.bsn_encrypted: 2/5 checked, 2 re-encrypted" in output
    assert "households.Member.bsn_encrypted: 5/5 checked, 5 re-encrypted" in output
    assert "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS can be removed" in output
    assert values_on_old_keys() == {"households.Member.bsn_encrypted": 0}
    old_keys.FIELD_ENCRYPTION_OLD_KEYS = []  # the operator removes the old key
    for pk, bsn in bsns.items():
        assert decrypt(stored(pk)[0]) == bsn
    # Running it again finds nothing to do.
    assert "5/5 checked, 0 re-encrypted" in run("rotate_field_encryption_key")


def test_a_dry_run_counts_and_changes_nothing(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 3)
    before = {pk: stored(pk) for pk in bsns}
    rotate_config(old_keys)
    output = run("rotate_field_encryption_key", "--dry-run")
    assert "3 would be re-encrypted" in output
    assert "Dry run: 3 value(s) would be re-encrypted; nothing changed." in output
    assert {pk: stored(pk) for pk in bsns} == before


def test_an_interrupted_rotation_reads_everything_and_goes_on_where_it_stopped(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 5)
    rotate_config(old_keys)
    output = run("rotate_field_encryption_key", "--batch-size", "2", "--max-batches", "1")
    assert "run the command again to go on where it stopped" in output
    assert values_on_old_keys() == {"households.Member.bsn_encrypted": 3}
    # Half rotated: every value is readable, old and new.
    assert all(decrypt(stored(pk)[0]) == bsn for pk, bsn in bsns.items())
    # A member not yet rotated and changed meanwhile is written with the current key.
    changed = list(bsns)[-1]
    services.member_update(
        actor=cast.alice,
        member=Member.objects.get(pk=changed),
        first_name="Kim",
        last_name="Zwart",
        birth_date=datetime.date(2016, 2, 2),
        role=MemberRole.CHILD,
        bsn="111222333",
    )
    assert encrypted_with_current_key(stored(changed)[0])
    bsns[changed] = "111222333"
    results = rotate_field_encryption(batch_size=2)
    assert [(p.checked, p.changed, p.finished) for p in results] == [(5, 2, True)]
    assert values_on_old_keys() == {"households.Member.bsn_encrypted": 0}
    old_keys.FIELD_ENCRYPTION_OLD_KEYS = []
    assert all(decrypt(stored(pk)[0]) == bsn for pk, bsn in bsns.items())


def test_a_rotation_stopped_by_ctrl_c_keeps_its_finished_batches(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 4)
    rotate_config(old_keys)

    def interrupt(progress: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate_field_encryption(batch_size=3, report=interrupt)
    assert values_on_old_keys() == {"households.Member.bsn_encrypted": 1}
    assert all(decrypt(stored(pk)[0]) == bsn for pk, bsn in bsns.items())
    assert "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS can be removed" in run(
        "rotate_field_encryption_key"
    )


def test_a_value_no_configured_key_decrypts_is_named_and_the_rest_is_rotated(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 2)
    lost = MemberFactory(household=household_a, role=MemberRole.CHILD)
    unknown = Fernet(Fernet.generate_key()).encrypt(b"111222333").decode()
    Member.objects.filter(pk=lost.pk).update(bsn_encrypted=unknown)
    rotate_config(old_keys)
    errors = StringIO()
    with pytest.raises(CommandError, match="configure the key they were written with"):
        call_command("rotate_field_encryption_key", stdout=StringIO(), stderr=errors)
    assert f"1 value(s) cannot be decrypted with the current or any old key (ids {lost.pk})" in (
        errors.getvalue()
    )
    assert stored(lost.pk)[0] == unknown  # left as it was
    assert all(encrypted_with_current_key(stored(pk)[0]) for pk in bsns)


def test_bad_options_are_refused(db: None) -> None:
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run("rotate_field_encryption_key", "--batch-size", "0")
    with pytest.raises(CommandError, match="--max-batches must be at least 1"):
        run("rotate_blind_index", "--max-batches", "0")


# --- blind index ---------------------------------------------------------------------------
def test_a_person_is_found_by_bsn_before_during_and_after_the_rotation(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 4)
    first, *_, last = bsns.values()
    assert found_by_bsn(cast, first) == [household_a]

    rotate_config(old_keys, keep_old=False)
    assert found_by_bsn(cast, first) == []  # why the old key must stay configured meanwhile

    rotate_config(old_keys)
    assert found_by_bsn(cast, first) == [household_a]
    output = run("rotate_blind_index", "--batch-size", "2", "--max-batches", "1")
    assert "households.Member.bsn_index: 2/4 checked, 2 re-indexed" in output
    assert indexes_on_old_keys() == {"households.Member.bsn_index": 2}
    # Half rotated: found by the new index and by the old one.
    assert stored(next(iter(bsns)))[1] == blind_index(first)
    assert stored(list(bsns)[-1])[1] == blind_index(last, key=OLD_INDEX_KEY)
    assert found_by_bsn(cast, first) == [household_a]
    assert found_by_bsn(cast, last) == [household_a]

    output = run("rotate_blind_index", "--batch-size", "2")
    assert "DOORBRAAK_BLIND_INDEX_OLD_KEYS can be removed" in output
    assert indexes_on_old_keys() == {"households.Member.bsn_index": 0}
    old_keys.BLIND_INDEX_OLD_KEYS = []
    old_keys.FIELD_ENCRYPTION_OLD_KEYS = [OLD_FIELD_KEY]  # BSNs themselves not yet rotated
    for bsn in bsns.values():
        assert found_by_bsn(cast, bsn) == [household_a]


def test_the_blind_index_dry_run_changes_nothing(
    cast: Cast, household_a: Household, old_keys: Any
) -> None:
    bsns = members_with_bsn(household_a, 2)
    before = {pk: stored(pk) for pk in bsns}
    rotate_config(old_keys)
    assert "Dry run: 2 value(s) would be re-indexed" in run("rotate_blind_index", "--dry-run")
    assert {pk: stored(pk) for pk in bsns} == before


# --- configuration ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS",
            "not-a-fernet-key",
            "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS must hold Fernet keys",
        ),
        (
            "DOORBRAAK_BLIND_INDEX_OLD_KEYS",
            "an-older-key-of-sufficient-length,test-blind-index-key-of-sufficient-length",
            "DOORBRAAK_BLIND_INDEX_OLD_KEYS holds the current DOORBRAAK_BLIND_INDEX_KEY",
        ),
    ],
)
def test_a_malformed_old_key_list_stops_start_up(variable: str, value: str, message: str) -> None:
    env = production_env()
    env[variable] = value
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
