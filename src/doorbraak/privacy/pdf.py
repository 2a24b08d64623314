"""The access overview as a PDF for the person: plain Dutch, tagged for screen readers."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.lib.pdf import html_to_pdf
from doorbraak.privacy.overview import AccessOverview


def overview_pdf(overview: AccessOverview) -> bytes:
    """Render ``privacy/overview_pdf.html`` through ``lib.pdf``: a tagged PDF/UA-1
    (structure for assistive technology), language Dutch, the title in its metadata."""
    with translation.override("nl"):
        html = render_to_string("privacy/overview_pdf.html", {"overview": overview})
    return html_to_pdf(html)
