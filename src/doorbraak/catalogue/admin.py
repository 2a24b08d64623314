"""The cost catalogue in the admin: national figures (read-only) and the municipality's own.

Functional administrators see the national figures and those of the municipalities they
administer; they edit only their own municipality's rows. The national rows are kept by
the operator (superuser) and through data migrations. CSV import and export are two extra
admin views, linked from the change list.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.admin import ScopedAdmin, admin_site
from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.catalogue import services
from doorbraak.catalogue.models import CostItem, CostUnit, Payer

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # the catalogue is a few hundred rows: 2 MB is plenty
# What browsers send for a .csv file (Excel on Windows says vnd.ms-excel; some say nothing).
CSV_CONTENT_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
        "",
    }
)
CSV_EXTENSIONS = (".csv", ".txt")


def format_euros(cents: int) -> str:
    """Dutch notation: 123456 → '€ 1.234,56'."""
    whole = f"{cents // 100:,}".replace(",", ".")
    return f"€ {whole},{cents % 100:02d}"


class CostItemImportForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Municipality"),
        help_text=_("The figures are imported as this municipality's own figures."),
    )
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        if user.is_superuser:
            field.queryset = Municipality.objects.order_by("name")
            field.empty_label = gettext("National figures (all municipalities)")
        else:
            field.queryset = Municipality.objects.filter(
                pk__in=municipality_ids_of(user, role=Role.ADMIN)
            ).order_by("name")
            field.required = True
            field.empty_label = None

    def clean_file(self) -> str:
        """The upload as text: at most 2 MB, a CSV file, UTF-8, with the expected header."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large (at most 2 MB)."))
        name = (upload.name or "").lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not name.endswith(CSV_EXTENSIONS) or content_type not in CSV_CONTENT_TYPES:
            raise ValidationError(_("Upload a CSV file (.csv), as the export writes it."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large (at most 2 MB)."))
        try:
            text: str = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        if "\x00" in text:
            raise ValidationError(_("The file is not UTF-8 text."))
        first_line = text.split("\n", 1)[0].strip()
        header = [column.strip() for column in first_line.split(services.CSV_DELIMITER)]
        if header[: len(services.CSV_COLUMNS)] != list(services.CSV_COLUMNS):
            raise ValidationError(
                _("The first line must be the header %(columns)s.")
                % {"columns": services.CSV_DELIMITER.join(services.CSV_COLUMNS)}
            )
        return text


@admin.register(CostItem, site=admin_site)
class CostItemAdmin(ScopedAdmin):
    list_display = ["name", "valid_year", "unit", "amount", "payer", "municipality"]
    list_filter = ["valid_year", "payer"]
    list_select_related = ["municipality"]
    search_fields = ["name", "code", "source"]
    ordering = ["name", "-valid_year"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/catalogue/costitem/change_list.html"
    import_template = "admin/catalogue/costitem/import.html"
    fields = [
        "code",
        "name",
        "unit",
        "amount_cents",
        "payer",
        "valid_year",
        "municipality",
        "source",
        "source_url",
        "note",
    ]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj: CostItem) -> str:
        return format_euros(obj.amount_cents)

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(municipality__isnull=True)
            | Q(municipality__in=municipality_ids_of(request.user, role=Role.ADMIN))
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # National figures are shared by every municipality: only the operator edits them.
        if isinstance(obj, CostItem) and obj.municipality_id is None:
            return bool(request.user.is_superuser)
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "municipality" and not request.user.is_superuser:
            # An administrator adds figures for an own municipality, never national ones.
            formfield.required = True
            formfield.empty_label = None
        return formfield

    # --- CSV import and export ---------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        year = request.GET.get("valid_year", "")
        extra_context = {
            **(extra_context or {}),
            "can_import": can_administer(request.user),
            "export_year": year if year.isdigit() else "",
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_administer(request.user):
            raise PermissionDenied
        form = CostItemImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"]
            try:
                result = services.cost_items_import_csv(
                    actor=request.user,
                    municipality=form.cleaned_data["municipality"],
                    file=io.StringIO(text),
                )
            except PermissionDenied:
                form.add_error(
                    "municipality",
                    gettext("You may not import cost items for this municipality."),
                )
            except ValidationError as error:
                messages.error(request, gettext("Nothing was imported."))
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    gettext("%(created)s cost items added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return HttpResponseRedirect(
                    reverse("admin:catalogue_costitem_changelist", current_app=self.admin_site.name)
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import cost items"),
            "form": form,
            "columns": services.CSV_DELIMITER.join(services.CSV_COLUMNS),
            "units": ", ".join(CostUnit.values),
            "payers": ", ".join(Payer.values),
        }
        return TemplateResponse(request, self.import_template, context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        items = (
            self.get_queryset(request)
            .select_related(None)
            .order_by("code", "valid_year", "municipality_id")
        )
        year = request.GET.get("valid_year", "")
        if year.isdigit():
            items = items.filter(valid_year=int(year))
        body = "\ufeff" + services.cost_items_export_csv(items=items)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kostenkengetallen.csv"'
        return response
