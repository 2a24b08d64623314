"""The identifier check: what in an example's text could identify the household.

An example must hold no personal data. Before a proposal is accepted every free text is
checked for names (of the household's members, its name and street, and the common Dutch
patterns "mevrouw Jansen", "familie De Vries"), addresses (street and number, postcodes),
dates (of birth or any other day), BSN-like numbers (nine digits that pass the elfproef),
phone numbers, e-mail addresses, IBANs and number plates, and rare details (an exact age,
twins, a very large family). A flagged text is refused: the coordinator rewrites it.

The check is deliberately strict: a false alarm costs a rewrite, a miss costs a household's
privacy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_STREET_SUFFIX = (
    "straat|laan|weg|plein|gracht|kade|singel|dijk|hof|steeg|pad|dreef|park|markt|plantsoen"
    "|erf|baan|veld|wal|burg|oord|kamp|haven|dam|dreve|pleintje|hoek"
)
_TITLES = (
    r"mevrouw|meneer|mevr\.?|mw\.?|dhr\.?|de heer|mr\.?|familie|fam\.?|gezin|moeder|vader"
    r"|zoon|dochter|oma|opa"
)
_PREFIX = r"(?:(?:van|de|der|den|het|ter|ten|te|in 't|van 't|'t)\s+)*"
_NAME = r"[A-Z][a-zà-ÿ'’-]+(?:[- ][A-Z][a-zà-ÿ'’-]+)?"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "address",
        re.compile(
            rf"\b[A-Z][a-zà-ÿ'’-]*(?:{_STREET_SUFFIX})\s+\d{{1,5}}\s?[a-zA-Z]?\b"
            rf"|\b[a-zà-ÿ'’-]*(?:straat|laan|plein|gracht|kade|singel)\s+\d{{1,5}}\b",
        ),
    ),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})\b"
            rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
            rf"|\b\d{{1,2}}\s+(?:{MONTHS})\b\.?(?:\s+\d{{4}})?"
            rf"|\bgeboren\b[^.]{{0,40}}\b(?:19|20)\d{{2}}\b",
            re.IGNORECASE,
        ),
    ),
    ("phone", re.compile(r"(?:\+31|\b0031|\b0)[\s-]?(?:\d[\s-]?){9}\b")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.IGNORECASE)),
    (
        "plate",
        re.compile(
            r"\b(?:[A-Z]{2}-\d{2,3}-[A-Z]{1,2}|\d{1,2}-[A-Z]{2,3}-\d{1,2}|[A-Z]{1,3}-\d{2,3}-[A-Z]{1,2})\b"
        ),
    ),
    (
        "title_name",
        re.compile(rf"\b(?i:{_TITLES})\s+(?i:{_PREFIX}){_NAME}"),
    ),
    (
        "rare",
        re.compile(
            r"\b\d{1,3}[- ]jarige?\b|\b\d{1,3}\s+jaar\s+oud\b|\bvan\s+\d{1,3}\s+jaar\b"
            r"|\b(?:tweeling|drieling|vierling)\b"
            r"|\b(?:zes|zeven|acht|negen|tien|elf|twaalf|\d{2})\s+kinderen\b",
            re.IGNORECASE,
        ),
    ),
)
_NINE_DIGITS = re.compile(r"(?<![\d.])(\d(?:[ .]?\d){8})(?![\d])")


def elfproef(digits: str) -> bool:
    """The BSN check: 9×d1 + 8×d2 + … + 2×d8 − 1×d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and int(digits) > 0


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def _labels() -> dict[str, str]:
    return {
        "name": _("a name"),
        "title_name": _("a name"),
        "address": _("an address"),
        "postcode": _("a postcode"),
        "date": _("a date"),
        "bsn": _("a BSN-like number"),
        "phone": _("a phone number"),
        "email": _("an e-mail address"),
        "iban": _("a bank account number"),
        "plate": _("a number plate"),
        "rare": _("a rare detail (an exact age, twins, a very large family)"),
    }


def find_identifiers(text: str, *, known_names: Iterable[str] = ()) -> list[Finding]:
    """Everything in ``text`` that may identify a person; ``known_names`` are the
    household's names (members' first and last names, its name and street)."""
    findings: list[Finding] = []
    if not text:
        return findings
    for kind, pattern in PATTERNS:
        findings += [Finding(kind, match.group(0).strip()) for match in pattern.finditer(text)]
    for match in _NINE_DIGITS.finditer(text):
        digits = re.sub(r"[ .]", "", match.group(1))
        if elfproef(digits):
            findings.append(Finding("bsn", match.group(1)))
    for name in sorted({n.strip() for n in known_names if n and len(n.strip()) >= 3}):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            findings.append(Finding("name", name))
    return findings


def describe(findings: list[Finding]) -> str:
    """The Dutch message for a field: what was found, and what to do."""
    labels = _labels()
    kinds = list(dict.fromkeys(labels[f.kind] for f in findings))
    shown = ", ".join(dict.fromkeys(f"“{f.text}”" for f in findings))
    return _(
        "This text may identify the household: %(kinds)s (%(found)s). "
        "Rewrite it without names, addresses, dates, numbers or rare details."
    ) % {"kinds": ", ".join(kinds), "found": shown}


def check_texts(texts: dict[str, str], *, known_names: Iterable[str] = ()) -> dict[str, str]:
    """``{field: message}`` for every text that holds an identifier."""
    names = list(known_names)
    errors: dict[str, str] = {}
    for field, text in texts.items():
        findings = find_identifiers(text, known_names=names)
        if findings:
            errors[field] = describe(findings)
    return errors
