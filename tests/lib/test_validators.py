"""Property tests for the Dutch identifiers: BSN (elfproef), postcode, house number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from doorbraak.lib.crypto import blind_index, decrypt, encrypt, pseudonym
from doorbraak.lib.validators import normalise_bsn, normalise_postcode, validate_house_number

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def elfproef(digits: str) -> bool:
    """An independent implementation of the elfproef, to check the library against."""
    return (
        len(digits) == 9 and sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11 == 0
    )


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_bsn_check_agrees_with_the_elfproef(digits: str) -> None:
    if elfproef(digits) and digits != "000000000":
        assert normalise_bsn(digits) == digits
    else:
        with pytest.raises(ValidationError) as error:
            normalise_bsn(digits)
        assert error.value.code == "invalid_bsn"


@given(
    st.integers(min_value=0, max_value=8).flatmap(
        lambda i: st.tuples(st.just(i), st.integers(1, 9))
    )
)
def test_changing_one_digit_of_a_valid_bsn_breaks_it(change: tuple[int, int]) -> None:
    position, delta = change
    digits = list("111222333")
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(ValidationError):
        normalise_bsn("".join(digits))


@pytest.mark.parametrize("value", ["", "abc", "12345678a", "1234567890", "11122233"])
def test_malformed_bsns_are_refused_in_dutch(value: str) -> None:
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError, match="elfproef"):
        normalise_bsn(value)


@given(
    st.integers(min_value=1000, max_value=9999),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRTUVWXYZ", min_size=2, max_size=2),
    st.sampled_from(["", " "]),
    st.booleans(),
)
def test_valid_postcodes_normalise(digits: int, letters: str, space: str, lower: bool) -> None:
    raw = f"{digits}{space}{letters.lower() if lower else letters}"
    if letters in {"SA", "SD", "SS"}:
        with pytest.raises(ValidationError):
            normalise_postcode(raw)
    else:
        assert normalise_postcode(raw) == f"{digits} {letters}"


@given(st.text(max_size=12))
def test_postcode_validation_never_crashes_and_only_accepts_the_dutch_form(raw: str) -> None:
    import re

    if re.fullmatch(r"\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*", raw) and raw.strip()[-2:].upper() not in {
        "SA",
        "SD",
        "SS",
    }:
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", normalise_postcode(raw))
    else:
        with pytest.raises(ValidationError) as error:
            normalise_postcode(raw)
        assert error.value.code == "invalid_postcode"


@pytest.mark.parametrize(
    "value", ["0123 AB", "123 AB", "12345 AB", "1234 A", "1234 ABC", "1234-AB", "1234 SS"]
)
def test_bad_postcodes_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        normalise_postcode(value)


@given(st.integers(min_value=-10, max_value=200_000))
def test_house_numbers_are_between_1_and_99999(number: int) -> None:
    if 1 <= number <= 99999:
        validate_house_number(number)
    else:
        with pytest.raises(ValidationError):
            validate_house_number(number)


@given(st.text(min_size=1, max_size=40))
def test_encryption_round_trips_and_hides_the_value(value: str) -> None:
    token = encrypt(value)
    assert decrypt(token) == value
    assert value not in token or len(value) < 3


def test_the_blind_index_and_pseudonym_are_keyed_and_stable(settings) -> None:  # type: ignore[no-untyped-def]
    first = blind_index("111222333")
    assert first == blind_index(" 111222333 ")
    assert "111222333" not in first
    name = pseudonym("person", "abc")
    assert name.startswith("p-")
    settings.BLIND_INDEX_KEY = "another-key"
    settings.PSEUDONYM_KEY = "another-key"
    assert blind_index("111222333") != first
    assert pseudonym("person", "abc") != name
