"""Rolling accounts out: `manage.py create_account` (password from standard input, or an
invitation) and the Excel import of PX01 and superusers (units/account_import.py): every row
checked first, then all accounts opened with their invitations, or none. Accounts are never
deleted."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import EmployerFactory
from tests.partners import department, employer_staff
from tests.soldiers.xlsx import upload, xlsx
from units.account_import import COLUMNS, RowError
from units.models import AuditEvent, User

Role = User.Role
PASSWORD = "Mat-khau-rat-manh-2026"
UNIT_OFFICER = "Cán bộ đơn vị quản lý CSNV"
ROLE_NAMES = (
    "Cán bộ đơn vị quản lý CSNV, Cán bộ Công an cấp xã, Cán bộ cơ quan Công an tỉnh, Lãnh đạo"
)


def account_row(serial: int, **overrides: str) -> dict[str, Any]:
    """A valid row: an officer of PK02 (tests/conftest.py `tree`); `overrides` by column."""
    row = {
        "Tên đăng nhập": f"canbo.moi{serial:02d}",
        "Họ và tên": f"Nguyễn Văn Mới {serial}",
        "Email": f"canbo.moi{serial:02d}@congan.local",
        "Đơn vị": "PK02",
        "Vai trò": UNIT_OFFICER,
    }
    return row | overrides


def thirty_accounts() -> list[dict[str, Any]]:
    """A province's roll-out: officers of two units, commune officers, headquarters staff and
    leaders, roles written by name or by code."""
    rows = [account_row(n, **{"Đơn vị": "PK02" if n < 10 else "PC07"}) for n in range(1, 21)]
    rows += [
        account_row(n, **{"Đơn vị": "cax-01", "Vai trò": "commune_officer"}) for n in range(21, 26)
    ]
    rows += [
        account_row(n, **{"Đơn vị": "CAT", "Vai trò": "Cán bộ cơ quan Công an tỉnh"})
        for n in range(26, 29)
    ]
    rows += [account_row(n, **{"Đơn vị": "CAT", "Vai trò": "LÃNH ĐẠO"}) for n in range(29, 31)]
    return rows


def file_of(rows: list[dict[str, Any]]) -> bytes:
    return xlsx(rows, header=COLUMNS)


def preview(client: Client, rows: list[dict[str, Any]]):
    client.post(reverse("units:account_import"), {"file": upload(file_of(rows), "tai-khoan.xlsx")})
    return client.get(reverse("units:account_import_preview"))


def confirm(client: Client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("units:account_import_confirm"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---- the import: a good file ----


def test_px01_opens_30_accounts_from_one_file_each_with_an_invitation(
    px01, login, django_capture_on_commit_callbacks
) -> None:
    client = login(px01)

    shown = preview(client, thirty_accounts())
    done = confirm(client, django_capture_on_commit_callbacks)

    assert [account.username for account in shown.context["plan"].accounts] == [
        f"canbo.moi{n:02d}" for n in range(1, 31)
    ]
    assert shown.context["plan"].errors == []
    assert done["Location"] == reverse("units:account_import")
    assert messages_of(done) == [
        "Đã mở 30 tài khoản. Mỗi tài khoản đã được gửi thư mời để tự đặt mật khẩu."
    ]
    opened = User.objects.filter(username__startswith="canbo.moi").order_by("username")
    assert [(user.unit.code, user.role) for user in opened] == (
        [("PK02", Role.UNIT_OFFICER)] * 9
        + [("PC07", Role.UNIT_OFFICER)] * 11
        + [("CAX-01", Role.COMMUNE_OFFICER)] * 5
        + [("CAT", Role.HQ_STAFF)] * 3
        + [("CAT", Role.LEADER)] * 2
    )
    assert {user.has_usable_password() for user in opened} == {False}
    assert opened.first().full_name == "Nguyễn Văn Mới 1"
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"canbo.moi{n:02d}@congan.local" for n in range(1, 31)
    ]
    assert "http://testserver/accounts/invitation/" in mail.outbox[0].body
    events = AuditEvent.objects.filter(user=px01, kind__in=["account", "import"]).order_by("pk")
    assert [event.kind for event in events] == ["account"] * 30 + ["import"]
    assert events.last().details == {"file": "tai-khoan.xlsx", "created": 30}


def test_the_preview_saves_nothing(px01, login) -> None:
    preview(login(px01), thirty_accounts())

    assert User.objects.filter(username__startswith="canbo.moi").count() == 0
    assert mail.outbox == []


def test_a_role_written_with_decomposed_accents_is_understood(px01, login) -> None:
    decomposed = unicodedata.normalize("NFD", "Lãnh đạo")
    rows = [account_row(1, **{"Đơn vị": "CAT", "Vai trò": f"  {decomposed} "})]

    plan = preview(login(px01), rows).context["plan"]

    assert [(account.role, account.role_label) for account in plan.accounts] == [
        (Role.LEADER, "Lãnh đạo")
    ]


# ---- the import: bad rows, all or nothing ----


def test_each_kind_of_bad_row_is_reported_and_nothing_is_saved(
    users, px01, login, django_capture_on_commit_callbacks
) -> None:
    existing = users[Role.UNIT_OFFICER].username
    rows = [
        account_row(1),
        account_row(2, **{"Đơn vị": "PK99"}),
        account_row(3, **{"Vai trò": "Thủ trưởng"}),
        account_row(4, **{"Tên đăng nhập": "trung.ten"}),
        account_row(5, **{"Tên đăng nhập": "Trung.Ten"}),
        account_row(6, **{"Tên đăng nhập": existing.upper()}),
        account_row(7, **{"Email": "khong-phai-email"}),
        account_row(8, **{"Họ và tên": "  "}),
        account_row(9, **{"Vai trò": "Cán bộ Công an cấp xã"}),
        account_row(10, **{"Tên đăng nhập": "nguyen van a"}),
    ]
    client = login(px01)

    shown = preview(client, rows)
    again = confirm(client, django_capture_on_commit_callbacks)

    assert shown.context["plan"].errors == [
        RowError(3, "Đơn vị", "Không có đơn vị nào mang mã PK99."),
        RowError(
            4,
            "Vai trò",
            f"Không có vai trò “Thủ trưởng”. Đồng chí hãy ghi một trong các vai trò: {ROLE_NAMES}.",
        ),
        RowError(5, "Tên đăng nhập", "Tên đăng nhập này cũng có ở dòng 6."),
        RowError(6, "Tên đăng nhập", "Tên đăng nhập này cũng có ở dòng 5."),
        RowError(7, "Tên đăng nhập", f"Tên đăng nhập {existing.upper()} đã có người dùng."),
        RowError(8, "Email", "khong-phai-email không phải là địa chỉ thư điện tử."),
        RowError(9, "Họ và tên", "Ô này cần được điền."),
        RowError(
            10,
            "Đơn vị",
            "Tài khoản vai trò “Cán bộ Công an cấp xã” phải thuộc đơn vị loại “Công an cấp xã”; "
            "PK02 không thuộc loại này.",
        ),
        RowError(
            11,
            "Tên đăng nhập",
            "Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký hiệu . @ + - _ (không có dấu cách).",
        ),
    ]
    page = shown.content.decode()
    assert "Chưa lưu gì: 9 dòng có lỗi. Đồng chí hãy sửa tệp rồi tải lên lại." in page
    assert 'data-testid="confirm"' not in page
    assert again.context["plan"].error_rows == 9  # confirming anyway saves nothing either
    assert User.objects.filter(username__startswith="canbo.moi").count() == 0
    assert mail.outbox == []


def test_one_bad_row_among_thirty_saves_none_of_them(
    px01, login, django_capture_on_commit_callbacks
) -> None:
    rows = thirty_accounts()
    rows[29] = rows[29] | {"Email": "lanhdao@"}
    client = login(px01)
    preview(client, rows)

    response = confirm(client, django_capture_on_commit_callbacks)

    assert response.context["plan"].errors == [
        RowError(31, "Email", "lanhdao@ không phải là địa chỉ thư điện tử.")
    ]
    assert User.objects.filter(username__startswith="canbo.moi").count() == 0
    assert AuditEvent.objects.filter(kind__in=["account", "import"]).count() == 0
    assert mail.outbox == []


def test_an_account_opened_between_the_preview_and_the_confirmation_stops_the_import(
    tree, px01, login, django_capture_on_commit_callbacks
) -> None:
    client = login(px01)
    preview(client, thirty_accounts())
    User.objects.create_user(
        username="canbo.moi07", email="x@congan.local", unit=tree.pk02, role=Role.UNIT_OFFICER
    )

    response = confirm(client, django_capture_on_commit_callbacks)

    assert response.context["plan"].errors == [
        RowError(8, "Tên đăng nhập", "Tên đăng nhập canbo.moi07 đã có người dùng.")
    ]
    assert User.objects.filter(username__startswith="canbo.moi").count() == 1
    assert mail.outbox == []


def test_a_file_without_the_template_header_is_refused_on_the_form(px01, login) -> None:
    content = xlsx([account_row(1)], header=COLUMNS[:-1])

    response = login(px01).post(reverse("units:account_import"), {"file": upload(content)})

    assert response.context["form"].errors == {
        "file": ["Dòng 1 phải là dòng tiêu đề của tệp mẫu. Thiếu cột: Vai trò."]
    }


def test_a_file_without_rows_is_refused_with_the_reason(px01, login) -> None:
    client = login(px01)
    client.post(reverse("units:account_import"), {"file": upload(file_of([]))})

    response = client.get(reverse("units:account_import_preview"))

    assert response["Location"] == reverse("units:account_import")
    assert messages_of(response) == [
        "Tệp không có tài khoản nào: đồng chí hãy điền vào các dòng dưới dòng tiêu đề."
    ]


def test_the_template_has_the_columns_and_the_roles(px01, login) -> None:
    response = login(px01).get(reverse("units:account_import_template"))

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    accounts, roles = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    assert response["Content-Disposition"] == 'attachment; filename="mau-tai-khoan.xlsx"'
    assert workbook.sheetnames == ["Tài khoản", "Vai trò"]
    assert accounts == [COLUMNS]
    assert roles == [
        ("Vai trò", "Mã", "Loại đơn vị"),
        ("Cán bộ đơn vị quản lý CSNV", "unit_officer", "Đơn vị quản lý CSNV"),
        ("Cán bộ Công an cấp xã", "commune_officer", "Công an cấp xã"),
        ("Cán bộ cơ quan Công an tỉnh", "hq_staff", "Phòng nghiệp vụ Công an tỉnh"),
        ("Lãnh đạo", "leader", "Phòng nghiệp vụ Công an tỉnh"),
    ]


def test_the_filled_in_template_imports(px01, login) -> None:
    client = login(px01)
    template = client.get(reverse("units:account_import_template")).content
    workbook = load_workbook(io.BytesIO(template))
    workbook.worksheets[0].append(list(account_row(1).values()))
    buffer = io.BytesIO()
    workbook.save(buffer)

    client.post(reverse("units:account_import"), {"file": upload(buffer.getvalue())})
    plan = client.get(reverse("units:account_import_preview")).context["plan"]

    assert ([account.username for account in plan.accounts], plan.errors) == (["canbo.moi01"], [])


# ---- who reaches the import ----

IMPORT_PAGES = [
    ("get", "units:account_import"),
    ("get", "units:account_import_preview"),
    ("get", "units:account_import_template"),
    ("post", "units:account_import_confirm"),
]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (Role.UNIT_OFFICER, False),
        (Role.COMMUNE_OFFICER, False),
        ("pa03", False),
        (Role.LEADER, False),
        (Role.EMPLOYER_STAFF, False),
        ("px01", True),
        ("superuser", True),
    ],
)
def test_only_px01_and_superusers_open_the_import(
    tree, users, px01, superuser, make_user, who, allowed
) -> None:
    account = {
        "px01": lambda: px01,
        "superuser": lambda: superuser,
        "pa03": lambda: department(make_user, tree.root, "PA03"),
        Role.EMPLOYER_STAFF: lambda: employer_staff(px01, EmployerFactory(), "tuan"),
    }.get(who, lambda: users[who])()
    client = Client()
    client.force_login(account)

    statuses = [getattr(client, method)(reverse(name)).status_code for method, name in IMPORT_PAGES]

    # Without a file uploaded first, the preview and the confirmation send back to the form.
    assert statuses == ([200, 302, 200, 302] if allowed else [403] * 4)


def test_anonymous_visitors_are_sent_to_sign_in(db) -> None:
    responses = [getattr(Client(), method)(reverse(name)) for method, name in IMPORT_PAGES]

    assert [response["Location"].split("?")[0] for response in responses] == [reverse("login")] * 4


# ---- create_account ----


def run(*args: str, stdin: str = "", **options: Any) -> str:
    out = io.StringIO()
    call_command("create_account", *args, stdin=io.StringIO(stdin), stdout=out, **options)
    return out.getvalue()


def test_create_account_reads_the_password_from_standard_input(tree) -> None:
    output = run(
        "canbo.pc07",
        unit="pc07",
        role="unit_officer",
        email="canbo.pc07@congan.local",
        full_name="Hoàng  Văn  Em",
        stdin=f"{PASSWORD}\n",
    )

    account = User.objects.get(username="canbo.pc07")
    assert (account.unit, account.role, account.full_name, account.email) == (
        tree.pc07,
        Role.UNIT_OFFICER,
        "Hoàng Văn Em",
        "canbo.pc07@congan.local",
    )
    assert account.check_password(PASSWORD)
    assert output == "Đã mở tài khoản canbo.pc07: Cán bộ đơn vị quản lý CSNV, PC07.\n"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT)
    assert (event.user, event.username, event.subject_id) == (None, "", account.pk)
    assert mail.outbox == []


def test_create_account_with_invite_emails_the_link_and_sets_no_password(
    tree, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = run(
            "lanhdao.moi",
            unit="CAT",
            role="Lãnh đạo",
            email="lanhdao.moi@congan.local",
            invite=True,
        )

    account = User.objects.get(username="lanhdao.moi")
    assert (account.role, account.has_usable_password()) == (Role.LEADER, False)
    assert output == (
        "Đã mở tài khoản lanhdao.moi: Lãnh đạo, CAT.\n"
        "Đã gửi thư mời đặt mật khẩu tới lanhdao.moi@congan.local.\n"
    )
    [message] = mail.outbox
    assert message.to == ["lanhdao.moi@congan.local"]
    assert f"{settings.SITE_URL}/accounts/invitation/" in message.body


@pytest.mark.parametrize(
    ("args", "options", "stdin", "error"),
    [
        (["canbo.x"], {"unit": "PK99"}, PASSWORD, "Không có đơn vị nào mang mã PK99."),
        (
            ["canbo.x"],
            {"role": "thu_truong"},
            PASSWORD,
            "Không có vai trò “thu_truong”. Đồng chí hãy ghi một trong các vai trò: "
            "unit_officer, commune_officer, hq_staff, leader.",
        ),
        (
            ["canbo.x"],
            {"role": "commune_officer"},
            PASSWORD,
            "Tài khoản vai trò “Cán bộ Công an cấp xã” phải thuộc đơn vị loại “Công an cấp xã”; "
            "PK02 không thuộc loại này.",
        ),
        (
            ["canbo.x"],
            {},
            "",
            "Đồng chí hãy nhập mật khẩu qua đầu vào chuẩn (stdin), hoặc dùng --invite.",
        ),
        (
            ["canbo.x"],
            {},
            "12345",
            "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự. Mật khẩu này quá phổ biến. "
            "Mật khẩu này hoàn toàn là số.",
        ),
        (
            ["canbo.x"],
            {"email": "khong-phai-email"},
            PASSWORD,
            "khong-phai-email không phải là địa chỉ thư điện tử.",
        ),
    ],
)
def test_create_account_refuses_bad_input_and_opens_nothing(
    tree, args, options, stdin, error
) -> None:
    defaults = {"unit": "PK02", "role": "unit_officer", "email": "canbo.x@congan.local"}

    with pytest.raises(CommandError) as refused:
        run(*args, stdin=stdin, **(defaults | options))

    assert str(refused.value) == error
    assert not User.objects.filter(username="canbo.x").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT).count() == 0


def test_create_account_refuses_a_name_already_taken(users) -> None:
    taken = users[Role.UNIT_OFFICER].username

    with pytest.raises(CommandError) as refused:
        run(taken, unit="PK02", role="unit_officer", email="x@congan.local", stdin=PASSWORD)

    assert str(refused.value) == f"Tên đăng nhập {taken} đã có người dùng."


# ---- accounts are deactivated, never deleted ----


def test_the_administration_deletes_no_account(users, superuser) -> None:
    client = Client()
    client.force_login(superuser)
    officer = users[Role.UNIT_OFFICER]

    response = client.post(reverse("admin:units_user_delete", args=[officer.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()


@pytest.mark.parametrize(("who", "shown"), [("px01", True), ("pa03", False), ("superuser", True)])
def test_the_home_page_of_px01_and_superusers_links_to_the_roll_out_and_the_reset(
    tree, px01, superuser, make_user, login, who, shown
) -> None:
    account = {"px01": px01, "superuser": superuser}.get(who) or department(
        make_user, tree.root, "PA03"
    )

    page = login(account).get("/").content.decode()

    links = [reverse("units:account_import"), reverse("units:two_factor_reset")]
    assert [f'href="{link}"' in page for link in links] == [shown, shown]
