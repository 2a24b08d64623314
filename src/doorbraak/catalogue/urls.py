"""The cost catalogue pages (/bibliotheek/kosten/)."""

from django.urls import path

from doorbraak.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.cost_list, name="costs"),
    path("csv/", views.cost_csv, name="costs-csv"),
]
