"""``/api/v1/examples``: the casebook."""

from django.urls import path

from doorbraak.casebook import api

urlpatterns = [
    path("examples", api.ExampleListView.as_view(), name="example-list"),
    path("examples/export", api.ExampleExportView.as_view(), name="example-export"),
    path("examples/<int:pk>", api.ExampleDetailView.as_view(), name="example-detail"),
]
