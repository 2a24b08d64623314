"""The processing log of the funds: the one way the app writes it.

A fund request concerns its household's current members, and holds personal data when
it names a household or an IBAN; an anonymous discussion holds none and is not logged.
Requests, payment exports and the household choices a form shows are recorded here,
under the fund activity (the choices under support of a household, as every list of
households is).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
from doorbraak.funds.models import Fund, FundRequest
from doorbraak.households.models import Household
from doorbraak.households.processing import household_subjects
from doorbraak.households.selectors import log_household_list


def log_fund_request(
    *, actor: AnyUser, action: ProcessingAction, fund_request: FundRequest
) -> None:
    """Record processing of the request's personal data (its household or the IBAN)."""
    if fund_request.household_id is None and not fund_request.iban:
        return  # an anonymous discussion holds no personal data
    household = fund_request.household
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.FUND,
        object_type="funds.fundrequest",
        object_id=fund_request.pk,
        subjects=household_subjects(household) if household else (),
        municipality=fund_request.fund.municipality,
    )


def log_payment_export(*, actor: AnyUser, fund: Fund, subjects: Iterable[str]) -> None:
    """Record that the payments concerning these persons left the application in a file
    (one record per person, in one INSERT; the caller passes a chunk at a time)."""
    processing_log_record(
        actor=actor,
        action=ProcessingAction.EXPORT,
        activity=ProcessingActivity.FUND,
        object_type="funds.fund",
        object_id=fund.pk,
        subjects=subjects,
        municipality=fund.municipality,
    )


def log_household_choices(
    *, actor: AnyUser, households: Sequence[Household], search_term: str = ""
) -> None:
    """The households a form's select shows are personal data shown: one record per
    household shown, in one INSERT, as the household list records its page. With a search
    (``search_term``) they are recorded as the household list records a search: SEARCH
    records under the term's keyed hash, also when nothing was found."""
    log_household_list(
        user=actor,
        households=list(households),
        searched=bool(search_term.strip()),
        search_term=search_term,
    )
