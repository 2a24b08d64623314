"""The societal value report (paths in Dutch: they are what users see)."""

from django.urls import path

from doorbraak.insights import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.report_list, name="list"),
    path("<int:pk>/", report_views.report_detail, name="detail"),
    path("<int:pk>/voortgang/", report_views.report_progress, name="progress"),
    path("<int:pk>/rapport.pdf", report_views.report_pdf, name="pdf"),
    path("<int:pk>/rapport.csv", report_views.report_csv_download, name="csv"),
]
