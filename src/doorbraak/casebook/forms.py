"""Forms of the casebook: search, the proposal (texts emptied, amounts rounded), decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Organisation
from doorbraak.breakthroughs.models import Theme
from doorbraak.casebook.models import ExampleResult, ExampleScope
from doorbraak.catalogue.models import Payer
from doorbraak.lib import limits
from doorbraak.lib.forms import QuickSelect, StyledFormMixin
from doorbraak.lib.fragments import searched_form_html
from doorbraak.library.models import Regulation


class ExampleSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), required=False, widget=QuickSelect)
    regulation = forms.ModelChoiceField(
        label=_("Regulation"),
        required=False,
        queryset=Regulation.objects.none(),
        widget=QuickSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=QuickSelect,
    )
    result = forms.ChoiceField(label=_("Outcome"), required=False, widget=QuickSelect)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False, widget=QuickSelect)

    def __init__(self, *args: Any, municipalities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        named: tuple[tuple[str, list[tuple[str, Any]]], ...] = (
            ("theme", list(Theme.choices)),
            ("result", list(ExampleResult.choices)),
            ("municipality", [(m, m) for m in municipalities]),
        )
        for name, choices in named:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = everything + choices
        regulation = self.fields["regulation"]
        assert isinstance(regulation, forms.ModelChoiceField)
        regulation.queryset = Regulation.objects.filter(municipality__isnull=True).order_by(
            "citation"
        )
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(municipality__isnull=True).order_by(
            "name"
        )


#: Stands in for the search text in the kept HTML of the search form (see search_form_html).
SEARCH_MARK = "dbkVoorbeeldZoektekst4c1e8b"
SEARCH_FORM_SECONDS = 24 * 60 * 60


def search_form_html(form: ExampleSearchForm) -> SafeString | None:
    """The casebook's search form as ``includes/form.html`` renders it, from the cache.

    The key names all that the HTML depends on: the language, every select's choices as
    (value, label) (the regulations and organisations read as rows, not as models, and the
    form's selects then render those rows), whether the form is bound and the chosen
    values. The search text is rendered as :data:`SEARCH_MARK` and put in afterwards,
    escaped as the template escapes it. None for a form with errors: the caller renders it
    as usual, with its messages.
    """
    if form.is_bound and not form.is_valid():
        return None
    rows = {
        "regulation": list(
            Regulation.objects.filter(municipality__isnull=True)
            .order_by("citation")
            .values_list("pk", "citation")
        ),
        "organisation": list(
            Organisation.objects.filter(municipality__isnull=True)
            .order_by("name")
            .values_list("pk", "name")
        ),
    }
    for name, found in rows.items():
        # As the ModelChoiceField would list them: its empty label first, then str(model).
        form.fields[name].widget.choices = [("", "---------"), *found]
    search = str(form["q"].value() or "") if form.is_bound else ""
    chosen = tuple(
        str(form.data.get(name)) if form.is_bound else None
        for name in ("theme", "regulation", "organisation", "result", "municipality")
    )
    varying = (
        translation.get_language(),
        *(
            tuple((str(value), str(label)) for value, label in form.fields[name].choices)  # type: ignore[attr-defined]
            for name in ("theme", "result")
        ),
        tuple(rows["regulation"]),
        tuple(rows["organisation"]),
        tuple(form.fields["municipality"].choices),  # type: ignore[attr-defined]
        form.is_bound,
        chosen,
    )

    def render(text: str) -> str:
        shown = form
        if text:
            data = dict(form.data.items())  # a QueryDict: the last value of each, as shown
            data["q"] = text
            shown = ExampleSearchForm(data, municipalities=[])
            shown.fields["municipality"].choices = form.fields["municipality"].choices  # type: ignore[attr-defined]
            for name in rows:
                shown.fields[name].widget.choices = form.fields[name].widget.choices
        return render_to_string("includes/form.html", {"form": shown})

    return searched_form_html(
        name="casebook:search-form",
        varying=varying,
        search=search,
        mark=SEARCH_MARK,
        render=render,
        seconds=SEARCH_FORM_SECONDS,
    )


def _text(label: Any, help_text: Any = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExampleForm(StyledFormMixin, forms.Form):
    """The proposal: free texts start empty, amounts per payer start rounded."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("In general terms, e.g. “Postal address so the benefit continues”."),
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    bottleneck = _text(
        _("The bottleneck"), _("Which rules or practices clashed, without who it was about.")
    )
    solution = _text(_("The solution"), _("What was done differently, and on which basis."))
    result = forms.ChoiceField(
        label=_("Outcome"), choices=ExampleResult.choices, widget=forms.RadioSelect
    )
    outcome = _text(_("What it brought"), _("What was prevented or achieved."))
    commitment = _text(
        _("What the household committed to"),
        _("In general terms, e.g. “opens the post weekly with a volunteer”."),
        required=False,
    )
    regulations = forms.ModelMultipleChoiceField(
        label=_("Regulations"), required=False, queryset=Regulation.objects.none()
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"), required=False, queryset=Organisation.objects.none()
    )
    scope = forms.ChoiceField(
        label=_("Who may read it"), choices=ExampleScope.choices, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        regulations: Any,
        organisations: Any,
        payers: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulations"].queryset = regulations  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]
        self.payers = payers
        for payer in payers:
            label = Payer(payer).label
            self.fields[f"sq_{payer}"] = forms.IntegerField(
                label=_("%(payer)s: cost without the breakthrough (€)") % {"payer": label},
                min_value=0,
                max_value=100_000_000,
            )
            self.fields[f"bt_{payer}"] = forms.IntegerField(
                label=_("%(payer)s: cost with the breakthrough (€)") % {"payer": label},
                min_value=0,
                max_value=100_000_000,
            )
        for name in self.fields:
            if name.startswith(("sq_", "bt_")):
                self.fields[name].widget.attrs["class"] = (
                    "utrecht-textbox utrecht-textbox--html-input"
                )
                self.fields[name].widget.attrs["inputmode"] = "numeric"

    def text_fields(self) -> list[Any]:
        return [
            self[name]
            for name in (
                "title",
                "theme",
                "bottleneck",
                "solution",
                "result",
                "outcome",
                "commitment",
            )
        ]

    def amount_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(Payer(p).label, self[f"sq_{p}"], self[f"bt_{p}"]) for p in self.payers]

    def amounts_cents(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {p: (data[f"sq_{p}"] * 100, data[f"bt_{p}"] * 100) for p in self.payers}


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Exchange file (JSON)"))
