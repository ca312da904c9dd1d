"""Load the demo organisation and one account per role. Running it again changes nothing."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from units import demo, services
from units.models import Unit, User


class Command(BaseCommand):
    help = "Create the demo units and demo accounts (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo account a new password and print it.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords: bool = False, **options) -> None:
        for item in demo.DEMO_UNITS:
            parent = Unit.objects.get(code=item.parent) if item.parent else None
            self._upsert_unit(code=item.code, name=item.name, kind=item.kind, parent=parent)
        province = demo.demo_province()
        root = Unit.objects.get(code=demo.ROOT_CODE)
        communes = [
            self._upsert_unit(
                code=demo.commune_code(ward),
                name=f"Công an {ward.name}",
                kind=Unit.Kind.COMMUNE,
                parent=root,
                ward_code=int(ward.code),
                province_code=int(province.code),
            )
            for ward in demo.demo_wards()
        ]
        self.stdout.write(self.style.SUCCESS(f"Đơn vị: {Unit.objects.count()}"))
        self.stdout.write("Tài khoản demo (đăng nhập tại http://127.0.0.1:8000/):")
        for account in demo.DEMO_ACCOUNTS:
            unit = demo.resolve_unit(account.unit, communes)
            password = self._upsert_account(account, unit, reset_passwords)
            role = User.Role(account.role).label if account.role else "Quản trị hệ thống"
            shown = password or "(giữ mật khẩu đã in lần đầu; đặt lại: seed_demo --reset-passwords)"
            self.stdout.write(f"  {account.username:<12} {role:<32} mật khẩu: {shown}")

    def _upsert_unit(self, *, code: str, parent: Unit | None, **fields: object) -> Unit:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            return services.unit_create(code=code, parent=parent, **fields)
        changed = parent != unit.parent or any(getattr(unit, k) != v for k, v in fields.items())
        return services.unit_update(unit=unit, parent=parent, **fields) if changed else unit

    def _upsert_account(self, account: demo.DemoAccount, unit: Unit | None, reset: bool) -> str:
        """Create or align one account; return its new password, or "" when it is kept."""
        user = User.objects.filter(username=account.username).first()
        password = secrets.token_urlsafe(9)
        if user is None:
            if account.role:
                services.account_create(
                    username=account.username,
                    unit=unit,
                    role=account.role,
                    full_name=account.full_name,
                    email=f"{account.username}@congan.local",
                    password=password,
                )
            else:
                User.objects.create_superuser(
                    username=account.username,
                    email=f"{account.username}@congan.local",
                    password=password,
                    full_name=account.full_name,
                )
            return password
        if reset:
            user.set_password(password)
            user.save(update_fields=["password"])
            return password
        return ""
