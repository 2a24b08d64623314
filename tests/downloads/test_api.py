"""``/api/v1/downloads/{id}``: the status of a file built for the client, and the file,
for the one who asked only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from doorbraak.audit.models import ProcessingLog
from doorbraak.downloads.models import DownloadStatus, download_storage
from doorbraak.downloads.services import download_build
from tests.accounts.test_api_clients import bearer, issue_client
from tests.conftest import Cast
from tests.downloads.test_downloads import queue, write_hello


def _urls(public_id: Any) -> tuple[str, str]:
    return (
        reverse("api:download-detail", args=[public_id]),
        reverse("api:download-file", args=[public_id]),
    )


def test_it_shows_the_progress_and_hands_the_file_to_the_requester_only(
    cast: Cast, as_user: Any
) -> None:
    download = queue(cast.grace)
    detail, file = _urls(download.public_id)
    grace = as_user(cast.grace)
    waiting = grace.get(detail).json()
    assert (waiting["status"], waiting["progress"], waiting["fileUrl"]) == ("wacht", 0, None)
    not_ready = grace.get(file)
    assert not_ready.status_code == 409
    assert not_ready["Content-Type"] == "application/problem+json"

    assert download_build(download.pk, build=write_hello) == "done"
    done = grace.get(detail).json()
    assert (done["status"], done["progress"], done["summary"], done["size"]) == (
        "klaar",
        100,
        "1 rij",
        14,
    )
    assert done["fileUrl"].endswith(file)
    records = ProcessingLog.objects.count()
    response = grace.get(file, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    # The task that built the file recorded the export; fetching it records nothing more.
    assert ProcessingLog.objects.count() == records
    assert b"".join(response.streaming_content) == b"hallo;wereld\r\n"
    assert 'filename="bestand.csv"' in response["Content-Disposition"]
    # Anyone else: the job does not exist for them, whatever their role.
    for other in (cast.heidi, cast.ivan, cast.alice):
        client = as_user(other)
        assert client.get(detail).status_code == 404
        assert client.get(file).status_code == 404


def test_a_failed_job_says_why_and_has_no_file(cast: Cast, as_user: Any) -> None:
    download = queue(cast.grace)

    def broken(*args: Any) -> str:
        raise RuntimeError("disk full")

    assert download_build(download.pk, build=broken) == "failed"
    detail, file = _urls(download.public_id)
    grace = as_user(cast.grace)
    assert grace.get(detail).json()["status"] == DownloadStatus.FAILED
    assert grace.get(file).status_code == 409


def test_a_file_gone_from_the_storage_is_404(cast: Cast, as_user: Any) -> None:
    download = queue(cast.grace)
    download_build(download.pk, build=write_hello)
    download.refresh_from_db()
    download_storage().delete(download.file.name)
    assert as_user(cast.grace).get(_urls(download.public_id)[1]).status_code == 404


def test_the_downloads_need_a_log_in(client: Any, cast: Cast) -> None:
    download = queue(cast.grace)
    for address in _urls(download.public_id):
        assert client.get(address).status_code == 401


def test_an_api_client_follows_its_own_downloads_whatever_its_scope(
    client: Any, cast: Cast
) -> None:
    """The download URLs belong to no scope: a client reaches only the jobs of its own
    service user, which only an endpoint of its scope can have queued."""
    issued = issue_client(cast)  # households and organisations, not funds
    own = queue(issued.client.user)
    download_build(own.pk, build=write_hello)
    auth = bearer(issued.secret)
    detail, file = _urls(own.public_id)
    assert client.get(detail, **auth).json()["status"] == "klaar"
    assert b"".join(client.get(file, **auth).streaming_content) == b"hallo;wereld\r\n"
    theirs = queue(cast.grace)
    for address in _urls(theirs.public_id):
        assert client.get(address, **auth).status_code == 404
