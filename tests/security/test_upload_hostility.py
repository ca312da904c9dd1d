"""Hostile uploads: the soldier import, the ledger import and report attachments refuse (or,
for attachments, store unread) zip bombs, a million rows, macros, links to other files, a CSV in
disguise, 100,000-character cells and formulas, in bounded time and memory, saving nothing."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.utils import get_column_letter

from employers.models import Placement
from reports import ledger, submissions
from reports.models import ReportObligation, ReportSubmission
from soldiers import importing
from soldiers.importing import workbook
from soldiers.models import Counselling, Soldier, SoldierChange
from tests.security import hostile as h
from tests.soldiers.xlsx import soldier_row
from training.models import CareerWish, Registration
from units.models import User

TIME_LIMIT_SECONDS = 5.0
MEMORY_LIMIT_MB = 20
SOLDIER_HEADER = importing.COLUMNS
LEDGER_HEADER = (*ledger.COLUMNS, *ledger.OPTIONAL)
SAVED_MODELS = (Soldier, SoldierChange, Counselling, CareerWish, Registration, Placement)
NOW = dt.datetime(2026, 8, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
DDE = "cmd|'/C calc'!A0"
LONG = "A" * 100_000

BROKEN = (
    "Tệp Excel bị hỏng, không đọc được. Đồng chí hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải "
    "lên lại."
)
TOO_MANY_ROWS = "Tệp có hơn 20.000 dòng chiến sĩ. Đồng chí hãy chia danh sách thành nhiều tệp."
TOO_MANY_CELLS = (
    "Trang tính có nhiều ô hơn hẳn mức cần cho một danh sách 20.000 dòng. Đồng chí hãy chỉ sao "
    "chép danh sách sang một bảng tính mới, lưu lại rồi tải lên lại."
)
MACROS = "Không nhận tệp có macro (.xlsm). Đồng chí hãy lưu lại dạng “Excel Workbook (.xlsx)”."
EXTERNAL_LINKS = (
    "Không nhận tệp có liên kết tới bảng tính khác. Đồng chí hãy ngắt liên kết trong Excel (Dữ "
    "liệu → Sửa liên kết → Ngắt liên kết), lưu tệp rồi tải lên lại."
)
NOT_XLSX = (
    "Tệp này không phải bảng tính Excel .xlsx. Đồng chí hãy điền vào tệp mẫu và lưu dạng "
    "“Excel Workbook (.xlsx)”."
)


def formula_in(column: str, row: int = 2) -> str:
    return (
        f"Dòng {row}, cột “{column}” chứa công thức. Hệ thống không nhập công thức: đồng chí hãy "
        "sao chép các ô rồi dán lại chỉ phần giá trị (Dán đặc biệt → Giá trị), sau đó tải tệp "
        "lên lại."
    )


def too_long_in(column: str, row: int = 2) -> str:
    return (
        f"Dòng {row}, cột “{column}” có hơn 1.000 ký tự; không ô nào của danh sách dài như vậy. "
        "Đồng chí hãy sửa tệp rồi tải lên lại."
    )


# ---- the files ----


def good_values(header: tuple[str, ...], serial: int = 1, **overrides: object) -> list[object]:
    """A row every check accepts: a soldier of PK02 (the `tree` fixture)."""
    row = soldier_row(serial) | overrides
    return [row.get(column, "") for column in header]


def good_rows(header: tuple[str, ...], count: int) -> Iterator[str]:
    return (h.row_xml(n, good_values(header, n)) for n in range(2, count + 2))


def constant_rows(count: int) -> Iterator[str]:
    # Identical rows with no cell references compress about a thousand to one.
    return ("<row><c><v>1</v></c></row>" for _ in range(count))


def entity_bomb(header: tuple[str, ...]) -> Iterator[bytes]:
    """ "Billion laughs": ten levels of entities each ten times the last."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    yield (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(levels)}]>'
        f'<worksheet xmlns="{h.MAIN_NS}"><sheetData>{h.row_xml(1, header)}'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def _zip_bomb(path: Path, header: tuple[str, ...]) -> Path:
    return h.package(path, h.sheet_xml(header, good_rows(header, 1), padding=110 * 2**20))


def _lying_bomb(path: Path, header: tuple[str, ...]) -> Path:
    _zip_bomb(path, header)
    h.declare_smaller(path, h.SHEET_PART, 4_000)
    return path


BUILDERS: dict[str, Callable[[Path, tuple[str, ...]], Path]] = {
    "zip-bomb": _zip_bomb,
    "zip-bomb-lying-about-its-size": _lying_bomb,
    "million-rows-with-recorded-size": lambda path, header: h.package(
        path, h.sheet_xml(header, constant_rows(1_000_000), dimension="A1:K1000001")
    ),
    "million-rows-without-recorded-size": lambda path, header: h.package(
        path, h.sheet_xml(header, constant_rows(1_000_000))
    ),
    "row-numbered-in-the-billions": lambda path, header: h.package(
        path,
        h.sheet_xml(
            header,
            [h.row_xml(2, good_values(header)), h.row_xml(1_500_000_000, [1])],
            # The recorded size says two rows: only reading them shows the far one.
            dimension=f"A1:{get_column_letter(len(header))}2",
        ),
    ),
    "sheet-16384-columns-wide": lambda path, header: h.package(
        path, h.sheet_xml(header, ("<row>" + "<c><v>1</v></c>" * 16_384 + "</row>") * 300)
    ),
    "xml-entity-bomb": lambda path, header: h.package(path, entity_bomb(header)),
    "macro-workbook-named-xlsx": lambda path, header: h.package(
        path,
        h.sheet_xml(header, good_rows(header, 2)),
        main_type=h.MACRO_TYPE,
        parts=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA project")],
    ),
    "vba-project-in-a-plain-workbook": lambda path, header: h.package(
        path,
        h.sheet_xml(header, good_rows(header, 2)),
        parts=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA project")],
    ),
    "external-links": lambda path, header: h.package(
        path,
        h.sheet_xml(header, good_rows(header, 2)),
        parts=[
            ("xl/externalLinks/externalLink1.xml", f'<externalLink xmlns="{h.MAIN_NS}"/>'.encode())
        ],
        overrides=[("/xl/externalLinks/externalLink1.xml", h.EXTERNAL_LINK_TYPE)],
    ),
    "cell-of-100000-characters": lambda path, header: h.package(
        path,
        h.sheet_xml(header, [h.row_xml(2, good_values(header, **{"Ngày sinh": LONG}))]),
    ),
    # One shared text of 100,000 characters shown in the birth-date cell of 20,000 rows: cheap
    # to send, and 2 GB of error messages if each row's error ("… is not a date") repeated it.
    "shared-100000-characters-in-20000-rows": lambda path, header: h.package(
        path,
        h.sheet_xml(
            header, (f'<row r="{n}">{h.cell(2, n, h.Shared(0))}</row>' for n in range(2, 20_002))
        ),
        shared_strings=[LONG],
    ),
    "dde-formula": lambda path, header: h.package(
        path,
        h.sheet_xml(header, [h.row_xml(2, good_values(header, **{"Họ và tên": h.Formula(DDE)}))]),
    ),
    "dde-formula-typed-as-text": lambda path, header: h.package(
        path,
        h.sheet_xml(header, [h.row_xml(2, good_values(header, **{"Họ và tên": f"={DDE}"}))]),
    ),
    "hyperlink-formula-in-the-phone-column": lambda path, header: h.package(
        path,
        h.sheet_xml(
            header,
            [
                h.row_xml(2, good_values(header)),
                h.row_xml(
                    3,
                    good_values(
                        header,
                        2,
                        **{"Số điện thoại": h.Formula('HYPERLINK("http://x.invalid/","0912")')},
                    ),
                ),
            ],
        ),
    ),
}
REFUSALS = {
    "zip-bomb": BROKEN,
    "zip-bomb-lying-about-its-size": BROKEN,
    "million-rows-with-recorded-size": TOO_MANY_ROWS,
    "million-rows-without-recorded-size": TOO_MANY_ROWS,
    "row-numbered-in-the-billions": TOO_MANY_ROWS,
    "sheet-16384-columns-wide": TOO_MANY_CELLS,
    "xml-entity-bomb": BROKEN,
    "macro-workbook-named-xlsx": MACROS,
    "vba-project-in-a-plain-workbook": MACROS,
    "external-links": EXTERNAL_LINKS,
    "cell-of-100000-characters": too_long_in("Ngày sinh"),
    "shared-100000-characters-in-20000-rows": too_long_in("Ngày sinh"),
    "dde-formula": formula_in("Họ và tên"),
    "dde-formula-typed-as-text": formula_in("Họ và tên"),
    "hyperlink-formula-in-the-phone-column": formula_in("Số điện thoại", row=3),
}
# Not zip packages at all, or fine but for the name: the same for both imports.
PLAIN_REFUSALS = {
    "csv-renamed-xlsx": (
        "danh-sach.xlsx",
        ",".join(SOLDIER_HEADER).encode() + "\nNguyễn Văn A,10/03/2005\n".encode(),
        NOT_XLSX,
    ),
    "xlsm-file-name": ("danh-sach.xlsm", b"PK\x03\x04", MACROS),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, tuple[str, ...]], bytes]:
    """Each hostile file, built once per header into a temporary folder."""
    folder = tmp_path_factory.mktemp("hostile")
    built: dict[tuple[str, tuple[str, ...]], bytes] = {}

    def get(kind: str, header: tuple[str, ...]) -> bytes:
        if (kind, header) not in built:
            path = BUILDERS[kind](folder / f"{kind}-{len(header)}.xlsx", header)
            built[kind, header] = path.read_bytes()
        return built[kind, header]

    return get


# ---- running an import as the pages do: upload check, preview, confirmation ----


@dataclass
class Run:
    error: Exception | None
    seconds: float
    peak_mb: float

    @property
    def refusal(self) -> str | None:
        return None if self.error is None else str(self.error)


def measured(action: Callable[[], Any], refused: type[Exception]) -> Run:
    tracemalloc.start()
    started = time.monotonic()
    caught = None
    try:
        action()
    except refused as error:
        caught = error
    finally:
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Run(caught, seconds, peak / 2**20)


def import_soldiers(user: User, name: str, content: bytes) -> None:
    upload = importing.check_upload(SimpleUploadedFile(name, content))
    importing.import_check(user=user, content=upload.content)
    importing.import_apply(user=user, content=upload.content)


def import_ledger(user: User, name: str, content: bytes) -> None:
    upload = workbook.check_upload(
        SimpleUploadedFile(name, content), columns=ledger.COLUMNS, optional=ledger.OPTIONAL
    )
    ledger.ledger_check(user=user, content=upload.content)
    ledger.ledger_apply(user=user, content=upload.content)


IMPORTS = {
    "soldier-import": (import_soldiers, SOLDIER_HEADER),
    "ledger": (import_ledger, LEDGER_HEADER),
}


def saved_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SAVED_MODELS}


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("importer", IMPORTS)
def test_a_clean_file_built_the_same_way_imports(tree, users, tmp_path, importer) -> None:
    # The control: the hand-built packages below are real workbooks, refused for what they hold.
    run, header = IMPORTS[importer]
    content = h.package(tmp_path / "clean.xlsx", h.sheet_xml(header, good_rows(header, 2)))

    run(users[User.Role.UNIT_OFFICER], "danh-sach.xlsx", content.read_bytes())

    assert sorted(Soldier.objects.filter(unit=tree.pk02).values_list("full_name", flat=True)) == [
        "Nguyễn Văn Thử 2",
        "Nguyễn Văn Thử 3",
    ]


@pytest.mark.parametrize("importer", IMPORTS)
@pytest.mark.parametrize("kind", REFUSALS)
def test_a_hostile_workbook_is_refused_in_bounded_time_and_memory_saving_nothing(
    tree, users, files, importer, kind
) -> None:
    run, header = IMPORTS[importer]
    content = files(kind, header)
    before = saved_rows()

    result = measured(
        lambda: run(users[User.Role.UNIT_OFFICER], "danh-sach.xlsx", content),
        workbook.ImportRefused,
    )

    assert result.refusal == REFUSALS[kind]
    assert result.seconds < TIME_LIMIT_SECONDS
    assert result.peak_mb < MEMORY_LIMIT_MB
    assert saved_rows() == before


@pytest.mark.parametrize("importer", IMPORTS)
@pytest.mark.parametrize("kind", PLAIN_REFUSALS)
def test_a_file_that_is_no_workbook_is_refused_saving_nothing(tree, users, importer, kind) -> None:
    run, _header = IMPORTS[importer]
    name, content, message = PLAIN_REFUSALS[kind]
    before = saved_rows()

    result = measured(
        lambda: run(users[User.Role.UNIT_OFFICER], name, content), workbook.ImportRefused
    )

    assert result.refusal == message
    assert saved_rows() == before


# ---- through the pages: the officer sees why, and nothing stays on the server ----


def staged_files() -> list[str]:
    if not default_storage.exists(workbook.STAGING_DIR):
        return []
    return default_storage.listdir(workbook.STAGING_DIR)[1]


@pytest.mark.parametrize(
    "kind", ["zip-bomb", "million-rows-without-recorded-size", "external-links"]
)
def test_the_import_page_refuses_a_hostile_upload_with_the_reason(
    login, users, files, kind
) -> None:
    client = login(users[User.Role.UNIT_OFFICER])
    upload = SimpleUploadedFile("danh-sach.xlsx", files(kind, SOLDIER_HEADER))
    before = saved_rows()

    response = client.post(reverse("soldiers:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [REFUSALS[kind]]}
    assert "soldier_import" not in client.session
    assert staged_files() == []
    assert saved_rows() == before


@pytest.mark.parametrize("kind", ["dde-formula", "cell-of-100000-characters"])
def test_the_ledger_preview_refuses_what_shows_only_in_the_rows_and_forgets_the_file(
    login, users, files, kind
) -> None:
    client = login(users[User.Role.UNIT_OFFICER])
    upload = SimpleUploadedFile("so-theo-doi.xlsx", files(kind, LEDGER_HEADER))
    client.post(reverse("reports:ledger"), {"file": upload})
    before = saved_rows()

    response = client.get(reverse("reports:ledger_preview"), follow=True)

    assert response.redirect_chain == [(reverse("reports:ledger"), 302)]
    assert [str(message) for message in response.context["messages"]] == [REFUSALS[kind]]
    assert "ledger_import" not in client.session
    assert staged_files() == []
    assert saved_rows() == before


# ---- report attachments: Office files are checked as the imports check them, never parsed ----


ATTACHMENT_BROKEN = (
    "Tệp đính kèm bị hỏng hoặc khi giải nén lớn hơn 100 MB: đồng chí hãy lưu lại tệp rồi đính "
    "kèm lại."
)
ATTACHMENT_REFUSALS = {
    "zip-bomb": ATTACHMENT_BROKEN,
    "zip-bomb-lying-about-its-size": ATTACHMENT_BROKEN,
    "macro-workbook-named-xlsx": (
        "Không nhận tệp có macro: đồng chí hãy lưu lại thành tệp thường không có macro."
    ),
    "vba-project-in-a-plain-workbook": (
        "Không nhận tệp có macro: đồng chí hãy lưu lại thành tệp thường không có macro."
    ),
    "external-links": (
        "Không nhận tệp có liên kết tới bảng tính khác: đồng chí hãy ngắt liên kết trong Excel, "
        "lưu tệp rồi đính kèm lại."
    ),
}
# The server never opens an attachment's sheets: these reach PX01 as the unit sent them.
ATTACHMENTS_STORED_UNREAD = (
    "million-rows-without-recorded-size",
    "cell-of-100000-characters",
    "dde-formula",
)


@pytest.fixture
def report(tree) -> ReportSubmission:
    with time_machine.travel(NOW, tick=False):
        return submissions.submission_for(
            unit=tree.pk02,
            obligation=ReportObligation.objects.get(code="training-needs"),
            year=2026,
        )


def attach(user: User, report: ReportSubmission, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content)
    with time_machine.travel(NOW, tick=False):
        submissions.submission_submit(user=user, submission=report, attachment=upload)


@pytest.mark.parametrize("kind", ATTACHMENT_REFUSALS)
def test_a_hostile_office_attachment_refuses_the_submission_and_stores_nothing(
    users, files, report, kind
) -> None:
    content = files(kind, SOLDIER_HEADER)

    result = measured(
        lambda: attach(users[User.Role.UNIT_OFFICER], report, "bao-cao.xlsx", content),
        ValidationError,
    )

    assert result.error.message_dict == {"attachment": [ATTACHMENT_REFUSALS[kind]]}
    assert result.seconds < TIME_LIMIT_SECONDS
    assert result.peak_mb < MEMORY_LIMIT_MB
    report.refresh_from_db()
    assert (report.status, report.attachment.name) == (ReportSubmission.Status.DRAFT, "")


def test_a_csv_renamed_xlsx_is_no_attachment(users, report) -> None:
    content = ",".join(SOLDIER_HEADER).encode() + b"\n"

    with pytest.raises(ValidationError) as caught:
        attach(users[User.Role.UNIT_OFFICER], report, "bao-cao.xlsx", content)

    assert caught.value.message_dict == {"attachment": ["Nội dung tệp không đúng là tệp .xlsx."]}
    report.refresh_from_db()
    assert report.attachment.name == ""


@pytest.mark.parametrize("kind", ATTACHMENTS_STORED_UNREAD)
def test_an_attachment_is_stored_as_sent_without_being_parsed(users, files, report, kind) -> None:
    content = files(kind, SOLDIER_HEADER)

    result = measured(
        lambda: attach(users[User.Role.UNIT_OFFICER], report, "bao-cao.xlsx", content),
        ValidationError,
    )

    assert result.error is None
    assert result.seconds < TIME_LIMIT_SECONDS
    assert result.peak_mb < MEMORY_LIMIT_MB
    report.refresh_from_db()
    assert report.status == ReportSubmission.Status.SUBMITTED
    with report.attachment.open("rb") as stored:
        assert stored.read() == content
