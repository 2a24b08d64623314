"""TEMPORARY: replaced by the pages of the breakthrough tables (being written)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


table_overview = _missing
table_detail = _missing
meeting_create = _missing
meeting_detail = _missing
meeting_edit = _missing
meeting_cancel = _missing
agenda_propose = _missing
agenda_add = _missing
agenda_publish = _missing
agenda_move = _missing
agenda_postpone = _missing
meeting_open = _missing
meeting_mode = _missing
attendance = _missing
decision_record = _missing
decision_correct = _missing
meeting_close = _missing
minutes = _missing
minutes_send = _missing
follow_up = _missing
follow_up_done = _missing
