"""``/api/v1/``: the cost catalogue and outcomes."""

from django.urls import path

from doorbraak.outcomes import api, outcome_api

urlpatterns = [
    path("cost-items", api.CostItemListView.as_view(), name="cost-item-list"),
    path("cost-items/<int:pk>", api.CostItemDetailView.as_view(), name="cost-item-detail"),
    path(
        "households/<uuid:public_id>/outcomes",
        outcome_api.HouseholdOutcomeListView.as_view(),
        name="outcome-list",
    ),
    path("outcomes/<int:pk>", outcome_api.OutcomeDetailView.as_view(), name="outcome-detail"),
    path(
        "outcomes/<int:pk>/withdraw",
        outcome_api.OutcomeWithdrawView.as_view(),
        name="outcome-withdraw",
    ),
]
