"""The soldier's file in the admin: for looking things up, not for editing.

Changes go through the pages, whose services check the rules, keep the history and the version;
a save from the admin would do none of that. Records are archived there, never deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soldiers.models import CitizenIdView, Counselling, ServiceRule, Soldier, SoldierChange


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CounsellingInline(ReadOnlyInline):
    model = Counselling
    fields = ["date", "kind", "officer", "note"]


class SoldierChangeInline(ReadOnlyInline):
    model = SoldierChange
    fields = ["at", "by", "action", "changes"]


@admin.register(Soldier)
class SoldierAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "masked_citizen_id",
        "unit",
        "enlistment_date",
        "expected_discharge_date",
        "archived",
    ]
    list_filter = ["archived", "unit__kind"]
    search_fields = ["full_name", "unit__code"]
    list_select_related = ["unit"]
    ordering = ["sort_key", "pk"]
    # The citizen ID stays masked here too (Nghị định 356/2025): the full number is shown only on
    # the soldier's page, where each showing is logged.
    fields = [
        "full_name",
        "date_of_birth",
        "gender",
        "masked_citizen_id",
        "phone",
        "home_province_code",
        "home_ward_code",
        "unit",
        "rank",
        "enlistment_date",
        "expected_discharge_date",
        "actual_discharge_date",
        "archived",
        "archived_reason",
        "version",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [CounsellingInline, SoldierChangeInline]

    @admin.display(description=_("citizen ID"))
    def masked_citizen_id(self, obj: Soldier) -> str:
        return obj.masked_citizen_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Soldier | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Soldier | None = None) -> bool:
        return False


@admin.register(CitizenIdView)
class CitizenIdViewAdmin(admin.ModelAdmin):
    """Who saw which full citizen ID, and when: the access log the law asks for."""

    list_display = ["at", "user", "soldier"]
    list_select_related = ["user", "soldier"]
    search_fields = ["user__username", "user__full_name", "soldier__full_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CitizenIdView | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CitizenIdView | None = None) -> bool:
        return False


@admin.register(ServiceRule)
class ServiceRuleAdmin(admin.ModelAdmin):
    """The service-time facts in force from a date: a change in the law is a new row."""

    list_display = [
        "valid_from",
        "service_months",
        "discharge_notice_days",
        "survey_month",
        "registration_month",
        "minimum_enlistment_age",
    ]

    def has_delete_permission(self, request: HttpRequest, obj: ServiceRule | None = None) -> bool:
        # Past milestones were computed under a rule; keep it, and add a newer one instead.
        return False
