from django.urls import path

from doorbraak.downloads import views

app_name = "downloads"

urlpatterns = [
    path("", views.download_list, name="list"),
    path("voortgang/", views.download_list_progress, name="progress"),
    path("<uuid:public_id>/bestand/", views.download_file, name="file"),
]
