"""The access sweep's machinery: URL patterns, the rules that fill them, requests, the scan.

See ``tests/security/README.md`` for how the sweep works and how to add a rule.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from doorbraak.accounts.admin import admin_site
from doorbraak.audit.models import SecurityEvent
from doorbraak.households.models import Household
from tests.conftest import login_resident, login_verified
from tests.security import expectations
from tests.security.scenario import CASE_SCOPES, TOKEN, Scenario

#: A BSN standing alone (not nine digits inside a longer number).
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")

#: Where the rules live, for the failure message of a pattern without one.
RULES_FILE = "tests/security/rules.py"


# --- the URL patterns -----------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the resolver: its key (the URL name, or the route when unnamed)."""

    key: str
    route: str
    params: tuple[str, ...]
    callback: Callable[..., Any]

    @property
    def area(self) -> str:
        if self.route.startswith("api/"):
            return "api"
        if self.route.startswith("beheer/"):
            return "admin"
        return "site"


def patterns(resolver: URLResolver | None = None) -> list[Pattern]:
    """Every URL pattern, site, API and admin, walked from the resolver."""
    found: list[Pattern] = []

    def walk(node: URLResolver, prefix: str, namespace: str) -> None:
        for entry in node.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                joined = ":".join(n for n in (namespace, inner) if n)
                walk(entry, prefix + str(entry.pattern), joined)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                regex = re.compile(route if "(?P" in route else "")
                params = tuple(regex.groupindex) or tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                found.append(
                    Pattern(key=name or route, route=route, params=params, callback=entry.callback)
                )

    walk(resolver or get_resolver(), "", "")
    return found


# --- the rules --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """How to fill one pattern's path parameters, and what else to send it.

    ``params`` maps each path parameter to an object kind of the scenario (``household``,
    ``member``, ``breakthrough``…, see ``Scenario.objects``) or to a fixed value
    (``"=raise"``). ``methods`` are the methods besides GET (the API's are read from the
    view). ``query``: a list page or export that also gets the cross-scope query strings.
    """

    params: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ("POST",)
    query: bool = False


def allowed_methods(pattern: Pattern) -> tuple[str, ...]:
    """The methods a DRF view implements, besides GET/HEAD/OPTIONS; None for other views."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        methods = {m.upper() for m in actions}
    elif hasattr(callback, "cls"):
        view = callback.cls(**getattr(callback, "initkwargs", {}))
        methods = set(view.allowed_methods)
    else:
        return ()
    return tuple(sorted(methods - {"GET", "HEAD", "OPTIONS"}))


# --- requests ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    pattern: str
    scope: str
    method: str
    url: str
    personas: tuple[str, ...]
    htmx: bool = False
    body: str | None = None

    def describe(self) -> str:
        extra = " (htmx)" if self.htmx else ""
        return f"{self.method} {self.url}{extra} [{self.pattern}, scope {self.scope}]"


@dataclass
class Finding:
    persona: str
    request: Request
    status: int
    problem: str

    def __str__(self) -> str:
        return f"{self.persona:8} {self.request.describe()} → {self.status}: {self.problem}"


@dataclass
class Result:
    """What a sweep did and found."""

    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    #: (persona, pattern key) → the tokens' labels seen there, for the owner checks.
    seen: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)
    seconds: float = 0.0
    #: (persona, status) → [requests, seconds], to see where the time goes.
    timings: dict[tuple[str, int], list[float]] = field(default_factory=dict)

    def report(self) -> str:
        lines = [f"{len(self.findings)} finding(s) in {self.requests} requests:"]
        lines += [f"  {finding}" for finding in self.findings]
        return "\n".join(lines)


def body_text(response: HttpResponseBase) -> str:
    """The response as text: HTML, JSON, CSV and XML as they are, a PDF's extracted text."""
    raw = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    if raw.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(raw))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        return headers + "\n" + text
    return headers + "\n" + raw.decode("utf-8", errors="replace")


class Sweeper:
    """Requests URLs as the personas and checks every response against the expectations."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.clients: dict[str, Client] = {}
        self.cookies: dict[str, SimpleCookie] = {}
        for persona in expectations.PERSONAS:
            client = Client(raise_request_exception=False)
            user = scenario.users.get(persona)
            if user is not None and persona in expectations.RESIDENTS:
                # The sweep checks access, not the resident's short session (tests/residents
                # do): on a slow machine the module outlasts the 15 minutes, and every
                # resident page would then redirect to the sign-in instead.
                with override_settings(DOORBRAAK_RESIDENT_SESSION_SECONDS=12 * 3600):
                    login_resident(client, user.resident_account.member)
            elif user is not None:
                login_verified(client, user)
            self.clients[persona] = client
            self.cookies[persona] = SimpleCookie(client.cookies.output(header="", sep="\n"))
        self.bsns = scenario.tokens.bsn_labels()
        # Each request is rolled back, so the security log holds this many events before each.
        self.security_events = SecurityEvent.objects.count()

    def run(self, requests: Iterable[Request]) -> Result:
        result = Result()
        started = time.monotonic()
        for request in requests:
            for persona in request.personas:
                self._one(persona, request, result)
        result.seconds = time.monotonic() - started
        return result

    def _one(self, persona: str, request: Request, result: Result) -> None:
        client = self.clients[persona]
        headers = {"HX-Request": "true"} if request.htmx else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if request.body is not None:
            kwargs["data"] = request.body
            kwargs["content_type"] = "application/json"
        started = time.monotonic()
        with transaction.atomic():
            response = client.generic(request.method, request.url, **kwargs)
            text = body_text(response) if request.method != "HEAD" else ""
            unrecorded = self._refused_without_event(persona, request, response.status_code)
            transaction.set_rollback(True)
        # A log-out or a second log-in changed the client's cookies: back to the persona.
        client.cookies = SimpleCookie(self.cookies[persona].output(header="", sep="\n"))
        result.requests += 1
        timing = result.timings.setdefault((persona, response.status_code), [0, 0.0])
        timing[0] += 1
        timing[1] += time.monotonic() - started
        result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            result.findings.append(Finding(persona, request, response.status_code, "server error"))
        if unrecorded:
            result.findings.append(
                Finding(persona, request, response.status_code, "refused without a security event")
            )
        labels = self.labels_in(text)
        if labels:
            result.seen.setdefault((persona, request.pattern), set()).update(
                (scope, label) for _, scope, label in labels
            )
        for token, scope, label in sorted(labels):
            if not expectations.may_see(persona, scope, label):
                result.findings.append(
                    Finding(
                        persona,
                        request,
                        response.status_code,
                        f"token {token} = scope {scope} {label}",
                    )
                )

    def _refused_without_event(self, persona: str, request: Request, status: int) -> bool:
        """A 403 or 404 a logged-in persona got on a site or API page that left no event in
        the security log (docs/architecture.md, "The security log").

        Not refusals of an object: the admin's own answers, an anonymous visitor's, and a
        page number past the end of a list (``?page=2&pageSize=1``: the paginator's 404).
        """
        if status not in (403, 404) or persona == "anon" or request.url.startswith("/beheer/"):
            return False
        if "page=" in request.url.partition("?")[2]:
            return False
        return SecurityEvent.objects.count() <= self.security_events

    def labels_in(self, text: str) -> set[tuple[str, str, str]]:
        found = set()
        for match in TOKEN.finditer(text):
            token = match.group(0).lower()
            known = self.scenario.tokens.labels.get(token)
            if known is not None:
                found.add((token, *known))
        for match in _NINE_DIGITS.finditer(text):
            known = self.bsns.get(match.group(0))
            if known is not None:
                found.add((match.group(0), *known))
        return found


# --- filling the patterns ---------------------------------------------------------------------
def _value(obj: Any, param: str) -> str:
    if isinstance(obj, (Household,)) or param in ("public_id", "member_id"):
        return str(obj.public_id)
    return str(obj.pk)


def fill(pattern: Pattern, rule: Rule, scenario: Scenario) -> Iterator[tuple[str, str]]:
    """(scope, path) for each scope whose objects fill the pattern; each path once."""
    if not pattern.params:
        yield "-", "/" + _plain(pattern.route)
        return
    seen: set[str] = set()
    for scope in CASE_SCOPES:
        values: dict[str, str] = {}
        for param in pattern.params:
            kind = rule.params.get(param)
            if kind is None:
                raise KeyError(f"{pattern.key}: no kind for path parameter {param!r}")
            if kind.startswith("="):
                values[param] = kind[1:]
                continue
            obj = scenario.obj(scope, kind)
            if obj is None:
                break
            values[param] = _value(obj, param)
        else:
            path = "/" + _substitute(pattern.route, values)
            if path not in seen:
                seen.add(path)
                yield scope, path


def _plain(route: str) -> str:
    return route.replace("^", "").replace("$", "")


def _substitute(route: str, values: dict[str, str]) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    return _plain(route)


def cross_scope_query(scenario: Scenario, scope: str) -> str:
    """A query string that names ``scope``'s objects in every filter a list might take."""
    objects = scenario.objects[scope]
    ids = {
        "household": objects["household"].public_id,
        "team": objects["team"].pk,
        "municipality": objects["municipality"].pk,
        "organisation": objects["partner_organisation"].pk,
        "fund": objects["fund"].pk,
        "table": objects["table"].pk,
        "breakthrough": objects["breakthrough"].pk,
        "member": objects["member"].public_id,
        "status": "",
        "q": "zq",
        "pageSize": 100,
    }
    return "&".join(f"{k}={v}" for k, v in ids.items())


def build_requests(
    selected: Iterable[Pattern], rules: dict[str, Rule], scenario: Scenario
) -> list[Request]:
    """The requests of the matrix (``MATRIX`` in expectations, README "The matrix")."""
    matrix = expectations.MATRIX
    everyone = expectations.PERSONAS
    requests: list[Request] = []

    def add(
        key: str, scope: str, method: str, url: str, personas: Iterable[str], **kw: Any
    ) -> None:
        chosen = tuple(personas)
        if chosen:
            requests.append(Request(key, scope, method, url, chosen, **kw))

    for pattern in selected:
        rule = rules[pattern.key]
        if pattern.area == "api":
            methods, body = allowed_methods(pattern), "{}"
        else:
            methods, body = rule.methods, None
        admin = pattern.area == "admin"
        beyond_get = matrix.admin if admin else everyone
        for scope, path in fill(pattern, rule, scenario):
            if admin:
                get_as = [p for p in everyone if scope in ("-", "a") or p in matrix.admin]
            else:
                get_as = [p for p in everyone if scope == "-" or scope in matrix.get[p]]
            add(pattern.key, scope, "GET", path, get_as)
            if scope not in matrix.other_methods_scopes and scope != "-":
                continue
            if pattern.area == "site":
                add(pattern.key, scope, "GET", path, everyone, htmx=True)
            for method in methods:
                add(pattern.key, scope, method, path, beyond_get, body=body)
        if rule.query:
            path = "/" + _substitute(pattern.route, _first_values(pattern, rule, scenario))
            for scope in matrix.query_scopes:
                query = cross_scope_query(scenario, scope)
                add(pattern.key, scope, "GET", f"{path}?{query}", beyond_get)
            add(pattern.key, "-", "GET", f"{path}?page=2&pageSize=1", beyond_get)
    return requests


def _first_values(pattern: Pattern, rule: Rule, scenario: Scenario) -> dict[str, str]:
    """The path parameters filled with the own team's (scope a) objects."""
    values = {}
    for param in pattern.params:
        kind = rule.params[param]
        values[param] = kind[1:] if kind.startswith("=") else _value(scenario.obj("a", kind), param)
    return values


def unknown(all_patterns: Iterable[Pattern], rules: dict[str, Rule]) -> list[str]:
    """Patterns without a rule, as failure lines that say where to add one."""
    return [
        f"{p.key!r} ({p.route}) has no rule: add one to RULES in {RULES_FILE}"
        for p in all_patterns
        if p.key not in rules
    ]


# --- admin objects --------------------------------------------------------------------------
def admin_objects(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """For each admin model (``admin:<app>_<model>``): an object of Noord and of Zuid."""
    cast = scenario.cast
    by_scope: dict[str, dict[str, Any]] = {"a": {}, "z": {}}
    for model in admin_site._registry:
        kind = f"admin:{model._meta.label_lower}"
        for scope, municipality in (("a", cast.north), ("z", cast.south)):
            obj = _of_municipality(model, municipality)
            # No row at all (the scenario made none): the page is still requested, and the
            # admin answers that the object does not exist.
            by_scope[scope][kind] = obj if obj is not None else _Absent()
    by_scope["a"]["admin:user"] = cast.alice
    by_scope["z"]["admin:user"] = cast.mallory
    household_type = ContentType.objects.get_for_model(Household)
    for scope in ("a", "z"):
        by_scope[scope]["admin:content_type"] = household_type
        by_scope[scope]["admin:household"] = scenario.objects[scope]["household"]
    return by_scope


class _Absent:
    pk = 0


def _of_municipality(model: type[models.Model], municipality: Any) -> Any:
    manager = model._default_manager
    if model._meta.model_name == "municipality":
        return municipality
    for lookup in (
        "municipality",
        "team__municipality",
        "fund__municipality",
        "table__municipality",
        "district__municipality",
        "memberships__municipality",
    ):
        try:
            return manager.filter(**{lookup: municipality}).order_by("pk").first()
        except FieldError:  # the model has no such field: try the next
            continue
    return manager.order_by("pk").first()
