from django.urls import path  # noqa: F401

app_name = "households"

urlpatterns: list = []  # type: ignore[type-arg]
