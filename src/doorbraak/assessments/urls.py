"""Pages of the self-sufficiency assessments (paths in Dutch: they are what users see)."""

from django.urls import path

from doorbraak.assessments import views

app_name = "assessments"

urlpatterns = [
    path("huishouden/<uuid:public_id>/", views.assessment_overview, name="overview"),
    path("huishouden/<uuid:public_id>/nieuw/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    # Closing a household starts its follow-up measurement (services.household_close).
    path("huishouden/<uuid:public_id>/afsluiten/", views.household_close, name="household-close"),
    path("huishouden/<uuid:public_id>/heropenen/", views.household_reopen, name="household-reopen"),
]
