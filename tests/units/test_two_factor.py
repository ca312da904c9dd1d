"""Two-factor sign-in (units/two_factor.py, units.middleware.TwoFactorMiddleware): required of
headquarters staff, leaders and superusers, optional for the others; set up with a QR code drawn
by the server and a first code; ten single-use recovery codes; a wrong or reused code counts
towards the same lockout as wrong passwords; an administrator's reset says who and why."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import InstitutionFactory
from tests.partners import department, institution_staff
from tests.units.signing_in import (
    code_now,
    enrol,
    give_code,
    sign_in,
    signed_in,
)
from units import two_factor
from units.models import AuditEvent, User, UserSession

Role = User.Role
WRONG = "Mã không đúng hoặc đã được dùng. Đồng chí hãy nhập mã ứng dụng đang hiển thị."
LOCKED_BY_CODES = (
    "Mật khẩu hoặc mã xác thực của tài khoản này đã bị nhập sai 5 lần liên tiếp từ máy tính "
    "này, nên việc đăng nhập tài khoản từ đây bị tạm khóa trong 15 phút."
)


def setup_url(next_url: str = "/") -> str:
    return f"{reverse('units:two_factor_setup')}?next={quote(next_url)}"


def verify_url(next_url: str = "/") -> str:
    return f"{reverse('units:two_factor_verify')}?next={quote(next_url)}"


def enrolled(user: User, clock) -> TOTPDevice:
    """An account that set two-factor sign-in up in an earlier session (and signed out)."""
    client = Client()
    sign_in(client, user)
    device, _codes = enrol(client, user)
    client.post(reverse("logout"))
    clock.shift(dt.timedelta(seconds=30))  # the next code is a new one
    return device


def two_factor_events() -> list[tuple[str, str, str]]:
    return [
        (event.username, event.summary, event.details["action"])
        for event in AuditEvent.objects.filter(kind=AuditEvent.Kind.TWO_FACTOR).order_by("pk")
    ]


# ---- required and optional by role ----


def test_settings_require_it_of_headquarters_staff_leaders_and_superusers(users, superuser):
    assert {role: two_factor.required_for(user) for role, user in users.items()} | {
        "superuser": two_factor.required_for(superuser)
    } == {
        Role.UNIT_OFFICER: False,
        Role.COMMUNE_OFFICER: False,
        Role.HQ_STAFF: True,
        Role.LEADER: True,
        "superuser": True,
    }


@pytest.mark.parametrize("role", [Role.HQ_STAFF, Role.LEADER, "superuser"])
def test_an_account_that_must_have_it_sets_it_up_before_any_other_page(
    users, superuser, role, clock
) -> None:
    user = superuser if role == "superuser" else users[role]
    client = Client()
    sign_in(client, user)

    pages = [client.get(url) for url in ("/", reverse("soldiers:list"), reverse("admin:index"))]

    assert [(page.status_code, page["Location"]) for page in pages] == [
        (302, setup_url("/")),
        (302, setup_url(reverse("soldiers:list"))),
        (302, setup_url(reverse("admin:index"))),
    ]
    assert client.get(setup_url()).status_code == 200


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER])
def test_an_officer_without_it_signs_in_with_the_password_alone(users, role, clock) -> None:
    client = Client()
    sign_in(client, users[role])

    assert client.get("/").status_code == 200


def test_signing_out_and_public_pages_stay_open_before_the_set_up(users, clock) -> None:
    client = Client()
    sign_in(client, users[Role.LEADER])

    assert client.get(reverse("board")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert not signed_in(client)


# ---- setting it up ----


def test_the_set_up_page_shows_a_qr_code_drawn_here_and_the_key_as_text(users, clock) -> None:
    client = Client()
    sign_in(client, users[Role.HQ_STAFF])

    page = client.get(setup_url()).content.decode()

    key = client.session[two_factor.ENROLMENT_KEY]
    secret = two_factor.secret_text(TOTPDevice(key=key))
    assert '<div class="my-2" data-testid="qr-code"><svg' in page
    assert "<img" not in page  # no picture fetched from another service
    assert f'<div class="font-monospace fs-5 my-1" data-testid="secret">{secret}</div>' in page
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    assert TOTPDevice.objects.count() == 0  # nothing is saved until the first code


def test_reloading_the_set_up_page_keeps_the_same_key(users, clock) -> None:
    client = Client()
    sign_in(client, users[Role.HQ_STAFF])
    client.get(setup_url())
    first = client.session[two_factor.ENROLMENT_KEY]

    client.get(setup_url())

    assert client.session[two_factor.ENROLMENT_KEY] == first


def test_the_first_right_code_turns_it_on_and_shows_ten_recovery_codes_once(users, clock) -> None:
    leader = users[Role.LEADER]
    client = Client()
    sign_in(client, leader)
    client.get(setup_url())
    key = client.session[two_factor.ENROLMENT_KEY]

    response = client.post(setup_url(), {"code": code_now(TOTPDevice(key=key)), "next": "/"})

    device = TOTPDevice.objects.get(user=leader)
    codes = response.context["codes"]
    assert (device.key, device.confirmed) == (key, True)
    assert len(set(codes)) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=leader).values_list("token", flat=True)
    ) == sorted(codes)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã bật xác thực hai lớp cho tài khoản này."
    ]
    assert client.get("/").status_code == 200  # this session gave its code
    assert two_factor_events() == [(leader.username, "Đã thiết lập xác thực hai lớp", "enrolled")]
    assert client.get(reverse("units:two_factor")).context["codes_left"] == 10
    assert 'data-testid="recovery-codes"' not in client.get("/").content.decode()


def test_a_wrong_first_code_changes_nothing(users, clock) -> None:
    leader = users[Role.LEADER]
    client = Client()
    sign_in(client, leader)
    client.get(setup_url())
    key = client.session[two_factor.ENROLMENT_KEY]
    wrong = f"{(int(code_now(TOTPDevice(key=key))) + 1) % 1_000_000:06d}"

    response = client.post(setup_url(), {"code": wrong})

    assert response.context["form"].errors == {
        "code": [
            "Mã không đúng. Đồng chí hãy kiểm tra đồng hồ điện thoại đã đúng giờ chưa và nhập "
            "mã ứng dụng đang hiển thị."
        ]
    }
    assert (TOTPDevice.objects.count(), StaticToken.objects.count()) == (0, 0)
    assert client.get("/")["Location"] == setup_url("/")


def test_turning_it_on_ends_the_accounts_other_sessions(users, clock) -> None:
    officer = users[Role.UNIT_OFFICER]
    elsewhere, here = Client(), Client()
    sign_in(elsewhere, officer, address="10.99.0.7")
    sign_in(here, officer)

    enrol(here, officer)

    assert elsewhere.get("/")["Location"] == f"{reverse('login')}?next=/"
    assert here.get("/").status_code == 200


def test_an_account_with_a_device_cannot_open_the_set_up_page_again(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)
    give_code(client, code_now(device))

    response = client.get(reverse("units:two_factor_setup"))

    assert response["Location"] == reverse("units:two_factor")
    assert TOTPDevice.objects.filter(user=hq).count() == 1


# ---- signing in with it ----


def test_after_the_password_an_account_with_a_device_gives_its_code_before_any_page(
    users, clock
) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)

    before = client.get(reverse("soldiers:list"))
    step_page = client.get(before["Location"])
    after = give_code(client, code_now(device), next_url=reverse("soldiers:list"))

    assert before["Location"] == verify_url(reverse("soldiers:list"))
    assert step_page.status_code == 200
    assert after["Location"] == reverse("soldiers:list")
    assert client.get(reverse("soldiers:list")).status_code == 200


def test_the_set_up_page_is_closed_to_a_session_that_has_not_given_its_code(users, clock):
    hq = users[Role.HQ_STAFF]
    enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)

    response = client.get(reverse("units:two_factor_setup"))

    assert response["Location"] == verify_url(reverse("units:two_factor_setup"))


def test_an_officer_may_turn_it_on_and_is_then_asked_for_the_code(users, clock) -> None:
    officer = users[Role.UNIT_OFFICER]
    device = enrolled(officer, clock)
    client = Client()
    sign_in(client, officer)

    assert client.get("/")["Location"] == verify_url("/")
    assert give_code(client, code_now(device))["Location"] == "/"


def test_a_code_from_another_site_is_not_followed(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)

    response = give_code(client, code_now(device), next_url="https://example.com/")

    assert response["Location"] == "/"


def test_a_code_already_used_is_refused(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    first, second = Client(), Client()
    sign_in(first, hq)
    sign_in(second, hq)
    code = code_now(device)
    give_code(first, code)

    response = give_code(second, code)

    assert response.context["form"].errors == {"code": [WRONG]}
    assert second.get("/")["Location"] == verify_url("/")


def test_a_recovery_code_signs_in_once(users, clock) -> None:
    leader = users[Role.LEADER]
    client = Client()
    sign_in(client, leader)
    _device, codes = enrol(client, leader)
    client.post(reverse("logout"))
    first, second = Client(), Client()
    sign_in(first, leader)
    sign_in(second, leader)

    used = give_code(first, codes[3].upper())
    again = give_code(second, codes[3])

    assert used["Location"] == "/"
    assert again.context["form"].errors == {"code": [WRONG]}
    assert StaticToken.objects.filter(device__user=leader).count() == 9
    assert two_factor_events()[-1] == (
        leader.username,
        "Đăng nhập bằng mã khôi phục (còn 9 mã)",
        "recovery_code_used",
    )


def test_new_recovery_codes_replace_the_old_ones(users, clock) -> None:
    leader = users[Role.LEADER]
    client = Client()
    sign_in(client, leader)
    _device, old = enrol(client, leader)

    response = client.post(reverse("units:two_factor_recovery_codes"))

    new = response.context["codes"]
    assert len(set(new)) == 10
    assert set(new).isdisjoint(old)
    assert sorted(
        StaticToken.objects.filter(device__user=leader).values_list("token", flat=True)
    ) == sorted(new)
    assert two_factor_events()[-1] == (
        leader.username,
        "Đã tạo lại mã khôi phục",
        "recovery_codes_regenerated",
    )
    client.post(reverse("logout"))
    other = Client()
    sign_in(other, leader)
    assert give_code(other, old[0]).context["form"].errors == {"code": [WRONG]}


def test_an_account_without_a_device_makes_no_recovery_codes(users, clock) -> None:
    client = Client()
    sign_in(client, users[Role.UNIT_OFFICER])

    response = client.post(reverse("units:two_factor_recovery_codes"))

    assert response.status_code == 403
    assert StaticToken.objects.count() == 0


# ---- wrong codes: the wait, and the same lockout as wrong passwords ----


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 500_000) % 1_000_000:06d}"


def code_step_after_wrong_codes(user: User, clock, wrong: int) -> tuple[Client, TOTPDevice, list]:
    """An enrolled account signed in with its password, then `wrong` wrong codes typed, each
    after the wait the previous one earned (1, 2, 4, 8 s); returns the client, the device and
    the answers."""
    device = enrolled(user, clock)
    client = Client()
    sign_in(client, user)
    answers = []
    for _ in range(wrong):
        answers.append(give_code(client, wrong_code(device)))
        clock.shift(dt.timedelta(seconds=20))
    return client, device, answers


def failures(user: User) -> int:
    return sum(
        AccessAttempt.objects.filter(username=user.username).values_list(
            "failures_since_start", flat=True
        )
    )


def test_a_code_typed_too_soon_after_a_wrong_one_is_not_checked(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)
    give_code(client, wrong_code(device))

    too_soon = give_code(client, code_now(device))
    clock.shift(dt.timedelta(seconds=1))
    in_time = give_code(client, code_now(device))

    assert too_soon.context["form"].errors == {
        "code": ["Nhập sai mã quá nhiều lần: đồng chí hãy chờ 1 giây rồi nhập lại mã."]
    }
    assert in_time["Location"] == "/"


def test_signing_in_again_does_not_shorten_the_wait_after_wrong_codes(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    device = enrolled(hq, clock)
    client = Client()
    sign_in(client, hq)
    for _ in range(3):
        clock.shift(dt.timedelta(seconds=5))
        give_code(client, wrong_code(device))
    fresh = Client()
    sign_in(fresh, hq)  # the right password clears django-axes' count, not the device's wait

    response = give_code(fresh, code_now(device))

    assert response.context["form"].errors == {
        "code": ["Nhập sai mã quá nhiều lần: đồng chí hãy chờ 4 giây rồi nhập lại mã."]
    }


def test_five_wrong_codes_lock_the_account_as_five_wrong_passwords_do(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    client, device, answers = code_step_after_wrong_codes(hq, clock, 5)

    statuses = [answer.status_code for answer in answers]
    logged = list(
        AuditEvent.objects.filter(user=hq, kind__in=["login_failed", "lockout"])
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    locked = give_code(client, code_now(device))
    again = sign_in(Client(), hq)

    assert statuses == [200, 200, 200, 200, 429]
    # django-axes announces the lockout while the fifth failure is being recorded.
    assert logged == ["login_failed"] * 4 + ["lockout", "login_failed"]
    assert failures(hq) == 5
    assert not signed_in(client)
    assert locked["Location"] == f"{reverse('login')}?next={reverse('units:two_factor_verify')}"
    assert again.status_code == 429


def test_the_lockout_page_says_the_code_was_wrong(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    client, device, _answers = code_step_after_wrong_codes(hq, clock, 4)

    response = give_code(client, wrong_code(device))

    assert response.status_code == 429
    assert LOCKED_BY_CODES in response.content.decode()


def test_four_wrong_codes_do_not_lock(users, clock) -> None:
    hq = users[Role.HQ_STAFF]
    client, device, _answers = code_step_after_wrong_codes(hq, clock, 4)

    response = give_code(client, code_now(device))

    assert response["Location"] == "/"
    assert failures(hq) == 0  # a complete sign-in clears the count, as for passwords


# ---- an administrator's reset ----


def test_px01_resets_a_lost_second_factor_with_the_reason_in_the_audit_log(
    users, px01, clock, login
) -> None:
    leader = users[Role.LEADER]
    enrolled(leader, clock)
    phone_session = Client()
    sign_in(phone_session, leader)
    admin = login(px01)

    response = admin.post(
        reverse("units:two_factor_reset"),
        {"account": leader.pk, "reason": "  Mất điện thoại ngày 02/08,  đã gọi xác nhận "},
    )

    assert response["Location"] == reverse("units:two_factor_reset")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Đã đặt lại xác thực hai lớp của tài khoản {leader.username} và đăng xuất tài khoản này "
        "trên mọi thiết bị. Ở lần đăng nhập tới, tài khoản sẽ thiết lập lại xác thực hai lớp."
    ]
    assert (TOTPDevice.objects.filter(user=leader).count(), StaticToken.objects.count()) == (0, 0)
    assert UserSession.objects.filter(user=leader).count() == 0
    assert not signed_in(phone_session)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TWO_FACTOR, details__action="reset")
    assert (event.username, event.subject_id, event.summary, event.details) == (
        px01.username,
        leader.pk,
        f"Đặt lại xác thực hai lớp của {leader.username}: Mất điện thoại ngày 02/08, đã gọi "
        "xác nhận",
        {
            "action": "reset",
            "account": leader.username,
            "reason": "Mất điện thoại ngày 02/08, đã gọi xác nhận",
        },
    )
    client = Client()
    sign_in(client, leader)
    assert client.get("/")["Location"] == setup_url("/")


def test_a_reset_needs_a_reason(users, px01, clock, login) -> None:
    leader = users[Role.LEADER]
    enrolled(leader, clock)

    response = login(px01).post(
        reverse("units:two_factor_reset"), {"account": leader.pk, "reason": "   "}
    )

    assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert TOTPDevice.objects.filter(user=leader).count() == 1


def test_an_administrator_resets_neither_his_own_nor_px01_a_superusers(
    users, px01, superuser, clock, login
) -> None:
    for account in (users[Role.LEADER], px01, superuser):
        TOTPDevice.objects.create(user=account, name="phone")
    users[Role.UNIT_OFFICER]  # no device: nothing to reset

    px01_choices = login(px01).get(reverse("units:two_factor_reset")).context["form"]
    admin_choices = login(superuser).get(reverse("units:two_factor_reset")).context["form"]

    assert list(px01_choices.fields["account"].queryset) == [users[Role.LEADER]]
    assert list(admin_choices.fields["account"].queryset) == sorted(
        [users[Role.LEADER], px01], key=lambda user: user.username
    )


# ---- who reaches the pages ----

OWN_PAGES = ["units:two_factor", "units:two_factor_verify", "units:two_factor_setup"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.UNIT_OFFICER, 403),
        (Role.COMMUNE_OFFICER, 403),
        (Role.HQ_STAFF, 403),  # PA03 or any department but PX01
        (Role.LEADER, 403),
        ("px01", 200),
        ("superuser", 200),
    ],
)
def test_only_px01_and_superusers_open_the_reset_page(
    users, px01, superuser, login, role, expected
) -> None:
    user = {"px01": px01, "superuser": superuser}.get(role) or users[role]

    response = login(user).get(reverse("units:two_factor_reset"))

    assert response.status_code == expected


def test_partners_reach_their_own_two_factor_pages_but_not_the_reset(tree, make_user) -> None:
    px01 = department(make_user, tree.root, "PX01")
    partner = institution_staff(px01, InstitutionFactory(), "hanh.cdcg")
    client = Client()
    client.force_login(partner)

    statuses = [client.get(reverse(name)).status_code for name in OWN_PAGES]

    # The code page sends an account with nothing to give on to its home page.
    assert statuses == [200, 302, 200]
    assert client.get(reverse("units:two_factor_reset")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db) -> None:
    names = [*OWN_PAGES, "units:two_factor_reset"]

    locations = [Client().get(reverse(name))["Location"] for name in names]

    assert locations == [f"{reverse('login')}?next={quote(reverse(name))}" for name in names]


# ---- the demo ----


def test_the_demo_px01_account_sets_up_two_factor_before_reaching_the_dashboard(db, clock):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("px01"))
    px01 = User.objects.get(username="px01")
    client = Client()

    sign_in(client, px01, password=line.rsplit("mật khẩu: ", 1)[1].strip())
    response = client.get(reverse("reports:dashboard"))

    assert response["Location"] == setup_url(reverse("reports:dashboard"))


def test_devices_are_not_in_the_administration(superuser) -> None:
    # Changed only through the audited pages: the admin would show an officer's key.
    client = Client()
    client.force_login(superuser)

    index = client.get(reverse("admin:index")).content.decode()

    assert (admin.site.is_registered(TOTPDevice), admin.site.is_registered(StaticDevice)) == (
        False,
        False,
    )
    assert "otp_totp" not in index
