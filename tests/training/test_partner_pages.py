"""The pages of an institution's staff: the registrations sent to his institution and what he
records on them, his institution's courses and proposals; and, on PA03's side, the partner
accounts of an institution and the approval of proposed courses.

Scope: a partner reaches his own institution's rows only (another institution's by URL is a
404); the police's accounts get a 403 on every partner page; the anonymous go to sign in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from tests.factories import CourseFactory, EmployerFactory, InstitutionFactory, SoldierFactory
from tests.partners import department, employer_staff, institution_staff, sent_to
from training import selectors, services
from training.models import Course, InstitutionStaff, Occupation, Registration
from units.models import Invitation, Notification, User

Role = User.Role
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
POLICE = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER, "superuser"]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pa03(tree, make_user) -> User:
    return department(make_user, tree.root, "PA03")


@pytest.fixture
def px01(tree, make_user) -> User:
    return department(make_user, tree.root, "PX01")


@pytest.fixture
def school(db):
    return InstitutionFactory(name="Trường Cao đẳng Cơ giới Ninh Bình")


@pytest.fixture
def other_school(db):
    return InstitutionFactory(name="Trường Trung cấp nghề số 13")


@pytest.fixture
def partner(pa03, school) -> User:
    return institution_staff(pa03, school, "hanh.cdcg")


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def people(users, partner, px01) -> dict[str, User]:
    """Every kind of account: the police's four roles, a superuser and both partners."""
    return {
        **users,
        "superuser": User.objects.create_superuser("quantri", "q@congan.local", "x"),
        Role.INSTITUTION_STAFF: partner,
        Role.EMPLOYER_STAFF: employer_staff(px01, EmployerFactory(), "thanh.thanhan"),
    }


@pytest.fixture
def objects(officer, tree, school, other_school) -> dict[str, dict[str, int]]:
    """For each kind of object a partner URL names: his institution's and another's."""
    ours = sent_to(school, officer, SoldierFactory(unit=tree.pk02, full_name="Phạm Văn An"))
    theirs = sent_to(
        other_school, officer, SoldierFactory(unit=tree.pk02, full_name="Ngô Văn Bình")
    )
    cards = {}
    for key, registration in (("own", ours), ("other", theirs)):
        soldier = registration.soldier
        soldier.actual_discharge_date = dt.date(2025, 12, 20)
        soldier.save(update_fields=["actual_discharge_date"])
        cards[key] = services.support_issue_card(
            user=officer,
            soldier=soldier,
            card_number=f"THN-{key}",
            issued_on=dt.date(2026, 1, 5),
            registration=registration,
        ).pk
    proposal = {"own": CourseFactory(institution=school, approved=False, level="college")}
    proposal["other"] = CourseFactory(institution=other_school, approved=False, level="college")
    return {
        "registration": {"own": ours.pk, "other": theirs.pk},
        "card": cards,
        "course": {key: course.pk for key, course in proposal.items()},
    }


# (URL name, the kind of object it names, or None)
PARTNER_PAGES = [
    ("training:partner_home", None),
    ("training:partner_courses", None),
    ("training:partner_course_create", None),
    ("training:partner_enrol", "registration"),
    ("training:partner_complete", "registration"),
    ("training:partner_withdraw", "registration"),
    ("training:partner_card_settle", "card"),
    ("training:partner_course_edit", "course"),
]


def url(name: str, kind: str | None, objects: dict, which: str = "own") -> str:
    return reverse(name, args=[objects[kind][which]] if kind else [])


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
def test_the_partner_opens_each_page_for_his_own_institution(
    client, people, objects, name, kind
) -> None:
    client.force_login(people[Role.INSTITUTION_STAFF])

    assert client.get(url(name, kind, objects)).status_code == 200


@pytest.mark.parametrize(("name", "kind"), [page for page in PARTNER_PAGES if page[1]])
def test_another_institutions_object_is_not_found(client, people, objects, name, kind) -> None:
    client.force_login(people[Role.INSTITUTION_STAFF])

    assert client.get(url(name, kind, objects, "other")).status_code == 404
    assert client.post(url(name, kind, objects, "other"), {}).status_code == 404


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
@pytest.mark.parametrize("role", [*POLICE, Role.EMPLOYER_STAFF])
def test_the_polices_accounts_and_an_employer_may_not_use_them(
    client, people, objects, name, kind, role
) -> None:
    client.force_login(people[role])

    assert client.get(url(name, kind, objects)).status_code == 403


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
def test_the_anonymous_are_sent_to_sign_in(client, objects, name, kind) -> None:
    address = url(name, kind, objects)

    response = client.get(address)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={address}")


def test_the_home_page_of_a_partner_is_his_list(client, partner) -> None:
    client.force_login(partner)

    response = client.get(reverse("home"))

    assert (response.status_code, response["Location"]) == (302, "/training/partner/")
    assert [item["label"] for item in client.get(response["Location"]).context["menu"]] == [
        "Trang chủ",
        "Danh sách học viên được gửi đến",
        "Khóa đào tạo của cơ sở",
        "Báo cáo",
    ]


# ---- the list of registrations ----


def test_the_list_shows_only_his_institutions_soldiers_with_masked_ids(
    client, partner, objects
) -> None:
    client.force_login(partner)

    response = client.get(reverse("training:partner_home"))

    [row] = response.context["page"].object_list
    assert (row.soldier.full_name, row.soldier.unit.code, row.status) == (
        "Phạm Văn An",
        "PK02",
        "sent",
    )
    html = response.content.decode()
    assert row.soldier.masked_citizen_id in html
    assert row.soldier.citizen_id not in html
    assert "Ngô Văn Bình" not in html
    assert "THN-own" in html


def test_the_list_filters_by_status_and_name(client, partner, officer, tree, school) -> None:
    for name in ("Trần Văn Cường", "Lê Văn Dũng", "Lê Văn Đức"):
        sent_to(school, officer, SoldierFactory(unit=tree.pk02, full_name=name))
    enrolled = Registration.objects.get(soldier__full_name="Lê Văn Dũng")
    services.registration_enrol(user=partner, registration=enrolled, on=dt.date(2026, 9, 5))
    client.force_login(partner)

    def names(**query: str) -> list[str]:
        page = client.get(reverse("training:partner_home"), query).context["page"]
        return [registration.soldier.full_name for registration in page.object_list]

    assert names() == ["Trần Văn Cường", "Lê Văn Dũng", "Lê Văn Đức"]
    assert names(status="enrolled") == ["Lê Văn Dũng"]
    assert names(search="lê văn") == ["Lê Văn Dũng", "Lê Văn Đức"]
    assert names(status="nonsense") == ["Trần Văn Cường", "Lê Văn Dũng", "Lê Văn Đức"]


def test_the_list_costs_the_same_queries_for_5_and_50_rows(
    client, partner, officer, tree, school, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client.force_login(partner)
    address = reverse("training:partner_home")

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            soldier = SoldierFactory(unit=tree.pk02, full_name=f"Chiến sĩ {number:02d}")
            sent_to(school, officer, soldier)

    add(5, 0)
    client.get(address)
    with django_assert_max_num_queries(15) as few:
        client.get(address)
    add(45, 5)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(address)

    assert response.context["page"].paginator.count == 50


# ---- recording through the pages ----


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_partner_records_an_enrolment_that_the_unit_sees(
    client, partner, officer, objects
) -> None:
    client.force_login(partner)
    address = reverse("training:partner_enrol", args=[objects["registration"]["own"]])

    response = client.post(address, {"on": "05/09/2026"})

    assert (response.status_code, response["Location"]) == (302, "/training/partner/")
    assert messages_of(response) == ["Đã ghi nhận Phạm Văn An nhập học."]
    registration = Registration.objects.get(pk=objects["registration"]["own"])
    assert (registration.status, registration.enrolled_on) == ("enrolled", dt.date(2026, 9, 5))
    assert Notification.objects.filter(user=officer).count() == 1
    client.force_login(officer)
    page = client.get(reverse("soldiers:detail", args=[registration.soldier_id])).content.decode()
    assert "Cán bộ hanh.cdcg" in page


def test_completion_before_enrolment_is_refused_on_the_page(client, partner, objects) -> None:
    client.force_login(partner)
    address = reverse("training:partner_complete", args=[objects["registration"]["own"]])

    response = client.post(address, {"on": "01/12/2026", "certificate_number": "SC-1"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Chỉ ghi nhận hoàn thành sau khi đã nhập học."
    ]
    assert Registration.objects.get(pk=objects["registration"]["own"]).status == "sent"


# ---- course proposals and PA03's approval ----

PROPOSAL = {
    "level": "elementary",
    "duration_months": "3",
    "tuition_vnd": "7.500.000",
    "support_vnd": "6.000.000",
    "seats": "25",
    "list_year": "2027",
}


def test_a_proposed_course_waits_for_pa03_and_is_not_listed(
    client, partner, school, officer, pa03
) -> None:
    client.force_login(partner)
    occupation = Occupation.objects.get(code="HAN")

    response = client.post(
        reverse("training:partner_course_create"), {**PROPOSAL, "occupation": occupation.pk}
    )

    assert response["Location"] == "/training/partner/courses/"
    course = Course.objects.get(institution=school, occupation=occupation)
    assert (course.approved, course.proposed_by, course.tuition_vnd, course.duration_months) == (
        False,
        partner,
        7_500_000,
        Decimal("3.0"),
    )
    assert course not in selectors.open_courses(on=NOW.date())
    client.force_login(officer)
    listed = client.get(reverse("training:courses"), {"year": 2027}).context["page"]
    assert list(listed.object_list) == []
    client.force_login(pa03)
    kept = client.get(reverse("training:courses"), {"year": 2027}).content.decode()
    assert 'data-testid="approve"' in kept


def test_pa03_approves_a_proposal_once_and_the_partner_is_told(client, partner, pa03) -> None:
    course = services.course_propose(
        user=partner,
        occupation=Occupation.objects.get(code="HAN"),
        level="elementary",
        duration_months=Decimal(3),
        tuition_vnd=7_500_000,
        support_vnd=6_000_000,
        seats=25,
        list_year=2027,
    )
    client.force_login(pa03)
    address = reverse("training:course_approve", args=[course.pk])

    first = client.post(address)
    client.get(first["Location"])  # the page that shows (and spends) the message
    second = client.post(address)

    assert first["Location"] == f"/training/courses/?year={course.list_year}"
    assert messages_of(first) == [f"Đã duyệt khóa đào tạo {course}."]
    assert messages_of(second) == ["Khóa đào tạo này đã được duyệt."]
    course.refresh_from_db()
    assert course.approved is True
    assert list(partner.notifications.values_list("title", flat=True)) == [
        f"Khóa đào tạo đã được duyệt: {course}"
    ]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.LEADER, Role.INSTITUTION_STAFF])
def test_only_the_keepers_of_the_list_approve(client, people, objects, role) -> None:
    client.force_login(people[role])

    response = client.post(reverse("training:course_approve", args=[objects["course"]["own"]]))

    assert response.status_code == 403
    assert Course.objects.get(pk=objects["course"]["own"]).approved is False


def test_a_course_already_on_the_list_is_pa03s_to_change(client, partner, school) -> None:
    course = CourseFactory(institution=school)
    client.force_login(partner)

    response = client.post(
        reverse("training:partner_course_edit", args=[course.pk]),
        {**PROPOSAL, "occupation": course.occupation_id},
    )

    assert response.context["form"].non_field_errors() == [
        "Khóa đào tạo này đã có trong danh sách; đề nghị PA03 sửa."
    ]
    course.refresh_from_db()
    assert (course.approved, course.seats) == (True, 30)


# ---- partner accounts on the institution's page ----


def test_pa03_sees_the_institutions_partner_accounts(client, pa03, partner, school) -> None:
    client.force_login(pa03)

    response = client.get(reverse("training:institution_detail", args=[school.pk]))

    assert [(link.user, status.label) for link, status in response.context["partner_accounts"]] == [
        (partner, "Đã gửi lời mời")
    ]
    assert 'data-testid="partner-accounts"' in response.content.decode()


def test_an_officer_sees_no_partner_account(client, officer, partner, school) -> None:
    client.force_login(officer)

    response = client.get(reverse("training:institution_detail", args=[school.pk]))

    assert response.context["partner_accounts"] == []
    assert 'data-testid="partner-accounts"' not in response.content.decode()


def test_pa03_invites_an_account_from_the_institutions_page(
    client, pa03, school, django_capture_on_commit_callbacks
) -> None:
    client.force_login(pa03)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:institution_staff_invite", args=[school.pk]),
            {"full_name": "Vũ Thị Lan", "username": "lan.cdcg", "email": "lan@cdcg.edu.vn"},
        )

    assert response["Location"] == f"/training/institutions/{school.pk}/"
    assert messages_of(response) == ["Đã gửi lời mời (hiệu lực 72 giờ) đến lan@cdcg.edu.vn."]
    link = InstitutionStaff.objects.select_related("user").get(user__username="lan.cdcg")
    assert (link.institution, link.user.role, link.user.unit) == (
        school,
        "institution_staff",
        None,
    )
    [message] = mail.outbox
    assert message.to == ["lan@cdcg.edu.vn"]
    assert "http://testserver/accounts/invitation/" in message.body


def test_a_taken_user_name_is_refused(client, pa03, partner, school) -> None:
    client.force_login(pa03)

    response = client.post(
        reverse("training:institution_staff_invite", args=[school.pk]),
        {"full_name": "Vũ Thị Lan", "username": "hanh.cdcg", "email": "lan@cdcg.edu.vn"},
    )

    assert response.context["form"].errors == {"username": ["Tên đăng nhập đã được sử dụng"]}
    assert InstitutionStaff.objects.count() == 1


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.HQ_STAFF, Role.INSTITUTION_STAFF])
def test_only_the_keepers_invite(client, people, school, role) -> None:
    client.force_login(people[role])
    address = reverse("training:institution_staff_invite", args=[school.pk])

    assert client.get(address).status_code == 403


def test_pa03_sends_a_new_invitation(client, pa03, partner, school) -> None:
    link = partner.institution_link
    client.force_login(pa03)

    response = client.post(
        reverse("training:institution_staff_reinvite", args=[school.pk, link.pk])
    )

    assert response["Location"] == f"/training/institutions/{school.pk}/"
    assert Invitation.objects.filter(user=partner, used_at=None).count() == 2
