from django.urls import path

from doorbraak.breakthroughs.partner import views

app_name = "partners"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("verzoeken/", views.inbox, name="inbox"),
    path("verzoeken/<int:pk>/", views.request_detail, name="request-detail"),
    path("verzoeken/<int:pk>/antwoord/", views.request_answer, name="request-answer"),
    path("time-outs/<int:pk>/", views.time_out_answer, name="timeout-answer"),
]
