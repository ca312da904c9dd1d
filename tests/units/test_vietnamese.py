from __future__ import annotations

import random

from units.vietnamese import given_name, name_sort_key


def test_names_sort_in_vietnamese_letter_order() -> None:
    expected = ["An", "Ánh", "Ăn", "Ân", "Bình", "Dương", "Đặng", "Ong", "Ô", "Ơn"]
    shuffled = random.Random(7).sample(expected, len(expected))  # noqa: S311 (not crypto)

    assert sorted(shuffled, key=name_sort_key) == expected


def test_full_names_sort_by_given_name_first_then_whole_name() -> None:
    names = ["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị Ánh", "Nguyễn Văn Bình", "Phạm Đức Ân"]

    assert sorted(names, key=name_sort_key) == [
        "Nguyễn Văn An",
        "Lê Thị Ánh",
        "Phạm Đức Ân",
        "Nguyễn Văn Bình",
        "Trần Văn Bình",
    ]


def test_tones_only_break_ties_between_the_same_letters() -> None:
    assert sorted(["Hà", "Ha", "Hạ", "Hả", "Há", "Hã"], key=name_sort_key) == [
        "Ha",
        "Hà",
        "Hả",
        "Hã",
        "Há",
        "Hạ",
    ]


def test_case_and_spacing_do_not_change_the_order() -> None:
    assert name_sort_key("nguyễn  văn   AN") == name_sort_key("Nguyễn Văn An")
    assert given_name("  Nguyễn Văn An ") == "An"
