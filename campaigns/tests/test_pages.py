"""The office's campaign pages: who reaches them, what they show, and that bad input keeps what was typed."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.actors import SETUP
from campaigns import services
from campaigns.models import Campaign, GuidanceProfile, LiaisonAssignment, LiaisonMembership, Participation, Team


@pytest.fixture
def setup(campaign, tree, users):
    team = services.team_create(actor=SETUP, campaign=campaign, name="综合组", duties="统筹协调")
    services.team_member_add(actor=SETUP, team=team, user=users["office"], is_leader=True)
    group = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=group, organization=tree.county_a)
    services.liaison_member_add(actor=SETUP, group=group, user=users["liaison"])
    return {"campaign": campaign, "team": team, "group": group}


def test_detail_shows_the_campaign(client, users, setup):
    client.force_login(users["office"])
    response = client.get(reverse("campaigns:detail", kwargs={"campaign_id": setup["campaign"].pk}))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("第2批", "2023年9月1日", "当前开展", "示范市委", "共有党组织7个，党员0人，县处级以上领导干部0人",
                 "综合组", "统筹协调", "组长", "第一联络组", "城关区委", "liaison"):
        assert text in html, text
    assert "添加参学组织" in html and "data-org-picker" in html  # chosen with the picker, not by code


def test_leader_reads_without_forms(client, users, setup):
    client.force_login(users["leader"])
    html = client.get(reverse("campaigns:detail", kwargs={"campaign_id": setup["campaign"].pk})).content.decode()
    assert "第一联络组" in html and "添加参学组织" not in html and "修改基本信息" not in html
    assert client.get(reverse("campaigns:list")).status_code == 200
    assert client.get(reverse("campaigns:profiles")).status_code == 200
    assert client.get(reverse("campaigns:new")).status_code == 404


@pytest.mark.parametrize("role", ["liaison", "unit", "sysadmin", "secadmin", "auditor"])
def test_other_roles_get_404(client, users, setup, role):
    client.force_login(users[role])
    c = setup["campaign"]
    for url in (reverse("campaigns:list"), reverse("campaigns:detail", kwargs={"campaign_id": c.pk}),
                reverse("campaigns:profiles"), reverse("campaigns:new")):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["leader", "liaison", "unit", "sysadmin", "auditor"])
def test_only_the_office_changes_anything(client, users, tree, setup, role):
    client.force_login(users[role])
    c, team, group = setup["campaign"], setup["team"], setup["group"]
    membership = LiaisonMembership.objects.get()
    assignment = LiaisonAssignment.objects.get()
    profile = GuidanceProfile.objects.first()
    assert profile is not None
    posts = [
        (reverse("campaigns:new"), {"name": "x", "starts_on": "2024-01-01"}),
        (reverse("campaigns:edit", kwargs={"campaign_id": c.pk}), {"name": "x", "starts_on": "2024-01-01"}),
        (reverse("campaigns:set_current", kwargs={"campaign_id": c.pk}), {}),
        (reverse("campaigns:participation_add", kwargs={"campaign_id": c.pk}), {"participation-code": "B"}),
        (reverse("campaigns:participation_remove", kwargs={"participation_id": Participation.objects.get().pk}), {}),
        (reverse("campaigns:team_create", kwargs={"campaign_id": c.pk}), {"team-name": "宣传组"}),
        (reverse("campaigns:team_edit", kwargs={"team_id": team.pk}), {"name": "x"}),
        (reverse("campaigns:team_member_add", kwargs={"team_id": team.pk}), {f"team-{team.pk}-username": "unit"}),
        (reverse("campaigns:liaison_group_create", kwargs={"campaign_id": c.pk}), {"group-name": "第九联络组"}),
        (reverse("campaigns:liaison_member_add", kwargs={"group_id": group.pk}),
         {f"member-{group.pk}-username": "unit"}),
        (reverse("campaigns:liaison_member_remove", kwargs={"membership_id": membership.pk}), {}),
        (reverse("campaigns:liaison_assign", kwargs={"group_id": group.pk}), {f"unit-{group.pk}-code": "B"}),
        (reverse("campaigns:liaison_unassign", kwargs={"assignment_id": assignment.pk}), {}),
        (reverse("campaigns:profile_edit", kwargs={"profile_id": profile.pk}),
         {"focus": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Campaign.objects.count() == 1 and Team.objects.count() == 1
    assert LiaisonMembership.objects.count() == 1 and LiaisonAssignment.objects.count() == 1
    assert Participation.objects.count() == 1


def test_office_creates_a_campaign_and_makes_it_current(client, users, setup):
    client.force_login(users["office"])
    response = client.post(reverse("campaigns:new"), {"name": "第三批主题教育", "batch": "3",
                                                      "starts_on": "2024-03-01", "is_current": "on"})
    new = Campaign.objects.get(name="第三批主题教育")
    assert response.status_code == 302 and new.is_current
    assert list(Campaign.objects.filter(is_current=True)) == [new]
    client.post(reverse("campaigns:set_current", kwargs={"campaign_id": setup["campaign"].pk}))
    assert list(Campaign.objects.filter(is_current=True)) == [setup["campaign"]]


def test_bad_campaign_keeps_what_was_typed(client, users, tree):
    client.force_login(users["office"])
    response = client.post(reverse("campaigns:new"), {"name": "第三批主题教育", "batch": "三",
                                                      "starts_on": "2024-03-01", "ends_on": "2024-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "批次请填写数字" in html and 'value="第三批主题教育"' in html
    assert not Campaign.objects.exists()
    response = client.post(reverse("campaigns:new"), {"name": "第三批", "starts_on": "2024-03-01",
                                                      "ends_on": "2024-01-01"})
    assert "结束日期不能早于开始日期" in response.content.decode() and not Campaign.objects.exists()


def test_office_manages_participation_teams_and_groups(client, users, tree, setup):
    client.force_login(users["office"])
    c, team = setup["campaign"], setup["team"]
    r = client.post(reverse("campaigns:team_create", kwargs={"campaign_id": c.pk}), {"team-name": "宣传组"})
    assert r.status_code == 302 and Team.objects.filter(campaign=c, name="宣传组").exists()
    r = client.post(reverse("campaigns:team_member_add", kwargs={"team_id": team.pk}),
                    {f"team-{team.pk}-username": "leader", f"team-{team.pk}-is_leader": "on"})
    assert r.status_code == 302 and team.memberships.filter(user=users["leader"], is_leader=True).exists()
    r = client.post(reverse("campaigns:liaison_group_create", kwargs={"campaign_id": c.pk}),
                    {"group-name": "第二联络组"})
    second = c.liaison_groups.get(name="第二联络组")
    r = client.post(reverse("campaigns:liaison_assign", kwargs={"group_id": second.pk}),
                    {f"unit-{second.pk}-code": "B"})
    assert r.status_code == 302 and LiaisonAssignment.objects.filter(group=second, organization=tree.county_b).exists()
    r = client.post(reverse("campaigns:team_edit", kwargs={"team_id": team.pk}), {"name": "综合协调组", "duties": ""})
    team.refresh_from_db()
    assert r.status_code == 302 and team.name == "综合协调组"


def test_assignment_conflict_shows_a_chinese_error_and_keeps_the_code(client, users, tree, setup):
    client.force_login(users["office"])
    c = setup["campaign"]
    second = services.liaison_group_create(actor=SETUP, campaign=c, name="第二联络组")
    r = client.post(reverse("campaigns:liaison_assign", kwargs={"group_id": second.pk}),
                    {f"unit-{second.pk}-code": "A1a"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "东关村党支部的上级城关区委已分配给第一联络组，不能再分配给第二联络组" in html
    assert 'value="A1a"' in html
    assert not LiaisonAssignment.objects.filter(group=second).exists()
    r = client.post(reverse("campaigns:liaison_assign", kwargs={"group_id": second.pk}),
                    {f"unit-{second.pk}-code": "NOPE"})
    assert r.status_code == 400 and "“NOPE”不是您管辖范围内的党组织" in r.content.decode()
    r = client.post(reverse("campaigns:team_member_add", kwargs={"team_id": setup["team"].pk}),
                    {f"team-{setup['team'].pk}-username": "nobody"})
    assert r.status_code == 400 and "没有账号 nobody" in r.content.decode()


def test_participation_by_code(client, users, tree):
    client.force_login(users["office"])
    c = services.campaign_create(actor=SETUP, name="第一批", batch=1, starts_on=dt.date(2023, 4, 1))
    url = reverse("campaigns:participation_add", kwargs={"campaign_id": c.pk})
    assert client.post(url, {"participation-code": "A"}).status_code == 302
    r = client.post(url, {"participation-code": "A1"})
    assert r.status_code == 400 and "城关镇党委已经通过上级城关区委参学" in r.content.decode()
    assert list(Participation.objects.values_list("organization__code", flat=True)) == ["A"]


def test_profiles_matrix_and_edit(client, users, tree):
    client.force_login(users["office"])
    html = client.get(reverse("campaigns:profiles")).content.decode()
    assert "分级分类指导" in html and "村(社区)" in html and "简化程序" in html
    p = GuidanceProfile.objects.get(sector="village", tier="village")
    url = reverse("campaigns:profile_edit", kwargs={"profile_id": p.pk})
    assert client.get(url).status_code == 200
    data = {"focus": p.focus, "applies_study": "on", "applies_lecture": "on", "simplified": "on",
            "method_notes": p.method_notes, "member_flexibility": p.member_flexibility,
            "office_notes": "与主题党日结合"}
    assert client.post(url, data).status_code == 302
    p.refresh_from_db()
    assert p.office_notes == "与主题党日结合" and not p.applies_research and p.simplified


def test_unit_page_shows_its_profile_when_taking_part(client, users, tree, campaign):
    client.force_login(users["unit"])
    html = client.get(reverse("orgs:detail", kwargs={"code": "A1a"})).content.decode()
    assert "分级分类指导" in html and "适当简化程序性要求" in html and "服务群众" in html
    assert "专题民主生活会" not in html  # does not apply to a village branch
    client.force_login(users["office"])
    html = client.get(reverse("orgs:detail", kwargs={"code": "A"})).content.decode()
    assert "精神不振、能力不足、作风不实" in html and "专题民主生活会（县处级以上领导班子）" in html


def test_no_profile_outside_a_current_campaign(client, users, tree):
    client.force_login(users["unit"])
    html = client.get(reverse("orgs:detail", kwargs={"code": "A1a"})).content.decode()
    assert "分级分类指导" not in html


def test_nav_link_for_office_and_leader(client, users, tree):
    for role, shown in (("office", True), ("leader", True), ("unit", False), ("liaison", False)):
        client.force_login(users[role])
        html = client.get(reverse("orgs:tree")).content.decode()
        assert (reverse("campaigns:list") in html) == shown, role


def test_an_office_account_bound_to_a_county_does_not_manage_campaigns(client, tree, campaign):
    from accounts.actors import SETUP
    from administration.services import user_create

    county_office = user_create(actor=SETUP, username="county_office", role="office", organization=tree.county_a,
                                password=None)
    client.force_login(county_office)
    assert client.get(reverse("campaigns:new")).status_code == 404
    response = client.post(reverse("campaigns:team_create", args=[campaign.pk]), {"team-name": "县里的组"})
    assert response.status_code == 404
    assert not campaign.teams.filter(name="县里的组").exists()
