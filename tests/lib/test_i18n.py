"""Dutch is the default and complete: every message of ours has a Dutch translation."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
from django.core.management import call_command
from django.test import override_settings

SRC = Path(__file__).resolve().parents[2] / "src" / "doorbraak"
LOCALE = SRC / "locale"

# What is not text a reader sees: template comments, translated blocks, variables, tags,
# scripts and styles. Each is blanked (keeping its line breaks) before the scan.
_NOT_TEXT = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
]
# Attributes a screen reader or a tooltip reads out.
_READ_ATTRIBUTES = re.compile(
    r'\b(?:aria-label|aria-description|aria-roledescription|title|alt|placeholder)="[^"]*"', re.I
)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#\w]+;")
_WORD = re.compile(r"[^\W\d_][\w'-]*")
# The same in Dutch and English: the name of the application and abbreviations.
_SAME_IN_EVERY_LANGUAGE = {"Doorbraak", "BSN", "IBAN", "BIC", "CSV", "PDF", "API", "SEPA", "×"}


def hard_coded_text(template: str) -> list[str]:
    """The lines of visible text (and read-out attributes) outside the translation tags."""
    for pattern in _NOT_TEXT:
        template = pattern.sub(lambda match: "\n" * match.group(0).count("\n"), template)
    found = [
        match.group(0)
        for match in _READ_ATTRIBUTES.finditer(template)
        if _WORD.search(_ENTITY.sub("", match.group(0).split("=", 1)[1]))
    ]
    text = _TAG.sub(lambda match: "\n" * match.group(0).count("\n") + " ", template)
    text = _ENTITY.sub(" ", text)
    for line in text.split("\n"):
        if any(word not in _SAME_IN_EVERY_LANGUAGE for word in _WORD.findall(line)):
            found.append(line.strip())
    return found


def test_the_dutch_catalogue_is_complete_and_compiled() -> None:
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    mo = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"
    assert mo.exists()
    compiled = {entry.msgid for entry in polib.mofile(str(mo))}
    assert {entry.msgid for entry in po.translated_entries()} <= compiled, "run `make messages`"


def test_the_english_catalogue_is_complete_and_says_what_the_code_says() -> None:
    """The msgids are English: the English catalogue repeats them. An entry left empty or
    fuzzy, or an English "translation" that says something else (a copy-paste slip), would
    show the wrong text in English mode."""
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    assert not [entry.msgid for entry in po.untranslated_entries()], "fill in en"
    assert not [entry.msgid for entry in po.fuzzy_entries()], "fuzzy in en"
    different = [
        entry.msgid
        for entry in po.translated_entries()
        if (
            [entry.msgstr_plural[0], entry.msgstr_plural[1]] != [entry.msgid, entry.msgid_plural]
            if entry.msgid_plural
            else entry.msgstr != entry.msgid
        )
    ]
    assert not different, f"English text that differs from the code's: {different}"


def _catalogue_from_source(tmp_path: Path) -> polib.POFile:
    """``makemessages`` over a copy of the source, merged with a copy of our catalogue: what
    ``make messages`` would produce now. New msgids come out untranslated."""
    copy = tmp_path / "doorbraak"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("dist", "__pycache__", "*.mo"))
    here = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=["nl"],
                no_location=True,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(here)
    return polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))


def test_every_message_in_the_source_has_a_dutch_translation(tmp_path: Path) -> None:
    """A gettext call or {% translate %} added without `make messages` (or with an empty or
    fuzzy Dutch msgstr) fails here, not in front of a Dutch user."""
    po = _catalogue_from_source(tmp_path)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"no Dutch yet (run `make messages`, fill in nl): {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_templates_have_no_hard_coded_text() -> None:
    """Visible text in templates stands in {% translate %} or {% blocktranslate %}."""
    found = {
        str(path.relative_to(SRC)): hits
        for path in sorted(SRC.glob("**/templates/**/*.html"))
        if (hits := hard_coded_text(path.read_text()))
    }
    assert not found, f"text outside {{% translate %}}: {found}"


def test_the_template_scanner_finds_planted_text() -> None:
    assert hard_coded_text("<p>Who will read it</p>") == ["Who will read it"]
    assert hard_coded_text('<a aria-label="Close">×</a>') == ['aria-label="Close"']
    assert not hard_coded_text(
        '{% load i18n %}<p class="x">{% translate "Save" %}: {{ amount }} · 3 / 4 &middot;</p>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}"
        "{% comment %}Notes{% endcomment %}{# note #}<script>let a = 1;</script>"
        '<a href="/x" aria-label="{% translate "Close" %}">Doorbraak</a>'
    )


# The names xgettext looks for (makemessages' keywords): a gettext imported under another
# name is never extracted, and its text stays English in Dutch mode.
_EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
_GETTEXT_IMPORT = re.compile(r"import\s+(\w*gettext\w*)(?:\s+as\s+(\w+))?")


def test_gettext_is_imported_under_a_name_makemessages_extracts() -> None:
    wrong = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in sorted(SRC.glob("**/*.py"))
        for match in _GETTEXT_IMPORT.finditer(path.read_text())
        if (match.group(2) or match.group(1)) not in _EXTRACTED_NAMES
    ]
    assert not wrong, f"makemessages does not see these: {wrong}"
