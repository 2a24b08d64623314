"""Pages of the breakthrough tables: tables, meetings, the agenda, meeting mode, minutes, follow-up.

Objects come through the selectors (404 outside the user's tables; reads of case data are
in the processing log). Changes go through the services: their ``ValidationError`` is
shown on the page with status 200 and nothing changes; ``Refused`` is a 403.
Meeting mode answers htmx with the refreshed item panel and works as plain POST too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.models import Organisation, User
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.lib.access import Lookup, Refused, page
from doorbraak.lib.views import submit
from doorbraak.tables import policies, selectors, services
from doorbraak.tables.forms import (
    MAX_ACTIONS,
    ActionForm,
    AgendaAddForm,
    AttendanceForm,
    BaseActionFormSet,
    DecisionForm,
    FollowUpDoneForm,
    MeetingForm,
    MoveForm,
    PostponeForm,
    YearForm,
    action_formset,
    add_service_errors,
)
from doorbraak.tables.models import (
    AgendaItem,
    AgendaItemStatus,
    Attendance,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
)
from doorbraak.tables.pdf import minutes_pdf

#: The objects of the URLs, 404 outside the tables the user sits at.
TABLE = Lookup("table", selectors.table_get)
MEETING = Lookup("meeting", selectors.meeting_get)
AGENDA_ITEM = Lookup("item", selectors.agenda_item_get)
DECISION = Lookup("decision", selectors.decision_get)
FOLLOW_UP = Lookup("action", selectors.follow_up_get)

PANEL_TEMPLATE = "tables/_item_panel.html"


# --- helpers ----------------------------------------------------------------------------------
def _reread(request: AuthenticatedHttpRequest, meeting: Meeting) -> Meeting:
    """The meeting again, as the page shows it after a change or a refused one."""
    return MEETING.resolve(request, meeting.pk)


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _organisations(table: BreakthroughTable) -> QuerySet[Organisation]:
    """Who can carry out a decision: the members' organisations and those of the municipality."""
    member_organisations = TableMember.objects.filter(table=table, active=True).values(
        "organisation_id"
    )
    return Organisation.objects.filter(
        Q(pk__in=member_organisations) | Q(municipality_id=table.municipality_id)
    ).order_by("name")


def _people(table: BreakthroughTable) -> QuerySet[User]:
    """The table's members and its chair."""
    return (
        User.objects.filter(
            Q(table_memberships__table=table, table_memberships__active=True) | Q(pk=table.chair_id)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _choices(table: BreakthroughTable) -> dict[str, Any]:
    return {"organisations": _organisations(table), "users": _people(table)}


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents).scaleb(-2)


def _to_meeting(meeting: Meeting) -> HttpResponse:
    return redirect("tables:meeting-detail", pk=meeting.pk)


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    form: Any,
    title: str,
    submit: str,
    back_url: str,
    intro: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "tables/form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back_url": back_url,
            "intro": intro or [],
        },
    )


# --- tables -------------------------------------------------------------------------------------
@require_GET
@page(policies.can_use_tables)
def table_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "tables/overview.html",
        {
            "tables": list(selectors.table_list(user=request.user)),
            "upcoming": list(selectors.upcoming_meetings(user=request.user)[:20]),
        },
    )


@require_GET
@page(policies.can_use_tables, obj=TABLE)
def table_detail(request: AuthenticatedHttpRequest, table: BreakthroughTable) -> HttpResponse:
    year_form = YearForm(request.GET)
    year = timezone.localdate().year
    if year_form.is_valid() and year_form.cleaned_data["jaar"]:
        year = year_form.cleaned_data["jaar"]
    meetings = list(selectors.meeting_list(user=request.user, table=table))
    running = (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS)
    return render(
        request,
        "tables/table_detail.html",
        {
            "table": table,
            "members": list(selectors.table_members(table=table)),
            "upcoming": sorted(
                (m for m in meetings if m.status in running), key=lambda m: m.starts_at
            ),
            "past": [m for m in meetings if m.status not in running],
            "figures": selectors.table_figures(table=table, year=year),
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "is_chair": policies.is_chair(request.user, table),
        },
    )


# --- meetings -----------------------------------------------------------------------------------
@page(policies.can_use_tables, obj=TABLE, allow=policies.is_chair)
def meeting_create(request: AuthenticatedHttpRequest, table: BreakthroughTable) -> HttpResponse:
    form = MeetingForm(request.POST if request.method == "POST" else None)
    return submit(
        request,
        form,
        action=lambda data: services.meeting_schedule(
            actor=request.user,
            table=table,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data["location"],
            online_url=data["online_url"],
        ),
        put_errors=add_service_errors,
        success=_("The meeting is scheduled; the agenda is proposed."),
        redirect_to=lambda meeting: reverse("tables:meeting-detail", args=[meeting.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Schedule a meeting of %(table)s") % {"table": table.name},
            submit=_("Schedule the meeting"),
            back_url=reverse("tables:table-detail", args=[table.pk]),
            intro=[
                _(
                    "The agenda is proposed from the cases that reached the table, the most "
                    "urgent first. You can change it afterwards."
                )
            ],
        ),
    )


@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def meeting_edit(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    if request.method == "POST":
        form = MeetingForm(request.POST)
    else:
        form = MeetingForm(
            initial={
                **MeetingForm.initial_for(meeting.starts_at, meeting.ends_at),
                "location": meeting.location,
                "online_url": meeting.online_url,
            }
        )
    return submit(
        request,
        form,
        action=lambda data: services.meeting_reschedule(
            actor=request.user,
            meeting=meeting,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data["location"],
            online_url=data["online_url"],
        ),
        put_errors=add_service_errors,
        success=_("The meeting is changed."),
        redirect_to=reverse("tables:meeting-detail", args=[meeting.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Change the meeting"),
            submit=_("Save"),
            back_url=reverse("tables:meeting-detail", args=[meeting.pk]),
        ),
    )


def _detail_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    errors: list[str] | None = None,
    add_form: AgendaAddForm | None = None,
) -> HttpResponse:
    user = request.user
    is_chair = policies.is_chair(user, meeting.table)
    can_run = is_chair and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS)
    case_number: int | None = None
    picker: dict[str, Any] = {}
    if can_run:
        if add_form is None:
            add_form = AgendaAddForm(
                candidates=selectors.candidates_to_add(user=user, meeting=meeting)
            )
        # The picker lists the most urgent cases, or the one looked up by number
        # (``?zaak=``), and keeps a case that was POSTed; never every candidate.
        asked = request.GET.get("zaak", "").strip().lstrip("#")
        case_number = int(asked) if asked.isdigit() and len(asked) < 19 else None
        listed = selectors.agenda_picker(user=user, meeting=meeting, case_number=case_number)
        posted = add_form.chosen()
        if posted is not None and all(b.pk != posted.pk for b in listed):
            listed.insert(0, posted)
        add_form.offer(listed)
        picker = {
            "asked": asked,
            "case_number": case_number,
            "found": bool(listed),
            "size": selectors.PICKER_SIZE,
        }
    rows = selectors.agenda(user=user, meeting=meeting)
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__user", "member__organisation")
        .order_by("member__organisation__name", "member__user__last_name")
    )
    return render(
        request,
        "tables/meeting_detail.html",
        {
            "meeting": meeting,
            "table": meeting.table,
            "rows": rows,
            "is_chair": is_chair,
            "can_run": can_run,
            "add_form": add_form if can_run else None,
            "picker": picker,
            "attendance": attendance,
            "errors": errors or [],
            "today": timezone.localdate(),
            "item_count": len(rows),
        },
    )


@require_GET
@page(policies.can_use_tables, obj=MEETING)
def meeting_detail(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    return _detail_page(request, meeting)


def _chair_action(
    request: AuthenticatedHttpRequest, meeting: Meeting, action: Any, success: str
) -> HttpResponse:
    """A button on the meeting page: run the service, or show its objection on the page."""
    try:
        action(actor=request.user, meeting=meeting)
    except ValidationError as error:
        return _detail_page(request, _reread(request, meeting), errors=list(error.messages))
    messages.success(request, success)
    return _to_meeting(meeting)


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def meeting_cancel(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as error:
        return _detail_page(request, _reread(request, meeting), errors=list(error.messages))
    messages.success(request, _("The meeting is cancelled; its cases go to the next meeting."))
    return redirect("tables:table-detail", pk=meeting.table_id)


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def agenda_propose(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    return _chair_action(
        request, meeting, services.agenda_propose, _("Cases that waited for the table are added.")
    )


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def agenda_add(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    form = AgendaAddForm(
        request.POST,
        candidates=selectors.candidates_to_add(user=request.user, meeting=meeting),
    )
    return submit(
        request,
        form,
        action=lambda data: services.agenda_add(
            actor=request.user,
            meeting=meeting,
            breakthrough=data["breakthrough"],
            note=data["note"],
        ),
        put_errors=add_service_errors,
        success=_("The case is on the agenda."),
        redirect_to=reverse("tables:meeting-detail", args=[meeting.pk]),
        page=lambda: _detail_page(request, _reread(request, meeting), add_form=form),
    )


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def agenda_publish(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    return _chair_action(
        request, meeting, services.agenda_publish, _("The members are told the agenda is ready.")
    )


@require_POST
@page(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
def agenda_move(request: AuthenticatedHttpRequest, item: AgendaItem) -> HttpResponse:
    meeting = item.meeting
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail_page(
            request, _reread(request, meeting), errors=[_("Choose a valid position.")]
        )
    try:
        services.agenda_move(actor=request.user, item=item, position=form.cleaned_data["position"])
    except ValidationError as error:
        return _detail_page(request, _reread(request, meeting), errors=list(error.messages))
    return redirect(reverse("tables:meeting-detail", args=[meeting.pk]) + f"#punt-{item.pk}")


@require_POST
@page(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
def agenda_postpone(request: AuthenticatedHttpRequest, item: AgendaItem) -> HttpResponse:
    meeting = item.meeting
    form = PostponeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.agenda_postpone(actor=request.user, item=item, note=note)
    except ValidationError as error:
        return _detail_page(request, _reread(request, meeting), errors=list(error.messages))
    messages.success(request, _("The item is postponed."))
    if request.POST.get("next") == "mode":
        return redirect("tables:meeting-mode", pk=meeting.pk)
    return _to_meeting(meeting)


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def meeting_open(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    try:
        services.meeting_open(actor=request.user, meeting=meeting)
    except ValidationError as error:
        return _detail_page(request, _reread(request, meeting), errors=list(error.messages))
    messages.success(request, _("The meeting has started."))
    return redirect("tables:meeting-mode", pk=meeting.pk)


# --- meeting mode -------------------------------------------------------------------------------
def _row_index(rows: list[selectors.AgendaRow], item_pk: int | None) -> int:
    """The requested item, else the first that is still open, else the first."""
    for index, row in enumerate(rows):
        if row.item.pk == item_pk:
            return index
    for index, row in enumerate(rows):
        if row.item.status == AgendaItemStatus.OPEN:
            return index
    return 0


def _decision_forms(
    meeting: Meeting, row: selectors.AgendaRow | None
) -> tuple[DecisionForm, BaseActionFormSet]:
    """Unbound forms for the item, filled with the decision recorded so far."""
    choices = _choices(meeting.table)
    initial: dict[str, Any] = {}
    decision = row.decision if row else None
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "responsible_organisation": decision.responsible_organisation_id,
            "responsible_user": decision.responsible_user_id,
            "fund_amount": _euros(decision.fund_amount_cents),
            "fund_purpose": decision.fund_purpose,
        }
    form = DecisionForm(initial=initial, auto_id="id_decision_%s", **choices)
    existing = list(decision.follow_up_actions.all())[:MAX_ACTIONS] if decision else []
    actions = action_formset(
        None,
        initial=[
            {
                "description": a.description,
                "organisation": a.organisation_id,
                "due_on": a.due_on,
                "responsible_user": a.responsible_user_id,
            }
            for a in existing
        ],
        **choices,
    )
    return form, actions


def _panel_context(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    rows: list[selectors.AgendaRow],
    index: int,
    *,
    form: DecisionForm | None = None,
    actions: BaseActionFormSet | None = None,
    status: str = "",
) -> dict[str, Any]:
    row = rows[index] if rows else None
    if form is None or actions is None:
        form, actions = _decision_forms(meeting, row)
    return {
        "meeting": meeting,
        "rows": rows,
        "row": row,
        "number": index + 1,
        "count": len(rows),
        "previous": rows[index - 1] if rows and index > 0 else None,
        "next": rows[index + 1] if rows and index + 1 < len(rows) else None,
        "form": form,
        "actions": actions,
        "status": status,
        "today": timezone.localdate(),
        "in_progress": meeting.status == MeetingStatus.IN_PROGRESS,
    }


def _mode_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    item_pk: int | None = None,
    form: DecisionForm | None = None,
    actions: BaseActionFormSet | None = None,
    attendance_form: AttendanceForm | None = None,
    status: str = "",
    panel_only: bool = False,
) -> HttpResponse:
    rows = selectors.agenda(user=request.user, meeting=meeting)
    index = _row_index(rows, item_pk)
    context = _panel_context(
        request, meeting, rows, index, form=form, actions=actions, status=status
    )
    if panel_only:
        return render(request, PANEL_TEMPLATE, context)
    members = list(selectors.table_members(table=meeting.table))
    if attendance_form is None:
        present = dict(
            Attendance.objects.filter(meeting=meeting).values_list("member_id", "present")
        )
        attendance_form = AttendanceForm(members=members, present=present)
    context.update(
        {
            "table": meeting.table,
            "attendance_form": attendance_form,
            "current_pk": context["row"].item.pk if context["row"] else None,
        }
    )
    return render(request, "tables/meeting_mode.html", context)


def _item_param(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("punt", "")
    return int(value) if value.isdigit() else None


@require_GET
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def meeting_mode(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    if meeting.status != MeetingStatus.IN_PROGRESS:
        messages.info(request, _("Meeting mode is available while the meeting is in progress."))
        return _to_meeting(meeting)
    return _mode_page(request, meeting, item_pk=_item_param(request), panel_only=_is_htmx(request))


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def attendance(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    members = list(selectors.table_members(table=meeting.table))
    form = AttendanceForm(request.POST, members=members, present={})

    def record_attendance(_data: dict[str, Any]) -> None:
        for member, present in form.presence():
            services.attendance_record(
                actor=request.user, meeting=meeting, member=member, present=present
            )

    return submit(
        request,
        form,
        action=record_attendance,
        put_errors=add_service_errors,
        success=_("The attendance is recorded."),
        redirect_to=reverse("tables:meeting-mode", args=[meeting.pk]),
        page=lambda: _mode_page(request, meeting, attendance_form=form),
    )


def _action_data(actions: BaseActionFormSet) -> list[services.ActionData]:
    return [
        services.ActionData(
            description=f.cleaned_data["description"],
            organisation=f.cleaned_data["organisation"],
            due_on=f.cleaned_data["due_on"],
            responsible_user=f.cleaned_data.get("responsible_user"),
        )
        for f in actions.filled()
    ]


def _add_decision_errors(
    form: DecisionForm, actions: BaseActionFormSet, error: ValidationError
) -> None:
    """Service errors on the decision form; ``actions.N`` on the N-th filled action."""
    filled: list[ActionForm] = actions.filled()
    if hasattr(error, "error_dict"):
        rest: dict[str, list[str]] = {}
        for key, messages_ in error.message_dict.items():
            if key.startswith("actions."):
                number = int(key.split(".", 1)[1])
                target = filled[number - 1] if 0 < number <= len(filled) else None
                for message in messages_:
                    if target is not None:
                        target.add_error("due_on" if "deadline" in key else None, message)
                    else:
                        form.add_error(None, message)
            else:
                rest[key] = messages_
        if rest:
            add_service_errors(form, ValidationError(rest))
    else:
        add_service_errors(form, error)


@require_POST
@page(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
def decision_record(request: AuthenticatedHttpRequest, item: AgendaItem) -> HttpResponse:
    meeting = _reread(request, item.meeting)
    choices = _choices(meeting.table)
    form = DecisionForm(request.POST, auto_id="id_decision_%s", **choices)
    actions = action_formset(request.POST, **choices)
    htmx = _is_htmx(request)
    if form.is_valid() and actions.is_valid():
        try:
            services.decision_record(
                actor=request.user,
                item=item,
                actions=_action_data(actions),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_decision_errors(form, actions, error)
        else:
            status = _("The decision on item %(n)d is recorded.") % {"n": item.position}
            rows = selectors.agenda(user=request.user, meeting=meeting)
            index = _row_index(rows, item.pk)
            following = rows[index + 1] if index + 1 < len(rows) else rows[index]
            if htmx:
                context = _panel_context(
                    request, meeting, rows, rows.index(following), status=status
                )
                response = render(request, PANEL_TEMPLATE, context)
                response["HX-Push-Url"] = (
                    reverse("tables:meeting-mode", args=[meeting.pk]) + f"?punt={following.item.pk}"
                )
                return response
            messages.success(request, status)
            return redirect(
                reverse("tables:meeting-mode", args=[meeting.pk]) + f"?punt={following.item.pk}"
            )
    return _mode_page(
        request, meeting, item_pk=item.pk, form=form, actions=actions, panel_only=htmx
    )


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def meeting_close(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    return _chair_action(
        request,
        meeting,
        services.meeting_close,
        _("The meeting is closed. The decisions are final and the people responsible are told."),
    )


@page(policies.can_use_tables, obj=DECISION, allow=policies.chairs_meeting_of_decision)
def decision_correct(request: AuthenticatedHttpRequest, decision: TableDecision) -> HttpResponse:
    meeting = decision.item.meeting
    choices = _choices(meeting.table)
    if request.method == "POST":
        form = DecisionForm(request.POST, **choices)
    else:
        form = DecisionForm(
            initial={
                "outcome": decision.outcome,
                "responsible_organisation": decision.responsible_organisation_id,
                "responsible_user": decision.responsible_user_id,
                "fund_amount": _euros(decision.fund_amount_cents),
                "fund_purpose": decision.fund_purpose,
            },
            **choices,
        )
    return submit(
        request,
        form,
        action=lambda _data: services.decision_correct(
            actor=request.user, decision=decision, **form.service_kwargs()
        ),
        put_errors=add_service_errors,
        success=_("The correction is recorded next to the decision."),
        redirect_to=reverse("tables:meeting-detail", args=[meeting.pk]),
        template="tables/decision_correct.html",
        context={
            "form": form,
            "decision": decision,
            "meeting": meeting,
            "back_url": reverse("tables:meeting-detail", args=[meeting.pk]),
        },
    )


# --- minutes -----------------------------------------------------------------------------------
@require_GET
@page(policies.can_use_tables, obj=MEETING)
def minutes(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    if not meeting.is_closed:
        raise Http404
    content = minutes_pdf(meeting, request.user)
    response = HttpResponse(content, content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="notulen-{day}.pdf"'
    return response


@require_POST
@page(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
def minutes_send(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    return _chair_action(
        request, meeting, services.minutes_send, _("The members are told the minutes are ready.")
    )


# --- follow-up ---------------------------------------------------------------------------------
def _follow_up_page(
    request: AuthenticatedHttpRequest,
    *,
    bound: tuple[int, FollowUpDoneForm] | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    groups = []
    for group in selectors.follow_up_dashboard(user=user):
        rows = []
        for action in group.actions:
            form = None
            if policies.can_complete_follow_up(user, action):
                if bound is not None and bound[0] == action.pk:
                    form = bound[1]
                else:
                    form = FollowUpDoneForm(
                        initial={"done_on": today}, auto_id=f"id_done{action.pk}_%s"
                    )
            rows.append({"action": action, "form": form, "overdue": action.due_on < today})
        groups.append({"group": group, "rows": rows})
    return render(request, "tables/follow_up.html", {"groups": groups, "today": today})


@require_GET
@page(policies.can_use_tables)
def follow_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _follow_up_page(request)


@require_POST
@page(policies.can_use_tables, obj=FOLLOW_UP)
def follow_up_done(request: AuthenticatedHttpRequest, action: FollowUpAction) -> HttpResponse:
    if not policies.can_complete_follow_up(request.user, action) and action.done_on is None:
        raise Refused
    form = FollowUpDoneForm(request.POST, auto_id=f"id_done{action.pk}_%s")

    def follow_up_page() -> HttpResponse:
        if action.done_on is not None:
            messages.info(request, _("This action is already done."))
            return redirect("tables:follow-up")
        return _follow_up_page(request, bound=(action.pk, form))

    return submit(
        request,
        form,
        action=lambda data: services.follow_up_done(
            actor=request.user, action=action, done_on=data["done_on"], note=data["note"]
        ),
        put_errors=add_service_errors,
        success=_("The action is done."),
        redirect_to="tables:follow-up",
        page=follow_up_page,
    )
