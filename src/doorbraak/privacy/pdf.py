"""The access overview as a PDF for the person: plain Dutch, tagged for screen readers."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.privacy.overview import AccessOverview


def overview_pdf(overview: AccessOverview) -> bytes:
    """Render ``privacy/overview_pdf.html`` with WeasyPrint: a tagged PDF (structure for
    assistive technology), language Dutch, the title in its metadata."""
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string("privacy/overview_pdf.html", {"overview": overview})
    # No base_url: the document fetches nothing from outside.
    return bytes(HTML(string=html).write_pdf(pdf_tags=True))
