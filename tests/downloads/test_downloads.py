"""Download jobs: only the requester sees and fetches them, the lifecycle from queued to
done or failed leaves no half file, expiry deletes, and the list's queries are constant."""

from __future__ import annotations

import datetime
from typing import IO, Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from doorbraak.downloads.models import Download, DownloadKind, DownloadStatus, download_storage
from doorbraak.downloads.services import (
    MAX_PENDING_PER_USER,
    Progress,
    download_build,
    download_queue,
    downloads_expire,
)
from tests.conftest import Cast


@task()
def noop_task(download_id: int) -> str:
    return "noop"


def queue(user: Any, title: str = "Exportbestand X9") -> Download:
    return download_queue(
        requester=user,
        kind=DownloadKind.EVALUATION_EXPORT,
        title=title,
        filename="bestand.csv",
        content_type="text/csv",
        parameters={"start": "2026-01-01", "k": 3},
        task=noop_task,
    )


def write_hello(download: Download, file: IO[bytes], progress: Progress) -> str:
    progress(50, "Halverwege")
    assert Download.objects.get(pk=download.pk).progress == 50  # visible while it runs
    file.write(b"hallo;wereld\r\n")
    return "1 rij"


def test_it_builds_the_file_and_hands_it_to_the_requester_only(
    cast: Cast, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        download = queue(cast.grace)
    assert download.status == DownloadStatus.QUEUED
    assert download_build(download.pk, build=write_hello) == "done"
    assert download_build(download.pk, build=write_hello) == "skipped"  # claimed once
    download.refresh_from_db()
    assert (download.status, download.progress, download.size, download.summary) == (
        DownloadStatus.DONE,
        100,
        14,
        "1 rij",
    )
    url = reverse("downloads:file", args=[download.public_id])
    response = as_user(cast.grace).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hallo;wereld\r\n"
    assert 'filename="bestand.csv"' in response["Content-Disposition"]
    # Anyone else: the job does not exist for them, whatever their role.
    for other in (cast.heidi, cast.ivan, cast.alice):
        assert as_user(other).get(url).status_code == 404
        assert (
            "Exportbestand X9" not in as_user(other).get(reverse("downloads:list")).content.decode()
        )


def test_a_failing_build_leaves_no_file_and_says_so_in_dutch(cast: Cast, as_user: Any) -> None:
    download = queue(cast.grace)

    def broken(download: Download, file: IO[bytes], progress: Progress) -> str:
        file.write(b"half")
        raise RuntimeError("disk full")

    assert download_build(download.pk, build=broken) == "failed"
    download.refresh_from_db()
    assert (download.status, download.file.name, download.error) == (
        DownloadStatus.FAILED,
        "",
        "RuntimeError",
    )
    assert list(download_storage().listdir("")[1]) == []
    assert (
        as_user(cast.grace).get(reverse("downloads:file", args=[download.public_id])).status_code
        == 404
    )
    page = as_user(cast.grace).get(reverse("downloads:list")).content.decode()
    assert "Mislukt" in page
    assert "Vraag het opnieuw aan" in page
    assert "Mijn downloads" in page


def test_a_pending_job_makes_the_list_poll(cast: Cast, as_user: Any) -> None:
    download = queue(cast.grace)
    page = as_user(cast.grace).get(reverse("downloads:list")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    download_build(download.pk, build=write_hello)
    fragment = as_user(cast.grace).get(reverse("downloads:progress")).content.decode()
    assert 'hx-trigger="every 2s"' not in fragment
    assert reverse("downloads:file", args=[download.public_id]) in fragment


def test_a_user_has_few_jobs_waiting(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    for _ in range(MAX_PENDING_PER_USER):
        queue(cast.grace)
    with pytest.raises(ValidationError):
        queue(cast.grace)
    queue(cast.heidi)  # someone else is not held up


def test_parameters_are_a_flat_object_of_short_values(cast: Cast) -> None:
    for bad in ({"nested": {"a": 1}}, {"rows": [1, 2]}, {"long": "x" * 3000}):
        with pytest.raises(ValueError):
            download_queue(
                requester=cast.grace,
                kind=DownloadKind.EVALUATION_EXPORT,
                title="x",
                filename="x.csv",
                content_type="text/csv",
                parameters=bad,
                task=noop_task,
            )


def test_expired_downloads_and_their_files_are_deleted(cast: Cast) -> None:
    download = queue(cast.grace)
    download_build(download.pk, build=write_hello)
    download.refresh_from_db()
    name = download.file.name
    assert download_storage().exists(name)
    stuck = queue(cast.grace)
    Download.objects.filter(pk=stuck.pk).update(
        status=DownloadStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=7)
    )
    assert downloads_expire() == (0, 1)
    assert Download.objects.get(pk=stuck.pk).status == DownloadStatus.FAILED
    assert downloads_expire(now=timezone.now() + datetime.timedelta(days=8)) == (2, 0)
    assert not download_storage().exists(name)
    assert not Download.objects.exists()


def test_the_list_needs_a_log_in(client: Any) -> None:
    response = client.get(reverse("downloads:list"))
    assert response.status_code == 302


def test_the_list_costs_the_same_queries_for_few_and_many_downloads(
    cast: Cast, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(cast.grace)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("downloads:list")).status_code == 200
        return len(queries)

    queue(cast.grace)
    count_queries()  # the first page of a session reads a few things once
    few = count_queries()
    now = timezone.now()
    Download.objects.bulk_create(
        Download(
            requested_by=cast.grace,
            kind=DownloadKind.EVALUATION_EXPORT,
            title=f"Bestand {n}",
            filename="b.csv",
            content_type="text/csv",
            status=DownloadStatus.FAILED,
            expires_at=now + datetime.timedelta(days=7),
        )
        for n in range(40)
    )
    assert count_queries() == few
