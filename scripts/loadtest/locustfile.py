"""Locust users of ``make loadtest``: the demo roles doing ordinary work through the pages.

Started by scripts/loadtest/run.py, which passes (environment):

- ``LOADTEST_ACCOUNTS``: JSON file with the accounts per role (user name, password and
  the hex key of the TOTP device, read from the database by the driver);
- ``LOADTEST_MODE``: ``app`` (the mixed workload of every role, with a short pause between
  clicks), ``list`` (professionals requesting the household list without pause) or
  ``floor`` (the same, on the bare view over the same table: the comparison);
- ``LOADTEST_RESULT``: where to write the per-page figures as JSON when the run stops;
- ``LOADTEST_SECONDS``: how long the steady state lasts; Locust's own ``--run-time`` is
  only the upper bound of the whole run, log-ins included.

Every user logs in through the real pages (password, then the TOTP code) in on_start and
finds the ids it works on by reading list pages, as a person would. Page figures are
taken from the moment every user is spawned and logged in, so the log-ins (PBKDF2 by
design) of the spawn phase do not weigh on them; the log-in pages get their own rows.
"""

# Simulated clicks need no cryptographic randomness.
# ruff: noqa: S311
from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

import gevent
from locust import HttpUser, between, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

with open(os.environ.get("LOADTEST_ACCOUNTS", "var/loadtest/accounts.json")) as _file:
    ACCOUNTS: dict[str, list[dict[str, Any]]] = json.load(_file)
MODE = os.environ.get("LOADTEST_MODE", "app")
_counters: dict[str, itertools.count[int]] = defaultdict(itertools.count)

# --- Own statistics: exact percentiles, 5xx per page, only after spawning completed --------
_measure_from: list[float] = [0.0]
_spawned_users: list[int] = [0]  # how many users the spawn phase started (0: not yet done)
_logged_in: list[int] = [0]
_login_failed: list[int] = [0]
_measure_to: list[float] = [0.0]  # when the steady state ended (0: still running)
_environment: list[Environment] = []
_samples: dict[str, list[float]] = defaultdict(list)
_status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
_errors: dict[str, int] = defaultdict(int)
_refused: dict[str, int] = defaultdict(int)  # forms that came back: e.g. already approved


def _start_measuring() -> None:
    """From the moment every user is spawned and logged in: the steady state."""
    done = _logged_in[0] + _login_failed[0]
    if _measure_from[0] or not _spawned_users[0] or done < _spawned_users[0]:
        return
    _measure_from[0] = time.time()
    for name in [n for n in _samples if not n.startswith("login:")]:
        del _samples[name]
        _status.pop(name, None)
        _errors.pop(name, None)
        _refused.pop(name, None)
    seconds = float(os.environ.get("LOADTEST_SECONDS", "0"))
    if seconds and _environment:
        gevent.spawn_later(seconds, _stop)


def _stop() -> None:
    """The steady state lasted LOADTEST_SECONDS: stop, as --run-time would."""
    _measure_to[0] = time.time()
    runner = _environment[0].runner
    if runner is not None:
        runner.quit()


@events.init.add_listener
def _init(environment: Environment, **_kwargs: Any) -> None:
    _environment.append(environment)


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_kwargs: Any) -> None:
    _spawned_users[0] = user_count
    _start_measuring()


@events.request.add_listener
def _record(
    name: str,
    response_time: float,
    response: Any,
    exception: BaseException | None,
    start_time: float | None = None,
    **_kwargs: Any,
) -> None:
    # Log-ins are kept whenever they happen (the spawn phase); pages from the steady state.
    started = start_time or time.time()
    if not name.startswith("login:") and (
        not _measure_from[0]
        or started < _measure_from[0]
        or (_measure_to[0] and started >= _measure_to[0])
    ):
        return
    _samples[name].append(response_time)
    code = getattr(response, "status_code", 0) or 0
    _status[name][str(code)] += 1
    if exception is not None and code < 500:  # 5xx are counted apart, from the status
        _errors[name] += 1


@events.quitting.add_listener
def _write(environment: Environment, **_kwargs: Any) -> None:
    target = os.environ.get("LOADTEST_RESULT")
    if not target:
        return
    end = _measure_to[0] or time.time()
    elapsed = max(end - _measure_from[0], 0.0) if _measure_from[0] else 0.0
    with open(target, "w") as out:
        json.dump(
            {
                "measured_seconds": elapsed,
                "samples_ms": _samples,
                "status": _status,
                "failures": _errors,
                "refused": _refused,
                "login_failed": _login_failed[0],
                "spawned": _spawned_users[0],
                "logged_in": _logged_in[0],
            },
            out,
        )


# --- Helpers ---------------------------------------------------------------------------------
def totp(hex_key: str, step: int = 30, digits: int = 6, t0: int = 0) -> str:
    """RFC 6238, as django-otp computes it."""
    counter = int((time.time() - t0) // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


class Form:
    def __init__(self, attrs: dict[str, str]) -> None:
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.id = attrs.get("id") or ""
        self.values: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = defaultdict(list)
        self.options: dict[str, list[str]] = defaultdict(list)
        self.required: set[str] = set()
        self.kinds: dict[str, str] = {}


class FormParser(HTMLParser):
    """The forms of a page with their fields, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            form.kinds[name] = kind
            if "required" in attrs:
                form.required.add(name)
            if kind == "radio":
                form.radios[name].append(attrs.get("value", ""))
                if "checked" in attrs:
                    form.values[name] = [attrs.get("value", "")]
            elif kind == "checkbox":
                if "checked" in attrs:
                    form.values.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                form.values[name] = [attrs.get("value", "")]
        elif tag == "select" and name:
            self._select, self._select_chosen = name, False
            form.kinds[name] = "select"
            if "required" in attrs:
                form.required.add(name)
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            form.options[self._select].append(value)
            if "selected" in attrs or self._select not in form.values:
                if "selected" in attrs or not self._select_chosen:
                    form.values[self._select] = [value]
                self._select_chosen = self._select_chosen or "selected" in attrs
        elif tag == "textarea" and name:
            self._textarea = name
            form.kinds[name] = "textarea"
            form.values[name] = [""]
            if "required" in attrs:
                form.required.add(name)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] = [self._form.values[self._textarea][0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


#: an override that picks one of the select's non-empty options at random
ANY_OPTION = "<any option>"


def fill(form: Form, overrides: dict[str, str]) -> dict[str, list[str]]:
    """The browser's submission, with empty required fields filled in plausibly."""
    data = {k: list(v) for k, v in form.values.items()}
    for name, values in form.radios.items():
        if name not in data and name in form.required:
            data[name] = [random.choice([v for v in values if v] or values)]
    for name in form.required:
        current = data.get(name, [""])
        if current and current[0]:
            continue
        kind = form.kinds.get(name, "text")
        if kind == "select":
            choices = [v for v in form.options.get(name, []) if v]
            if choices:
                data[name] = [random.choice(choices)]
        elif kind == "date":
            data[name] = [datetime.date.today().isoformat()]
        elif kind == "number":
            data[name] = ["1"]
        else:
            data[name] = [f"Belastingtest {random.randint(1, 10**6)}"]
    for name, value in overrides.items():
        if value == ANY_OPTION:
            choices = [v for v in form.options.get(name, []) if v]
            data[name] = [random.choice(choices)] if choices else [""]
        else:
            data[name] = [value]
    return data


def links(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(f'href="({pattern})"', html)))


class DoorbraakUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)  # a short look at the page before the next click

    def on_start(self) -> None:
        accounts = ACCOUNTS[self.role]
        self.account = accounts[next(_counters[self.role]) % len(accounts)]
        self.login()

    def login(self) -> None:
        page = self.client.get("/inloggen", name="login: page")
        token = self.csrf(page.text)
        step_two = self.client.post(
            "/inloggen",
            name="login: password",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.account["username"],
                "password": self.account["password"],
            },
        )
        page_two = step_two.text
        step = int(self.account["step"])
        # A code that arrives after its 30-second window (and the one after) is refused, as
        # is a code already used; under heavy load the request can queue that long. Retry
        # with the next window's code, staying below the lock-out limit (the driver clears
        # the failures before every step).
        for _attempt in range(3):
            done = self.client.post(
                "/inloggen/code",
                name="login: code",
                data={
                    "csrfmiddlewaretoken": self.csrf(page_two),
                    "token": totp(self.account["totp_key"], step),
                },
            )
            if not done.url.rstrip("/").endswith("/inloggen/code"):
                _logged_in[0] += 1
                _start_measuring()
                return
            page_two = done.text
            gevent.sleep(step - time.time() % step + 0.5)
        _login_failed[0] += 1
        _start_measuring()
        raise StopUser

    @staticmethod
    def csrf(html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else ""

    def submit(
        self,
        page_url: str,
        page_name: str,
        post_name: str,
        action: str | None = None,
        overrides: dict[str, str] | None = None,
    ) -> Any:
        """GET the page, fill in its form (the one posting to ``action``), POST it.

        ``action`` is a regular expression the form's action must match (default: the
        form posts to the page itself); one of the matching forms is taken at random.
        A 302 is success. A 200 means the form came back with errors: counted apart as
        "refused" (another user handled the same request first, a fund's cap was reached),
        so a broken workload is noticed rather than measured.
        """
        page = self.client.get(page_url, name=page_name)
        if page.status_code != 200:
            return None
        candidates = [
            f
            for f in forms_of(page.text)
            if f.method == "post"
            and (
                re.fullmatch(action, f.action) if action is not None else f.action in ("", page_url)
            )
        ]
        if not candidates:
            return None
        form = random.choice(candidates)
        data = fill(form, overrides or {})
        with self.client.post(
            form.action or page_url,
            data=data,
            name=post_name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                if _measure_from[0]:
                    _refused[post_name] += 1
                response.success()
            elif response.status_code in (301, 302, 303):
                response.success()
            return response


class Professional(DoorbraakUser):
    """Neighbourhood-team professional: lists, household pages, assessments, members, plans."""

    role = "professional"
    weight = 7

    def on_start(self) -> None:
        super().on_start()
        self.households: list[str] = []
        self.refresh_households()

    def refresh_households(self) -> None:
        response = self.client.get("/huishoudens/?status=actief", name="households: list")
        found = links(response.text, r"/huishoudens/[0-9a-f-]{36}/")
        pages = re.findall(r"[?&]page=(\d+)", response.text)
        if pages:
            last = max(int(p) for p in pages)
            more = self.client.get(
                f"/huishoudens/?status=actief&page={random.randint(1, last)}",
                name="households: list",
            )
            found += links(more.text, r"/huishoudens/[0-9a-f-]{36}/")
        self.households = sorted(set(found)) or self.households

    def household(self) -> str | None:
        return random.choice(self.households) if self.households else None

    @task(4)
    def household_list(self) -> None:
        if random.random() < 0.3:
            self.refresh_households()
        else:
            self.client.get("/huishoudens/", name="households: list")

    @task(4)
    def household_page(self) -> None:
        url = self.household()
        if url:
            self.client.get(url, name="household: page")

    @task(1)
    def record_assessment(self) -> None:
        url = self.household()
        if url:
            public_id = url.strip("/").split("/")[-1]
            self.submit(
                f"/zelfredzaamheid/huishouden/{public_id}/nieuw/",
                "assessment: form",
                "assessment: record",
            )

    @task(1)
    def add_member(self) -> None:
        url = self.household()
        if url:
            self.submit(
                f"{url}leden/nieuw/",
                "member: form",
                "member: add",
                overrides={
                    "first_name": "Test",
                    "last_name": f"Belasting{random.randint(1, 10**6)}",
                    "birth_date": datetime.date(
                        random.randint(1950, 2015), random.randint(1, 12), random.randint(1, 28)
                    ).isoformat(),
                },
            )

    @task(1)
    def draft_fund_request(self) -> None:
        """Draft a request for the Voorkom Erger Potje and submit it (the budget holder's work).

        Opened from a household, as the household page's button does: the form lists no
        household of its own (only the one it came from, or the hits of its search)."""
        url = self.household()
        if not url:
            return
        public_id = url.strip("/").split("/")[-1]
        response = self.submit(
            f"/potje/aanvragen/nieuw/?huishouden={public_id}",
            "fund request: form",
            "fund request: draft",
            overrides={
                "summary": "Belastingtest: bijdrage voor een dringende rekening.",
                "amount": str(random.choice([25, 40, 60, 75])),
                "purpose": "levensonderhoud",
                "household": ANY_OPTION,
                "payee_kind": "natura",
                "payee_name": "Leverancier Belastingtest",
            },
        )
        if response is None or response.status_code not in (302, 303):
            return
        detail = response.headers.get("Location", "")
        if re.fullmatch(r"/potje/aanvragen/\d+/", detail):
            self.submit(
                detail,
                "fund request: page",
                "fund request: submit",
                action=re.escape(f"{detail}indienen/"),
            )

    @task(1)
    def add_plan_action(self) -> None:
        url = self.household()
        if not url:
            return
        public_id = url.strip("/").split("/")[-1]
        plans = self.client.get(f"/plannen/huishouden/{public_id}/", name="plans: household")
        plan_links = links(plans.text, r"/plannen/\d+/")
        if not plan_links:
            return
        self.submit(
            random.choice(plan_links),
            "plan: page",
            "plan action: add",
            action=r"/plannen/\d+/doelen/\d+/acties/nieuw/",
            overrides={"description": "Belastingtest: bel de schuldeiser terug."},
        )


class PartnerContact(DoorbraakUser):
    """Contact person of a partner organisation: reads and answers partner requests."""

    role = "partner_contact"
    weight = 1

    @task
    def answer(self) -> None:
        inbox = self.client.get("/partners/verzoeken/", name="partner requests: list")
        requests = links(inbox.text, r"/partners/verzoeken/\d+/")
        if not requests:
            return
        detail_url = random.choice(requests)
        answer_url = f"{detail_url}antwoord/"
        self.submit(
            detail_url,
            "partner request: page",
            "partner request: answer",
            action=re.escape(answer_url),
            overrides={"answer": "Beantwoord in de belastingtest."},
        )


class FundManager(DoorbraakUser):
    """Budget holder of the Voorkom Erger Potje: approves submitted fund requests."""

    role = "fund_manager"
    weight = 1

    @task
    def approve(self) -> None:
        listing = self.client.get(
            "/potje/aanvragen/?status=aangevraagd", name="fund requests: list"
        )
        requests = links(listing.text, r"/potje/aanvragen/\d+/")
        if not requests:
            return
        detail_url = random.choice(requests)
        self.submit(
            detail_url,
            "fund request: page",
            "fund request: approve",
            action=re.escape(f"{detail_url}akkoord/"),
        )


class PolicyAnalyst(DoorbraakUser):
    """Policy analyst: opens the spiegel."""

    role = "policy_analyst"
    weight = 1
    wait_time = between(3, 6)

    @task
    def spiegel(self) -> None:
        self.client.get("/inzicht/", name="spiegel")


def _list_page() -> str:
    """Mostly the first page, sometimes another: as people use a list."""
    return "" if random.random() < 0.7 else f"?page={random.randint(2, 4)}"


class ListUser(DoorbraakUser):
    """The household list without pause: its throughput, compared with the floor's."""

    role = "professional"
    wait_time = constant(0)

    @task
    def household_list(self) -> None:
        self.client.get(f"/huishoudens/{_list_page()}", name="households: list")


class FloorUser(DoorbraakUser):
    """The bare paginated view over the same household table (the floor), without pause."""

    role = "professional"
    wait_time = constant(0)

    @task
    def floor(self) -> None:
        self.client.get(f"/__floor__/households{_list_page()}", name="floor: households")


_ACTIVE = {"app": (Professional, PartnerContact, FundManager, PolicyAnalyst)}
_ACTIVE["list"], _ACTIVE["floor"] = (ListUser,), (FloorUser,)
for _cls in (Professional, PartnerContact, FundManager, PolicyAnalyst, ListUser, FloorUser):
    _cls.abstract = _cls not in _ACTIVE[MODE]
del _cls  # Locust would count a module-level alias as a second user class
