"""The functional administrator's pages for API clients: list, new, detail, renew, revoke.

A secret is shown once: on the answer to the POST that made it (new client, renewed key),
never stored in the session and never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorbraak.accounts.apiclients import policies, selectors, services
from doorbraak.accounts.apiclients.forms import ApiClientForm
from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.lib.access import Lookup, page, refuse_unless
from doorbraak.lib.views import submit

API_CLIENT = Lookup("client", selectors.api_client_get)


def _secret_page(request: AuthenticatedHttpRequest, issued: services.Issued) -> HttpResponse:
    response = render(
        request,
        "accounts/api_clients/secret.html",
        {"client": issued.client, "secret": issued.secret},
    )
    add_never_cache_headers(response)  # no-store: the secret must not stay in any cache
    return response


@require_GET
@page(policies.can_manage_api_clients)
def api_client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = list(selectors.api_client_list(user=request.user))
    return render(
        request,
        "accounts/api_clients/list.html",
        {
            "clients": clients,
            # An administrator of several municipalities sees which one each client is of.
            "show_municipality": len({client.municipality_id for client in clients}) > 1,
        },
    )


@require_http_methods(["GET", "POST"])
@page(policies.can_manage_api_clients)
def api_client_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = selectors.administered_municipalities(user=request.user)
    refuse_unless(bool(municipalities))
    form = ApiClientForm(request.POST or None, municipalities=municipalities)
    return submit(
        request,
        form,
        action=lambda data: services.api_client_create(
            actor=request.user,
            municipality=data["municipality"],
            organisation=data["organisation"],
            name=data["name"],
            scopes=list(data["scopes"]),
            role=data["role"],
            team=data["team"],
        ),
        respond=lambda issued: _secret_page(request, issued),
        template="accounts/api_clients/form.html",
        context={"form": form},
    )


@require_GET
@page(policies.can_manage_api_clients, obj=API_CLIENT)
def api_client_detail(request: AuthenticatedHttpRequest, client: ApiClient) -> HttpResponse:
    return render(
        request,
        "accounts/api_clients/detail.html",
        {
            "client": client,
            "membership": client.user.memberships.select_related("team").first(),
            "may_manage": policies.can_manage_api_client(request.user, client),
        },
    )


@require_http_methods(["GET", "POST"])
@page(policies.can_manage_api_clients, obj=API_CLIENT, allow=policies.can_manage_api_client)
def api_client_rotate(request: AuthenticatedHttpRequest, client: ApiClient) -> HttpResponse:
    if client.is_revoked:
        messages.error(request, _("This API client is revoked: its key cannot be renewed."))
        return redirect("api_clients:detail", pk=client.pk)
    if request.method == "POST":
        try:
            issued = services.api_client_rotate(actor=request.user, client=client)
        except ValidationError as error:  # revoked in the meantime
            for message in error.messages:
                messages.error(request, message)
            return redirect("api_clients:detail", pk=client.pk)
        return _secret_page(request, issued)
    return render(
        request, "accounts/api_clients/confirm.html", {"client": client, "action": "rotate"}
    )


@require_http_methods(["GET", "POST"])
@page(policies.can_manage_api_clients, obj=API_CLIENT, allow=policies.can_manage_api_client)
def api_client_revoke(request: AuthenticatedHttpRequest, client: ApiClient) -> HttpResponse:
    if client.is_revoked:
        messages.info(request, _("This API client is already revoked."))
        return redirect("api_clients:detail", pk=client.pk)
    if request.method == "POST":
        services.api_client_revoke(actor=request.user, client=client)
        messages.success(
            request, _("%(name)s is revoked: its key no longer works.") % {"name": client.name}
        )
        return redirect("api_clients:detail", pk=client.pk)
    return render(
        request, "accounts/api_clients/confirm.html", {"client": client, "action": "revoke"}
    )
