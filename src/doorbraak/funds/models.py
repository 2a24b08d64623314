"""Voorkom Erger Potje: a flexible fund, its mandate rules, requests and a double-entry ledger.

A *fund* (potje) is money a municipality, district or team may spend in one year to prevent
worse — a €250 ticket that prevents an eviction. *Mandate rules* say, as data, who may
approve which amounts and how many approvers are needed (or the breakthrough table). A
*fund request* (aanvraag) is one proposed payment for one household; a team may discuss it
anonymously before it is tied to a name. Money moves only through the *ledger*: append-only
transactions of entries that always sum to zero, from which every balance is derived.

Chart of accounts (amounts are signed cents; the entries of one transaction sum to zero):

========== ===================================================================
FUNDING    where the budget comes from; its balance is minus the budget
AVAILABLE  what may still be committed
COMMITTED  approved, not yet paid
PAID       paid out (gross)
REPAID     contra account of PAID: what households paid back (negative balance)
========== ===================================================================

So ``available = budget − committed − paid`` (``paid`` net of repayments) holds by
construction and ``available`` can be read straight from the AVAILABLE account.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality, Role, Team
from doorbraak.accounts.selectors import active_memberships
from doorbraak.breakthroughs.models import AppendOnly, Breakthrough, ImmutableError
from doorbraak.catalogue.models import CostItem
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class FundPurpose(models.TextChoices):
    """What a payment is for; a fund lists the purposes it may be spent on."""

    RENT = "huur", _("Rent or housing costs")
    ENERGY = "energie", _("Energy and water")
    DEBT = "schuld", _("Paying off a debt or fine")
    HEALTH = "zorg", _("Health care costs")
    TRANSPORT = "vervoer", _("Transport")
    EDUCATION = "onderwijs", _("Education and school costs")
    WORK = "werk", _("Work and income")
    CHILDREN = "kinderen", _("Children")
    BASIC_NEEDS = "levensonderhoud", _("Basic needs")
    OTHER = "overig", _("Other")


# --- fund -------------------------------------------------------------------------------------
def fund_scopes(user: User) -> dict[str, tuple[int, ...]]:
    """The ids :meth:`FundQuerySet.of_scopes` takes for a signed-in user, from the user's
    active memberships: the municipalities whose every fund the user sees (fund managers,
    policy analysts, administrators), the user's teams and those teams' municipalities."""
    memberships = active_memberships(user)
    in_team = [
        m
        for m in memberships
        if m.team_id is not None and m.role in (Role.PROFESSIONAL, Role.TEAM_LEAD)
    ]
    return {
        "wide": tuple(
            sorted(
                {
                    m.municipality_id
                    for m in memberships
                    if m.role in (Role.FUND_MANAGER, Role.POLICY_ANALYST, Role.ADMIN)
                }
            )
        ),
        "teams": tuple(sorted({m.team_id for m in in_team if m.team_id is not None})),
        "team_municipalities": tuple(sorted({m.municipality_id for m in in_team})),
    }


class FundQuerySet(models.QuerySet["Fund"]):
    def visible_to(self, user: User | AnonymousUser) -> FundQuerySet:
        """Funds a user works with.

        Fund managers, policy analysts and administrators see every fund of their
        municipality. Team members see the municipality-wide funds of their municipality,
        the district funds of their team's districts and their own team's funds.
        """

        if not user.is_authenticated:
            return self.none()
        return self.of_scopes(**fund_scopes(user))

    def of_scopes(
        self,
        *,
        wide: Collection[int],
        teams: Collection[int],
        team_municipalities: Collection[int],
    ) -> FundQuerySet:
        """What :meth:`visible_to` gives a user who sees every fund of the municipalities
        ``wide`` and works in ``teams`` of ``team_municipalities`` (the rule written with
        the ids alone, for a query compiled once: lib/prepared.py)."""
        condition = Q(municipality_id__in=wide)
        if teams:
            condition |= Q(team_id__in=teams)
            condition |= Q(
                team__isnull=True, district__isnull=True, municipality_id__in=team_municipalities
            )
            condition |= Q(team__isnull=True, district__teams__in=teams)
        return self.filter(condition).distinct()


class Fund(models.Model):
    """Potje: money to prevent worse, for one municipality (or a district or team) and year.

    ``budget_cents`` is the budget as configured; the ledger holds the same amount as
    FUNDING entries (``fund_create`` and ``fund_update`` post them), and every balance
    shown is derived from the ledger.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="funds", verbose_name=_("municipality")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        verbose_name=_("district"),
        help_text=_("Only for a fund of one district."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        verbose_name=_("team"),
        help_text=_("Only for a fund of one team."),
    )
    name = models.CharField(_("name"), max_length=150)
    year = models.PositiveSmallIntegerField(_("year"))
    budget_cents = models.PositiveBigIntegerField(_("budget in cents"))
    cap_per_request_cents = models.PositiveBigIntegerField(
        _("maximum per request in cents"), null=True, blank=True
    )
    cap_per_household_year_cents = models.PositiveBigIntegerField(
        _("maximum per household per year in cents"), null=True, blank=True
    )
    purposes = models.JSONField(
        _("purposes"),
        default=list,
        blank=True,
        help_text=_("What the fund may be spent on; empty means any purpose."),
    )
    active = models.BooleanField(_("open for requests"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_cents__gt=0), name="fund_budget_positive"),
            models.CheckConstraint(
                condition=Q(cap_per_request_cents__isnull=True) | Q(cap_per_request_cents__gt=0),
                name="fund_cap_per_request_positive",
            ),
            models.CheckConstraint(
                condition=Q(cap_per_household_year_cents__isnull=True)
                | Q(cap_per_household_year_cents__gt=0),
                name="fund_cap_per_household_positive",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="fund_has_name"),
            models.UniqueConstraint(
                fields=["municipality", "year", "name"], name="fund_unique_name_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def allows_purpose(self, purpose: str) -> bool:
        return not self.purposes or purpose in self.purposes


# --- mandate rules ----------------------------------------------------------------------------
class ApproverRole(models.TextChoices):
    """Who may give one of the approvals a mandate rule requires."""

    PROFESSIONAL = Role.PROFESSIONAL.value, _("A professional of the team")
    TEAM_LEAD = Role.TEAM_LEAD.value, _("The team lead")
    FUND_MANAGER = Role.FUND_MANAGER.value, _("A fund manager")


class MandateRule(models.Model):
    """Mandaatregel: for amounts in [min, max], who approves, how many, and whether the table.

    Rules are data. A new rule with a later ``valid_from`` replaces an older one for new
    submissions; a request copies the rule in force when it is submitted, so changing the
    rules never changes a decision already under way or taken.
    """

    fund = models.ForeignKey(
        Fund, on_delete=models.CASCADE, related_name="mandate_rules", verbose_name=_("fund")
    )
    min_amount_cents = models.PositiveBigIntegerField(_("from amount in cents"), default=0)
    max_amount_cents = models.PositiveBigIntegerField(
        _("up to and including amount in cents"),
        null=True,
        blank=True,
        help_text=_("Empty means no upper limit."),
    )
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"), default=1)
    approver_role = models.CharField(_("who approves"), max_length=20, choices=ApproverRole.choices)
    needs_table = models.BooleanField(
        _("needs a decision of the breakthrough table"), default=False
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mandate rule")
        verbose_name_plural = _("mandate rules")
        ordering = ["fund", "min_amount_cents", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1), name="mandaterule_at_least_one_approval"
            ),
            models.CheckConstraint(
                condition=Q(max_amount_cents__isnull=True)
                | Q(max_amount_cents__gte=models.F("min_amount_cents")),
                name="mandaterule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.min_amount_cents}–{self.max_amount_cents or '…'}"

    def covers(self, amount_cents: int) -> bool:
        return self.min_amount_cents <= amount_cents and (
            self.max_amount_cents is None or amount_cents <= self.max_amount_cents
        )


# --- requests ---------------------------------------------------------------------------------
class PayeeKind(models.TextChoices):
    IBAN = "iban", _("Bank transfer")
    IN_KIND = "natura", _("Payment in kind")
    VOUCHER = "voucher", _("Voucher")


class FundRequestStatus(models.TextChoices):
    DRAFT = "concept", _("Draft")
    REQUESTED = "aangevraagd", _("Requested")
    APPROVED = "goedgekeurd", _("Approved")
    REJECTED = "afgewezen", _("Rejected")
    PAID = "betaald", _("Paid")
    REPAID = "terugbetaald", _("Repaid")
    WRITTEN_OFF = "afgeschreven", _("Written off")
    CANCELLED = "ingetrokken", _("Cancelled")


#: Statuses whose amount counts towards the cap per household per year.
COUNTING_STATUSES = (
    FundRequestStatus.REQUESTED,
    FundRequestStatus.APPROVED,
    FundRequestStatus.PAID,
    FundRequestStatus.WRITTEN_OFF,
)
#: Statuses of requests whose money went out.
PAID_STATUSES = (FundRequestStatus.PAID, FundRequestStatus.REPAID, FundRequestStatus.WRITTEN_OFF)


class FundRequestQuerySet(models.QuerySet["FundRequest"]):
    def visible_to(self, user: User | AnonymousUser) -> FundRequestQuerySet:
        """Team members see their own team's requests (drafts included); fund managers see
        the submitted requests of the funds of their municipality."""

        if not user.is_authenticated:
            return self.none()
        memberships = active_memberships(user)
        team_ids = {
            m.team_id
            for m in memberships
            if m.team_id is not None and m.role in (Role.PROFESSIONAL, Role.TEAM_LEAD)
        }
        managed = {m.municipality_id for m in memberships if m.role == Role.FUND_MANAGER}
        return self.filter(
            Q(team_id__in=team_ids)
            | (Q(fund__municipality_id__in=managed) & ~Q(status=FundRequestStatus.DRAFT))
        )


class FundRequest(models.Model):
    """Aanvraag: one proposed payment from a fund, for one household.

    While ``household`` is empty the request is an anonymous discussion: ``summary`` must
    then hold no personal data. The IBAN is personal data: it is never shown in lists and
    only read by the fund manager who pays. The approval rule is copied from the mandate
    rule in force at submission (``approvals_required``, ``approver_role``, ``needs_table``).
    """

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="requests", verbose_name=_("fund")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("team"),
        help_text=_("The team that asks; it discusses the request before it has a name."),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_requests",
        verbose_name=_("household"),
    )
    summary = LimitedTextField(
        _("what the money is for"),
        help_text=_("No names or other personal data."),
        max_length=limits.SHORT_TEXT,
    )
    amount_cents = models.PositiveBigIntegerField(_("amount in cents"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=FundPurpose.choices)
    payee_kind = models.CharField(_("payment by"), max_length=10, choices=PayeeKind.choices)
    payee_name = models.CharField(_("payee"), max_length=150, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    breakthrough = models.ForeignKey(
        Breakthrough,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_requests",
        verbose_name=_("breakthrough"),
    )
    # The tables app links its decisions here; a plain reference keeps the apps independent.
    table_decision_ref = models.CharField(
        _("decision of the breakthrough table"), max_length=64, blank=True
    )
    prevents_cost_item = models.ForeignKey(
        CostItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expected to prevent"),
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=FundRequestStatus.choices,
        default=FundRequestStatus.DRAFT,
    )
    # Snapshot of the mandate rule at submission.
    mandate_rule = models.ForeignKey(
        MandateRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals required"), null=True, blank=True
    )
    approver_role = models.CharField(
        _("who approves"), max_length=20, choices=ApproverRole.choices, blank=True
    )
    needs_table = models.BooleanField(_("needs the breakthrough table"), default=False)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = LimitedTextField(
        _("reason for rejection"), blank=True, max_length=limits.SHORT_TEXT
    )
    cancel_reason = LimitedTextField(
        _("reason for cancelling"), blank=True, max_length=limits.SHORT_TEXT
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    repaid_cents = models.PositiveBigIntegerField(_("repaid in cents"), default=0)
    closed_note = LimitedTextField(
        _("note on repayment or write-off"), blank=True, max_length=limits.SHORT_TEXT
    )

    objects = FundRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund request")
        verbose_name_plural = _("fund requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            limits.length_check("summary", limits.SHORT_TEXT),
            limits.length_check("rejection_reason", limits.SHORT_TEXT),
            limits.length_check("cancel_reason", limits.SHORT_TEXT),
            limits.length_check("closed_note", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="fundrequest_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False)
                | Q(status__in=[FundRequestStatus.DRAFT, FundRequestStatus.CANCELLED]),
                name="fundrequest_submitted_has_household",
            ),
            models.CheckConstraint(
                condition=~Q(payee_kind=PayeeKind.IBAN)
                | Q(status__in=[FundRequestStatus.DRAFT, FundRequestStatus.CANCELLED])
                | ~Q(iban=""),
                name="fundrequest_bank_transfer_has_iban",
            ),
            models.CheckConstraint(
                condition=Q(repaid_cents__lte=models.F("amount_cents")),
                name="fundrequest_repaid_at_most_amount",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_purpose_display()}"

    @property
    def is_anonymous(self) -> bool:
        return self.household_id is None

    @property
    def masked_iban(self) -> str:
        """For screens that must show which account without showing the account."""
        return f"{self.iban[:4]} •••• {self.iban[-4:]}" if self.iban else ""


class Approval(AppendOnly):
    """Akkoord: one approver agreed with one request. Never changed; one per approver."""

    request = models.ForeignKey(
        FundRequest, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("request")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("approved as"), max_length=20, choices=ApproverRole.choices)
    decided_at = models.DateTimeField(_("approved at"), default=timezone.now)
    note = LimitedTextField(_("note"), blank=True, max_length=limits.SHORT_TEXT)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["decided_at", "pk"]
        constraints = [
            limits.length_check("note", limits.SHORT_TEXT),
            models.UniqueConstraint(fields=["request", "approver"], name="approval_once_each"),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.approver}"


# --- ledger -----------------------------------------------------------------------------------
class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk ``update``/``delete`` bypass ``save``; refuse them too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableError("Ledger records cannot be changed.")

    def delete(self) -> NoReturn:
        raise ImmutableError("Ledger records cannot be deleted.")


class Account(models.TextChoices):
    FUNDING = "funding", _("Budget source")
    AVAILABLE = "available", _("Available")
    COMMITTED = "committed", _("Committed")
    PAID = "paid", _("Paid")
    REPAID = "repaid", _("Repaid")


class TransactionKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    COMMIT = "commit", _("Commitment")
    PAYMENT = "payment", _("Payment")
    REPAYMENT = "repayment", _("Repayment")
    REVERSAL = "reversal", _("Reversal")


class LedgerTransaction(AppendOnly):
    """Boeking: one balanced movement of money within a fund. Corrections are reversals."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=12, choices=TransactionKind.choices)
    request = models.ForeignKey(
        FundRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        help_text=_("The transaction this one undoes; a transaction is reversed at most once."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ledgertransaction_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerEntry(AppendOnly):
    """Boekingsregel: a signed amount on one account; a transaction's entries sum to zero."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(_("account"), max_length=12, choices=Account.choices)
    amount_cents = models.BigIntegerField(_("amount in cents"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledgerentry_amount_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_cents}"


# The idempotency record lives beside its helper; importing it here registers the model.
from doorbraak.funds.idempotency import IdempotencyKey  # noqa: E402, F401
