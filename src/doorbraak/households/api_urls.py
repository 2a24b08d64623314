"""``/api/v1/referrals`` and ``/api/v1/households`` (namespace ``api``, no trailing slashes)."""

from django.urls import URLPattern, path

from doorbraak.households import api

urlpatterns: list[URLPattern] = [
    path("referrals", api.ReferralListView.as_view(), name="referral-list"),
    path("referrals/mine", api.ReferralMineView.as_view(), name="referral-mine"),
    path("referrals/<int:pk>", api.ReferralDetailView.as_view(), name="referral-detail"),
    path("referrals/<int:pk>/decline", api.ReferralDeclineView.as_view(), name="referral-decline"),
    path("referrals/<int:pk>/accept", api.ReferralAcceptView.as_view(), name="referral-accept"),
    path("households", api.HouseholdListView.as_view(), name="household-list"),
    path("households/<uuid:public_id>", api.HouseholdDetailView.as_view(), name="household-detail"),
    path(
        "households/<uuid:public_id>/timeline",
        api.HouseholdTimelineView.as_view(),
        name="household-timeline",
    ),
    path(
        "households/<uuid:public_id>/members",
        api.MemberListView.as_view(),
        name="household-member-list",
    ),
    path(
        "households/<uuid:public_id>/members/<uuid:member_id>",
        api.MemberDetailView.as_view(),
        name="household-member-detail",
    ),
    path(
        "households/<uuid:public_id>/members/<uuid:member_id>/leave",
        api.MemberLeaveView.as_view(),
        name="household-member-leave",
    ),
    path(
        "households/<uuid:public_id>/coordinator",
        api.CoordinatorHandoverView.as_view(),
        name="household-coordinator",
    ),
    path(
        "households/<uuid:public_id>/professionals",
        api.ProfessionalListView.as_view(),
        name="household-professional-list",
    ),
    path(
        "households/<uuid:public_id>/professionals/<int:pk>/end",
        api.ProfessionalEndView.as_view(),
        name="household-professional-end",
    ),
    path(
        "households/<uuid:public_id>/consents",
        api.ConsentListView.as_view(),
        name="household-consent-list",
    ),
    path(
        "households/<uuid:public_id>/consents/<int:pk>/withdraw",
        api.ConsentWithdrawView.as_view(),
        name="household-consent-withdraw",
    ),
]
