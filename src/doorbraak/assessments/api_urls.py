"""``/api/v1/``: life domains, assessments, domain history, follow-ups, and closing and
reopening a household (which starts and stops the follow-ups)."""

from django.urls import path

from doorbraak.assessments import api

urlpatterns = [
    path("lifedomains", api.LifeDomainListView.as_view(), name="lifedomain-list"),
    path(
        "households/<uuid:public_id>/assessments",
        api.HouseholdAssessmentListView.as_view(),
        name="assessment-list",
    ),
    path("assessments/<int:pk>", api.AssessmentDetailView.as_view(), name="assessment-detail"),
    path(
        "households/<uuid:public_id>/domain-history",
        api.DomainHistoryView.as_view(),
        name="assessment-domain-history",
    ),
    path(
        "households/<uuid:public_id>/follow-ups",
        api.FollowUpListView.as_view(),
        name="assessment-follow-up-list",
    ),
    path(
        "households/<uuid:public_id>/close",
        api.HouseholdCloseView.as_view(),
        name="household-close",
    ),
    path(
        "households/<uuid:public_id>/reopen",
        api.HouseholdReopenView.as_view(),
        name="household-reopen",
    ),
]
