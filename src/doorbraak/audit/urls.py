from django.urls import path

from doorbraak.audit import views

app_name = "audit"

urlpatterns = [
    path("logboek", views.processing_log_list, name="processing-log"),
    path("logboek/export", views.processing_log_export, name="processing-log-export"),
    path("beveiligingslog/", views.security_log_list, name="security-log"),
    path(
        "meldingen/<int:pk>/afgehandeld",
        views.alert_acknowledge_view,
        name="alert-acknowledge",
    ),
    path(
        "meldingen/instellingen/<int:pk>/",
        views.alert_settings_edit,
        name="alert-settings",
    ),
]
