"""Dutch is the default and complete: every message of ours has a Dutch translation."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "src" / "doorbraak" / "locale"


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
