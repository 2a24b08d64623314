"""The casebook (/voorbeelden/)."""

from django.urls import path

from doorbraak.casebook import views

app_name = "casebook"

urlpatterns = [
    path("", views.example_list, name="list"),
    path("suggesties/", views.suggestions, name="suggestions"),
    path("beoordelen/", views.review_queue, name="review-queue"),
    path("importeren/", views.example_import, name="import"),
    path("doorbraak/<int:pk>/voorstellen/", views.example_propose, name="propose"),
    path("<int:pk>/", views.example_detail, name="detail"),
    path("<int:pk>/publiceren/", views.example_approve, name="approve"),
    path("<int:pk>/afwijzen/", views.example_reject, name="reject"),
    path("<int:pk>/intrekken/", views.example_withdraw, name="withdraw"),
]
