from django.urls import path

from doorbraak.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen", views.login_view, name="login"),
    path("inloggen/code", views.verify_view, name="verify"),
    path("inloggen/sso", views.sso_start, name="sso-start"),
    path("inloggen/sso/terug", views.sso_callback, name="sso-callback"),
    path("inloggen/app-koppelen", views.setup_view, name="setup"),
    path("uitloggen", views.logout_view, name="logout"),
    path("account", views.account_view, name="account"),
    path("organisaties", views.organisation_list, name="organisation-list"),
    path("organisaties/<int:pk>", views.organisation_detail, name="organisation-detail"),
    path("teams/mijn-team", views.my_team, name="my-team"),
    path("teams/<int:pk>", views.team_detail, name="team-detail"),
]
