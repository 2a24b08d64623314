"""The functional administrator's API-client pages (/api-koppelingen/)."""

from django.urls import path

from doorbraak.accounts.apiclients import views

app_name = "api_clients"

urlpatterns = [
    path("", views.api_client_list, name="list"),
    path("nieuw/", views.api_client_create, name="create"),
    path("<int:pk>/", views.api_client_detail, name="detail"),
    path("<int:pk>/vernieuwen/", views.api_client_rotate, name="rotate"),
    path("<int:pk>/intrekken/", views.api_client_revoke, name="revoke"),
]
