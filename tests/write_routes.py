"""The write matrix's table: one row per POST, PATCH, PUT and DELETE route of the API, keyed by (method, path
template) exactly as the OpenAPI document spells them. A row says how to build a valid target under a given
organisation (the path parameters, the body, the rows the write may change) and what each role gets on a target
inside its jurisdiction. tests/test_write_matrix.py runs every row × every role × inside, outside and unknown; a
write route of the OpenAPI document without a row here fails that test, so a new route is not done until it
declares its row.

Targets are built through the services (tests/scoped_factories.py where it has the row), by the city office of the
organisation's own city (`_author`), so the same row builds the inside target (village A1a of city C) and the
outside one (village D1 of the neighbouring city D).
"""

import datetime as dt
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.scoped_factories import FACTORIES

ROLES = ("office", "liaison", "unit", "leader", "sysadmin", "secadmin", "auditor", "anonymous")
UNKNOWN_ID = 987654321
UNKNOWN_CODE = "NO-SUCH-ORG"

_seq = itertools.count(1)


@dataclass
class Target:
    """What one write needs: the path parameters, the body, and the rows it may change (besides new rows)."""

    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    objects: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    make: Callable[[dict[str, Any], Any], Target]  # (world, organization) → a valid target under it
    writers: frozenset[str]  # roles whose write inside their jurisdiction succeeds
    ok: int = 200
    multipart: bool = False
    # The unknown target when it is not the valid one with unknown ids (or an unknown organisation code in the body).
    make_unknown: Callable[[dict[str, Any], Any], Target] | None = None
    # Roles answered otherwise than `ok` (writers) or 404 (everyone else); anonymous is always 401.
    others: dict[str, int] = field(default_factory=dict)
    # The answer for a target outside the jurisdiction / unknown, per role (default 404).
    outside: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    # A body the rule refuses (422, nothing written) for a writer, made from a valid target.
    refused: Callable[[Target], dict[str, Any]] | None = None


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


def n() -> int:
    return next(_seq)


def _author(world: dict[str, Any], org: Any) -> Any:
    """The city office of `org`'s city."""
    from tests.scoped_factories import _problem_office

    return _problem_office(org)


def _file(name: str = "佐证.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


# ---- orgs --------------------------------------------------------------------------------------------------

def _import_members(world: dict[str, Any], org: Any, code: str = "") -> Target:
    """A CSV of one new member of `org` (or of the organisation coded `code`)."""
    from core.cn import make_id_number
    from orgs.imports import HEADERS

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n())
    values = {"姓名": f"党员{n()}", "性别": "男", "民族": "汉族", "出生日期": birth.isoformat(),
              "公民身份号码": make_id_number("130102", birth, 7, "M"),
              "手机号码": "13800138000", "入党日期": "2005-07-01", "人员类别": "正式党员", "流动党员": "否",
              "年老体弱": "否", "所在党组织编码": code or org.code}
    rows = [HEADERS["members"], [values.get(h, "") for h in HEADERS["members"]]]
    fh = io.BytesIO(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode())
    fh.name = "members.csv"
    return Target(params={"kind": "members"}, body={"file": fh})


# ---- measures ----------------------------------------------------------------------------------------------

def _study_session(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "kind": "group_study", "topic": f"集中学习{n()}", "held_on": "2023-10-09",
                        "participant_count": 12})


def _lecture(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "title": f"专题党课{n()}", "held_on": "2023-10-09", "audience_count": 20,
                        "speaker_member": world["members"][org.code].pk})


def _life_meeting(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "kind": "organisational", "topic": f"对照检视{n()}",
                        "held_on": "2023-10-09", "attendance": 12})


def _public_service(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "title": f"修缮村道{n()}", "target": "年底前完工", "owner": "村委会",
                        "deadline": "2023-12-31"})


def _milestone_create(world: dict[str, Any], org: Any) -> Target:
    service = FACTORIES["measures.PublicService"](org)
    return Target(params={"service_id": service.pk}, body={"title": f"节点{n()}", "due_on": "2023-12-01"},
                  objects=[service])


def _milestone_done(world: dict[str, Any], org: Any) -> Target:
    milestone = FACTORIES["measures.Milestone"](org)
    return Target(params={"milestone_id": milestone.pk}, body={"done_on": "2023-10-09"}, objects=[milestone])


def _research_topic(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "title": f"调研课题{n()}"})


def _research_report(world: dict[str, Any], org: Any) -> Target:
    topic = FACTORIES["measures.ResearchTopic"](org)
    return Target(params={"topic_id": topic.pk}, body={"title": f"调研报告{n()}", "submitted_on": "2023-10-09"},
                  objects=[topic])


# ---- problems ----------------------------------------------------------------------------------------------

def _problem(org: Any) -> Any:
    return FACTORIES["problems.Problem"](org)


def _problem_create(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "description": f"村务公开不及时{n()}", "source": "self",
                        "category": "style"})


def _problem_update(world: dict[str, Any], org: Any) -> Target:
    problem = _problem(org)
    return Target(params={"problem_id": problem.pk}, body={"version": problem.version, "cause": "制度不健全"},
                  objects=[problem])


def _problem_start(world: dict[str, Any], org: Any) -> Target:
    problem = _problem(org)
    return Target(params={"problem_id": problem.pk, "action": "start"}, body={"version": problem.version},
                  objects=[problem])


def _step_create(world: dict[str, Any], org: Any) -> Target:
    problem = _problem(org)
    return Target(params={"problem_id": problem.pk}, body={"measure": f"建立制度{n()}", "owner": "支书"},
                  objects=[problem])


def _step_update(world: dict[str, Any], org: Any) -> Target:
    step = FACTORIES["problems.RectificationStep"](org)
    problem = step.problem
    return Target(params={"problem_id": problem.pk, "step_id": step.pk},
                  body={"version": problem.version, "deadline": "2023-11-01"}, objects=[problem, step])


def _step_done(world: dict[str, Any], org: Any) -> Target:
    from problems.services import evidence_add

    step = FACTORIES["problems.RectificationStep"](org)
    problem = step.problem
    evidence_add(actor=_author(world, org), problem=problem, file=_file(), step=step)
    problem.refresh_from_db()
    return Target(params={"problem_id": problem.pk, "step_id": step.pk},
                  body={"done_note": "已完成", "version": problem.version}, objects=[problem, step])


def _evidence_create(world: dict[str, Any], org: Any) -> Target:
    problem = _problem(org)
    return Target(params={"problem_id": problem.pk}, body={"file": _file(), "note": "照片"}, objects=[problem])


def _feedback_answer(world: dict[str, Any], org: Any) -> Target:
    satisfaction = FACTORIES["problems.Satisfaction"](org)
    return Target(params={"problem_id": satisfaction.problem_id, "satisfaction_id": satisfaction.pk},
                  body={"answer": "本周内更新公开栏"}, objects=[satisfaction])


# ---- supervision -------------------------------------------------------------------------------------------

def _visit_create(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "method": world["method"].pk, "subject": f"个别访谈{n()}",
                        "planned_on": "2023-10-20"})


def _planned_visit(world: dict[str, Any], org: Any) -> Any:
    from campaigns.selectors import liaison_group_of
    from supervision.services import visit_plan

    group = liaison_group_of(org, world["campaign"])
    assert group is not None
    return visit_plan(actor=_author(world, org), group=group, organization=org,
                      method=world["method"], subject=f"个别访谈{n()}", planned_on=dt.date(2023, 10, 20))


def _visit_record(world: dict[str, Any], org: Any) -> Target:
    visit = _planned_visit(world, org)
    return Target(params={"visit_id": visit.pk},
                  body={"visited_on": "2023-10-09", "summary": "总体情况良好",
                        "observations": [{"requirement": "study", "judgement": "good", "note": "学习扎实"}]},
                  objects=[visit])


def _visit_cancel(world: dict[str, Any], org: Any) -> Target:
    visit = _planned_visit(world, org)
    return Target(params={"visit_id": visit.pk}, body={"reason": "会议冲突，另行安排"}, objects=[visit])


def _finding_create(world: dict[str, Any], org: Any) -> Target:
    visit = FACTORIES["supervision.Visit"](org)
    return Target(params={"visit_id": visit.pk}, body={"description": f"发现{n()}", "requirement": "study"},
                  objects=[visit])


def _finding_problem(world: dict[str, Any], org: Any) -> Target:
    finding = FACTORIES["supervision.Finding"](org)
    return Target(params={"finding_id": finding.pk}, body={"category": "style"}, objects=[finding])


def _finding_relapse(world: dict[str, Any], org: Any) -> Target:
    finding = FACTORIES["supervision.Finding"](org)
    problem = FACTORIES["problems.Closure"](org).problem
    return Target(params={"finding_id": finding.pk}, body={"problem": problem.pk, "note": "问题反弹"},
                  objects=[finding, problem])


def _action_create(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": org.code, "level": "point_out", "reason": f"落实要求不到位{n()}"})


def _fresh_unit(org: Any) -> Any:
    """A new branch under `org`: one open proposal per target, so each proposal goes to a unit of its own."""
    return FACTORIES["orgs.Organization"](org)


def _action_propose(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"org": _fresh_unit(org).code, "level": "criticise", "reason": f"问题反复出现{n()}"})


def _proposal(world: dict[str, Any], org: Any) -> Any:
    from supervision.services import action_propose

    return action_propose(actor=_author(world, org), organization=_fresh_unit(org), level="criticise",
                          reason="问题反复出现")


def _action_decide(world: dict[str, Any], org: Any) -> Target:
    action = _proposal(world, org)
    return Target(params={"action_id": action.pk}, body={"skip_reason": "情节较重，直接批评"}, objects=[action])


def _action_dismiss(world: dict[str, Any], org: Any) -> Target:
    action = _proposal(world, org)
    return Target(params={"action_id": action.pk}, body={"note": "证据不足"}, objects=[action])


def _action_result(world: dict[str, Any], org: Any) -> Target:
    action = FACTORIES["supervision.Action"](org)
    return Target(params={"action_id": action.pk}, body={"result": "已整改到位"}, objects=[action])


def _letter_create(world: dict[str, Any], org: Any) -> Target:
    finding = FACTORIES["supervision.Finding"](org)
    return Target(body={"org": org.code, "findings": [finding.pk], "reply_due_on": "2023-11-10"},
                  objects=[finding])


def _letter_issue(world: dict[str, Any], org: Any) -> Target:
    from tests.scoped_factories import draft_letter

    letter = draft_letter(org)
    return Target(params={"letter_id": letter.pk}, objects=[letter])


# ---- office ------------------------------------------------------------------------------------------------

def _submission_create(world: dict[str, Any], org: Any) -> Target:
    return Target(body={"kind": "report", "title": f"情况报告{n()}", "body": "反映情况", "org": org.code})


def _submission(org: Any) -> Any:
    from tests.scoped_factories import office_letter

    return office_letter(org)


def _submission_assign(world: dict[str, Any], org: Any) -> Target:
    submission = _submission(org)
    return Target(params={"submission_id": submission.pk}, body={"team": world["teams"][org.code].pk},
                  objects=[submission])


def _submission_answer(world: dict[str, Any], org: Any) -> Target:
    submission = _submission(org)
    return Target(params={"submission_id": submission.pk}, body={"answer": "同意"}, objects=[submission])


def _submission_close(world: dict[str, Any], org: Any) -> Target:
    submission = _submission(org)
    return Target(params={"submission_id": submission.pk}, body={"note": "已阅"}, objects=[submission])


def _submission_attach(world: dict[str, Any], org: Any) -> Target:
    submission = _submission(org)
    return Target(params={"submission_id": submission.pk}, body={"file": _file("附件.pdf")}, objects=[submission])


# ---- the table ---------------------------------------------------------------------------------------------

RECORDERS = roles("office", "unit")  # the four measures are recorded by the office and the unit itself
V1 = "/api/v1"

ROUTES: dict[tuple[str, str], Row] = {
    # An import names its organisations inside the file: one outside the jurisdiction is a row error like an unknown
    # code (422, the whole file refused), for a role that may import at all.
    ("POST", f"{V1}/imports/{{kind}}"): Row(
        _import_members, RECORDERS, multipart=True, outside={"office": 422, "unit": 422},
        unknown={"office": 422, "unit": 422},
        make_unknown=lambda world, org: _import_members(world, org, UNKNOWN_CODE)),
    ("POST", f"{V1}/measures/study-sessions"): Row(_study_session, RECORDERS, ok=201,
                                                     refused=lambda t: {**t.body, "held_on": "2030-01-01"}),
    ("POST", f"{V1}/measures/lectures"): Row(_lecture, RECORDERS, ok=201),
    ("POST", f"{V1}/measures/life-meetings"): Row(_life_meeting, RECORDERS, ok=201),
    ("POST", f"{V1}/measures/public-services"): Row(_public_service, RECORDERS, ok=201,
                                                       refused=lambda t: {**t.body, "title": ""}),
    ("POST", f"{V1}/measures/public-services/{{service_id}}/milestones"): Row(_milestone_create, RECORDERS, ok=201),
    ("POST", f"{V1}/measures/milestones/{{milestone_id}}/done"): Row(_milestone_done, RECORDERS,
                                                                      refused=lambda t: {"done_on": "2030-01-01"}),
    ("POST", f"{V1}/measures/research-topics"): Row(_research_topic, RECORDERS, ok=201,
                                                      refused=lambda t: {**t.body, "title": ""}),
    ("POST", f"{V1}/measures/research-topics/{{topic_id}}/reports"): Row(_research_report, RECORDERS, ok=201),
    # A liaison group registers only what it found on a visit (source 督导发现): the self-found problem is refused.
    ("POST", f"{V1}/problems/"): Row(_problem_create, RECORDERS, ok=201, others={"liaison": 422}),
    ("PATCH", f"{V1}/problems/{{problem_id}}"): Row(_problem_update, RECORDERS,
                                                     refused=lambda t: {**t.body, "deadline": "2023-10-09"}),
    # The transition table refuses a role that sees the problem but may not take the action: 422 with the reason
    # (problems/tests/test_transition_matrix.py), not 404.
    ("POST", f"{V1}/problems/{{problem_id}}/actions/{{action}}"): Row(_problem_start, RECORDERS, multipart=True,
                                                                    others={"liaison": 422, "leader": 422}),
    ("POST", f"{V1}/problems/{{problem_id}}/steps"): Row(_step_create, RECORDERS, ok=201,
                                                                   refused=lambda t: {"measure": ""}),
    ("PATCH", f"{V1}/problems/{{problem_id}}/steps/{{step_id}}"): Row(_step_update, RECORDERS),
    ("POST", f"{V1}/problems/{{problem_id}}/steps/{{step_id}}/done"): Row(_step_done, RECORDERS, multipart=True),
    ("POST", f"{V1}/problems/{{problem_id}}/evidence"): Row(_evidence_create, RECORDERS, ok=201, multipart=True),
    ("POST", f"{V1}/problems/{{problem_id}}/feedback/{{satisfaction_id}}/answer"): Row(_feedback_answer, RECORDERS,
                                                                                     refused=lambda t: {"answer": ""}),
    ("POST", f"{V1}/supervision/visits"): Row(_visit_create, roles("office", "liaison"), ok=201,
                                           refused=lambda t: {**t.body, "planned_on": "2024-03-01"}),
    ("POST", f"{V1}/supervision/visits/{{visit_id}}/record"): Row(_visit_record, roles("office", "liaison")),
    ("POST", f"{V1}/supervision/visits/{{visit_id}}/cancel"): Row(_visit_cancel, roles("office", "liaison"),
                                                                 refused=lambda t: {"reason": ""}),
    ("POST", f"{V1}/supervision/visits/{{visit_id}}/findings"): Row(_finding_create, roles("office", "liaison"),
                                                                   ok=201),
    ("POST", f"{V1}/supervision/findings/{{finding_id}}/problem"): Row(_finding_problem, roles("office", "liaison"),
                                                                      ok=201),
    ("POST", f"{V1}/supervision/findings/{{finding_id}}/relapse"): Row(_finding_relapse, roles("office", "liaison")),
    ("POST", f"{V1}/supervision/actions"): Row(_action_create, roles("office", "liaison"), ok=201,
                                            refused=lambda t: {**t.body, "reason": ""}),
    ("POST", f"{V1}/supervision/actions/proposals"): Row(_action_propose, roles("office", "liaison"), ok=201),
    ("POST", f"{V1}/supervision/actions/{{action_id}}/decide"): Row(_action_decide, roles("office")),
    ("POST", f"{V1}/supervision/actions/{{action_id}}/dismiss"): Row(_action_dismiss, roles("office"),
                                                                 refused=lambda t: {"note": ""}),
    ("POST", f"{V1}/supervision/actions/{{action_id}}/result"): Row(_action_result, roles("office", "liaison")),
    ("POST", f"{V1}/supervision/letters"): Row(_letter_create, roles("office", "liaison"), ok=201,
                                            refused=lambda t: {**t.body, "reply_due_on": "2023-10-01"}),
    ("POST", f"{V1}/supervision/letters/{{letter_id}}/issue"): Row(_letter_issue, roles("office", "liaison")),
    ("POST", f"{V1}/office/submissions"): Row(_submission_create, roles("office", "liaison", "unit"), ok=201,
                                              refused=lambda t: {**t.body, "title": ""}),
    ("POST", f"{V1}/office/submissions/{{submission_id}}/assign"): Row(_submission_assign, roles("office")),
    ("POST", f"{V1}/office/submissions/{{submission_id}}/answer"): Row(_submission_answer, roles("office"),
                                                                     refused=lambda t: {"answer": ""}),
    ("POST", f"{V1}/office/submissions/{{submission_id}}/close"): Row(_submission_close, roles("office")),
    ("POST", f"{V1}/office/submissions/{{submission_id}}/attachments"): Row(_submission_attach, roles("office"),
                                                                           ok=201, multipart=True),
}

# Write routes that act on no object in the tree, and where their permissions are tested instead.
UNSCOPED: dict[tuple[str, str], str] = {
    ("POST", f"{V1}/auth/token"): "issues a token for a username and password: api/tests/test_auth.py",
    ("DELETE", f"{V1}/auth/tokens/{{token_id}}"): "revokes one of the caller's own tokens, nobody else's: "
                                                 "accounts/tests/test_api_tokens.py",
}
