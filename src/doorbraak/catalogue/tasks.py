"""Background work of the cost catalogue: its CSV file for "Mijn downloads"."""

from __future__ import annotations

from django_tasks import task

from doorbraak.catalogue.exports import build_cost_catalogue
from doorbraak.downloads.services import download_build


@task()
def cost_catalogue_task(download_id: int) -> str:
    return download_build(download_id, build=build_cost_catalogue)
