"""Every PDF is tagged (PDF/UA-1), with a title and a language: lib.pdf.html_to_pdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from doorbraak.lib.pdf import html_to_pdf

SRC = Path(__file__).resolve().parents[2] / "src" / "doorbraak"

DOCUMENT = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Uw plan</title></head>'
    "<body><h1>Uw plan</h1><p>Wat u gaat doen.</p><table><tr><th>Doel</th><td>Werk</td></tr>"
    "</table></body></html>"
)


def test_the_pdf_is_tagged_with_title_and_language() -> None:
    reader = PdfReader(io.BytesIO(html_to_pdf(DOCUMENT)))
    root = reader.root_object
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "nl"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None
    assert reader.metadata.title == "Uw plan"
    # The viewer shows the title, not the file name (PDF/UA).
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


@pytest.mark.parametrize(
    "html",
    [
        DOCUMENT.replace("<title>Uw plan</title>", ""),
        DOCUMENT.replace(' lang="nl"', ""),
    ],
)
def test_a_document_without_title_or_language_is_refused(html: str) -> None:
    with pytest.raises(ValueError, match="A PDF needs"):
        html_to_pdf(html)


def test_only_lib_pdf_calls_weasyprint() -> None:
    callers = [
        str(path.relative_to(SRC))
        for path in SRC.glob("**/*.py")
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(), re.M)
    ]
    assert callers == ["lib/pdf.py"]
