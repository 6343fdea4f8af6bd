"""The one list of parts both commands walk (demo.parts): its order, what gendata's --only accepts, and who writes."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.models import Campaign
from core.models import AuditEntry
from demo import parts
from measures.models import StudySession
from problems.models import Problem


def test_a_part_requires_only_parts_before_it():
    for n, part in enumerate(parts.PARTS):
        before = {p.name for p in parts.PARTS[:n]}
        assert set(part.requires) <= before, part.name


def test_gendata_accepts_every_part_but_the_demo_accounts():
    assert parts.CHOICES == ("orgs", "members", "campaigns", "measures", "problems", "supervision", "office")
    assert parts.parse_only("", "tiny") == (["orgs"], True)
    assert parts.parse_only("", "city") == (["orgs", "problems"], True)
    assert parts.parse_only("problems, orgs", "tiny") == (["orgs", "problems"], False)
    with pytest.raises(parts.GendataError, match="未知的 --only 取值：accounts"):
        parts.parse_only("orgs,accounts", "tiny")


@pytest.mark.django_db
def test_a_part_brings_what_it_needs_and_gendata_writes_as_its_system_actor():
    out = io.StringIO()
    call_command("gendata", scale="tiny", seed=1, only="orgs,measures", stdout=out)
    assert Campaign.objects.filter(is_current=True).exists() and StudySession.objects.exists()
    assert not Problem.objects.exists()
    assert "已生成演示主题教育" in out.getvalue() and "用时" in out.getvalue()
    assert set(AuditEntry.objects.values_list("actor_name", flat=True)) == {"system:gendata"}
    out = io.StringIO()
    call_command("gendata", scale="tiny", seed=1, only="measures", stdout=out)
    # Asked for and already there: said so; the campaigns it needed and found: nothing said.
    assert out.getvalue().strip() == "已有四项重点措施记录，未再生成。"


@pytest.mark.django_db
def test_gendata_needs_a_registry_and_a_current_campaign():
    with pytest.raises(CommandError, match=r"党组织库为空，请先生成党组织（--only orgs,problems）"):
        call_command("gendata", scale="tiny", only="problems", stdout=io.StringIO())
    call_command("gendata", scale="tiny", only="orgs,campaigns", stdout=io.StringIO())
    Campaign.objects.update(is_current=False)
    with pytest.raises(CommandError, match="没有正在开展的主题教育，无法生成督促指导记录"):
        call_command("gendata", scale="tiny", only="supervision", stdout=io.StringIO())
