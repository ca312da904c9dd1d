from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from units import services
from units.context_processors import notifications as notifications_context
from units.models import Notification, User
from units.tasks import send_notification_email

PAGE = "/units/notifications/"


def notify(users, title: str = "PK02: 1 chiến sĩ bước sang tháng thứ 15") -> list[Notification]:
    return services.notify(
        users=users, title=title, body="- Lê Văn Bình", url="/soldiers/worklist/"
    )


def test_notify_writes_one_notification_per_active_account_and_mails_after_commit(
    users, make_user, tree, django_capture_on_commit_callbacks
) -> None:
    officer, hq = users[User.Role.UNIT_OFFICER], users[User.Role.HQ_STAFF]
    no_email = make_user(User.Role.UNIT_OFFICER, tree.pk02, email="")
    gone = make_user(User.Role.UNIT_OFFICER, tree.pk02)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False) as pending:
        created = notify([officer, hq, no_email, gone])
    assert mail.outbox == []
    for callback in pending:
        callback()

    assert sorted(n.user.username for n in created) == sorted(
        [officer.username, hq.username, no_email.username]
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (officer.email, "PK02: 1 chiến sĩ bước sang tháng thứ 15"),
            (hq.email, "PK02: 1 chiến sĩ bước sang tháng thứ 15"),
        ]
    )
    assert mail.outbox[0].body == (
        "- Lê Văn Bình\n\nXem chi tiết trong phần mềm: /soldiers/worklist/"
    )
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_email_task_run_twice_sends_once(users) -> None:
    (notification,) = notify([users[User.Role.UNIT_OFFICER]])

    first = send_notification_email.delay(notification.pk).get()
    second = send_notification_email.delay(notification.pk).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_a_refused_connection_is_retried_and_the_email_then_sent_once(users, monkeypatch) -> None:
    (notification,) = notify([users[User.Role.UNIT_OFFICER]])
    real_send = services.send_mail
    attempts = []

    def flaky_send(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky_send)

    # As a worker runs it: the failure is not propagated to the caller but retried.
    result = send_notification_email.apply(args=[notification.pk], throw=False)

    assert result.get() is True
    assert len(attempts) == 2
    assert len(mail.outbox) == 1


def test_a_failed_send_gives_the_claim_back_for_the_retry(users, monkeypatch) -> None:
    (notification,) = notify([users[User.Role.UNIT_OFFICER]])

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)

    with pytest.raises(ConnectionRefusedError):
        services.notification_email_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mail.outbox == []


def test_only_transient_mail_errors_are_retried() -> None:
    assert send_notification_email.autoretry_for == (smtplib.SMTPException, OSError)
    assert (send_notification_email.max_retries, send_notification_email.retry_backoff) == (6, 30)


# -- the page --


@pytest.mark.parametrize(
    "role",
    [User.Role.UNIT_OFFICER, User.Role.COMMUNE_OFFICER, User.Role.HQ_STAFF, User.Role.LEADER],
)
def test_every_role_reads_only_its_own_notifications(login, users, role) -> None:
    user = users[role]
    notify([user], title="Của tôi")
    notify([u for u in users.values() if u != user], title="Của người khác")

    response = login(user).get(PAGE)

    assert response.status_code == 200
    assert [n.title for n in response.context["page"]] == ["Của tôi"]
    assert 'data-testid="notification-total">\n  Tổng số: 1\n</p>' in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db) -> None:
    response = client.get(PAGE)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={PAGE}")


def test_marking_all_read_clears_the_badge_and_touches_no_one_elses(login, users) -> None:
    officer, hq = users[User.Role.UNIT_OFFICER], users[User.Role.HQ_STAFF]
    notify([officer, hq])
    notify([officer])
    client = login(officer)
    badge_before = client.get(reverse("home")).content.decode()

    response = client.post(PAGE, follow=True)

    assert 'data-testid="unread-badge">2<' in badge_before
    assert response.redirect_chain == [(PAGE, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Đã đánh dấu 2 thông báo là đã đọc."]
    assert 'data-testid="unread-badge"' not in response.content.decode()
    assert Notification.objects.filter(user=officer, read_at=None).count() == 0
    assert Notification.objects.filter(user=hq, read_at=None).count() == 1


def test_the_badge_count_is_one_query_made_only_when_shown(
    users, django_assert_num_queries
) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    notify([officer])
    notify([officer])
    request = RequestFactory().get("/")
    request.user = officer

    with django_assert_num_queries(0):
        context = notifications_context(request)
    with django_assert_num_queries(1):
        shown = str(context["unread_notification_count"])

    assert shown == "2"
