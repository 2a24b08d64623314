"""The team's outcome pages (/resultaten/)."""

from django.urls import path

from doorbraak.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("huishouden/<uuid:public_id>/", views.household_outcomes, name="household"),
    path("huishouden/<uuid:public_id>/nieuw/", views.outcome_create, name="create"),
    path("<int:pk>/", views.outcome_detail, name="detail"),
    path("<int:pk>/intrekken/", views.outcome_withdraw, name="withdraw"),
]
