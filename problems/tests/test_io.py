"""Export and import of problem ledgers (.xlsx): columns and content, scope, the round trip, every import error
with its row and column, all or nothing, dry runs, the page flow (upload → validation → preview → confirm →
done, the jobs running immediately in tests) and the commands."""

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.actors import SETUP
from conftest import PASSWORD
from core.models import AuditEntry
from core.sheets import ImportFileError
from orgs.models import ImportJob
from orgs.tests.test_import_pages import shown_mapping
from problems import selectors
from problems.choices import ProblemAction, ProblemStatus
from problems.exports import HEADERS, step_line, write_ledger, write_template
from problems.imports import import_ledger, parse_steps
from problems.models import Problem, RectificationStep, TransitionRecord
from problems.services import problem_act, step_done
from problems.tests.conftest import TODAY, upload

pytestmark = pytest.mark.django_db

COL = {title: i for i, title in enumerate(HEADERS)}


def _cadre(org: Any, name: str, seq: int, position: str = "党支部书记") -> Any:
    from core.cn import make_id_number
    from orgs.services import cadre_create

    return cadre_create(actor=SETUP, organization=org, name=name, position=position, rank=10,
                        id_number=make_id_number("130102", dt.date(1975, 3, 1), seq, "M"))


def read(data: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def export_bytes(user: Any, **filters: Any) -> bytes:
    out = io.BytesIO()
    write_ledger(selectors.ledger(user, selectors.LedgerFilter(**filters)), out)
    return out.getvalue()


def xlsx(rows: list[list[Any]], headers: list[str] | None = None, name: str = "问题清单.xlsx") -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for r, values in enumerate([headers or HEADERS, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()))
            elif value not in (None, ""):
                sheet.write(r, c, value)
    book.close()
    out.seek(0)
    out.name = name
    return out


def row(**values: Any) -> list[Any]:
    """A data row by column title; unnamed columns empty. Defaults: a valid new problem."""
    cells = {"问题表现": "会议室空调长期不关，浪费严重", "问题来源": "自己找", "问题类别": "作风不实"}
    cells.update({k.replace("_", ""): v for k, v in values.items()})
    return [cells.get(title, "") for title in HEADERS]


def run(user: Any, rows: list[list[Any]], **kwargs: Any) -> Any:
    return import_ledger(file=xlsx(rows), filename="问题清单.xlsx", user=user, **kwargs)


def errors_of(report: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in report.errors]


@pytest.fixture
def ledger(make_problem: Any, people: dict[str, Any], tree: Any) -> dict[str, Any]:
    """Problems in every state at village A1a, one with steps (one done), one in county B."""
    secretary = _cadre(tree.village_a, "王书记", 1)
    with_steps = make_problem(description="村务公开不及时\n群众反映强烈", responsible_cadre=secretary,
                              deadline=dt.date(2023, 12, 31), steps=[
                                  {"measure": "修订村务公开制度", "owner": "张三", "deadline": dt.date(2023, 11, 30)},
                                  {"measure": "每月15日公开", "owner": "", "deadline": None}])
    with_steps = problem_act(actor=people["unit"], problem=with_steps, action=ProblemAction.START)
    first = with_steps.steps.order_by("id")[0]
    step_done(actor=people["unit"], step=first, done_note="已修订", files=[upload()])
    closed = make_problem(description="道路破损未修", source="superior", category="development")
    closed = problem_act(actor=people["unit"], problem=closed, action=ProblemAction.START)
    closed = problem_act(actor=people["unit"], problem=closed, action=ProblemAction.CLAIM, files=[upload()])
    closed = problem_act(actor=people["liaison"], problem=closed, action=ProblemAction.CLOSE, note="现场核实")
    claimed = make_problem(description="党员活动室长期闲置", fix_now=True)
    claimed = problem_act(actor=people["unit"], problem=claimed, action=ProblemAction.CLAIM, files=[upload()])
    registered = make_problem(description="学习走过场", source="collective", category="spirit", severity="grave")
    elsewhere = make_problem(org=tree.village_b, by=people["office"], description="社区服务窗口态度差")
    return {"steps": with_steps, "closed": closed, "claimed": claimed, "registered": registered,
            "elsewhere": elsewhere, "secretary": secretary}


# ---------------------------------------------------------------------------------------------------------
# Export.


def test_export_has_the_offices_columns_and_content(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    sheet = read(export_bytes(people["office"]))
    assert "问题清单" in sheet[0][0]
    assert sheet[1] == HEADERS
    rows = {r[COL["问题编号"]]: r for r in sheet[2:]}
    assert len(rows) == 5 and [r[0] for r in sheet[2:]] == [1, 2, 3, 4, 5]
    steps = rows[ledger["steps"].number]
    assert steps[COL["问题表现"]] == "村务公开不及时\n群众反映强烈"
    assert (steps[COL["问题来源"]], steps[COL["问题类别"]]) == ("群众提", "服务群众")
    assert steps[COL["整改措施"]].split("\n") == [
        "1. 修订村务公开制度（责任人：张三；时限：2023年11月30日；已于2023年10月10日完成）",
        "2. 每月15日公开",
    ]
    assert steps[COL["责任领导"]] == "王书记（党支部书记）"
    assert steps[COL["责任单位"]] == "东关村党支部"
    assert steps[COL["完成时限"]] == dt.date(2023, 12, 31)  # a real date
    assert steps[COL["整改进展"]] == "整改中，已完成1/2项"
    assert steps[COL["销号情况"]] == "未销号"
    assert (steps[COL["组织名称"]], steps[COL["组织编码"]]) == ("东关村党支部", "A1a")
    closed = rows[ledger["closed"].number]
    assert closed[COL["销号情况"]] == "已销号（2023年10月10日，核验人：liaison，按期）"
    assert closed[COL["整改进展"]] == "已销号，未列整改措施"
    assert rows[ledger["claimed"].number][COL["销号情况"]] == "已申请销号，待核验"


def test_export_marks_relapse_extension_and_lateness(ledger: dict[str, Any], people: dict[str, Any],
                                                     frozen_clock: Any) -> None:
    closed = problem_act(actor=people["liaison"], problem=ledger["closed"], action=ProblemAction.REOPEN, note="又坏了")
    problem_act(actor=people["unit"], problem=ledger["registered"], action=ProblemAction.REQUEST_EXTENSION, note="汛期",
                new_due_on=dt.date(2024, 1, 20))
    problem_act(actor=people["liaison"], problem=ledger["registered"], action=ProblemAction.APPROVE_EXTENSION)
    frozen_clock.move_to(dt.datetime(2024, 1, 25, 9, 0))
    rows = {r[COL["问题编号"]]: r for r in read(export_bytes(people["office"]))[2:]}
    assert rows[closed.number][COL["销号情况"]] == "未销号；反弹1次"
    late = rows[ledger["registered"].number]
    assert late[COL["销号情况"]] == "未销号；延期1次"
    assert late[COL["整改进展"]] == "已登记，未列整改措施，已逾期5天"


def test_export_page_is_scoped_filtered_and_audited(client: Any, ledger: dict[str, Any],
                                                    people: dict[str, Any]) -> None:
    assert client.login(username="unit", password=PASSWORD)
    response = client.get(reverse("problems:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    numbers = [r[COL["问题编号"]] for r in read(b"".join(response.streaming_content))[2:]]
    assert ledger["elsewhere"].number not in numbers and len(numbers) == 4
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor_name == "unit" and (entry.after or {})["rows"] == 4

    response = client.get(reverse("problems:export"), {"status": "closed"})
    numbers = [r[COL["问题编号"]] for r in read(b"".join(response.streaming_content))[2:]]
    assert numbers == [ledger["closed"].number]
    latest = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("-id")[0]
    assert latest.after is not None and latest.after["filters"] == {"status": ["closed"]}

    client.logout()
    assert client.login(username="liaison_b", password=PASSWORD)
    numbers = [r[COL["问题编号"]] for r in read(b"".join(client.get(reverse("problems:export")).streaming_content))[2:]]
    assert numbers == [ledger["elsewhere"].number]
    client.logout()
    assert client.login(username="sysadmin", password=PASSWORD)
    assert client.get(reverse("problems:export")).status_code == 404


def test_step_lines_read_back() -> None:
    line = step_line(1, "修订制度\n并公开", "张三；李四", dt.date(2023, 11, 30), dt.date(2023, 10, 9))
    tricky = step_line(4, "整改到位（时限：年底）")  # a measure that looks like notes is protected
    steps, reason = parse_steps(f"{line}\n2、（两次）开展培训（2次）\n（3）入户走访（李四，2023-12-01）\n{tricky}")
    assert reason is None
    assert [(s.number, s.measure, s.owner, s.deadline) for s in steps] == [
        (1, "修订制度 并公开", "张三；李四", dt.date(2023, 11, 30)),
        (2, "（两次）开展培训（2次）", "", None),
        (3, "入户走访（李四，2023-12-01）", "", None),
        (4, "整改到位（时限：年底）", "", None),
    ]
    steps, _ = parse_steps("修订制度\n入户走访")  # no numbers: a step per line
    assert [s.measure for s in steps] == ["修订制度", "入户走访"]
    steps, _ = parse_steps("1. 修订制度\n   并公开\n2. 入户走访")  # numbered: unnumbered lines continue a step
    assert [s.measure for s in steps] == ["修订制度 并公开", "入户走访"]
    assert parse_steps("1. 甲\n1. 乙")[1] == "编号1出现了两次：每项措施一个编号"
    assert "时限“下个月”" in (parse_steps("1. 甲（时限：下个月）")[1] or "")


# ---------------------------------------------------------------------------------------------------------
# The round trip.


def test_export_then_import_changes_nothing(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    problem_act(actor=people["liaison"], problem=ledger["closed"], action=ProblemAction.REOPEN, note="又坏了")
    versions = dict(Problem.objects.values_list("id", "version"))
    steps = list(RectificationStep.objects.order_by("id").values_list("id", "measure", "owner", "deadline",
                                                                       "done_on"))
    updates = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count()
    for who in ("office", "unit"):
        data = export_bytes(people[who])
        report = import_ledger(file=io.BytesIO(data), filename="导出.xlsx", user=people[who])
        assert report.errors == []
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5 if who == "office" else 4)
        assert report.applied
    assert dict(Problem.objects.values_list("id", "version")) == versions
    assert list(RectificationStep.objects.order_by("id").values_list("id", "measure", "owner", "deadline",
                                                                      "done_on")) == steps
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count() == updates
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 2


# ---------------------------------------------------------------------------------------------------------
# Import: creating and updating.


def test_import_registers_new_problems(people: dict[str, Any], tree: Any, campaign: Any) -> None:
    secretary = _cadre(tree.township_a, "李镇长", 2, position="镇长")
    report = run(people["county_office"], [
        row(问题表现="村口垃圾堆放", 问题来源="群众提", 问题类别="服务群众", 组织编码="A1a",
            整改措施="1. 清运垃圾（责任人：张三；时限：2023年10月20日）\n2. 设置垃圾箱",
            责任领导="李镇长", 完成时限=dt.date(2023, 11, 30), 整改进展="已完成2/2项", 销号情况="已销号"),
        row(问题表现="学习不深入"),  # no organisation code: the importing user's own
    ])
    assert report.errors == [] and (report.created, report.updated) == (2, 0)
    first = Problem.objects.get(description="村口垃圾堆放")
    assert (first.organization, first.source, first.category) == (tree.village_a, "masses", "service")
    assert (first.responsible_cadre, first.due_on, first.deadline) == (secretary, dt.date(2023, 11, 30),
                                                                        dt.date(2023, 11, 30))
    assert first.status == ProblemStatus.REGISTERED  # 整改进展 and 销号情况 are never read
    assert [(s.measure, s.owner, s.deadline, s.done_on) for s in first.steps.order_by("id")] == [
        ("清运垃圾", "张三", dt.date(2023, 10, 20), None), ("设置垃圾箱", "", None, None)]
    assert first.created_by == people["county_office"] and first.responsible_unit == "东关村党支部"
    second = Problem.objects.get(description="学习不深入")
    assert second.organization == tree.county_a
    assert TransitionRecord.objects.filter(action=ProblemAction.REGISTER).count() == 2
    assert (AuditEntry.objects.get(action=AuditEntry.Action.IMPORT).after or {})["created"] == 2


def test_import_updates_record_and_steps_through_the_services(ledger: dict[str, Any],
                                                               people: dict[str, Any]) -> None:
    problem = ledger["steps"]
    sheet = read(export_bytes(people["unit"]))
    exported = next(r for r in sheet[2:] if r[COL["问题编号"]] == problem.number)
    exported[COL["问题表现"]] = "村务公开不及时，群众反映强烈"
    exported[COL["责任单位"]] = "东关村两委"
    # keep the done step, change the second, add a third
    exported[COL["整改措施"]] = (exported[COL["整改措施"]].split("\n")[0]
                                + "\n2. 每月15日在公开栏公开（责任人：李四）\n3. 建立群众监督员制度")
    version = Problem.objects.get(pk=problem.pk).version
    report = run(people["unit"], [exported])
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert report.changes == [{"row": 2, "action": "更新", "key": problem.number,
                               "columns": ["问题表现", "责任单位", "整改措施"], "note": ""}]
    problem.refresh_from_db()
    assert problem.description == "村务公开不及时，群众反映强烈" and problem.responsible_unit == "东关村两委"
    assert problem.version > version
    assert [(s.measure, s.owner, s.done_on is not None) for s in problem.steps.order_by("id")] == [
        ("修订村务公开制度", "张三", True), ("每月15日在公开栏公开", "李四", False), ("建立群众监督员制度", "", False)]
    assert (problem.step_count, problem.steps_done) == (3, 1)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_type="problems.problem",
                                     object_id=str(problem.pk)).exists()


def test_a_step_left_out_is_deleted_unless_done(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    problem = ledger["steps"]
    line = row(问题编号=problem.number, 问题表现="村务公开不及时 群众反映强烈", 问题来源="群众提", 问题类别="服务群众",
               责任领导="王书记", 整改措施="1. 修订村务公开制度（责任人：张三；时限：2023年11月30日）")
    report = run(people["unit"], [line])
    assert report.errors == [] and report.updated == 1
    assert list(problem.steps.values_list("measure", flat=True)) == ["修订村务公开制度"]
    line[COL["整改措施"]] = ""
    report = run(people["unit"], [line])
    assert errors_of(report) == [(2, "整改措施", "原有措施“修订村务公开制度”：已完成的整改措施不能删除")]


# ---------------------------------------------------------------------------------------------------------
# Import: errors, with row and column.


@pytest.mark.parametrize(("cells", "column", "reason"), [
    ({"问题来源": "领导说的"}, "问题来源", "未知的问题来源：应为 自己找、群众提、集体议、上级点 之一"),
    ({"问题来源": "督导发现"}, "问题来源", "“督导发现”只能由联络组根据督导发现登记"),
    ({"问题类别": "太懒"}, "问题类别", "未知的问题类别"),
    ({"问题来源": ""}, "问题来源", "问题来源应为"),
    ({"问题表现": ""}, "问题表现", "请填写问题表现"),
    ({"完成时限": dt.date(2023, 10, 1)}, "完成时限", "完成时限不能早于今天（2023年10月10日）"),
    ({"完成时限": "下个月"}, "完成时限", "无法识别：应为日期"),
    ({"完成时限": "13月底前"}, "完成时限", "日期不存在"),
    ({"完成时限": "2023-02-30"}, "完成时限", "日期不存在"),
    ({"整改措施": "1. 清运（时限：2023-09-01）"}, "整改措施", "完成时限不能早于今天"),
    ({"整改措施": "1. 清运（随时）（张三）"}, "整改措施", None),  # plain parentheses are part of the measure
    ({"组织编码": "NOPE"}, "组织编码", "组织编码 NOPE 不存在或不在您的管辖范围内"),
    ({"组织编码": "B1a"}, "组织编码", "组织编码 B1a 不存在或不在您的管辖范围内"),
    ({"问题编号": "WT9999999"}, "问题编号", "问题编号不存在或不在您的管辖范围内"),
    ({"问题编号": "第三个"}, "问题编号", "问题编号格式不正确"),
    ({"责任领导": "赵四"}, "责任领导", "“东关村党支部”及其上级组织中没有这名领导干部"),
])
def test_each_bad_cell_is_reported_with_row_and_column(people: dict[str, Any], campaign: Any,
                                                       cells: dict[str, Any], column: str,
                                                       reason: str | None) -> None:
    report = run(people["unit"], [row(问题表现="第一行没有错误"), row(**cells)])
    if reason is None:
        assert report.errors == [] and report.created == 2
        return
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert reason in report.errors[0].reason
    assert Problem.objects.count() == 0  # all or nothing


def test_every_error_of_a_row_is_reported_once(people: dict[str, Any], campaign: Any) -> None:
    report = run(people["unit"], [row(问题来源="领导说的", 问题表现="", 完成时限=dt.date(2023, 9, 1),
                                      整改措施="1. 清运（时限：2023-09-30）")])
    assert [(e.row, e.column) for e in report.errors] == [(2, "问题表现"), (2, "问题来源"), (2, "整改措施"),
                                                          (2, "完成时限")]
    assert "未知的问题来源" in report.errors[1].reason  # not also the service's "问题来源应为…"


def test_a_problem_outside_the_jurisdiction_is_not_found(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    report = run(people["unit"], [row(问题编号=ledger["elsewhere"].number, 问题表现="改掉")])
    assert errors_of(report) == [(2, "问题编号", "问题编号不存在或不在您的管辖范围内")]
    assert Problem.objects.get(pk=ledger["elsewhere"].pk).description == "社区服务窗口态度差"


def test_duplicates_moves_ambiguous_leaders_and_locked_problems(ledger: dict[str, Any], people: dict[str, Any],
                                                                tree: Any) -> None:
    _cadre(tree.township_a, "王书记", 3, position="党委书记")
    closed, registered = ledger["closed"], ledger["registered"]
    report = run(people["office"], [
        row(问题编号=closed.number, 问题表现="道路破损", 问题来源="上级点", 问题类别="推动发展"),
        row(问题编号=registered.number, 问题表现="学习走过场", 问题来源="集体议", 问题类别="精神不振", 组织编码="A1"),
        row(问题编号=registered.number, 问题表现="学习走过场"),
        row(组织编码="A1a", 责任领导="王书记"),
        row(组织编码="A1a", 责任领导="王书记（党委书记）", 问题表现="正确写法"),
    ])
    assert errors_of(report) == [
        (2, "问题编号", "问题已销号，记录已锁定，不能修改。确需修改的，由核验人员重新打开后再改。"),
        (3, "组织编码", "该问题属于“东关村党支部”（A1a），问题所属组织不能通过导入修改"),
        (4, "问题来源", "问题来源登记后不能修改"),
        (4, "问题编号", "与第3行的问题编号重复：一个问题只能出现一次"),
        (5, "责任领导", "有2名同名的领导干部：请写成“姓名（职务）”"),
    ]
    assert Problem.objects.count() == 5


def test_whole_file_errors(people: dict[str, Any], campaign: Any) -> None:
    cases: list[tuple[io.BytesIO, str, str]] = [
        (xlsx([row()], headers=[h for h in HEADERS if h != "问题表现"]), "a.xlsx", "第1行表头缺少列：问题表现"),
        (io.BytesIO(b"%PDF-1.4"), "a.pdf", "不支持的文件类型“.pdf”"),
        (io.BytesIO(b"PK\x03\x04broken"), "a.xlsx", "已损坏"),
        (io.BytesIO(b"MZ\x90\x00 program"), "问题清单.xlsx", "不是有效的 .xlsx 文件"),  # a program renamed
        (io.BytesIO(b"MZ\x90\x00 program"), "问题清单.csv", "文件内容不是文本"),
        (io.BytesIO(b""), "a.xlsx", "文件是空的"),
        (xlsx([]), "a.xlsx", "文件中没有数据行"),
    ]
    for fh, name, message in cases:
        with pytest.raises(ImportFileError, match=message):
            import_ledger(file=fh, filename=name, user=people["unit"])
    with pytest.raises(PermissionError, match="不能导入问题清单"):
        run(people["liaison"], [row()])


def test_csv_in_gbk_and_a_title_row_above_the_header(people: dict[str, Any], campaign: Any) -> None:
    lines = ["县级问题清单", ",".join(HEADERS), ",".join(str(c) for c in row(完成时限="2023/11/30"))]
    text = "\r\n".join(lines) + "\r\n"
    report = import_ledger(file=io.BytesIO(text.encode("gbk")), filename="清单.csv", user=people["unit"])
    assert report.errors == [] and report.created == 1
    assert Problem.objects.get().due_on == dt.date(2023, 11, 30)


# ---------------------------------------------------------------------------------------------------------
# All or nothing; dry runs.


def test_one_bad_row_writes_nothing(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    before = Problem.objects.count()
    report = run(people["unit"], [
        row(问题表现="好的一行"),
        row(问题编号=ledger["registered"].number, 问题表现="改了的问题表现", 问题来源="集体议", 问题类别="精神不振"),
        row(问题来源="不知道"),
    ])
    assert [(e.row, e.column) for e in report.errors] == [(4, "问题来源")]
    assert (report.created, report.updated, report.applied) == (0, 0, False)
    assert Problem.objects.count() == before
    assert Problem.objects.get(pk=ledger["registered"].pk).description == "学习走过场"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_dry_run_writes_nothing(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    entries = AuditEntry.objects.count()
    report = run(people["unit"], [row(), row(问题编号=ledger["registered"].number, 问题表现="改", 问题来源="集体议",
                                             问题类别="精神不振")], dry_run=True)
    assert report.errors == [] and (report.created, report.updated, report.applied) == (1, 1, False)
    assert Problem.objects.count() == 5
    assert Problem.objects.get(pk=ledger["registered"].pk).description == "学习走过场"
    assert AuditEntry.objects.count() == entries


# ---------------------------------------------------------------------------------------------------------
# Pages.


def _upload(client: Any, rows: list[list[Any]] | io.BytesIO, name: str = "清单.xlsx") -> Any:
    """Upload a file and confirm the columns as the mapping step reads them."""
    data = rows.getvalue() if isinstance(rows, io.BytesIO) else xlsx(rows).getvalue()
    response = client.post(reverse("problems:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()
    page = client.get(response.url).content.decode()
    return client.post(response.url, {"step": "mapping", **shown_mapping(page)})


def test_page_flow_upload_validate_preview_confirm_done(client: Any, ledger: dict[str, Any],
                                                        people: dict[str, Any]) -> None:
    assert client.login(username="unit", password=PASSWORD)
    page = client.get(reverse("problems:import")).content.decode()
    assert "整改进展”“销号情况”两列只用于导出" in page
    template = client.get(reverse("problems:import_template"))
    sheet = read(b"".join(template.streaming_content))
    assert "只用于导出" in sheet[0][0] and sheet[1] == HEADERS

    response = _upload(client, [row(问题表现="新问题一"),
                                row(问题编号=ledger["registered"].number, 问题表现="学习走过场，流于形式",
                                    问题来源="集体议", 问题类别="精神不振")])
    job = ImportJob.objects.get(kind="problems")
    assert response.status_code == 302 and response.url == reverse("problems:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.READY and job.user == people["unit"]
    page = client.get(response.url).content.decode()
    assert "新增1</strong>个问题" in page and "更新1</strong>个问题" in page and "确认导入" in page
    assert ledger["registered"].number in page and "只用于导出" in page
    assert not Problem.objects.filter(description="新问题一").exists()  # nothing before confirmation
    # The progress bar (htmx) of a finished job reloads the page.
    partial = client.get(response.url, headers={"HX-Request": "true"})
    assert "import-progress" in partial.content.decode() and partial["HX-Refresh"] == "true"

    assert client.post(response.url).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and not Path(job.file_path).exists()
    assert Problem.objects.filter(description="新问题一", organization=people["unit"].organization).exists()
    assert Problem.objects.get(pk=ledger["registered"].pk).description == "学习走过场，流于形式"
    assert "导入完成" in client.get(response.url).content.decode()
    client.post(response.url)  # confirming twice does nothing more
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
    assert ImportJob.objects.filter(kind="problems").count() == 1


def test_page_lists_errors_and_offers_no_confirmation(client: Any, people: dict[str, Any], campaign: Any) -> None:
    assert client.login(username="unit", password=PASSWORD)
    response = _upload(client, [row(问题类别="太懒"), row(组织编码="B1a")])
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    page = client.get(response.url).content.decode()
    assert "第2行" in page and "未知的问题类别" in page and "第3行" in page and "组织编码 B1a" in page
    assert "确认导入" not in page
    client.post(response.url)
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID and Problem.objects.count() == 0
    response = client.post(reverse("problems:import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 200 and "请上传 .xlsx 或 .csv 文件" in response.content.decode()


def test_import_pages_are_for_the_owner_side_and_jobs_for_their_uploader(client: Any, people: dict[str, Any],
                                                                          campaign: Any) -> None:
    assert client.login(username="unit", password=PASSWORD)
    job_url = _upload(client, [row()]).url
    client.logout()
    for who in ("liaison", "leader", "sysadmin"):
        assert client.login(username=who, password=PASSWORD)
        assert client.get(reverse("problems:import")).status_code == 404
        assert client.get(reverse("problems:import_template")).status_code == 404
        client.logout()
    assert client.login(username="unit2", password=PASSWORD)
    assert client.get(job_url).status_code == 404
    assert client.post(job_url).status_code == 404
    # the registry's import page neither lists nor opens ledger jobs
    client.logout()
    assert client.login(username="office", password=PASSWORD)
    job = ImportJob.objects.get()
    assert client.get(reverse("orgs:import_detail", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Commands.


def test_commands_export_then_import(ledger: dict[str, Any], people: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "清单.xlsx"
    stdout = io.StringIO()
    call_command("export_problems", str(out), "--org", "A", "--status", "已登记", "in_progress", stdout=stdout)
    assert "已导出问题2个" in stdout.getvalue()
    numbers = {r[COL["问题编号"]] for r in read(out.read_bytes())[2:]}
    assert numbers == {ledger["registered"].number, ledger["steps"].number}
    call_command("import_problems", str(out), "--user", "unit", stdout=stdout)
    assert "新增0，更新0，未变2" in stdout.getvalue()

    new = tmp_path / "新.xlsx"
    new.write_bytes(xlsx([row(问题表现="命令行导入")]).getvalue())
    call_command("import_problems", str(new), "--user", "unit", "--dry-run", stdout=stdout)
    assert "新增1" in stdout.getvalue() and "试运行" in stdout.getvalue()
    assert not Problem.objects.filter(description="命令行导入").exists()
    call_command("import_problems", str(new), "--user", "unit", stdout=stdout)
    assert Problem.objects.filter(description="命令行导入", created_by=people["unit"]).exists()

    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(xlsx([row(问题来源="乱填")]).getvalue())
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_problems", str(bad), "--user", "unit", stderr=stderr)
    assert "第2行 问题来源 “乱填” 未知的问题来源" in stderr.getvalue()
    with pytest.raises(CommandError, match="不能导入问题清单"):
        call_command("import_problems", str(new), "--user", "liaison")
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_problems", str(new), "--user", "nobody")
    with pytest.raises(CommandError, match="未知的状态"):
        call_command("export_problems", str(out), "--status", "whatever")


def test_template_has_a_note_row_and_column_rules() -> None:
    out = io.BytesIO()
    write_template(out)
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    first = book.get_sheet_by_index(0).to_python()
    assert "只用于导出" in str(first[0][0]) and first[1] == HEADERS
    rules = dict((r[0], r[1]) for r in book.get_sheet_by_index(1).to_python()[1:] if r[0])
    assert rules["整改进展"] == rules["销号情况"] == "只用于导出，导入时不读取"


def test_export_in_any_order_and_with_steps_changed_meanwhile(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    by_ledger = {r[COL["问题编号"]]: r[COL["整改措施"]] for r in read(export_bytes(people["office"]))[2:]}
    out = io.BytesIO()
    write_ledger(Problem.objects.visible_to(people["office"]).order_by("-registered_on", "-id"), out)
    assert {r[COL["问题编号"]]: r[COL["整改措施"]] for r in read(out.getvalue())[2:]} == by_ledger
    out = io.BytesIO()  # the first rows only (what the benchmark exports)
    assert write_ledger(selectors.ledger(people["office"])[:3], out) == 3
    first = [r[COL["问题编号"]] for r in read(export_bytes(people["office"]))[2:5]]
    assert ledger["steps"].number in first
    assert {r[COL["问题编号"]]: r[COL["整改措施"]] for r in read(out.getvalue())[2:]} == {
        n: by_ledger[n] for n in first}
    # A step count that disagrees with the steps streamed (as when steps change while exporting) has the steps of
    # that problem read again, by id.
    Problem.objects.filter(pk=ledger["steps"].pk).update(step_count=3)
    rows = {r[COL["问题编号"]]: r for r in read(export_bytes(people["office"]))[2:]}
    assert {number: r[COL["整改措施"]] for number, r in rows.items()} == by_ledger


def test_export_accepts_problems_already_in_memory(ledger: dict[str, Any], people: dict[str, Any]) -> None:
    problems = list(selectors.ledger(people["office"]))
    out = io.BytesIO()
    assert write_ledger(problems, out) == 5
    assert read(out.getvalue())[2:] == read(export_bytes(people["office"]))[2:]
    assert TODAY == dt.date(2023, 10, 10)


def test_an_old_export_cannot_overwrite_a_change_made_since(people: dict[str, Any], make_problem: Any) -> None:
    """Optimistic concurrency holds for imports too: the export carries each problem's version."""
    import io

    from problems import exports, imports
    from problems.services import problem_update

    problem = make_problem()
    out = io.BytesIO()
    exports.write_ledger(Problem.objects.filter(pk=problem.pk), out)
    problem_update(actor=people["unit2"], problem=problem, version=problem.version, cause="另一位联络员补充的原因")
    out.seek(0)
    report = imports.import_ledger(file=out, filename="ledger.xlsx", user=people["unit"])
    assert [(e.column, "导出后已被修改" in e.reason) for e in report.errors] == [("版本", True)]
    assert Problem.objects.get(pk=problem.pk).cause == "另一位联络员补充的原因"
