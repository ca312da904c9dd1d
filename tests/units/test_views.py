from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from units.models import User


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (User.Role.UNIT_OFFICER, ["PK02", "PK02-D1", "PK02-D1-T1"]),
        (User.Role.HQ_STAFF, ["CAT", "PK02", "PK02-D1", "PK02-D1-T1", "PC07", "CAX-01"]),
        (User.Role.LEADER, ["CAT", "PK02", "PK02-D1", "PK02-D1-T1", "PC07", "CAX-01"]),
    ],
)
def test_unit_list_shows_the_users_scope_in_tree_order(login, users, role, expected) -> None:
    response = login(users[role]).get(reverse("units:list"))

    assert response.status_code == 200
    assert [u.code for u in response.context["units"]] == expected


def test_commune_officer_may_not_open_the_unit_list(login, users) -> None:
    response = login(users[User.Role.COMMUNE_OFFICER]).get(reverse("units:list"))

    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_unit_list_queries_do_not_grow_with_the_tree(
    login, users, tree, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(users[User.Role.HQ_STAFF])
    with django_assert_max_num_queries(9) as small:
        client.get(reverse("units:list"))
    UnitFactory.create_batch(30, parent=tree.pc07)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("units:list"))

    assert len(response.context["units"]) == 36


def test_unknown_page_is_a_vietnamese_404(login, users, settings) -> None:
    settings.DEBUG = False
    response = login(users[User.Role.HQ_STAFF]).get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_csrf_failure_is_a_vietnamese_page(users) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[User.Role.HQ_STAFF])

    response = client.post(reverse("logout"))

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_dates_and_numbers_follow_vietnamese_conventions() -> None:
    import datetime as dt

    from django.template import Context, Template

    rendered = Template("{{ d }} {{ d|date:'SHORT_DATE_FORMAT' }} {{ n }}").render(
        Context({"d": dt.date(2026, 8, 15), "n": 1234567})
    )

    assert rendered == "15/08/2026 15/08/2026 1.234.567"


def test_dates_are_read_as_dd_mm_yyyy() -> None:
    import datetime as dt

    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    form = DateForm({"day": "05/02/2026"})

    assert form.is_valid()
    assert form.cleaned_data["day"] == dt.date(2026, 2, 5)
