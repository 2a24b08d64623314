"""Forms of the social map: the search, a service, its waiting time, the CSV upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality
from doorbraak.assessments.models import LifeDomain
from doorbraak.lib import limits
from doorbraak.lib.forms import QuickSelect, StyledFormMixin, text_area
from doorbraak.socialmap.models import Cost, Service
from doorbraak.socialmap.services import ServiceData

SELECT_CLASS = "utrecht-select utrecht-select--html-select"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class SearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A word from the name, the organisation, the description or the target group."),
    )
    # Written in Python, not option by option through the widget templates (issue 20).
    domain = forms.TypedChoiceField(
        label=_("Need (life domain)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
    )
    district = forms.TypedChoiceField(
        label=_("District"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    free = forms.BooleanField(label=_("Free only"), required=False)
    short_wait = forms.BooleanField(label=_("Short waiting time (2 weeks at most)"), required=False)

    def __init__(
        self,
        *args: Any,
        domains: list[LifeDomain],
        districts: list[District],
        with_inactive: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._domains = {d.pk: d for d in domains}
        self._districts = {d.pk: d for d in districts}
        domain = self.fields["domain"]
        assert isinstance(domain, forms.TypedChoiceField)
        domain.choices = [("", _("Every need")), *((d.pk, d.name) for d in domains)]
        district = self.fields["district"]
        assert isinstance(district, forms.TypedChoiceField)
        district.choices = [("", _("Every district")), *((d.pk, d.name) for d in districts)]
        if with_inactive:
            self.fields["inactive"] = forms.BooleanField(
                label=_("Also inactive services"), required=False
            )

    def clean_domain(self) -> LifeDomain | None:
        pk = self.cleaned_data.get("domain")
        return None if pk is None else self._domains[pk]

    def clean_district(self) -> District | None:
        pk = self.cleaned_data.get("district")
        return None if pk is None else self._districts[pk]


def _text(label: Any, max_length: int, *, required: bool = False, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={"max_length": limits.TOO_LONG},
    )


class ServiceForm(StyledFormMixin, forms.Form):
    """One service, as the functional administrator enters it."""

    organisation_name = _text(_("Organisation"), 150, required=True)
    name = _text(_("Service"), 150, required=True)
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "A short fixed key of letters, digits and hyphens, e.g. 'voedselbank-pakket'. "
            "The CSV import recognises the service by it."
        ),
    )
    description = text_area(_("Description"), limit=limits.SHORT_TEXT, rows=4)
    target_group = _text(_("Target group"), 300, help_text=_("For whom, e.g. 'adults with debts'."))
    life_domains = forms.TypedMultipleChoiceField(
        label=_("Helps with (life domains)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts"),
        coerce=int,
        required=False,
        help_text=_("Choose none when the service works for the whole municipality."),
        widget=forms.CheckboxSelectMultiple,
    )
    address = _text(_("Address"), 200)
    phone = _text(_("Phone"), 30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    walk_in = _text(_("Walk-in"), 200, help_text=_("When and where you can walk in."))
    opening_hours = _text(_("Opening hours"), 300)
    cost = forms.ChoiceField(label=_("Costs"), choices=Cost.choices)
    cost_note = _text(_("About the costs"), 200)
    waiting_weeks = forms.IntegerField(
        label=_("Waiting time in weeks"),
        required=False,
        min_value=0,
        max_value=260,
        help_text=_("Leave empty when unknown. A change is saved as today's waiting time."),
    )
    contact_name = _text(
        _("Contact person"),
        150,
        help_text=_("The organisation's contact for professionals (a business contact)."),
    )
    contact_role = _text(_("Role of the contact person"), 150)
    contact_phone = _text(_("Phone of the contact person"), 30)

    def __init__(
        self,
        *args: Any,
        domains: list[LifeDomain],
        districts: list[District],
        municipalities: list[Municipality] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._domains = {d.pk: d for d in domains}
        self._districts = {d.pk: d for d in districts}
        self._municipalities = {m.pk: m for m in municipalities or []}
        life_domains = self.fields["life_domains"]
        assert isinstance(life_domains, forms.TypedMultipleChoiceField)
        life_domains.choices = [(d.pk, d.name) for d in domains]
        district_field = self.fields["districts"]
        assert isinstance(district_field, forms.TypedMultipleChoiceField)
        district_field.choices = [(d.pk, d.name) for d in districts]
        if len(self._municipalities) > 1:
            self.fields = {
                "municipality": forms.TypedChoiceField(
                    label=_("Municipality"),
                    coerce=int,
                    choices=[(m.pk, m.name) for m in self._municipalities.values()],
                    widget=forms.Select(attrs={"class": SELECT_CLASS}),
                ),
                **self.fields,
            }

    def municipality(self) -> Municipality | None:
        if len(self._municipalities) == 1:
            return next(iter(self._municipalities.values()))
        pk = self.cleaned_data.get("municipality")
        return self._municipalities.get(pk) if pk is not None else None

    def data_for_service(self) -> ServiceData:
        c = self.cleaned_data
        return ServiceData(
            code=c["code"],
            organisation_name=c["organisation_name"].strip(),
            name=c["name"].strip(),
            description=c["description"].strip(),
            target_group=c["target_group"].strip(),
            life_domains=[self._domains[pk] for pk in c["life_domains"]],
            districts=[self._districts[pk] for pk in c["districts"]],
            address=c["address"].strip(),
            phone=c["phone"].strip(),
            email=c["email"],
            website=c["website"],
            walk_in=c["walk_in"].strip(),
            opening_hours=c["opening_hours"].strip(),
            cost=c["cost"],
            cost_note=c["cost_note"].strip(),
            waiting_weeks=c["waiting_weeks"],
            contact_name=c["contact_name"].strip(),
            contact_role=c["contact_role"].strip(),
            contact_phone=c["contact_phone"].strip(),
        )

    @staticmethod
    def initial_of(service: Service) -> dict[str, Any]:
        names = [
            "organisation_name",
            "name",
            "code",
            "description",
            "target_group",
            "address",
            "phone",
            "email",
            "website",
            "walk_in",
            "opening_hours",
            "cost",
            "cost_note",
            "waiting_weeks",
            "contact_name",
            "contact_role",
            "contact_phone",
        ]
        initial: dict[str, Any] = {name: getattr(service, name) for name in names}
        initial["life_domains"] = [d.pk for d in service.life_domains.all()]
        initial["districts"] = [d.pk for d in service.districts.all()]
        return initial


class WaitingTimeForm(StyledFormMixin, forms.Form):
    weeks = forms.IntegerField(
        label=_("Waiting time now, in weeks"),
        min_value=0,
        max_value=260,
        error_messages={"required": _("Fill in the waiting time in weeks.")},
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Semicolon-separated, UTF-8, with the column names on the first line."),
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._municipalities = {m.pk: m for m in municipalities}
        if len(municipalities) > 1:
            self.fields = {
                "municipality": forms.TypedChoiceField(
                    label=_("Municipality"),
                    coerce=int,
                    choices=[(m.pk, m.name) for m in municipalities],
                    widget=forms.Select(attrs={"class": SELECT_CLASS}),
                ),
                **self.fields,
            }

    def municipality(self) -> Municipality | None:
        if len(self._municipalities) == 1:
            return next(iter(self._municipalities.values()))
        pk = self.cleaned_data.get("municipality")
        return self._municipalities.get(pk) if pk is not None else None

    def clean_file(self) -> str:
        """The upload as text: a .csv file of at most 2 MB, UTF-8 (with or without BOM)."""
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a CSV file (.csv)."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        try:
            text: str = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        return text
