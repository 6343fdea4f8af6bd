import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.actors import SETUP, Actor
from core.cn import make_id_number
from core.models import AuditEntry
from core.sheets import ImportReport
from orgs.counters import rollup_differences
from orgs.imports import HEADERS, ImportFileError, ImportKind, import_file
from orgs.models import Cadre, Member, Organization
from orgs.selectors import org_totals

BIRTH = dt.date(1980, 5, 17)


def xlsx(rows: Sequence[Sequence[object]], *, date_format: bool = False) -> io.BytesIO:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet()
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    out.seek(0)
    return out


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> io.BytesIO:
    text = "\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n"
    return io.BytesIO(text.encode(encoding))


def idn(seq: int, gender: str = "M", birth: dt.date = BIRTH) -> str:
    return make_id_number("130102", birth, seq, gender)


def member_row(seq: int, org: str = "A1a", **over: object) -> list[object]:
    row: dict[str, object] = {
        "姓名": f"党员{seq}", "性别": "男", "民族": "汉族", "出生日期": "1980-05-17", "公民身份号码": idn(seq),
        "手机号码": "13800138000", "入党日期": "2005-07-01", "人员类别": "正式党员", "流动党员": "否",
        "年老体弱": "否", "所在党组织编码": org}
    row.update(over)
    return [row.get(h, "") for h in HEADERS["members"]]


def run(kind: str, rows: Sequence[Sequence[object]], *, header: list[str] | None = None, user: Actor | None = None,
        dry_run: bool = False, fmt: str = "xlsx") -> ImportReport:
    data: list[Sequence[object]] = [header or HEADERS[kind], *rows]
    fh = xlsx(data) if fmt == "xlsx" else csv_bytes(data)
    return import_file(kind=kind, file=fh, filename=f"t.{fmt}", actor=SETUP if user is None else user,
                       dry_run=dry_run)


def errors_of(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in report.errors]


# ---------------------------------------------------------------------------------------------------------
# Members


def test_members_import_creates_then_reimport_updates(tree):
    report = run("members", [member_row(1), member_row(2, "B1a", 流动党员="是"), member_row(3, 年老体弱="是")])
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged, report.applied) == (3, 0, 0, True)
    assert Member.objects.count() == 3
    assert org_totals(tree.city).members == 3
    assert org_totals(tree.county_b).mobile == 1
    assert rollup_differences() == []
    assert AuditEntry.objects.filter(action="create", object_type="orgs.member").count() == 3
    assert AuditEntry.objects.filter(action="import", object_type="orgs.member").count() == 1

    # Same file again: nothing changes. A changed file: matched by ID number and updated (moved, flags).
    assert run("members", [member_row(1), member_row(2, "B1a", 流动党员="是"), member_row(3, 年老体弱="是")]
               ).unchanged == 3
    report = run("members", [member_row(1, "B1a", 姓名="改名"), member_row(2, "B1a"), member_row(3, 年老体弱="是")])
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    m = Member.objects.get(id_number=idn(1))
    assert m.name == "改名" and m.organization.code == "B1a"
    assert org_totals(tree.county_b).members == 2 and org_totals(tree.county_b).mobile == 0
    assert rollup_differences() == []
    entry = AuditEntry.objects.filter(action="update", object_type="orgs.member", object_id=str(m.pk)).get()
    assert entry.before == {"name": "党员1", "organization_id": tree.village_a.pk}
    assert entry.after == {"name": "改名", "organization_id": tree.village_b.pk}


def test_dates_in_every_accepted_form(tree):
    rows = [
        member_row(1, 入党日期="2005-07-01"),
        member_row(2, 入党日期="2005/7/1"),
        member_row(3, 入党日期="2005年7月1日"),
        member_row(4, 入党日期="20050701"),
        member_row(5, 入党日期=dt.date(2005, 7, 1), 出生日期=BIRTH),
    ]
    report = run("members", rows)
    assert report.errors == []
    assert set(Member.objects.values_list("joined_on", flat=True)) == {dt.date(2005, 7, 1)}


def test_every_row_error_is_listed_and_nothing_is_written(tree):
    bad_check = idn(1)[:-1] + ("0" if idn(1)[-1] != "0" else "1")
    rows = [
        member_row(1, 公民身份号码=bad_check),  # row 2
        member_row(2, 入党日期="2005-02-30"),  # row 3
        member_row(3, org="NOPE"),  # row 4
        member_row(4),  # row 5
        member_row(4),  # row 6: same ID as row 5
        member_row(6, 人员类别="积极分子"),  # row 7
        member_row(7, 性别="女"),  # row 8: disagrees with the ID number
        member_row(8),  # row 9: fine
    ]
    report = run("members", rows)
    assert not report.applied
    errors = errors_of(report)
    assert (2, "公民身份号码", f"公民身份号码校验位错误（应为{idn(1)[-1]}）") in errors
    assert (3, "入党日期", "日期不存在") in errors
    assert (4, "所在党组织编码", "组织编码 NOPE 不存在或不在您的管辖范围内") in errors
    assert any(r == 6 and c == "公民身份号码" and "第5行" in why and "第6行" in why for r, c, why in errors)
    assert any(r == 7 and c == "人员类别" and "正式党员" in why for r, c, why in errors)
    assert any(r == 8 and c == "性别" and "不一致" in why for r, c, why in errors)
    assert not any(r == 9 for r, _, _ in errors)
    by_row = {e.row: e for e in report.errors}
    assert by_row[4].value == "NOPE" and by_row[3].value == "2005-02-30"
    assert Member.objects.count() == 0
    assert not AuditEntry.objects.filter(action__in=["create", "import"], object_type="orgs.member").exists()


def test_dry_run_counts_without_writing(tree):
    report = run("members", [member_row(1), member_row(2)], dry_run=True)
    assert (report.created, report.applied) == (2, False)
    assert Member.objects.count() == 0


def test_missing_column_is_a_file_error(tree):
    header = [h for h in HEADERS["members"] if h not in ("所在党组织编码", "所在党组织名称")]
    with pytest.raises(ImportFileError, match="缺少列：“所在党组织编码”或“所在党组织名称”"):
        run("members", [member_row(1)[:-2]], header=header)
    header = [h for h in HEADERS["members"] if h != "公民身份号码"]
    with pytest.raises(ImportFileError, match="缺少列：公民身份号码"):
        run("members", [member_row(1)[:-1]], header=header)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.txt", b"hello", "不支持的文件类型"),
    ("a.xls", b"hello", "不支持的文件类型"),
    ("a.xlsx", b"", "文件是空的"),
    ("a.csv", b"", "文件是空的"),
    ("a.xlsx", b"PK\x03\x04 this is not a zip at all", "已损坏"),
    ("a.xlsx", b"\xd0\xcf\x11\xe0 an old xls", "已损坏"),
])
def test_whole_file_problems_get_a_clear_message(tree, name, content, message):
    with pytest.raises(ImportFileError, match=message):
        import_file(kind="members", file=io.BytesIO(content), filename=name, actor=SETUP)


def test_header_only_file_is_empty(tree):
    with pytest.raises(ImportFileError, match="没有数据"):
        run("members", [])


@override_settings(JYB_IMPORT_MAX_MB=1)
def test_oversized_file_is_refused(tree):
    big = io.BytesIO(b"x" * (1024 * 1024 + 1))
    with pytest.raises(ImportFileError, match="不能超过 1 MB"):
        import_file(kind="members", file=big, filename="big.csv", actor=SETUP)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_chinese_excel_encodings(tree, encoding):
    fh = csv_bytes([HEADERS["members"], member_row(1), member_row(2, 入党日期="2005年7月1日")], encoding)
    report = import_file(kind="members", file=fh, filename="名册.CSV", actor=SETUP)
    assert report.errors == [] and report.created == 2
    assert Member.objects.get(id_number=idn(1)).name == "党员1"


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored(tree):
    header = ["备注", *reversed(HEADERS["members"])]
    report = run("members", [["x", *reversed(member_row(1))]], header=header)
    assert report.errors == [] and report.created == 1


def test_blank_birth_date_and_gender_are_taken_from_the_id_number(tree):
    report = run("members", [member_row(1, 出生日期="", 性别="", 人员类别="", 流动党员="", 民族="")])
    assert report.errors == []
    m = Member.objects.get()
    assert (m.birth_date, m.gender, m.category, m.ethnicity) == (BIRTH, "M", "full", "汉族")


# ---------------------------------------------------------------------------------------------------------
# Jurisdiction


def test_unit_user_cannot_import_into_another_county(users, tree):
    report = run("members", [member_row(1, "A1a"), member_row(2, "B1a")], user=users["unit"])
    assert errors_of(report) == [(3, "所在党组织编码", "组织编码 B1a 不存在或不在您的管辖范围内")]
    assert Member.objects.count() == 0
    report = run("members", [member_row(1, "A1a")], user=users["unit"])
    assert report.applied and Member.objects.count() == 1


def test_unit_user_cannot_take_over_a_member_registered_elsewhere(users, tree):
    run("members", [member_row(1, "B1a")])
    report = run("members", [member_row(1, "A1a")], user=users["unit"])
    assert [e.column for e in report.errors] == ["公民身份号码"]
    assert Member.objects.get().organization.code == "B1a"


def test_roles_that_may_not_edit_the_registry_cannot_import(users, tree):
    with pytest.raises(PermissionDenied):
        run("members", [member_row(1)], user=users["leader"])


# ---------------------------------------------------------------------------------------------------------
# Cadres


def cadre_row(seq: int, org: str = "A", **over: object) -> list[object]:
    row: dict[str, object] = {"姓名": f"干部{seq}", "公民身份号码": idn(seq), "职务": "副区长", "职级": "县处级副职",
                              "所在党组织编码": org}
    row.update(over)
    return [row.get(h, "") for h in HEADERS["cadres"]]


def test_cadres_import_and_reimport(tree):
    report = run("cadres", [cadre_row(1), cadre_row(2, 职级="乡科级正职", org="A1")])
    assert report.errors == [] and report.created == 2
    assert org_totals(tree.city).cadres == 1
    report = run("cadres", [cadre_row(1, 职级="乡科级副职"), cadre_row(2, 职级="乡科级正职", org="A1")])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert org_totals(tree.city).cadres == 0
    assert Cadre.objects.get(id_number=idn(1)).rank == 20
    assert rollup_differences() == []


def test_cadre_errors(tree):
    report = run("cadres", [cadre_row(1, 职级="科员"), cadre_row(2, 职务=""), cadre_row(1)])
    errors = errors_of(report)
    assert any(r == 2 and c == "职级" and "县处级正职" in why for r, c, why in errors)
    assert (3, "职务", "职务不能为空") in errors
    assert any(r == 4 and c == "公民身份号码" and "第2行" in why for r, c, why in errors)
    assert Cadre.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------
# Organisations


def org_row(code: str, parent: str, name: str | None = None, **over: object) -> list[object]:
    row: dict[str, object] = {
        "组织编码": code, "组织名称": name or f"{code}党支部", "上级组织编码": parent, "组织类别": "党支部",
        "单位类别": "村", "层级": "村(社区)", "单位名称": "", "统一社会信用代码": "", "行政区划代码": ""}
    row.update(over)
    return [row.get(h, "") for h in HEADERS["orgs"]]


def test_orgs_with_children_before_parents(tree):
    rows = [
        org_row("A1b1", "A1b"),
        org_row("A1b", "A1", "新镇党委", 组织类别="党委", 单位类别="乡镇", 层级="乡镇(街道)"),
        org_row("A1c", "A1", 行政区划代码="130102"),
    ]
    report = run("orgs", rows)
    assert report.errors == [], report.errors
    assert report.created == 3
    child = Organization.objects.get(code="A1b1")
    assert Organization.objects.get_parent(child).code == "A1b"
    assert child.initials
    assert org_totals(tree.county_a).orgs == 6
    assert rollup_differences() == []
    assert AuditEntry.objects.filter(action="import", object_type="orgs.organization").count() == 1


def test_orgs_update_and_move(tree):
    rows = [org_row("A1a", "B1", "东关村党支部", 单位类别="村")]
    report = run("orgs", rows)
    assert (report.created, report.updated) == (0, 1)
    assert Organization.objects.get_parent(Organization.objects.get(code="A1a")).code == "B1"
    assert org_totals(tree.county_b).orgs == 4
    # Same again: unchanged. A new name: updated in place.
    assert run("orgs", rows).unchanged == 1
    assert run("orgs", [org_row("A1a", "B1", "新名字")]).updated == 1
    assert Organization.objects.get(code="A1a").name == "新名字"
    assert rollup_differences() == []


def test_org_cycles_and_errors(tree):
    rows = [
        org_row("X1", "X2"),  # row 2
        org_row("X2", "X1"),  # row 3: cycle
        org_row("X3", "NOPE"),  # row 4
        org_row("X4", "A1", 组织类别="小组"),  # row 5
        org_row("X5", "A1", 统一社会信用代码="91350100M000100Y4A"),  # row 6
        org_row("X4", "A1"),  # row 7: duplicate code
        org_row("A", "A1a"),  # row 8: moving A under its own descendant
    ]
    report = run("orgs", rows)
    errors = errors_of(report)
    assert any(r == 2 and "循环" in why for r, _, why in errors)
    assert any(r == 3 and "循环" in why for r, _, why in errors)
    assert (4, "上级组织编码", "组织编码 NOPE 不存在或不在您的管辖范围内") in errors
    assert any(r == 5 and c == "组织类别" for r, c, _ in errors)
    assert any(r == 6 and c == "统一社会信用代码" for r, c, _ in errors)
    assert any(r == 7 and c == "组织编码" and "第5行" in why for r, c, why in errors)
    assert any(r == 8 and "循环" in why for r, _, why in errors)
    assert not Organization.objects.filter(code__startswith="X").exists()


def test_org_import_inside_jurisdiction_only(users, tree):
    report = run("orgs", [org_row("N1", "A1a"), org_row("N2", "B1a"), org_row("N3", "")], user=users["unit"])
    errors = errors_of(report)
    assert not any(r == 2 for r, _, _ in errors)
    assert (3, "上级组织编码", "组织编码 B1a 不存在或不在您的管辖范围内") in errors
    assert any(r == 4 and c == "上级组织编码" for r, c, _ in errors)
    report = run("orgs", [org_row("B1a", "A1a")], user=users["unit"])
    assert errors_of(report) == [(2, "组织编码", "组织编码 B1a 不存在或不在您的管辖范围内")]
    report = run("orgs", [org_row("N1", "A1a")], user=users["unit"])
    assert report.applied and report.created == 1


# ---------------------------------------------------------------------------------------------------------
# Commands


def test_import_command_prints_summary_and_errors(tree, tmp_path: Path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([HEADERS["members"], member_row(1), member_row(2)]).getvalue())
    call_command("import_members", str(good), "--dry-run")
    assert Member.objects.count() == 0
    assert "新增2" in capsys.readouterr().out
    call_command("import_members", str(good))
    assert Member.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADERS["members"], member_row(3, org="ZZ")]).getvalue())
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_members", str(bad))
    assert "第2行 所在党组织编码 “ZZ” 组织编码 ZZ 不存在" in capsys.readouterr().err
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("import_cadres", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_orgs", str(tmp_path / "missing.xlsx"))
    entry = AuditEntry.objects.filter(action="import").get()
    assert entry.actor_name == "system:import_members"


def test_import_template_command_writes_an_importable_empty_file(tmp_path: Path, tree):
    for kind in ImportKind.values:
        path = tmp_path / f"{kind}.xlsx"
        call_command("import_template", kind, str(path))
        with pytest.raises(ImportFileError, match="没有数据"):
            import_file(kind=kind, file=path, filename=path.name, actor=SETUP)


def test_id_number_stored_as_an_excel_number_is_refused_not_rounded(tree):
    real = idn(7)
    report = run("members", [member_row(7, 公民身份号码=float(real), 性别=None, 出生日期=None)])
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(2, "公民身份号码")]
    assert "数字" in report.errors[0].reason and "文本" in report.errors[0].reason
    assert not Member.objects.exists()
    cadre_report = run("cadres", [cadre_row(8, 公民身份号码=float(idn(8)))])
    assert not cadre_report.applied and "数字" in cadre_report.errors[0].reason


@pytest.mark.parametrize("code", ["X/1", "有中文", "import", "a b", "-x"])
def test_org_codes_must_be_url_safe_and_not_reserved(tree, code):
    report = run("orgs", [org_row(code, "A1")])
    assert not report.applied
    assert [e.column for e in report.errors] == ["组织编码"]
    assert not Organization.objects.filter(code=code).exists()
