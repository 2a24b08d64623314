from django.urls import path
from health_check.views import HealthCheckView

from doorbraak.operations.health import EVERYTHING, LIVENESS

app_name = "operations"

urlpatterns = [
    path("", HealthCheckView.as_view(checks=LIVENESS), name="health"),
    path("alles/", HealthCheckView.as_view(checks=EVERYTHING), name="health-all"),
]
