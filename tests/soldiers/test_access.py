"""Who may reach each page of the soldier's file (DESIGN.md §7, issue 3 "Access").

A soldier outside the user's scope is a 404, so that his existence does not leak; a page the
role may not use is a 403; an anonymous visitor is sent to the login page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from soldiers.models import CitizenIdView, Soldier
from tests.factories import HOME_WARD, OTHER_WARD, CommuneFactory, SoldierFactory
from units.models import User

Role = User.Role
ROLES = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    allowed: int  # the status of a user who may use it
    writes: bool


SOLDIER_ENDPOINTS = [
    Endpoint("soldiers:detail", "get", 200, writes=False),
    Endpoint("soldiers:reveal_id", "post", 200, writes=False),
    Endpoint("soldiers:edit", "get", 200, writes=True),
    Endpoint("soldiers:edit", "post", 200, writes=True),  # an empty form comes back with errors
    Endpoint("soldiers:archive", "get", 200, writes=True),
    Endpoint("soldiers:archive", "post", 200, writes=True),
    Endpoint("soldiers:restore", "post", 302, writes=True),
]
# Whose soldiers each role sees: the officer of PK02 his unit and its sub-units, the commune
# officer those whose home commune is his, headquarters and leaders everyone.
VISIBLE = {
    Role.UNIT_OFFICER: {"own", "sub_unit"},
    Role.COMMUNE_OFFICER: {"own"},
    Role.HQ_STAFF: {"own", "sub_unit", "sibling"},
    Role.LEADER: {"own", "sub_unit", "sibling"},
}
WRITERS = {Role.UNIT_OFFICER, Role.HQ_STAFF}


@pytest.fixture
def people(tree, users, make_user) -> dict[str, User]:
    """The four roles, with the commune officer placed in the soldiers' real home commune."""
    home_commune = CommuneFactory(code="CAX-PL", parent=tree.root, ward_code=HOME_WARD)
    return users | {Role.COMMUNE_OFFICER: make_user(Role.COMMUNE_OFFICER, home_commune)}


@pytest.fixture
def soldiers(tree) -> dict[str, Soldier]:
    return {
        "own": SoldierFactory(unit=tree.pk02, full_name="Trần Văn An", home_ward_code=HOME_WARD),
        "sub_unit": SoldierFactory(
            unit=tree.pk02_d1_t1, full_name="Lê Văn Bình", home_ward_code=OTHER_WARD
        ),
        "sibling": SoldierFactory(
            unit=tree.pc07, full_name="Ngô Văn Cường", home_ward_code=OTHER_WARD
        ),
    }


def call(client, endpoint: Endpoint, soldier: Soldier):
    url = reverse(endpoint.name, args=[soldier.pk])
    return client.post(url) if endpoint.method == "post" else client.get(url)


def expected_status(role: str, endpoint: Endpoint, whose: str) -> int:
    if whose not in VISIBLE[role]:
        return 404
    if endpoint.writes and role not in WRITERS:
        return 403
    return endpoint.allowed


@pytest.mark.parametrize("whose", ["own", "sub_unit", "sibling"])
@pytest.mark.parametrize("endpoint", SOLDIER_ENDPOINTS, ids=lambda e: f"{e.name}-{e.method}")
@pytest.mark.parametrize("role", ROLES)
def test_scope_matrix_for_every_soldier_page(
    client, people, soldiers, role, endpoint, whose
) -> None:
    client.force_login(people[role])

    response = call(client, endpoint, soldiers[whose])

    assert response.status_code == expected_status(role, endpoint, whose)


@pytest.mark.parametrize("endpoint", SOLDIER_ENDPOINTS, ids=lambda e: f"{e.name}-{e.method}")
def test_anonymous_visitors_are_sent_to_the_login_page(client, soldiers, endpoint) -> None:
    response = call(client, endpoint, soldiers["own"])

    url = reverse(endpoint.name, args=[soldiers["own"].pk])
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.HQ_STAFF, 200),
        (Role.COMMUNE_OFFICER, 403),
        (Role.LEADER, 403),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_unit_officers_and_headquarters_may_add_a_soldier(
    client, people, role, status, method
) -> None:
    client.force_login(people[role])

    response = getattr(client, method)(reverse("soldiers:create"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.UNIT_OFFICER, ["Trần Văn An", "Lê Văn Bình"]),
        (Role.COMMUNE_OFFICER, ["Trần Văn An"]),
        (Role.HQ_STAFF, ["Trần Văn An", "Lê Văn Bình", "Ngô Văn Cường"]),
        (Role.LEADER, ["Trần Văn An", "Lê Văn Bình", "Ngô Văn Cường"]),
    ],
)
def test_each_role_lists_only_the_soldiers_in_its_scope(
    client, people, soldiers, role, expected
) -> None:
    client.force_login(people[role])

    response = client.get(reverse("soldiers:list"))

    assert response.status_code == 200
    assert [row.soldier.full_name for row in response.context["rows"]] == expected


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_the_ward_list(client, people, role) -> None:
    client.force_login(people[role])

    assert client.get(reverse("soldiers:wards"), {"province": 37}).status_code == 200


@pytest.mark.parametrize("name", ["soldiers:list", "soldiers:create", "soldiers:wards"])
def test_anonymous_visitors_cannot_open_the_list_pages(client, db, name) -> None:
    response = client.get(reverse(name))

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={reverse(name)}")


def test_an_officer_of_a_sub_unit_does_not_see_his_parent_units_soldiers(
    client, tree, make_user, soldiers
) -> None:
    client.force_login(make_user(Role.UNIT_OFFICER, tree.pk02_d1))

    parent = client.get(reverse("soldiers:detail", args=[soldiers["own"].pk]))
    below = client.get(reverse("soldiers:detail", args=[soldiers["sub_unit"].pk]))

    assert (parent.status_code, below.status_code) == (404, 200)


def test_a_refused_reveal_logs_nothing_and_shows_nothing(client, people, soldiers) -> None:
    client.force_login(people[Role.UNIT_OFFICER])

    response = client.post(reverse("soldiers:reveal_id", args=[soldiers["sibling"].pk]))

    assert response.status_code == 404
    assert soldiers["sibling"].citizen_id not in response.content.decode()
    assert CitizenIdView.objects.count() == 0


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.LEADER])
def test_a_read_only_role_changes_nothing_by_posting(client, people, soldiers, role) -> None:
    soldier = soldiers["own"]
    client.force_login(people[role])

    client.post(reverse("soldiers:archive", args=[soldier.pk]), {"reason": "Thử"})
    client.post(reverse("soldiers:edit", args=[soldier.pk]), {"full_name": "Tên khác"})

    soldier.refresh_from_db()
    assert (soldier.archived, soldier.full_name, soldier.version) == (False, "Trần Văn An", 1)


def test_the_write_buttons_show_only_to_who_may_write(client, people, soldiers) -> None:
    url = reverse("soldiers:detail", args=[soldiers["own"].pk])
    pages = {}
    for role in ROLES:
        client.force_login(people[role])
        pages[role] = client.get(url).content.decode()

    edit = f'href="{reverse("soldiers:edit", args=[soldiers["own"].pk])}"'
    assert {role: edit in html for role, html in pages.items()} == {
        Role.UNIT_OFFICER: True,
        Role.COMMUNE_OFFICER: False,
        Role.HQ_STAFF: True,
        Role.LEADER: False,
    }
