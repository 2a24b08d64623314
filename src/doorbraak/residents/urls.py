from django.urls import path

from doorbraak.residents import views

app_name = "residents"

urlpatterns = [
    path("", views.own_page, name="home"),
    path("eigen-score/", views.own_scores, name="own-scores"),
    path("wie-zag-mijn-gegevens/", views.consultations, name="consultations"),
]
