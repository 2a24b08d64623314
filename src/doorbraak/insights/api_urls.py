"""``/api/v1/``: the spiegel, policy signals and municipalities compared."""

from django.urls import path

from doorbraak.insights import api

urlpatterns = [
    path("insights/spiegel", api.SpiegelView.as_view(), name="insights-spiegel"),
    path(
        "insights/municipalities-comparison",
        api.ComparisonView.as_view(),
        name="insights-comparison",
    ),
    path("signals", api.SignalListView.as_view(), name="signal-list"),
    path("signals/<int:pk>", api.SignalDetailView.as_view(), name="signal-detail"),
    path("signals/<int:pk>/<str:step>", api.SignalStepView.as_view(), name="signal-step"),
]
