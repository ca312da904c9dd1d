from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employers import services
from employers.models import Loan, Placement, Referral
from soldiers.models import Soldier
from tests.factories import (
    CourseFactory,
    EmployerFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
)
from training import services as training_services
from training.models import Occupation
from units.models import User

Role = User.Role
# After his discharge (15/02/2027): outcomes may not be dated in the future.
NOW = dt.datetime(2027, 6, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
BEFORE_ENLISTMENT = "Ngày bắt đầu làm việc không được trước ngày nhập ngũ."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def soldier(tree) -> Soldier:
    """A soldier of a sub-unit of PK02 whose home commune is the commune police unit's."""
    return SoldierFactory(
        unit=tree.pk02_d1,
        full_name="Trần Văn An",
        home_ward_code=tree.commune.ward_code,
        enlistment_date=dt.date(2025, 2, 15),
    )


@pytest.fixture
def stranger(tree) -> Soldier:
    """Another unit's soldier, from another commune: neither officer may see him."""
    return SoldierFactory(unit=tree.pc07, full_name="Ngô Văn Dũng")


def wish(officer: User, soldier: Soldier, code: str = "DCN", place: str = "home_province"):
    return training_services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=dt.date(2026, 5, 20),
        wants_training="yes",
        occupation=Occupation.objects.get(code=code),
        wants_job_referral=True,
        preferred_work_place=place,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def shown_messages(response) -> list[str]:
    """The messages a page displayed (after following a redirect)."""
    return [str(m) for m in response.context["messages"]]


def placement_data(**overrides: str) -> dict[str, str]:
    return {
        "kind": "enterprise",
        "employer": "",
        "opening": "",
        "occupation": "",
        "workplace": "Xưởng may Tam Điệp",
        "started_on": "01/03/2027",
        "salary_vnd": "7.500.000",
        "evidence": "labour_contract",
        "source": "commune_police",
    } | overrides


def loan_data(**overrides: str) -> dict[str, str]:
    return {
        "purpose": "start_up",
        "amount_vnd": "50.000.000",
        "bank_branch": "NHCSXH Ninh Bình",
        "applied_on": "01/03/2027",
    } | overrides


def a_loan(officer: User, soldier: Soldier, status: str = "applied") -> Loan:
    loan = services.loan_record(
        user=officer,
        soldier=soldier,
        purpose="start_up",
        amount_vnd=50_000_000,
        bank_branch="NHCSXH Ninh Bình",
        applied_on=dt.date(2026, 11, 1),
    )
    if status != "applied":
        services.loan_set_status(user=officer, loan=loan, status=status, on=TODAY)
    return loan


# -- who may open which page --

SOLDIER_WRITE_PAGES = ["employers:placement_create", "employers:loan_create"]


@pytest.mark.parametrize(
    "role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
)
def test_every_role_that_sees_the_soldier_may_read_his_matches(login, users, soldier, role) -> None:
    response = login(users[role]).get(reverse("employers:matches", args=[soldier.pk]))

    assert response.status_code == 200
    assert response.context["can_record_outcomes"] is (role != Role.LEADER)


@pytest.mark.parametrize("url_name", SOLDIER_WRITE_PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.COMMUNE_OFFICER, 200),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 403),
    ],
)
def test_outcome_writers_open_the_forms_and_leaders_are_refused(
    login, users, soldier, url_name, role, status
) -> None:
    response = login(users[role]).get(reverse(url_name, args=[soldier.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("url_name", ["employers:matches", *SOLDIER_WRITE_PAGES])
@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER])
def test_another_units_or_communes_soldier_is_not_found(
    login, users, stranger, url_name, role
) -> None:
    response = login(users[role]).get(reverse(url_name, args=[stranger.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.COMMUNE_OFFICER, 200),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 403),
    ],
)
def test_loan_status_page_by_role(login, users, officer, soldier, role, status) -> None:
    loan = a_loan(officer, soldier)

    response = login(users[role]).get(reverse("employers:loan_status", args=[loan.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER])
def test_another_units_loan_is_not_found(login, users, stranger, role) -> None:
    loan = a_loan(users[Role.HQ_STAFF], stranger)

    response = login(users[role]).get(reverse("employers:loan_status", args=[loan.pk]))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, officer, soldier) -> None:
    opening = JobOpeningFactory()
    loan = a_loan(officer, soldier)
    urls = [
        reverse("employers:matches", args=[soldier.pk]),
        reverse("employers:placement_create", args=[soldier.pk]),
        reverse("employers:loan_create", args=[soldier.pk]),
        reverse("employers:loan_status", args=[loan.pk]),
    ]
    refer = reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk])

    responses = [client.get(url) for url in urls] + [client.post(refer)]

    assert [(r.status_code, r.url) for r in responses] == [
        (302, f"{reverse('login')}?next={url}") for url in [*urls, refer]
    ]
    assert Referral.objects.count() == 0


# -- the matches page --


def test_the_matches_page_ranks_the_courses_and_openings_of_his_wish(
    login, officer, soldier
) -> None:
    wish(officer, soldier)
    home = InstitutionFactory(name="Trường nghề Ninh Bình")
    away = InstitutionFactory(name="Trường nghề Hà Nội", province_code=1, ward_code=4)
    expensive = CourseFactory(institution=home, level="intermediate", tuition_vnd=40_000_000)
    cheap_home = CourseFactory(institution=home, level="under_3_months", tuition_vnd=5_000_000)
    cheap_away = CourseFactory(institution=away, tuition_vnd=1_000_000)
    CourseFactory(institution=home, level="college", occupation=Occupation.objects.get(code="HAN"))
    electrician_away = JobOpeningFactory(
        title="Thợ điện công nghiệp", province_code=1, salary_max_vnd=15_000_000
    )
    electrician_home = JobOpeningFactory(title="Thợ điện dân dụng", salary_max_vnd=9_000_000)
    JobOpeningFactory(title="Thợ may", occupation=Occupation.objects.get(code="MAY"))

    response = login(officer).get(reverse("employers:matches", args=[soldier.pk]))

    matches = response.context["matches"]
    assert [m.course for m in matches.courses] == [cheap_home, expensive, cheap_away]
    assert [row.match.opening for row in matches.openings] == [electrician_home, electrician_away]
    assert [(row.place, row.referred) for row in matches.openings] == [
        ("Tỉnh Ninh Bình", False),
        ("Thành phố Hà Nội", False),
    ]
    page = response.content.decode()
    assert page.index("Thợ điện dân dụng") < page.index("Thợ điện công nghiệp")
    assert "Mức hỗ trợ tối đa: 30.360.000 đ (12 × lương cơ sở)" in page
    assert "học phí vượt mức hỗ trợ" in page
    register = reverse("training:registration_create", args=[soldier.pk])
    assert f'href="{register}?course={cheap_home.pk}"' in page
    refer = reverse("employers:refer_from_soldier", args=[soldier.pk, electrician_home.pk])
    assert f'action="{refer}"' in page


def test_a_leader_reads_the_matches_without_any_button(login, users, officer, soldier) -> None:
    wish(officer, soldier)
    CourseFactory()
    opening = JobOpeningFactory()

    response = login(users[Role.LEADER]).get(reverse("employers:matches", args=[soldier.pk]))

    page = response.content.decode()
    assert [
        len(response.context["matches"].courses),
        len(response.context["matches"].openings),
    ] == [
        1,
        1,
    ]
    assert reverse("training:registration_create", args=[soldier.pk]) not in page
    assert reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk]) not in page


def test_a_soldier_not_surveyed_yet_gets_no_suggestion(login, officer, soldier) -> None:
    response = login(officer).get(reverse("employers:matches", args=[soldier.pk]))

    assert (response.context["matches"].courses, response.context["matches"].openings) == ([], [])
    assert "Chưa ghi nhận nguyện vọng" in response.content.decode()


# -- one-click referral --


def test_one_click_referral_creates_one_referral_and_a_second_is_refused(
    login, officer, soldier
) -> None:
    wish(officer, soldier)
    opening = JobOpeningFactory(title="Thợ điện")
    url = reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk])
    client = login(officer)

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    matches_url = reverse("employers:matches", args=[soldier.pk])
    assert (first.redirect_chain, second.redirect_chain) == ([(matches_url, 302)],) * 2
    assert shown_messages(first) == [
        f"Đã giới thiệu Trần Văn An vào vị trí Thợ điện – {opening.employer.name}."
    ]
    assert shown_messages(second) == ["Chiến sĩ đã được giới thiệu vào vị trí này."]
    assert 'class="alert alert-danger"' in second.content.decode()
    assert list(Referral.objects.values_list("soldier", "opening", "referred_on")) == [
        (soldier.pk, opening.pk, TODAY)
    ]
    assert f"?opening={opening.pk}" in second.content.decode()


def test_a_closed_opening_is_not_referred_to(login, officer, soldier) -> None:
    opening = JobOpeningFactory(open_until=dt.date(2026, 11, 30))

    response = login(officer).post(
        reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk])
    )

    assert messages_of(response) == ["Nhu cầu tuyển dụng này đã hết hạn hoặc ngừng tuyển."]
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [(Role.LEADER, 403), (Role.COMMUNE_OFFICER, 302)])
def test_referral_by_role(login, users, soldier, role, status) -> None:
    opening = JobOpeningFactory()

    response = login(users[role]).post(
        reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk])
    )

    assert response.status_code == status
    assert Referral.objects.count() == (1 if status == 302 else 0)


def test_an_officer_cannot_refer_another_units_soldier(login, officer, stranger) -> None:
    opening = JobOpeningFactory()

    response = login(officer).post(
        reverse("employers:refer_from_soldier", args=[stranger.pk, opening.pk])
    )

    assert response.status_code == 404
    assert Referral.objects.count() == 0


def test_the_referral_takes_only_posts(login, officer, soldier) -> None:
    opening = JobOpeningFactory()

    response = login(officer).get(
        reverse("employers:refer_from_soldier", args=[soldier.pk, opening.pk])
    )

    assert response.status_code == 405


# -- placements --


def test_commune_officer_records_a_job_for_his_communes_soldier(login, users, soldier) -> None:
    commune_officer = users[Role.COMMUNE_OFFICER]

    response = login(commune_officer).post(
        reverse("employers:placement_create", args=[soldier.pk]), placement_data()
    )

    assert (response.status_code, response.url) == (
        302,
        reverse("soldiers:detail", args=[soldier.pk]),
    )
    assert messages_of(response) == ["Đã ghi nhận việc làm của Trần Văn An."]
    placement = Placement.objects.get()
    assert (
        placement.soldier,
        placement.kind,
        placement.workplace,
        placement.started_on,
        placement.salary_vnd,
        placement.evidence,
        placement.source,
        placement.recorded_by,
    ) == (
        soldier,
        "enterprise",
        "Xưởng may Tam Điệp",
        dt.date(2027, 3, 1),
        7_500_000,
        "labour_contract",
        "commune_police",
        commune_officer,
    )


def test_a_placement_starting_before_enlistment_is_refused_and_nothing_saved(
    login, officer, soldier
) -> None:
    response = login(officer).post(
        reverse("employers:placement_create", args=[soldier.pk]),
        placement_data(started_on="14/02/2025"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"started_on": [BEFORE_ENLISTMENT]}
    assert BEFORE_ENLISTMENT in response.content.decode()
    assert Placement.objects.count() == 0


def test_the_opening_in_the_address_fills_in_the_placement_form(login, officer, soldier) -> None:
    opening = JobOpeningFactory()
    services.referral_create(user=officer, soldier=soldier, opening=opening, on=TODAY)

    url = reverse("employers:placement_create", args=[soldier.pk])
    response = login(officer).get(f"{url}?opening={opening.pk}")

    initial = response.context["form"].initial
    assert (initial["opening"], initial["employer"], initial["occupation"], initial["kind"]) == (
        opening.pk,
        opening.employer_id,
        opening.occupation_id,
        "enterprise",
    )


def test_a_placement_from_an_opening_takes_its_employer_and_marks_the_referral_hired(
    login, officer, soldier
) -> None:
    opening = JobOpeningFactory()
    services.referral_create(user=officer, soldier=soldier, opening=opening, on=TODAY)

    login(officer).post(
        reverse("employers:placement_create", args=[soldier.pk]),
        placement_data(opening=str(opening.pk), workplace=""),
    )

    placement = Placement.objects.get()
    assert (placement.opening, placement.employer, placement.occupation.code) == (
        opening,
        opening.employer,
        "DCN",
    )
    assert Referral.objects.get().status == Referral.Status.HIRED


def test_an_opening_of_another_employer_than_the_one_chosen_is_refused(
    login, officer, soldier
) -> None:
    opening = JobOpeningFactory()

    response = login(officer).post(
        reverse("employers:placement_create", args=[soldier.pk]),
        placement_data(opening=str(opening.pk), employer=str(EmployerFactory().pk)),
    )

    assert response.context["form"].errors == {
        "opening": ["Nhu cầu tuyển dụng này thuộc doanh nghiệp khác."]
    }
    assert Placement.objects.count() == 0


def test_a_leader_cannot_post_a_placement(login, users, soldier) -> None:
    response = login(users[Role.LEADER]).post(
        reverse("employers:placement_create", args=[soldier.pk]), placement_data()
    )

    assert response.status_code == 403
    assert Placement.objects.count() == 0


# -- loans --


def test_an_officer_records_a_loan(login, officer, soldier) -> None:
    response = login(officer).post(reverse("employers:loan_create", args=[soldier.pk]), loan_data())

    assert response.url == reverse("soldiers:detail", args=[soldier.pk])
    assert messages_of(response) == ["Đã ghi nhận khoản vay của Trần Văn An."]
    assert list(Loan.objects.values_list("purpose", "amount_vnd", "status", "applied_on")) == [
        ("start_up", 50_000_000, "applied", dt.date(2027, 3, 1))
    ]


def test_a_loan_of_zero_is_refused_and_nothing_saved(login, officer, soldier) -> None:
    response = login(officer).post(
        reverse("employers:loan_create", args=[soldier.pk]), loan_data(amount_vnd="0")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["Số tiền phải lớn hơn 0."]}
    assert Loan.objects.count() == 0


def test_the_loan_status_form_offers_only_the_next_statuses(login, officer, soldier) -> None:
    loan = a_loan(officer, soldier)

    response = login(officer).get(reverse("employers:loan_status", args=[loan.pk]))

    assert response.context["form"].fields["status"].choices == [
        ("approved", "Đã phê duyệt"),
        ("rejected", "Bị từ chối"),
    ]


def test_an_officer_moves_a_loan_forward(login, officer, soldier) -> None:
    loan = a_loan(officer, soldier)

    response = login(officer).post(
        reverse("employers:loan_status", args=[loan.pk]),
        {"status": "approved", "on": "20/11/2026"},
    )

    loan.refresh_from_db()
    assert response.url == reverse("soldiers:detail", args=[soldier.pk])
    assert messages_of(response) == ["Khoản vay của Trần Văn An đã chuyển sang: Đã phê duyệt."]
    assert (loan.status, loan.decided_on) == ("approved", dt.date(2026, 11, 20))


def test_a_loan_cannot_move_backwards_through_the_form(login, officer, soldier) -> None:
    loan = a_loan(officer, soldier, status="approved")

    response = login(officer).post(
        reverse("employers:loan_status", args=[loan.pk]), {"status": "applied", "on": "20/11/2026"}
    )

    assert response.context["form"].errors == {
        "status": [
            "Hãy chọn một lựa chọn hợp lệ. applied không phải là một trong các lựa chọn khả thi."
        ]
    }
    assert Loan.objects.get().status == "approved"


def test_a_repaid_loan_says_its_status_is_final(login, officer, soldier) -> None:
    loan = a_loan(officer, soldier, status="approved")
    services.loan_set_status(user=officer, loan=loan, status="disbursed", on=TODAY)
    services.loan_set_status(user=officer, loan=loan, status="repaid", on=TODAY)

    response = login(officer).get(reverse("employers:loan_status", args=[loan.pk]))

    assert "Khoản vay đã ở trạng thái cuối cùng (Đã trả nợ), không thay đổi được nữa." in (
        response.content.decode()
    )


# -- the soldier's page --


def completed_registration(officer: User, soldier: Soldier) -> None:
    registration = training_services.registration_create(
        user=officer, soldier=soldier, course=CourseFactory(), on=dt.date(2026, 9, 1)
    )
    training_services.registrations_send(
        user=officer, registrations=[registration], on=dt.date(2026, 9, 2)
    )
    registration.refresh_from_db()
    training_services.registration_enrol(
        user=officer, registration=registration, on=dt.date(2026, 9, 10)
    )
    training_services.registration_complete(
        user=officer, registration=registration, on=dt.date(2026, 11, 10)
    )


def test_the_soldiers_page_shows_referrals_jobs_and_loans(login, officer, soldier) -> None:
    completed_registration(officer, soldier)
    opening = JobOpeningFactory(title="Thợ điện")
    services.referral_create(user=officer, soldier=soldier, opening=opening, on=TODAY)
    services.placement_record(
        user=officer,
        soldier=soldier,
        kind="enterprise",
        opening=opening,
        started_on=dt.date(2026, 12, 1),
        salary_vnd=8_000_000,
    )
    services.placement_record(
        user=officer, soldier=soldier, kind="self_employed", started_on=dt.date(2026, 11, 15)
    )
    a_loan(officer, soldier)

    response = login(officer).get(reverse("soldiers:detail", args=[soldier.pk]))

    page = response.content.decode()
    jobs = page[page.index('data-testid="jobs"') :]
    assert "Thợ điện" in jobs
    assert "Đã tuyển dụng · 01/12/2026" in jobs
    assert "8.000.000 đ" in jobs
    assert "50.000.000 đ" in jobs
    # Only the job in the trade he completed carries the mark, once.
    assert jobs.count('data-testid="trained-trade"') == 1
    assert reverse("employers:matches", args=[soldier.pk]) in jobs
    assert reverse("employers:placement_create", args=[soldier.pk]) in jobs
    assert reverse("employers:loan_create", args=[soldier.pk]) in jobs


def test_a_leader_sees_the_path_but_no_recording_button(login, users, officer, soldier) -> None:
    a_loan(officer, soldier)

    response = login(users[Role.LEADER]).get(reverse("soldiers:detail", args=[soldier.pk]))

    jobs = response.content.decode().split('data-testid="jobs"')[1]
    assert "50.000.000 đ" in jobs
    assert reverse("employers:matches", args=[soldier.pk]) in jobs
    assert reverse("employers:placement_create", args=[soldier.pk]) not in jobs
    assert reverse("employers:loan_create", args=[soldier.pk]) not in jobs


def soldier_page_queries(client, officer: User, soldier: Soldier, count: int) -> int:
    for _ in range(count - soldier.loans.count()):
        opening = JobOpeningFactory()
        services.referral_create(user=officer, soldier=soldier, opening=opening, on=TODAY)
        services.placement_record(
            user=officer, soldier=soldier, kind="enterprise", opening=opening, started_on=TODAY
        )
        a_loan(officer, soldier)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("soldiers:detail", args=[soldier.pk]))
    loans = response.content.decode().split('data-testid="loans"')[1].split("</table>")[0]
    assert loans.count("50.000.000 đ") == count
    return len(queries)


def test_the_soldiers_jobs_cost_no_query_per_row(login, officer, soldier) -> None:
    client = login(officer)

    assert soldier_page_queries(client, officer, soldier, 1) == soldier_page_queries(
        client, officer, soldier, 5
    )
