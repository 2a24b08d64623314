"""Pages of the self-sufficiency assessments (paths in Dutch: they are what users see)."""

from django.urls import path

from doorbraak.assessments import views

app_name = "assessments"

urlpatterns = [
    path("huishouden/<uuid:public_id>/", views.assessment_overview, name="overview"),
    path("huishouden/<uuid:public_id>/nieuw/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
]
