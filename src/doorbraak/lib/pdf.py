"""Every PDF of Doorbraak goes through :func:`html_to_pdf`: tagged (PDF/UA-1), with a title
and a language, so a screen reader can read the plan, the minutes and the reports.

WeasyPrint takes the document title from ``<title>`` and the language from
``<html lang="…">``; a template without either is a mistake, refused here rather than
shipped as an anonymous, untagged PDF.
"""

from __future__ import annotations

import re

_TITLE = re.compile(r"<title>\s*\S", re.IGNORECASE)
_LANG = re.compile(r"<html[^>]*\slang=\"[a-z]{2}", re.IGNORECASE)

# PDF/UA-1: a structure tree (tags), the document language and the title shown in the
# viewer's title bar instead of the file name.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document to a tagged PDF; nothing is fetched from outside."""
    # Inside the function: WeasyPrint loads Pango and fonts at import (about a second);
    # only the few requests that make a PDF should pay for that.
    from weasyprint import HTML

    if not _TITLE.search(html):
        raise ValueError("A PDF needs a <title>: it becomes the document title.")
    if not _LANG.search(html):
        raise ValueError('A PDF needs <html lang="…">: it becomes the document language.')
    # No base_url: the document fetches nothing from outside.
    return bytes(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))
