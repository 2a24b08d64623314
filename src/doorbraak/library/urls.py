"""The law library pages (/bibliotheek/)."""

from django.urls import path

from doorbraak.library import views

app_name = "library"

urlpatterns = [
    path("wetten/", views.regulation_list, name="regulations"),
    path("wetten/<int:pk>/", views.regulation_detail, name="regulation-detail"),
]
