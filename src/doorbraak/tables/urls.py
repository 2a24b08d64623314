"""Pages of the breakthrough tables (paths in Dutch: they are what users see)."""

from django.urls import path

from doorbraak.tables import views

app_name = "tables"

urlpatterns = [
    path("", views.table_overview, name="overview"),
    path("<int:pk>/", views.table_detail, name="table-detail"),
    path("<int:pk>/overleg/nieuw/", views.meeting_create, name="meeting-create"),
    path("overleg/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("overleg/<int:pk>/wijzigen/", views.meeting_edit, name="meeting-edit"),
    path("overleg/<int:pk>/annuleren/", views.meeting_cancel, name="meeting-cancel"),
    path("overleg/<int:pk>/agenda/voorstellen/", views.agenda_propose, name="agenda-propose"),
    path("overleg/<int:pk>/agenda/toevoegen/", views.agenda_add, name="agenda-add"),
    path("overleg/<int:pk>/agenda/versturen/", views.agenda_publish, name="agenda-publish"),
    path("agendapunten/<int:pk>/verplaatsen/", views.agenda_move, name="agenda-move"),
    path("agendapunten/<int:pk>/uitstellen/", views.agenda_postpone, name="agenda-postpone"),
    path("overleg/<int:pk>/starten/", views.meeting_open, name="meeting-open"),
    path("overleg/<int:pk>/vergadermodus/", views.meeting_mode, name="meeting-mode"),
    path("overleg/<int:pk>/aanwezigheid/", views.attendance, name="attendance"),
    path("agendapunten/<int:pk>/besluit/", views.decision_record, name="decision-record"),
    path("besluiten/<int:pk>/correctie/", views.decision_correct, name="decision-correct"),
    path("overleg/<int:pk>/sluiten/", views.meeting_close, name="meeting-close"),
    path("overleg/<int:pk>/notulen/", views.minutes, name="minutes"),
    path("overleg/<int:pk>/notulen/versturen/", views.minutes_send, name="minutes-send"),
    path("vervolgacties/", views.follow_up, name="follow-up"),
    path("vervolgacties/<int:pk>/gedaan/", views.follow_up_done, name="follow-up-done"),
]
