"""PA04's list: employers and job openings, the soldiers who fit an opening and the one-click
referral, the xlsx list and the gap between wishes, seats and openings.

PA04 and PX01 keep the list; every signed-in role reads it. Referring a soldier is for those who
record his outcomes (his unit's officers, his commune's officers, headquarters), and a soldier
outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from employers import services
from employers.models import Employer, JobOpening, Referral
from soldiers.models import Soldier
from tests.factories import (
    HOME_PROVINCE,
    OTHER_WARD,
    CourseFactory,
    EmployerFactory,
    JobOpeningFactory,
    SoldierFactory,
    UnitFactory,
)
from training import services as training_services
from training.models import Occupation
from units.models import Unit, User

NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = dt.date(2026, 8, 1)
HA_NOI = 1
# Enlisted on 01/09/2024: discharged on 01/09/2026, within the 90 days that soldiers_for looks at.
DISCHARGING_SOON = dt.date(2024, 9, 1)
Role = User.Role
PEOPLE = ["PA04", "PX01", "PA03", "other hq", "unit officer", "commune officer", "leader"]
KEEPERS = {"PA04", "PX01"}
ALREADY_REFERRED = "Chiến sĩ đã được giới thiệu vào vị trí này."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(tree, users, make_user) -> dict[str, User]:
    def department(code: str) -> User:
        unit = UnitFactory(code=code, parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
        return make_user(Role.HQ_STAFF, unit)

    return {
        "PA04": department("PA04"),
        "PX01": department("PX01"),
        "PA03": department("PA03"),
        "other hq": users[Role.HQ_STAFF],
        "unit officer": users[Role.UNIT_OFFICER],
        "commune officer": users[Role.COMMUNE_OFFICER],
        "leader": users[Role.LEADER],
    }


@pytest.fixture
def pa04(people) -> User:
    return people["PA04"]


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def employer_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "Công ty CP Cơ khí Ninh Bình",
        "tax_code": "2700 123 456",
        "address": "Khu công nghiệp Gián Khẩu",
        "province_code": str(HOME_PROVINCE),
        "sector": "Cơ khí chế tạo",
        "ownership": "domestic",
        "contact_name": "Trần Thị Hoa",
        "phone": "02293888999",
        "email": "tuyendung@cokhinb.vn",
        "active": "on",
    } | overrides


def opening_data(employer: Employer, **overrides: str) -> dict[str, str]:
    """The opening form, salaries typed the Vietnamese way."""
    return {
        "employer": str(employer.pk),
        "title": "Thợ hàn",
        "occupation": str(occupation("HAN").pk),
        "headcount": "5",
        "salary_min_vnd": "7.000.000",
        "salary_max_vnd": "9.000.000",
        "social_insurance": "on",
        "province_code": str(HOME_PROVINCE),
        "country": "",
        "open_until": "30/09/2026",
        "list_year": "2026",
        "approved": "on",
        "active": "on",
    } | overrides


def wishing(soldier: Soldier, code: str, *, author: User) -> Soldier:
    training_services.career_wish_record(
        user=author,
        soldier=soldier,
        surveyed_on=dt.date(2026, 6, 1),
        wants_training="yes",
        occupation=occupation(code),
    )
    return soldier


def trained(soldier: Soldier, code: str, *, author: User) -> Soldier:
    """A soldier who completed a course of the occupation."""
    course = CourseFactory(occupation=occupation(code))
    registration = training_services.registration_create(
        user=author, soldier=soldier, course=course, on=dt.date(2026, 1, 5)
    )
    training_services.registrations_send(
        user=author, registrations=[registration], on=dt.date(2026, 1, 10)
    )
    training_services.registration_enrol(
        user=author, registration=registration, on=dt.date(2026, 2, 1)
    )
    training_services.registration_complete(
        user=author, registration=registration, on=dt.date(2026, 5, 1)
    )
    return soldier


def hire(opening: JobOpening, *, author: User, unit: Unit) -> None:
    """A soldier referred to the opening and hired through it (one place filled)."""
    soldier = SoldierFactory(unit=unit, enlistment_date=DISCHARGING_SOON)
    services.referral_create(user=author, soldier=soldier, opening=opening, on=TODAY)
    services.placement_record(
        user=author, soldier=soldier, kind="enterprise", opening=opening, started_on=TODAY
    )


# -- who may reach each page --

READ_PAGES = [
    "employers:employers",
    "employers:employer_detail",
    "employers:openings",
    "employers:opening_detail",
    "employers:openings_export",
    "employers:gaps",
]
WRITE_PAGES = [
    "employers:employer_create",
    "employers:employer_edit",
    "employers:opening_create",
    "employers:opening_edit",
]


def url_of(name: str, opening: JobOpening) -> str:
    if name in ("employers:employer_detail", "employers:employer_edit"):
        return reverse(name, args=[opening.employer_id])
    if name in ("employers:opening_detail", "employers:opening_edit"):
        return reverse(name, args=[opening.pk])
    return reverse(name)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_signed_in_role_reads_the_list(login, people, person, page) -> None:
    opening = JobOpeningFactory()

    response = login(people[person]).get(url_of(page, opening))

    assert response.status_code == 200


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_only_pa04_and_px01_open_the_forms(login, people, person, page) -> None:
    opening = JobOpeningFactory()

    response = login(people[person]).get(url_of(page, opening))

    assert response.status_code == (200 if person in KEEPERS else 403)


@pytest.mark.parametrize("person", sorted(set(PEOPLE) - KEEPERS))
def test_a_post_from_anyone_else_is_refused_and_saves_nothing(login, people, person) -> None:
    opening = JobOpeningFactory(headcount=5)
    client = login(people[person])

    employer = client.post(reverse("employers:employer_create"), employer_data())
    edited = client.post(
        reverse("employers:opening_edit", args=[opening.pk]),
        opening_data(opening.employer, headcount="50"),
    )

    assert (employer.status_code, edited.status_code) == (403, 403)
    assert Employer.objects.count() == 1
    opening.refresh_from_db()
    assert opening.headcount == 5


@pytest.mark.parametrize("page", [*READ_PAGES, *WRITE_PAGES, "employers:refer"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, tree, page) -> None:
    opening = JobOpeningFactory()
    if page == "employers:refer":
        url = reverse(page, args=[opening.pk, SoldierFactory(unit=tree.pk02).pk])
        response = client.post(url)
    else:
        url = url_of(page, opening)
        response = client.get(url)

    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={url}")
    assert Referral.objects.count() == 0


# -- employers --


@pytest.mark.parametrize("typed", ["2700 123 456", "2700.123.456-001"])
def test_pa04_adds_an_employer_with_a_10_or_13_digit_tax_code(login, pa04, typed) -> None:
    response = login(pa04).post(reverse("employers:employer_create"), employer_data(tax_code=typed))

    employer = Employer.objects.get()
    assert response.url == reverse("employers:employer_detail", args=[employer.pk])
    assert messages_of(response) == ["Đã lưu doanh nghiệp Công ty CP Cơ khí Ninh Bình."]
    assert (employer.tax_code, employer.province_code, employer.sector) == (
        typed.replace(" ", "").replace(".", "").replace("-", ""),
        HOME_PROVINCE,
        "Cơ khí chế tạo",
    )


@pytest.mark.parametrize("typed", ["12345", "27001234567", "2700123456001x"])
def test_a_bad_tax_code_is_refused_with_the_services_message(login, pa04, typed) -> None:
    response = login(pa04).post(reverse("employers:employer_create"), employer_data(tax_code=typed))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tax_code": ["Mã số thuế phải gồm 10 hoặc 13 chữ số."]
    }
    assert "Mã số thuế phải gồm 10 hoặc 13 chữ số." in response.content.decode()
    assert Employer.objects.count() == 0


def test_px01_edits_an_employer(login, people) -> None:
    employer = EmployerFactory(name="Công ty TNHH May Hoa Lư", tax_code="2700999888")
    url = reverse("employers:employer_edit", args=[employer.pk])
    data = employer_data(
        name="Công ty TNHH May Hoa Lư",
        tax_code="2700999888",
        ownership="foreign_invested",
        police_enterprise="on",
    )
    client = login(people["PX01"])

    opened = client.get(url)
    response = client.post(url, data)

    employer.refresh_from_db()
    assert opened.context["form"]["tax_code"].value() == "2700999888"
    assert messages_of(response) == ["Đã lưu doanh nghiệp Công ty TNHH May Hoa Lư."]
    assert (employer.ownership, employer.police_enterprise) == ("foreign_invested", True)


def test_the_employers_page_filters_and_counts_openings_and_placements(login, tree, users) -> None:
    mechanics = EmployerFactory(name="Công ty CP Cơ khí", tax_code="2700111222")
    garments = EmployerFactory(
        name="Công ty TNHH May", ownership="foreign_invested", police_enterprise=True
    )
    EmployerFactory(name="Công ty Hà Nội", province_code=HA_NOI)
    opening = JobOpeningFactory(employer=mechanics, headcount=3)
    JobOpeningFactory(employer=mechanics, title="Thợ tiện")
    for _ in range(2):
        hire(opening, author=users[Role.UNIT_OFFICER], unit=tree.pk02)
    JobOpeningFactory(employer=garments)
    client = login(users[Role.COMMUNE_OFFICER])

    def listed(**params: str) -> list[tuple[str, int, int]]:
        response = client.get(reverse("employers:employers"), params)
        return [(e.name, e.opening_count, e.placement_count) for e in response.context["page"]]

    assert listed() == [
        ("Công ty CP Cơ khí", 2, 2),
        ("Công ty Hà Nội", 0, 0),
        ("Công ty TNHH May", 1, 0),
    ]
    assert listed(q="may") == [("Công ty TNHH May", 1, 0)]
    assert listed(q="2700 111") == [("Công ty CP Cơ khí", 2, 2)]
    assert listed(ownership="foreign_invested") == [("Công ty TNHH May", 1, 0)]
    assert listed(police="yes") == [("Công ty TNHH May", 1, 0)]
    assert listed(province=str(HA_NOI)) == [("Công ty Hà Nội", 0, 0)]


def test_the_employer_page_lists_its_openings_and_the_soldiers_placed(login, tree, users) -> None:
    employer = EmployerFactory(name="Công ty CP Cơ khí")
    welders = JobOpeningFactory(
        employer=employer, title="Thợ hàn", occupation=occupation("HAN"), headcount=3
    )
    JobOpeningFactory(employer=employer, title="Thợ tiện", list_year=2025, salary_min_vnd=None)
    hire(welders, author=users[Role.UNIT_OFFICER], unit=tree.pk02)

    response = login(users[Role.LEADER]).get(
        reverse("employers:employer_detail", args=[employer.pk])
    )

    assert response.context["employer"].placement_count == 1
    assert [
        (row.opening.title, row.opening.places_left, row.opening.placement_count, row.place)
        for row in response.context["rows"]
    ] == [("Thợ hàn", 2, 1, "Tỉnh Ninh Bình"), ("Thợ tiện", 5, 0, "Tỉnh Ninh Bình")]
    content = response.content.decode()
    assert "7.000.000 – 9.000.000 đ" in content
    assert "đến 9.000.000 đ" in content


# -- openings --


def test_pa04_adds_an_opening_with_salaries_typed_the_vietnamese_way(login, pa04) -> None:
    employer = EmployerFactory(name="Công ty CP Cơ khí")

    response = login(pa04).post(reverse("employers:opening_create"), opening_data(employer))

    opening = JobOpening.objects.get()
    assert response.url == reverse("employers:opening_detail", args=[opening.pk])
    assert messages_of(response) == ["Đã lưu nhu cầu tuyển dụng Thợ hàn – Công ty CP Cơ khí."]
    assert (
        opening.salary_min_vnd,
        opening.salary_max_vnd,
        opening.open_until,
        opening.occupation.code,
        opening.list_year,
    ) == (7_000_000, 9_000_000, dt.date(2026, 9, 30), "HAN", 2026)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"salary_min_vnd": "9.000.000", "salary_max_vnd": "7.000.000"},
            {"__all__": ["Mức lương cao nhất không được thấp hơn mức thấp nhất."]},
        ),
        ({"headcount": "0"}, {"headcount": ["Số lượng cần tuyển phải ít nhất là 1."]}),
        ({"salary_min_vnd": "-1"}, {"salary_min_vnd": ["Mức lương không được âm."]}),
        ({"open_until": "31/02/2026"}, {"open_until": ["Nhập một ngày hợp lệ."]}),
    ],
)
def test_bad_opening_input_is_refused_with_its_message_and_nothing_saved(
    login, pa04, overrides, errors
) -> None:
    data = opening_data(EmployerFactory(), **overrides)

    response = login(pa04).post(reverse("employers:opening_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert JobOpening.objects.count() == 0


def test_the_openings_page_shows_those_still_recruiting_unless_asked(login, tree, users) -> None:
    officer = users[Role.UNIT_OFFICER]
    employer = EmployerFactory(name="Công ty CP Cơ khí")
    JobOpeningFactory(employer=employer, title="Thợ hàn", open_until=dt.date(2026, 9, 30))
    JobOpeningFactory(employer=employer, title="Thợ phay", open_until=dt.date(2026, 7, 31))
    full = JobOpeningFactory(employer=employer, title="Thợ tiện", headcount=1)
    hire(full, author=officer, unit=tree.pk02)
    client = login(officer)

    def listed(**params: str) -> list[tuple[str, int]]:
        response = client.get(reverse("employers:openings"), params)
        return [(row.opening.title, row.opening.places_left) for row in response.context["rows"]]

    assert listed() == [("Thợ hàn", 5)]
    assert listed(status="all") == [("Thợ phay", 5), ("Thợ hàn", 5), ("Thợ tiện", 0)]


def test_the_openings_page_filters(login, users) -> None:
    employer = EmployerFactory(name="Công ty CP Cơ khí")
    JobOpeningFactory(employer=employer, title="Thợ hàn", occupation=occupation("HAN"))
    JobOpeningFactory(
        employer=employer, title="Thợ điện Hà Nội", province_code=HA_NOI, list_year=2025
    )
    JobOpeningFactory(
        employer=employer,
        title="Thực tập sinh kỹ năng",
        province_code=None,
        country="Nhật Bản",
        salary_min_vnd=30_000_000,
        salary_max_vnd=None,
        social_insurance=False,
    )
    client = login(users[Role.LEADER])

    def listed(**params: str) -> list[tuple[str, str]]:
        response = client.get(reverse("employers:openings"), params)
        return [(row.opening.title, row.place) for row in response.context["rows"]]

    assert listed(occupation=str(occupation("HAN").pk)) == [("Thợ hàn", "Tỉnh Ninh Bình")]
    assert listed(province=str(HA_NOI)) == [("Thợ điện Hà Nội", "Thành phố Hà Nội")]
    assert listed(place="abroad") == [("Thực tập sinh kỹ năng", "Nhật Bản")]
    assert listed(place="home", year="2026") == [("Thợ hàn", "Tỉnh Ninh Bình")]
    content = client.get(reverse("employers:openings"), {"place": "abroad"}).content.decode()
    assert "từ 30.000.000 đ" in content


def test_only_the_keepers_see_openings_not_approved_or_taken_off(login, people) -> None:
    JobOpeningFactory(title="A")
    JobOpeningFactory(title="B", approved=False)
    JobOpeningFactory(title="C", active=False)

    def titles(person: str) -> list[str]:
        response = login(people[person]).get(reverse("employers:openings"), {"status": "all"})
        return sorted(row.opening.title for row in response.context["rows"])

    assert titles("leader") == ["A"]
    assert titles("PA03") == ["A"]
    assert titles("PA04") == ["A", "B", "C"]


# -- the soldiers who fit an opening, and the referral --


@pytest.fixture
def opening() -> JobOpening:
    return JobOpeningFactory(
        employer=EmployerFactory(name="Công ty CP Cơ khí"),
        title="Thợ hàn",
        occupation=occupation("HAN"),
    )


@pytest.fixture
def candidates(tree, people) -> dict[str, Soldier]:
    """Soldiers for the welding opening: two of PK02 (one in a sub-unit, trained), one of PC07,
    and two who do not fit (another trade; discharging in 2027)."""
    author = people["other hq"]

    def soldier(unit: Unit, name: str, **kwargs: object) -> Soldier:
        kwargs.setdefault("enlistment_date", DISCHARGING_SOON)
        return SoldierFactory(unit=unit, full_name=name, **kwargs)

    return {
        "an": wishing(soldier(tree.pk02, "Lê Văn An"), "HAN", author=author),
        "binh": trained(soldier(tree.pk02_d1_t1, "Trần Văn Bình"), "HAN", author=author),
        "cuong": wishing(soldier(tree.pc07, "Ngô Văn Cường"), "HAN", author=author),
        "dung": wishing(soldier(tree.pk02, "Đỗ Văn Dũng"), "DCN", author=author),
        "em": wishing(
            soldier(tree.pk02, "Vũ Văn Em", enlistment_date=dt.date(2025, 2, 15)),
            "HAN",
            author=author,
        ),
    }


def fitting(client, opening: JobOpening) -> list[tuple[str, bool, bool, bool]]:
    response = client.get(reverse("employers:opening_detail", args=[opening.pk]))
    return [
        (row.soldier.full_name, row.soldier.trained, row.soldier.wishing, row.can_refer)
        for row in response.context["matches"]
    ]


def test_each_user_sees_the_fitting_soldiers_of_his_scope_trained_first(
    login, people, opening, candidates
) -> None:
    assert fitting(login(people["unit officer"]), opening) == [
        ("Trần Văn Bình", True, False, True),
        ("Lê Văn An", False, True, True),
    ]
    assert fitting(login(people["PA04"]), opening) == [
        ("Trần Văn Bình", True, False, True),
        ("Lê Văn An", False, True, True),
        ("Ngô Văn Cường", False, True, True),
    ]
    # Leaders see them all and refer nobody.
    assert fitting(login(people["leader"]), opening) == [
        ("Trần Văn Bình", True, False, False),
        ("Lê Văn An", False, True, False),
        ("Ngô Văn Cường", False, True, False),
    ]


def test_the_page_links_each_soldier_and_masks_his_citizen_id(
    login, people, opening, candidates
) -> None:
    an = candidates["an"]

    content = (
        login(people["unit officer"])
        .get(reverse("employers:opening_detail", args=[opening.pk]))
        .content.decode()
    )

    assert f'<a href="{reverse("soldiers:detail", args=[an.pk])}">Lê Văn An</a>' in content
    assert an.masked_citizen_id in content
    assert an.citizen_id not in content
    assert "01/09/2026" in content
    assert reverse("employers:refer", args=[opening.pk, an.pk]) in content


def test_the_leaders_page_has_no_refer_button(login, people, opening, candidates) -> None:
    content = (
        login(people["leader"])
        .get(reverse("employers:opening_detail", args=[opening.pk]))
        .content.decode()
    )

    assert reverse("employers:refer", args=[opening.pk, candidates["an"].pk]) not in content
    assert "Giới thiệu</button>" not in content


def test_an_officer_refers_a_soldier_once_with_one_click(
    login, people, opening, candidates
) -> None:
    officer = people["unit officer"]
    an = candidates["an"]
    client = login(officer)
    url = reverse("employers:refer", args=[opening.pk, an.pk])

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    detail = reverse("employers:opening_detail", args=[opening.pk])
    assert (first.redirect_chain, second.redirect_chain) == ([(detail, 302)], [(detail, 302)])
    assert [str(m) for m in first.context["messages"]] == [
        "Đã giới thiệu Lê Văn An vào vị trí Thợ hàn – Công ty CP Cơ khí."
    ]
    assert [str(m) for m in second.context["messages"]] == [ALREADY_REFERRED]
    assert list(
        Referral.objects.values_list("soldier", "opening", "referred_by", "referred_on")
    ) == [(an.pk, opening.pk, officer.pk, TODAY)]
    page = client.get(detail)
    assert [r.soldier.full_name for r in page.context["referrals"]] == ["Lê Văn An"]
    assert [row.soldier.full_name for row in page.context["matches"]] == ["Trần Văn Bình"]


def test_an_officer_cannot_refer_another_units_soldier(login, people, opening, candidates) -> None:
    url = reverse("employers:refer", args=[opening.pk, candidates["cuong"].pk])

    response = login(people["unit officer"]).post(url)

    assert response.status_code == 404
    assert Referral.objects.count() == 0


def test_a_leader_may_not_refer(login, people, opening, candidates) -> None:
    url = reverse("employers:refer", args=[opening.pk, candidates["an"].pk])

    response = login(people["leader"]).post(url)

    assert response.status_code == 403
    assert Referral.objects.count() == 0


def test_a_commune_officer_refers_a_soldier_of_his_commune(login, tree, people, opening) -> None:
    home = SoldierFactory(
        unit=tree.pc07,
        full_name="Hoàng Văn Phúc",
        home_ward_code=OTHER_WARD,  # the commune of the `tree` commune police
        enlistment_date=DISCHARGING_SOON,
    )
    elsewhere = SoldierFactory(unit=tree.pc07, enlistment_date=DISCHARGING_SOON)
    client = login(people["commune officer"])

    referred = client.post(reverse("employers:refer", args=[opening.pk, home.pk]))
    refused = client.post(reverse("employers:refer", args=[opening.pk, elsewhere.pk]))

    assert (referred.status_code, refused.status_code) == (302, 404)
    assert list(Referral.objects.values_list("soldier", flat=True)) == [home.pk]


def test_referring_needs_a_post(login, people, opening, candidates) -> None:
    url = reverse("employers:refer", args=[opening.pk, candidates["an"].pk])

    response = login(people["unit officer"]).get(url)

    assert response.status_code == 405
    assert Referral.objects.count() == 0


def test_a_closed_opening_refuses_the_referral_with_a_message(login, people, candidates) -> None:
    closed = JobOpeningFactory(occupation=occupation("HAN"), open_until=dt.date(2026, 7, 31))
    url = reverse("employers:refer", args=[closed.pk, candidates["an"].pk])

    response = login(people["unit officer"]).post(url)

    assert messages_of(response) == ["Nhu cầu tuyển dụng này đã hết hạn hoặc ngừng tuyển."]
    assert Referral.objects.count() == 0


def test_a_closed_opening_lists_the_fitting_soldiers_without_a_refer_button(
    login, people, candidates
) -> None:
    closed = JobOpeningFactory(occupation=occupation("HAN"), open_until=dt.date(2026, 7, 31))

    response = login(people["unit officer"]).get(
        reverse("employers:opening_detail", args=[closed.pk])
    )

    assert fitting(login(people["unit officer"]), closed) == [
        ("Trần Văn Bình", True, False, False),
        ("Lê Văn An", False, True, False),
    ]
    assert 'data-testid="closed">Đã hết hạn tuyển</span>' in response.content.decode()


def test_each_user_sees_the_referrals_of_his_own_soldiers(
    login, tree, people, make_user, opening, candidates
) -> None:
    services.referral_create(
        user=people["PX01"], soldier=candidates["an"], opening=opening, on=TODAY
    )
    services.referral_create(
        user=people["PX01"], soldier=candidates["cuong"], opening=opening, on=TODAY
    )
    pc07_officer = make_user(Role.UNIT_OFFICER, tree.pc07)

    def referred(user: User) -> list[str]:
        response = login(user).get(reverse("employers:opening_detail", args=[opening.pk]))
        return sorted(r.soldier.full_name for r in response.context["referrals"])

    assert referred(people["unit officer"]) == ["Lê Văn An"]
    assert referred(pc07_officer) == ["Ngô Văn Cường"]
    assert referred(people["leader"]) == ["Lê Văn An", "Ngô Văn Cường"]


# -- the PA04 list as a file --


def test_the_pa04_list_downloads_as_a_spreadsheet(login, users) -> None:
    mechanics = EmployerFactory(name="Công ty CP Cơ khí", tax_code="2700111222")
    foreign = EmployerFactory(
        name="Công ty TNHH Điện tử Hàn Việt", tax_code="2700333444001", ownership="foreign_invested"
    )
    JobOpeningFactory(employer=mechanics, title="Thợ hàn", occupation=occupation("HAN"))
    JobOpeningFactory(
        employer=foreign,
        title="Thực tập sinh kỹ năng",
        occupation=None,
        headcount=20,
        salary_min_vnd=30_000_000,
        salary_max_vnd=None,
        social_insurance=False,
        province_code=None,
        country="Hàn Quốc",
        open_until=dt.date(2026, 12, 31),
    )
    JobOpeningFactory(employer=mechanics, title="Năm trước", list_year=2025)
    JobOpeningFactory(employer=mechanics, title="Chưa duyệt", approved=False)

    response = login(users[Role.UNIT_OFFICER]).get(
        reverse("employers:openings_export"), {"year": "2026"}
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="nhu-cau-tuyen-dung-2026.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Nhu cầu tuyển dụng 2026"
    # openpyxl reads a date cell back as a datetime at midnight.
    assert [
        [value.date() if isinstance(value, dt.datetime) else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ] == [
        [
            "STT",
            "Doanh nghiệp",
            "Mã số thuế",
            "Loại hình",
            "Vị trí",
            "Nghề",
            "Số lượng",
            "Lương từ",
            "Lương đến",
            "BHXH",
            "Nơi làm việc",
            "Hạn tuyển",
        ],
        [
            1,
            "Công ty CP Cơ khí",
            "2700111222",
            "Trong nước",
            "Thợ hàn",
            "Hàn",
            5,
            7_000_000,
            9_000_000,
            "Có",
            "Tỉnh Ninh Bình",
            dt.date(2027, 6, 30),
        ],
        [
            2,
            "Công ty TNHH Điện tử Hàn Việt",
            "2700333444001",
            "Có vốn đầu tư nước ngoài",
            "Thực tập sinh kỹ năng",
            None,
            20,
            30_000_000,
            None,
            "Không",
            "Hàn Quốc",
            dt.date(2026, 12, 31),
        ],
    ]
    assert sheet["L2"].number_format == "DD/MM/YYYY"


# -- the gap between wishes, seats and openings --


def test_the_gaps_page_sets_wishes_against_seats_and_openings(login, tree, people) -> None:
    author = people["other hq"]
    in_2026 = dt.date(2024, 11, 1)  # enlisted: discharged in 2026
    for name in ("Lê Văn An", "Trần Văn Bình", "Ngô Văn Cường"):
        soldier = SoldierFactory(unit=tree.pk02, full_name=name, enlistment_date=in_2026)
        wishing(soldier, "HAN", author=author)
    soldier = SoldierFactory(unit=tree.pc07, full_name="Đỗ Văn Dũng", enlistment_date=in_2026)
    wishing(soldier, "MAY", author=author)
    # Discharged in 2027: counted against next year's seats, not these.
    wishing(SoldierFactory(unit=tree.pk02, full_name="Hồ Văn Khang"), "HAN", author=author)
    CourseFactory(occupation=occupation("HAN"), seats=1)
    CourseFactory(occupation=occupation("MAY"), seats=30)
    CourseFactory(occupation=occupation("HAN"), seats=50, list_year=2025)
    JobOpeningFactory(occupation=occupation("HAN"), headcount=5)
    JobOpeningFactory(occupation=occupation("MAY"), headcount=9, open_until=dt.date(2026, 7, 1))

    response = login(people["commune officer"]).get(reverse("employers:gaps"))

    assert response.context["year"] == 2026
    assert [
        (g.occupation.name, g.wishing, g.seats, g.openings, g.seat_gap)
        for g in response.context["gaps"]
    ] == [("Hàn", 3, 1, 5, 2), ("May công nghiệp", 1, 30, 0, -29)]
    content = response.content.decode()
    assert content.count('class="table-warning"') == 1
    assert '<td class="num fw-bold text-danger" data-testid="seat-gap">2</td>' in content
    last_year = login(people["leader"]).get(reverse("employers:gaps"), {"year": "2025"})
    assert [(g.occupation.name, g.wishing, g.seats) for g in last_year.context["gaps"]] == [
        ("Hàn", 0, 50),
    ]


def test_the_courses_and_openings_pages_link_to_the_gaps_page(login, users) -> None:
    client = login(users[Role.UNIT_OFFICER])
    gaps = reverse("employers:gaps")

    courses = client.get(reverse("training:courses")).content.decode()
    openings = client.get(reverse("employers:openings")).content.decode()

    assert f'href="{gaps}?year=2026"' in courses
    assert f'href="{gaps}"' in openings


# -- a fixed number of queries whatever the length of the list --


def assert_flat(client, url: str, add, rows: str, sizes: tuple[int, int], max_queries, queries):
    """The page costs as many queries with `sizes[1]` rows as with `sizes[0]`."""
    add(sizes[0])
    client.get(url)  # warm the session and the caches
    with max_queries(15) as few:
        first = client.get(url)
    add(sizes[1] - sizes[0])

    with queries(len(few.captured_queries)):
        response = client.get(url)

    assert (len(list(first.context[rows])), len(list(response.context[rows]))) == sizes


def test_the_employers_list_costs_the_same_queries_for_5_and_40_rows(
    login, users, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    def add(count: int) -> None:
        for employer in EmployerFactory.create_batch(count):
            JobOpeningFactory(employer=employer)

    client = login(users[Role.UNIT_OFFICER])
    url = reverse("employers:employers")
    assert_flat(
        client, url, add, "page", (5, 40), django_assert_max_num_queries, django_assert_num_queries
    )


def test_the_openings_list_costs_the_same_queries_for_5_and_40_rows(
    login, users, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(users[Role.UNIT_OFFICER])
    url = reverse("employers:openings")
    assert_flat(
        client,
        url,
        JobOpeningFactory.create_batch,
        "rows",
        (5, 40),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )


def test_the_employer_page_costs_the_same_queries_for_5_and_40_openings(
    login, users, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    employer = EmployerFactory()

    def add(count: int) -> None:
        JobOpeningFactory.create_batch(count, employer=employer)

    client = login(users[Role.UNIT_OFFICER])
    url = reverse("employers:employer_detail", args=[employer.pk])
    assert_flat(
        client, url, add, "rows", (5, 40), django_assert_max_num_queries, django_assert_num_queries
    )


def test_the_opening_page_costs_the_same_queries_for_5_and_40_fitting_soldiers(
    login, tree, people, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    opening = JobOpeningFactory()  # Điện công nghiệp

    def add(count: int) -> None:
        soldiers = SoldierFactory.create_batch(
            count, unit=tree.pk02, enlistment_date=DISCHARGING_SOON
        )
        for soldier in soldiers:
            wishing(soldier, "DCN", author=people["other hq"])

    client = login(people["unit officer"])
    url = reverse("employers:opening_detail", args=[opening.pk])
    assert_flat(
        client,
        url,
        add,
        "matches",
        (5, 40),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )


def test_the_gaps_page_costs_the_same_queries_for_5_and_20_occupations(
    login, tree, people, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    trades = iter(Occupation.objects.order_by("code"))

    def add(count: int) -> None:
        for _ in range(count):
            trade = next(trades)
            soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 11, 1))
            wishing(soldier, trade.code, author=people["other hq"])
            CourseFactory(occupation=trade)

    client = login(people["leader"])
    url = reverse("employers:gaps")
    assert_flat(
        client, url, add, "gaps", (5, 20), django_assert_max_num_queries, django_assert_num_queries
    )
