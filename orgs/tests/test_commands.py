"""manage.py stats and check_counters."""

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import make_member
from orgs.counters import rollup_differences
from orgs.models import Rollup
from orgs.selectors import org_stats


def run(*args: str, **kwargs: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_stats_prints_sentence_tables_and_children(tree):
    make_member(tree.village_a)
    make_member(tree.village_b, frail=True)
    out = run("stats")
    assert "共有党组织7个，党员2人，县处级以上领导干部0人" in out
    for heading in ("按单位类别", "按层级", "下级党组织", "党组织数", "党员数", "县处级以上领导干部"):
        assert heading in out
    assert "城关区委（A）" in out and "河西县委（B）" in out
    assert "村(社区)" in out and "社区" in out


def test_stats_json_is_the_stats_dict(tree):
    make_member(tree.village_a, mobile=True)
    data = json.loads(run("stats", org="A", json=True))
    assert data == org_stats(tree.county_a).as_dict()
    assert data["sentence"] == "共有党组织3个，党员1人，县处级以上领导干部0人"
    assert [c["code"] for c in data["children"]] == ["A1"]


def test_stats_unknown_code_is_a_chinese_error(tree):
    with pytest.raises(CommandError, match="组织编码 NOPE 不存在"):
        call_command("stats", org="NOPE")


def test_check_counters_reports_and_fixes(tree):
    make_member(tree.village_a)
    assert "准确" in run("check_counters")
    Rollup.objects.filter(organization=tree.city).update(members=99)
    with pytest.raises(CommandError, match="不一致"):
        run("check_counters")
    assert "已重新计算" in run("check_counters", fix=True)
    assert rollup_differences() == []
    assert org_stats(tree.city).totals.members == 1
