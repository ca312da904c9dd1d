"""The reports data an administrator keeps by hand: how long personal data is kept."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Years a soldier's data is kept after his training support window, in force from a date:
    a change is a new row, so the listings already made keep the rule they were made under."""

    list_display = ["valid_from", "years_after_support"]

    def has_delete_permission(self, request: HttpRequest, obj: RetentionRule | None = None) -> bool:
        return False
