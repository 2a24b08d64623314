from django.urls import path

from doorbraak.audit import views

app_name = "audit"

urlpatterns = [
    path("logboek", views.processing_log_list, name="processing-log"),
    path("logboek/export", views.processing_log_export, name="processing-log-export"),
]
