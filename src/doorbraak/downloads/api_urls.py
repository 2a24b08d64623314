"""``/api/v1/``: the files the task worker builds for a client."""

from django.urls import path

from doorbraak.downloads import api

urlpatterns = [
    path("downloads/<uuid:public_id>", api.DownloadDetailView.as_view(), name="download-detail"),
    path(
        "downloads/<uuid:public_id>/file",
        api.DownloadFileView.as_view(),
        name="download-file",
    ),
]
