from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import Tree
from units import services
from units.models import Unit


def test_a_new_unit_gets_the_path_of_its_parent(tree: Tree) -> None:
    assert (
        tree.pk02_d1_t1.path
        == f"/{tree.root.pk}/{tree.pk02.pk}/{tree.pk02_d1.pk}/{tree.pk02_d1_t1.pk}/"
    )
    assert tree.pk02_d1_t1.depth == 3


def test_moving_a_unit_moves_its_whole_subtree(tree: Tree) -> None:
    services.unit_update(unit=tree.pk02_d1, parent=tree.pc07)

    t1 = Unit.objects.get(code="PK02-D1-T1")
    assert t1.path == f"/{tree.root.pk}/{tree.pc07.pk}/{tree.pk02_d1.pk}/{t1.pk}/"
    assert set(
        Unit.objects.filter(path__startswith=tree.pc07.path).values_list("code", flat=True)
    ) == {
        "PC07",
        "PK02-D1",
        "PK02-D1-T1",
    }


def test_a_unit_cannot_be_moved_under_its_own_sub_unit(tree: Tree) -> None:
    with pytest.raises(ValidationError) as caught:
        services.unit_update(unit=tree.pk02, parent=tree.pk02_d1_t1)

    assert caught.value.message_dict["parent"] == [
        "Không thể đặt một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó."
    ]
    assert Unit.objects.get(code="PK02").parent_id == tree.root.pk


def test_a_commune_police_unit_needs_its_commune(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        services.unit_create(code="CAX-X", name="Công an xã X", kind=Unit.Kind.COMMUNE)

    assert caught.value.messages == ["Đơn vị Công an cấp xã phải có xã/phường."]
    assert Unit.objects.count() == 0


def test_unit_codes_are_unique(tree: Tree) -> None:
    with pytest.raises(ValidationError) as caught:
        services.unit_create(code="pk02", name="Trùng", kind=Unit.Kind.MANAGING)

    assert caught.value.message_dict["code"] == ["Đơn vị có Mã đã tồn tại."]
