"""``/api/v1/``: bottlenecks, breakthroughs, partner requests, time-outs, the law library."""

from django.urls import path

from doorbraak.breakthroughs import api

urlpatterns = [
    # Law library.
    # Bottlenecks.
    path(
        "households/<uuid:public_id>/bottlenecks",
        api.HouseholdBottleneckListView.as_view(),
        name="bottleneck-list",
    ),
    path("bottlenecks/<int:pk>", api.BottleneckDetailView.as_view(), name="bottleneck-detail"),
    path(
        "bottlenecks/<int:pk>/breakthroughs",
        api.BottleneckBreakthroughCreateView.as_view(),
        name="bottleneck-breakthrough-list",
    ),
    # Breakthroughs.
    path("breakthroughs", api.BreakthroughListView.as_view(), name="breakthrough-list"),
    path(
        "breakthroughs/<int:pk>", api.BreakthroughDetailView.as_view(), name="breakthrough-detail"
    ),
    path(
        "breakthroughs/<int:pk>/lines",
        api.ScenarioLineCreateView.as_view(),
        name="breakthrough-line-list",
    ),
    path(
        "breakthroughs/<int:pk>/lines/<int:line_pk>",
        api.ScenarioLineDeleteView.as_view(),
        name="breakthrough-line-detail",
    ),
    path(
        "breakthroughs/<int:pk>/submit",
        api.BreakthroughSubmitView.as_view(),
        name="breakthrough-submit",
    ),
    path(
        "breakthroughs/<int:pk>/decision",
        api.BreakthroughDecisionView.as_view(),
        name="breakthrough-decision",
    ),
    path(
        "breakthroughs/<int:pk>/escalate",
        api.BreakthroughEscalateView.as_view(),
        name="breakthrough-escalate",
    ),
    path(
        "breakthroughs/<int:pk>/partner-requests",
        api.BreakthroughPartnerRequestView.as_view(),
        name="breakthrough-partner-request-list",
    ),
    path(
        "breakthroughs/<int:pk>/time-outs",
        api.BreakthroughTimeOutView.as_view(),
        name="breakthrough-time-out-list",
    ),
    path(
        "breakthroughs/<int:pk>/carry-out",
        api.BreakthroughCarryOutView.as_view(),
        name="breakthrough-carry-out",
    ),
    path(
        "breakthroughs/<int:pk>/evaluate",
        api.BreakthroughEvaluateView.as_view(),
        name="breakthrough-evaluate",
    ),
    path("table-queue", api.TableQueueView.as_view(), name="breakthrough-table-queue"),
    # Partner side.
    path("partner-requests", api.PartnerInboxView.as_view(), name="partner-request-list"),
    path(
        "partner-requests/<int:pk>",
        api.PartnerRequestDetailView.as_view(),
        name="partner-request-detail",
    ),
    path(
        "partner-requests/<int:pk>/answer",
        api.PartnerRequestAnswerView.as_view(),
        name="partner-request-answer",
    ),
    path(
        "partner-requests/<int:pk>/clarify",
        api.PartnerRequestClarifyView.as_view(),
        name="partner-request-clarify",
    ),
    path("time-outs/<int:pk>/answer", api.TimeOutAnswerView.as_view(), name="time-out-answer"),
    path("partner-directory", api.PartnerDirectoryView.as_view(), name="partner-directory"),
]
