"""Every call by an API client in the processing log, with the client as actor.

The endpoints log the personal data they read or change, as for people. A system
integration is held to more: each of its calls leaves a record of its own (the method and
the path, no subject), also a call that touched no personal data or was refused, so the
privacy officer sees everything a client did, with its name and organisation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import primary_membership
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record

OBJECT_TYPE = "api.call"

_ACTIONS = {
    "GET": ProcessingAction.READ,
    "HEAD": ProcessingAction.READ,
    "POST": ProcessingAction.CREATE,
    "PUT": ProcessingAction.UPDATE,
    "PATCH": ProcessingAction.UPDATE,
    "DELETE": ProcessingAction.DELETE,
}
_ACTIVITIES = {
    Role.PROFESSIONAL: ProcessingActivity.CASE_SUPPORT,
    Role.TEAM_LEAD: ProcessingActivity.CASE_SUPPORT,
    Role.PARTNER_CONTACT: ProcessingActivity.PARTNER_REQUEST,
    Role.TABLE_CHAIR: ProcessingActivity.BREAKTHROUGH_TABLE,
    Role.FUND_MANAGER: ProcessingActivity.FUND,
    Role.POLICY_ANALYST: ProcessingActivity.POLICY_RESEARCH,
}


class ApiClientCallMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # REST framework puts the authenticated credential on the request it wraps.
        client = getattr(request, "auth", None)
        if isinstance(client, ApiClient):
            record_call(client, request, response.status_code)
        return response


def record_call(client: ApiClient, request: HttpRequest, status: int) -> None:
    """One record of the call: its method, path and answer, the client as actor."""
    membership = primary_membership(client.user)
    activity = _ACTIVITIES.get(
        Role(membership.role) if membership else Role.PROFESSIONAL,
        ProcessingActivity.CASE_SUPPORT,
    )
    processing_log_record(
        actor=client.user,
        action=_ACTIONS.get(request.method or "GET", ProcessingAction.READ),
        activity=activity,
        object_type=OBJECT_TYPE,
        object_id=f"{request.method} {request.path} {status}"[:64],
        municipality=client.municipality_id,
        membership=membership,
    )
