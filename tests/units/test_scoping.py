from __future__ import annotations

import pytest

from tests.conftest import Tree
from units.models import Unit, User
from units.scoping import scope_for


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_officer_sees_his_unit_and_all_levels_below_it(tree: Tree, make_user) -> None:
    officer = make_user(User.Role.UNIT_OFFICER, tree.pk02)

    assert codes(scope_for(officer).units()) == {"PK02", "PK02-D1", "PK02-D1-T1"}


def test_officer_of_a_sub_unit_does_not_see_its_parent_or_siblings(tree: Tree, make_user) -> None:
    officer = make_user(User.Role.UNIT_OFFICER, tree.pk02_d1)

    assert codes(scope_for(officer).units()) == {"PK02-D1", "PK02-D1-T1"}


def test_officer_never_sees_a_sibling_units_subtree(tree: Tree, make_user) -> None:
    officer = make_user(User.Role.UNIT_OFFICER, tree.pc07)
    scope = scope_for(officer)

    assert codes(scope.units()) == {"PC07"}
    assert scope.covers_unit(tree.pk02_d1_t1) is False
    assert Unit.objects.filter(scope.q(unit_field="parent")).count() == 0


@pytest.mark.parametrize("role", [User.Role.HQ_STAFF, User.Role.LEADER])
def test_headquarters_and_leadership_see_every_unit(tree: Tree, make_user, role: str) -> None:
    user = make_user(role, tree.root)

    assert codes(scope_for(user).units()) == {
        "CAT",
        "PK02",
        "PK02-D1",
        "PK02-D1-T1",
        "PC07",
        "CAX-01",
    }


def test_leader_reads_but_does_not_write(tree: Tree, make_user) -> None:
    assert scope_for(make_user(User.Role.LEADER, tree.root)).can_write is False
    assert scope_for(make_user(User.Role.HQ_STAFF, tree.root)).can_write is True
    assert scope_for(make_user(User.Role.UNIT_OFFICER, tree.pk02)).can_write is True


def test_commune_officer_is_scoped_by_his_home_commune(tree: Tree, make_user) -> None:
    scope = scope_for(make_user(User.Role.COMMUNE_OFFICER, tree.commune))

    assert scope.ward_code == 13291
    assert codes(scope.units()) == {"CAX-01"}
    assert scope.q(ward_field="home_ward_code") == scope.q(ward_field="home_ward_code")
    assert str(scope.q(ward_field="home_ward_code")) == "(AND: ('home_ward_code', 13291))"


def test_scope_filter_on_a_related_model_uses_the_unit_path(tree: Tree, make_user) -> None:
    officer = make_user(User.Role.UNIT_OFFICER, tree.pk02_d1)

    visible = User.objects.filter(scope_for(officer).q(unit_field="unit"))

    assert list(visible) == [officer]


def test_deactivated_account_or_unit_sees_nothing(tree: Tree, make_user) -> None:
    officer = make_user(User.Role.UNIT_OFFICER, tree.pk02)
    officer.is_active = False
    assert scope_for(officer).units().count() == 0

    other = make_user(User.Role.UNIT_OFFICER, tree.pc07)
    Unit.objects.filter(pk=tree.pc07.pk).update(active=False)
    other.refresh_from_db()
    other.unit.refresh_from_db()
    assert scope_for(other).units().count() == 0


def test_superuser_sees_everything(tree: Tree, django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("root", "root@congan.local", "x")

    assert scope_for(admin).units().count() == 6


@pytest.mark.parametrize(
    ("department", "catalogue", "allowed"),
    [
        ("PA03", "institutions", True),
        ("PA03", "employers", False),
        ("PA04", "employers", True),
        ("PA04", "job_fairs", False),
        ("PX03", "job_fairs", True),
        ("PH10", "budget", True),
        ("PH10", "institutions", False),
        ("PX01", "institutions", True),
        ("PX01", "employers", True),
        ("PX01", "job_fairs", True),
    ],
)
def test_each_department_keeps_its_own_list_and_px01_keeps_all(
    tree: Tree, make_user, department: str, catalogue: str, allowed: bool
) -> None:
    from tests.factories import UnitFactory
    from units.scoping import may_keep

    unit = UnitFactory(code=department, parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)

    assert may_keep(make_user(User.Role.HQ_STAFF, unit), catalogue) is allowed


@pytest.mark.parametrize(
    "role", [User.Role.UNIT_OFFICER, User.Role.LEADER, User.Role.COMMUNE_OFFICER]
)
def test_no_other_role_keeps_a_province_list(tree: Tree, users, role: str) -> None:
    from units.scoping import may_keep

    assert [may_keep(users[role], c) for c in ("institutions", "employers", "job_fairs")] == [
        False,
        False,
        False,
    ]
