from django.urls import path

from doorbraak.breakthroughs import library_views as views

app_name = "library"

urlpatterns = [
    path("wetten/", views.regulation_list, name="regulations"),
    path("wetten/<int:pk>/", views.regulation_detail, name="regulation-detail"),
]
