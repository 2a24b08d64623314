"""``/api/v1/cost-items``: the cost catalogue."""

from django.urls import path

from doorbraak.catalogue import api

urlpatterns = [
    path("cost-items", api.CostItemListView.as_view(), name="cost-item-list"),
    path("cost-items/<int:pk>", api.CostItemDetailView.as_view(), name="cost-item-detail"),
]
