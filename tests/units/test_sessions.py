"""Sessions (units/sessions.py, units.middleware.SessionLimitMiddleware): 30 minutes idle and 12
hours in all; a new password signs out every other session; the sessions page shows one's
recent sign-ins and open sessions, and ends the others."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployerFactory, InstitutionFactory
from tests.partners import department, employer_staff, institution_staff
from tests.units.signing_in import (
    CHROME_ON_WINDOWS,
    START,
    sign_in,
    signed_in,
)
from units import sessions
from units.models import User, UserSession

Role = User.Role
NEW_PASSWORD = "Mat-khau-moi-2026-xyz"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
COC_COC = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/131.0.250 Chrome/125.0.0.0 Safari/537.36"
)


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


def home(client: Client) -> tuple[int, str]:
    response = client.get("/")
    return response.status_code, response.get("Location", "")


SIGN_IN_AGAIN = (302, f"{reverse('login')}?next=/")


def test_settings_end_a_session_after_30_idle_minutes_and_12_hours_in_all() -> None:
    assert (
        settings.SESSION_COOKIE_AGE,
        settings.SESSION_RENEW_SECONDS,
        settings.SESSION_SAVE_EVERY_REQUEST,
        settings.SESSION_ABSOLUTE_SECONDS,
    ) == (30 * 60, 60, False, 12 * 60 * 60)


# ---- expiry ----


def test_a_session_ends_after_30_minutes_without_a_request(officer, clock) -> None:
    client = Client()
    sign_in(client, officer)

    clock.shift(dt.timedelta(minutes=29, seconds=59))
    in_time = home(client)
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    too_late = home(client)

    assert (in_time, too_late) == ((200, ""), SIGN_IN_AGAIN)


def test_requests_renew_the_idle_expiry_at_most_once_a_minute(officer, clock) -> None:
    client = Client()
    sign_in(client, officer)
    home(client)  # the home page's own queries are not what is counted below

    def expiry() -> dt.datetime:
        return Session.objects.get(session_key=client.session.session_key).expire_date

    signed_in_expiry = expiry()
    clock.shift(dt.timedelta(seconds=59))
    with CaptureQueriesContext(connection) as read_only:
        home(client)
    soon_after = expiry()
    clock.shift(dt.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as renewing:
        home(client)
    a_minute_on = expiry()

    writes = [
        [q["sql"].split()[0] for q in queries if "django_session" in q["sql"]]
        for queries in (read_only.captured_queries, renewing.captured_queries)
    ]
    assert writes == [["SELECT"], ["SELECT", "UPDATE"]]
    assert signed_in_expiry == START + dt.timedelta(minutes=30)
    assert soon_after == signed_in_expiry
    assert a_minute_on == START + dt.timedelta(minutes=31)


def test_a_busy_session_ends_12_hours_after_signing_in(officer, clock) -> None:
    client = Client()
    sign_in(client, officer)

    statuses = set()
    for _ in range(28):  # a request every 25 minutes, up to 11 h 40 after signing in
        clock.shift(dt.timedelta(minutes=25))
        statuses.add(home(client))
    clock.shift(dt.timedelta(minutes=19, seconds=59))
    last = home(client)
    clock.shift(dt.timedelta(seconds=1))
    response = client.get("/")

    assert statuses == {(200, "")}
    assert last == (200, "")
    assert (response.status_code, response["Location"]) == SIGN_IN_AGAIN
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Phiên làm việc đã đủ 12 giờ. Đồng chí hãy đăng nhập lại để tiếp tục."
    ]
    assert not signed_in(client)
    assert UserSession.objects.filter(user=officer).count() == 0


def test_the_12_hours_start_again_at_the_next_sign_in(officer, clock) -> None:
    client = Client()
    sign_in(client, officer)
    clock.shift(dt.timedelta(hours=11, minutes=50))
    sign_in(client, officer)  # signed in again, in the same browser

    clock.shift(dt.timedelta(minutes=20))

    assert home(client) == (200, "")


# ---- a new password ends the other sessions ----


def test_changing_the_password_signs_out_every_other_session_but_this_one(officer, clock):
    here, office, phone = Client(), Client(), Client()
    for client, agent in ((here, CHROME_ON_WINDOWS), (office, COC_COC), (phone, PHONE)):
        sign_in(client, officer, agent=agent)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": "Mat-khau-thu-2026",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        HTTP_USER_AGENT=CHROME_ON_WINDOWS,
    )

    assert response["Location"] == reverse("password_change_done")
    assert [home(here), home(office), home(phone)] == [(200, "")] + [SIGN_IN_AGAIN] * 2
    rows = here.get(reverse("units:sessions")).context["open_sessions"]
    assert [(row.browser, row.current) for row in rows] == [("Chrome · Windows", True)]


def test_a_password_reset_signs_out_every_session(officer, clock) -> None:
    office, phone = Client(), Client()
    sign_in(office, officer)
    sign_in(phone, officer, agent=PHONE)
    stranger = Client()
    stranger.post(reverse("password_reset"), {"email": officer.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    set_url = stranger.get(link, follow=True).redirect_chain[-1][0]

    stranger.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert [home(office), home(phone)] == [SIGN_IN_AGAIN] * 2


# ---- the sessions page ----


def test_the_page_lists_the_recent_sign_ins_and_the_open_sessions(officer, clock) -> None:
    phone, office, here = Client(), Client(), Client()
    sign_in(phone, officer, address="10.99.0.7", agent=PHONE)
    clock.shift(dt.timedelta(minutes=10))
    sign_in(office, officer, address="10.20.30.41", agent=COC_COC)
    clock.shift(dt.timedelta(minutes=10))
    office.post(reverse("logout"))
    sign_in(here, officer)
    clock.shift(dt.timedelta(minutes=5))

    response = here.get(reverse("units:sessions"))

    def at(minutes: int) -> dt.datetime:
        return START + dt.timedelta(minutes=minutes)

    assert [(row.at, row.ip_address, row.browser) for row in response.context["sign_ins"]] == [
        (at(20), "10.20.30.40", "Chrome · Windows"),
        (at(10), "10.20.30.41", "Cốc Cốc · Windows"),
        (at(0), "10.99.0.7", "Chrome · Android"),
    ]
    assert [
        (row.started, row.last_seen, row.ip_address, row.browser, row.current)
        for row in response.context["open_sessions"]
    ] == [
        (at(20), at(20), "10.20.30.40", "Chrome · Windows", True),
        (at(0), at(0), "10.99.0.7", "Chrome · Android", False),
    ]
    page = response.content.decode()
    assert "<td>03/08/2026 08:20</td>" in page
    # A session key signs in whoever holds it: the page names sessions otherwise.
    assert phone.session.session_key not in page
    assert here.session.session_key not in page


def test_ending_another_session_signs_it_out(officer, clock) -> None:
    phone, here = Client(), Client()
    sign_in(phone, officer, agent=PHONE)
    sign_in(here, officer)
    [other] = [
        row
        for row in here.get(reverse("units:sessions")).context["open_sessions"]
        if not row.current
    ]

    response = here.post(reverse("units:sessions_end"), {"session": other.token})

    assert response["Location"] == reverse("units:sessions")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã kết thúc phiên làm việc."]
    assert (home(phone), home(here)) == (SIGN_IN_AGAIN, (200, ""))
    assert UserSession.objects.filter(user=officer).count() == 1


def test_ending_every_other_session(officer, clock) -> None:
    others = [Client(), Client(), Client()]
    for client in others:
        sign_in(client, officer)
    here = Client()
    sign_in(here, officer)

    response = here.post(reverse("units:sessions_end"))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã kết thúc 3 phiên làm việc khác."
    ]
    assert [home(client) for client in others] == [SIGN_IN_AGAIN] * 3
    assert home(here) == (200, "")


def test_the_token_of_another_accounts_session_ends_nothing(users, officer, clock) -> None:
    colleague = users[Role.COMMUNE_OFFICER]
    theirs, mine = Client(), Client()
    sign_in(theirs, colleague)
    sign_in(mine, officer)
    token = sessions.session_token(theirs.session.session_key)

    response = mine.post(reverse("units:sessions_end"), {"session": token})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Phiên làm việc này đã kết thúc từ trước."
    ]
    assert home(theirs) == (200, "")


def test_the_current_session_is_not_ended_from_the_page(officer, clock) -> None:
    here = Client()
    sign_in(here, officer)
    token = sessions.session_token(here.session.session_key)

    here.post(reverse("units:sessions_end"), {"session": token})

    assert home(here) == (200, "")


def test_signing_out_removes_the_sessions_row(officer, clock) -> None:
    client = Client()
    sign_in(client, officer)
    before = UserSession.objects.filter(user=officer).count()

    client.post(reverse("logout"))

    assert (before, UserSession.objects.filter(user=officer).count()) == (1, 0)


def test_the_page_costs_the_same_queries_for_2_or_10_sessions(
    officer, clock, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    here = Client()
    sign_in(here, officer)
    sign_in(Client(), officer)
    with django_assert_max_num_queries(10) as few:
        here.get(reverse("units:sessions"))
    count = len(few.captured_queries)  # read now: the next requests empty Django's query log
    for _ in range(8):
        sign_in(Client(), officer, agent=PHONE)

    with django_assert_num_queries(count):
        response = here.get(reverse("units:sessions"))

    assert len(response.context["open_sessions"]) == 10


# ---- who reaches the pages ----


@pytest.mark.parametrize("role", list(Role.values))
def test_every_account_reaches_its_own_sessions_page(tree, users, make_user, role) -> None:
    px01 = department(make_user, tree.root, "PX01")
    account = {
        Role.INSTITUTION_STAFF: lambda: institution_staff(px01, InstitutionFactory(), "hanh"),
        Role.EMPLOYER_STAFF: lambda: employer_staff(px01, EmployerFactory(), "tuan"),
    }.get(role, lambda: users[role])()
    client = Client()
    client.force_login(account)

    page = client.get(reverse("units:sessions"))
    ended = client.post(reverse("units:sessions_end"))

    assert (page.status_code, ended["Location"]) == (200, reverse("units:sessions"))


@pytest.mark.parametrize("name", ["units:sessions", "units:sessions_end"])
def test_anonymous_visitors_are_sent_to_sign_in(db, name) -> None:
    response = Client().get(reverse(name))

    assert response["Location"] == f"{reverse('login')}?next={quote(reverse(name))}"


def test_a_session_opened_before_the_limits_gets_its_clock_on_its_next_request(officer, clock):
    # Sessions made before this release have no sign-in time: it starts at their next request.
    client = Client()
    client.force_login(officer)
    session = client.session
    del session[sessions.STARTED_KEY]
    session.save()

    home(client)

    assert client.session[sessions.STARTED_KEY] == int(START.timestamp())
