"""The social map (/sociale-kaart/): search, a service, and its maintenance."""

from django.urls import path

from doorbraak.socialmap import views

app_name = "socialmap"

urlpatterns = [
    path("", views.service_search, name="search"),
    path("nieuw/", views.service_create, name="create"),
    path("importeren/", views.service_import, name="import"),
    path("csv/", views.service_export, name="export"),
    path("altijd-vol/", views.always_full, name="always-full"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("<int:pk>/bewerken/", views.service_edit, name="edit"),
    path("<int:pk>/actief/", views.service_active, name="active"),
    path("<int:pk>/wachttijd/", views.service_waiting, name="waiting"),
]
