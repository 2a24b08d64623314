from django.urls import path

from doorbraak.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("nieuw", views.request_register, name="register"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/verlengen", views.request_extend, name="extend"),
    path("<int:pk>/besluiten", views.request_decide, name="decide"),
    path("<int:pk>/beperken", views.request_restrict, name="restrict"),
    path("<int:pk>/rectificeren", views.request_rectify, name="rectify"),
    path("<int:pk>/overzicht.pdf", views.overview_pdf_download, name="overview-pdf"),
    path("<int:pk>/overzicht.json", views.overview_json_download, name="overview-json"),
]
