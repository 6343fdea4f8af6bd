import datetime as dt
import io
from collections.abc import Sequence

import pytest
import xlsxwriter
from django.test import Client

from accounts.models import ApiToken
from api.tests.helpers import API
from core.cn import make_id_number
from core.models import AuditEntry
from orgs.counters import rollup_differences
from orgs.imports import HEADERS
from orgs.models import Cadre, Member, Organization
from orgs.selectors import org_totals


def idn(seq: int) -> str:
    return make_id_number("130102", dt.date(1980, 5, 17), seq, "M")


def member_row(seq: int, org: str = "A1a", **over: str) -> list[str]:
    row = {"姓名": f"党员{seq}", "性别": "男", "民族": "汉族", "出生日期": "1980-05-17", "公民身份号码": idn(seq),
           "手机号码": "13800138000", "入党日期": "2005-07-01", "人员类别": "正式党员", "流动党员": "否",
           "年老体弱": "否", "所在党组织编码": org}
    row.update(over)
    return [row.get(h, "") for h in HEADERS["members"]]


def csv_file(kind: str, rows: list[list[str]], name: str = "upload.csv", encoding: str = "utf-8") -> io.BytesIO:
    text = "\r\n".join(",".join(row) for row in [HEADERS[kind], *rows]) + "\r\n"
    fh = io.BytesIO(text.encode(encoding))
    fh.name = name
    return fh


def xlsx_file(kind: str, rows: Sequence[Sequence[object]]) -> io.BytesIO:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet()
    sheet: list[Sequence[object]] = [HEADERS[kind], *rows]
    for r, row in enumerate(sheet):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.close()
    out.seek(0)
    out.name = "upload.xlsx"
    return out


def test_members_imported_and_attributed_to_the_token_user(api_as, users, tree):
    response = api_as("office").post("/imports/members", {"file": csv_file("members", [
        member_row(1), member_row(2, "B1a", 流动党员="是")])}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200, response.content
    assert response.json() == {"kind": "members", "rows": 2, "errors": [], "created": 2, "updated": 0,
                               "unchanged": 0, "applied": True}
    assert set(Member.objects.values_list("id_number", flat=True)) == {idn(1), idn(2)}
    assert org_totals(tree.county_b).mobile == 1
    assert rollup_differences() == []
    entries = AuditEntry.objects.filter(object_type="orgs.member")
    assert entries.filter(action=AuditEntry.Action.CREATE).count() == 2
    assert {(e.actor_id, e.actor_name, e.ip) for e in entries} == {(users["office"].pk, "office", "10.1.2.3")}


def test_dry_run_writes_nothing(api_as, tree):
    response = api_as("office").post("/imports/members?dry_run=true", {"file": csv_file("members", [member_row(1)])})
    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False and body["errors"] == [] and body["rows"] == 1
    assert not Member.objects.exists()


def test_row_errors_answer_422_with_every_error_and_write_nothing(api_as, tree):
    bad = member_row(2, 公民身份号码=idn(2)[:-1] + ("0" if idn(2)[-1] != "0" else "1"))
    response = api_as("office").post("/imports/members", {"file": csv_file("members", [
        member_row(1), bad, member_row(3, "NOPE")])})
    assert response.status_code == 422
    body = response.json()
    assert body["applied"] is False and body["created"] == 0
    assert {(e["row"], e["column"]) for e in body["errors"]} >= {(3, "公民身份号码"), (4, "所在党组织编码")}
    assert all(e["reason"] for e in body["errors"])
    assert not Member.objects.exists()


def test_unit_cannot_import_outside_its_jurisdiction(api_as, tree):
    response = api_as("unit").post("/imports/members", {"file": csv_file("members", [member_row(1, "B1a")])})
    assert response.status_code == 422
    assert "管辖范围" in response.json()["errors"][0]["reason"]
    assert not Member.objects.exists()
    inside = api_as("unit").post("/imports/members", {"file": csv_file("members", [member_row(1, "A1a")])})
    assert inside.status_code == 200


def test_gbk_csv_and_xlsx_are_read(api_as, tree):
    api = api_as("office")
    gbk = api.post("/imports/members", {"file": csv_file("members", [member_row(1)], encoding="gbk")})
    assert gbk.status_code == 200 and gbk.json()["created"] == 1
    cadres = api.post("/imports/cadres", {"file": xlsx_file("cadres", [
        ["李四", idn(7), "区长", "县处级副职", "A"]])})
    assert cadres.status_code == 200, cadres.content
    assert Cadre.objects.get().organization == tree.county_a
    assert org_totals(tree.city).cadres == 1


def test_orgs_import(api_as, tree):
    response = api_as("office").post("/imports/orgs", {"file": csv_file("orgs", [
        ["A1b", "西关村党支部", "A1", "", "党支部", "村", "村(社区)", "", "", ""]])})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert Organization.objects.get(code="A1b").path[:-4] == tree.township_a.path  # a child of A1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", b"hello", "不支持的文件类型"),
    ("empty.csv", b"", "文件是空的"),
    ("broken.xlsx", b"this is not a zip", "不是有效的 .xlsx"),
    ("名册.xlsx", b"MZ\x90\x00 program", "不是有效的 .xlsx"),  # a program renamed
    ("名册.csv", b"MZ\x90\x00 program", "文件内容不是文本"),
])
def test_unreadable_files_answer_400_in_chinese(api_as, tree, name, content, message):
    fh = io.BytesIO(content)
    fh.name = name
    response = api_as("office").post("/imports/members", {"file": fh})
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("role", ["leader", "liaison", "sysadmin", "secadmin", "auditor"])
def test_roles_that_cannot_edit_get_404(api_as, tree, role):
    response = api_as(role).post("/imports/members", {"file": csv_file("members", [member_row(1)])})
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    assert not Member.objects.exists()


def test_missing_file_or_unknown_kind_is_422(api_as, tree):
    api = api_as("office")
    assert api.post("/imports/members", {}).status_code == 422
    assert api.post("/imports/people", {"file": csv_file("members", [member_row(1)])}).status_code == 422


def test_session_writes_need_the_csrf_token_but_bearer_does_not(users, tree):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["office"])
    response = browser.post(f"{API}/imports/members", {"file": csv_file("members", [member_row(1)])})
    assert response.status_code == 403
    assert not Member.objects.exists()
    token = ApiToken.issue(users["office"])
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/imports/members", {"file": csv_file("members", [member_row(1)])},
        HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
