"""Who may do what in supervision: the predicates of `supervision.permissions` ask capabilities, never roles; each
model's read rule is its queryset's `for_action`, so `Model.objects.visible_to(user)` is the whole answer; a write
reaches the subtree the user sees, whatever narrower view of the groups' work they read."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from accounts.actors import SystemActor
from supervision import services
from supervision.choices import LIAISON_LEVELS, OFFICE_LEVELS
from supervision.models import Action, FeedbackLetter, Visit
from supervision.permissions import (
    can_act_on_unit,
    can_answer_for_unit,
    can_change_visit,
    can_decide_action,
    can_follow_up_action,
    can_guide_group,
    can_manage_visit_methods,
    can_read_supervision,
    can_record_supervision,
    in_reach,
    levels_for,
)


def test_the_city_office_runs_every_group_a_liaison_member_only_their_own(people: dict[str, Any]) -> None:
    group_a = people["group_a"]
    assert can_guide_group(people["office"], group_a) and can_guide_group(people["office"], people["group_b"])
    assert can_guide_group(people["liaison"], group_a) and not can_guide_group(people["liaison_b"], group_a)
    # A county's office account works inside its county; it does not run the city's groups.
    for role in ("county_office", "unit", "leader", "sysadmin"):
        assert not can_guide_group(people[role], group_a), role


def test_who_records_decides_and_takes_which_rungs(people: dict[str, Any]) -> None:
    office, liaison, county_office = people["office"], people["liaison"], people["county_office"]
    assert all(can_record_supervision(u) for u in (office, liaison, county_office))
    assert not can_record_supervision(people["unit"]) and not can_record_supervision(people["leader"])
    assert can_decide_action(office) and not can_decide_action(county_office) and not can_decide_action(liaison)
    assert can_manage_visit_methods(office) and not can_manage_visit_methods(county_office)
    assert levels_for(office) == OFFICE_LEVELS and levels_for(liaison) == LIAISON_LEVELS
    assert levels_for(county_office) == frozenset() and levels_for(people["unit"]) == frozenset()


def test_acting_on_a_unit_needs_its_group_or_the_city_office(people: dict[str, Any], tree: Any) -> None:
    liaison = people["liaison"]
    assert can_act_on_unit(liaison) and can_act_on_unit(liaison, tree.village_a)
    assert not can_act_on_unit(liaison, tree.county_b)  # outside what the member sees
    assert can_act_on_unit(people["office"], tree.county_b)
    assert not can_act_on_unit(people["county_office"]) and not can_act_on_unit(people["unit"], tree.village_a)


def test_the_data_roles_read_supervision_and_only_a_unit_reads_the_units_side(people: dict[str, Any]) -> None:
    for role in ("office", "liaison", "unit", "leader"):
        assert can_read_supervision(people[role]), role
    for role in ("sysadmin", "secadmin", "auditor"):
        assert not can_read_supervision(people[role]), role
    assert can_answer_for_unit(people["unit"])
    assert not any(can_answer_for_unit(people[r]) for r in ("office", "liaison", "leader", "county_office"))


def test_visible_to_is_the_whole_answer_for_the_units_view(people: dict[str, Any], tree: Any, make_visit: Any,
                                                            make_finding: Any) -> None:
    planned = make_visit(done=False, org=tree.village_a, on=dt.date(2023, 10, 20))
    held = make_visit(org=tree.village_a)
    finding = make_finding(visit=held, organization=tree.village_a)
    proposal = services.action_propose(actor=people["liaison"], organization=tree.village_a, level="criticise",
                                       reason="学习不深入")
    draft = services.letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.village_a,
                                   findings=[finding])
    unit, leader = people["unit"], people["leader"]
    assert list(Visit.objects.visible_to(unit)) == [held]
    assert not Action.objects.visible_to(unit).exists() and not FeedbackLetter.objects.visible_to(unit).exists()
    assert {planned, held} <= set(Visit.objects.visible_to(leader))
    assert proposal in Action.objects.visible_to(leader) and draft in FeedbackLetter.objects.visible_to(leader)
    issued = services.letter_issue(actor=people["liaison"], letter=draft)
    assert list(FeedbackLetter.objects.visible_to(unit)) == [issued]


def test_a_write_reaches_the_subtree_not_the_narrower_read(people: dict[str, Any], tree: Any,
                                                            make_visit: Any) -> None:
    """A unit's contact does not read the groups' plans, and writes none of them either: the refusal comes from
    the group, the reach of a write being the whole subtree the user sees."""
    planned = make_visit(done=False, org=tree.village_a, on=dt.date(2023, 10, 20))
    unit = people["unit"]
    assert planned not in Visit.objects.visible_to(unit)
    assert in_reach(unit, planned.org_path) and not can_change_visit(unit, planned)
    assert not in_reach(people["liaison_b"], planned.org_path)
    with pytest.raises(PermissionDenied):
        services.visit_cancel(actor=unit, visit=planned, reason="不去了")


def test_a_system_actor_acts_everywhere_and_reads_the_groups_work(people: dict[str, Any], tree: Any,
                                                                   make_visit: Any) -> None:
    system = SystemActor("test")
    planned = make_visit(done=False, on=dt.date(2023, 10, 20))
    assert not can_answer_for_unit(system) and planned in Visit.objects.visible_to(system)
    assert can_guide_group(system, people["group_b"]) and can_decide_action(system)
    action = services.action_record(actor=system, organization=tree.county_b, level="criticise", reason="敷衍应付",
                                    skip_reason="问题严重")
    assert action.decided_by is None and action.proposed_by is None  # a system actor is nobody's author
    assert can_follow_up_action(system, action) and not can_follow_up_action(people["liaison"], action)


def test_the_systems_proposals_are_refreshed_by_the_daily_job_or_who_decides_them(people: dict[str, Any],
                                                                                   campaign: Any) -> None:
    assert services.action_proposals_refresh(actor=SystemActor("remind"), campaign=campaign) == 0
    assert services.action_proposals_refresh(actor=people["office"], campaign=campaign) == 0
    for role in ("liaison", "county_office", "unit"):
        with pytest.raises(PermissionDenied):
            services.action_proposals_refresh(actor=people[role], campaign=campaign)
