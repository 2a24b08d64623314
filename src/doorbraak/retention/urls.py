from django.urls import path

from doorbraak.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.rule_list, name="rules"),
    path("regel/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("vernietigingslijsten/", views.list_index, name="lists"),
    path("vernietigingslijsten/<int:pk>/", views.list_detail, name="list"),
    path("vernietigingslijsten/<int:pk>/goedkeuren/", views.list_approve, name="list-approve"),
    path("vernietigingslijsten/regel/<int:pk>/afvoeren/", views.item_remove, name="item-remove"),
]
