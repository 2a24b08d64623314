"""Dutch personal names: split a full name into first name, tussenvoegsel and surname.

"Cato de Boer" is first name "Cato", infix (tussenvoegsel) "de" and surname "Boer"; "Jan van
der Berg" is "Jan", "van der", "Berg". A referral carries the resident's name as one text; the
intake pre-fills the member's fields with :func:`split_name`. A guess, never a rule: the worker
checks the fields before saving.
"""

from __future__ import annotations

#: Words that make up a tussenvoegsel, lower case. A run of them between the first name and
#: the surname is the infix ("van der", "in 't", "van de", "ten", "ter", …).
INFIX_WORDS: frozenset[str] = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "’t",
        "t",
        "in",
        "op",
        "ter",
        "ten",
        "te",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "della",
        "des",
        "el",
        "al",
        "uit",
        "uijt",
        "aan",
        "bij",
        "onder",
        "over",
        "voor",
        "vander",
        "vanden",
        "vd",
        "v.d.",
        "d'",
        "l'",
    }
)


def _is_infix_word(word: str) -> bool:
    return word.lower() in INFIX_WORDS


def split_name(full: str) -> tuple[str, str, str]:
    """``(first, infix, last)`` of a Dutch full name; the parts keep their spelling.

    The first word is the first name (or first names: everything before the first
    tussenvoegsel word when there is one after the first word), the last word(s) after the
    tussenvoegsel run the surname. A single word is a surname only. A name whose words are
    all tussenvoegsel words after the first (rare) keeps the last one as the surname.
    """
    words = full.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    if _is_infix_word(words[0]):  # "de Boer": no first name given
        words = ["", *words]
    # The infix starts at the first tussenvoegsel word after the first name(s).
    start = next((i for i in range(1, len(words)) if _is_infix_word(words[i])), None)
    if start is None:
        return " ".join(words[:-1]), "", words[-1]
    end = start
    while end < len(words) - 1 and _is_infix_word(words[end]):
        end += 1
    if end == start:  # a single trailing "van" etc.: no surname after it; treat as surname
        return " ".join(words[:-1]), "", words[-1]
    return " ".join(words[:start]).strip(), " ".join(words[start:end]), " ".join(words[end:])


def join_name(first: str, infix: str, last: str) -> str:
    """The name as written: "Cato de Boer"; empty parts are left out."""
    return " ".join(part for part in (first.strip(), infix.strip(), last.strip()) if part)
