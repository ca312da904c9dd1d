"""units.bulk.insert_new: thousands of new rows in one go (COPY on PostgreSQL, bulk_create
elsewhere), each column as an INSERT would have written it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from soldiers.models import Counselling, SoldierChange
from tests.factories import SoldierFactory
from units.bulk import insert_new
from units.models import User

NOW = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)


def test_rows_are_written_with_their_json_dates_and_automatic_times(tree, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    soldier = SoldierFactory(unit=tree.pk02)
    changes = {"full_name": ["", "Nguyễn Văn An"], "note": ["", 'dấu "ngoặc" và \\ gạch\tchéo']}
    counsellings = [
        Counselling(
            soldier=soldier, date=dt.date(2026, 3, day), kind="information", officer=officer
        )
        for day in (1, 2)
    ]
    history = [
        SoldierChange(soldier=soldier, by=officer, at=NOW, action="imported", changes=changes)
    ]

    with time_machine.travel(NOW, tick=False):
        written = (insert_new(counsellings), insert_new(history), insert_new([]))

    assert written == (2, 1, 0)
    assert list(
        Counselling.objects.filter(soldier=soldier)
        .order_by("date")
        .values_list("date", "kind", "officer", "note")
    ) == [
        (dt.date(2026, 3, 1), "information", officer.pk, ""),
        (dt.date(2026, 3, 2), "information", officer.pk, ""),
    ]
    assert set(
        Counselling.objects.filter(soldier=soldier).values_list("created_at", flat=True)
    ) == {NOW}
    row = SoldierChange.objects.filter(soldier=soldier, action="imported").get()
    assert (row.changes, row.at, row.by_id) == (changes, NOW, officer.pk)


def test_a_row_refers_to_an_instance_saved_after_it_was_built(tree, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    newcomer = SoldierFactory.build(unit=tree.pk02, expected_discharge_date=dt.date(2027, 2, 15))
    counselling = Counselling(
        soldier=newcomer, date=dt.date(2026, 3, 1), kind="information", officer=officer
    )
    newcomer.save()  # as a ledger import saves its new soldiers before their outcomes

    insert_new([counselling])

    assert list(Counselling.objects.values_list("soldier", flat=True)) == [newcomer.pk]


def test_a_row_that_refers_to_an_unsaved_instance_is_refused(tree, users) -> None:
    unsaved = SoldierFactory.build(unit=tree.pk02)
    counselling = Counselling(
        soldier=unsaved,
        date=dt.date(2026, 3, 1),
        kind="information",
        officer=users[User.Role.UNIT_OFFICER],
    )

    with pytest.raises(ValueError, match="soldier"):
        insert_new([counselling])

    assert Counselling.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_broken_constraint_is_djangos_integrity_error_and_writes_nothing(tree, users) -> None:
    soldier, officer = SoldierFactory(unit=tree.pk02), users[User.Role.UNIT_OFFICER]
    day, kind = dt.date(2026, 3, 1), "information"
    good = Counselling(soldier=soldier, date=day, kind=kind, officer=officer)
    orphan = Counselling(soldier_id=soldier.pk + 1000, date=day, kind=kind, officer=officer)

    def write() -> None:
        with transaction.atomic():
            insert_new([good, orphan])
            connection.check_constraints()  # SQLite checks its foreign keys only when asked

    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        write()

    assert Counselling.objects.count() == 0
