from django.urls import path

from doorbraak.plans import views

app_name = "plans"

urlpatterns = [
    path("huishouden/<uuid:public_id>/", views.household_plans, name="household"),
    path("huishouden/<uuid:public_id>/nieuw/", views.plan_start, name="start"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/eigen-inzet/", views.plan_commitment, name="commitment"),
    path("<int:pk>/doelen/nieuw/", views.goal_add, name="goal-add"),
    path("<int:pk>/doelen/<int:goal_pk>/verwijderen/", views.goal_remove, name="goal-remove"),
    path("<int:pk>/doelen/<int:goal_pk>/acties/nieuw/", views.action_add, name="action-add"),
    path("<int:pk>/acties/<int:action_pk>/verwijderen/", views.action_remove, name="action-remove"),
    path("<int:pk>/acties/<int:action_pk>/status/", views.action_status, name="action-status"),
    path("<int:pk>/akkoord/", views.plan_agree, name="agree"),
    path("<int:pk>/pdf/", views.plan_download, name="pdf"),
]
