"""The dashboards (province and unit) and the drill-down to the soldiers behind each number."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services, submissions
from reports.models import ReportObligation
from reports.targets import FIGURES, figures, members
from soldiers.models import Soldier
from tests.factories import CourseFactory, JobOpeningFactory, UnitFactory
from tests.reports.paths import YEAR, along, province_cohort, soldier, wish
from units.models import Unit, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 8, 1)
DASHBOARD = "/reports/dashboard/"
DRILLDOWN = "/reports/dashboard/soldiers/"
ROLES = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER, "superuser"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def people(users, tree) -> dict[str, User]:
    superuser = User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")
    return users | {"superuser": superuser}


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


@pytest.fixture
def pe05(tree) -> Unit:
    """A managing unit with no soldier yet: no data for any rate."""
    return UnitFactory(code="PE05", parent=tree.root)


@pytest.fixture
def cohort(tree, hq, pe05) -> dict[str, Soldier]:
    return province_cohort(tree, hq)


def names(soldiers) -> list[str]:
    return [s.full_name.split()[-1] for s in soldiers]


def drill_link(html: str, testid: str) -> tuple[str, str]:
    """The address and the number of the drill-down link with this data-testid."""
    match = re.search(rf'<a href="([^"]+)" data-testid="{re.escape(testid)}">([^<]+)</a>', html)
    assert match, testid
    return match.group(1).replace("&amp;", "&"), match.group(2)


# -- the province dashboard --


def test_province_shows_the_three_figures_against_their_targets_in_colour_and_words(
    client, hq, cohort
) -> None:
    client.force_login(hq)

    response = client.get(DASHBOARD)

    assert response.templates[0].name == "reports/dashboard_province.html"
    assert [
        (i.key, i.count, i.total, i.rate, i.target, str(i.status), i.status_class)
        for i in response.context["indicators"]
    ] == [
        ("counselled", 6, 7, 0.8571, 1.0, "Chưa đạt", "danger"),
        ("trained", 4, 5, 0.8, 0.6, "Đạt", "success"),
        ("employed", 2, 5, 0.4, 0.7, "Chưa đạt", "danger"),
    ]
    html = response.content.decode()
    assert '<span class="badge text-bg-success" data-testid="status-trained">Đạt</span>' in html
    assert 'data-testid="rate-counselled">85,7%</div>' in html


def test_a_year_without_soldiers_shows_no_data_rather_than_a_rate(client, hq, cohort) -> None:
    client.force_login(hq)

    response = client.get(DASHBOARD, {"year": 2030})

    assert [(i.rate, str(i.status)) for i in response.context["indicators"]] == [
        (None, "Chưa có dữ liệu"),
        (None, "Chưa có dữ liệu"),
        (None, "Chưa có dữ liệu"),
    ]
    assert 'data-testid="rate-trained">chưa có dữ liệu</div>' in response.content.decode()


def test_figures_can_be_asked_as_of_an_earlier_day(client, hq, cohort) -> None:
    client.force_login(hq)

    # On 15/05/2026 the placements of 01/06 had not happened yet.
    response = client.get(DASHBOARD, {"year": 2026, "as_of": "15/05/2026"})

    assert [i.count for i in response.context["indicators"]] == [6, 4, 0]
    assert response.context["as_of"] == dt.date(2026, 5, 15)
    html = response.content.decode()
    assert 'name="as_of" value="15/05/2026"' in html
    assert 'href="?year=2026&amp;as_of=15%2F05%2F2026&amp;sort=unit">' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Worst trained rate first; each unit's sub-units under it; no data last.
        ("", [("PK02", 0), ("PK02-D1", 1), ("PK02-D1-T1", 2), ("PC07", 0), ("PE05", 0)]),
        ("-trained", [("PC07", 0), ("PK02", 0), ("PK02-D1", 1), ("PK02-D1-T1", 2), ("PE05", 0)]),
        ("unit", [("PC07", 0), ("PE05", 0), ("PK02", 0), ("PK02-D1", 1), ("PK02-D1-T1", 2)]),
        ("nonsense", [("PK02", 0), ("PK02-D1", 1), ("PK02-D1-T1", 2), ("PC07", 0), ("PE05", 0)]),
    ],
)
def test_units_table_is_the_tree_of_managing_units_sorted_among_siblings(
    client, hq, cohort, sort, expected
) -> None:
    client.force_login(hq)

    response = client.get(DASHBOARD, {"sort": sort} if sort else {})

    assert [(row.unit.code, row.level) for row in response.context["rows"]] == expected


def test_each_unit_counts_its_sub_units(client, hq, cohort, tree) -> None:
    client.force_login(hq)

    rows = {row.unit.code: row.figures for row in client.get(DASHBOARD).context["rows"]}

    assert {
        code: (f.cohort, f.counselled, f.need_training, f.trained, f.employed_after_training)
        for code, f in rows.items()
    } == {
        "PK02": (4, 4, 3, 2, 1),
        "PK02-D1": (2, 2, 1, 0, 0),
        "PK02-D1-T1": (2, 2, 1, 0, 0),
        "PC07": (3, 2, 2, 2, 1),
        "PE05": (0, 0, 0, 0, 0),
    }
    assert rows["PK02"] == figures(year=YEAR, as_of=TODAY, unit=tree.pk02)


def test_every_number_links_to_the_soldiers_behind_it(client, hq, cohort, tree) -> None:
    client.force_login(hq)
    html = client.get(DASHBOARD).content.decode()

    url, number = drill_link(html, "drill-trained-PK02")
    listed = client.get(url).context["page"].object_list

    assert url == f"{DRILLDOWN}?year=2026&as_of=2026-08-01&figure=trained&unit={tree.pk02.pk}"
    assert (number, names(listed)) == ("2", ["An", "Bình"])
    assert drill_link(html, "drill-not_employed") == (
        f"{DRILLDOWN}?year=2026&as_of=2026-08-01&figure=not_employed",
        "3",
    )


def test_timeliness_summary_counts_units_on_time_late_and_missing(
    client, hq, cohort, tree, make_user
) -> None:
    semi_annual = ReportObligation.objects.get(code="semi-annual-report")
    for unit, day in ((tree.pk02, 5), (tree.pc07, 20)):
        officer = make_user(Role.UNIT_OFFICER, unit)
        with time_machine.travel(dt.datetime(2026, 6, day, 9, tzinfo=HANOI), tick=False):
            report = submissions.submission_for(unit=unit, obligation=semi_annual, year=YEAR)
            submissions.submission_submit(user=officer, submission=report)
    client.force_login(hq)

    tallies = client.get(DASHBOARD).context["tallies"]

    # PK02, PC07 and PE05 owe the units' reports; nobody in this tree is PX03, PA03 or PA04.
    assert [
        (t.obligation.code, f"{t.due:%d/%m}", t.on_time, t.late, t.missing, t.pending)
        for t in tallies
    ] == [
        ("job-fair-programme", "30/01", 0, 0, 0, 0),
        ("employers-list", "15/04", 0, 0, 0, 0),
        ("institutions-list", "15/04", 0, 0, 0, 0),
        ("semi-annual-report", "10/06", 1, 1, 1, 0),
        ("training-needs", "15/08", 0, 0, 0, 3),
        ("annual-report", "10/12", 0, 0, 0, 3),
        # Owed by institutions and employers with a partner account: none in this tree.
        ("partner-annual-report", "10/12", 0, 0, 0, 0),
    ]


def test_upcoming_deadlines_are_the_next_sixty_days(client, hq, cohort) -> None:
    client.force_login(hq)

    upcoming = client.get(DASHBOARD).context["upcoming"]

    assert [(f"{due:%d/%m/%Y}", o.code) for due, o in upcoming] == [
        ("15/08/2026", "training-needs")
    ]


def test_needs_by_occupation_are_a_chart_and_a_table(client, hq, tree) -> None:
    for n in range(3):
        wish(hq, soldier(tree.pc07, full_name=f"Đinh Văn Nam {n}"))
    wish(hq, soldier(tree.pc07, full_name="Đinh Văn Phong"), occupation="HAN")
    CourseFactory(seats=5)  # Điện công nghiệp, 2026
    CourseFactory(seats=4, list_year=2025)  # another year's list
    JobOpeningFactory(headcount=4)  # Điện công nghiệp
    client.force_login(hq)

    response = client.get(DASHBOARD)

    # Widest gap between wishes and seats first.
    assert [
        (g.occupation.name, g.wishing, g.seats, g.openings, g.seat_gap)
        for g in response.context["gaps"]
    ] == [("Hàn", 1, 0, 0, 1), ("Điện công nghiệp", 3, 5, 4, -2)]
    chart = str(response.context["gap_chart"])
    assert re.findall(r"<title>([^<]+)</title></rect>", chart) == [
        "Hàn: Chiến sĩ có nguyện vọng học 1",
        "Hàn: Chỗ học 0",
        "Hàn: Chỉ tiêu tuyển dụng còn mở 0",
        "Điện công nghiệp: Chiến sĩ có nguyện vọng học 3",
        "Điện công nghiệp: Chỗ học 5",
        "Điện công nghiệp: Chỉ tiêu tuyển dụng còn mở 4",
    ]
    rows = re.findall(
        r'<tr data-testid="occupation-row">(.*?)</tr>', response.content.decode(), re.S
    )
    assert [re.findall(r">([^<>]+)</td>", row) for row in rows] == [
        ["Hàn", "1", "0", "0", "1"],
        ["Điện công nghiệp", "3", "5", "4", "-2"],
    ]


def test_monthly_trend_takes_the_last_snapshot_of_each_month(client, hq, cohort) -> None:
    for day in (dt.date(2026, 5, 10), dt.date(2026, 5, 31), dt.date(2026, 6, 15)):
        services.snapshots_take(on=day, years=(YEAR,))
    client.force_login(hq)

    response = client.get(DASHBOARD)

    assert [
        (f"{p.as_of:%d/%m/%Y}", p.trained, p.employed_after_training)
        for p in response.context["trend"]
    ] == [("31/05/2026", 4, 0), ("15/06/2026", 4, 2)]
    assert str(response.context["trend_chart"]).count('<circle class="point series-2"') == 2


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.HQ_STAFF, True), (Role.LEADER, True), ("superuser", True), (Role.UNIT_OFFICER, False)],
)
def test_those_who_may_download_the_summary_get_the_button(
    client, people, cohort, role, shown
) -> None:
    client.force_login(people[role])

    html = client.get(DASHBOARD, {"year": 2026}).content.decode()

    link = (
        '<a class="btn btn-primary btn-sm" href="/reports/summary.xlsx?year=2026&amp;'
        'as_of=2026-08-01">Tải bảng tổng hợp (Excel)</a>'
    )
    assert (link in html) is shown


# -- the unit officer's dashboard --


def test_unit_officer_sees_his_unit_with_its_sub_units(client, users, cohort, tree) -> None:
    client.force_login(users[Role.UNIT_OFFICER])  # PK02

    response = client.get(DASHBOARD)

    assert response.templates[0].name == "reports/dashboard_unit.html"
    assert [(i.count, i.total) for i in response.context["indicators"]] == [
        (4, 4),
        (2, 3),
        (1, 3),
    ]
    assert [(row.unit.code, row.level) for row in response.context["rows"]] == [
        ("PK02", 0),
        ("PK02-D1", 1),
        ("PK02-D1-T1", 2),
    ]
    url, number = drill_link(response.content.decode(), "drill-not_trained-PK02")
    assert (number, names(client.get(url).context["page"].object_list)) == ("1", ["Cường"])


def test_unit_officer_sees_his_worklist_counts_and_the_reports_his_unit_owes(
    client, users, tree
) -> None:
    officer = users[Role.UNIT_OFFICER]
    # Enlisted 05/01/2025: month 19 on 01/08/2026, never surveyed nor counselled.
    soldier(tree.pk02_d1, full_name="Phan Văn Quý", enlistment_date=dt.date(2025, 1, 5))
    client.force_login(officer)

    response = client.get(DASHBOARD)

    assert [(w.key, w.count) for w in response.context["work"]] == [
        ("survey", 1),
        ("registration", 0),
        ("discharging", 0),
        ("counselling", 1),
    ]
    assert [
        (f"{d.due:%d/%m/%Y}", d.obligation.code, d.unit.code, d.label)
        for d in response.context["due"]
    ] == [
        ("10/06/2026", "semi-annual-report", "PK02", "Chưa nộp, quá hạn"),
        ("15/08/2026", "training-needs", "PK02", "Chưa đến hạn"),
        ("10/12/2026", "annual-report", "PK02", "Chưa đến hạn"),
    ]
    html = response.content.decode()
    assert '<a href="/soldiers/worklist/#survey">' in html
    assert (
        f'href="{reverse("reports:submissions")}?year=2026" data-testid="submissions-link"' in html
    )


def test_sub_unit_officer_owes_no_report_of_his_own(client, make_user, tree) -> None:
    client.force_login(make_user(Role.UNIT_OFFICER, tree.pk02_d1))

    response = client.get(DASHBOARD)

    assert response.context["due"] == []
    assert "đơn vị quản lý cấp trên báo cáo thay" in response.content.decode()


# -- who may open the dashboard --


@pytest.mark.parametrize(
    ("role", "status", "template"),
    [
        (Role.HQ_STAFF, 200, "reports/dashboard_province.html"),
        (Role.LEADER, 200, "reports/dashboard_province.html"),
        ("superuser", 200, "reports/dashboard_province.html"),
        (Role.UNIT_OFFICER, 200, "reports/dashboard_unit.html"),
        (Role.COMMUNE_OFFICER, 403, "403.html"),
    ],
)
def test_each_role_gets_its_own_dashboard(client, people, role, status, template) -> None:
    client.force_login(people[role])

    response = client.get(DASHBOARD)

    assert (response.status_code, response.templates[0].name) == (status, template)


@pytest.mark.parametrize("url", [DASHBOARD, DRILLDOWN])
def test_anonymous_visitors_are_sent_to_log_in(client, db, url) -> None:
    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


# -- the drill-down --

EXPECTED = {
    "cohort": ["An", "Bình", "Cường", "Dũng", "Em", "Giang", "Hà"],
    "counselled": ["An", "Bình", "Cường", "Dũng", "Em", "Hà"],
    "need_training": ["An", "Bình", "Cường", "Em", "Hà"],
    "trained": ["An", "Bình", "Em", "Hà"],
    "employed_after_training": ["An", "Hà"],
    "not_counselled": ["Giang"],
    "not_trained": ["Cường"],
    "not_employed": ["Bình", "Cường", "Em"],
}


@pytest.mark.parametrize("figure", FIGURES)
def test_drilldown_lists_exactly_the_soldiers_behind_a_figure(client, hq, cohort, figure) -> None:
    client.force_login(hq)

    response = client.get(DRILLDOWN, {"year": 2026, "figure": figure})

    assert names(response.context["page"].object_list) == EXPECTED[figure]
    assert response.context["page"].paginator.count == len(EXPECTED[figure])


@pytest.mark.parametrize(
    ("figure", "numerator", "denominator"),
    [
        ("not_counselled", "counselled", "cohort"),
        ("not_trained", "trained", "need_training"),
        ("not_employed", "employed_after_training", "need_training"),
    ],
)
def test_a_figure_and_its_complement_make_up_the_denominator(
    cohort, tree, figure, numerator, denominator
) -> None:
    for unit in (None, tree.pk02, tree.pc07):
        counts = {
            f: members(year=YEAR, as_of=TODAY, unit=unit, figure=f).count()
            for f in (figure, numerator, denominator)
        }
        result = figures(year=YEAR, as_of=TODAY, unit=unit)

        assert counts[numerator] == getattr(result, numerator)
        assert counts[denominator] == getattr(result, denominator)
        assert counts[figure] + counts[numerator] == counts[denominator]


def test_drilldown_masks_citizen_ids_and_links_each_soldier(client, hq, cohort) -> None:
    client.force_login(hq)
    an = cohort["An"]

    html = client.get(DRILLDOWN, {"figure": "employed_after_training"}).content.decode()

    assert f'<td><a href="/soldiers/{an.pk}/">Trần Văn An</a></td>' in html
    assert f'<td class="font-monospace">********{an.citizen_id[-4:]}</td>' in html
    assert an.citizen_id not in html


def test_drilldown_pages_fifty_soldiers_with_the_total(client, hq, tree) -> None:
    for n in range(60):
        soldier(tree.pc07, full_name=f"Nguyễn Văn Số {n:02d}")
    client.force_login(hq)

    first = client.get(DRILLDOWN, {"figure": "cohort"})
    second = client.get(DRILLDOWN, {"figure": "cohort", "page": 2})

    assert (len(first.context["page"].object_list), first.context["page"].paginator.count) == (
        50,
        60,
    )
    assert len(second.context["page"].object_list) == 10
    assert '<span data-testid="total">60 chiến sĩ</span>' in first.content.decode()


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (None, ["An", "Bình", "Cường", "Dũng"]),  # his unit by default
        ("pk02_d1", ["Cường", "Dũng"]),
        ("pk02", ["An", "Bình", "Cường", "Dũng"]),
    ],
)
def test_unit_officer_drills_into_his_units(client, users, cohort, tree, unit, expected) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    query = {"figure": "cohort"} | ({"unit": getattr(tree, unit).pk} if unit else {})

    response = client.get(DRILLDOWN, query)

    assert names(response.context["page"].object_list) == expected


@pytest.mark.parametrize("unit", ["pc07", "root"])
def test_unit_officer_asking_for_a_unit_outside_his_scope_gets_404(
    client, users, cohort, tree, unit
) -> None:
    client.force_login(users[Role.UNIT_OFFICER])

    response = client.get(DRILLDOWN, {"figure": "cohort", "unit": getattr(tree, unit).pk})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        ("superuser", 200),
        (Role.UNIT_OFFICER, 404),  # PC07 is not his
        (Role.COMMUNE_OFFICER, 403),
    ],
)
def test_drilldown_of_another_unit_by_role(client, people, tree, role, status) -> None:
    client.force_login(people[role])

    response = client.get(DRILLDOWN, {"figure": "trained", "unit": tree.pc07.pk})

    assert response.status_code == status


@pytest.mark.parametrize(
    "query", [{"figure": "everyone"}, {"unit": "PK02"}, {"unit": 999999}, {"year": "soon"}]
)
def test_drilldown_of_an_unknown_list_is_404(client, hq, query) -> None:
    client.force_login(hq)

    assert client.get(DRILLDOWN, query).status_code == 404


# -- a fixed number of queries --


@pytest.fixture
def province(make_user) -> dict[str, object]:
    """A small province: PK02 and PC07 under headquarters, an account per role."""
    root = UnitFactory(code="CAT", kind=Unit.Kind.HQ_DEPARTMENT)
    units = [UnitFactory(code="PK02", parent=root), UnitFactory(code="PC07", parent=root)]
    people = {
        Role.HQ_STAFF: make_user(Role.HQ_STAFF, root),
        Role.LEADER: make_user(Role.LEADER, root),
        Role.UNIT_OFFICER: make_user(Role.UNIT_OFFICER, units[0]),
    }
    return {"root": root, "units": units, "people": people}


def grow(province: dict, *, units: int, soldiers: int) -> None:
    """Bring the province to `units` managing units (new ones alternately under PK02 and under
    headquarters) and `soldiers` soldiers of 2026 spread over them, each counselled, every other
    one wishing training, every fourth one trained."""
    made, hq = province["units"], province["people"][Role.HQ_STAFF]
    for n in range(len(made), units):
        made.append(UnitFactory(code=f"PD{n:02d}", parent=made[0] if n % 2 else province["root"]))
    for n in range(Soldier.objects.count(), soldiers):
        stage = ("counselled", "wished", "counselled", "trained")[n % 4]
        along(hq, soldier(made[n % len(made)], full_name=f"Phạm Văn Thứ {n:03d}"), stage)


def queries(client, url: str, query: dict) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    ("role", "url", "query"),
    [
        (Role.HQ_STAFF, DASHBOARD, {}),
        (Role.LEADER, DASHBOARD, {"sort": "-employed"}),
        (Role.UNIT_OFFICER, DASHBOARD, {}),
        (Role.HQ_STAFF, DRILLDOWN, {"figure": "not_trained"}),
        (Role.UNIT_OFFICER, DRILLDOWN, {"figure": "cohort"}),
    ],
)
def test_pages_cost_the_same_queries_for_2_or_12_units_and_5_or_60_soldiers(
    client, province, role, url, query, django_assert_num_queries
) -> None:
    grow(province, units=2, soldiers=5)
    services.snapshots_take(on=dt.date(2026, 6, 28), years=(YEAR,))
    client.force_login(province["people"][role])
    client.get(url, query)  # a first request fills caches (the session, the service rule)
    small = queries(client, url, query)

    grow(province, units=12, soldiers=60)
    services.snapshots_take(on=dt.date(2026, 7, 28), years=(YEAR,))

    assert (Unit.objects.filter(kind=Unit.Kind.MANAGING).count(), Soldier.objects.count()) == (
        12,
        60,
    )
    with django_assert_num_queries(small):
        assert client.get(url, query).status_code == 200
