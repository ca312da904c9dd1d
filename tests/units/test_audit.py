from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from tests.factories import SoldierFactory
from units import audit
from units.models import AuditEvent, User


def test_an_event_keeps_who_what_subject_and_details(tree, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    soldier = SoldierFactory(unit=tree.pk02)
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Chromium")

    event = audit.record(
        AuditEvent.Kind.EXPORT, user=officer, request=request, subject=soldier, rows=12, year=2026
    )

    event.refresh_from_db()
    assert (event.username, event.kind, event.subject_type, event.subject_id) == (
        officer.username,
        "export",
        "soldiers.soldier",
        soldier.pk,
    )
    assert (event.details, event.ip_address, event.user_agent) == (
        {"rows": 12, "year": 2026},
        "10.1.2.3",
        "Chromium",
    )


def test_the_database_refuses_to_change_an_entry(tree, users) -> None:
    event = audit.record(AuditEvent.Kind.LOGIN, user=users[User.Role.HQ_STAFF])

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="sửa lại")

    assert list(AuditEvent.objects.values_list("pk", "summary")) == [(event.pk, "")]


def test_postgresql_also_refuses_to_delete_an_entry(postgres, tree, users) -> None:
    event = audit.record(AuditEvent.Kind.LOGIN, user=users[User.Role.HQ_STAFF])

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()
