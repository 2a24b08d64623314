"""Pages of households and referrals: the daily work of the coordinator (regiehouder).

Every household page fetches its household through ``selectors.household_open``: 404 for
anyone outside the household's team, and the read is written to the processing log.
Members, professionals and consents are looked up within that household. Changes go
through the services; their ``ValidationError`` is shown on the form and nothing changes.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.models import District, Municipality, Role, Team, User
from doorbraak.accounts.selectors import (
    active_memberships,
    municipality_ids_of,
    organisation_list,
    primary_membership,
)
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.households import policies, selectors, services
from doorbraak.households.forms import (
    AddressForm,
    ConsentForm,
    ConsentWithdrawForm,
    DeclineForm,
    HandoverForm,
    HouseholdFilterForm,
    IntakeForm,
    MemberAddForm,
    MemberEditForm,
    MemberForm,
    MemberFormSet,
    MemberLeaveForm,
    ProfessionalEndForm,
    ProfessionalForm,
    ReferralForm,
    ReferralStatusFilterForm,
    TimelineFilterForm,
    filter_form_html,
)
from doorbraak.households.models import (
    Classification,
    Consent,
    EventKind,
    Household,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from doorbraak.households.probes import report_duplicate_probe
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.forms import add_service_errors, html_attrs
from doorbraak.lib.messages import render_stored
from doorbraak.lib.names import split_name
from doorbraak.lib.rows import (
    INT_PLACEHOLDER,
    UUID_PLACEHOLDER,
    choice_labels,
    day_writer,
    moment_writer,
)
from doorbraak.lib.views import submit

PAGE_SIZE = 25
_URL_PLACEHOLDER = uuid.UUID(int=0)
TIMELINE_SIZE = 50
_TEAM_ROLES = {Role.PROFESSIONAL.value, Role.TEAM_LEAD.value}
_REFERRER_ROLES = {*_TEAM_ROLES, Role.PARTNER_CONTACT.value}
_CLASSIFICATION_BADGE = {
    Classification.GREEN: "db-badge--ok",
    Classification.ORANGE: "db-badge--warning",
    Classification.RED: "db-badge--error",
}


#: The household of the URL, 404 outside the user's team; a read record except on a POST.
HOUSEHOLD = Lookup("household", selectors.household_open, "public_id", log="reads")
#: The same for the household's own page, with the lists it shows (``household_page``).
HOUSEHOLD_PAGE = Lookup("household", selectors.household_page, "public_id", log="reads")
REFERRAL = Lookup("referral", selectors.referral_open)


# --- helpers ----------------------------------------------------------------------------------
def _detail(household: Household) -> HttpResponse:
    return redirect("households:detail", public_id=household.public_id)


def _closed(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse | None:
    """Send the user back to the household page when it cannot be changed."""
    if policies.can_edit_household(request.user, household):
        return None
    messages.error(request, _("This household is closed; reopen it before making changes."))
    return _detail(household)


def _optional_url(name: str, *args: Any) -> str | None:
    """The URL of a page of another app, if that app provides it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _classification(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    return {
        "label": str(Classification(value).label),
        "css": _CLASSIFICATION_BADGE.get(Classification(value), ""),
    }


def _member_data(cleaned: dict[str, Any]) -> services.MemberData:
    return services.MemberData(
        first_name=cleaned["first_name"],
        infix=cleaned.get("infix") or "",
        last_name=cleaned["last_name"],
        birth_date=cleaned["birth_date"],
        role=MemberRole(cleaned["role"]),
        bsn=cleaned.get("bsn") or "",
        representation=cleaned.get("representation") or "",
        representative=cleaned.get("representative") or "",
    )


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    household: Household,
    form: Any,
    title: str,
    submit: str,
    intro: list[str] | None = None,
    danger: bool = False,
) -> HttpResponse:
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro or [],
            "danger": danger,
        },
    )


# --- list ---------------------------------------------------------------------------------------
@require_GET
@page(policies.can_work_on_households)
def household_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's households: search, filter by status, district and coordinator."""
    districts = District.objects.filter(
        municipality_id__in=municipality_ids_of(request.user)
    ).order_by("name")
    form = HouseholdFilterForm(request.GET or None, districts=districts)
    form_html = filter_form_html(form, districts=list(districts.values_list("pk", "name")))
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    query = filters.get("q") or ""
    district = filters.get("district")
    page_obj = selectors.household_search_page(
        user=request.user,
        query=query,
        status=filters.get("status") or "",
        district_id=district.pk if district else None,
        coordinator_is=request.user if filters.get("mine") else None,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    shown: list[Household] = list(page_obj.object_list)
    coordinators = selectors.coordinator_names(
        h.current_coordinator_id  # type: ignore[attr-defined]
        for h in shown
    )
    # One reverse() for the page instead of one {% url %} per row; every cell already a
    # string, so the template only looks keys up in plain dictionaries.
    detail_url = reverse("households:detail", args=[_URL_PLACEHOLDER])
    statuses = dict(HouseholdStatus.choices)
    rows = [
        {
            "name": h.name,
            "address": h.address,
            "url": detail_url.replace(str(_URL_PLACEHOLDER), str(h.public_id)),
            "district": h.district.name if h.district else "",
            "members": h.current_member_count,  # type: ignore[attr-defined]
            "status": statuses.get(h.status, h.status),
            "coordinator": coordinators.get(h.current_coordinator_id, ""),  # type: ignore[attr-defined]
            "classification": _classification(h.latest_classification),
        }
        for h in shown
    ]
    selectors.log_household_list(
        user=request.user, households=shown, searched=bool(query), search_term=query
    )
    querystring = urlencode(
        [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v]
    )
    return render(
        request,
        "households/household_list.html",
        {
            "form": form,
            "form_html": form_html,
            "page_obj": page_obj,
            "rows": rows,
            "querystring_without_page": querystring,
            "searched": bool(query),
        },
    )


# --- intake (with or without referral) -------------------------------------------------------
def _put_intake_errors(error: ValidationError, form: IntakeForm, rows: list[MemberForm]) -> None:
    """Service errors use ``field`` or ``members.<n>.<field>`` keys; find the right form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    member_fields = set(MemberForm.base_fields)
    for key, messages_ in error.message_dict.items():
        for message in messages_:
            target: Any = form
            field: str | None = key
            if key.startswith("members."):
                _prefix, index, field = key.split(".", 2)
                target = rows[int(index)] if int(index) < len(rows) else form
            elif key in member_fields and rows:
                target = rows[0]
            if key == NON_FIELD_ERRORS or field not in target.fields:
                field = None
            target.add_error(field, message)


def _intake_page(
    request: AuthenticatedHttpRequest,
    *,
    teams: list[Team],
    referral: Referral | None = None,
) -> HttpResponse:
    """Register a household with its members; possible duplicates are shown first."""
    if request.method == "POST":
        form = IntakeForm(request.POST, teams=teams)
        formset = MemberFormSet(request.POST, prefix="leden")
    else:
        initial: dict[str, Any] = {}
        member_initial: list[dict[str, Any]] = []
        if referral is not None:
            initial = {
                "name": referral.resident_name,
                "no_fixed_address": not referral.has_fixed_address,
                "postcode": referral.postcode,
                "house_number": referral.house_number,
                "house_number_addition": referral.house_number_addition,
                "postal_address": referral.postal_address,
                "district": referral.district_id if not referral.has_fixed_address else None,
            }
            first, infix, last = split_name(referral.resident_name)
            member_initial = [
                {"first_name": first, "infix": infix, "last_name": last, "role": MemberRole.HEAD}
            ]
        form = IntakeForm(initial=initial, teams=teams)
        formset = MemberFormSet(prefix="leden", initial=member_initial)
    duplicates: list[services.PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = formset.filled_forms()  # type: ignore[attr-defined]
        members = [_member_data(row.cleaned_data) for row in rows]
        team: Team = form.chosen_team or form.cleaned_data["team"]
        data = services.IntakeData(
            name=form.cleaned_data["name"],
            postcode=form.cleaned_data["postcode"],
            house_number=form.cleaned_data["house_number"],
            house_number_addition=form.cleaned_data["house_number_addition"],
            street=form.cleaned_data["street"],
            city=form.cleaned_data["city"],
            members=members,
            has_fixed_address=not form.cleaned_data["no_fixed_address"],
            postal_address=form.cleaned_data["postal_address"],
            district=form.cleaned_data["district"],
        )
        checked = bool(form.cleaned_data.get("duplicates_checked"))
        try:
            if referral is not None:
                household = services.intake_from_referral(
                    actor=request.user, referral=referral, intake=data, duplicates_checked=checked
                )
            else:
                household = services.household_register(
                    actor=request.user, team=team, intake=data, duplicates_checked=checked
                )
        except ValidationError as error:
            if getattr(error, "code", None) == "possible_duplicate":
                duplicates = services.household_find_duplicates(
                    actor=request.user, municipality=team.municipality, members=members
                )
                report_duplicate_probe(request, duplicates=duplicates, members=members)
                form.add_error(None, error.messages[0])
            else:
                _put_intake_errors(error, form, rows)
        else:
            messages.success(
                request,
                _(
                    "The household is registered and you are its coordinator. "
                    "Record the household's consent when you have it."
                ),
            )
            return _detail(household)
    if not duplicates and not form["duplicates_checked"].value():
        # Only asked once possible duplicates are on screen.
        form.fields["duplicates_checked"].widget = forms.HiddenInput()
    bsn_typed = request.method == "POST" and any(
        request.POST.get(f"leden-{i}-bsn") for i in range(formset.total_form_count())
    )
    return render(
        request,
        "households/intake.html",
        {
            "form": form,
            "formset": formset,
            "duplicates": duplicates,
            "duplicate_elsewhere": any(d.elsewhere for d in duplicates),
            "referral": referral,
            "bsn_typed": bsn_typed,
        },
    )


def _own_teams(user: User) -> list[Team]:
    teams: dict[int, Team] = {}
    for membership in active_memberships(user):
        if membership.role in _TEAM_ROLES and membership.team is not None:
            teams.setdefault(membership.team.pk, membership.team)
    return list(teams.values())


@sensitive_post_parameters()
@page(policies.can_work_on_households)
def household_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Intake without a referral: a team member registers a household for a resident."""
    return _intake_page(request, teams=_own_teams(request.user))


# --- the household page ------------------------------------------------------------------------
def _consent_state(consent: Consent, today: datetime.date) -> tuple[str, str]:
    if consent.withdrawn_at is not None:
        return "withdrawn", _("Withdrawn")
    if consent.valid_until is not None and consent.valid_until < today:
        return "expired", _("Expired")
    if consent.given_on > today:
        return "future", _("Not yet valid")
    return "active", _("Active")


@functools.lru_cache(maxsize=8)
def _event_kinds(language: str) -> tuple[tuple[str, str], ...]:
    """The kinds of event and their labels in ``language``: translated once per process,
    not per line (``get_kind_display()`` rebuilds and translates the whole choice list on
    every call) nor per checkbox of the filter."""
    with translation.override(language):
        return tuple((value, str(label)) for value, label in EventKind.choices)


def timeline_kinds(filter_form: TimelineFilterForm) -> list[dict[str, Any]]:
    """The filter's checkboxes with the attributes ``CheckboxSelectMultiple`` gives each
    (its classes, an error's ``aria-invalid``, the numbered id, ``checked``), without a
    widget per kind; ``_timeline_filter.html`` writes the markup."""
    bound = filter_form["soort"]
    filter_form.is_valid()  # once per form: a kind it does not know marks every checkbox
    common = {**bound.field.widget.attrs, **bound.build_widget_attrs({"id": bound.auto_id})}
    chosen = {str(v) for v in bound.value() or []}
    kinds = []
    for n, (value, label) in enumerate(_event_kinds(translation.get_language())):
        attrs = {**common, "id": f"{bound.auto_id}_{n}"}
        if value in chosen:
            attrs["checked"] = True
        kinds.append({"value": value, "label": label, "attrs": attrs})
    return kinds


def _kind_items(kinds: list[dict[str, Any]]) -> SafeString:
    """The filter's list items as the loop of ``_timeline_filter.html`` wrote them (the same
    whitespace, every value escaped): one string instead of a template loop over the kinds
    and their attributes."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            '\n      <li class="hh-kind-list__item"><label class="utrecht-form-label '
            f'utrecht-form-label--checkbox" for="{conditional_escape(kind["attrs"]["id"])}">'
            f'<input type="checkbox" name="soort" value="{conditional_escape(kind["value"])}"'
            f"{html_attrs(kind['attrs'])}> {conditional_escape(kind['label'])}</label></li>"
            "\n      "
            for kind in kinds
        )
    )


@functools.lru_cache(maxsize=8)
def _unbound_kind_items(language: str) -> SafeString:
    with translation.override(language):
        return _kind_items(timeline_kinds(TimelineFilterForm()))


def timeline_kind_items(filter_form: TimelineFilterForm) -> SafeString:
    """The filter's checkboxes as list items; those of an unfiltered page (the household
    page's) written once per process and language."""
    if not filter_form.is_bound:
        return _unbound_kind_items(translation.get_language())
    return _kind_items(timeline_kinds(filter_form))


def _timeline_context(
    household: Household, kinds: list[str], *, limit: int | None = TIMELINE_SIZE
) -> dict[str, Any]:
    """The latest events (``limit``; None for all), and where to read the rest."""
    events = selectors.timeline_lines(
        household=household, kinds=kinds, limit=limit + 1 if limit else None
    )
    labels = dict(_event_kinds(translation.get_language()))
    # The actors' names come with the events (three columns, no user object per line), and
    # each actor's name is written once for the page.
    names: dict[int, str] = {}
    # Each line shown as a dict of what ``_timeline_events.html`` writes: the template finds
    # a dict's keys at the first try (an object's attributes only after a failed key lookup).
    lines = []
    write_moment = moment_writer("DATETIME_FORMAT")  # each day's part written once
    for event in events[:limit] if limit else events:
        actor_id = event["actor_id"]
        if actor_id is not None and actor_id not in names:
            full = f"{event['actor_first_name']} {event['actor_last_name']}".strip()
            names[actor_id] = full or event["actor_username"]
        # The moment converted once and formatted once (what |date:'c' and
        # |date:"DATETIME_FORMAT" give): two date filters per line were a fifth of the
        # timeline's rendering.
        moment = timezone.localtime(event["occurred_at"])
        # ``HouseholdEvent.line`` of the row's three stored columns.
        text, lang = render_stored(event["message"], event["params"], event["summary"])
        lines.append(
            {
                "kind": event["kind"],
                "kind_label": labels.get(event["kind"], event["kind"]),
                "actor_name": names.get(actor_id, "") if actor_id else "",
                "when_iso": moment.isoformat(),
                "when_text": write_moment(moment),
                "text": text,
                "lang": lang,
            }
        )
    url = reverse("households:timeline", args=[household.public_id])
    return {
        "events": lines,
        "more_events": limit is not None and len(events) > limit,
        "timeline_url": url,
        "full_timeline_url": f"{url}?{urlencode([('soort', k) for k in kinds])}" if kinds else url,
    }


def _member_rows(
    household: Household, members: list[Member], today: datetime.date
) -> list[dict[str, Any]]:
    """What the members table and the former members' list show of each member, prepared
    once (the choice labels translated once, the action links reversed once), as dicts."""
    roles = choice_labels(Member._meta.get_field("role").choices or [])
    representations = choice_labels(Member._meta.get_field("representation").choices or [])
    links = {
        name: reverse(name, args=[household.public_id, UUID_PLACEHOLDER]).split(
            str(UUID_PLACEHOLDER)
        )
        for name in ("households:member-edit", "households:member-leave")
    }
    edit, leave = links["households:member-edit"], links["households:member-leave"]
    return [
        {
            "full_name": m.full_name,
            "role_label": roles.get(m.role, m.role),
            "age": m.age_on(today),
            "representation": m.representation,
            "representation_label": representations.get(m.representation, m.representation),
            "representative": m.representative,
            "has_bsn": m.has_bsn,
            "joined_on": m.joined_on,
            "left_on": m.left_on,
            "edit_url": f"{edit[0]}{m.public_id}{edit[1]}",
            "leave_url": f"{leave[0]}{m.public_id}{leave[1]}",
        }
        for m in members
    ]


def _row_link(viewname: str, household: Household) -> Callable[[int], str]:
    """``reverse(viewname, args=[household.public_id, pk])`` for many ``pk``, reversed once."""
    before, after = reverse(viewname, args=[household.public_id, INT_PLACEHOLDER]).split(
        str(INT_PLACEHOLDER)
    )
    return lambda pk: f"{before}{pk}{after}"


def _professional_rows(
    household: Household,
    rows: list[selectors.PageRow[InvolvedProfessional]],
    today: datetime.date,
    day: Callable[[datetime.date | None], str],
) -> list[dict[str, Any]]:
    """What the professionals table shows of each, prepared once (the end links reversed
    once, each day written once) instead of ``{% url %}`` and ``|date`` per row."""
    end = _row_link("households:professional-end", household)
    return [
        {
            "professional": row.object,
            "organisation": row.joined,
            "current": row.object.until is None or row.object.until >= today,
            "since": day(row.object.since),
            "until": day(row.object.until),
            "end_url": end(row.object.pk),
        }
        for row in rows
    ]


def _consent_rows(
    household: Household,
    rows: list[selectors.PageRow[Consent]],
    today: datetime.date,
    day: Callable[[datetime.date | None], str],
) -> list[dict[str, Any]]:
    """What the consents table shows of each, prepared once (the choice labels translated
    once, the withdraw links reversed once, each day written once)."""
    purposes = choice_labels(Consent._meta.get_field("purpose").choices or [])
    methods = choice_labels(Consent._meta.get_field("method").choices or [])
    withdraw = _row_link("households:consent-withdraw", household)
    found = []
    for row in rows:
        consent = row.object
        state, state_label = _consent_state(consent, today)
        found.append(
            {
                "purpose": purposes.get(consent.purpose, consent.purpose),
                "recipient": row.joined,
                # The giver from the members read (``household_page``), or none.
                "given_by": consent.given_by.full_name if consent.given_by_id else "",
                "method": methods.get(consent.method, consent.method),
                "given_on": day(consent.given_on),
                "valid_until": day(consent.valid_until),
                "state": state,
                "state_label": state_label,
                "withdrawn_on": day(consent.withdrawn_at),
                "withdraw_url": "" if consent.withdrawn_at else withdraw(consent.pk),
            }
        )
    return found


@require_GET
@page(obj=HOUSEHOLD_PAGE)
def household_detail(
    request: AuthenticatedHttpRequest, household: selectors.HouseholdPage
) -> HttpResponse:
    """Everything about one household, in a fixed number of queries (``household`` is what
    ``selectors.household_page`` read: the household and its lists)."""
    page = household
    today = timezone.localdate()
    members = page.members
    consents = [row.object for row in page.consents]
    filter_form = TimelineFilterForm()
    day = day_writer()
    context = {
        "household": page.household,
        "can_edit": policies.can_edit_household(request.user, page.household),
        "current_members": _member_rows(
            page.household, [m for m in members if m.left_on is None or m.left_on > today], today
        ),
        "former_members": _member_rows(
            page.household,
            [m for m in members if m.left_on is not None and m.left_on <= today],
            today,
        ),
        "today": today,
        "coordinator": next((a for a in page.assignments if a.object.ended_at is None), None),
        "assignments": page.assignments,
        "professionals": _professional_rows(page.household, page.professionals, today, day),
        "summary": selectors.involvement_summary(
            page.household, on=today, professionals=[row.object for row in page.professionals]
        ),
        "consent_objects": consents,
        "consents": _consent_rows(page.household, page.consents, today, day),
        "classification": _classification(page.household.latest_classification),
        "assessments_url": _optional_url("assessments:overview", page.household.public_id),
        "plan_url": _optional_url("plans:household", page.household.public_id),
        "filter_form": filter_form,
        "timeline_kind_items": timeline_kind_items(filter_form),
        **_timeline_context(page.household, []),
    }
    return render(request, "households/household_detail.html", context)


@require_GET
@page(obj=HOUSEHOLD)
def household_timeline(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """The timeline, filtered by kind; htmx gets only the list of events."""
    filter_form = TimelineFilterForm(request.GET or None)
    kinds: list[str] = filter_form.cleaned_data["soort"] if filter_form.is_valid() else []
    context = {
        "household": household,
        "filter_form": filter_form,
        "timeline_kind_items": timeline_kind_items(filter_form),
    }
    if request.headers.get("HX-Request") == "true":
        context.update(_timeline_context(household, kinds))
        return render(request, "households/_timeline_events.html", context)
    context.update(_timeline_context(household, kinds, limit=None))
    return render(request, "households/timeline.html", context)


# --- members ---------------------------------------------------------------------------------
def _member(household: Household, member_id: uuid.UUID) -> Member:
    for member in household.members.all():
        if member.public_id == member_id:
            return member
    raise Http404


@sensitive_post_parameters()
@page(obj=HOUSEHOLD)
def member_add(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if (refused := _closed(request, household)) is not None:
        return refused
    form = MemberAddForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    return submit(
        request,
        form,
        action=lambda data: services.member_add(
            actor=request.user,
            household=household,
            data=_member_data(data),
            joined_on=data.get("joined_on"),
        ),
        success=lambda member: _("%(name)s is now a member of the household.") % {"name": member},
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Add a member"),
            submit=_("Add member"),
            intro=[_("Someone moves in or was not registered yet. The history is kept.")],
        ),
    )


@sensitive_post_parameters()
@page(obj=HOUSEHOLD)
def member_edit(
    request: AuthenticatedHttpRequest, household: Household, member_id: uuid.UUID
) -> HttpResponse:
    member = _member(household, member_id)
    if (refused := _closed(request, household)) is not None:
        return refused
    initial = {
        "first_name": member.first_name,
        "infix": member.infix,
        "last_name": member.last_name,
        "birth_date": member.birth_date,
        "role": member.role,
        "representation": member.representation,
        "representative": member.representative,
    }
    form = MemberEditForm(request.POST or None, initial=initial, has_bsn=member.has_bsn)
    return submit(
        request,
        form,
        action=lambda cleaned: services.member_update(
            actor=request.user,
            member=member,
            first_name=cleaned["first_name"],
            infix=cleaned["infix"],
            last_name=cleaned["last_name"],
            birth_date=cleaned["birth_date"],
            role=MemberRole(cleaned["role"]),
            representation=cleaned["representation"],
            representative=cleaned["representative"],
            bsn=cleaned["bsn"],
        ),
        success=lambda _updated: _("The details of %(name)s are saved.") % {"name": member},
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Change the details of %(name)s") % {"name": member},
            submit=_("Save"),
        ),
    )


@page(obj=HOUSEHOLD)
def member_leave(
    request: AuthenticatedHttpRequest, household: Household, member_id: uuid.UUID
) -> HttpResponse:
    member = _member(household, member_id)
    if (refused := _closed(request, household)) is not None:
        return refused
    form = MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    return submit(
        request,
        form,
        action=lambda data: services.member_leave(
            actor=request.user, member=member, left_on=data["left_on"], note=data["note"]
        ),
        success=lambda _left: (
            _("%(name)s has left the household; the history is kept.") % {"name": member}
        ),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("%(name)s leaves the household") % {"name": member},
            submit=_("Register leaving"),
            intro=[_("The member stays in the history of the household with the leaving date.")],
        ),
    )


# --- address ---------------------------------------------------------------------------------
@page(obj=HOUSEHOLD)
def household_address(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """A new address, or "no fixed address"; the timeline keeps the old one."""
    if (refused := _closed(request, household)) is not None:
        return refused
    initial = {
        "no_fixed_address": not household.has_fixed_address,
        "street": household.street,
        "house_number": household.house_number,
        "house_number_addition": household.house_number_addition,
        "postcode": household.postcode,
        "city": household.city,
        "postal_address": household.postal_address,
        "district": household.district_id,
    }
    form = AddressForm(request.POST or None, initial=initial, municipality=household.municipality)
    return submit(
        request,
        form,
        action=lambda data: services.household_address_change(
            actor=request.user,
            household=household,
            address=services.AddressData(
                has_fixed_address=not data["no_fixed_address"],
                postcode=data["postcode"],
                house_number=data["house_number"],
                house_number_addition=data["house_number_addition"],
                street=data["street"],
                city=data["city"],
                postal_address=data["postal_address"],
                district=data["district"],
            ),
            note=data["note"],
        ),
        success=_("The address has been changed. The timeline keeps the previous one."),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Change the address"),
            submit=_("Save address"),
            intro=[
                _(
                    "Moved, or found a home after a period without a fixed address? "
                    "Record it here; the previous address stays on the timeline."
                )
            ],
        ),
    )


# --- coordinator -----------------------------------------------------------------------------
@page(obj=HOUSEHOLD)
def coordinator_handover(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if (refused := _closed(request, household)) is not None:
        return refused
    current = selectors.current_coordinator(household)
    colleagues = selectors.team_colleagues(household=household)
    if current is not None:
        colleagues = colleagues.exclude(pk=current.coordinator_id)
    form = HandoverForm(request.POST or None, colleagues=colleagues)
    return submit(
        request,
        form,
        action=lambda data: services.coordinator_handover(
            actor=request.user, household=household, to=data["to"], note=data["note"]
        ),
        success=lambda assignment: (
            _("%(name)s is now the coordinator of this household.")
            % {"name": assignment.coordinator.get_full_name() or assignment.coordinator.username}
        ),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Hand over the coordination"),
            submit=_("Hand over"),
            intro=[_("One household, one coordinator: choose a colleague of the same team.")],
        ),
    )


# --- involved professionals ------------------------------------------------------------------
def _professional(household: Household, pk: int) -> InvolvedProfessional:
    for professional in household.involved_professionals.all():
        if professional.pk == pk:
            return professional
    raise Http404


@page(obj=HOUSEHOLD)
def professional_add(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if (refused := _closed(request, household)) is not None:
        return refused
    form = ProfessionalForm(
        request.POST or None,
        organisations=organisation_list(user=request.user),
        initial={"since": timezone.localdate()},
    )
    return submit(
        request,
        form,
        action=lambda cleaned: services.professional_add(
            actor=request.user,
            household=household,
            person_name=cleaned["person_name"],
            role=cleaned["role"],
            since=cleaned["since"],
            organisation=cleaned["organisation"],
            organisation_name=cleaned["organisation_name"],
            contact=cleaned["contact"],
            yearly_cost_cents=form.yearly_cost_cents,
        ),
        put_errors=functools.partial(
            add_service_errors, rename={"yearly_cost_cents": "yearly_cost"}
        ),
        success=lambda professional: (
            _("%(name)s is registered as involved professional.")
            % {"name": professional.person_name}
        ),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Add an involved professional"),
            submit=_("Add professional"),
            intro=[
                _(
                    "Everyone who already works with this household, from any organisation. "
                    "Together they show what the current situation costs."
                )
            ],
        ),
    )


@page(obj=HOUSEHOLD)
def professional_end(
    request: AuthenticatedHttpRequest, household: Household, pk: int
) -> HttpResponse:
    professional = _professional(household, pk)
    if (refused := _closed(request, household)) is not None:
        return refused
    form = ProfessionalEndForm(request.POST or None, initial={"until": timezone.localdate()})
    return submit(
        request,
        form,
        action=lambda data: services.professional_end(
            actor=request.user, professional=professional, until=data["until"]
        ),
        success=lambda _ended: (
            _("%(name)s is no longer involved.") % {"name": professional.person_name}
        ),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("End the involvement of %(name)s") % {"name": professional},
            submit=_("End involvement"),
        ),
    )


# --- consent ---------------------------------------------------------------------------------
@page(obj=HOUSEHOLD)
def consent_add(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    if (refused := _closed(request, household)) is not None:
        return refused
    form = ConsentForm(
        request.POST or None,
        members=Member.objects.filter(household=household).current(),
        organisations=organisation_list(user=request.user),
        initial={"given_on": timezone.localdate()},
    )
    return submit(
        request,
        form,
        action=lambda cleaned: services.consent_give(
            actor=request.user,
            household=household,
            given_by=cleaned["given_by"],
            purpose=cleaned["purpose"],
            recipient=cleaned["recipient"],
            method=cleaned["method"],
            given_on=cleaned["given_on"],
            valid_until=cleaned["valid_until"],
        ),
        success=_("The consent is recorded."),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Record consent"),
            submit=_("Record consent"),
            intro=[
                _(
                    "Consent is given per purpose and per organisation. Nothing is shared with "
                    "a partner without active consent."
                )
            ],
        ),
    )


@page(obj=HOUSEHOLD)
def consent_withdraw(
    request: AuthenticatedHttpRequest, household: Household, pk: int
) -> HttpResponse:
    consent = next((c for c in household.consents.all() if c.pk == pk), None)
    if consent is None:
        raise Http404
    form = ConsentWithdrawForm(request.POST or None)
    return submit(
        request,
        form,
        action=lambda data: services.consent_withdraw(
            actor=request.user, consent=consent, note=data["note"]
        ),
        success=_("The consent is withdrawn. From now on nothing is shared on it."),
        redirect_to=reverse("households:detail", args=[household.public_id]),
        page=lambda: _form_page(
            request,
            household=household,
            form=form,
            title=_("Withdraw consent"),
            submit=_("Withdraw consent"),
            intro=[
                _("%(purpose)s, with %(recipient)s, given by %(name)s.")
                % {
                    "purpose": consent.get_purpose_display(),
                    "recipient": consent.recipient,
                    "name": consent.given_by,
                },
                _("Withdrawal takes effect immediately for all sharing from now on."),
            ],
            danger=True,
        ),
    )


# --- referrals -------------------------------------------------------------------------------
def _referring_municipalities(user: User) -> list[Municipality]:
    found: dict[int, Municipality] = {}
    for membership in active_memberships(user):
        if membership.role in _REFERRER_ROLES:
            found.setdefault(membership.municipality.pk, membership.municipality)
    return sorted(found.values(), key=lambda m: m.name)


@page(policies.can_refer)
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Aanmelden: a partner or a team member signals that a household needs help."""
    membership = primary_membership(request.user)
    initial: dict[str, Any] = {"urgency": Urgency.NORMAL}
    if membership is not None:
        initial["source_organisation"] = membership.organisation_id
    if policies.can_work_on_households(request.user):
        initial["source"] = ReferralSource.RESIDENT
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        municipalities=_referring_municipalities(request.user),
        organisations=organisation_list(user=request.user),
    )
    return submit(
        request,
        form,
        action=lambda cleaned: services.referral_submit(
            actor=request.user,
            # A valid form has its municipality: the only one, or the one chosen (required).
            municipality=cast(Municipality, form.chosen_municipality),
            source=ReferralSource(cleaned["source"]),
            source_organisation=cleaned["source_organisation"],
            urgency=Urgency(cleaned["urgency"]),
            reason=cleaned["reason"],
            resident_name=cleaned["resident_name"],
            postcode=cleaned["postcode"],
            house_number=cleaned["house_number"],
            house_number_addition=cleaned["house_number_addition"],
            phone=cleaned["phone"],
            has_fixed_address=not cleaned["no_fixed_address"],
            postal_address=cleaned["postal_address"],
            district=cleaned["district"],
        ),
        success=lambda referral: (
            _("Thank you. The referral has been sent to %(team)s.")
            % {"team": referral.team.name if referral.team else ""}
        ),
        redirect_to="households:referral-mine",
        template="households/referral_form.html",
        context={"form": form},
    )


@require_GET
@page(policies.can_refer)
def referral_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrer's own referrals: status and team, nothing else of the household."""
    page_obj = Paginator(selectors.referrals_made_by(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown: list[Referral] = list(page_obj.object_list)
    page_obj.object_list = shown
    selectors.log_referral_list(user=request.user, referrals=shown)
    return render(
        request,
        "households/referral_mine.html",
        {"page_obj": page_obj, "querystring_without_page": ""},
    )


@require_GET
@page(policies.can_work_on_households)
def referral_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals routed to the team: most urgent first, then the oldest."""
    form = ReferralStatusFilterForm(
        request.GET if "status" in request.GET else None,
        initial={"status": ReferralStatus.SUBMITTED},
    )
    status = form.cleaned_data["status"] if form.is_valid() else ReferralStatus.SUBMITTED
    referrals = (
        selectors.referral_inbox(user=request.user, status=status)
        .alias(
            urgency_rank=Case(
                When(urgency=Urgency.CRISIS, then=Value(0)),
                When(urgency=Urgency.HIGH, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency_rank", "referred_at", "pk")
    )
    page_obj = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[Referral] = list(page_obj.object_list)
    page_obj.object_list = shown  # type: ignore[assignment]
    selectors.log_referral_list(user=request.user, referrals=shown)
    return render(
        request,
        "households/referral_inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": urlencode({"status": status}),
        },
    )


def _referral_page(
    request: AuthenticatedHttpRequest, referral: Referral, decline_form: DeclineForm
) -> HttpResponse:
    return render(
        request,
        "households/referral_detail.html",
        {
            "referral": referral,
            "decline_form": decline_form,
            "open": referral.status == ReferralStatus.SUBMITTED,
        },
    )


@require_GET
@page(obj=REFERRAL)
def referral_detail(request: AuthenticatedHttpRequest, referral: Referral) -> HttpResponse:
    return _referral_page(request, referral, DeclineForm())


@require_POST
@page(obj=REFERRAL)
def referral_decline(request: AuthenticatedHttpRequest, referral: Referral) -> HttpResponse:
    form = DeclineForm(request.POST)
    return submit(
        request,
        form,
        action=lambda data: services.referral_decline(
            actor=request.user, referral=referral, reason=data["reason"]
        ),
        success=_("The referral is declined; the referrer sees your reason."),
        redirect_to="households:referral-inbox",
        page=lambda: _referral_page(request, referral, form),
    )


@sensitive_post_parameters()
@page(obj=REFERRAL)
def referral_intake(request: AuthenticatedHttpRequest, referral: Referral) -> HttpResponse:
    """Accept a referral: register the household, or link it to an existing one."""
    if referral.status != ReferralStatus.SUBMITTED:
        messages.error(request, _("This referral has already been decided."))
        return redirect("households:referral-detail", pk=referral.pk)
    if request.method == "POST" and request.POST.get("link_household"):
        household = selectors.household_open(
            user=request.user, public_id=request.POST["link_household"], log=False
        )
        try:
            services.referral_accept(actor=request.user, referral=referral, household=household)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("households:referral-detail", pk=referral.pk)
        messages.success(request, _("The referral is linked to this household."))
        return _detail(household)
    if referral.team is None:  # every submitted referral is routed; this is defensive
        raise Http404
    return _intake_page(request, teams=[referral.team], referral=referral)
