from django.urls import path
from health_check.views import HealthCheckView

from doorbraak.lib.access import public
from doorbraak.operations.health import EVERYTHING, LIVENESS

app_name = "operations"

# Public: load balancers and monitoring probe these without an account; they show no
# personal data (operations/health.py).
urlpatterns = [
    path("", public(HealthCheckView.as_view(checks=LIVENESS)), name="health"),
    path("alles/", public(HealthCheckView.as_view(checks=EVERYTHING)), name="health-all"),
]
