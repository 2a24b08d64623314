"""``/api/v1/``: plans, their goals and actions."""

from django.urls import path

from doorbraak.plans import api

urlpatterns = [
    path(
        "households/<uuid:public_id>/plans",
        api.HouseholdPlanListView.as_view(),
        name="plan-list",
    ),
    path("plans/<int:pk>", api.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/commitment", api.PlanCommitmentView.as_view(), name="plan-commitment"),
    path("plans/<int:pk>/agree", api.PlanAgreeView.as_view(), name="plan-agree"),
    path("plans/<int:pk>/goals", api.GoalCreateView.as_view(), name="plan-goal-list"),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>",
        api.GoalDeleteView.as_view(),
        name="plan-goal-detail",
    ),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>/actions",
        api.ActionCreateView.as_view(),
        name="plan-action-list",
    ),
    path(
        "plans/<int:pk>/actions/<int:action_pk>",
        api.ActionDetailView.as_view(),
        name="plan-action-detail",
    ),
]
