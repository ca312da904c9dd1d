"""Retention and anonymisation: who is past keeping under each support regime and N, the monthly
listing for PX01, dropping and approving, the refusal of a soldier still within his window, the
figures of past years unchanged, and who may use the page."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app
from reports import retention
from reports.models import AnonymisationBatch, AnonymisationCandidate, RetentionRule
from reports.tasks import list_anonymisation_candidates
from soldiers import citizen_id as cid
from soldiers import milestones
from soldiers import services as soldier_services
from soldiers.models import CitizenIdView, Soldier, SoldierChange
from tests.factories import SoldierFactory, UnitFactory, UserFactory
from tests.reports.paths import province_cohort
from units.models import AuditEvent, Notification, Unit, User
from units.vietnamese import name_sort_key

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BORN = dt.date(2003, 5, 5)
PAGE = "/reports/anonymisation/"
DROP = "/reports/anonymisation/drop/"
APPROVE = "/reports/anonymisation/approve/"


def at(day: dt.date, hour: int = 9):
    """Freeze the clock on `day` (Hà Nội time)."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=HANOI), tick=False
    )


@pytest.fixture(autouse=True)
def recorded_in_2027():
    """The files are made in January 2027; each test moves the clock on to when it lists."""
    with at(dt.date(2027, 1, 10)):
        yield


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(code="PX01", kind=Unit.Kind.HQ_DEPARTMENT, parent=tree.root)
    return make_user(Role.HQ_STAFF, unit, username="px01", full_name="Trần Thị Hạnh")


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


def veteran(unit: Unit, name: str, enlisted: dt.date, **kwargs: object) -> Soldier:
    """A soldier enlisted on `enlisted`, discharged 24 months later unless told otherwise."""
    return SoldierFactory(
        unit=unit, full_name=name, date_of_birth=BORN, enlistment_date=enlisted, **kwargs
    )


@pytest.fixture
def veterans(tree, officer) -> dict[str, Soldier]:
    """Card regime (discharged up to 2025, window 12 months) and commune regime (60 months):
    An    discharged 01/03/2025, card:    window closed 01/03/2026, kept (N=5) until 01/03/2031
    Bình  discharged 02/03/2025, card:    window closed 02/03/2026, kept until 02/03/2031
    Cường discharged 15/01/2026, commune: window closed 15/01/2031, kept until 15/01/2036
    Dũng  discharged 16/01/2026, commune: window closed 16/01/2031, kept until 16/01/2036
    Em    expected 15/01/2026 but discharged 20/12/2025, card: closed 20/12/2026, kept 20/12/2031
    Giang like An, his file archived (still held, so still listed)."""
    people = {
        "An": veteran(tree.pk02, "Nguyễn Văn An", dt.date(2023, 3, 1), citizen_id="037203004321"),
        "Bình": veteran(tree.pk02, "Trần Văn Bình", dt.date(2023, 3, 2)),
        "Cường": veteran(tree.pc07, "Lê Văn Cường", dt.date(2024, 1, 15)),
        "Dũng": veteran(tree.pc07, "Phạm Văn Dũng", dt.date(2024, 1, 16)),
        "Em": veteran(
            tree.pk02,
            "Hoàng Văn Em",
            dt.date(2024, 1, 15),
            actual_discharge_date=dt.date(2025, 12, 20),
        ),
        "Giang": veteran(tree.pk02, "Đỗ Văn Giang", dt.date(2023, 3, 1)),
    }
    soldier_services.soldier_archive(user=officer, soldier=people["Giang"], reason="Chuyển ngành")
    return people


def expired_on(day: dt.date) -> list[tuple[str, str, dt.date]]:
    found = retention.expired_soldiers(on=day, years=retention.retention_years_on(day))
    return [(s.full_name, end.regime, end.support_ended_on) for s, end in found]


def candidates_of(batch: AnonymisationBatch) -> list[tuple[str, str]]:
    rows = batch.candidates.select_related("batch", "soldier").order_by("soldier__sort_key")
    return [(c.soldier.full_name, c.reason) for c in rows]


def listed(day: dt.date) -> AnonymisationBatch | None:
    with at(day, hour=6):
        pk = list_anonymisation_candidates(on=day.isoformat())
    return AnonymisationBatch.objects.get(pk=pk) if pk else None


# -- who is past keeping --

AN = ("Nguyễn Văn An", "card", dt.date(2026, 3, 1))
BINH = ("Trần Văn Bình", "card", dt.date(2026, 3, 2))
CUONG = ("Lê Văn Cường", "commune_application", dt.date(2031, 1, 15))
DUNG = ("Phạm Văn Dũng", "commune_application", dt.date(2031, 1, 16))
EM = ("Hoàng Văn Em", "card", dt.date(2026, 12, 20))
GIANG = ("Đỗ Văn Giang", "card", dt.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Kept until 01/03/2031: listed from the day after; Bình a day later.
        (dt.date(2031, 3, 1), []),
        (dt.date(2031, 3, 2), [AN, GIANG]),
        (dt.date(2031, 3, 3), [AN, BINH, GIANG]),
        # His actual discharge (20/12/2025) puts Em under the card, not the commune regime.
        (dt.date(2031, 12, 21), [AN, BINH, EM, GIANG]),
        # The commune regime: 60 months of support, then five years.
        (dt.date(2036, 1, 16), [AN, BINH, CUONG, EM, GIANG]),
        (dt.date(2036, 1, 17), [AN, BINH, CUONG, DUNG, EM, GIANG]),
    ],
)
def test_soldiers_past_keeping_under_both_regimes(veterans, day, expected) -> None:
    assert expired_on(day) == expected


def test_the_years_of_keeping_are_data(veterans) -> None:
    RetentionRule.objects.create(valid_from=dt.date(2031, 1, 1), years_after_support=3)

    # Three years after the window: 01/03/2029 for An, 15/01/2034 for Cường.
    assert retention.retention_years_on(dt.date(2031, 3, 2)) == 3
    assert retention.retention_years_on(dt.date(2030, 12, 31)) == 5
    assert expired_on(dt.date(2031, 3, 2)) == [AN, BINH, EM, GIANG]
    assert expired_on(dt.date(2034, 1, 16)) == [AN, BINH, CUONG, EM, GIANG]


def test_without_a_rule_the_data_is_kept_five_years(veterans) -> None:
    RetentionRule.objects.all().delete()

    assert retention.retention_years_on(dt.date(2031, 3, 2)) == 5
    assert expired_on(dt.date(2031, 3, 2)) == [AN, GIANG]


# -- the monthly listing --


def test_the_monthly_task_lists_the_expired_for_px01_and_tells_him(veterans, px01) -> None:
    batch = listed(dt.date(2031, 3, 3))

    assert (batch.month, batch.retention_years, batch.status) == (
        dt.date(2031, 3, 1),
        5,
        "pending",
    )
    card = "Thẻ học nghề (Nghị định 61/2015)"
    assert candidates_of(batch) == [
        (
            "Nguyễn Văn An",
            f"{card}: thời hạn hỗ trợ đã kết thúc ngày 01/03/2026, cách đây hơn 5 năm.",
        ),
        (
            "Trần Văn Bình",
            f"{card}: thời hạn hỗ trợ đã kết thúc ngày 02/03/2026, cách đây hơn 5 năm.",
        ),
        (
            "Đỗ Văn Giang",
            f"{card}: thời hạn hỗ trợ đã kết thúc ngày 01/03/2026, cách đây hơn 5 năm.",
        ),
    ]
    [notice] = Notification.objects.filter(user=px01)
    assert notice.title == "3 chiến sĩ đến hạn ẩn danh hóa dữ liệu (tháng 03/2031)"
    assert notice.url == f"/reports/anonymisation/?batch={batch.pk}"


def test_the_monthly_task_lists_once_a_month(veterans, px01) -> None:
    first = listed(dt.date(2031, 3, 3))

    again = listed(dt.date(2031, 3, 20))

    assert again is None
    assert list(AnonymisationBatch.objects.values_list("pk", flat=True)) == [first.pk]
    assert AnonymisationCandidate.objects.count() == 3
    assert Notification.objects.filter(user=px01).count() == 1


def test_next_month_lists_only_those_not_waiting_and_brings_back_the_dropped(
    veterans, px01
) -> None:
    march = listed(dt.date(2031, 3, 2))
    an = march.candidates.get(soldier=veterans["An"])
    retention.anonymisation_candidate_drop(user=px01, candidate=an)

    april = listed(dt.date(2031, 4, 1))

    # Giang still waits in March's batch; An was dropped from it, Bình is new.
    assert [name for name, _reason in candidates_of(april)] == ["Nguyễn Văn An", "Trần Văn Bình"]


def test_a_month_with_no_one_past_keeping_makes_no_batch(veterans, px01) -> None:
    assert listed(dt.date(2031, 3, 1)) is None
    assert not AnonymisationBatch.objects.exists()
    assert not Notification.objects.filter(user=px01).exists()


def test_the_listing_runs_monthly_and_expires() -> None:
    entry = app.conf.beat_schedule["anonymisation-candidates"]

    assert entry["task"] == "reports.list_anonymisation_candidates"
    assert (entry["schedule"].day_of_month, entry["schedule"].hour) == ({1}, {6})
    assert entry["options"] == {"expires": 24 * 60 * 60}


# -- approving: what is removed and what is kept --


@pytest.fixture
def an_with_history(veterans, officer) -> Soldier:
    """An with a changed phone, a counselling and his full citizen ID seen by his officer."""
    an = veterans["An"]
    fields = {name: getattr(an, name) for name in soldier_services.EDITABLE_FIELDS}
    soldier_services.soldier_update(
        user=officer, soldier=an, version=an.version, **(fields | {"phone": "0987654321"})
    )
    soldier_services.counselling_record(
        user=officer, soldier=an, date=dt.date(2024, 10, 1), kind="career_guidance"
    )
    soldier_services.citizen_id_reveal(user=officer, soldier=an)
    an.refresh_from_db()
    return an


def test_approval_removes_what_names_him_and_keeps_the_rest(an_with_history, px01) -> None:
    an = an_with_history
    before = Soldier.objects.get(pk=an.pk)
    batch = listed(dt.date(2031, 3, 2))

    with at(dt.date(2031, 3, 5)):
        count = retention.anonymisation_batch_approve(user=px01, batch=batch)

    after = Soldier.objects.get(pk=an.pk)
    assert count == 2
    assert (after.full_name, after.citizen_id, after.date_of_birth, after.phone) == (
        f"Đã ẩn danh {an.pk}",
        f"X{an.pk:011d}",
        dt.date(2003, 1, 1),
        "",
    )
    assert after.sort_key == name_sort_key(f"Đã ẩn danh {an.pk}")
    assert cid.problems(after.citizen_id, birth_date=None, gender=None) == [
        "Số CCCD phải gồm đúng 12 chữ số."
    ]
    kept = ("unit_id", "gender", "home_ward_code", "enlistment_date", "expected_discharge_date")
    kept += ("actual_discharge_date", "archived", "rank", "cohort_year", "first_counselling_on")
    assert [getattr(after, f) for f in kept] == [getattr(before, f) for f in kept]
    assert after.version == before.version + 1


def test_approval_blanks_his_identity_in_his_history(an_with_history, px01) -> None:
    an = an_with_history
    secrets = (an.full_name, an.citizen_id, an.masked_citizen_id, "0912345678", "0987654321")
    batch = listed(dt.date(2031, 3, 2))

    with at(dt.date(2031, 3, 5)):
        retention.anonymisation_batch_approve(user=px01, batch=batch)

    history = list(SoldierChange.objects.filter(soldier=an).order_by("at", "pk"))
    text = json.dumps([entry.changes for entry in history], ensure_ascii=False)
    assert [secret for secret in secrets if secret in text] == []
    created, updated, counselled, anonymised = history
    assert created.changes["full_name"] == ["", ""]
    assert created.changes["date_of_birth"] == ["", ""]
    assert created.changes["gender"] == ["", "Nam"]
    assert created.changes["unit"] == ["", "PK02"]
    assert updated.changes == {"phone": ["", ""]}
    assert counselled.changes == {"counselling": ["", "Hướng nghiệp 01/10/2024"]}
    assert (anonymised.by, anonymised.action, anonymised.changes) == (
        px01,
        "updated",
        {
            "full_name": ["", f"Đã ẩn danh {an.pk}"],
            "citizen_id": ["", f"********{an.pk:04d}"],
            "date_of_birth": ["", "01/01/2003"],
        },
    )


def test_approval_keeps_who_saw_his_citizen_id_and_logs_the_batch(an_with_history, px01) -> None:
    an = an_with_history
    batch = listed(dt.date(2031, 3, 2))
    giang = batch.candidates.get(soldier__full_name="Đỗ Văn Giang").soldier

    with at(dt.date(2031, 3, 5)):
        retention.anonymisation_batch_approve(user=px01, batch=batch)

    assert CitizenIdView.objects.filter(soldier=an).count() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by) == ("approved", px01)
    assert (
        list(batch.candidates.values_list("anonymised_at", flat=True))
        == [dt.datetime(2031, 3, 5, 2, tzinfo=dt.UTC)] * 2
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ANONYMISATION)
    assert (event.user, event.subject_type, event.subject_id) == (
        px01,
        "reports.anonymisationbatch",
        batch.pk,
    )
    assert event.details == {"count": 2, "soldiers": sorted([an.pk, giang.pk])}
    assert event.summary == "Đợt tháng 03/2031: đã ẩn danh hóa 2 chiến sĩ"


def test_the_figures_of_past_years_do_not_change(tree, users, px01) -> None:
    province_cohort(tree, users[Role.HQ_STAFF])

    def figures(*unit: str) -> dict:
        out = StringIO()
        args = ["--year", "2026", "--as-of", "2026-12-31", "--json", *unit]
        call_command("compute_targets", *args, stdout=out)
        return json.loads(out.getvalue())

    before = (figures(), figures("--unit", "PK02"))
    # The 2026 cohort left on 01/03/2026: its window closed on 01/03/2031, five years more.
    batch = listed(dt.date(2036, 6, 1))
    assert batch.candidates.count() == 8
    with at(dt.date(2036, 6, 2)):
        retention.anonymisation_batch_approve(user=px01, batch=batch)

    assert (figures(), figures("--unit", "PK02")) == before
    assert before[0] == {
        "year": 2026,
        "unit": None,
        "as_of": "2026-12-31",
        "cohort": 7,
        "counselled": 6,
        "need_training": 5,
        "trained": 4,
        "employed_after_training": 2,
        "counselled_rate": 0.8571,
        "trained_rate": 0.8,
        "employed_rate": 0.4,
        "targets": {"counselled": 1.0, "trained": 0.6, "employed": 0.7},
    }
    assert Soldier.objects.filter(full_name__startswith="Đã ẩn danh").count() == 8
    assert milestones.drifted() == []


# -- refusals: nothing changes --


def test_a_soldier_back_inside_his_window_stops_the_whole_batch(veterans, officer, px01) -> None:
    batch = listed(dt.date(2031, 3, 3))
    binh = veterans["Bình"]
    # His service was extended: discharged on 02/09/2025, his card window closed on 02/09/2026.
    fields = {name: getattr(binh, name) for name in soldier_services.EDITABLE_FIELDS}
    with at(dt.date(2031, 3, 4)):
        soldier_services.soldier_update(
            user=officer,
            soldier=binh,
            version=binh.version,
            **(fields | {"actual_discharge_date": dt.date(2025, 9, 2)}),
        )
    history = SoldierChange.objects.count()

    with at(dt.date(2031, 3, 5)), pytest.raises(ValidationError) as refused:
        retention.anonymisation_batch_approve(user=px01, batch=batch)

    assert refused.value.messages == [
        "Trần Văn Bình (PK02) vẫn còn trong thời hạn hỗ trợ đào tạo hoặc trong 5 năm lưu giữ "
        "dữ liệu sau thời hạn đó (đến ngày 02/09/2031): đồng chí bỏ chiến sĩ này khỏi đợt rồi "
        "duyệt lại. Chưa hồ sơ nào được ẩn danh hóa."
    ]
    assert not Soldier.objects.filter(full_name__startswith="Đã ẩn danh").exists()
    assert SoldierChange.objects.count() == history
    assert AnonymisationBatch.objects.get().status == "pending"
    assert not AnonymisationCandidate.objects.filter(anonymised_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ANONYMISATION).exists()


def test_a_batch_is_approved_once(veterans, px01) -> None:
    batch = listed(dt.date(2031, 3, 2))
    with at(dt.date(2031, 3, 5)):
        retention.anonymisation_batch_approve(user=px01, batch=batch)

        with pytest.raises(ValidationError) as refused:
            retention.anonymisation_batch_approve(user=px01, batch=batch)

    assert refused.value.messages == ["Đợt này đã được duyệt."]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ANONYMISATION).count() == 1


# -- the page --


def test_px01_sees_the_batches_and_the_candidates_with_their_reasons(veterans, px01, login) -> None:
    batch = listed(dt.date(2031, 3, 2))

    with at(dt.date(2031, 3, 5)):
        response = login(px01).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["batch"] == batch
    assert [c.soldier.full_name for c in response.context["candidates"]] == [
        "Nguyễn Văn An",
        "Đỗ Văn Giang",
    ]
    assert (
        "Thẻ học nghề (Nghị định 61/2015): thời hạn hỗ trợ đã kết thúc ngày 01/03/2026, "
        "cách đây hơn 5 năm." in html
    )
    assert "2 chiến sĩ trong danh sách." in html


def test_px01_drops_a_soldier_then_approves_the_rest(veterans, px01, login) -> None:
    batch = listed(dt.date(2031, 3, 2))
    giang = batch.candidates.get(soldier=veterans["Giang"])

    with at(dt.date(2031, 3, 5)):
        client = login(px01)
        dropped = client.post(DROP, {"candidate": giang.pk})
        approved = client.post(APPROVE, {"batch": batch.pk, "confirm": "on"})

    assert dropped["Location"] == f"{PAGE}?batch={batch.pk}"
    assert [str(m) for m in get_messages(approved.wsgi_request)] == [
        "Đã bỏ Đỗ Văn Giang khỏi đợt: hồ sơ của chiến sĩ được giữ nguyên.",
        "Đã duyệt đợt: 1 hồ sơ chiến sĩ đã được ẩn danh hóa.",
    ]
    assert Soldier.objects.get(pk=veterans["Giang"].pk).full_name == "Đỗ Văn Giang"
    assert Soldier.objects.get(pk=veterans["An"].pk).full_name == f"Đã ẩn danh {veterans['An'].pk}"


def test_approving_needs_the_box_ticked(veterans, px01, login) -> None:
    batch = listed(dt.date(2031, 3, 2))

    with at(dt.date(2031, 3, 5)):
        response = login(px01).post(APPROVE, {"batch": batch.pk})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đồng chí đánh dấu vào ô để xác nhận đã kiểm tra danh sách."
    ]
    assert AnonymisationBatch.objects.get().status == "pending"


def test_the_page_names_everyone_still_within_the_window(veterans, px01, login) -> None:
    batch = listed(dt.date(2031, 3, 3))
    RetentionRule.objects.create(valid_from=dt.date(2031, 3, 4), years_after_support=10)

    with at(dt.date(2031, 3, 5)):
        response = login(px01).post(APPROVE, {"batch": batch.pk, "confirm": "on"})

    tail = "Chưa hồ sơ nào được ẩn danh hóa."
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nguyễn Văn An (PK02) vẫn còn trong thời hạn hỗ trợ đào tạo hoặc trong 10 năm lưu giữ "
        f"dữ liệu sau thời hạn đó (đến ngày 01/03/2036): đồng chí bỏ chiến sĩ này khỏi đợt rồi "
        f"duyệt lại. {tail}",
        "Trần Văn Bình (PK02) vẫn còn trong thời hạn hỗ trợ đào tạo hoặc trong 10 năm lưu giữ "
        f"dữ liệu sau thời hạn đó (đến ngày 02/03/2036): đồng chí bỏ chiến sĩ này khỏi đợt rồi "
        f"duyệt lại. {tail}",
        "Đỗ Văn Giang (PK02) vẫn còn trong thời hạn hỗ trợ đào tạo hoặc trong 10 năm lưu giữ "
        f"dữ liệu sau thời hạn đó (đến ngày 01/03/2036): đồng chí bỏ chiến sĩ này khỏi đợt rồi "
        f"duyệt lại. {tail}",
    ]
    assert not Soldier.objects.filter(full_name__startswith="Đã ẩn danh").exists()


def test_the_candidates_cost_the_same_queries_for_5_and_50(
    tree, px01, login, django_assert_num_queries
) -> None:
    for index in range(5):
        veteran(tree.pk02, f"Nguyễn Văn Cũ {index}", dt.date(2023, 3, 1))
    listed(dt.date(2031, 3, 2))
    with at(dt.date(2031, 3, 5)):
        client = login(px01)
        client.get(PAGE)  # the session settles on the first request
        with CaptureQueriesContext(connection) as five:
            assert len(client.get(PAGE).context["candidates"]) == 5
    AnonymisationBatch.objects.all().delete()
    for index in range(5, 50):
        veteran(tree.pk02, f"Nguyễn Văn Cũ {index}", dt.date(2023, 3, 1))
    listed(dt.date(2031, 3, 2))

    with at(dt.date(2031, 3, 5)), django_assert_num_queries(len(five)):
        response = client.get(PAGE)

    assert len(response.context["candidates"]) == 50
    assert response.context["candidates"].paginator.count == 50


def test_an_unknown_batch_is_not_found(px01, login) -> None:
    assert login(px01).get(f"{PAGE}?batch=999999").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
)
def test_no_other_role_may_use_the_page(veterans, users, login, role) -> None:
    """hq_staff here is of the province's root unit, not PX01."""
    batch = listed(dt.date(2031, 3, 2))
    candidate = batch.candidates.first()

    with at(dt.date(2031, 3, 5)):
        client = login(users[role])
        responses = [
            client.get(PAGE),
            client.post(DROP, {"candidate": candidate.pk}),
            client.post(APPROVE, {"batch": batch.pk, "confirm": "on"}),
        ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert not AnonymisationCandidate.objects.filter(dropped_at__isnull=False).exists()
    assert AnonymisationBatch.objects.get().status == "pending"


def test_a_partner_may_not_use_the_page(db, login) -> None:
    partner = UserFactory(role=Role.EMPLOYER_STAFF, unit=None)

    assert login(partner).get(PAGE).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client) -> None:
    response = client.get(PAGE)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={PAGE}",
    )


def test_a_superuser_may_use_the_page(db, login) -> None:
    admin = User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")

    assert login(admin).get(PAGE).status_code == 200
