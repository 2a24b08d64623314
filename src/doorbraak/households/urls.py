"""Pages of households and referrals (paths in Dutch: they are what users see)."""

from django.urls import path

from doorbraak.households import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("nieuw/", views.household_register, name="register"),
    # Referrals come before <uuid:…> for readability; the converters do not overlap.
    path("aanmeldingen/", views.referral_inbox, name="referral-inbox"),
    path("aanmeldingen/nieuw/", views.referral_create, name="referral-create"),
    path("aanmeldingen/mijn/", views.referral_mine, name="referral-mine"),
    path("aanmeldingen/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("aanmeldingen/<int:pk>/afwijzen/", views.referral_decline, name="referral-decline"),
    path("aanmeldingen/<int:pk>/intake/", views.referral_intake, name="referral-intake"),
    path("<uuid:public_id>/", views.household_detail, name="detail"),
    path("<uuid:public_id>/tijdlijn/", views.household_timeline, name="timeline"),
    path("<uuid:public_id>/leden/nieuw/", views.member_add, name="member-add"),
    path("<uuid:public_id>/leden/<uuid:member_id>/", views.member_edit, name="member-edit"),
    path(
        "<uuid:public_id>/leden/<uuid:member_id>/vertrek/",
        views.member_leave,
        name="member-leave",
    ),
    path("<uuid:public_id>/adres/", views.household_address, name="address"),
    path("<uuid:public_id>/regiehouder/", views.coordinator_handover, name="handover"),
    path("<uuid:public_id>/betrokkenen/nieuw/", views.professional_add, name="professional-add"),
    path(
        "<uuid:public_id>/betrokkenen/<int:pk>/einde/",
        views.professional_end,
        name="professional-end",
    ),
    path("<uuid:public_id>/toestemmingen/nieuw/", views.consent_add, name="consent-add"),
    path(
        "<uuid:public_id>/toestemmingen/<int:pk>/intrekken/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
