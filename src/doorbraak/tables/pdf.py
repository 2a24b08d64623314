"""The minutes of a meeting as a PDF: minimised cases only, in the NL Design System look.

The minutes go to every member, so they never carry a name, address or BSN: initials,
district and age band identify a case well enough for the people who were there. Every
download is in the processing log (export, activity breakthrough table), once per household.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from doorbraak.accounts.models import User
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Household
from doorbraak.lib.pdf import html_to_pdf
from doorbraak.tables import selectors
from doorbraak.tables.models import Attendance, Meeting
from doorbraak.tables.processing import case_entry, log_table_cases


def minutes_pdf(meeting: Meeting, user: User) -> bytes:
    """Render ``tables/minutes_pdf.html`` with WeasyPrint and log the export."""
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
    content = html_to_pdf(html)
    # Once per household, however many of its cases were on the agenda.
    households: dict[int, Household] = {}
    for row in rows:
        if row.case is not None:
            household = row.case.breakthrough.household
            households.setdefault(household.pk, household)
    log_table_cases(
        actor=user,
        action=ProcessingAction.EXPORT,
        entries=[case_entry(h, "tables.meeting", meeting.pk) for h in households.values()],
    )
    return content
