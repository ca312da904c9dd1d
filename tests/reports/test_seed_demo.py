from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.http import HttpRequest

from soldiers import milestones
from soldiers.models import Soldier
from units.models import Unit, User


def snapshot() -> tuple[list[tuple], list[tuple], list[tuple]]:
    units = list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "kind", "parent__code", "path", "ward_code"
        )
    )
    users = list(
        User.objects.order_by("username").values_list("username", "role", "unit__code", "password")
    )
    soldiers = list(
        Soldier.objects.order_by("citizen_id").values_list(
            "citizen_id", "version", *milestones.MILESTONE_FIELDS
        )
    )
    return units, users, soldiers


def test_seed_demo_twice_gives_the_same_rows(db: None) -> None:
    first_out = StringIO()
    call_command("seed_demo", stdout=first_out)
    first = snapshot()

    call_command("seed_demo", stdout=StringIO())

    assert snapshot() == first
    units, users, soldiers = first
    assert len(soldiers) == 48
    assert milestones.drifted() == []
    codes = {u[0] for u in units}
    assert {"PX01", "PX03", "PA03", "PA04", "PH10", "PK02", "PC07", "PC08"} <= codes
    assert sum(1 for u in units if u[2] == "commune") == 5
    roles = {username: (role, unit) for username, role, unit, _ in users}
    assert roles == {
        "canbo.pk02": ("unit_officer", "PK02"),
        "congan.xa": ("commune_officer", roles["congan.xa"][1]),
        "px01": ("hq_staff", "PX01"),
        "lanhdao": ("leader", "CATNB"),
        "quantri": ("", None),
        # Partner accounts have no unit: they belong to an institution or an employer.
        "cdcg.ninhbinh": ("institution_staff", None),
        "thanhan.oto": ("employer_staff", None),
    }
    assert roles["congan.xa"][1].startswith("CAX-")
    assert "mật khẩu:" in first_out.getvalue()
    assert list(
        User.objects.filter(role__in=User.PARTNER_ROLES)
        .order_by("username")
        .values_list(
            "username", "institution_link__institution__name", "employer_link__employer__name"
        )
    ) == [
        ("cdcg.ninhbinh", "Trường Cao đẳng Cơ giới Ninh Bình", None),
        ("thanhan.oto", None, "Công ty CP Ô tô Thành An Ninh Bình"),
    ]


def test_demo_communes_are_real_communes_of_the_demo_province(db: None) -> None:
    from vietnam_provinces import Ward

    call_command("seed_demo", stdout=StringIO())

    for unit in Unit.objects.filter(kind=Unit.Kind.COMMUNE):
        ward = Ward.from_code(unit.ward_code)
        assert unit.name == f"Công an {ward.name}"
        assert int(ward.province_code) == unit.province_code == 37


def test_printed_demo_password_signs_in(client, db: None) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("px01"))
    password = line.rsplit("mật khẩu: ", 1)[1].strip()

    # The sign-in throttling (django-axes) needs the request that signs in.
    assert client.login(request=HttpRequest(), username="px01", password=password) is True
