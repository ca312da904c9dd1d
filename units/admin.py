from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from units import services
from units.models import Unit, User


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
