import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import PASSWORD, make_member
from core.models import AuditEntry
from orgs.counters import rollup_differences
from orgs.imports import HEADERS, MASKED_NOTICE
from orgs.models import ImportJob, Member
from orgs.tests.test_imports import member_row, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def shown_mapping(page: str) -> dict[str, str]:
    """The mapping step's selects as the page offers them: {select name: the option selected}."""
    chosen: dict[str, str] = {}
    for name, body in re.findall(r'<select name="(col_\d+)"[^>]*>(.*?)</select>', page, re.S):
        picked = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[name] = picked[1] if picked else ""
    return chosen


def upload(client, rows, kind="members", name="名册.xlsx", data=None):
    """Upload a file and confirm the columns as the mapping step reads them; the response is the confirmation's."""
    data = data if data is not None else xlsx([HEADERS[kind], *rows]).getvalue()
    response = client.post(reverse("orgs:import_start"), {"kind": kind, "file": SimpleUploadedFile(name, data)})
    if response.status_code != 302:
        return response
    job = ImportJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    page = client.get(response.url).content.decode()
    return client.post(reverse("orgs:import_confirm", args=[job.pk]), {"step": "mapping", **shown_mapping(page)})


def test_upload_preview_confirm_writes_the_data(client, users, tree):
    login(client, users["office"])
    assert client.get(reverse("orgs:import_start")).status_code == 200
    response = upload(client, [member_row(1, "A1a"), member_row(2, "B1a")])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("orgs:import_detail", args=[job.pk])
    assert job.report is not None
    assert job.status == "ready" and job.report["created"] == 2 and job.user == users["office"]
    page = client.get(response.url).content.decode()
    assert "新增2" in page and "确认导入" in page
    assert Member.objects.count() == 0  # nothing written before confirmation
    response = client.post(reverse("orgs:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"
    assert not Path(job.file_path).exists()  # the upload is removed once applied
    assert Member.objects.count() == 2
    assert rollup_differences() == []
    assert AuditEntry.objects.get(action="import").actor_name == "office"
    # Confirming twice does nothing more.
    client.post(reverse("orgs:import_confirm", args=[job.pk]))
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_errors_are_listed_on_the_page_and_nothing_is_written(client, users, tree):
    login(client, users["office"])
    response = upload(client, [member_row(1, "NOPE"), member_row(2, 入党日期="2005-02-30")])
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    page = client.get(response.url).content.decode()
    assert "第2行" in page and "组织编码 NOPE 不存在或不在您的管辖范围内" in page
    assert "第3行" in page and "日期不存在" in page
    assert "确认导入" not in page
    assert client.post(reverse("orgs:import_confirm", args=[job.pk])).status_code == 302
    assert Member.objects.count() == 0


def test_whole_file_problem_is_shown(client, users, tree):
    login(client, users["office"])
    response = client.post(reverse("orgs:import_start"),
                           {"kind": "members", "file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04broken")})
    assert response.status_code == 200 and "已损坏" in response.content.decode()  # on the upload form
    response = client.post(reverse("orgs:import_start"),
                           {"kind": "members", "file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 200 and "请上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_masked_export_upload_is_refused(client, users, tree):
    make_member(tree.village_a)
    login(client, users["leader"])
    data = client.get(reverse("orgs:export_members", args=["C"])).getvalue()
    client.logout()
    login(client, users["office"])
    response = client.post(reverse("orgs:import_start"),
                           {"kind": "members", "file": SimpleUploadedFile("m.xlsx", data)})
    assert response.status_code == 200 and "脱敏" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_unit_user_gets_a_row_error_for_another_county(client, users, tree):
    login(client, users["unit"])
    upload(client, [member_row(1, "A1a"), member_row(2, "B1a")])
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.report is not None
    assert job.report["errors"] == [{"row": 3, "column": "所在党组织编码", "value": "B1a",
                                     "reason": "组织编码 B1a 不存在或不在您的管辖范围内", "letter": "K"}]
    assert Member.objects.count() == 0


@pytest.mark.parametrize("role", ["leader", "liaison", "sysadmin", "secadmin", "auditor"])
def test_only_registry_editors_reach_import_pages(client, users, tree, role):
    job = ImportJob.objects.create(kind="members", user=users[role], file_path="x", original_name="x.xlsx")
    login(client, users[role])
    for url in (reverse("orgs:import_start"), reverse("orgs:import_template", args=["members"]),
                reverse("orgs:import_detail", args=[job.pk]), reverse("orgs:import_progress", args=[job.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("orgs:import_confirm", args=[job.pk])).status_code == 404


def test_users_see_only_their_own_jobs(client, users, tree):
    login(client, users["office"])
    upload(client, [member_row(1, "A1a")])
    job = ImportJob.objects.get()
    client.logout()
    login(client, users["unit"])
    assert client.get(reverse("orgs:import_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("orgs:import_confirm", args=[job.pk])).status_code == 404
    assert Member.objects.count() == 0


def test_anonymous_is_sent_to_login(client, tree):
    assert client.get(reverse("orgs:import_start")).status_code == 302


def test_progress_partial_polls_while_running_and_stops_when_finished(client, users, tree):
    login(client, users["office"])
    job = ImportJob.objects.create(kind="members", user=users["office"], file_path="x", original_name="x.xlsx",
                                   status="validating", total=1000, processed=250)
    html = client.get(reverse("orgs:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "25%" in html
    assert 'hx-trigger="every 1s"' in client.get(reverse("orgs:import_detail", args=[job.pk])).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="ready")
    response = client.get(reverse("orgs:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in response.content.decode()
    assert response["HX-Refresh"] == "true"


def test_template_download(client, users, tree):
    login(client, users["unit"])
    response = client.get(reverse("orgs:import_template", args=["cadres"]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS["cadres"]
    assert client.get(reverse("orgs:import_template", args=["nope"])).status_code == 404


def test_export_follows_filters_scope_and_masking(client, users, tree):
    make_member(tree.village_a, mobile=True, name="甲")
    make_member(tree.village_a, name="乙")
    make_member(tree.village_b, name="丙")
    login(client, users["office"])
    response = client.get(reverse("orgs:export_members", args=["C"]), {"mobile": "1"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C-" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS["members"] and [r[0] for r in rows[1:]] == ["甲"]
    id_cell = rows[1][4]
    assert isinstance(id_cell, str) and "*" not in id_cell
    entry = AuditEntry.objects.get(action="export")
    assert entry.after is not None
    assert entry.after["rows"] == 1 and entry.after["masked"] is False and entry.actor_name == "office"
    client.logout()
    login(client, users["liaison"])  # county A: masked, and county B is outside
    response = client.get(reverse("orgs:export_members", args=["A"]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[0][0] == MASKED_NOTICE and {r[0] for r in rows[2:]} == {"甲", "乙"}
    assert client.get(reverse("orgs:export_members", args=["B"])).status_code == 404
    assert client.get(reverse("orgs:export_cadres", args=["B"])).status_code == 404
    assert client.get(reverse("orgs:export_cadres", args=["A"])).status_code == 200
    client.logout()
    login(client, users["auditor"])
    assert client.get(reverse("orgs:export_members", args=["C"])).status_code == 404
