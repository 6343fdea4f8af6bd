"""Visits: planned by a liaison group for its own units, then done (with what was seen) or cancelled."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import SETUP
from supervision import services
from supervision.models import Observation, Visit, VisitMethod


def test_liaison_plans_a_visit_to_a_unit_of_its_group(tree, people, method):
    visit = services.visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.township_a,
                                method=method, subject="列席镇党委专题研讨", planned_on=dt.date(2023, 10, 20),
                                participants=[people["liaison"]], others="区委教育办张同志")
    visit.refresh_from_db()
    assert visit.status == "planned" and visit.org_path == tree.township_a.path
    assert list(visit.participants.all()) == [people["liaison"]]
    assert visit.created_by == people["liaison"]


def test_liaison_cannot_plan_a_visit_to_another_groups_unit(tree, people, method):
    with pytest.raises(PermissionDenied):
        services.visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.county_b,
                            method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))
    with pytest.raises(PermissionDenied):
        services.visit_plan(actor=people["liaison_b"], group=people["group_a"], organization=tree.county_b,
                            method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))
    assert not Visit.objects.exists()


def test_the_office_plans_for_any_group_but_only_at_the_groups_units(tree, people, method):
    with pytest.raises(ValidationError) as err:
        services.visit_plan(actor=people["office"], group=people["group_a"], organization=tree.county_b,
                            method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))
    assert "不是第一联络组联系的单位" in err.value.message_dict["organization"][0]
    visit = services.visit_plan(actor=people["office"], group=people["group_b"], organization=tree.county_b,
                                method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))
    assert visit.group == people["group_b"]


def test_units_and_leaders_do_not_plan_visits(tree, people, method):
    for role in ("unit", "leader"):
        with pytest.raises(PermissionDenied):
            services.visit_plan(actor=people[role], group=people["group_a"], organization=tree.village_a,
                                method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))


def test_a_participant_must_be_a_member_of_the_group(tree, people, method):
    with pytest.raises(ValidationError) as err:
        services.visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                            method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20),
                            participants=[people["liaison_b"]])
    assert "不是第一联络组的成员" in err.value.message_dict["participants"][0]


def test_a_deactivated_method_cannot_be_planned(tree, people, method):
    services.visit_method_set_active(actor=people["office"], method=method, is_active=False)
    with pytest.raises(ValidationError) as err:
        services.visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                            method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 20))
    assert "已停用" in err.value.message_dict["method"][0]


def test_marking_a_planned_visit_done_records_what_was_seen(make_visit, people):
    visit = make_visit(done=False)
    services.visit_record(actor=people["liaison"], visit=visit, visited_on=dt.date(2023, 10, 9),
                          summary="学习研讨认真", observations={
                              "study": {"judgement": "good", "note": "联系实际"},
                              "research": {"judgement": "ordinary", "note": "调研成果转化不够"},
                              "development": {"judgement": "", "note": ""},
                          })
    visit.refresh_from_db()
    assert visit.status == "done" and visit.visited_on == dt.date(2023, 10, 9)
    assert dict(Observation.objects.filter(visit=visit).values_list("requirement", "judgement")) == {
        "study": "good", "research": "ordinary"}


def test_a_visit_cannot_be_recorded_as_done_in_the_future(make_visit, people):
    visit = make_visit(done=False, on=dt.date(2023, 10, 20))
    with pytest.raises(ValidationError) as err:
        services.visit_record(actor=people["liaison"], visit=visit, visited_on=dt.date(2023, 10, 20), summary="x")
    assert "不能晚于今天" in err.value.message_dict["visited_on"][0]
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_bad_judgement_is_refused_and_nothing_is_written(make_visit, people):
    visit = make_visit(done=False)
    with pytest.raises(ValidationError) as err:
        services.visit_record(actor=people["liaison"], visit=visit, visited_on=dt.date(2023, 10, 9), summary="好",
                              observations={"study": {"judgement": "excellent", "note": ""}})
    assert "judgement_study" in err.value.message_dict
    visit.refresh_from_db()
    assert visit.status == "planned" and not visit.observations.exists()


def test_only_a_planned_visit_can_be_cancelled_and_needs_a_reason(make_visit, people):
    planned = make_visit(done=False, on=dt.date(2023, 10, 20))
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=people["liaison"], visit=planned, reason="")
    services.visit_cancel(actor=people["liaison"], visit=planned, reason="单位临时召开紧急会议")
    planned.refresh_from_db()
    assert planned.status == "cancelled"
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=people["liaison"], visit=make_visit(), reason="改期")


def test_the_office_keeps_the_list_of_methods(people):
    method = services.visit_method_create(actor=people["office"], name="随机暗访")
    assert VisitMethod.objects.filter(name="随机暗访", is_active=True).exists()
    with pytest.raises(ValidationError):
        services.visit_method_create(actor=people["office"], name="随机暗访")
    with pytest.raises(PermissionDenied):
        services.visit_method_create(actor=people["liaison"], name="电话抽查")
    with pytest.raises(PermissionDenied):
        services.visit_method_create(actor=people["county_office"], name="电话抽查")
    assert method.order > VisitMethod.objects.get(name="调阅调研报告").order


def test_the_speechs_six_methods_are_there_from_the_start(db):
    assert list(VisitMethod.objects.values_list("name", flat=True)) == [
        "个别访谈", "列席领导班子学习研讨", "列席调研成果交流会", "列席专题党课", "列席民主生活会", "调阅调研报告"]


def test_visits_of_a_moved_unit_follow_it(make_visit, tree, people):
    from orgs.services import org_move

    visit = make_visit(org=tree.township_a)
    org_move(actor=SETUP, org=tree.township_a, new_parent=tree.county_b)
    visit.refresh_from_db()
    tree.township_a.refresh_from_db()
    assert visit.org_path == tree.township_a.path
