"""The pages of an employer's staff: the soldiers referred to it (a phone number only with the
soldier's consent), the hire or refusal it records, its openings; and, on PA04's side, the
partner accounts of an employer and the approval of its openings.

Scope: a partner reaches his own employer's rows only (another employer's by URL is a 404);
the police's accounts get a 403 on every partner page; the anonymous go to sign in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from employers.models import EmployerStaff, JobOpening, Placement, Referral
from tests.factories import (
    EmployerFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
)
from tests.partners import department, employer_staff, institution_staff, referred_to, sent_to
from training import services as training_services
from units.models import Notification, User

Role = User.Role
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
POLICE = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER, "superuser"]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pa04(tree, make_user) -> User:
    return department(make_user, tree.root, "PA04")


@pytest.fixture
def px01(tree, make_user) -> User:
    return department(make_user, tree.root, "PX01")


@pytest.fixture
def company(db):
    return EmployerFactory(name="Công ty CP Ô tô Thành An Ninh Bình")


@pytest.fixture
def opening(company) -> JobOpening:
    return JobOpeningFactory(employer=company, title="Kỹ thuật viên điện")


@pytest.fixture
def other_opening(db) -> JobOpening:
    return JobOpeningFactory(employer=EmployerFactory(name="Công ty TNHH May Hoa Lư"))


@pytest.fixture
def partner(pa04, company) -> User:
    return employer_staff(pa04, company, "thanh.thanhan")


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def people(users, partner, px01) -> dict[str, User]:
    """Every kind of account: the police's four roles, a superuser and both partners."""
    return {
        **users,
        "superuser": User.objects.create_superuser("quantri", "q@congan.local", "x"),
        Role.EMPLOYER_STAFF: partner,
        Role.INSTITUTION_STAFF: institution_staff(px01, InstitutionFactory(), "hanh.cdcg"),
    }


@pytest.fixture
def objects(officer, opening, other_opening) -> dict[str, dict[str, int]]:
    """For each kind of object a partner URL names: his employer's and another's."""
    return {
        "referral": {
            "own": referred_to(opening, officer).pk,
            "other": referred_to(other_opening, officer).pk,
        },
        "opening": {"own": opening.pk, "other": other_opening.pk},
    }


PARTNER_PAGES = [
    ("employers:partner_home", None),
    ("employers:partner_opening_create", None),
    ("employers:partner_hire", "referral"),
    ("employers:partner_decline", "referral"),
    ("employers:partner_opening_edit", "opening"),
]


def url(name: str, kind: str | None, objects: dict, which: str = "own") -> str:
    return reverse(name, args=[objects[kind][which]] if kind else [])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
def test_the_partner_opens_each_page_for_his_own_employer(
    client, people, objects, name, kind
) -> None:
    client.force_login(people[Role.EMPLOYER_STAFF])

    assert client.get(url(name, kind, objects)).status_code == 200


@pytest.mark.parametrize(("name", "kind"), [page for page in PARTNER_PAGES if page[1]])
def test_another_employers_object_is_not_found(client, people, objects, name, kind) -> None:
    client.force_login(people[Role.EMPLOYER_STAFF])

    assert client.get(url(name, kind, objects, "other")).status_code == 404
    assert client.post(url(name, kind, objects, "other"), {}).status_code == 404


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
@pytest.mark.parametrize("role", [*POLICE, Role.INSTITUTION_STAFF])
def test_the_polices_accounts_and_an_institution_may_not_use_them(
    client, people, objects, name, kind, role
) -> None:
    client.force_login(people[role])

    assert client.get(url(name, kind, objects)).status_code == 403


@pytest.mark.parametrize(("name", "kind"), PARTNER_PAGES)
def test_the_anonymous_are_sent_to_sign_in(client, objects, name, kind) -> None:
    address = url(name, kind, objects)

    response = client.get(address)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={address}")


def test_the_home_page_of_an_employer_is_its_list(client, partner) -> None:
    client.force_login(partner)

    response = client.get(reverse("home"))

    assert (response.status_code, response["Location"]) == (302, "/employers/partner/")
    assert [item["label"] for item in client.get(response["Location"]).context["menu"]] == [
        "Trang chủ",
        "Chiến sĩ được giới thiệu",
        "Báo cáo",
    ]


# ---- the soldiers referred to him ----


def wish(officer: User, soldier, *, consent: bool) -> None:
    training_services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=dt.date(2026, 5, 20),
        wants_training="no",
        wants_job_referral=consent,
    )


def test_the_phone_number_is_shown_only_with_the_soldiers_consent(
    client, partner, officer, tree, opening, other_opening
) -> None:
    agreed = SoldierFactory(unit=tree.pk02, full_name="Hà Văn An", phone="0911111111")
    refused = SoldierFactory(unit=tree.pk02, full_name="Hà Văn Bình", phone="0922222222")
    silent = SoldierFactory(unit=tree.pk02, full_name="Hà Văn Cường", phone="0933333333")
    elsewhere = SoldierFactory(unit=tree.pk02, full_name="Hà Văn Dũng", phone="0944444444")
    wish(officer, agreed, consent=True)
    wish(officer, refused, consent=False)
    wish(officer, elsewhere, consent=True)
    for soldier in (agreed, refused, silent):
        referred_to(opening, officer, soldier)
    referred_to(other_opening, officer, elsewhere)
    client.force_login(partner)

    response = client.get(reverse("employers:partner_home"))

    assert sorted(
        (row.referral.soldier.full_name, row.phone) for row in response.context["rows"]
    ) == [
        ("Hà Văn An", "0911111111"),
        ("Hà Văn Bình", ""),
        ("Hà Văn Cường", ""),
    ]
    html = response.content.decode()
    assert ("0911111111" in html, "0922222222" in html, "0933333333" in html) == (
        True,
        False,
        False,
    )
    assert "Hà Văn Dũng" not in html


def test_the_training_he_completed_is_shown(client, partner, officer, tree, opening) -> None:
    soldier = SoldierFactory(unit=tree.pk02, full_name="Hà Văn An")
    school = InstitutionFactory(name="Trường Cao đẳng Cơ giới Ninh Bình")
    registration = sent_to(school, officer, soldier)
    training_services.registration_enrol(
        user=officer, registration=registration, on=dt.date(2026, 9, 1)
    )
    training_services.registration_complete(
        user=officer, registration=registration, on=dt.date(2026, 12, 1)
    )
    referred_to(opening, officer, soldier)
    client.force_login(partner)

    [row] = client.get(reverse("employers:partner_home")).context["rows"]

    assert [(r.occupation.name, r.institution.name, r.completed_on) for r in row.trainings] == [
        ("Điện công nghiệp", "Trường Cao đẳng Cơ giới Ninh Bình", dt.date(2026, 12, 1))
    ]


def test_the_list_costs_the_same_queries_for_5_and_50_referrals(
    client,
    partner,
    officer,
    tree,
    opening,
    django_assert_max_num_queries,
    django_assert_num_queries,
) -> None:
    client.force_login(partner)
    address = reverse("employers:partner_home")

    def add(count: int) -> None:
        for _ in range(count):
            soldier = SoldierFactory(unit=tree.pk02)
            wish(officer, soldier, consent=True)
            referred_to(opening, officer, soldier)

    add(5)
    client.get(address)
    with django_assert_max_num_queries(15) as few:
        client.get(address)
    add(45)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(address)

    assert response.context["page"].paginator.count == 50


# ---- hiring and declining through the pages ----


def test_the_partner_confirms_a_hire_on_the_page(client, partner, officer, objects) -> None:
    client.force_login(partner)
    referral = Referral.objects.get(pk=objects["referral"]["own"])

    response = client.post(
        reverse("employers:partner_hire", args=[referral.pk]),
        {"started_on": "01/10/2026", "evidence": "hiring_decision", "salary_vnd": "8.500.000"},
    )

    assert response["Location"] == "/employers/partner/"
    assert messages_of(response) == [
        f"Đã ghi nhận tuyển dụng {referral.soldier.full_name}; đơn vị của chiến sĩ đã được "
        "thông báo."
    ]
    placement = Placement.objects.get()
    assert (placement.soldier, placement.started_on, placement.salary_vnd, placement.evidence) == (
        referral.soldier,
        dt.date(2026, 10, 1),
        8_500_000,
        "hiring_decision",
    )
    assert Notification.objects.filter(user=officer).count() == 1


def test_the_partner_declines_on_the_page(client, partner, objects) -> None:
    client.force_login(partner)
    address = reverse("employers:partner_decline", args=[objects["referral"]["own"]])

    refused = client.post(address, {"on": "20/09/2026", "reason": ""})
    response = client.post(address, {"on": "20/09/2026", "reason": "Chưa có bằng lái"})

    assert refused.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert response["Location"] == "/employers/partner/"
    referral = Referral.objects.get(pk=objects["referral"]["own"])
    assert (referral.status, referral.reason) == ("declined", "Chưa có bằng lái")


# ---- the employer's openings and PA04's approval ----


def test_an_opening_added_by_the_partner_waits_for_pa04(
    client, partner, company, pa04, officer
) -> None:
    client.force_login(partner)

    response = client.post(
        reverse("employers:partner_opening_create"),
        {
            "title": "Thợ sơn ô tô",
            "headcount": "4",
            "salary_min_vnd": "7.000.000",
            "salary_max_vnd": "9.000.000",
            "social_insurance": "on",
            "province_code": "37",
            "open_until": "30/06/2027",
            "list_year": "2027",
        },
    )

    assert response["Location"] == "/employers/partner/"
    opening = JobOpening.objects.get(title="Thợ sơn ô tô")
    assert (opening.employer, opening.approved, opening.proposed_by) == (company, False, partner)
    client.force_login(officer)
    assert opening not in client.get(reverse("employers:openings")).context["page"].object_list
    client.force_login(pa04)
    detail = client.get(reverse("employers:opening_detail", args=[opening.pk])).content.decode()
    assert 'data-testid="approve"' in detail

    approved = client.post(reverse("employers:opening_approve", args=[opening.pk]))

    assert approved["Location"] == f"/employers/openings/{opening.pk}/"
    assert messages_of(approved) == ["Đã duyệt nhu cầu tuyển dụng Thợ sơn ô tô."]
    opening.refresh_from_db()
    assert opening.approved is True


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.LEADER, Role.EMPLOYER_STAFF])
def test_only_the_keepers_of_the_list_approve_an_opening(client, people, role) -> None:
    opening = JobOpeningFactory(approved=False)
    client.force_login(people[role])

    response = client.post(reverse("employers:opening_approve", args=[opening.pk]))

    assert response.status_code == 403
    opening.refresh_from_db()
    assert opening.approved is False


def test_pa04_invites_an_account_from_the_employers_page(client, pa04, company, partner) -> None:
    client.force_login(pa04)

    page = client.get(reverse("employers:employer_detail", args=[company.pk]))
    response = client.post(
        reverse("employers:employer_staff_invite", args=[company.pk]),
        {"full_name": "Lê Thị Mai", "username": "mai.thanhan", "email": "mai@thanhan.vn"},
    )

    assert [(link.user, status.label) for link, status in page.context["partner_accounts"]] == [
        (partner, "Đã gửi lời mời")
    ]
    assert response["Location"] == f"/employers/{company.pk}/"
    assert list(
        EmployerStaff.objects.filter(employer=company)
        .order_by("user__username")
        .values_list("user__username", "user__role")
    ) == [("mai.thanhan", "employer_staff"), ("thanh.thanhan", "employer_staff")]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.HQ_STAFF, Role.EMPLOYER_STAFF])
def test_only_the_keepers_invite_an_employers_account(client, people, company, role) -> None:
    client.force_login(people[role])

    response = client.get(reverse("employers:employer_staff_invite", args=[company.pk]))

    assert response.status_code == 403
