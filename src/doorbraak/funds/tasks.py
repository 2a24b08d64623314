"""Background work of the funds: purging idempotency keys that served their purpose, and
building the fund's files (``funds.exports``) for "Mijn downloads"."""

from __future__ import annotations

import logging

from django_tasks import task

from doorbraak.downloads.services import download_build
from doorbraak.funds import exports  # the module: it imports the services, which queue these
from doorbraak.funds.idempotency import purge_idempotency_keys

logger = logging.getLogger(__name__)


@task()
def purge_idempotency_keys_task() -> int:
    """Run daily (``manage.py purge_idempotency_keys --enqueue`` hands it to the worker)."""

    deleted = purge_idempotency_keys()
    logger.info("idempotency_keys_purged", extra={"deleted": deleted})
    return deleted


@task()
def fund_figures_task(download_id: int) -> str:
    return download_build(download_id, build=exports.build_fund_figures)


@task()
def payment_batch_csv_task(download_id: int) -> str:
    return download_build(download_id, build=exports.build_payment_batch_csv)


@task()
def payment_batch_sepa_task(download_id: int) -> str:
    return download_build(download_id, build=exports.build_payment_batch_sepa)
