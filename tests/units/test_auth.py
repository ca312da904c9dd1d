from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from units.models import User


def test_login_page_is_in_vietnamese(client: Client, db: None) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
    assert "Quên mật khẩu?" in content


def test_login_with_the_right_password_lands_on_the_home_page(client: Client, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]

    response = client.post(
        reverse("login"), {"username": officer.username, "password": TEST_PASSWORD}, follow=True
    )

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user"] == officer


def test_wrong_password_gives_a_vietnamese_error_and_no_session(client: Client, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]

    response = client.post(
        reverse("login"), {"username": officer.username, "password": "sai-mat-khau"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác. "
        "Chú ý rằng cả hai khung thông tin đều phân biệt chữ hoa và chữ thường."
    ]
    assert "_auth_user_id" not in client.session


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(reverse("units:list"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('units:list')}"


def test_logout_is_a_post_and_ends_the_session(login, users) -> None:
    client = login(users[User.Role.HQ_STAFF])

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_password_change_keeps_the_user_signed_in(login, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    client = login(officer)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Mot-mat-khau-moi-2027",
            "new_password2": "Mot-mat-khau-moi-2027",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    officer.refresh_from_db()
    assert officer.check_password("Mot-mat-khau-moi-2027")


def test_a_too_short_new_password_is_refused_in_vietnamese(login, users) -> None:
    client = login(users[User.Role.UNIT_OFFICER])

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "ab1", "new_password2": "ab1"},
    )

    assert response.status_code == 200
    assert (
        "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."
        in response.context["form"].errors["new_password2"]
    )


def test_password_reset_sends_a_vietnamese_link_that_works_once(client: Client, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]

    client.post(reverse("password_reset"), {"email": officer.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt mật khẩu mới"
    assert message.to == [officer.email]
    assert f"cho tài khoản {officer.username}. Nếu đúng là đồng chí" in message.body
    assert "Nếu không phải đồng chí yêu cầu" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Mat-khau-dat-lai-99", "new_password2": "Mat-khau-dat-lai-99"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-dat-lai-99")
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_production_hashes_passwords_with_argon2(db: None) -> None:
    assert settings.PASSWORD_HASHERS[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = User.objects.create_superuser("x", "x@congan.local", "x")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "PASSWORD_HASHERS", production.PASSWORD_HASHERS)
        from django.contrib.auth.hashers import get_hashers

        get_hashers.cache_clear()
        user.set_password("Mat-khau-rat-dai-123")
        assert identify_hasher(user.password).algorithm == "argon2"
    get_hashers.cache_clear()


def test_session_ends_after_thirty_idle_minutes_renewed_by_requests_once_a_minute() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_SECONDS == 60
