from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from units import audit, services
from units.models import AuditEvent, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "ward_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    def save_model(self, request, obj: Unit, form, change: bool) -> None:
        # The tree path is kept by the services, never by save().
        data = {f: form.cleaned_data[f] for f in form.cleaned_data if f != "parent"}
        if change:
            services.unit_update(unit=obj, parent=form.cleaned_data.get("parent"), **data)
        else:
            created = services.unit_create(parent=form.cleaned_data.get("parent"), **data)
            obj.pk, obj.path = created.pk, created.path

    def has_delete_permission(self, request, obj=None) -> bool:
        # Units are deactivated, not deleted: soldiers and history point at them.
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email")}),
        (_("Unit and role"), {"fields": ("unit", "role")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "unit",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated, never deleted: their past actions keep their name.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        # The stored account, read before the save, gives the "before" of the audit entries.
        before = User.objects.select_related("unit").get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        audit.record_account_saved(
            user=request.user,
            account=obj,
            before=before,
            changed=form.changed_data,
            request=request,
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # saved: back to the form
            account = User.objects.get(pk=id)
            audit.record(
                AuditEvent.Kind.ACCOUNT,
                user=request.user,
                request=request,
                subject=account,
                summary=_("Password of %(username)s set by an administrator")
                % {"username": account.username},
                changes={"password": ["***", "***"]},
            )
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log, to read only: no one adds, changes or deletes an entry here (the database
    refuses it too). PX01 reads it with filters on the audit page (units:audit)."""

    list_display = ["at", "username", "kind", "summary", "subject_type", "subject_id", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "summary"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


# Two-factor devices change only through the audited pages: set up by their officer, reset by
# PX01 or a superuser with a reason (units/two_factor.py). The admin pages django-otp adds would
# show an officer's key, or delete his device, with no entry in the audit log.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
