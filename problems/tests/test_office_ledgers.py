"""Importing the ledgers offices really keep: a title row above the header, a two-row header with merged cells,
their own column names, deadlines in words; the mapping step of the import page (confirm or correct how each
column is read); and provenance: 督导发现 is refused to a unit by the import exactly as by the form and the API."""

import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import PASSWORD
from orgs.models import ImportJob
from orgs.tests.test_import_pages import shown_mapping
from problems.imports import import_ledger
from problems.models import Problem, TransitionRecord
from problems.tests.conftest import END
from problems.tests.test_io import export_bytes

pytestmark = pytest.mark.django_db

TITLE = "东关村党支部主题教育检视问题整改清单"


def office_ledger(rows: list[list[Any]], *, two_rows: bool = True, problem_title: str = "具体问题") -> io.BytesIO:
    """A ledger as a village keeps it, built with openpyxl: a merged title row, then (two_rows) a two-row header
    whose 责任 group is merged over 责任领导 / 责任部门 and whose other titles are merged down over both rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([TITLE])
    sheet.merge_cells("A1:G1")
    if two_rows:
        sheet.append(["序号", problem_title, "整改举措", "责任", None, "完成时限", "整改进展"])
        sheet.append([None, None, None, "责任领导", "责任部门", None, None])
        for col in "ABCFG":
            sheet.merge_cells(f"{col}2:{col}3")
        sheet.merge_cells("D2:E2")
    else:
        sheet.append(["序号", problem_title, "整改举措", "牵头领导", "牵头单位", "完成时限", "完成情况"])
    for i, values in enumerate(rows, start=1):
        sheet.append([i, *values])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_an_offices_own_ledger_is_read_title_merged_header_synonyms_and_deadline_words(
        people: dict[str, Any], campaign: Any) -> None:
    data = office_ledger([
        ["村务公开不及时", "1. 修订村务公开制度\n2. 每月15日公开", None, "村两委", "立行立改", "已启动"],
        ["党员教育管理不严", "建立党员积分制", None, "村党支部", "长期坚持", ""],
        ["学习走过场", "制定学习计划", None, "", "2023年12月底前", ""],
        ["活动室闲置", "开放活动室", None, "", "11月30日前", ""],
        ["道路破损", "修路", None, "", "2023.12.20", ""],
        ["路灯不亮", "修灯", None, "", dt.datetime(2023, 12, 25), ""],
    ])
    report = import_ledger(file=data, filename="整改清单.xlsx", user=people["unit"])
    assert report.errors == [] and report.created == 6 and report.applied
    # The two-row header is found under the title; its columns are read by their own names.
    assert report.mapping == {"0": "seq", "1": "description", "2": "steps", "3": "responsible_cadre",
                              "4": "responsible_unit", "5": "deadline", "6": "progress"}
    problems = {p.description: p for p in Problem.objects.all()}
    fix_now = problems["村务公开不及时"]
    assert fix_now.fix_now and fix_now.deadline is None and fix_now.due_on == dt.date(2023, 10, 17)
    assert fix_now.responsible_unit == "村两委" and fix_now.step_count == 2
    assert (fix_now.source, fix_now.category) == ("self", "other")  # a 检视问题 list without those columns
    long_term = problems["党员教育管理不严"]
    assert long_term.due_on == END and not long_term.fix_now
    notes = {c["key"]: c["note"] for c in report.changes}
    assert notes["村务公开不及时"] == "完成时限“立行立改”：登记为立查立改问题"
    assert notes["活动室闲置"] == "完成时限“11月30日前”读作2023年11月30日"
    assert notes["学习走过场"] == "完成时限“2023年12月底前”读作2023年12月31日"
    assert notes["道路破损"] == notes["路灯不亮"] == ""  # plain dates need no word
    register = TransitionRecord.objects.get(problem=long_term, action="register")
    assert register.note == "导入时完成时限为“长期坚持”，按主题教育结束日期（2024年1月31日）计"
    assert problems["学习走过场"].due_on == dt.date(2023, 12, 31)
    assert problems["活动室闲置"].due_on == dt.date(2023, 11, 30)  # the year of the campaign
    assert problems["道路破损"].due_on == dt.date(2023, 12, 20)
    assert problems["路灯不亮"].due_on == dt.date(2023, 12, 25)  # an Excel date cell


def test_a_one_row_header_with_other_synonyms(people: dict[str, Any], campaign: Any) -> None:
    data = office_ledger([["会风不实", "精简会议", None, "党政办", "1月底前", "推进中"]], two_rows=False,
                         problem_title="存在问题")
    report = import_ledger(file=data, filename="清单.xlsx", user=people["unit"])
    assert report.errors == [] and report.created == 1
    problem = Problem.objects.get()
    assert (problem.description, problem.responsible_unit, problem.due_on) == (
        "会风不实", "党政办", dt.date(2024, 1, 31))  # after the campaign's start: next January


def test_unreadable_deadlines_are_refused_naming_row_and_the_files_column(people: dict[str, Any],
                                                                          campaign: Any) -> None:
    data = office_ledger([
        ["好的一行", "措施", None, "", "2023年12月底前", ""],
        ["说不清", "措施", None, "", "尽快", ""],
        ["不存在的日子", "措施", None, "", "2月30日前", ""],
    ])
    report = import_ledger(file=data, filename="清单.xlsx", user=people["unit"])
    assert [(e.row, e.letter, e.column, e.value) for e in report.errors] == [
        (5, "F", "完成时限", "尽快"), (6, "F", "完成时限", "2月30日前")]
    assert "无法识别" in report.errors[0].reason and "立行立改" in report.errors[0].reason
    assert report.errors[1].reason == "日期不存在"
    assert str(report.errors[0]).startswith("第5行 完成时限 “尽快”")
    assert not Problem.objects.exists()  # all or nothing


def test_a_unit_cannot_register_visit_findings_by_import_form_or_api(client: Any, people: dict[str, Any],
                                                                     campaign: Any) -> None:
    from problems.tests.test_io import row, run

    report = run(people["unit"], [row(问题表现="自称督导发现", 问题来源="督导发现")])
    assert [(e.row, e.column) for e in report.errors] == [(2, "问题来源")]
    assert "只能由联络组" in report.errors[0].reason and not Problem.objects.exists()
    # The same rule in the form (not offered, and refused when posted) and the API.
    assert client.login(username="unit", password=PASSWORD)
    page = client.get(reverse("problems:new")).content.decode()
    assert 'value="visit"' not in page and 'value="self"' in page
    client.post(reverse("problems:new"), {"organization": "A1a", "description": "表单里自称督导发现",
                                          "source": "visit", "category": "service", "severity": "ordinary"})
    assert not Problem.objects.exists()
    token = client.post("/api/v1/auth/token", json.dumps({"username": "unit", "password": PASSWORD}),
                        content_type="application/json").json()["token"]
    response = client.post("/api/v1/problems/", json.dumps({
        "org": "A1a", "description": "接口里自称督导发现", "source": "visit", "category": "service"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422 and "只能由联络组" in response.json()["errors"]["source"][0]
    assert not Problem.objects.exists()
    # The office, which raises its liaison groups' findings, may.
    report = run(people["office"], [row(问题表现="督导发现的问题", 问题来源="督导发现", 组织编码="A1a")])
    assert report.errors == [] and Problem.objects.get().source == "visit"


# ---------------------------------------------------------------------------------------------------------
# The mapping step, through the pages.


def _upload(client: Any, data: io.BytesIO, name: str = "整改清单.xlsx") -> str:
    response = client.post(reverse("problems:import"), {"file": SimpleUploadedFile(name, data.getvalue())})
    assert response.status_code == 302
    return str(response.url)


def test_the_page_shows_the_mapping_and_the_user_corrects_it(client: Any, people: dict[str, Any],
                                                             campaign: Any) -> None:
    assert client.login(username="unit", password=PASSWORD)
    data = office_ledger([["村务公开不及时", "修订制度", None, "村两委", "2023年12月底前", ""]],
                         problem_title="问题点")  # a title no synonym knows
    url = _upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING  # nothing is validated before the mapping is confirmed
    assert "待核对各列的对应关系" in client.get(reverse("problems:import")).content.decode()
    page = client.get(url).content.decode()
    assert "表头在第2、3行（两行表头）" in page
    assert "“问题点”" in page and "“责任·责任部门”" in page and "如：村两委" in page
    shown = shown_mapping(page)
    assert shown == {"col_0": "seq", "col_1": "", "col_2": "steps", "col_3": "responsible_cadre",
                     "col_4": "responsible_unit", "col_5": "deadline", "col_6": "progress"}
    # Confirming as read: the required column is missing; the choices are kept.
    response = client.post(url, {"step": "mapping", **shown})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请指定哪一列是“问题表现”" in page and shown_mapping(page) == shown
    # Two columns read as one field.
    response = client.post(url, {"step": "mapping", **shown, "col_1": "steps"})
    assert "“整改措施”对应了B列和C列" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.PENDING and not Problem.objects.exists()
    # Corrected: B is 问题表现 → validated (dry run) → preview → confirmed → written.
    response = client.post(url, {"step": "mapping", **shown, "col_1": "description"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and not Problem.objects.exists()
    page = client.get(url).content.decode()
    assert "新增1</strong>个问题" in page and "确认导入" in page
    # The mapping's confirm clicked again (a double click, another tab) never applies the import unseen.
    assert client.post(url, {"step": "mapping", **shown, "col_1": "description"}).status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.READY and not Problem.objects.exists()
    client.post(url)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    problem = Problem.objects.get()
    assert (problem.description, problem.responsible_unit, problem.due_on) == (
        "村务公开不及时", "村两委", dt.date(2023, 12, 31))


def test_the_page_names_row_letter_and_column_of_each_error(client: Any, people: dict[str, Any],
                                                            campaign: Any) -> None:
    assert client.login(username="unit", password=PASSWORD)
    url = _upload(client, office_ledger([["说不清", "措施", None, "", "尽快", ""]]))
    client.post(url, {"step": "mapping", **shown_mapping(client.get(url).content.decode())})
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID
    page = client.get(url).content.decode()
    assert "第4行" in page and "F列 完成时限" in page and "尽快" in page and "确认导入" not in page


def test_an_unreadable_file_is_refused_on_the_upload_form(client: Any, people: dict[str, Any],
                                                          campaign: Any) -> None:
    assert client.login(username="unit", password=PASSWORD)
    response = client.post(reverse("problems:import"), {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04bad")})
    assert response.status_code == 200 and "已损坏" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_ledgers_export_goes_back_in_through_the_page_unchanged(client: Any, people: dict[str, Any],
                                                                    make_problem: Any) -> None:
    make_problem(description="村务公开不及时")
    make_problem(description="学习走过场", fix_now=True)
    versions = dict(Problem.objects.values_list("id", "version"))
    assert client.login(username="unit", password=PASSWORD)
    url = _upload(client, io.BytesIO(export_bytes(people["unit"])), name="导出.xlsx")
    shown = shown_mapping(client.get(url).content.decode())
    assert "organization_name" in shown.values() and "" not in shown.values()  # every column recognised
    client.post(url, {"step": "mapping", **shown})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    assert (job.report or {})["unchanged"] == 2 and (job.report or {})["created"] == 0
    client.post(url)
    assert dict(Problem.objects.values_list("id", "version")) == versions


def test_the_command_reads_recognised_columns_and_refuses_unknown_ones(people: dict[str, Any], campaign: Any,
                                                                       tmp_path: Any) -> None:
    good = tmp_path / "清单.xlsx"
    good.write_bytes(office_ledger([["村务公开不及时", "修订制度", None, "", "立行立改", ""]]).getvalue())
    out = io.StringIO()
    call_command("import_problems", str(good), "--user", "unit", stdout=out)
    assert "新增1" in out.getvalue() and Problem.objects.get().fix_now
    unknown = tmp_path / "另一个.xlsx"
    unknown.write_bytes(office_ledger([["学习走过场", "制定计划", None, "", "", ""]],
                                      problem_title="问题点").getvalue())
    with pytest.raises(CommandError, match="B列“问题点”无法识别"):
        call_command("import_problems", str(unknown), "--user", "unit")


def test_a_county_office_names_each_problems_organization(people: dict[str, Any], tree: Any) -> None:
    """A county's ledger lists problems of several units by name (所属党组织): each is registered in the one
    organisation of that name in the county; a name it does not hold is refused, naming row and column."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["城关区主题教育检视问题整改清单"])
    sheet.append(["序号", "所属党组织", "存在问题", "整改措施", "完成时限"])
    sheet.append([1, "东关村党支部", "村务公开不及时", "修订制度", "2023年12月底前"])
    sheet.append([2, "城关镇党委", "会风不实", "精简会议", "立行立改"])
    out = io.BytesIO()
    book.save(out)
    report = import_ledger(file=io.BytesIO(out.getvalue()), filename="清单.xlsx", user=people["county_office"])
    assert report.errors == [] and report.created == 2
    assert {p.description: p.organization for p in Problem.objects.all()} == {
        "村务公开不及时": tree.village_a, "会风不实": tree.township_a}
    sheet.append([3, "西河社区党支部", "服务窗口态度差", "整改", "立行立改"])  # county B's
    out = io.BytesIO()
    book.save(out)
    report = import_ledger(file=io.BytesIO(out.getvalue()), filename="清单.xlsx", user=people["county_office"])
    assert [(e.row, e.letter, e.column) for e in report.errors] == [(5, "B", "所属党组织")]
    assert "党组织“西河社区党支部”不存在或不在您的管辖范围内" in report.errors[0].reason
    assert Problem.objects.count() == 2
    # A code and a name that disagree: refused rather than filed under the code.
    from problems.tests.test_io import row, run

    report = run(people["county_office"], [row(组织编码="A1a", 组织名称="城关镇党委")])
    assert [(e.row, e.column) for e in report.errors] == [(2, "组织名称")]
    assert report.errors[0].reason == "与组织编码 A1a（东关村党支部）不一致：请核对，或只填其中一项"


@pytest.mark.parametrize(("written", "read"), [
    ("立行立改", (None, "fix_now", None)),
    ("立查立改", (None, "fix_now", None)),
    ("长期坚持", (None, "long_term", None)),
    ("持续整改", (None, "long_term", None)),
    ("2023年12月底前", (dt.date(2023, 12, 31), "", None)),
    ("2023年12月", (dt.date(2023, 12, 31), "", None)),
    ("2024年2月底前完成", (dt.date(2024, 2, 29), "", None)),
    ("12月31日前", (dt.date(2023, 12, 31), "", None)),
    ("1月15日前", (dt.date(2024, 1, 15), "", None)),  # the next 15 January from the given day
    ("2月30日前", (None, "", "日期不存在")),
    ("年底前", (dt.date(2023, 12, 31), "", None)),
    ("2023.12.31", (dt.date(2023, 12, 31), "", None)),
    ("2023-12-31", (dt.date(2023, 12, 31), "", None)),
    ("2023/12/31前", (dt.date(2023, 12, 31), "", None)),
    (45291, (dt.date(2023, 12, 31), "", None)),  # an Excel serial day
    (dt.datetime(2023, 12, 31), (dt.date(2023, 12, 31), "", None)),
    ("", (None, "", None)),
    ("13月底前", (None, "", "日期不存在")),
    ("2023年11月31日", (None, "", "日期不存在")),
])
def test_deadline_words(written: Any, read: tuple[Any, str, str | None]) -> None:
    from core.sheets import parse_deadline

    assert parse_deadline(written, since=dt.date(2023, 10, 10)) == read


def test_a_leap_day_without_a_year_is_the_next_leap_day() -> None:
    from core.sheets import parse_deadline

    assert parse_deadline("2月29日前", since=dt.date(2024, 10, 10)) == (dt.date(2028, 2, 29), "", None)


def test_unreadable_deadline_words_say_what_is_expected() -> None:
    from core.sheets import parse_deadline

    day, flag, reason = parse_deadline("尽快", since=dt.date(2023, 10, 10))
    assert (day, flag) == (None, "") and reason is not None
    assert reason.startswith("无法识别：应为日期") and "立行立改" in reason and "12月31日前" in reason


def test_a_sheet_whose_titles_are_all_unknown_is_mapped_by_hand(client: Any, people: dict[str, Any],
                                                                campaign: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["东关村“回头看”清单"])
    sheet.append(["号", "表现形式", "怎么改", "什么时候改完"])
    sheet.append([1, "村务公开不及时", "修订制度", "12月底前"])
    out = io.BytesIO()
    book.save(out)
    assert client.login(username="unit", password=PASSWORD)
    url = _upload(client, out)
    page = client.get(url).content.decode()
    assert "表头在第2行" in page and "“表现形式”" in page  # the widest row, not the title above it
    assert set(shown_mapping(page).values()) == {""}
    client.post(url, {"step": "mapping", "col_0": "", "col_1": "description", "col_2": "steps", "col_3": "deadline"})
    assert ImportJob.objects.get().status == ImportJob.Status.READY
    client.post(url)
    problem = Problem.objects.get()
    assert (problem.description, problem.due_on, problem.step_count) == ("村务公开不及时", dt.date(2023, 12, 31), 1)
