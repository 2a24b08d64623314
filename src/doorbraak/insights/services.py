"""Every change to policy signals: proposing, raising, answering, resolving, marking structural.

Each function is one use case: keyword-only, transactional, and writes a ``SignalEvent``
for the history. Bad input or a step the signal cannot take raises ``ValidationError``
with a translatable message and changes nothing; a user who may not manage the
municipality's signals gets ``Refused`` (403).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Municipality, Organisation, OrganisationKind, User
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Theme,
)
from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.downloads.services import download_queue
from doorbraak.insights import patterns, policies, selectors
from doorbraak.insights.documents import ready_report
from doorbraak.insights.export import check_export_request
from doorbraak.insights.models import (
    SIGNAL_TRANSITIONS,
    OwnerKind,
    Signal,
    SignalCase,
    SignalEvent,
    SignalStatus,
    ValueReport,
)
from doorbraak.insights.processing import log_policy_research_many
from doorbraak.insights.tasks import (
    evaluation_export_task,
    spiegel_pdf_task,
    value_report_csv_task,
    value_report_pdf_task,
)
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.crypto import pseudonym
from doorbraak.lib.messages import Message
from doorbraak.lib.text import shorten
from doorbraak.library.models import Regulation

MAX_PERIOD_DAYS = 3 * 366
#: Placeholder in ``_step`` changes for "the moment of this step".
_NOW = object()


# --- helpers ----------------------------------------------------------------------------------
def _require_manager(actor: User | None, municipality: Municipality | int) -> None:
    if actor is not None and not policies.can_manage_signals(actor, municipality):
        raise Refused


def _check_period(period_start: datetime.date, period_end: datetime.date) -> patterns.Period:
    if not isinstance(period_start, datetime.date) or not isinstance(period_end, datetime.date):
        raise ValidationError(_("Give the period as two dates."))
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("Choose a period of at most three years.")})
    return patterns.Period(start=period_start, end=period_end)


def case_pseudonym(public_id_hex: str) -> str:
    """How an underlying case is named for analysts: the household's keyed pseudonym."""
    return pseudonym("household", public_id_hex)


def _suggested_owner(organisation: Organisation | None) -> str:
    """Who probably owns the rule, from the kind of organisation (the analyst confirms it)."""
    if organisation is None:
        return ""
    if organisation.kind == OrganisationKind.IMPLEMENTING_AGENCY:
        return OwnerKind.NATIONAL_AGENCY
    if organisation.kind == OrganisationKind.MUNICIPALITY:
        return OwnerKind.MUNICIPAL_POLICY
    return OwnerKind.PARTNER


def _event(
    signal: Signal,
    *,
    from_status: str,
    by: User | None,
    note: str | Message,
    at: datetime.datetime,
) -> SignalEvent:
    """A step of the signal; ``note`` typed by a user, or a Message the software writes."""
    if isinstance(note, Message):
        return SignalEvent.objects.create(
            signal=signal,
            from_status=from_status,
            to_status=signal.status,
            by=by,
            at=at,
            note=note.dutch(),
            message=note.msgid,
            params=note.params,
        )
    return SignalEvent.objects.create(
        signal=signal, from_status=from_status, to_status=signal.status, by=by, at=at, note=note
    )


def _locked(signal: Signal) -> Signal:
    """Re-read under a row lock: two analysts must not both move the same signal."""
    return Signal.objects.select_for_update(no_key=True).get(pk=signal.pk)


def _step(
    *,
    actor: User,
    signal: Signal,
    to_status: str,
    note: str,
    refused: str,
    changes: dict[str, object],
) -> Signal:
    """Move ``signal`` to ``to_status`` with ``changes``, or refuse with ``refused``."""
    _require_manager(actor, signal.municipality_id)
    locked = _locked(signal)
    if to_status not in SIGNAL_TRANSITIONS.get(locked.status, ()):
        raise ValidationError(refused % {"status": locked.get_status_display()})
    now = timezone.now()
    from_status = locked.status
    locked.status = to_status
    for name, value in changes.items():
        setattr(locked, name, now if value is _NOW else value)
    locked.save(update_fields=["status", *changes])
    _event(locked, from_status=from_status, by=actor, note=note, at=now)
    # The caller's copy follows, so a view can show the new state without another query.
    for name in ["status", *changes]:
        setattr(signal, name, getattr(locked, name))
    return signal


def _text(
    errors: dict[str, str], name: str, value: str, message: str, *, limit: int = limits.SHORT_TEXT
) -> str:
    """``value`` stripped; ``message`` in ``errors`` when it is empty, the limit when too long."""
    value = (value or "").strip()
    if not value:
        errors[name] = message
    elif len(value) > limit:
        errors[name] = limits.too_long_message(limit=limit, length=len(value))
    return value


# --- proposing --------------------------------------------------------------------------------
@transaction.atomic
def signals_propose(
    *,
    actor: User | None,
    municipality: Municipality,
    period_start: datetime.date,
    period_end: datetime.date,
    min_count: int = patterns.DEFAULT_MIN_COUNT,
) -> list[Signal]:
    """Propose a signal for every recurring combination that has no open signal yet.

    ``actor`` is None when the scheduled detection runs. Idempotent: running it again for
    the same (or an overlapping) period proposes nothing new while the earlier signal for
    that regulation and organisation is still open. Returns the signals it created.
    """
    _require_manager(actor, municipality)
    period = _check_period(period_start, period_end)
    if not isinstance(min_count, int) or min_count < 2:
        raise ValidationError({"min_count": _("A pattern needs at least two bottlenecks.")})

    candidates = patterns.find_candidates(
        patterns.bottlenecks_in([municipality.pk], period), min_count=min_count
    )
    if not candidates:
        return []
    open_pairs = set(
        Signal.objects.select_for_update(no_key=True)
        .filter(municipality=municipality, regulation__isnull=False, organisation__isnull=False)
        .open()
        .values_list("regulation_id", "organisation_id")
    )
    fresh = [c for c in candidates if (c.regulation_id, c.organisation_id) not in open_pairs]
    if not fresh:
        return []
    regulations = Regulation.objects.in_bulk({c.regulation_id for c in fresh})
    organisations = Organisation.objects.in_bulk({c.organisation_id for c in fresh})
    bottleneck_ids = {pk for c in fresh for pk in c.bottleneck_ids}
    zone = timezone.get_current_timezone()
    facts = {
        pk: (public_id.hex, theme, timezone.localtime(created_at, zone).date().replace(day=1))
        for pk, public_id, theme, created_at in Bottleneck.objects.filter(
            pk__in=bottleneck_ids
        ).values_list("pk", "household__public_id", "theme", "created_at")
    }

    now = timezone.now()
    created: list[Signal] = []
    log_entries: list[LogEntry] = []
    for candidate in fresh:
        regulation = regulations[candidate.regulation_id]
        organisation = organisations[candidate.organisation_id]
        values = {
            "regulation": regulation.citation,
            "organisation": organisation.name,
            "count": candidate.count,
            "households": len(candidate.household_ids),
            "start": period.start.strftime("%d-%m-%Y"),
            "end": period.end.strftime("%d-%m-%Y"),
        }
        signal = Signal.objects.create(
            municipality=municipality,
            title=shorten(
                _("%(regulation)s and %(organisation)s: %(count)s bottlenecks") % values,
                Signal._meta.get_field("title").max_length or 200,
            ),
            description=_(
                "Between %(start)s and %(end)s, %(regulation)s and %(organisation)s were "
                "named together in %(count)s bottlenecks of %(households)s households."
            )
            % values,
            regulation=regulation,
            organisation=organisation,
            theme=candidate.theme,
            owner_kind=_suggested_owner(organisation),
            status=SignalStatus.PROPOSED,
            created_by=actor,
            period_start=period.start,
            period_end=period.end,
            case_count=candidate.count,
        )
        cases = []
        for pk in candidate.bottleneck_ids:
            public_hex, theme, month = facts[pk]
            cases.append(
                SignalCase(
                    signal=signal,
                    bottleneck_id=pk,
                    pseudonym=case_pseudonym(public_hex),
                    theme=theme,
                    month=month,
                )
            )
        SignalCase.objects.bulk_create(cases)
        # Keeping pseudonymised cases for policy research is processing of personal data:
        # one record per case, naming the signal that keeps it (written below, at once).
        log_entries.append(
            LogEntry(
                object_type="insights.signal",
                object_id=signal.pk,
                subjects=sorted({case.pseudonym for case in cases}),
                municipality=municipality,
            )
        )
        _event(
            signal,
            from_status="",
            by=actor,
            at=now,
            note=Message(
                gettext_lazy("Proposed by the pattern detection (at least %(n)s bottlenecks)."),
                n=min_count,
            ),
        )
        created.append(signal)
    log_policy_research_many(actor=actor, action=ProcessingAction.CREATE, entries=log_entries)
    return created


@transaction.atomic
def signal_create(
    *,
    actor: User,
    municipality: Municipality,
    title: str,
    description: str,
    theme: str = "",
    regulation: Regulation | None = None,
    organisation: Organisation | None = None,
    owner_kind: str = "",
    owner_name: str = "",
) -> Signal:
    """An analyst proposes a signal by hand (for example from the review meeting)."""
    _require_manager(actor, municipality)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, _("Give the signal a title."))
    description = _text(
        errors,
        "description",
        description,
        _("Describe what the cases show."),
        limit=limits.LONG_TEXT,
    )
    if len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if theme and theme not in Theme.values:
        errors["theme"] = _("Choose a theme from the list.")
    if owner_kind and owner_kind not in OwnerKind.values:
        errors["owner_kind"] = _("Choose who owns the rule from the list.")
    if len((owner_name or "").strip()) > 200:
        errors["owner_name"] = _("Keep the owner's name under 200 characters.")
    if regulation is not None and regulation.municipality_id not in (None, municipality.pk):
        errors["regulation"] = _("Choose a regulation from the law library of your municipality.")
    if organisation is not None and organisation.municipality_id not in (None, municipality.pk):
        errors["organisation"] = _("Choose an organisation that works in your municipality.")
    if (
        not errors
        and regulation is not None
        and organisation is not None
        and Signal.objects.open()
        .filter(municipality=municipality, regulation=regulation, organisation=organisation)
        .exists()
    ):
        errors["regulation"] = _(
            "There is already an open signal about this regulation and organisation."
        )
    if errors:
        raise ValidationError(errors)
    signal = Signal.objects.create(
        municipality=municipality,
        title=title,
        description=description,
        theme=theme,
        regulation=regulation,
        organisation=organisation,
        owner_kind=owner_kind,
        owner_name=(owner_name or "").strip(),
        status=SignalStatus.PROPOSED,
        created_by=actor,
    )
    _event(signal, from_status="", by=actor, at=signal.created_at, note="")
    return signal


# --- the lifecycle ----------------------------------------------------------------------------
@transaction.atomic
def signal_raise(
    *, actor: User, signal: Signal, owner_kind: str, owner_name: str, note: str = ""
) -> Signal:
    """Proposed → raised: the signal goes to the owner of the rule."""
    errors: dict[str, str] = {}
    if owner_kind not in OwnerKind.values:
        errors["owner_kind"] = _("Choose who owns the rule from the list.")
    owner_name = _text(errors, "owner_name", owner_name, _("Name the owner of the rule."))
    if len(owner_name) > 200:
        errors["owner_name"] = _("Keep the owner's name under 200 characters.")
    note = (note or "").strip()
    if len(note) > limits.SHORT_TEXT:
        errors["note"] = limits.too_long_message(limit=limits.SHORT_TEXT, length=len(note))
    if errors:
        raise ValidationError(errors)
    return _step(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.RAISED,
        note=note,
        refused=_("This signal is %(status)s; only a proposed signal can be raised."),
        changes={"owner_kind": owner_kind, "owner_name": owner_name, "raised_at": _NOW},
    )


@transaction.atomic
def signal_answer(*, actor: User, signal: Signal, answer: str) -> Signal:
    """Raised → answered: record what the owner of the rule replied."""
    errors: dict[str, str] = {}
    answer = _text(errors, "answer", answer, _("Write down the owner's answer."), limit=limits.TEXT)
    if errors:
        raise ValidationError(errors)
    return _step(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.ANSWERED,
        note="",
        refused=_("This signal is %(status)s; only a raised signal can be answered."),
        changes={"answer": answer, "answered_at": _NOW},
    )


@transaction.atomic
def signal_resolve(*, actor: User, signal: Signal, note: str) -> Signal:
    """Answered → resolved: the rule or practice changed, the bottleneck is gone."""
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, _("Say how the bottleneck was resolved."))
    if errors:
        raise ValidationError(errors)
    return _step(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.RESOLVED,
        note=note,
        refused=_("This signal is %(status)s; only an answered signal can be resolved."),
        changes={"closing_note": note, "closed_at": _NOW},
    )


@transaction.atomic
def signal_mark_structural(*, actor: User, signal: Signal, note: str) -> Signal:
    """Answered → structural: not solvable within the current rules."""
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, _("Say why this cannot be solved within the current rules."))
    if errors:
        raise ValidationError(errors)
    return _step(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.STRUCTURAL,
        note=note,
        refused=_("This signal is %(status)s; only an answered signal can be marked structural."),
        changes={"closing_note": note, "closed_at": _NOW},
    )


def evaluation_export_queue(
    *,
    actor: User,
    municipality: Municipality,
    period_start: datetime.date,
    period_end: datetime.date,
    k: int | None = None,
) -> Download:
    """Ask the task worker for the evaluation export (a download of ``actor``'s own).

    Refuses as the export itself does (``Refused`` unless a policy analyst of the
    municipality, ``ValidationError`` for an impossible period or k); the task checks it
    again when it runs, and writes the processing-log records as it writes the rows.
    """
    k = check_export_request(actor, municipality, k, start=period_start, end=period_end)
    code = municipality.code or municipality.pk
    name = f"evaluatie-{code}-{period_start:%Y%m%d}-{period_end:%Y%m%d}"
    return download_queue(
        requester=actor,
        kind=DownloadKind.EVALUATION_EXPORT,
        title=_("Evaluation export %(municipality)s, %(start)s to %(end)s")
        % {"municipality": municipality.name, "start": period_start, "end": period_end},
        filename=f"{name}.zip",
        content_type="application/zip",
        parameters={
            "municipality": municipality.pk,
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
            "k": k,
        },
        task=evaluation_export_task,
    )


def spiegel_pdf_queue(
    *,
    actor: User,
    municipality: Municipality,
    period_start: datetime.date,
    period_end: datetime.date,
) -> Download:
    """Ask the task worker for the spiegel report of a period (a PDF for the review meeting).

    ``Refused`` unless ``actor`` analyses the municipality, ``ValidationError`` for an
    impossible period; the task checks both again when it runs.
    """
    if municipality.pk not in policies.analyst_municipality_ids(actor):
        raise Refused
    selectors.checked_period(period_start, period_end)
    return download_queue(
        requester=actor,
        kind=DownloadKind.SPIEGEL_PDF,
        title=_("Spiegel report %(municipality)s, %(start)s to %(end)s")
        % {"municipality": municipality.name, "start": period_start, "end": period_end},
        filename=f"spiegel-{period_start:%Y%m%d}-{period_end:%Y%m%d}.pdf",
        content_type="application/pdf",
        parameters={
            "municipality": municipality.pk,
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
        },
        task=spiegel_pdf_task,
    )


def value_report_file_queue(*, actor: User, report: ValueReport, kind: DownloadKind) -> Download:
    """Ask the task worker for a finished value report as PDF or CSV.

    ``Refused`` unless ``actor`` analyses the report's municipality, ``ValidationError``
    while the report has no figures; the task checks both again and records the export.
    """
    report = ready_report(user=actor, report_id=report.pk)
    as_pdf = kind == DownloadKind.VALUE_REPORT_PDF
    if not as_pdf and kind != DownloadKind.VALUE_REPORT_CSV:
        raise ValueError(f"Not a file of the value report: {kind}")
    name = f"maatschappelijke-waarde-{report.period_start:%Y%m%d}"
    return download_queue(
        requester=actor,
        kind=kind,
        title=_("Societal value report %(municipality)s, %(start)s to %(end)s")
        % {
            "municipality": report.municipality.name,
            "start": report.period_start,
            "end": report.period_end,
        },
        filename=f"{name}-{report.period_end:%Y%m%d}.pdf" if as_pdf else f"{name}.csv",
        content_type="application/pdf" if as_pdf else "text/csv; charset=utf-8",
        parameters={"report": report.pk},
        task=value_report_pdf_task if as_pdf else value_report_csv_task,
    )
