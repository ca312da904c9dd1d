"""The demo organisation: a province's headquarters departments, managing units and communes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from vietnam_provinces import Province, Ward

from units import services
from units.models import Unit, User

DEMO_PROVINCE_CODENAME = "ninh_binh"
ROOT_CODE = "CATNB"
HQ = "hq_department"
MANAGING = "managing"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent: str | None


DEMO_UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(ROOT_CODE, "Công an tỉnh Ninh Bình", HQ, None),
    DemoUnit("PX01", "Phòng Tổ chức cán bộ", HQ, ROOT_CODE),
    DemoUnit("PX03", "Phòng Công tác Đảng và công tác chính trị", HQ, ROOT_CODE),
    DemoUnit("PA03", "Phòng An ninh chính trị nội bộ", HQ, ROOT_CODE),
    DemoUnit("PA04", "Phòng An ninh kinh tế", HQ, ROOT_CODE),
    DemoUnit("PH10", "Phòng Hậu cần", HQ, ROOT_CODE),
    DemoUnit("PK02", "Phòng Cảnh sát cơ động", MANAGING, ROOT_CODE),
    DemoUnit("PK02-D1", "Đại đội Cảnh sát cơ động số 1", MANAGING, "PK02"),
    DemoUnit("PK02-D1-T1", "Trung đội 1, Đại đội số 1", MANAGING, "PK02-D1"),
    DemoUnit("PK02-D2", "Đại đội Cảnh sát cơ động số 2", MANAGING, "PK02"),
    DemoUnit(
        "PC07", "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ", MANAGING, ROOT_CODE
    ),
    DemoUnit("PC07-D1", "Đội Chữa cháy và cứu nạn, cứu hộ khu vực 1", MANAGING, "PC07"),
    DemoUnit("PC08", "Phòng Cảnh sát giao thông", MANAGING, ROOT_CODE),
    DemoUnit("PC08-T1", "Trạm Cảnh sát giao thông số 1", MANAGING, "PC08"),
)
DEMO_COMMUNE_COUNT = 5


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit: str | None
    role: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("canbo.pk02", "Nguyễn Văn An", "PK02", User.Role.UNIT_OFFICER),
    DemoAccount("congan.xa", "Trần Thị Bình", "commune:0", User.Role.COMMUNE_OFFICER),
    DemoAccount("px01", "Lê Minh Châu", "PX01", User.Role.HQ_STAFF),
    DemoAccount("lanhdao", "Phạm Quốc Dũng", ROOT_CODE, User.Role.LEADER),
    DemoAccount("quantri", "Quản trị hệ thống", None, ""),
)


def demo_province() -> Province:
    return next(p for p in Province.iter_all() if p.codename == DEMO_PROVINCE_CODENAME)


def demo_wards() -> list[Ward]:
    province = demo_province()
    wards = sorted(
        (w for w in Ward.iter_all() if w.province_code == province.code), key=lambda w: int(w.code)
    )
    return wards[:DEMO_COMMUNE_COUNT]


def commune_code(ward: Ward) -> str:
    return f"CAX-{int(ward.code):05d}"


def resolve_unit(ref: str | None, communes: list[Unit]) -> Unit | None:
    if ref is None:
        return None
    if ref.startswith("commune:"):
        return communes[int(ref.split(":")[1])]
    return Unit.objects.get(code=ref)


def _upsert_unit(*, code: str, parent: Unit | None, **fields: object) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return services.unit_create(code=code, parent=parent, **fields)
    changed = parent != unit.parent or any(getattr(unit, k) != v for k, v in fields.items())
    return services.unit_update(unit=unit, parent=parent, **fields) if changed else unit


def seed_units() -> list[Unit]:
    """The demo tree; returns the commune police units. Changes nothing when already there."""
    for item in DEMO_UNITS:
        parent = Unit.objects.get(code=item.parent) if item.parent else None
        _upsert_unit(code=item.code, name=item.name, kind=item.kind, parent=parent)
    province = demo_province()
    root = Unit.objects.get(code=ROOT_CODE)
    return [
        _upsert_unit(
            code=commune_code(ward),
            name=f"Công an {ward.name}",
            kind=Unit.Kind.COMMUNE,
            parent=root,
            ward_code=int(ward.code),
            province_code=int(province.code),
        )
        for ward in demo_wards()
    ]


def seed_account(account: DemoAccount, unit: Unit | None, *, reset: bool) -> str:
    """Create or keep one demo account; return its new password, or "" when it is kept."""
    user = User.objects.filter(username=account.username).first()
    password = secrets.token_urlsafe(9)
    email = f"{account.username}@congan.local"
    if user is None:
        if account.role:
            services.account_create(
                username=account.username,
                unit=unit,
                role=account.role,
                full_name=account.full_name,
                email=email,
                password=password,
            )
        else:
            User.objects.create_superuser(
                username=account.username,
                email=email,
                password=password,
                full_name=account.full_name,
            )
        return password
    if reset:
        user.set_password(password)
        user.save(update_fields=["password"])
        return password
    return ""
