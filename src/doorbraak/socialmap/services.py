"""Changes to the social map: create, edit, (de)activate, waiting time, and the CSV import.

Only the functional administrator of the service's municipality maintains it
(:mod:`doorbraak.socialmap.policies`). The social map is not personal data (its contact
person is an organisation's business contact), so no processing-log record is written.

The CSV format (semicolon-separated, UTF-8, one header line with the Dutch column names of
:data:`CSV_COLUMNS`) is described in ``docs/socialmap.md``. The import checks every row
first and writes all rows or none; ``code`` is the stable key, so importing the same file
again updates the services instead of adding them twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import District, Municipality
from doorbraak.accounts.selectors import AnyUser
from doorbraak.assessments.models import LifeDomain
from doorbraak.assessments.services import domains_for
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.lib.spreadsheet import csv_read_rows, unneutralise
from doorbraak.socialmap.models import Cost, Service, WaitingTimeReport
from doorbraak.socialmap.policies import can_maintain_social_map_of

#: The columns of the CSV file, in this order (Dutch, as the administrator's spreadsheet has
#: them). Lists inside a cell (life domains, districts) are separated by commas.
CSV_COLUMNS: tuple[str, ...] = (
    "code",
    "organisatie",
    "naam",
    "omschrijving",
    "doelgroep",
    "leefgebieden",
    "wijken",
    "adres",
    "telefoon",
    "email",
    "website",
    "inloop",
    "openingstijden",
    "kosten",
    "kosten_toelichting",
    "wachttijd_weken",
    "wachttijd_peildatum",
    "contactpersoon",
    "contactpersoon_functie",
    "contactpersoon_telefoon",
    "actief",
)
#: Only these must be filled in; every other column may be empty (it may not be missing).
REQUIRED_COLUMNS = ("code", "organisatie", "naam", "omschrijving")
CSV_DELIMITER = ";"
MAX_ROWS = 2000
MAX_WAITING_WEEKS = 260
#: How the ``kosten`` column may name each cost level.
COST_WORDS: dict[str, Cost] = {
    "gratis": Cost.FREE,
    "eigen bijdrage": Cost.CONTRIBUTION,
    "eigen_bijdrage": Cost.CONTRIBUTION,
    "betaald": Cost.PAID,
}
YES = {"ja", "j", "1", "waar", "actief", ""}
NO = {"nee", "n", "0", "onwaar", "inactief"}


@dataclass
class ServiceData:
    """What an administrator enters for one service (form or CSV row)."""

    code: str
    organisation_name: str
    name: str
    description: str
    target_group: str = ""
    life_domains: list[LifeDomain] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    walk_in: str = ""
    opening_hours: str = ""
    cost: str = Cost.FREE
    cost_note: str = ""
    waiting_weeks: int | None = None
    waiting_updated_on: datetime.date | None = None
    contact_name: str = ""
    contact_role: str = ""
    contact_phone: str = ""
    active: bool = True

    def plain_fields(self) -> dict[str, Any]:
        """The model's own columns (not the lists, not the waiting time)."""
        skip = {"life_domains", "districts", "waiting_weeks", "waiting_updated_on"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


# --- checks shared by the pages and the import ------------------------------------------------
def _check(data: ServiceData, municipality: Municipality) -> dict[str, str]:
    """Business rules of one service, as {field: Dutch message}."""
    errors: dict[str, str] = {}
    allowed_domains = {d.pk for d in domains_for(municipality)}
    if any(d.pk not in allowed_domains for d in data.life_domains):
        errors["life_domains"] = _("Choose life domains of this municipality's catalogue.")
    if any(d.municipality_id != municipality.pk for d in data.districts):
        errors["districts"] = _("Choose districts of this municipality.")
    if data.waiting_weeks is not None and not 0 <= data.waiting_weeks <= MAX_WAITING_WEEKS:
        errors["waiting_weeks"] = _("The waiting time must be between 0 and %(max)s weeks.") % {
            "max": MAX_WAITING_WEEKS
        }
    return errors


def _full_clean(service: Service) -> None:
    """The model's own validation, without the unique check on the code (done by the caller)."""
    service.full_clean(exclude=["municipality"], validate_unique=False)


def _set_lists(service: Service, data: ServiceData) -> None:
    service.life_domains.set(data.life_domains)
    service.districts.set(data.districts)


def _report_waiting(service: Service, weeks: int | None, on: datetime.date | None) -> bool:
    """Record the waiting time on the service and in its history; False when nothing changed."""
    if weeks is None:
        return False
    day = on or timezone.localdate()
    report, created = WaitingTimeReport.objects.get_or_create(
        service=service, reported_on=day, defaults={"weeks": weeks}
    )
    changed = created
    if not created and report.weeks != weeks:
        report.weeks = weeks
        report.save(update_fields=["weeks"])
        changed = True
    latest = service.waiting_reports.order_by("-reported_on", "-pk").first()
    if latest is not None and (service.waiting_weeks, service.waiting_updated_on) != (
        latest.weeks,
        latest.reported_on,
    ):
        service.waiting_weeks = latest.weeks
        service.waiting_updated_on = latest.reported_on
        service.save(update_fields=["waiting_weeks", "waiting_updated_on", "updated_at"])
        changed = True
    return changed


def _require_maintainer(actor: AnyUser, municipality: Municipality) -> None:
    if not can_maintain_social_map_of(actor, municipality):
        raise Refused(_("You may not maintain the social map of this municipality."))


# --- the pages ----------------------------------------------------------------------------------
@retry_on_deadlock
@transaction.atomic
def service_create(*, actor: AnyUser, municipality: Municipality, data: ServiceData) -> Service:
    """Add a service to the municipality's social map."""
    _require_maintainer(actor, municipality)
    errors = _check(data, municipality)
    if Service.objects.filter(municipality=municipality, code=data.code).exists():
        errors["code"] = _("Another service of this municipality has this code.")
    if errors:
        raise ValidationError(errors)
    service = Service(municipality=municipality, **data.plain_fields())
    _full_clean(service)
    service.save()
    _set_lists(service, data)
    _report_waiting(service, data.waiting_weeks, data.waiting_updated_on)
    return service


@retry_on_deadlock
@transaction.atomic
def service_update(*, actor: AnyUser, service: Service, data: ServiceData) -> Service:
    """Change a service. A changed waiting time is recorded as a report of today."""
    _require_maintainer(actor, service.municipality)
    service = (
        Service.objects.select_for_update(no_key=True)
        .select_related("municipality")
        .get(pk=service.pk)
    )
    errors = _check(data, service.municipality)
    if (
        Service.objects.filter(municipality=service.municipality, code=data.code)
        .exclude(pk=service.pk)
        .exists()
    ):
        errors["code"] = _("Another service of this municipality has this code.")
    if errors:
        raise ValidationError(errors)
    for name, value in data.plain_fields().items():
        setattr(service, name, value)
    _full_clean(service)
    service.save()
    _set_lists(service, data)
    if data.waiting_weeks is not None and data.waiting_weeks != service.waiting_weeks:
        _report_waiting(service, data.waiting_weeks, None)
    return service


@retry_on_deadlock
@transaction.atomic
def service_set_active(*, actor: AnyUser, service: Service, active: bool) -> Service:
    """Deactivate a service (it leaves the search and the plan form; links stay) or restore it."""
    _require_maintainer(actor, service.municipality)
    Service.objects.filter(pk=service.pk).update(active=active, updated_at=timezone.now())
    service.active = active
    return service


@retry_on_deadlock
@transaction.atomic
def service_report_waiting_time(
    *, actor: AnyUser, service: Service, weeks: int, on: datetime.date | None = None
) -> Service:
    """Record today's (or ``on``'s) waiting time: the "last updated" date moves with it."""
    _require_maintainer(actor, service.municipality)
    day = on or timezone.localdate()
    if not 0 <= weeks <= MAX_WAITING_WEEKS:
        raise ValidationError(
            {
                "weeks": _("The waiting time must be between 0 and %(max)s weeks.")
                % {"max": MAX_WAITING_WEEKS}
            }
        )
    if day > timezone.localdate():
        raise ValidationError({"on": _("A waiting time cannot be reported for a future date.")})
    service = Service.objects.select_for_update(no_key=True).get(pk=service.pk)
    _report_waiting(service, weeks, day)
    return service


# --- the CSV import -----------------------------------------------------------------------------
def _parse_date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


_TEXT_LIMITS = {
    "organisatie": ("organisation_name", 150),
    "naam": ("name", 150),
    "omschrijving": ("description", limits.SHORT_TEXT),
    "doelgroep": ("target_group", 300),
    "adres": ("address", 200),
    "telefoon": ("phone", 30),
    "inloop": ("walk_in", 200),
    "openingstijden": ("opening_hours", 300),
    "kosten_toelichting": ("cost_note", 200),
    "contactpersoon": ("contact_name", 150),
    "contactpersoon_functie": ("contact_role", 150),
    "contactpersoon_telefoon": ("contact_phone", 30),
}


def _clean_row(
    row: dict[str, str],
    *,
    domains: dict[str, LifeDomain],
    districts: dict[str, District],
) -> tuple[ServiceData | None, list[str]]:
    """One CSV row → (the service's data, Dutch error messages)."""
    value = {key: unneutralise((row.get(key) or "").strip()) for key in CSV_COLUMNS}
    errors: list[str] = []
    for column in REQUIRED_COLUMNS:
        if not value[column]:
            errors.append(_("column '%(column)s' is empty") % {"column": column})
    if value["code"]:
        try:
            validate_slug(value["code"])
        except ValidationError:
            errors.append(_("the code may only contain letters, digits, '-' and '_'"))
        if len(value["code"]) > 60:
            errors.append(_("the code is longer than 60 characters"))
    texts: dict[str, str] = {}
    for column, (name, limit) in _TEXT_LIMITS.items():
        if len(value[column]) > limit:
            errors.append(
                _("column '%(column)s' is longer than %(limit)s characters")
                % {"column": column, "limit": limit}
            )
        texts[name] = value[column]

    chosen_domains: list[LifeDomain] = []
    for word in _split(value["leefgebieden"]):
        domain = domains.get(word.casefold())
        if domain is None:
            errors.append(_("unknown life domain '%(word)s'") % {"word": word})
        elif domain not in chosen_domains:
            chosen_domains.append(domain)
    chosen_districts: list[District] = []
    for word in _split(value["wijken"]):
        district = districts.get(word.casefold())
        if district is None:
            errors.append(_("unknown district '%(word)s'") % {"word": word})
        elif district not in chosen_districts:
            chosen_districts.append(district)

    if value["email"]:
        try:
            validate_email(value["email"])
        except ValidationError:
            errors.append(_("the e-mail address is not valid"))
    if value["website"]:
        try:
            URLValidator(schemes=["http", "https"])(value["website"])
        except ValidationError:
            errors.append(_("the website is not a valid web address (https://…)"))
        if len(value["website"]) > 200:
            errors.append(_("the website is longer than 200 characters"))

    cost = COST_WORDS.get((value["kosten"] or "gratis").casefold())
    if cost is None:
        errors.append(
            _("unknown costs '%(word)s' (use gratis, eigen bijdrage or betaald)")
            % {"word": value["kosten"]}
        )

    weeks: int | None = None
    if value["wachttijd_weken"]:
        try:
            weeks = int(value["wachttijd_weken"])
        except ValueError:
            errors.append(
                _("the waiting time '%(text)s' is not a whole number of weeks")
                % {"text": value["wachttijd_weken"]}
            )
        else:
            if not 0 <= weeks <= MAX_WAITING_WEEKS:
                errors.append(
                    _("the waiting time must be between 0 and %(max)s weeks")
                    % {"max": MAX_WAITING_WEEKS}
                )
    day: datetime.date | None = None
    if value["wachttijd_peildatum"]:
        try:
            day = _parse_date(value["wachttijd_peildatum"])
        except ValueError:
            errors.append(
                _("the date '%(text)s' is not a date (use 2026-03-31 or 31-03-2026)")
                % {"text": value["wachttijd_peildatum"]}
            )
        else:
            if day > timezone.localdate():
                errors.append(_("the waiting-time date lies in the future"))
            if weeks is None:
                errors.append(_("a waiting-time date without a waiting time"))

    active_word = value["actief"].casefold()
    if active_word not in YES | NO:
        errors.append(_("column 'actief' must be ja or nee"))

    if errors:
        return None, errors
    assert cost is not None
    return (
        ServiceData(
            code=value["code"],
            life_domains=chosen_domains,
            districts=chosen_districts,
            email=value["email"],
            website=value["website"],
            cost=cost,
            waiting_weeks=weeks,
            waiting_updated_on=day,
            active=active_word in YES,
            **texts,
        ),
        [],
    )


def _lookup_tables(municipality: Municipality) -> tuple[dict[str, LifeDomain], dict[str, District]]:
    domains: dict[str, LifeDomain] = {}
    for domain in domains_for(municipality):
        domains[domain.code.casefold()] = domain
        domains[domain.name.casefold()] = domain
    districts = {d.name.casefold(): d for d in District.objects.filter(municipality=municipality)}
    return domains, districts


def services_import_csv(
    *, actor: AnyUser, municipality: Municipality, file: IO[str]
) -> ImportResult:
    """Create or update the municipality's services from a CSV file: all rows, or none.

    Every row is checked first; any bad row raises a ``ValidationError`` that names every bad
    row by its line number ("Regel 4: …"), and nothing is written. Rows are matched on
    ``code``: an existing service of the municipality is updated (its life domains and
    districts replaced), a new one created. A waiting time is recorded in the service's
    history for its date (today when the date column is empty); the same file imported again
    changes nothing.
    """
    _require_maintainer(actor, municipality)
    rows = csv_read_rows(
        file,
        columns=CSV_COLUMNS,
        max_rows=MAX_ROWS,
        empty_message=_("The file contains no services."),
        delimiter=CSV_DELIMITER,
        casefold_header=True,
    )
    domains, districts = _lookup_tables(municipality)
    errors: list[str] = []
    cleaned: list[ServiceData] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        data, row_errors = _clean_row(row, domains=domains, districts=districts)
        code = (row.get("code") or "").strip()
        if code and code in seen:
            row_errors.append(_("the code is the same as on line %(line)s") % {"line": seen[code]})
        seen.setdefault(code, line)
        if row_errors:
            errors.append(
                _("Line %(line)s: %(errors)s.") % {"line": line, "errors": "; ".join(row_errors)}
            )
        elif data is not None:
            cleaned.append(data)
    if errors:
        raise ValidationError(errors)
    return _write_all(municipality, cleaned)


@retry_on_deadlock
@transaction.atomic
def _write_all(municipality: Municipality, rows: Iterable[ServiceData]) -> ImportResult:
    rows = list(rows)
    existing = {
        s.code: s
        for s in Service.objects.select_for_update(no_key=True).filter(
            municipality=municipality, code__in=[r.code for r in rows]
        )
    }
    created = updated = 0
    for data in rows:
        service = existing.get(data.code)
        if service is None:
            service = Service(municipality=municipality, **data.plain_fields())
            created += 1
            _full_clean(service)
            service.save()
        else:
            changed = {
                name: value
                for name, value in data.plain_fields().items()
                if getattr(service, name) != value
            }
            for name, value in changed.items():
                setattr(service, name, value)
            if changed:
                _full_clean(service)
                service.save()
            updated += 1
        _set_lists(service, data)
        _report_waiting(service, data.waiting_weeks, data.waiting_updated_on)
    return ImportResult(created=created, updated=updated)


def services_export_csv(*, services: Iterable[Service]) -> list[list[Any]]:
    """The services as rows of the import format (for a download that round-trips)."""
    return [
        [
            s.code,
            s.organisation_name,
            s.name,
            s.description,
            s.target_group,
            ",".join(d.code for d in s.life_domains.all()),
            ",".join(d.name for d in s.districts.all()),
            s.address,
            s.phone,
            s.email,
            s.website,
            s.walk_in,
            s.opening_hours,
            s.cost,
            s.cost_note,
            "" if s.waiting_weeks is None else s.waiting_weeks,
            s.waiting_updated_on.isoformat() if s.waiting_updated_on else "",
            s.contact_name,
            s.contact_role,
            s.contact_phone,
            "ja" if s.active else "nee",
        ]
        for s in services
    ]
