"""``/api/v1/``: breakthrough tables, meetings, agenda items, decisions and follow-up."""

from django.urls import path

from doorbraak.tables import api

urlpatterns = [
    path("tables", api.TableListView.as_view(), name="table-list"),
    path("tables/<int:pk>", api.TableDetailView.as_view(), name="table-detail"),
    path("tables/<int:pk>/meetings", api.TableMeetingListView.as_view(), name="table-meeting-list"),
    path("meetings/<int:pk>", api.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/cancel", api.MeetingCancelView.as_view(), name="meeting-cancel"),
    path("meetings/<int:pk>/publish", api.MeetingPublishView.as_view(), name="meeting-publish"),
    path("meetings/<int:pk>/open", api.MeetingOpenView.as_view(), name="meeting-open"),
    path("meetings/<int:pk>/close", api.MeetingCloseView.as_view(), name="meeting-close"),
    path(
        "meetings/<int:pk>/minutes-send",
        api.MeetingMinutesSendView.as_view(),
        name="meeting-minutes-send",
    ),
    path(
        "meetings/<int:pk>/agenda-items",
        api.MeetingAgendaItemView.as_view(),
        name="meeting-agenda-item-list",
    ),
    path(
        "meetings/<int:pk>/attendance",
        api.MeetingAttendanceView.as_view(),
        name="meeting-attendance",
    ),
    path("agenda-items/<int:pk>/move", api.AgendaItemMoveView.as_view(), name="agenda-item-move"),
    path(
        "agenda-items/<int:pk>/postpone",
        api.AgendaItemPostponeView.as_view(),
        name="agenda-item-postpone",
    ),
    path(
        "agenda-items/<int:pk>/decision",
        api.AgendaItemDecisionView.as_view(),
        name="agenda-item-decision",
    ),
    path(
        "table-decisions/<int:pk>/correction",
        api.DecisionCorrectionView.as_view(),
        name="table-decision-correction",
    ),
    path("follow-up-actions", api.FollowUpListView.as_view(), name="follow-up-list"),
    path("follow-up-actions/<int:pk>/done", api.FollowUpDoneView.as_view(), name="follow-up-done"),
]
