"""Supervision's fixtures: the ledger's (a current campaign, the frozen clock 2023-10-10 09:30 Beijing, people on
both sides: liaison of group A assigned to county A, liaison_b of group B assigned to county B), plus visits."""

from typing import Any

import pytest

from problems.tests.conftest import campaign, frozen_clock, make_problem, people, upload  # noqa: F401


@pytest.fixture
def method() -> Any:
    from supervision.models import VisitMethod

    return VisitMethod.objects.get(name="列席领导班子学习研讨")


@pytest.fixture
def make_visit(tree: Any, people: dict[str, Any], method: Any) -> Any:  # noqa: F811
    """make_visit(org=county A, by=liaison of group A, done=True) → a visit made through the services."""
    import datetime as dt

    from supervision.services import visit_plan, visit_record

    def make(org: Any = None, by: Any = None, done: bool = True, on: dt.date = dt.date(2023, 10, 9)) -> Any:
        by = by or people["liaison"]
        visit = visit_plan(actor=by, group=people["group_a"], organization=org or tree.county_a, method=method,
                           subject="列席区委理论学习中心组专题研讨", planned_on=on, participants=[people["liaison"]])
        if done:
            visit = visit_record(actor=by, visit=visit, visited_on=on, summary="研讨准备充分，发言联系实际不够",
                                 observations={"study": {"judgement": "fair", "note": "个别发言照本宣科"}})
        return visit

    return make


@pytest.fixture
def make_finding(make_visit: Any, people: dict[str, Any]) -> Any:  # noqa: F811
    """make_finding(visit=None, **fields) → a finding (needs fix) of a done visit to county A."""
    from supervision.services import finding_add

    def make(visit: Any = None, by: Any = None, **fields: Any) -> Any:
        values: dict[str, Any] = {"description": "专题研讨发言照本宣科，联系思想和工作实际不够", "requirement": "study"}
        values.update(fields)
        return finding_add(actor=by or people["liaison"], visit=visit or make_visit(), **values)

    return make
