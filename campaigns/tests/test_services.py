"""The campaigns' rules: one current campaign, participation roots, one liaison group per unit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.actors import SETUP
from administration.services import user_create
from campaigns import services
from campaigns.models import Campaign, LiaisonAssignment, Participation, TeamMembership
from core.models import AuditEntry


def test_exactly_one_campaign_is_current(tree):
    first = services.campaign_create(actor=SETUP, name="第一批主题教育", batch=1, starts_on=dt.date(2023, 4, 1),
                                     ends_on=dt.date(2023, 8, 31), is_current=True)
    second = services.campaign_create(actor=SETUP, name="第二批主题教育", batch=2, starts_on=dt.date(2023, 9, 1))
    assert list(Campaign.objects.filter(is_current=True)) == [first]
    services.campaign_set_current(actor=SETUP, campaign=second)
    assert list(Campaign.objects.filter(is_current=True)) == [second]
    first.refresh_from_db()
    assert not first.is_current
    services.campaign_set_current(actor=SETUP, campaign=second)  # idempotent
    assert Campaign.objects.filter(is_current=True).count() == 1
    assert AuditEntry.objects.filter(object_type="campaigns.campaign", action="update").exists()


def test_campaign_dates_and_name_are_checked(tree):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(actor=SETUP, name=" ", batch=2, starts_on=dt.date(2023, 9, 1),
                                 ends_on=dt.date(2023, 8, 1))
    assert exc.value.message_dict == {"name": ["请填写名称"], "ends_on": ["结束日期不能早于开始日期"]}
    assert not Campaign.objects.exists()
    c = services.campaign_create(actor=SETUP, name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1))
    services.campaign_update(actor=SETUP, campaign=c, name="第二批主题教育", batch=2, starts_on=dt.date(2023, 9, 1),
                             ends_on=dt.date(2024, 1, 31))
    c.refresh_from_db()
    assert c.name == "第二批主题教育" and c.ends_on == dt.date(2024, 1, 31)


def test_participation_roots_do_not_nest(campaign, tree):
    with pytest.raises(ValidationError, match="已在参学范围内"):
        services.participation_add(actor=SETUP, campaign=campaign, organization=tree.city)
    with pytest.raises(ValidationError, match="已经通过上级示范市委参学"):
        services.participation_add(actor=SETUP, campaign=campaign, organization=tree.village_a)
    other = services.campaign_create(actor=SETUP, name="第一批", batch=1, starts_on=dt.date(2023, 4, 1))
    services.participation_add(actor=SETUP, campaign=other, organization=tree.village_a)
    with pytest.raises(ValidationError, match="下级东关村党支部已单独列入参学范围"):
        services.participation_add(actor=SETUP, campaign=other, organization=tree.county_a)
    services.participation_remove(actor=SETUP, participation=Participation.objects.get(campaign=other))
    services.participation_add(actor=SETUP, campaign=other, organization=tree.county_a)
    assert list(Participation.objects.filter(campaign=other).values_list("organization__code", flat=True)) == ["A"]


def test_one_liaison_group_per_unit(campaign, tree):
    g1 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    g2 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第二联络组")
    services.liaison_assign(actor=SETUP, group=g1, organization=tree.township_a)
    with pytest.raises(ValidationError, match="城关镇党委已分配给第一联络组"):
        services.liaison_assign(actor=SETUP, group=g2, organization=tree.township_a)
    with pytest.raises(ValidationError, match="上级城关镇党委已分配给第一联络组"):
        services.liaison_assign(actor=SETUP, group=g2, organization=tree.village_a)
    with pytest.raises(ValidationError, match="下级城关镇党委已分配给第一联络组"):
        services.liaison_assign(actor=SETUP, group=g2, organization=tree.county_a)
    with pytest.raises(ValidationError, match="已是第一联络组的联系单位"):
        services.liaison_assign(actor=SETUP, group=g1, organization=tree.village_a)
    services.liaison_assign(actor=SETUP, group=g2, organization=tree.county_b)
    assert set(LiaisonAssignment.objects.values_list("group__name", "organization__code")) == {
        ("第一联络组", "A1"), ("第二联络组", "B")}
    # Another campaign assigns independently.
    other = services.campaign_create(actor=SETUP, name="第一批", batch=1, starts_on=dt.date(2023, 4, 1))
    g3 = services.liaison_group_create(actor=SETUP, campaign=other, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=g3, organization=tree.village_a)
    services.liaison_unassign(actor=SETUP, assignment=LiaisonAssignment.objects.get(group=g1))
    services.liaison_assign(actor=SETUP, group=g2, organization=tree.village_a)
    assert LiaisonAssignment.objects.filter(campaign=campaign, organization=tree.village_a, group=g2).exists()


def test_group_and_team_names_are_unique_per_campaign(campaign):
    services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    with pytest.raises(ValidationError, match="本次主题教育已有第一联络组"):
        services.liaison_group_create(actor=SETUP, campaign=campaign, name=" 第一联络组 ")
    team = services.team_create(actor=SETUP, campaign=campaign, name="综合组", duties="统筹")
    services.team_create(actor=SETUP, campaign=campaign, name="材料组")
    with pytest.raises(ValidationError, match="本次主题教育已有材料组"):
        services.team_update(actor=SETUP, team=team, name="材料组")
    services.team_update(actor=SETUP, team=team, name="综合组", duties="统筹协调")
    team.refresh_from_db()
    assert team.duties == "统筹协调"


def test_members_are_active_data_role_users(campaign, tree, users):
    team = services.team_create(actor=SETUP, campaign=campaign, name="综合组")
    m = services.team_member_add(actor=SETUP, team=team, user=users["office"], is_leader=True)
    with pytest.raises(ValidationError, match="已在综合组"):
        services.team_member_add(actor=SETUP, team=team, user=users["office"])
    with pytest.raises(ValidationError, match="不能加入工作组"):
        services.team_member_add(actor=SETUP, team=team, user=users["auditor"])
    idle = user_create(actor=SETUP, username="idle", role="office", organization=tree.city)
    idle.is_active = False
    idle.save()
    group = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    with pytest.raises(ValidationError, match="不能加入工作组"):
        services.liaison_member_add(actor=SETUP, group=group, user=idle)
    services.team_member_remove(actor=SETUP, membership=m)
    assert not TeamMembership.objects.exists()


def test_liaison_member_outside_the_units_jurisdiction_is_refused_both_ways(tree, users):
    import datetime as dt

    from administration.services import user_create
    from campaigns import services as cs
    from campaigns.models import LiaisonMembership

    campaign = cs.campaign_create(actor=SETUP, name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1),
                                  is_current=True)
    cs.participation_add(actor=SETUP, campaign=campaign, organization=tree.city)
    group = cs.liaison_group_create(actor=SETUP, campaign=campaign, name="第九联络组")
    cs.liaison_assign(actor=SETUP, group=group, organization=tree.township_a)
    liaison_b = user_create(actor=SETUP, username="liaison_b", role="liaison", organization=tree.county_b,
                            password=None)
    with pytest.raises(ValidationError, match="管辖范围"):
        cs.liaison_member_add(actor=SETUP, group=group, user=liaison_b)
    assert not LiaisonMembership.objects.filter(user=liaison_b).exists()
    cs.liaison_member_add(actor=SETUP, group=group, user=users["liaison"])  # bound to county A: contains A1
    with pytest.raises(ValidationError, match="管辖范围"):
        cs.liaison_assign(actor=SETUP, group=group, organization=tree.township_b)


def test_liaison_groups_are_listed_by_number_not_by_character(tree, users):
    from campaigns.selectors import campaign_liaison_groups

    c = services.campaign_create(actor=SETUP, name="第二批主题教育", batch=2, starts_on=dt.date(2023, 9, 1))
    for name in ("第三联络组", "第一联络组", "第十一联络组", "第四联络组", "第二联络组", "督导专班"):
        services.liaison_group_create(actor=SETUP, campaign=c, name=name)
    expected = ["第一联络组", "第二联络组", "第三联络组", "第四联络组", "第十一联络组", "督导专班"]
    assert [g.name for g in c.liaison_groups.all()] == expected
    assert [g.name for g in campaign_liaison_groups(c, users["office"])] == expected
    assert c.liaison_groups.get(name="督导专班").number == 12  # no number in its name: after the last
