"""Redis stopped: the pages still serve, a notice still saves, and the work catches up after."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports import submissions
from reports.models import Reminder, ReportObligation, ReportSubmission
from reports.tasks import send_reminders
from tests.factories import TEST_PASSWORD, SoldierFactory, UnitFactory
from tests.units.signing_in import code_now
from tests.zz_faults.processes import RedisServer, celery_on, queued_tasks
from units.models import Notification, Unit, User
from units.tasks import resend_unsent_emails

# Committed for real, so that e-mails are queued at commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_settings(settings, throwaway_redis: RedisServer) -> Iterator[RedisServer]:
    """The application configured as in production on our own Redis: cache, broker, results."""
    settings.REDIS_URL = throwaway_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": throwaway_redis.url,
        }
    }
    with celery_on(throwaway_redis.url):
        yield throwaway_redis


def test_pages_serve_while_redis_is_stopped_and_healthz_says_so(
    client: Client, tree, users, redis_settings: RedisServer
) -> None:
    # Given the application running on Redis, which then stops.
    hq = users[User.Role.HQ_STAFF]
    phone = TOTPDevice.objects.create(user=hq, name="phone")  # hq signs in with two factors
    soldier = SoldierFactory(unit=tree.pk02, full_name="Nguyễn Văn Bình")
    assert client.get(reverse("healthz")).json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }
    redis_settings.stop()

    # When an hq user signs in and opens the dashboard and the soldier list.
    login_page = client.get(reverse("login"))
    signed_in = client.post(
        reverse("login"), {"username": hq.username, "password": TEST_PASSWORD}, follow=True
    )
    verified = client.post(reverse("units:two_factor_verify"), {"code": code_now(phone)})
    dashboard = client.get(reverse("reports:dashboard"))
    soldier_list = client.get(reverse("soldiers:list"))
    health = client.get(reverse("healthz"))

    # Then every page serves; only the health check tells that Redis is down.
    assert login_page.status_code == 200
    assert signed_in.redirect_chain == [
        (reverse("home"), 302),
        (f"{reverse('units:two_factor_verify')}?next=/", 302),
    ]
    assert signed_in.context["user"] == hq
    assert verified["Location"] == reverse("home")
    assert dashboard.status_code == 200
    assert soldier_list.status_code == 200
    assert soldier.full_name in soldier_list.content.decode()
    assert health.status_code == 503
    assert health.json() == {"status": "down", "database": "ok", "redis": "down"}


def test_a_report_accepted_while_redis_is_stopped_is_kept_and_its_email_goes_out_later(
    client: Client, tree, users, make_user, redis_settings: RedisServer, caplog
) -> None:
    # Given PK02's submitted report and PX01 to review it (without an e-mail address, so that
    # the only e-mail in play is the one to PK02's officer), then Redis stops.
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    px01 = make_user(User.Role.HQ_STAFF, unit, email="")
    officer = users[User.Role.UNIT_OFFICER]
    report = submissions.submission_for(
        unit=tree.pk02,
        obligation=ReportObligation.objects.get(code="training-needs"),
        year=2026,
    )
    submissions.submission_submit(user=officer, submission=report)
    redis_settings.stop()

    # When PX01 accepts it (the service notifies the unit, whose e-mail cannot be queued).
    client.force_login(px01)
    with caplog.at_level(logging.WARNING, logger="units.services"):
        response = client.post(
            reverse("reports:submission_accept", args=["training-needs", 2026, "PK02"]),
            follow=True,
        )

    # Then the request succeeds, the notice is saved, its e-mail waits for the hourly resend.
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã duyệt báo cáo; đơn vị đã được thông báo."
    ]
    report.refresh_from_db()
    assert report.status == ReportSubmission.Status.ACCEPTED
    notice = Notification.objects.get(user=officer)
    assert notice.emailed_at is None
    assert [r.getMessage() for r in caplog.records if r.name == "units.services"] == [
        "Broker unavailable: 1 notification e-mail(s) left for the hourly resend."
    ]

    # When Redis is back and the hourly sweep runs an hour later.
    redis_settings.start()
    with time_machine.travel(dt.timedelta(minutes=61)):
        queued = resend_unsent_emails()

    # Then the e-mail is on the queue for the workers.
    assert queued == 1
    assert queued_tasks(redis_settings) == [("units.send_notification_email", f"({notice.pk},)")]


def test_the_first_reminder_run_after_an_outage_sends_only_the_latest_missed_step(
    tree, users, training_needs, redis_settings: RedisServer
) -> None:
    # Given Redis stopped from 01/08 to 13/08: beat queued no daily run, none of the 14-day
    # and 7-day reminders went out.
    redis_settings.stop()

    # When Redis is back and the run of 14/08 happens.
    redis_settings.start()
    sent = send_reminders.apply(args=["2026-08-14"]).get()

    # Then each unit gets the 1-day reminder only (not the 14- and 7-day ones it missed), and
    # the e-mail of the one unit with an officer is queued.
    assert sent == 2
    assert sorted(Reminder.objects.values_list("unit__code", "step")) == [
        ("PC07", "d1"),
        ("PK02", "d1"),
    ]
    notice = Notification.objects.get()
    assert notice.user == users[User.Role.UNIT_OFFICER]
    assert queued_tasks(redis_settings) == [("units.send_notification_email", f"({notice.pk},)")]
