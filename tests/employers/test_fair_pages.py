from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employers import services
from employers.models import JobFair
from soldiers.models import Counselling, Soldier
from tests.factories import EmployerFactory, SoldierFactory, UnitFactory
from units.models import Unit, User

Role = User.Role
# Attendance is recorded after the fair (20/09/2026 unless a test says otherwise).
NOW = dt.datetime(2026, 10, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
INVALID_CHOICE = "Hãy chọn một lựa chọn hợp lệ. {} không phải là một trong các lựa chọn khả thi."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def px03(tree, make_user) -> User:
    return make_user(
        Role.HQ_STAFF, UnitFactory(code="PX03", parent=tree.root, kind="hq_department")
    )


@pytest.fixture
def px01(tree, make_user) -> User:
    return make_user(
        Role.HQ_STAFF, UnitFactory(code="PX01", parent=tree.root, kind="hq_department")
    )


def a_fair(px03: User, name: str = "Ngày hội việc làm 2026", **fields) -> JobFair:
    values = {
        "kind": "job_fair",
        "name": name,
        "date": dt.date(2026, 9, 20),
        "place": "Nhà văn hóa tỉnh",
        "organiser": Unit.objects.get(code="PX03"),
    } | fields
    return services.job_fair_save(user=px03, **values)


def fair_data(organiser: Unit, *employers, **overrides: str) -> dict[str, object]:
    return {
        "kind": "youth_festival",
        "name": "Ngày hội thanh niên với nghề nghiệp",
        "date": "26/03/2027",
        "place": "Quảng trường Đinh Tiên Hoàng",
        "organiser": str(organiser.pk),
        "employers": [str(e.pk) for e in employers],
    } | overrides


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- who may open which page --


@pytest.mark.parametrize(
    "role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
)
def test_every_role_reads_the_fairs(login, users, px03, role) -> None:
    fair = a_fair(px03)
    client = login(users[role])

    pages = [
        client.get(reverse("employers:fairs")),
        client.get(reverse("employers:fair_detail", args=[fair.pk])),
    ]

    assert [p.status_code for p in pages] == [200, 200]
    assert [f.name for f in pages[0].context["page"]] == ["Ngày hội việc làm 2026"]


@pytest.mark.parametrize(
    "role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
)
def test_only_px03_and_px01_keep_the_fairs(login, users, px03, role) -> None:
    fair = a_fair(px03)
    client = login(users[role])

    responses = [
        client.get(reverse("employers:fair_create")),
        client.get(reverse("employers:fair_edit", args=[fair.pk])),
        client.post(reverse("employers:fair_create"), fair_data(users[role].unit)),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert JobFair.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, px03) -> None:
    fair = a_fair(px03)
    urls = [
        reverse("employers:fairs"),
        reverse("employers:fair_create"),
        reverse("employers:fair_detail", args=[fair.pk]),
        reverse("employers:fair_edit", args=[fair.pk]),
    ]
    attendance = reverse("employers:fair_attendance", args=[fair.pk])

    responses = [client.get(url) for url in urls] + [client.post(attendance)]

    assert [(r.status_code, r.url) for r in responses] == [
        (302, f"{reverse('login')}?next={url}") for url in [*urls, attendance]
    ]


def test_an_unknown_fair_is_not_found(login, users) -> None:
    response = login(users[Role.UNIT_OFFICER]).get(reverse("employers:fair_detail", args=[999]))

    assert response.status_code == 404


# -- adding and editing --


def test_px03_adds_a_fair_with_its_employers(login, tree, px03) -> None:
    first, second = EmployerFactory(name="Công ty A"), EmployerFactory(name="Công ty B")

    response = login(px03).post(
        reverse("employers:fair_create"), fair_data(tree.pk02, first, second), follow=True
    )

    fair = JobFair.objects.get()
    assert response.redirect_chain == [(reverse("employers:fair_detail", args=[fair.pk]), 302)]
    assert shown_messages(response) == ["Đã lưu ngày hội Ngày hội thanh niên với nghề nghiệp."]
    assert (fair.kind, fair.date, fair.organiser, list(fair.employers.order_by("name"))) == (
        "youth_festival",
        dt.date(2027, 3, 26),
        tree.pk02,
        [first, second],
    )


def test_px01_edits_a_fair(login, tree, px03, px01) -> None:
    fair = a_fair(px03, employers=[EmployerFactory()])

    login(px01).post(
        reverse("employers:fair_edit", args=[fair.pk]),
        fair_data(tree.pc07, place="Sân vận động tỉnh"),
    )

    fair.refresh_from_db()
    assert (fair.place, fair.organiser, fair.employers.count()) == (
        "Sân vận động tỉnh",
        tree.pc07,
        0,
    )


def test_the_organiser_may_be_any_active_unit_for_headquarters(login, tree, px03) -> None:
    closed = UnitFactory(code="PC99", parent=tree.root, active=False)

    response = login(px03).get(reverse("employers:fair_create"))

    organisers = list(response.context["form"].fields["organiser"].queryset)
    assert organisers == list(Unit.objects.exclude(pk=closed.pk).order_by("path"))


def test_a_fair_needs_its_date_in_dd_mm_yyyy(login, tree, px03) -> None:
    response = login(px03).post(
        reverse("employers:fair_create"), fair_data(tree.pk02, date="31/02/2027")
    )

    assert response.context["form"].errors == {"date": ["Nhập một ngày hợp lệ."]}
    assert JobFair.objects.count() == 0


# -- the list --


def test_fairs_to_come_are_listed_first_soonest_first_then_past_ones_latest_first(
    login, users, px03
) -> None:
    for name, day in [
        ("Đã qua lâu", dt.date(2025, 3, 1)),
        ("Sắp tới xa", dt.date(2027, 1, 10)),
        ("Vừa qua", dt.date(2026, 9, 20)),
        ("Hôm nay", dt.date(2026, 10, 1)),
        ("Sắp tới gần", dt.date(2026, 10, 20)),
    ]:
        a_fair(px03, name=name, date=day)

    response = login(users[Role.LEADER]).get(reverse("employers:fairs"))

    assert [(f.name, f.upcoming) for f in response.context["page"]] == [
        ("Hôm nay", True),
        ("Sắp tới gần", True),
        ("Sắp tới xa", True),
        ("Vừa qua", False),
        ("Đã qua lâu", False),
    ]


def test_the_list_counts_employers_and_only_the_attendees_in_the_users_scope(
    login, tree, users, px03
) -> None:
    fair = a_fair(px03, employers=[EmployerFactory(), EmployerFactory(), EmployerFactory()])
    own = [SoldierFactory(unit=tree.pk02_d1), SoldierFactory(unit=tree.pk02)]
    services.job_fair_record_attendance(
        user=px03, fair=fair, soldiers=[*own, SoldierFactory(unit=tree.pc07)]
    )

    seen = {
        role: [
            (f.employer_count, f.soldier_count)
            for f in login(users[role]).get(reverse("employers:fairs")).context["page"]
        ]
        for role in (Role.UNIT_OFFICER, Role.LEADER)
    }

    assert seen == {Role.UNIT_OFFICER: [(3, 2)], Role.LEADER: [(3, 3)]}


def test_the_list_filters_by_kind_and_year(login, users, px03) -> None:
    a_fair(px03, name="Ngày hội 2026")
    a_fair(px03, name="Phiên giao dịch 2026", kind="job_exchange")
    a_fair(px03, name="Ngày hội 2025", date=dt.date(2025, 9, 20))

    response = login(users[Role.LEADER]).get(
        reverse("employers:fairs"), {"kind": "job_fair", "year": "2026"}
    )

    assert [f.name for f in response.context["page"]] == ["Ngày hội 2026"]


def fairs_list_queries(client, px03, tree, count: int) -> int:
    employers = [EmployerFactory(), EmployerFactory()]
    soldiers = [SoldierFactory(unit=tree.pk02), SoldierFactory(unit=tree.pc07)]
    for n in range(count - JobFair.objects.count()):
        fair = a_fair(px03, name=f"Ngày hội {n}", employers=employers)
        services.job_fair_record_attendance(user=px03, fair=fair, soldiers=soldiers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("employers:fairs"))
    assert len(response.context["page"]) == count
    return len(queries)


def test_the_fairs_list_costs_the_same_queries_for_5_or_30_fairs(login, tree, users, px03) -> None:
    client = login(users[Role.UNIT_OFFICER])

    assert fairs_list_queries(client, px03, tree, 5) == fairs_list_queries(client, px03, tree, 30)


# -- the fair's page and attendance --


@pytest.fixture
def attendance(tree, px03) -> tuple[JobFair, Soldier, Soldier, Soldier]:
    """A fair with three soldiers there: one of PK02's sub-unit, one of PC07 whose home commune
    is the commune police's, one of PC07 from elsewhere."""
    fair = a_fair(px03)
    own = SoldierFactory(unit=tree.pk02_d1, full_name="Trần Văn An")
    home = SoldierFactory(unit=tree.pc07, full_name="Lê Văn Bình", home_ward_code=13291)
    other = SoldierFactory(unit=tree.pc07, full_name="Ngô Văn Dũng")
    services.job_fair_record_attendance(user=px03, fair=fair, soldiers=[own, home, other])
    return fair, own, home, other


@pytest.mark.parametrize(
    ("role", "names"),
    [
        (Role.UNIT_OFFICER, ["Trần Văn An"]),
        (Role.COMMUNE_OFFICER, ["Lê Văn Bình"]),
        (Role.HQ_STAFF, ["Trần Văn An", "Lê Văn Bình", "Ngô Văn Dũng"]),
        (Role.LEADER, ["Trần Văn An", "Lê Văn Bình", "Ngô Văn Dũng"]),
    ],
)
def test_each_user_sees_only_the_attendees_in_his_scope(
    login, users, attendance, role, names
) -> None:
    fair = attendance[0]

    response = login(users[role]).get(reverse("employers:fair_detail", args=[fair.pk]))

    assert [s.full_name for s in response.context["attendees"]] == names


def test_an_officer_records_his_soldiers_attendance_with_one_counselling_each_once(
    login, tree, users, px03
) -> None:
    fair = a_fair(px03)
    soldier = SoldierFactory(unit=tree.pk02_d1, full_name="Trần Văn An")
    client = login(users[Role.UNIT_OFFICER])
    url = reverse("employers:fair_attendance", args=[fair.pk])

    first = client.post(url, {"soldiers": [str(soldier.pk)]}, follow=True)
    second = client.post(url, {"soldiers": [str(soldier.pk)]}, follow=True)

    detail = reverse("employers:fair_detail", args=[fair.pk])
    assert (first.redirect_chain, second.redirect_chain) == ([(detail, 302)],) * 2
    assert shown_messages(first) == [
        "Đã ghi nhận 1 chiến sĩ tham gia, mỗi chiến sĩ kèm một lần tư vấn tại ngày hội việc làm."
    ]
    assert shown_messages(second) == [
        "Các chiến sĩ này đã được ghi nhận tham gia ngày hội; không có gì được thêm."
    ]
    assert list(fair.soldiers.all()) == [soldier]
    assert list(Counselling.objects.values_list("soldier", "kind", "date", "note")) == [
        (soldier.pk, "job_fair", dt.date(2026, 9, 20), "Ngày hội việc làm 2026")
    ]


def test_an_officer_cannot_record_another_units_soldier(login, tree, users, px03) -> None:
    fair = a_fair(px03)
    other = SoldierFactory(unit=tree.pc07)

    response = login(users[Role.UNIT_OFFICER]).post(
        reverse("employers:fair_attendance", args=[fair.pk]), {"soldiers": [str(other.pk)]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"soldiers": [INVALID_CHOICE.format(other.pk)]}
    assert (fair.soldiers.count(), Counselling.objects.count()) == (0, 0)


def test_a_leader_may_not_record_attendance(login, tree, users, px03) -> None:
    fair = a_fair(px03)
    soldier = SoldierFactory(unit=tree.pk02)
    client = login(users[Role.LEADER])

    page = client.get(reverse("employers:fair_detail", args=[fair.pk]))
    response = client.post(
        reverse("employers:fair_attendance", args=[fair.pk]), {"soldiers": [str(soldier.pk)]}
    )

    assert page.context["form"] is None
    assert response.status_code == 403
    assert Counselling.objects.count() == 0


def test_the_officer_is_offered_his_soldiers_enlisted_by_the_fair_and_not_there_yet(
    login, tree, users, px03
) -> None:
    fair = a_fair(px03)
    there = SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")
    services.job_fair_record_attendance(user=px03, fair=fair, soldiers=[there])
    offered = SoldierFactory(unit=tree.pk02_d1_t1, full_name="Lê Văn Bình")
    SoldierFactory(unit=tree.pk02, full_name="Đỗ Văn Cường", enlistment_date=dt.date(2026, 9, 21))
    SoldierFactory(unit=tree.pc07, full_name="Ngô Văn Dũng")

    response = login(users[Role.UNIT_OFFICER]).get(reverse("employers:fair_detail", args=[fair.pk]))

    assert list(response.context["form"].fields["soldiers"].queryset) == [offered]


def test_headquarters_choose_a_unit_before_soldiers_are_offered(login, tree, px01, px03) -> None:
    fair = a_fair(px03)
    soldier = SoldierFactory(unit=tree.pk02_d1)
    SoldierFactory(unit=tree.pc07)
    client = login(px01)
    url = reverse("employers:fair_detail", args=[fair.pk])

    whole = client.get(url)
    narrowed = client.get(url, {"unit": str(tree.pk02.pk)})

    assert list(whole.context["form"].fields["soldiers"].queryset) == []
    assert "Chọn đơn vị để hiện danh sách chiến sĩ của đơn vị đó." in whole.content.decode()
    assert list(narrowed.context["form"].fields["soldiers"].queryset) == [soldier]
    attendance = reverse("employers:fair_attendance", args=[fair.pk])
    assert f'action="{attendance}?unit={tree.pk02.pk}"' in narrowed.content.decode()


def test_px03_records_any_units_soldiers(login, tree, px03) -> None:
    fair = a_fair(px03)
    soldiers = [SoldierFactory(unit=tree.pk02), SoldierFactory(unit=tree.pc07)]

    login(px03).post(
        reverse("employers:fair_attendance", args=[fair.pk]),
        {"soldiers": [str(s.pk) for s in soldiers]},
    )

    assert sorted(fair.soldiers.values_list("pk", flat=True)) == sorted(s.pk for s in soldiers)
    assert Counselling.objects.filter(kind="job_fair").count() == 2


def test_the_commune_officer_records_his_communes_soldiers(login, tree, users, px03) -> None:
    fair = a_fair(px03)
    home = SoldierFactory(unit=tree.pc07, home_ward_code=tree.commune.ward_code)

    login(users[Role.COMMUNE_OFFICER]).post(
        reverse("employers:fair_attendance", args=[fair.pk]), {"soldiers": [str(home.pk)]}
    )

    assert list(fair.soldiers.all()) == [home]
