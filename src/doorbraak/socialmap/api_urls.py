"""``/api/v1/social-services``: the social map."""

from django.urls import path

from doorbraak.socialmap import api

urlpatterns = [
    path("social-services", api.ServiceListView.as_view(), name="social-service-list"),
    path("social-services/<int:pk>", api.ServiceDetailView.as_view(), name="social-service-detail"),
]
