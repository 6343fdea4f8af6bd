"""Imports of the files offices really have, in the browser. The village's contact uploads its own 整改清单 on a
phone (375 px): a title row, a two-row merged header, a problem column no synonym knows; the mapping step shows
each column with what it is read as, the contact picks 问题表现 for the unknown one, confirms, sees the dry run's
preview and confirms the import. The city office uploads a branch's member register at desktop width."""

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, SIGNED_IN
from tests.browser.conftest import db_call as _db
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page
from tests.browser.test_problems import ledger_city as ledger_city  # the fixture

pytestmark = pytest.mark.browser



def _ledger_file(folder: Path) -> Path:
    year = dt.date.today().year + 1
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["东关村党支部主题教育检视问题整改清单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "问题点", "整改举措", "责任", None, "完成时限"])
    sheet.append([None, None, None, "责任领导", "责任部门", None])
    for col in "ABCF":
        sheet.merge_cells(f"{col}2:{col}3")
    sheet.merge_cells("D2:E2")
    sheet.append([1, "村务公开栏长期未更新", "每月5日前更新公开栏", None, "村委会", "立行立改"])
    sheet.append([2, "党员教育管理不严", "建立党员积分制", None, "村党支部", f"{year}年6月底前"])
    path = folder / "东关村整改清单.xlsx"
    book.save(path)
    return path


def _register_file(folder: Path) -> Path:
    from core.cn import make_id_number

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["东关村党支部党员花名册"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "姓名", "性别", "出生年月", "身份证号", "所在党支部", "联系电话"])
    sheet.append([1, "韩梅梅", "女", "1985.04", make_id_number("130102", dt.date(1985, 4, 12), 7, "F"),
                  "东关村党支部", "13900001111"])
    path = folder / "党员花名册.xlsx"
    book.save(path)
    return path


def test_unit_maps_and_imports_its_own_ledger_on_a_phone(ledger_city: dict[str, Any], browser: Any,
                                                         live_server: Any, tmp_path: Path) -> None:
    from problems.models import Problem

    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, ledger_city["password"], "unit", SIGNED_IN)
    page.goto(f"{live_server.url}/problems/import/")
    page.set_input_files("#ledger-upload input[type=file]", str(_ledger_file(tmp_path)))
    page.click("#ledger-upload button[type=submit]")
    page.wait_for_selector("#import-mapping")
    text = page.inner_text("#import-mapping")
    assert "表头在第2、3行（两行表头）" in text and "“问题点”" in text and "“责任·责任部门”" in text
    assert page.input_value("#col_1") == ""  # 问题点: not recognised
    assert page.input_value("#col_2") == "steps" and page.input_value("#col_5") == "deadline"
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "import-mapping-375.png"), full_page=True)

    # Confirming without 问题表现 is refused and keeps every choice.
    page.click("#import-mapping button[type=submit]")
    page.wait_for_selector("#mapping-errors")
    assert "请指定哪一列是“问题表现”" in page.inner_text("#mapping-errors")
    assert page.input_value("#col_2") == "steps"
    page.select_option("#col_1", label="读作：问题表现")
    page.click("#import-mapping button[type=submit]")
    page.wait_for_selector("#import-preview")
    assert "新增2" in page.inner_text("#import-preview")
    page.screenshot(path=str(ARTIFACTS / "import-preview-375.png"), full_page=True)
    page.click("#import-preview button[type=submit]")
    page.wait_for_selector("#import-done")
    assert outside == []
    page.close()

    problems = _db(lambda: {p.description: p for p in Problem.objects.all()})
    assert set(problems) == {"村务公开栏长期未更新", "党员教育管理不严"}
    assert problems["村务公开栏长期未更新"].fix_now
    assert problems["党员教育管理不严"].due_on == dt.date(dt.date.today().year + 1, 6, 30)
    assert problems["党员教育管理不严"].responsible_unit == "村党支部"


def test_office_maps_a_branchs_member_register_at_desktop_width(ledger_city: dict[str, Any], browser: Any,
                                                                live_server: Any, tmp_path: Path) -> None:
    from orgs.models import Member

    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, ledger_city["password"], "office", SIGNED_IN)
    page.goto(f"{live_server.url}/orgs/import/")
    page.select_option("#id_kind", label="党员")
    page.set_input_files("input[type=file]", str(_register_file(tmp_path)))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("#import-mapping")
    assert page.input_value("#col_4") == "id_number" and page.input_value("#col_5") == "organization_name"
    page.screenshot(path=str(ARTIFACTS / "import-mapping-1366.png"), full_page=True)
    page.click("#import-mapping button[type=submit]")
    page.wait_for_selector("text=确认导入")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成")
    assert outside == []
    page.close()
    member = _db(lambda: Member.objects.select_related("organization").get(name="韩梅梅"))
    assert (member.organization.code, member.birth_date, member.phone) == ("A1a", dt.date(1985, 4, 12),
                                                                          "13900001111")
