"""Load the demo province: units, one account per role, and soldiers along the whole path.

It lives in the top layer because the demo path touches every app. Running it again changes
nothing (passwords are printed only when an account is created, or with --reset-passwords).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from reports import demo as path_demo
from units import demo
from units.models import Unit, User


class Command(BaseCommand):
    help = "Create the demo units, accounts and soldiers (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo account a new password and print it.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords: bool = False, **options) -> None:
        communes = demo.seed_units()
        self.stdout.write(self.style.SUCCESS(f"Đơn vị: {Unit.objects.count()}"))
        self.stdout.write("Tài khoản demo (đăng nhập tại http://127.0.0.1:8000/):")
        for account in demo.DEMO_ACCOUNTS:
            unit = demo.resolve_unit(account.unit, communes)
            self._account(account, demo.seed_account(account, unit, reset=reset_passwords))
        created = path_demo.seed_path()
        # Partner accounts belong to the demo's institution and employer, made with the path.
        for account, password in path_demo.seed_partners(reset=reset_passwords):
            self._account(account, password)
        self.stdout.write(self.style.SUCCESS(f"Chiến sĩ demo mới: {created}"))

    def _account(self, account: demo.DemoAccount, password: str) -> None:
        role = User.Role(account.role).label if account.role else "Quản trị hệ thống"
        shown = password or "(giữ mật khẩu đã in lần đầu; đặt lại: seed_demo --reset-passwords)"
        self.stdout.write(f"  {account.username:<14} {role:<32} mật khẩu: {shown}")
