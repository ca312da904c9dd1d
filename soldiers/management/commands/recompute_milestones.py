"""Recompute every soldier's milestone columns from the related tables and report drift."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from soldiers import milestones


class Command(BaseCommand):
    help = "Recompute the milestone columns behind the figures; --check only reports drift."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit with an error if any soldier's columns have drifted.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        drifted = milestones.drifted()
        self.stdout.write(f"Chiến sĩ có số liệu mốc lệch: {len(drifted)}")
        if check:
            if drifted:
                raise CommandError(f"{len(drifted)} chiến sĩ lệch, ví dụ id {drifted[:10]}")
            return
        with transaction.atomic():
            updated = milestones.refresh()
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {updated} chiến sĩ."))
