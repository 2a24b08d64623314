"""Dutch admin screens for functional administrators (functioneel beheer).

Administrators manage configuration in the municipalities they administer; they never
see case content (no case model is registered here). Every change to a person's account
is written to the processing log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts import services
from doorbraak.accounts.models import (
    District,
    ExternalIdentity,
    GroupRoleMapping,
    Membership,
    Municipality,
    Organisation,
    Role,
    Team,
    User,
)
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.processing import AccountChange, log_account_change
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.accounts.views import redirect_to_login
from doorbraak.lib.otp import is_verified


class DoorbraakAdminSite(admin.AdminSite):
    site_header = _("Doorbraak administration")
    site_title = _("Doorbraak administration")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and is_verified(user) and can_administer(user))

    def login(self, request: HttpRequest, extra_context: Any = None) -> Any:
        return redirect_to_login(request)


admin_site = DoorbraakAdminSite(name="admin")


def administered_municipality_ids(request: HttpRequest) -> set[int]:
    return municipality_ids_of(request.user, role=Role.ADMIN)


#: Apps whose rows are configuration or bookkeeping of accounts, never case content.
_CONFIGURATION_APPS = frozenset(
    {"admin", "auth", "contenttypes", "sessions", "axes", "otp_totp", "otp_static", "django_otp"}
)


def is_configuration(model: type[Model]) -> bool:
    """Whether rows of ``model`` are configuration, which an administrator may see.

    Everything the admin site registers is configuration, and so are the accounts' own
    bookkeeping tables; every other model (households, plans, breakthroughs, fund
    requests, the processing log, …) is case content. A many-to-many table is
    configuration only when both its sides are.
    """
    if model._meta.auto_created:
        targets = [
            f.related_model
            for f in model._meta.fields
            if isinstance(f, ForeignKey) and not isinstance(f.related_model, str)
        ]
        return all(is_configuration(target) for target in targets)
    return (
        model in admin_site._registry
        or model is Membership
        or model._meta.app_label in _CONFIGURATION_APPS
    )


def _counted(counts: Counter[type[Model]]) -> list[str]:
    """'65 huishoudens' per model, never the rows themselves (their names are case content)."""
    return [
        f"{count} "
        + str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)
        for model, count in sorted(counts.items(), key=lambda item: str(item[0]._meta.verbose_name))
    ]


def deletion_summary(
    objs: Iterable[Model], using: str
) -> tuple[Counter[type[Model]], Counter[type[Model]]]:
    """What deleting ``objs`` would touch: (configuration rows, case-content rows), counted.

    Case content counts rows that would be deleted with the objects, rows that protect
    them, and rows that would lose their reference to them (SET_NULL): a team, user,
    district or organisation that dossiers refer to is deactivated, not deleted.
    """
    collector = NestedObjects(using=using)
    collector.collect(list(objs))
    counts: Counter[type[Model]] = Counter()
    model_objs: dict[Any, set[Model]] = collector.model_objs
    for collected, instances in model_objs.items():
        counts[collected] += len(instances)
    for protected in collector.protected:
        counts[type(protected)] += 1
    field_updates: dict[tuple[Any, Any], list[Any]] = collector.field_updates
    for (field, _value), batches in field_updates.items():
        for batch in batches:
            counts[field.model] += batch.count() if isinstance(batch, QuerySet) else len(batch)
    configuration: Counter[type[Model]] = Counter()
    case: Counter[type[Model]] = Counter()
    for model, count in counts.items():
        (configuration if is_configuration(model) else case)[model] += count
    return configuration, case


def scoped_choices(model: Any, request: HttpRequest) -> QuerySet[Any] | None:
    """The rows of a configuration model an administrator may choose, or None."""
    if request.user.is_superuser:
        return None
    ids = administered_municipality_ids(request)
    if model is Municipality:
        return Municipality.objects.filter(pk__in=ids)
    if model in (District, Team):
        return model.objects.filter(municipality__in=ids)
    if model is Organisation:
        return Organisation.objects.filter(Q(municipality__isnull=True) | Q(municipality__in=ids))
    if model is User:
        return User.objects.filter(memberships__municipality__in=ids).distinct()
    return None


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Only administrators, only their own municipalities (superusers see everything)."""

    #: Lookup from this model to its municipality id; "" for models outside any municipality.
    municipality_lookup = "municipality"

    def _allowed(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not can_administer(request.user):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return bool(self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.municipality_lookup}__in": administered_municipality_ids(request)}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(request, super().get_queryset(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        """A filter on a relation offers only values of the administrator's own rows."""
        filters: list[Any] = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """The delete confirmation shows counts, never rows, and refuses case content.

        Django lists every row a deletion would take with it, by name: for a team that is
        every household of the team. An administrator sees configuration, not case content,
        so the page counts ("3 lidmaatschappen") and a deletion that would touch a dossier is
        refused, with what depends on the object counted.
        """
        using = router.db_for_write(self.model)
        configuration, case = deletion_summary(objs, using)
        model_count = {
            str(model._meta.verbose_name_plural): count for model, count in configuration.items()
        }
        perms_needed = {
            str(model._meta.verbose_name)
            for model in configuration
            if model in self.admin_site._registry
            and not self.admin_site._registry[model].has_delete_permission(request)
        }
        if case:
            protected = [*_counted(case), str(self.deletion_refused_hint)]
            return _counted(configuration), model_count, perms_needed, protected
        return _counted(configuration), model_count, perms_needed, []

    #: Shown under the counted dossiers when a deletion is refused.
    deletion_refused_hint = _(
        "Dossiers depend on this, so it cannot be deleted. End its use instead "
        "(end the memberships, or make the account inactive)."
    )


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(ScopedAdmin):
    municipality_lookup = "pk"
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new tenant is created by the operator, not from inside another tenant.
        return bool(request.user.is_superuser)


@admin.register(District, site=admin_site)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(municipality__isnull=True)
            | Q(municipality__in=administered_municipality_ids(request))
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # National organisations are shared by every municipality: only the operator edits them.
        if isinstance(obj, Organisation) and obj.municipality_id is None:
            return bool(request.user.is_superuser)
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(Team, site=admin_site)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    filter_horizontal = ["districts"]


class MembershipForm(ModelForm[Membership]):
    """Refuses impossible combinations (a professional without a team, …) with a message."""

    class Meta:
        model = Membership
        fields = [
            "user",
            "role",
            "organisation",
            "municipality",
            "team",
            "valid_from",
            "valid_until",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        municipality = cleaned.get("municipality")
        if role and organisation and municipality:
            services.membership_validate(
                role=role,
                organisation=organisation,
                municipality=municipality,
                team=cleaned.get("team"),
            )
        return cleaned


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    form = MembershipForm
    extra = 0
    fields = ["role", "organisation", "municipality", "team", "valid_from", "valid_until"]
    fk_name = "user"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_administer(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Membership, site=admin_site)
class MembershipAdmin(ScopedAdmin):
    list_display = [
        "user",
        "role",
        "organisation",
        "municipality",
        "team",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["role", "municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    form = MembershipForm

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        log_account_change(
            actor=request.user,
            user=obj.user,
            change=AccountChange.UPDATE if change else AccountChange.CREATE,
            municipality=obj.municipality,
        )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        log_account_change(
            actor=request.user,
            user=obj.user,
            change=AccountChange.DELETE,
            municipality=obj.municipality,
        )
        super().delete_model(request, obj)


class GroupRoleMappingForm(ModelForm[GroupRoleMapping]):
    """The role must be one a membership could have (a professional needs a team, …)."""

    class Meta:
        model = GroupRoleMapping
        fields = ["municipality", "group", "role", "organisation", "team"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        municipality = cleaned.get("municipality")
        if role and organisation and municipality:
            services.membership_validate(
                role=role,
                organisation=organisation,
                municipality=municipality,
                team=cleaned.get("team"),
            )
        return cleaned


class ExternalIdentityInline(admin.TabularInline):  # type: ignore[type-arg]
    """The account's single sign-on identities: link an existing account to its subject at
    the identity provider (a new subject gets a new account without roles)."""

    model = ExternalIdentity
    extra = 0
    fields = ["issuer", "subject", "created_at", "last_sign_in_at"]
    readonly_fields = ["created_at", "last_sign_in_at"]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_administer(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(GroupRoleMapping, site=admin_site)
class GroupRoleMappingAdmin(ScopedAdmin):
    """Which group of the identity provider gives which role, per municipality."""

    list_display = ["group", "role", "organisation", "team", "municipality"]
    list_filter = ["municipality", "role"]
    search_fields = ["group"]
    form = GroupRoleMappingForm


@admin.register(User, site=admin_site)
class UserAdmin(ScopedAdmin, DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_factor"]

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        # New accounts have no membership yet; they stay visible until they get one.
        return queryset.filter(
            Q(memberships__municipality__in=administered_municipality_ids(request))
            | Q(memberships__isnull=True)
        ).distinct()

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [MembershipInline, ExternalIdentityInline] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        log_account_change(
            actor=request.user,
            user=obj,
            change=AccountChange.UPDATE if change else AccountChange.CREATE,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            log_account_change(actor=request.user, user=form.instance, change=AccountChange.UPDATE)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        log_account_change(actor=request.user, user=obj, change=AccountChange.DELETE)
        super().delete_model(request, obj)

    @admin.action(description=_("Reset two-step verification (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.totp_device_reset(actor=request.user, user=user)
        messages.success(
            request, _("Two-step verification reset; the user links a new app at next log-in.")
        )
