"""Member, cadre and organisation registers as offices keep them: a title row, a 序号 column, their own column
names (身份证号, 所在党支部, 联系电话 …), a person's organisation by name; the mapping step of the import page;
exports that carry organisation names beside codes and still go back in unchanged."""

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.actors import SETUP
from conftest import make_member
from orgs import services
from orgs.counters import rollup_differences
from orgs.exports import export_cadres, export_members
from orgs.imports import HEADERS, import_file
from orgs.models import Cadre, ImportJob, Member, Organization
from orgs.selectors import cadre_list, member_list
from orgs.tests.test_import_pages import login, shown_mapping
from orgs.tests.test_imports import BIRTH, idn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def register(title: str, header: list[str], rows: list[list[Any]]) -> io.BytesIO:
    """A register built with openpyxl: a merged title row, the header, numbered rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


MEMBER_HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "身份证号", "所在党支部", "联系电话", "入党时间"]


def test_a_branchs_own_member_register_is_read(tree: Any) -> None:
    data = register("东关村党支部党员花名册", MEMBER_HEADER, [
        [1, "张三", "男", "汉族", "1980.05", idn(1), "东关村党支部", "13800138000", "2005年7月1日"],
        [2, "李四", "女", "回族", "1980年5月", idn(2, "F"), "东关村党支部", "", "2010.07.01"],
    ])
    report = import_file(kind="members", file=data, filename="花名册.xlsx", actor=SETUP, strict=True)
    assert report.errors == [] and report.created == 2
    assert report.mapping == {"1": "name", "2": "gender", "3": "ethnicity", "4": "birth_date", "5": "id_number",
                              "6": "organization_name", "7": "phone", "8": "joined_on"}  # 序号 is not read
    zhang = Member.objects.get(name="张三")
    assert (zhang.organization, zhang.birth_date, zhang.phone, zhang.joined_on) == (
        tree.village_a, BIRTH, "13800138000", dt.date(2005, 7, 1))
    assert (zhang.category, zhang.is_mobile, zhang.is_frail) == ("full", False, False)  # columns it lacks
    li = Member.objects.get(name="李四")
    assert (li.gender, li.ethnicity) == ("F", "回族")
    assert rollup_differences() == []


def test_a_register_without_a_column_keeps_what_is_recorded(tree: Any) -> None:
    member = make_member(tree.village_a, name="王五", mobile=True)
    services.member_update(actor=SETUP, member=member, ethnicity="回族", phone="13900139000")
    data = register("名册", ["序号", "姓名", "身份证号", "所在党组织"],
                    [[1, "王五（改名）", member.id_number, "东关村党支部"]])
    report = import_file(kind="members", file=data, filename="名册.xlsx", actor=SETUP)
    assert report.errors == [] and report.updated == 1
    member.refresh_from_db()
    assert member.name == "王五（改名）"
    assert (member.ethnicity, member.phone, member.is_mobile) == ("回族", "13900139000", True)


def test_organization_names_that_cannot_be_read_name_row_and_column(tree: Any, users: dict[str, Any]) -> None:
    services.org_create(actor=SETUP,
                        parent=tree.township_b, code="B1b", name="东关村党支部", kind="branch", sector="village",
                        tier="village")  # the same name in county B
    data = register("名册", MEMBER_HEADER, [
        [1, "张三", "男", "汉族", "1980.05", idn(1), "东关村党支部", "", ""],
        [2, "李四", "女", "汉族", "1979.05", idn(2, "F"), "西河社区党支部", "", ""],
        [3, "王五", "男", "汉族", "1980.05", idn(3), "不存在的支部", "", ""],
    ])
    report = import_file(kind="members", file=data, filename="名册.xlsx", actor=SETUP)
    assert [(e.row, e.letter, e.column) for e in report.errors] == [
        (3, "G", "所在党支部"), (4, "E", "出生年月"), (5, "G", "所在党支部")]
    assert "有2个名为“东关村党支部”的党组织：请改填所在党组织编码" in report.errors[0].reason
    assert report.errors[1].reason == "出生年月与公民身份号码不一致"
    assert "党组织“不存在的支部”不存在或不在您的管辖范围内" in report.errors[2].reason
    # The village's own contact: the namesake in county B is outside its jurisdiction, so the name is unique to
    # it, and a community of county B is not found at all.
    data.seek(0)
    report = import_file(kind="members", file=data, filename="名册.xlsx", actor=users["unit"])
    assert [(e.row, e.letter) for e in report.errors] == [(4, "E"), (5, "G")]
    assert not Member.objects.exists()  # all or nothing


def test_cadre_and_organization_registers_with_their_own_titles(tree: Any) -> None:
    cadres = register("领导干部名册", ["序号", "姓名", "身份证号码", "现任职务", "职级", "所在党组织"],
                      [[1, "赵六", "11010519491231002X", "区委书记", "县处级正职", "城关区委"]])
    report = import_file(kind="cadres", file=cadres, filename="干部.xlsx", actor=SETUP, strict=True)
    assert report.errors == [], report.errors
    assert Cadre.objects.get().organization == tree.county_a
    header = ["序号", "党组织名称", "党组织编码", "上级党组织", "党组织类别", "单位类别", "层级"]
    orgs = register("党组织名册", header, [
        [1, "南关村党支部", "A1b", "城关镇党委", "党支部", "村", "村（社区）"],
        [2, "南关村第一党小组支部", "A1b1", "南关村党支部", "党支部", "村", "村（社区）"],
    ])
    report = import_file(kind="orgs", file=orgs, filename="组织.xlsx", actor=SETUP, strict=True)
    assert report.errors == [], report.errors
    assert Organization.objects.get(code="A1b").path[:-Organization.steplen] == tree.township_a.path
    assert Organization.objects.get(code="A1b1").path[:-Organization.steplen] == Organization.objects.get(
        code="A1b").path


def test_exports_carry_organization_names_and_go_back_in_unchanged(tree: Any) -> None:
    make_member(tree.village_a, name="张三")
    services.cadre_create(actor=SETUP, organization=tree.county_a, name="赵六", id_number="11010519491231002X",
                          position="区委书记", rank=50)
    for kind, writer, lister in (("members", export_members, member_list), ("cadres", export_cadres, cadre_list)):
        out = io.BytesIO()
        writer(queryset=lister(tree.city), out=out, masked=False)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python()
        assert rows[0] == HEADERS[kind]
        code_at, name_at = rows[0].index("所在党组织编码"), rows[0].index("所在党组织名称")
        assert name_at == code_at + 1
        assert (rows[1][code_at], rows[1][name_at]) in {("A1a", "东关村党支部"), ("A", "城关区委")}
        report = import_file(kind=kind, file=out, filename="export.xlsx", actor=SETUP, strict=True)
        assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_the_command_refuses_a_column_it_does_not_know(tree: Any, tmp_path: Any) -> None:
    path = tmp_path / "名册.xlsx"
    path.write_bytes(register("名册", [*MEMBER_HEADER, "学历"], [
        [1, "张三", "男", "汉族", "1980.05", idn(1), "东关村党支部", "", "", "大学"]]).getvalue())
    with pytest.raises(CommandError, match="J列“学历”无法识别"):
        call_command("import_members", str(path))
    assert not Member.objects.exists()


def test_the_mapping_step_for_a_register(client: Any, users: dict[str, Any], tree: Any) -> None:
    login(client, users["office"])
    data = register("名册", [*MEMBER_HEADER, "学历"], [
        [1, "张三", "男", "汉族", "1980.05", idn(1), "东关村党支部", "", "", "大学"]])
    response = client.post(reverse("orgs:import_start"),
                           {"kind": "members", "file": SimpleUploadedFile("名册.xlsx", data.getvalue())})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING
    assert "待核对各列的对应关系" in client.get(reverse("orgs:import_start")).content.decode()
    page = client.get(response.url).content.decode()
    assert "表头在第2行" in page and "“身份证号”" in page and "“学历”" in page and "如：大学" in page
    shown = shown_mapping(page)
    assert shown == {"col_0": "", "col_1": "name", "col_2": "gender", "col_3": "ethnicity", "col_4": "birth_date",
                     "col_5": "id_number", "col_6": "organization_name", "col_7": "phone", "col_8": "joined_on",
                     "col_9": ""}
    confirm = reverse("orgs:import_confirm", args=[job.pk])
    response = client.post(confirm, {"step": "mapping", **shown, "col_6": ""})
    assert response.status_code == 422
    assert "请指定哪一列是“所在党组织编码”或“所在党组织名称”" in response.content.decode()
    response = client.post(confirm, {"step": "mapping", **shown, "col_1": ""})
    assert "请指定哪一列是“姓名”（必须导入）" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.PENDING
    response = client.post(confirm, {"step": "mapping", **shown})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and (job.report or {})["created"] == 1
    assert not Member.objects.exists()
    # The mapping confirmed twice (a double click, another tab): nothing is applied unseen, nothing re-queued.
    assert client.post(confirm, {"step": "mapping", **shown}).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and not Member.objects.exists()
    assert not services.import_job_map(actor=users["office"], job=job, layout={}, mapping={1: "name"})
    client.post(confirm)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Member.objects.get().organization == tree.village_a


def test_a_unit_cannot_reclassify_its_own_organization_by_import(users: dict[str, Any], tree: Any) -> None:
    """What is asked of a unit follows its sector and tier: the unit's own record is kept by the level above,
    so an import by the unit may not change it (its subordinate organisations it may)."""
    from orgs.tests.test_imports import org_row, run

    services.org_create(actor=SETUP,
                        parent=tree.village_a, code="A1a1", name="第一党小组", kind="branch", sector="village",
                        tier="village")
    report = run("orgs", [org_row("A1a", "A1", "东关村党支部", 单位类别="机关", 层级="市"),
                          org_row("A1a1", "A1a", "东关村第一党支部")], user=users["unit"])
    assert [(e.row, e.column) for e in report.errors] == [(2, "单位类别"), (2, "层级")]
    assert "是您所在的党组织，其单位类别由上级组织维护" in report.errors[0].reason
    assert Organization.objects.get(code="A1a").sector == "village"
    report = run("orgs", [org_row("A1a1", "A1a", "东关村第一党支部")], user=users["unit"])
    assert report.errors == [] and Organization.objects.get(code="A1a1").name == "东关村第一党支部"
    # The level above may (here the command line, which has no jurisdiction limit).
    report = run("orgs", [org_row("A1a", "A1", "东关村党支部", 单位类别="社区")], user=None)
    assert report.errors == [] and Organization.objects.get(code="A1a").sector == "community"


def test_the_organization_register_exports_with_parent_names_and_goes_back_in_unchanged(
        client: Any, users: dict[str, Any], tree: Any) -> None:
    login(client, users["office"])
    response = client.get(reverse("orgs:export_orgs", args=["A"]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS["orgs"] and rows[0][2:4] == ["上级组织编码", "上级组织名称"]
    assert [r[:4] for r in rows[1:]] == [["A", "城关区委", "C", "示范市委"], ["A1", "城关镇党委", "A", "城关区委"],
                                         ["A1a", "东关村党支部", "A1", "城关镇党委"]]
    assert rows[3][4:7] == ["党支部", "村", "村(社区)"]
    report = import_file(kind="orgs", file=io.BytesIO(data), filename="党组织.xlsx", actor=users["office"],
                         strict=True)
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 3)
    # Scoped: the village's contact exports its own branch, nothing of county B.
    client.logout()
    login(client, users["unit"])
    assert client.get(reverse("orgs:export_orgs", args=["B"])).status_code == 404
    data = b"".join(client.get(reverse("orgs:export_orgs", args=["A1a"])).streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [r[:4] for r in rows[1:]] == [["A1a", "东关村党支部", "A1", "城关镇党委"]]
    report = import_file(kind="orgs", file=io.BytesIO(data), filename="党组织.xlsx", actor=users["unit"])
    assert report.errors == [] and report.unchanged == 1


def test_a_code_and_a_name_that_disagree_are_refused(tree: Any) -> None:
    header = ["姓名", "公民身份号码", "所在党组织编码", "所在党组织名称"]
    data = register("名册", header, [["张三", idn(1), "A1a", "东关村党支部"],
                                     ["李四", idn(2, "F"), "A1a", "西河社区党支部"]])
    report = import_file(kind="members", file=data, filename="名册.xlsx", actor=SETUP)
    assert [(e.row, e.letter, e.column) for e in report.errors] == [(4, "D", "所在党组织名称")]
    assert report.errors[0].reason == "与所在党组织编码 A1a（东关村党支部）不一致：请核对，或只填其中一项"
    assert not Member.objects.exists()


def test_a_joining_date_with_only_a_month_is_refused_with_a_reason(tree: Any) -> None:
    data = register("名册", ["姓名", "身份证号", "所在党支部", "入党时间"],
                    [["张三", idn(1), "东关村党支部", "2005.07"]])
    report = import_file(kind="members", file=data, filename="名册.xlsx", actor=SETUP)
    assert [(e.row, e.letter, e.reason) for e in report.errors] == [
        (3, "D", "入党时间要写到日（如 2005年7月1日，以党员档案为准），只有年月无法导入")]
