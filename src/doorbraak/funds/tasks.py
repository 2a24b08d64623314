"""Background work of the funds: purging idempotency keys that served their purpose."""

from __future__ import annotations

import logging

from django_tasks import task

from doorbraak.funds.idempotency import purge_idempotency_keys

logger = logging.getLogger(__name__)


@task()
def purge_idempotency_keys_task() -> int:
    """Run daily (``manage.py purge_idempotency_keys --enqueue`` hands it to the worker)."""

    deleted = purge_idempotency_keys()
    logger.info("idempotency_keys_purged", extra={"deleted": deleted})
    return deleted
