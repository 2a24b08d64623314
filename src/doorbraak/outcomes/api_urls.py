"""``/api/v1/``: a household's outcomes."""

from django.urls import path

from doorbraak.outcomes import api

urlpatterns = [
    path(
        "households/<uuid:public_id>/outcomes",
        api.HouseholdOutcomeListView.as_view(),
        name="outcome-list",
    ),
    path("outcomes/<int:pk>", api.OutcomeDetailView.as_view(), name="outcome-detail"),
    path("outcomes/<int:pk>/withdraw", api.OutcomeWithdrawView.as_view(), name="outcome-withdraw"),
]
