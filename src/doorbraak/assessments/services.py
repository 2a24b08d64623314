"""Recording assessments; closing and reopening a household, with its follow-ups.

Closing lives here and not in ``households``: it starts the follow-up measurement at 3, 6
and 12 months, in the same transaction, and ``households`` imports no app above it
(docs/architecture.md).

Lock order (docs/locking.md): the household first (:func:`lock_household`), then rows of
its own.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Municipality, User
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    ClassificationRule,
    DomainScore,
    FollowUp,
    FollowUpStatus,
    LifeDomain,
    SelfAssessment,
    SelfScore,
)
from doorbraak.assessments.processing import (
    log_assessment,
    log_household_status,
    log_self_assessment,
)
from doorbraak.assessments.tasks import follow_up_remind
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import (
    Classification,
    CloseReason,
    EventKind,
    Household,
    HouseholdStatus,
    Member,
)
from doorbraak.households.services import (
    lock_household,
    record_event,
    require_open,
    require_unrestricted,
    team_worker,
)
from doorbraak.lib import limits
from doorbraak.lib.messages import Label, Message
from doorbraak.lib.retry import retry_on_deadlock

FOLLOW_UP_MONTHS = (3, 6, 12)


def domains_for(municipality: Municipality) -> list[LifeDomain]:
    """The municipality's own catalogue if it has one, otherwise the default 11 domains."""
    own = list(LifeDomain.objects.filter(municipality=municipality, active=True))
    return own or list(LifeDomain.objects.filter(municipality__isnull=True, active=True))


def rule_for(municipality: Municipality) -> ClassificationRule:
    """The municipality's thresholds, or an unsaved rule with the defaults."""
    rule = ClassificationRule.objects.filter(municipality=municipality).first()
    return rule or ClassificationRule(municipality=municipality)


def _in_range(score: int) -> bool:
    return 1 <= score <= 5


@dataclass
class ScoreData:
    domain_id: int
    score: int
    self_score: int | None = None
    note: str = ""


@retry_on_deadlock
@transaction.atomic
def assessment_record(
    *,
    actor: User,
    household: Household,
    scores: list[ScoreData],
    member: Member | None = None,
    kind: AssessmentKind = AssessmentKind.INTAKE,
    assessed_on: datetime.date | None = None,
    note: str = "",
) -> Assessment:
    """Score every domain of the catalogue 1–5 and classify green / orange / red."""
    # Re-read: the caller may hold a copy from before the household was closed or reopened.
    household = lock_household(household)
    day = assessed_on or timezone.localdate()
    domains = {d.pk: d for d in domains_for(household.municipality)}
    errors: dict[str, str] = {}
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("This person is not a member of the household.")
    if day > timezone.localdate():
        errors["assessed_on"] = _("An assessment cannot be dated in the future.")
    if not domains:
        errors["scores"] = _(
            "There are no life domains to score. Ask the functional administrator to set up "
            "the catalogue."
        )
    given = {s.domain_id: s for s in scores}
    for domain_id, domain in domains.items():
        item = given.get(domain_id)
        if item is None:
            errors[f"domain_{domain_id}"] = _("Score %(domain)s.") % {"domain": domain.name}
        elif not _in_range(item.score) or (
            item.self_score is not None and not _in_range(item.self_score)
        ):
            errors[f"domain_{domain_id}"] = _("A score is a whole number from 1 to 5.")
    if set(given) - set(domains):
        errors["scores"] = _(
            "A score was given for a domain that is not in this municipality's catalogue."
        )
    if kind == AssessmentKind.FOLLOW_UP and household.status != HouseholdStatus.CLOSED:
        errors["kind"] = _("A follow-up assessment is for a closed household.")
    if kind != AssessmentKind.FOLLOW_UP and household.status != HouseholdStatus.ACTIVE:
        errors["kind"] = _("This household is closed: record a follow-up assessment instead.")
    if errors:
        raise ValidationError(errors)
    rule = rule_for(household.municipality)
    problems = sum(1 for s in given.values() if s.score <= rule.problem_threshold)
    assessment = Assessment.objects.create(
        household=household,
        member=member,
        kind=kind,
        assessed_on=day,
        assessed_by=actor,
        problem_domains=problems,
        classification=rule.classify(problems),
        note=note.strip(),
    )
    if member is None:
        _keep_latest_classification(household)
    DomainScore.objects.bulk_create(
        DomainScore(
            assessment=assessment,
            domain_id=s.domain_id,
            score=s.score,
            self_score=s.self_score,
            note=s.note.strip()[:300],
        )
        for s in given.values()
    )
    if kind == AssessmentKind.FOLLOW_UP:
        follow_up = (
            FollowUp.objects.filter(
                household=household, status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.REMINDED]
            )
            .order_by("due_on")
            .first()
        )
        if follow_up is not None:
            follow_up.status = FollowUpStatus.DONE
            follow_up.assessment = assessment
            follow_up.save(update_fields=["status", "assessment"])
    who = member.full_name if member else _("the household")
    record_event(
        household=household,
        kind=EventKind.ASSESSMENT,
        actor=actor,
        summary=Message(
            gettext_lazy(
                "Assessment of %(who)s: %(classification)s, %(problems)d problem domain(s)."
            ),
            who=who,
            classification=Label(Classification(assessment.classification), lower=True),
            problems=problems,
        ),
    )
    log_assessment(actor=actor, action=ProcessingAction.CREATE, assessment=assessment)
    return assessment


def _keep_latest_classification(household: Household) -> None:
    """Copy the classification of the household's latest assessment onto the household.

    Latest by date, then by order of recording: an assessment recorded today for a date in
    the past does not replace a later one. Runs under the household's lock.
    """
    latest = (
        Assessment.objects.filter(household=household, member__isnull=True)
        .order_by("-assessed_on", "-pk")
        .values_list("classification", flat=True)
        .first()
    )
    if latest != household.latest_classification:
        household.latest_classification = latest
        household.save(update_fields=["latest_classification"])


def _enqueue_reminder(follow_up_id: int, run_after: datetime.datetime) -> None:
    follow_up_remind.using(run_after=run_after).enqueue(follow_up_id)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def follow_ups_schedule(
    *, actor: User, household: Household, closed_on: datetime.date
) -> list[FollowUp]:
    """Plan follow-up assessments at 3, 6 and 12 months; each gets a reminder task."""
    follow_ups = []
    for months in FOLLOW_UP_MONTHS:
        follow_up = FollowUp.objects.create(
            household=household, months_after_closing=months, due_on=_add_months(closed_on, months)
        )
        follow_ups.append(follow_up)
        run_after = timezone.make_aware(
            datetime.datetime.combine(follow_up.due_on, datetime.time(8, 0))
        )
        # Enqueue once the transaction commits, so a rolled-back close leaves no reminders.
        transaction.on_commit(partial(_enqueue_reminder, follow_up.pk, run_after))
    record_event(
        household=household,
        kind=EventKind.FOLLOW_UP,
        actor=actor,
        summary=Message(
            gettext_lazy("Follow-up assessments planned on %(dates)s."),
            dates=[f.due_on for f in follow_ups],
        ),
    )
    return follow_ups


# --- closing: the end of support, the start of the follow-up measurement -------------------
@retry_on_deadlock
@transaction.atomic
def household_close(
    *,
    actor: User,
    household: Household,
    reason: CloseReason,
    note: str = "",
    closed_on: datetime.date | None = None,
) -> Household:
    """Close the file; follow-up assessments are scheduled at 3, 6 and 12 months."""
    limits.check_length(note.strip(), limit=limits.SHORT_TEXT, field="note")
    household = lock_household(household)
    require_open(household)
    day = closed_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if day < household.opened_on:
        raise ValidationError(
            {"closed_on": _("The closing date cannot be before the opening date.")}
        )
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    if reason == CloseReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain the reason for closing.")})
    household.status = HouseholdStatus.CLOSED
    household.closed_on = day
    household.close_reason = reason
    household.close_note = note.strip()
    household.save(update_fields=["status", "closed_on", "close_reason", "close_note"])
    record_event(
        household=household,
        kind=EventKind.CLOSED,
        actor=actor,
        summary=Message(
            gettext_lazy("Closed: %(reason)s."),
            reason=Label(CloseReason(household.close_reason), lower=True),
        ),
    )
    if reason not in (CloseReason.DECEASED, CloseReason.MOVED, CloseReason.TRANSFERRED):
        follow_ups_schedule(actor=actor, household=household, closed_on=day)
    log_household_status(actor=actor, household=household)
    return household


@retry_on_deadlock
@transaction.atomic
def household_reopen(*, actor: User, household: Household, note: str) -> Household:
    """A closed household needs help again: reopen it; planned follow-ups are cancelled."""
    limits.check_length(note.strip(), limit=limits.SHORT_TEXT, field="note")
    household = lock_household(household)
    if household.status != HouseholdStatus.CLOSED:
        raise ValidationError(_("This household is not closed."))
    if not note.strip():
        raise ValidationError({"note": _("Explain why the household is reopened.")})
    if not team_worker(actor, household.team):
        raise ValidationError(_("Only the household's team can reopen it."))
    household.status = HouseholdStatus.ACTIVE
    household.closed_on = None
    household.close_reason = ""
    household.save(update_fields=["status", "closed_on", "close_reason"])
    FollowUp.objects.filter(
        household=household, status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.REMINDED]
    ).update(status=FollowUpStatus.CANCELLED)
    record_event(
        household=household,
        kind=EventKind.INTAKE,
        actor=actor,
        summary=Message(gettext_lazy("Reopened: %(note)s"), note=note.strip()[:250]),
    )
    log_household_status(actor=actor, household=household)
    return household


@retry_on_deadlock
@transaction.atomic
def self_assessment_submit(
    *, actor: User, member: Member, scores: dict[int, int]
) -> SelfAssessment:
    """The household's own scores (domain id -> 1–5), filled in by ``member`` on their page.

    Only domains of the municipality's catalogue, each at most once; at least one score.
    Refused (``ValidationError``) when the household is closed or the member's processing
    is restricted. The caller (the residents' page) has checked that ``actor`` is the
    member's own resident account.
    """
    household = lock_household(member.household_id)
    require_open(household)
    require_unrestricted(member)
    domains = {d.pk for d in domains_for(household.municipality)}
    errors: dict[str, list[str]] = {}
    for domain_id, score in scores.items():
        if domain_id not in domains:
            errors.setdefault("__all__", []).append(_("This life domain is not in use."))
        elif not _in_range(score):
            errors[f"domain_{domain_id}"] = [_("A score is a whole number from 1 to 5.")]
    if not scores:
        errors["__all__"] = [_("Choose a score for at least one life domain.")]
    if errors:
        raise ValidationError(errors)
    self_assessment = SelfAssessment.objects.create(household=household, member=member)
    SelfScore.objects.bulk_create(
        SelfScore(self_assessment=self_assessment, domain_id=domain_id, score=score)
        for domain_id, score in sorted(scores.items())
    )
    log_self_assessment(
        actor=actor, action=ProcessingAction.CREATE, self_assessment=self_assessment
    )
    return self_assessment
