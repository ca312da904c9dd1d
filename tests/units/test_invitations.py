"""Invitations: a partner account gets a one-time link, valid 72 hours, to choose its password
(units.services.invitation_create / invitation_accept and the page /accounts/invitation/<token>/).
Only the token's sha256 is stored; an unknown, used or expired link is refused in Vietnamese
and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from units import services
from units.models import Invitation, User

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 8, 1, 9, tzinfo=HANOI)
NEW_PASSWORD = "Truong-co-gioi-2026"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def inviter(users) -> User:
    return users[User.Role.HQ_STAFF]


@pytest.fixture
def partner(db, inviter) -> User:
    return services.partner_account_invite(
        created_by=inviter,
        role=User.Role.INSTITUTION_STAFF,
        username="hanh.cdcg",
        full_name="  Đinh  Thị Hạnh ",
        email="hanh@cdcg.edu.vn",
    )


def invite(user: User, inviter: User, **kwargs: object) -> str:
    return services.invitation_create(user=user, created_by=inviter, **kwargs)


def page(token: str) -> str:
    return reverse("invitation_accept", args=[token])


# ---- the services ----


def test_a_partner_account_has_no_unit_no_password_and_an_invitation(partner, inviter) -> None:
    assert (
        partner.role,
        partner.unit,
        partner.full_name,
        partner.has_usable_password(),
    ) == ("institution_staff", None, "Đinh Thị Hạnh", False)
    [invitation] = partner.invitations.all()
    assert (invitation.created_by, invitation.used_at, invitation.expires_at) == (
        inviter,
        None,
        NOW + dt.timedelta(hours=72),
    )


def test_the_link_is_emailed_after_commit_and_only_its_hash_is_stored(
    partner, inviter, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        token = invite(partner, inviter, base_url="https://csnv.congan.local/")

    invitation = Invitation.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert not Invitation.objects.filter(token_hash=token).exists()
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["hanh@cdcg.edu.vn"],
        "Tài khoản sử dụng phần mềm đào tạo nghề, giải quyết việc làm cho chiến sĩ nghĩa vụ "
        "xuất ngũ",
    )
    assert message.body == (
        "Kính gửi Đinh Thị Hạnh,\n\n"
        "Tài khoản của anh/chị đã được tạo, tên đăng nhập là hanh.cdcg. Mở đường dẫn sau để đặt "
        "mật khẩu:\n\n"
        f"https://csnv.congan.local/accounts/invitation/{token}/\n\n"
        "Đường dẫn chỉ dùng được một lần và có hiệu lực đến 04/08/2026 09:00."
    )
    assert invitation.user == partner


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    partner, inviter, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as pending:
        invite(partner, inviter)

    assert (len(pending), mail.outbox) == (1, [])


def test_accepting_sets_the_password_once(partner, inviter) -> None:
    token = invite(partner, inviter)

    services.invitation_accept(token=token, password=NEW_PASSWORD)

    partner.refresh_from_db()
    assert partner.check_password(NEW_PASSWORD) is True
    assert Invitation.objects.filter(user=partner, used_at=None).count() == 0


def test_a_used_invitation_is_refused(partner, inviter) -> None:
    token = invite(partner, inviter)
    services.invitation_accept(token=token, password=NEW_PASSWORD)

    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=token, password="Mat-khau-khac-2026")

    assert caught.value.messages == [
        "Lời mời này đã được sử dụng. Hãy đăng nhập bằng mật khẩu đã đặt."
    ]
    partner.refresh_from_db()
    assert partner.check_password(NEW_PASSWORD) is True


def test_an_expired_invitation_is_refused(partner, inviter) -> None:
    token = invite(partner, inviter)

    with (
        time_machine.travel(NOW + dt.timedelta(hours=72, seconds=1), tick=False),
        pytest.raises(ValidationError) as caught,
    ):
        services.invitation_accept(token=token, password=NEW_PASSWORD)

    assert caught.value.messages == [
        "Lời mời đã hết hạn lúc 04/08/2026 09:00. Hãy đề nghị gửi lời mời mới."
    ]
    partner.refresh_from_db()
    assert partner.has_usable_password() is False


def test_an_unknown_token_is_refused(partner) -> None:
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token="khong-co-loi-moi-nay", password=NEW_PASSWORD)

    assert caught.value.messages == [
        "Đường dẫn mời không hợp lệ. Hãy kiểm tra lại đường dẫn trong thư điện tử."
    ]


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(partner, inviter) -> None:
    token = invite(partner, inviter)

    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=token, password="12345678")

    assert caught.value.messages == [
        "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự.",
        "Mật khẩu này quá phổ biến.",
        "Mật khẩu này hoàn toàn là số.",
    ]
    services.invitation_accept(token=token, password=NEW_PASSWORD)
    partner.refresh_from_db()
    assert partner.check_password(NEW_PASSWORD) is True


def test_accepting_one_invitation_closes_the_older_ones(partner, inviter) -> None:
    older = invite(partner, inviter)
    newer = invite(partner, inviter)

    services.invitation_accept(token=newer, password=NEW_PASSWORD)

    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=older, password="Mat-khau-khac-2026")
    assert caught.value.messages == [
        "Lời mời này đã được sử dụng. Hãy đăng nhập bằng mật khẩu đã đặt."
    ]


def test_an_invitation_needs_an_email_address(db, inviter) -> None:
    with pytest.raises(ValidationError) as caught:
        services.partner_account_invite(
            created_by=inviter,
            role=User.Role.EMPLOYER_STAFF,
            username="thanh.thanhan",
            full_name="Vũ Văn Thành",
            email=" ",
        )

    assert caught.value.message_dict == {"email": ["Nhập địa chỉ thư điện tử nhận lời mời."]}
    assert not User.objects.filter(username="thanh.thanhan").exists()


# ---- the page, opened signed out ----


def test_the_page_opens_signed_out_with_the_form(client, partner, inviter) -> None:
    token = invite(partner, inviter)

    response = client.get(page(token))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["password1", "password2"]
    assert (
        '<p data-testid="account">Tài khoản của Đinh Thị Hạnh, tên đăng nhập '
        "<strong>hanh.cdcg</strong>.</p>"
    ) in response.content.decode()


def test_the_page_sets_the_password_and_sends_to_the_login_page(client, partner, inviter) -> None:
    token = invite(partner, inviter)

    response = client.post(page(token), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu này."
    ]
    partner.refresh_from_db()
    assert partner.check_password(NEW_PASSWORD) is True


def test_two_different_passwords_change_nothing(client, partner, inviter) -> None:
    token = invite(partner, inviter)

    response = client.post(page(token), {"password1": NEW_PASSWORD, "password2": TEST_PASSWORD})

    assert response.context["form"].errors == {"password2": ["Hai mật khẩu không khớp nhau."]}
    partner.refresh_from_db()
    assert partner.has_usable_password() is False


@pytest.mark.parametrize(
    ("case", "refusal"),
    [
        ("used", "Lời mời này đã được sử dụng. Hãy đăng nhập bằng mật khẩu đã đặt."),
        ("expired", "Lời mời đã hết hạn lúc 04/08/2026 09:00. Hãy đề nghị gửi lời mời mới."),
        ("unknown", "Đường dẫn mời không hợp lệ. Hãy kiểm tra lại đường dẫn trong thư điện tử."),
    ],
)
def test_the_page_says_why_a_link_cannot_be_used_and_offers_no_form(
    client, partner, inviter, case, refusal
) -> None:
    token = invite(partner, inviter)
    if case == "used":
        services.invitation_accept(token=token, password=NEW_PASSWORD)
    elif case == "unknown":
        token = "khong-co-loi-moi-nay"
    later = NOW + dt.timedelta(days=4) if case == "expired" else NOW

    with time_machine.travel(later, tick=False):
        response = client.post(page(token), {"password1": "x", "password2": "x"})

    assert response.status_code == 200
    assert "form" not in response.context
    assert f'<p class="text-danger" data-testid="refusal">{refusal}</p>' in (
        response.content.decode()
    )
