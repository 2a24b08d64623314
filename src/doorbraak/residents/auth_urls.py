"""The residents' sign-in with DigiD through the broker, under ``/mijn/``."""

from django.urls import path

from doorbraak.residents import auth_views

app_name = "resident_auth"

urlpatterns = [
    path("inloggen/", auth_views.sign_in, name="sign-in"),
    path("inloggen/digid/", auth_views.start, name="start"),
    path("callback/", auth_views.callback, name="callback"),
    path("uitloggen/", auth_views.sign_out, name="sign-out"),
]
