"""``/inzicht/``: the spiegel, policy signals, the evaluation export and comparison."""

from django.urls import path

from doorbraak.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.spiegel, name="spiegel"),
    path("spiegel.pdf", views.spiegel_pdf, name="spiegel-pdf"),
    path("signalen/voorstellen/", views.propose, name="propose"),
    path("signalen/", views.signal_list, name="signal-list"),
    path("signalen/nieuw/", views.signal_create, name="signal-create"),
    path("signalen/<int:pk>/", views.signal_detail, name="signal-detail"),
    path("signalen/<int:pk>/<str:step>/", views.signal_transition, name="signal-transition"),
    path("export/", views.export, name="export"),
    path("vergelijken/", views.compare, name="compare"),
]
