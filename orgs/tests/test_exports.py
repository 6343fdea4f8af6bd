import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from accounts.actors import SETUP
from conftest import make_member
from core.models import AuditEntry
from orgs import services
from orgs.counters import rollup_differences
from orgs.exports import export_cadres, export_members, write_template
from orgs.imports import HEADERS, MASKED_NOTICE, ImportFileError, ImportKind, import_file
from orgs.models import Cadre, Member
from orgs.selectors import cadre_list, member_list


def sheet_rows(data: bytes) -> Sequence[Sequence[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def people(tree):
    make_member(tree.village_a, mobile=True, name="张三")
    make_member(tree.village_b, frail=True, gender="F", name="李四", birth=dt.date(1970, 2, 28))
    m = make_member(tree.township_a, name="王五")
    services.member_update(actor=SETUP, member=m, phone="", joined_on=None, category="probationary", ethnicity="回族")
    services.cadre_create(actor=SETUP, organization=tree.county_a, name="赵六", id_number="11010519491231002X",
                          position="区委书记", rank=50)
    services.cadre_create(actor=SETUP, organization=tree.township_a, name="钱七", id_number="440524188001010014",
                          position="镇长", rank=30)
    return tree


def test_member_export_has_import_headers_and_labels(people):
    out = io.BytesIO()
    assert export_members(queryset=member_list(people.city), out=out, masked=False) == 3
    rows = sheet_rows(out.getvalue())
    assert rows[0] == HEADERS["members"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["张三"][1:4] == ["男", "汉族", "1980-05-17"]
    assert by_name["张三"][7:11] == ["正式党员", "是", "否", "A1a"]
    assert by_name["王五"][5:8] == ["", "", "预备党员"]
    assert by_name["李四"][4] == Member.objects.get(name="李四").id_number


def test_export_then_import_changes_nothing(people, tmp_path: Path):
    for kind, writer, lister in (("members", export_members, member_list), ("cadres", export_cadres, cadre_list)):
        out = io.BytesIO()
        writer(queryset=lister(people.city), out=out, masked=False)
        report = import_file(kind=kind, file=out, filename="export.xlsx", actor=SETUP)
        assert report.errors == []
        assert (report.created, report.updated, report.unchanged) == (0, 0, 3 if kind == "members" else 2)
    assert rollup_differences() == []


def test_masked_export_says_so_and_cannot_be_imported(people):
    out = io.BytesIO()
    export_members(queryset=member_list(people.city), out=out, masked=True)
    rows = sheet_rows(out.getvalue())
    assert rows[0][0] == MASKED_NOTICE
    assert rows[1] == HEADERS["members"]
    zhang = next(r for r in rows[2:] if r[0] == "张三")
    id_cell = zhang[4]
    assert isinstance(id_cell, str) and "**********" in id_cell and zhang[5] == "138****8000"
    with pytest.raises(ImportFileError, match="脱敏"):
        import_file(kind="members", file=out, filename="masked.xlsx", actor=SETUP)
    out = io.BytesIO()
    export_cadres(queryset=cadre_list(people.city), out=out, masked=True)
    assert sheet_rows(out.getvalue())[2][1] == "1101**********002X"


def test_templates_have_headers_and_notes(db):
    for kind in ImportKind.values:
        out = io.BytesIO()
        write_template(kind=kind, out=out)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
        assert workbook.sheet_names == [workbook.sheet_names[0], "填写说明"]
        assert workbook.get_sheet_by_index(0).to_python()[0] == HEADERS[kind]


def test_export_commands_write_full_ids_and_round_trip(people, tmp_path: Path, capsys):
    path = tmp_path / "members.xlsx"
    call_command("export_members", str(path), "--org", "A")
    assert "2行" in capsys.readouterr().out
    rows = sheet_rows(path.read_bytes())
    assert {r[0] for r in rows[1:]} == {"张三", "王五"}
    call_command("import_members", str(path))
    assert "新增0，更新0，未变2" in capsys.readouterr().out
    call_command("export_cadres", str(tmp_path / "cadres.xlsx"))
    assert "2行" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="export").count() == 2
    assert Member.objects.count() == 3 and Cadre.objects.count() == 2
