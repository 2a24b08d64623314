"""Pages of the Voorkom Erger Potje (/potje/): funds, figures, requests and payments."""

from django.urls import path

from doorbraak.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="fund-detail"),
    path("<int:pk>/cijfers.csv", views.fund_export, name="fund-export"),
    path("<int:pk>/betaalbatch.csv", views.fund_batch_csv, name="batch-csv"),
    path("<int:pk>/sepa/", views.fund_batch_sepa, name="batch-sepa"),
    path("aanvragen/", views.request_list, name="request-list"),
    path("aanvragen/nieuw/", views.request_create, name="request-create"),
    path("aanvragen/<int:pk>/", views.request_detail, name="request-detail"),
    path("aanvragen/<int:pk>/wijzigen/", views.request_edit, name="request-edit"),
    path("aanvragen/<int:pk>/huishouden/", views.request_attach, name="request-attach"),
    path("aanvragen/<int:pk>/indienen/", views.request_submit, name="request-submit"),
    path("aanvragen/<int:pk>/akkoord/", views.request_approve, name="request-approve"),
    path("aanvragen/<int:pk>/afwijzen/", views.request_reject, name="request-reject"),
    path("aanvragen/<int:pk>/betaald/", views.request_pay, name="request-pay"),
    path("aanvragen/<int:pk>/intrekken/", views.request_cancel, name="request-cancel"),
    path("aanvragen/<int:pk>/terugbetaald/", views.request_repay, name="request-repay"),
    path("aanvragen/<int:pk>/afschrijven/", views.request_write_off, name="request-write-off"),
]
