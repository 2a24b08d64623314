"""The team's pages for bottlenecks and breakthroughs, and the breakthrough table (/doorbraken/)."""

from django.urls import path

from doorbraak.breakthroughs import views

app_name = "breakthroughs"

urlpatterns = [
    path("", views.breakthrough_list, name="list"),
    path(
        "huishouden/<uuid:public_id>/knelpunten/nieuw/",
        views.bottleneck_create,
        name="bottleneck-create",
    ),
    path("knelpunten/<int:pk>/", views.bottleneck_detail, name="bottleneck-detail"),
    path("knelpunten/<int:pk>/wijzigen/", views.bottleneck_edit, name="bottleneck-edit"),
    path("knelpunten/<int:pk>/doorbraak/nieuw/", views.breakthrough_create, name="create"),
    path("doorbraaktafel/", views.table_queue, name="table-queue"),
    path("doorbraaktafel/<int:pk>/", views.table_item, name="table-item"),
    path("verzoeken/<int:request_pk>/aanvulling/", views.request_clarify, name="request-clarify"),
    path("<int:pk>/", views.breakthrough_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.breakthrough_edit, name="edit"),
    path("<int:pk>/scenario/nieuw/", views.line_add, name="line-add"),
    path("<int:pk>/scenario/eigen/", views.own_line_add, name="own-line-add"),
    path("<int:pk>/scenario/<int:line_pk>/verwijderen/", views.line_remove, name="line-remove"),
    path("<int:pk>/indienen/", views.breakthrough_submit, name="submit"),
    path("<int:pk>/besluit/", views.breakthrough_decide, name="decide"),
    path("<int:pk>/escaleren/", views.breakthrough_escalate, name="escalate"),
    path("<int:pk>/verzoek/", views.request_create, name="request-create"),
    path("<int:pk>/time-out/", views.time_out_create, name="timeout-create"),
    path("<int:pk>/uitgevoerd/", views.breakthrough_carry_out, name="carry-out"),
    path("<int:pk>/evaluatie/", views.breakthrough_evaluate, name="evaluate"),
]
