"""The minutes of a meeting as a PDF: minimised cases only, in the NL Design System look.

The minutes go to every member, so they never carry a name, address or BSN: initials,
district and age band identify a case well enough for the people who were there. Every
download is in the processing log (export, activity breakthrough table), once per household.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record_many
from doorbraak.households.services import household_subjects
from doorbraak.tables import selectors
from doorbraak.tables.models import Attendance, Meeting


def _log_export(meeting: Meeting, user: User, rows: list[selectors.AgendaRow]) -> None:
    seen: set[int] = set()
    entries: list[LogEntry] = []
    for row in rows:
        if row.case is None:
            continue
        household = row.case.breakthrough.household
        if household.pk in seen:
            continue
        seen.add(household.pk)
        entries.append(
            LogEntry(
                object_type="tables.meeting",
                object_id=meeting.pk,
                subjects=household_subjects(household),
                municipality=household.municipality,
            )
        )
    if entries:
        processing_log_record_many(
            actor=user,
            action=ProcessingAction.EXPORT,
            activity=ProcessingActivity.BREAKTHROUGH_TABLE,
            entries=entries,
        )


def minutes_pdf(meeting: Meeting, user: User) -> bytes:
    """Render ``tables/minutes_pdf.html`` with WeasyPrint and log the export."""
    from weasyprint import HTML

    rows = selectors.agenda(user=user, meeting=meeting)
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__user", "member__organisation")
        .order_by("member__organisation__name", "member__user__last_name")
    )
    with translation.override("nl"):
        html = render_to_string(
            "tables/minutes_pdf.html",
            {
                "meeting": meeting,
                "table": meeting.table,
                "rows": rows,
                "attendance": attendance,
                "starts_at": timezone.localtime(meeting.starts_at),
                "ends_at": timezone.localtime(meeting.ends_at),
                "today": timezone.localdate(),
            },
        )
    # No base_url: the document fetches nothing from outside.
    content = bytes(HTML(string=html).write_pdf())
    _log_export(meeting, user, rows)
    return content
