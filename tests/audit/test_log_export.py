"""The processing log as a CSV download: filtered like the page, privacy officers only,
built by the worker, itself recorded in the log."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.audit.tasks import build_processing_log_export
from doorbraak.downloads.models import Download, DownloadKind, DownloadStatus
from doorbraak.downloads.services import download_build
from tests.conftest import Cast


def records(cast: Cast) -> None:
    for subject in ("p-aaaa", "p-bbbb", "p-aaaa"):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=1,
            subjects=[subject],
            municipality=cast.north,
        )
    processing_log_record(  # another municipality: not the privacy officer's
        actor=cast.mallory,
        action=ProcessingAction.READ,
        activity=ProcessingActivity.CASE_SUPPORT,
        object_type="households.household",
        object_id=2,
        subjects=["p-aaaa"],
        municipality=cast.south,
    )


def test_the_privacy_officer_gets_the_filtered_log_as_csv(cast: Cast, as_user: Any) -> None:
    records(cast)
    client = as_user(cast.heidi)
    page = client.get(reverse("audit:processing-log"), {"person": "p-aaaa"}).content.decode()
    assert reverse("audit:processing-log-export") in page
    response = client.post(reverse("audit:processing-log-export"), {"person": "p-aaaa"})
    assert response["Location"] == reverse("downloads:list")
    download = Download.objects.get(kind=DownloadKind.PROCESSING_LOG_EXPORT)
    assert download.parameters["person"] == "p-aaaa"
    assert download_build(download.pk, build=build_processing_log_export) == "done"
    download.refresh_from_db()
    # Alice's two reads of p-aaaa, and Heidi's search for p-aaaa on the page just now.
    assert (download.status, download.summary) == (DownloadStatus.DONE, "3 regels")

    response = client.get(reverse("downloads:file", args=[download.public_id]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["betrokkene"] for row in rows] == ["p-aaaa"] * 3
    assert [row["handeling"] for row in rows] == ["Zoeken", "Inzien", "Inzien"]
    # Exporting the log is a processing too, of the person filtered on.
    export = ProcessingLog.objects.get(
        action=ProcessingAction.EXPORT, object_type="audit.processinglog"
    )
    assert (export.actor, export.subject_pseudonym) == (cast.heidi, "p-aaaa")
    # Nobody else fetches it.
    assert (
        as_user(cast.oscar).get(reverse("downloads:file", args=[download.public_id])).status_code
        == 404
    )


def test_others_may_not_ask_for_it(cast: Cast, as_user: Any) -> None:
    for persona in (cast.alice, cast.grace, cast.ivan):
        assert as_user(persona).post(reverse("audit:processing-log-export")).status_code == 403
    assert not Download.objects.exists()


def test_a_privacy_officer_who_lost_the_role_gets_a_failed_job(cast: Cast, as_user: Any) -> None:
    as_user(cast.heidi).post(reverse("audit:processing-log-export"), {})
    download = Download.objects.get()
    cast.heidi.memberships.update(role="policy_analyst")  # no longer a privacy officer
    assert download_build(download.pk, build=build_processing_log_export) == "failed"
    download.refresh_from_db()
    assert download.status == DownloadStatus.FAILED
    assert download.summary == "U mag dit bestand niet meer aanvragen."
