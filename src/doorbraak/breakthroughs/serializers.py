"""Input and output serializers of the breakthroughs API.

Input serializers check the shape of a request only; the rules (the value triangle, consent,
who decides at which level) live in the services, whose Dutch messages reach the client as
``invalidParams``. Money is in integer cents. No BSN anywhere; a partner sees the household
only while sharing is allowed.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.serializers import UserRefSerializer
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    DecisionOutcome,
    Disclosure,
    EscalationStep,
    PartnerRequest,
    RequestStatus,
    Scenario,
    ScenarioLine,
    Theme,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.breakthroughs.returns import Line, PayerSplit, ReturnCalculation
from doorbraak.breakthroughs.selectors import (
    DirectoryEntry,
    PartnerView,
    QueueItem,
    breakthrough_return,
)
from doorbraak.breakthroughs.services import triangle_gaps
from doorbraak.catalogue.models import CostUnit, Payer
from doorbraak.households.models import ConsentPurpose, Member, MemberRole
from doorbraak.lib import limits
from doorbraak.lib.api import camel_case
from doorbraak.lib.bounds import MAX_CENTS, bounded_int, id_field
from doorbraak.lib.serializers import EnumField, NameRefSerializer
from doorbraak.library.serializers import RegulationRefSerializer

LEVEL_HELP = (
    "Escalation level: 1 own mandate, 2 partner organisation, 3 breakthrough table, "
    "4 administrative escalation."
)


# --- bottlenecks -------------------------------------------------------------------------------
class HouseholdRefSerializer(serializers.Serializer[Any]):
    publicId = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class BreakthroughRefSerializer(serializers.Serializer[Breakthrough]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = EnumField(BreakthroughStatus)
    level = serializers.IntegerField(help_text=LEVEL_HELP)


class BottleneckSerializer(serializers.Serializer[Bottleneck]):
    """Where rules or practices of organisations clash for one household."""

    id = serializers.IntegerField()
    household = serializers.UUIDField(source="household.public_id")
    title = serializers.CharField()
    description = serializers.CharField()
    theme = EnumField(Theme)
    kind = EnumField(BottleneckKind)
    blockedSolution = serializers.CharField(source="blocked_solution")
    regulations = RegulationRefSerializer(many=True, source="regulations.all")
    organisations = NameRefSerializer(many=True, source="organisations.all")
    createdBy = UserRefSerializer(source="created_by")
    createdAt = serializers.DateTimeField(source="created_at")
    breakthroughs = BreakthroughRefSerializer(many=True, source="breakthroughs.all")


class BottleneckInputSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(allow_blank=True, max_length=200)
    description = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    theme = EnumField(Theme)
    kind = EnumField(BottleneckKind)
    blockedSolution = serializers.CharField(
        allow_blank=True, max_length=limits.TEXT, help_text="The solution this bottleneck blocks."
    )
    regulations = serializers.ListField(
        child=id_field(),
        required=False,
        default=list,
        max_length=50,
        help_text="Ids of regulations of the law library.",
    )
    organisations = serializers.ListField(
        child=id_field(),
        required=False,
        default=list,
        max_length=50,
        help_text="Ids of the organisations involved.",
    )


# --- breakthroughs -----------------------------------------------------------------------------
class CostItemRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = EnumField(CostUnit)
    amountCents = serializers.IntegerField(source="amount_cents")
    payer = EnumField(Payer)
    validYear = serializers.IntegerField(source="valid_year")


class ScenarioLineSerializer(serializers.Serializer[ScenarioLine]):
    """Cost item × quantity × probability in one scenario.

    A household-specific line has no ``costItem`` (null) and ``own`` true; ``description``,
    ``amountCents``, ``payer`` and ``unit`` hold the line's own figures (for a catalogue
    line, the item's).
    """

    id = serializers.IntegerField()
    scenario = EnumField(Scenario)
    costItem = CostItemRefSerializer(source="cost_item", allow_null=True)
    own = serializers.BooleanField(source="is_own")
    description = serializers.CharField(source="item_name")
    amountCents = serializers.IntegerField(
        source="item_amount_cents", help_text="The price per unit, in cents."
    )
    payer = EnumField(Payer, source="item_payer")
    unit = EnumField(CostUnit, source="item_unit")
    amountSource = serializers.CharField(
        source="own_source", help_text="Where a household-specific amount comes from."
    )
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2)
    probabilityPct = serializers.IntegerField(source="probability_pct")
    note = serializers.CharField()
    costCents = serializers.SerializerMethodField(
        help_text="amountCents × quantity × probability, rounded."
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_costCents(self, line: ScenarioLine) -> int:
        return Line(
            scenario=line.scenario,
            amount_cents=line.item_amount_cents,
            payer=line.item_payer,
            quantity=line.quantity,
            probability_pct=line.probability_pct,
        ).cost_cents


class ScenarioLineInputSerializer(serializers.Serializer[dict[str, Any]]):
    scenario = EnumField(Scenario)
    costItem = id_field(help_text="The id of a cost item of the catalogue.")
    quantity = serializers.CharField(
        max_length=20, help_text='In the item\'s unit, e.g. "1" or "1,5".'
    )
    probabilityPct = bounded_int(1, 100, help_text="1 to 100.")
    note = serializers.CharField(allow_blank=True, max_length=200, required=False, default="")


class PayerSplitSerializer(serializers.Serializer[PayerSplit]):
    payer = EnumField(Payer)
    label = serializers.CharField()  # type: ignore[assignment]  # DRF removes declared fields
    statusQuoCents = serializers.IntegerField(source="status_quo_cents")
    breakthroughCents = serializers.IntegerField(source="breakthrough_cents")
    gainCents = serializers.IntegerField(
        source="gain_cents", help_text="Positive: this payer is better off with the breakthrough."
    )


class ReturnSerializer(serializers.Serializer[ReturnCalculation]):
    """The return side of the value triangle: what society saves, and who pays or gains."""

    statusQuoCents = serializers.IntegerField(source="status_quo_cents")
    breakthroughCents = serializers.IntegerField(
        source="breakthrough_cents", help_text="Including the direct cost."
    )
    directCostCents = serializers.IntegerField(source="direct_cost_cents")
    netReturnCents = serializers.IntegerField(
        source="net_return_cents", help_text="Negative: the breakthrough costs society more."
    )
    perPayer = PayerSplitSerializer(many=True, source="per_payer")


class GapSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    message = serializers.CharField()


class EscalationStepSerializer(serializers.Serializer[EscalationStep]):
    id = serializers.IntegerField()
    level = serializers.IntegerField(help_text=LEVEL_HELP)
    startedAt = serializers.DateTimeField(source="started_at")
    deadline = serializers.DateField()
    endedAt = serializers.DateTimeField(source="ended_at", allow_null=True)
    reason = serializers.CharField()
    by = UserRefSerializer(allow_null=True, help_text="Empty when the deadline moved it on.")


class TeamPartnerRequestSerializer(serializers.Serializer[PartnerRequest]):
    """A request to a partner organisation, as the team sees it."""

    id = serializers.IntegerField()
    organisation = NameRefSerializer()
    question = serializers.CharField()
    status = EnumField(RequestStatus)
    askedBy = UserRefSerializer(source="asked_by")
    askedAt = serializers.DateTimeField(source="asked_at")
    deadline = serializers.DateField()
    answeredBy = UserRefSerializer(source="answered_by", allow_null=True)
    answeredAt = serializers.DateTimeField(source="answered_at", allow_null=True)
    answer = serializers.CharField()


class TimeOutSerializer(serializers.Serializer[TimeOut]):
    id = serializers.IntegerField()
    breakthrough = serializers.IntegerField(source="breakthrough_id")
    organisation = NameRefSerializer()
    what = serializers.CharField()
    until = serializers.DateField()
    status = EnumField(TimeOutStatus)
    requestedAt = serializers.DateTimeField(source="requested_at")
    answeredAt = serializers.DateTimeField(source="answered_at", allow_null=True)
    answer = serializers.CharField()


class DisclosureSerializer(serializers.Serializer[Disclosure]):
    """Household data made available to a partner organisation, and on what basis."""

    id = serializers.IntegerField()
    organisation = NameRefSerializer()
    purpose = EnumField(ConsentPurpose)
    legalBasis = serializers.CharField(source="legal_basis")
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    overrideReason = serializers.CharField(source="override_reason")
    disclosedBy = UserRefSerializer(source="disclosed_by")
    disclosedAt = serializers.DateTimeField(source="disclosed_at")


class DecisionSerializer(serializers.Serializer[Decision]):
    """Who decided, for which organisation, under which mandate, and why (never edited)."""

    id = serializers.IntegerField()
    breakthrough = serializers.IntegerField(source="breakthrough_id")
    outcome = EnumField(DecisionOutcome)
    level = serializers.IntegerField(help_text=LEVEL_HELP)
    decidedByName = serializers.CharField(source="decided_by_name")
    organisation = NameRefSerializer()
    mandate = serializers.CharField()
    reason = serializers.CharField()
    decidedAt = serializers.DateTimeField(source="decided_at")


class BreakthroughListSerializer(serializers.Serializer[Breakthrough]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = EnumField(BreakthroughStatus)
    level = serializers.IntegerField(help_text=LEVEL_HELP)
    levelDeadline = serializers.DateField(source="level_deadline", allow_null=True)
    household = HouseholdRefSerializer()
    bottleneck = serializers.IntegerField(source="bottleneck_id")
    createdAt = serializers.DateTimeField(source="created_at")
    submittedAt = serializers.DateTimeField(source="submitted_at", allow_null=True)


class BreakthroughSerializer(serializers.Serializer[Breakthrough]):
    """The breakthrough with its value triangle, computed return, route and decisions."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    proposal = serializers.CharField()
    status = EnumField(BreakthroughStatus)
    level = serializers.IntegerField(help_text=LEVEL_HELP)
    levelDeadline = serializers.DateField(source="level_deadline", allow_null=True)
    household = HouseholdRefSerializer()
    bottleneck = serializers.IntegerField(source="bottleneck_id")
    # Legitimacy.
    regulation = RegulationRefSerializer(allow_null=True)
    legalReasoning = serializers.CharField(source="legal_reasoning")
    # Return.
    horizonMonths = serializers.IntegerField(source="horizon_months")
    directCostCents = serializers.IntegerField(source="direct_cost_cents")
    directCostPayer = EnumField(Payer, source="direct_cost_payer")
    lines = ScenarioLineSerializer(many=True, source="scenario_lines.all")
    returnCalculation = serializers.SerializerMethodField()
    # Engagement.
    engagement = serializers.CharField()
    householdCommitment = serializers.CharField(source="household_commitment")
    gaps = serializers.SerializerMethodField(
        help_text="What the value triangle still misses (empty: ready to submit)."
    )
    createdBy = UserRefSerializer(source="created_by")
    createdAt = serializers.DateTimeField(source="created_at")
    submittedAt = serializers.DateTimeField(source="submitted_at", allow_null=True)
    carriedOutOn = serializers.DateField(source="carried_out_on", allow_null=True)
    carriedOutNote = serializers.CharField(source="carried_out_note")
    evaluatedOn = serializers.DateField(source="evaluated_on", allow_null=True)
    evaluation = serializers.CharField()
    routeSteps = EscalationStepSerializer(many=True, source="escalation_steps.all")
    partnerRequests = TeamPartnerRequestSerializer(many=True, source="partner_requests.all")
    timeOuts = TimeOutSerializer(many=True, source="time_outs.all")
    disclosures = DisclosureSerializer(many=True, source="disclosures.all")
    decisions = DecisionSerializer(many=True, source="decisions.all")

    @extend_schema_field(ReturnSerializer)
    def get_returnCalculation(self, breakthrough: Breakthrough) -> Any:
        return ReturnSerializer(breakthrough_return(breakthrough)).data

    @extend_schema_field(GapSerializer(many=True))
    def get_gaps(self, breakthrough: Breakthrough) -> list[dict[str, str]]:
        if not breakthrough.is_draft:
            return []
        return [
            {"field": camel_case(name), "message": str(message)}
            for name, message in triangle_gaps(breakthrough).items()
        ]


class BreakthroughStartSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(allow_blank=True, max_length=200)
    proposal = serializers.CharField(allow_blank=True, max_length=limits.LONG_TEXT)


class BreakthroughUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    """Change a draft; fields left out keep their value."""

    title = serializers.CharField(allow_blank=True, max_length=200, required=False)
    proposal = serializers.CharField(allow_blank=True, required=False, max_length=limits.LONG_TEXT)
    regulation = id_field(
        allow_null=True, required=False, help_text="The id of the legal basis in the library."
    )
    legalReasoning = serializers.CharField(
        allow_blank=True, required=False, max_length=limits.LONG_TEXT
    )
    horizonMonths = bounded_int(1, 120, required=False, help_text="1 to 120.")
    directCostCents = bounded_int(0, MAX_CENTS, required=False)
    directCostPayer = EnumField(Payer, required=False)
    engagement = serializers.CharField(allow_blank=True, required=False, max_length=limits.TEXT)
    householdCommitment = serializers.CharField(
        allow_blank=True, required=False, max_length=limits.TEXT
    )


class DecisionInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = EnumField(DecisionOutcome)
    mandate = serializers.CharField(allow_blank=True, max_length=300)
    reason = serializers.CharField(allow_blank=True, max_length=limits.TEXT)


class ReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class PartnerRequestInputSerializer(serializers.Serializer[dict[str, Any]]):
    organisation = id_field(help_text="The id of the partner organisation.")
    question = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    legalBasis = serializers.CharField(
        allow_blank=True,
        max_length=300,
        required=False,
        default="",
        help_text="Empty: the household's consent, when it is in force; else name the basis.",
    )
    overrideReason = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=limits.SHORT_TEXT,
        help_text="Team leads only: why the data is shared without the household's consent.",
    )


class ClarifySerializer(serializers.Serializer[dict[str, Any]]):
    information = serializers.CharField(allow_blank=True, max_length=limits.SHORT_TEXT)


class TimeOutInputSerializer(serializers.Serializer[dict[str, Any]]):
    organisation = id_field(help_text="The id of the organisation that pauses.")
    what = serializers.CharField(allow_blank=True, max_length=200)
    until = serializers.DateField()
    legalBasis = serializers.CharField(
        allow_blank=True,
        max_length=300,
        required=False,
        default="",
        help_text="Empty: the household's consent, when it is in force; else name the basis.",
    )
    overrideReason = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.SHORT_TEXT
    )


class CarryOutSerializer(serializers.Serializer[dict[str, Any]]):
    carriedOutOn = serializers.DateField(required=False, help_text="Defaults to today.")
    note = serializers.CharField(allow_blank=True, max_length=limits.TEXT)


class EvaluateSerializer(serializers.Serializer[dict[str, Any]]):
    evaluatedOn = serializers.DateField(required=False, help_text="Defaults to today.")
    evaluation = serializers.CharField(allow_blank=True, max_length=limits.LONG_TEXT)


# --- partner side ------------------------------------------------------------------------------
class PartnerInboxSerializer(serializers.Serializer[PartnerRequest]):
    """A request in the contact person's inbox: no household data."""

    id = serializers.IntegerField()
    organisation = NameRefSerializer()
    status = EnumField(RequestStatus)
    askedAt = serializers.DateTimeField(source="asked_at")
    deadline = serializers.DateField()


class PartnerInboxQuerySerializer(serializers.Serializer[dict[str, Any]]):
    status = EnumField(RequestStatus, required=False, help_text="Only requests with this status.")


class PartnerMemberSerializer(serializers.Serializer[Member]):
    """A member as shared with a partner: no BSN."""

    firstName = serializers.CharField(source="first_name")
    infix = serializers.CharField(help_text="Tussenvoegsel ('de', 'van der'); empty if none.")
    lastName = serializers.CharField(source="last_name")
    birthDate = serializers.DateField(source="birth_date")
    role = EnumField(MemberRole)


class SharedHouseholdSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    district = serializers.CharField(allow_null=True)
    members = PartnerMemberSerializer(many=True)


class SharedBreakthroughSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    proposal = serializers.CharField()
    status = EnumField(BreakthroughStatus)
    level = serializers.IntegerField(help_text=LEVEL_HELP)
    bottleneck = serializers.CharField(help_text="What is stuck.")
    regulation = RegulationRefSerializer(allow_null=True)
    legalReasoning = serializers.CharField()
    engagement = serializers.CharField()
    householdCommitment = serializers.CharField()
    returnCalculation = ReturnSerializer()


class PartnerRequestDetailSerializer(serializers.Serializer[Any]):
    """One request for a fixed contact person. ``household`` and ``breakthrough`` are only
    filled while sharing is allowed (``shared``: consent in force or a recorded override)."""

    id = serializers.IntegerField()
    organisation = NameRefSerializer()
    status = EnumField(RequestStatus)
    question = serializers.CharField(
        allow_null=True, help_text="Only while sharing is allowed; null otherwise."
    )
    askedAt = serializers.DateTimeField()
    deadline = serializers.DateField()
    answeredAt = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_null=True)
    canAnswer = serializers.BooleanField()
    shared = serializers.BooleanField()
    household = SharedHouseholdSerializer(allow_null=True)
    breakthrough = SharedBreakthroughSerializer(allow_null=True)
    timeOuts = TimeOutSerializer(many=True)


def partner_request_data(view: PartnerView, *, can_answer: bool, breakthrough: Any) -> Any:
    """The partner's view of a request as API data (household fields only when shared)."""
    request = view.request
    shared = view.shared
    household: dict[str, Any] | None = None
    shared_breakthrough: dict[str, Any] | None = None
    time_outs: list[TimeOut] = []
    if shared:
        source = request.breakthrough.household
        household = {
            "name": source.name,
            "district": source.district.name if source.district else None,
            "members": view.members,
        }
        shared_breakthrough = {
            "id": breakthrough.pk,
            "title": breakthrough.title,
            "proposal": breakthrough.proposal,
            "status": breakthrough.status,
            "level": breakthrough.level,
            "bottleneck": request.breakthrough.bottleneck.title,
            "regulation": request.breakthrough.regulation,
            "legalReasoning": breakthrough.legal_reasoning,
            "engagement": breakthrough.engagement,
            "householdCommitment": breakthrough.household_commitment,
            "returnCalculation": breakthrough_return(breakthrough),
        }
        time_outs = [
            t for t in breakthrough.time_outs.all() if t.organisation_id == request.organisation_id
        ]
    data = {
        "id": request.pk,
        "organisation": request.organisation,
        "status": request.status,
        "question": request.question if shared else None,
        "askedAt": request.asked_at,
        "deadline": request.deadline,
        "answeredAt": request.answered_at,
        "answer": request.answer if shared else None,
        "canAnswer": can_answer and shared,
        "shared": shared,
        "household": household,
        "breakthrough": shared_breakthrough,
        "timeOuts": time_outs,
    }
    return PartnerRequestDetailSerializer(data).data


class PartnerAnswerSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=[
            (RequestStatus.ACCEPTED.value, RequestStatus.ACCEPTED.label),
            (RequestStatus.DECLINED.value, RequestStatus.DECLINED.label),
            (RequestStatus.MORE_INFORMATION.value, RequestStatus.MORE_INFORMATION.label),
        ],
        help_text="Accept, decline (with a reason) or ask for more information.",
    )
    answer = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.TEXT
    )


class TimeOutAnswerSerializer(serializers.Serializer[dict[str, Any]]):
    granted = serializers.BooleanField()
    answer = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.TEXT
    )


# --- table queue and partner directory ---------------------------------------------------------
class QueueItemSerializer(serializers.Serializer[QueueItem]):
    """A minimised summary for the breakthrough table: no name, address or BSN."""

    id = serializers.IntegerField(source="breakthrough.pk")
    title = serializers.CharField(source="breakthrough.title")
    level = serializers.IntegerField(source="breakthrough.level", help_text=LEVEL_HELP)
    levelDeadline = serializers.DateField(source="breakthrough.level_deadline", allow_null=True)
    submittedAt = serializers.DateTimeField(source="breakthrough.submitted_at", allow_null=True)
    regulation = RegulationRefSerializer(source="breakthrough.regulation", allow_null=True)
    initials = serializers.CharField()
    district = serializers.CharField()
    ageBand = serializers.CharField(source="age_band")
    returnCalculation = ReturnSerializer(source="return_calculation")


class ContactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.SerializerMethodField()
    email = serializers.CharField(source="user.email")
    phone = serializers.SerializerMethodField()
    mandate = serializers.SerializerMethodField(help_text="What this contact person may decide.")
    maxAmountCents = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, membership: Any) -> str:
        user = membership.user
        return str(user.get_full_name() or user.get_username())

    @staticmethod
    def _profile(membership: Any) -> Any:
        return getattr(membership, "contact_profile", None)

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, membership: Any) -> str:
        profile = self._profile(membership)
        return profile.phone if profile else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_mandate(self, membership: Any) -> str:
        profile = self._profile(membership)
        return profile.mandate if profile else ""

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_maxAmountCents(self, membership: Any) -> int | None:
        profile = self._profile(membership)
        return profile.max_amount_cents if profile else None


class DirectoryEntrySerializer(serializers.Serializer[DirectoryEntry]):
    organisation = NameRefSerializer()
    contacts = ContactSerializer(many=True)
    answered = serializers.IntegerField(help_text="Requests answered.")
    medianWorkingDays = serializers.FloatField(source="median_working_days", allow_null=True)
    onTimePct = serializers.IntegerField(source="on_time_pct", allow_null=True)


class BreakthroughListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    status = EnumField(BreakthroughStatus, required=False)
    level = serializers.IntegerField(required=False, min_value=1, max_value=4, help_text=LEVEL_HELP)
