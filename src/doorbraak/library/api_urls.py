"""``/api/v1/regulations``: the law library."""

from django.urls import path

from doorbraak.library import api

urlpatterns = [
    path("regulations", api.RegulationListView.as_view(), name="regulation-list"),
    path("regulations/<int:pk>", api.RegulationDetailView.as_view(), name="regulation-detail"),
]
