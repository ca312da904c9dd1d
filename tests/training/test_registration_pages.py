"""The soldier's way through training, page by page: registering him, choosing the course, the
month-18 list sent to the institutions (with its file), enrolment, completion and withdrawal."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import (
    HOME_WARD,
    OTHER_WARD,
    CourseFactory,
    InstitutionFactory,
    SoldierFactory,
    citizen_id_for,
)
from training import services
from training.models import Occupation, Registration, RegistrationList
from units.models import User

Role = User.Role
ROLES = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
BIRTH = dt.date(2005, 3, 10)
XLSX_HEADER = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Đơn vị",
    "Nghề",
    "Khóa đào tạo (trình độ)",
    "Ngày xuất ngũ dự kiến",
)
# The unit officer is of PK02; the commune officer's commune (tests/conftest.py) is OTHER_WARD.
# "own" is a soldier of PK02-D1 from that commune, "other" one of PC07 from elsewhere.
VISIBLE = {
    Role.UNIT_OFFICER: {"own"},
    Role.COMMUNE_OFFICER: {"own"},
    Role.HQ_STAFF: {"own", "other"},
    Role.LEADER: {"own", "other"},
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


@pytest.fixture
def course():
    return CourseFactory(institution=InstitutionFactory(name="Trường Cao đẳng Cơ điện Ninh Bình"))


@pytest.fixture
def soldiers(tree) -> dict[str, Soldier]:
    return {
        "own": SoldierFactory(
            unit=tree.pk02_d1,
            full_name="Trần Văn An",
            citizen_id=citizen_id_for(BIRTH, serial=11),
            home_ward_code=OTHER_WARD,
        ),
        "other": SoldierFactory(
            unit=tree.pc07,
            full_name="Ngô Văn Cường",
            citizen_id=citizen_id_for(BIRTH, serial=12),
            home_ward_code=HOME_WARD,
        ),
    }


def register(user: User, soldier: Soldier, course=None, occupation=None) -> Registration:
    return services.registration_create(
        user=user, soldier=soldier, course=course, occupation=occupation, on=dt.date(2026, 7, 20)
    )


def send(user: User, *registrations: Registration) -> list[RegistrationList]:
    return services.registrations_send(
        user=user, registrations=list(registrations), on=dt.date(2026, 7, 25)
    )


def success(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- who may reach each page --

SOLDIER_PAGES = ["training:registration_create"]
REGISTRATION_PAGES = [
    "training:registration_course",
    "training:registration_enrol",
    "training:registration_complete",
    "training:registration_withdraw",
]


@pytest.fixture
def targets(soldiers, hq, course) -> dict[str, dict[str, int]]:
    """For each soldier, the pk a page of each kind takes."""
    return {
        whose: {"soldier": soldier.pk, "registration": register(hq, soldier, course).pk}
        for whose, soldier in soldiers.items()
    }


def url_for(name: str, targets: dict[str, dict[str, int]], whose: str) -> str:
    kind = "soldier" if name in SOLDIER_PAGES else "registration"
    return reverse(name, args=[targets[whose][kind]])


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("name", SOLDIER_PAGES + REGISTRATION_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_registration_pages_of_its_soldiers_only(
    login, users, targets, role, name, whose
) -> None:
    response = login(users[role]).get(url_for(name, targets, whose))

    if whose not in VISIBLE[role]:
        assert response.status_code == 404
    else:
        assert response.status_code == (403 if role == Role.LEADER else 200)


@pytest.mark.parametrize("name", SOLDIER_PAGES + REGISTRATION_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_registration_pages(
    client, targets, name
) -> None:
    url = url_for(name, targets, "own")

    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_a_leader_posting_a_registration_changes_nothing(login, users, soldiers, course) -> None:
    url = reverse("training:registration_create", args=[soldiers["own"].pk])

    response = login(users[Role.LEADER]).post(url, {"course": course.pk, "on": "01/08/2026"})

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_an_administrator_may_register_any_soldier(client, soldiers) -> None:
    client.force_login(User.objects.create_superuser("quantri", "q@congan.local", "x"))

    response = client.get(reverse("training:registration_create", args=[soldiers["other"].pk]))

    assert response.status_code == 200


# -- registering and choosing the course --


def test_an_officer_registers_his_soldier_for_a_course(login, officer, soldiers, course) -> None:
    soldier = soldiers["own"]

    response = login(officer).post(
        reverse("training:registration_create", args=[soldier.pk]),
        {"course": course.pk, "occupation": "", "on": "20/07/2026"},
    )

    assert response.url == reverse("soldiers:detail", args=[soldier.pk])
    assert success(response) == ["Đã đăng ký học nghề cho Trần Văn An."]
    registration = Registration.objects.get()
    assert (
        registration.soldier,
        registration.course,
        registration.institution,
        registration.occupation.code,
        registration.status,
        registration.wished_on,
        registration.created_by,
    ) == (soldier, course, course.institution, "DCN", "wished", dt.date(2026, 7, 20), officer)


def test_the_form_opens_on_the_course_asked_for_his_wish_and_today(
    login, officer, soldiers, course
) -> None:
    soldier = soldiers["own"]
    services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=dt.date(2026, 5, 1),
        wants_training="yes",
        occupation=Occupation.objects.get(code="HAN"),
    )
    url = reverse("training:registration_create", args=[soldier.pk])

    response = login(officer).get(url, {"course": course.pk})

    form = response.context["form"]
    assert (form["course"].value(), form["occupation"].value(), form["on"].value()) == (
        str(course.pk),
        Occupation.objects.get(code="HAN").pk,
        dt.date(2026, 8, 1),
    )
    html = response.content.decode()
    assert f'<option value="{course.pk}" selected>' in html
    assert 'value="01/08/2026"' in html


def test_only_open_courses_of_this_and_last_years_lists_are_offered(
    login, officer, soldiers
) -> None:
    school = InstitutionFactory(name="Trường Trung cấp nghề Tam Điệp")
    kept = [
        CourseFactory(institution=school, list_year=2026),
        CourseFactory(institution=school, list_year=2025, level="intermediate"),
    ]
    CourseFactory(institution=school, list_year=2024, level="college")
    CourseFactory(institution=school, list_year=2026, level="under_3_months", approved=False)
    CourseFactory(
        institution=InstitutionFactory(name="Trường đã đóng", active=False), list_year=2026
    )

    response = login(officer).get(
        reverse("training:registration_create", args=[soldiers["own"].pk])
    )

    choices = list(response.context["form"].fields["course"].choices)
    assert [label for _, label in choices] == [
        "Chưa xác định",
        "Điện công nghiệp – Trường Trung cấp nghề Tam Điệp (Sơ cấp, 2026)",
        "Điện công nghiệp – Trường Trung cấp nghề Tam Điệp (Trung cấp, 2025)",
    ]
    assert [value.instance for value, _ in choices[1:]] == kept


def test_an_occupation_alone_registers_him_until_the_course_is_known(
    login, officer, soldiers, course
) -> None:
    soldier = soldiers["own"]
    client = login(officer)
    welding = Occupation.objects.get(code="HAN")

    client.post(
        reverse("training:registration_create", args=[soldier.pk]),
        {"course": "", "occupation": welding.pk, "on": "20/07/2026"},
    )
    registration = Registration.objects.get()
    page = client.get(reverse("soldiers:detail", args=[soldier.pk])).content.decode()
    chosen = client.post(
        reverse("training:registration_course", args=[registration.pk]), {"course": course.pk}
    )

    assert (registration.occupation, registration.course) == (welding, None)
    assert "chưa ghi cơ sở đào tạo" in page
    assert f'href="{reverse("training:registration_course", args=[registration.pk])}"' in page
    assert success(chosen) == ["Đã ghi khóa đào tạo của Trần Văn An."]
    registration.refresh_from_db()
    assert (registration.course, registration.institution, registration.occupation.code) == (
        course,
        course.institution,
        "DCN",
    )


def test_a_registration_needs_a_course_or_an_occupation(login, officer, soldiers) -> None:
    response = login(officer).post(
        reverse("training:registration_create", args=[soldiers["own"].pk]),
        {"course": "", "occupation": "", "on": "20/07/2026"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"occupation": ["Hãy chọn khóa đào tạo hoặc nghề."]}
    assert Registration.objects.count() == 0


def test_a_registration_for_an_archived_soldier_is_refused(
    login, officer, soldiers, course
) -> None:
    soldier = soldiers["own"]
    soldier_services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển công tác")

    response = login(officer).post(
        reverse("training:registration_create", args=[soldier.pk]),
        {"course": course.pk, "on": "20/07/2026"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."
    ]
    assert Registration.objects.count() == 0


def test_a_second_registration_in_progress_is_refused(login, officer, soldiers, course) -> None:
    register(officer, soldiers["own"], course)

    response = login(officer).post(
        reverse("training:registration_create", args=[soldiers["own"].pk]),
        {"course": course.pk, "on": "21/07/2026"},
    )

    assert response.context["form"].non_field_errors() == [
        "Chiến sĩ đang có một đăng ký học nghề chưa kết thúc."
    ]
    assert Registration.objects.count() == 1


# -- enrolment, completion, withdrawal --


def test_enrolment_before_the_list_is_sent_is_refused(login, officer, soldiers, course) -> None:
    registration = register(officer, soldiers["own"], course)

    response = login(officer).post(
        reverse("training:registration_enrol", args=[registration.pk]), {"on": "05/08/2026"}
    )

    assert response.context["form"].non_field_errors() == [
        "Chỉ ghi nhận nhập học sau khi đã gửi danh sách cho cơ sở đào tạo."
    ]
    registration.refresh_from_db()
    assert (registration.status, registration.enrolled_on) == ("wished", None)


def test_completion_before_enrolment_is_refused(login, officer, soldiers, course) -> None:
    registration = register(officer, soldiers["own"], course)
    send(officer, registration)

    response = login(officer).post(
        reverse("training:registration_complete", args=[registration.pk]),
        {"on": "05/12/2026", "certificate_number": "SC-001"},
    )

    assert response.context["form"].non_field_errors() == [
        "Chỉ ghi nhận hoàn thành sau khi đã nhập học."
    ]
    registration.refresh_from_db()
    assert (registration.status, registration.completed_on, registration.certificate_number) == (
        "sent",
        None,
        "",
    )


def test_an_enrolment_dated_before_the_sending_is_put_on_the_date(
    login, officer, soldiers, course
) -> None:
    registration = register(officer, soldiers["own"], course)
    send(officer, registration)

    response = login(officer).post(
        reverse("training:registration_enrol", args=[registration.pk]), {"on": "24/07/2026"}
    )

    assert response.context["form"].errors == {"on": ["Ngày nhập học trước ngày gửi danh sách."]}
    assert Registration.objects.get().status == "sent"


def test_the_whole_path_through_the_pages_shows_on_his_file(
    login, officer, soldiers, course
) -> None:
    soldier = soldiers["own"]
    client = login(officer)
    client.post(
        reverse("training:registration_create", args=[soldier.pk]),
        {"course": course.pk, "on": "20/07/2026"},
    )
    registration = Registration.objects.get()
    sent = client.post(
        reverse("training:send"), {"registrations": [registration.pk], "on": "25/07/2026"}
    )
    enrolled = client.post(
        reverse("training:registration_enrol", args=[registration.pk]), {"on": "01/08/2026"}
    )
    completed = client.post(
        reverse("training:registration_complete", args=[registration.pk]),
        {"on": "01/08/2026", "certificate_number": " SC-001 "},
    )

    # The redirects are not followed, so each response carries the messages not yet shown.
    assert [success(r)[-1] for r in (sent, enrolled, completed)] == [
        "Đã gửi danh sách cho 1 cơ sở đào tạo.",
        "Đã ghi nhận Trần Văn An nhập học.",
        "Đã ghi nhận Trần Văn An hoàn thành khóa đào tạo.",
    ]
    registration.refresh_from_db()
    assert (
        registration.status,
        registration.sent_on,
        registration.enrolled_on,
        registration.completed_on,
        registration.certificate_number,
    ) == ("completed", dt.date(2026, 7, 25), dt.date(2026, 8, 1), dt.date(2026, 8, 1), "SC-001")
    page = client.get(reverse("soldiers:detail", args=[soldier.pk])).content.decode()
    row = page[page.index('data-testid="registration-row"') :]
    row = row[: row.index("</tr>")]
    for text in (
        "<td>Điện công nghiệp</td>",
        "Sơ cấp · danh sách năm 2026",
        "<td>Trường Cao đẳng Cơ điện Ninh Bình</td>",
        '<span class="badge text-bg-success">Đã hoàn thành</span>',
        "Đăng ký 20/07/2026",
        "Gửi 25/07/2026",
        "Đang học 01/08/2026",
        "Đã hoàn thành 01/08/2026",
        "<td>SC-001</td>",
    ):
        assert text in row, text
    # A completed registration has nothing left to record.
    assert "btn" not in row


def test_a_withdrawal_needs_its_reason(login, officer, soldiers, course) -> None:
    registration = register(officer, soldiers["own"], course)
    url = reverse("training:registration_withdraw", args=[registration.pk])
    client = login(officer)

    refused = client.post(url, {"on": "01/08/2026", "reason": ""})
    withdrawn = client.post(url, {"on": "01/08/2026", "reason": "Đi xuất khẩu lao động"})

    assert refused.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert success(withdrawn) == ["Đã ghi nhận Trần Văn An thôi học."]
    registration.refresh_from_db()
    assert (registration.status, registration.withdrawn_on, registration.withdrawal_reason) == (
        "withdrawn",
        dt.date(2026, 8, 1),
        "Đi xuất khẩu lao động",
    )


def test_the_action_buttons_show_only_to_who_may_record(
    client, users, make_user, tree, soldiers, course
) -> None:
    registration = register(users[Role.HQ_STAFF], soldiers["own"], course)
    send(users[Role.HQ_STAFF], registration)
    url = reverse("soldiers:detail", args=[soldiers["own"].pk])
    enrol = f'href="{reverse("training:registration_enrol", args=[registration.pk])}"'
    new = f'href="{reverse("training:registration_create", args=[soldiers["own"].pk])}"'
    shown = {}
    for role in ROLES:
        client.force_login(users[role])
        html = client.get(url).content.decode()
        shown[role] = (enrol in html, new in html, "Đăng ký học nghề</a>" in html)

    assert shown == {
        Role.UNIT_OFFICER: (True, True, True),
        Role.COMMUNE_OFFICER: (True, True, True),
        Role.HQ_STAFF: (True, True, True),
        Role.LEADER: (False, False, False),
    }


# -- the month-18 step --


@pytest.fixture
def waiting(tree, hq, course) -> dict[str, Registration]:
    """Registrations waiting to be sent: two to one institution, one to another, one with no
    course yet, one of another unit, and one already sent."""
    other_course = CourseFactory(
        institution=InstitutionFactory(name="Trường Trung cấp nghề Tam Điệp"),
        occupation=Occupation.objects.get(code="HAN"),
    )

    def soldier(name: str, unit, serial: int) -> Soldier:
        citizen_id = citizen_id_for(BIRTH, serial=serial)
        return SoldierFactory(full_name=name, unit=unit, citizen_id=citizen_id)

    made = {
        "an": register(hq, soldier("Trần Văn An", tree.pk02_d1, 21), course),
        "binh": register(hq, soldier("Lê Văn Bình", tree.pk02_d1_t1, 22), other_course),
        "cuong": register(hq, soldier("Đỗ Văn Cường", tree.pk02, 23), course),
        "dung": register(
            hq, soldier("Vũ Văn Dũng", tree.pk02, 24), occupation=Occupation.objects.get(code="MAY")
        ),
        "em": register(hq, soldier("Hoàng Văn Em", tree.pc07, 25), course),
        "giang": register(hq, soldier("Lý Văn Giang", tree.pk02, 26), course),
    }
    send(hq, made["giang"])
    return made


def names(response) -> list[tuple[str, str]]:
    return [
        (r.soldier.full_name, r.course.institution.name if r.course else "")
        for r in response.context["page"].object_list
    ]


def test_the_send_page_lists_the_registrations_waiting_in_his_scope(
    login, officer, waiting
) -> None:
    response = login(officer).get(reverse("training:send"))

    assert names(response) == [
        ("Trần Văn An", "Trường Cao đẳng Cơ điện Ninh Bình"),
        ("Đỗ Văn Cường", "Trường Cao đẳng Cơ điện Ninh Bình"),
        ("Lê Văn Bình", "Trường Trung cấp nghề Tam Điệp"),
        ("Vũ Văn Dũng", ""),
    ]
    html = response.content.decode()
    assert html.count('data-testid="pending-row"') == 3
    greyed = html[html.index('data-testid="no-course-row"') :]
    greyed = greyed[: greyed.index("</tr>")]
    course_url = reverse("training:registration_course", args=[waiting["dung"].pk])
    assert "chưa ghi cơ sở đào tạo" in greyed
    assert f'href="{course_url}">Chọn khóa đào tạo</a>' in greyed
    assert 'type="checkbox" disabled' in greyed


def test_the_send_page_filters_by_unit_and_institution(login, officer, tree, waiting) -> None:
    client = login(officer)
    school = waiting["binh"].course.institution

    by_unit = client.get(reverse("training:send"), {"unit": tree.pk02_d1.pk})
    by_school = client.get(reverse("training:send"), {"institution": school.pk})

    assert names(by_unit) == [
        ("Trần Văn An", "Trường Cao đẳng Cơ điện Ninh Bình"),
        ("Lê Văn Bình", "Trường Trung cấp nghề Tam Điệp"),
    ]
    assert names(by_school) == [("Lê Văn Bình", "Trường Trung cấp nghề Tam Điệp")]


def test_sending_makes_one_list_per_institution(login, officer, waiting) -> None:
    picked = [waiting[key].pk for key in ("an", "binh", "cuong")]

    response = login(officer).post(
        reverse("training:send"), {"registrations": picked, "on": "01/08/2026"}
    )

    assert response.url == reverse("training:sent_lists")
    assert success(response) == ["Đã gửi danh sách cho 2 cơ sở đào tạo."]
    lists = {
        sent.institution.name: sorted(r.soldier.full_name for r in sent.rows.all())
        for sent in RegistrationList.objects.filter(sent_by=officer)
    }
    assert lists == {
        "Trường Cao đẳng Cơ điện Ninh Bình": ["Trần Văn An", "Đỗ Văn Cường"],
        "Trường Trung cấp nghề Tam Điệp": ["Lê Văn Bình"],
    }
    assert set(Registration.objects.filter(pk__in=picked).values_list("status", "sent_on")) == {
        ("sent", dt.date(2026, 8, 1))
    }


def test_each_list_file_names_its_soldiers_with_masked_ids(login, officer, waiting) -> None:
    client = login(officer)
    client.post(
        reverse("training:send"),
        {"registrations": [waiting[key].pk for key in ("an", "binh", "cuong")], "on": "01/08/2026"},
    )
    files = {}
    for sent in RegistrationList.objects.filter(sent_by=officer):
        response = client.get(reverse("training:sent_list_xlsx", args=[sent.pk]))
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        files[sheet.title] = list(sheet.iter_rows(values_only=True))

    # openpyxl reads a date cell back as a naive datetime at midnight (Excel has no zones).
    discharge = dt.datetime.combine(dt.date(2027, 2, 15), dt.time())
    birth = dt.datetime.combine(BIRTH, dt.time())
    assert files == {
        # A sheet is named after the institution, cut at Excel's 31 characters.
        "Trường Cao đẳng Cơ điện Ninh Bì": [
            XLSX_HEADER,
            (
                1,
                "Trần Văn An",
                birth,
                "********0021",
                "PK02-D1",
                "Điện công nghiệp",
                "Sơ cấp",
                discharge,
            ),
            (
                2,
                "Đỗ Văn Cường",
                birth,
                "********0023",
                "PK02",
                "Điện công nghiệp",
                "Sơ cấp",
                discharge,
            ),
        ],
        "Trường Trung cấp nghề Tam Điệp": [
            XLSX_HEADER,
            (1, "Lê Văn Bình", birth, "********0022", "PK02-D1-T1", "Hàn", "Sơ cấp", discharge),
        ],
    }


def test_sending_nothing_or_a_list_already_sent_is_refused(login, officer, waiting) -> None:
    client = login(officer)
    nothing = client.post(reverse("training:send"), {"on": "01/08/2026"})
    waiting_an = waiting["an"]
    services.registrations_send(user=officer, registrations=[waiting_an], on=dt.date(2026, 7, 30))
    again = client.post(
        reverse("training:send"),
        {"registrations": [waiting_an.pk, waiting["cuong"].pk], "on": "01/08/2026"},
    )

    assert nothing.context["form"].errors == {"registrations": ["Hãy chọn ít nhất một chiến sĩ."]}
    assert again.context["form"].non_field_errors() == ["Đăng ký của Trần Văn An đã được gửi."]
    assert again.context["checked"] == {str(waiting_an.pk), str(waiting["cuong"].pk)}
    assert Registration.objects.get(pk=waiting["cuong"].pk).status == "wished"
    assert RegistrationList.objects.filter(sent_by=officer).count() == 1


def test_a_registration_of_another_unit_cannot_be_sent(login, officer, waiting) -> None:
    response = login(officer).post(
        reverse("training:send"), {"registrations": [waiting["em"].pk], "on": "01/08/2026"}
    )

    assert list(response.context["form"].errors) == ["registrations"]
    assert Registration.objects.get(pk=waiting["em"].pk).status == "wished"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.COMMUNE_OFFICER, 200),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 403),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_open_the_send_page(login, users, role, status, method) -> None:
    response = getattr(login(users[role]), method)(reverse("training:send"))

    assert response.status_code == status


@pytest.mark.parametrize("name", ["training:send", "training:sent_lists"])
def test_anonymous_visitors_are_sent_to_sign_in_from_the_lists(client, db, name) -> None:
    response = client.get(reverse(name))

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={reverse(name)}")


def test_the_send_page_costs_the_same_queries_for_5_and_40_registrations(
    login, officer, tree, hq, course, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(officer)
    url = reverse("training:send")

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            soldier = SoldierFactory(full_name=f"Chiến sĩ {number:02d}", unit=tree.pk02_d1)
            # One in five has no course yet, so both kinds of row are drawn.
            register(hq, soldier, *((course,) if number % 5 else (None, course.occupation)))

    add(5, 0)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    add(35, 5)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.context["page"].paginator.count == 40


# -- the lists already sent --


@pytest.fixture
def sent_lists(tree, users, hq, course) -> dict[str, RegistrationList]:
    """A list the unit officer sent, one PX01 sent for PK02's soldiers, one for PC07's."""
    officer = users[Role.UNIT_OFFICER]
    mine = register(officer, SoldierFactory(full_name="Trần Văn An", unit=tree.pk02), course)
    [by_officer] = send(officer, mine)
    pk02 = register(hq, SoldierFactory(full_name="Lê Văn Bình", unit=tree.pk02_d1), course)
    [by_hq_for_pk02] = send(hq, pk02)
    pc07 = register(hq, SoldierFactory(full_name="Ngô Văn Cường", unit=tree.pc07), course)
    [by_hq_for_pc07] = send(hq, pc07)
    return {"officer": by_officer, "hq_pk02": by_hq_for_pk02, "hq_pc07": by_hq_for_pc07}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.UNIT_OFFICER, {"officer", "hq_pk02"}),
        (Role.COMMUNE_OFFICER, set()),
        (Role.HQ_STAFF, {"officer", "hq_pk02", "hq_pc07"}),
        (Role.LEADER, {"officer", "hq_pk02", "hq_pc07"}),
    ],
)
def test_each_role_sees_the_lists_it_sent_or_whose_soldiers_are_its_own(
    login, users, sent_lists, role, expected
) -> None:
    client = login(users[role])

    listed = client.get(reverse("training:sent_lists")).context["page"].object_list
    files = {
        key: client.get(reverse("training:sent_list_xlsx", args=[sent.pk])).status_code
        for key, sent in sent_lists.items()
    }

    assert {key for key, sent in sent_lists.items() if sent in listed} == expected
    assert files == {key: 200 if key in expected else 404 for key in sent_lists}


def test_the_sent_lists_page_shows_date_institution_count_and_sender(
    login, users, sent_lists
) -> None:
    response = login(users[Role.UNIT_OFFICER]).get(reverse("training:sent_lists"))

    rows = [
        (f"{sent.sent_on:%d/%m/%Y}", sent.institution.name, sent.count, sent.sent_by)
        for sent in response.context["page"].object_list
    ]
    assert rows == [
        ("25/07/2026", "Trường Cao đẳng Cơ điện Ninh Bình", 1, users[Role.HQ_STAFF]),
        ("25/07/2026", "Trường Cao đẳng Cơ điện Ninh Bình", 1, users[Role.UNIT_OFFICER]),
    ]
    html = response.content.decode()
    assert f'href="{reverse("training:sent_list_xlsx", args=[sent_lists["officer"].pk])}"' in html


def test_the_month_18_pages_are_reached_from_the_training_menu(login, officer) -> None:
    # The browser journey found the send page linked from nowhere but the sent lists, and those
    # from nowhere at all: the training tabs now lead to them.
    client = login(officer)

    courses = client.get(reverse("training:courses")).content.decode()
    sent = client.get(reverse("training:sent_lists")).content.decode()

    assert f'href="{reverse("training:sent_lists")}">Danh sách đăng ký đã gửi</a>' in courses
    assert f'href="{reverse("training:send")}">Gửi danh sách đăng ký học nghề</a>' in sent


def test_a_commune_officer_sees_a_list_of_his_communes_soldiers(
    login, users, tree, hq, course
) -> None:
    soldier = SoldierFactory(unit=tree.pc07, home_ward_code=OTHER_WARD)
    [sent] = send(hq, register(hq, soldier, course))

    response = login(users[Role.COMMUNE_OFFICER]).get(
        reverse("training:sent_list_xlsx", args=[sent.pk])
    )

    assert response.status_code == 200


def test_an_unknown_list_is_not_found(login, hq) -> None:
    assert login(hq).get(reverse("training:sent_list_xlsx", args=[999])).status_code == 404
