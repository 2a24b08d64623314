"""Every change to funds, mandate rules and fund requests, and the payment batches.

Each function is one use case: keyword-only, transactional, asks ``policies`` whether the
actor may take the step, writes the processing log (activity FUND) when personal data is
involved and the household's timeline when a household is tied. Bad input raises
``ValidationError`` with a Dutch message and changes nothing; an actor without the role
gets ``Refused`` (403). Money moves only through ``ledger``, under the fund's lock.

The use cases live in ``funds`` (funds and mandate rules), ``requests`` (the life of a
request), ``batches`` (exports for finance) and ``files`` (asking the worker for them);
import them from here.
"""

from doorbraak.funds.services.batches import (
    PaymentRow,
    payment_batch_csv,
    payment_batch_rows,
    payment_batch_sepa,
)
from doorbraak.funds.services.common import MAX_AMOUNT_CENTS, normalise_iban
from doorbraak.funds.services.files import (
    fund_figures_queue,
    payment_batch_queue,
    payment_batch_sepa_queue,
)
from doorbraak.funds.services.funds import (
    fund_create,
    fund_update,
    mandate_rule_add,
    mandate_rule_in_force,
)
from doorbraak.funds.services.requests import (
    fund_request_approve,
    fund_request_attach_household,
    fund_request_cancel,
    fund_request_draft,
    fund_request_link_table_decision,
    fund_request_pay,
    fund_request_reject,
    fund_request_repay,
    fund_request_submit,
    fund_request_update,
    fund_request_write_off,
)

__all__ = [
    "MAX_AMOUNT_CENTS",
    "PaymentRow",
    "fund_create",
    "fund_figures_queue",
    "fund_request_approve",
    "fund_request_attach_household",
    "fund_request_cancel",
    "fund_request_draft",
    "fund_request_link_table_decision",
    "fund_request_pay",
    "fund_request_reject",
    "fund_request_repay",
    "fund_request_submit",
    "fund_request_update",
    "fund_request_write_off",
    "fund_update",
    "mandate_rule_add",
    "mandate_rule_in_force",
    "normalise_iban",
    "payment_batch_csv",
    "payment_batch_queue",
    "payment_batch_rows",
    "payment_batch_sepa",
    "payment_batch_sepa_queue",
]
