"""``/api/v1/``: the Voorkom Erger Potje — funds, mandate rules, requests, payment batches."""

from django.urls import path

from doorbraak.funds import api

urlpatterns = [
    # Funds.
    path("funds", api.FundListView.as_view(), name="fund-list"),
    path("funds/<int:pk>", api.FundDetailView.as_view(), name="fund-detail"),
    path(
        "funds/<int:pk>/mandate-rules",
        api.FundMandateRuleListView.as_view(),
        name="mandate-rule-list",
    ),
    path("funds/<int:pk>/requests", api.FundRequestListView.as_view(), name="fund-request-list"),
    path(
        "funds/<int:pk>/payment-batch",
        api.PaymentBatchCsvView.as_view(),
        name="fund-payment-batch",
    ),
    path(
        "funds/<int:pk>/payment-batch.xml",
        api.PaymentBatchSepaView.as_view(),
        name="fund-payment-batch-sepa",
    ),
    # Requests.
    path("fund-requests", api.FundRequestCreateView.as_view(), name="fund-request-create"),
    path("fund-requests/<int:pk>", api.FundRequestDetailView.as_view(), name="fund-request-detail"),
    path(
        "fund-requests/<int:pk>/household",
        api.FundRequestHouseholdView.as_view(),
        name="fund-request-household",
    ),
    path(
        "fund-requests/<int:pk>/submit",
        api.FundRequestSubmitView.as_view(),
        name="fund-request-submit",
    ),
    path(
        "fund-requests/<int:pk>/approve",
        api.FundRequestApproveView.as_view(),
        name="fund-request-approve",
    ),
    path(
        "fund-requests/<int:pk>/reject",
        api.FundRequestRejectView.as_view(),
        name="fund-request-reject",
    ),
    path("fund-requests/<int:pk>/pay", api.FundRequestPayView.as_view(), name="fund-request-pay"),
    path(
        "fund-requests/<int:pk>/cancel",
        api.FundRequestCancelView.as_view(),
        name="fund-request-cancel",
    ),
    path(
        "fund-requests/<int:pk>/repay",
        api.FundRequestRepayView.as_view(),
        name="fund-request-repay",
    ),
    path(
        "fund-requests/<int:pk>/write-off",
        api.FundRequestWriteOffView.as_view(),
        name="fund-request-write-off",
    ),
]
