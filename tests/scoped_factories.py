"""One factory per model placed in the tree (a model that declares `scope_path_field`): it makes one row of that
model under the given organisation. The scoping matrix (tests/test_scoping_matrix.py) makes a row inside and a
row outside every user's jurisdiction with each, so a new scoped model is not done until it has a factory here.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

_seq = itertools.count(1)


def _organization(org: Any) -> Any:
    from accounts.actors import SETUP
    from orgs.services import org_create

    n = next(_seq)
    return org_create(actor=SETUP,
                      parent=org, code=f"{org.code}-S{n}", name=f"测试支部{n}", kind="branch", sector=org.sector,
                      tier=org.tier)


def _member(org: Any) -> Any:
    from conftest import make_member

    return make_member(org, birth=dt.date(1970, 1, 1) + dt.timedelta(days=next(_seq)))


def _cadre(org: Any) -> Any:
    from accounts.actors import SETUP
    from core.cn import make_id_number
    from orgs.services import cadre_create

    n = next(_seq)
    return cadre_create(actor=SETUP, organization=org, name=f"干部{n}", position="书记", rank=40,
                        id_number=make_id_number("130102", dt.date(1965, 1, 1) + dt.timedelta(days=n), n, "M"))


def _participation(org: Any) -> Any:
    from campaigns.models import Campaign, Participation

    campaign = Campaign.objects.filter(is_current=True).first() or Campaign.objects.create(
        name="学习贯彻主题教育", batch=2, starts_on=dt.date(2023, 9, 1), is_current=True)
    return Participation.objects.get_or_create(campaign=campaign, organization=org)[0]


FACTORIES: dict[str, Callable[[Any], Any]] = {
    "orgs.Organization": _organization,
    "orgs.Member": _member,
    "orgs.Cadre": _cadre,
    "campaigns.Participation": _participation,
}


def _liaison_assignment(org: Any) -> Any:
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    participation = _participation(org)
    group = LiaisonGroup.objects.create(campaign=participation.campaign, name=f"第{next(_seq)}联络组")
    return LiaisonAssignment.objects.create(group=group, campaign=group.campaign, organization=org)


FACTORIES["campaigns.LiaisonAssignment"] = _liaison_assignment


# measures: every record is made through its service, for the current campaign the organisation takes part in.
def _measures_campaign(org: Any) -> Any:
    return _participation(org).campaign


def _study_session(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import study_session_create

    return study_session_create(actor=SETUP, organization=org, campaign=_measures_campaign(org), kind="group_study",
                                topic=f"集中学习{next(_seq)}", held_on=dt.date(2023, 10, 1), participant_count=10)


def _research_topic(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import research_topic_create

    return research_topic_create(actor=SETUP,
                                 organization=org, campaign=_measures_campaign(org), title=f"课题{next(_seq)}")


def _research_report(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import research_report_create

    return research_report_create(actor=SETUP,
                                  topic=_research_topic(org), title="调研报告", submitted_on=dt.date(2023, 10, 8))


def _results_exchange(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import results_exchange_create

    return results_exchange_create(actor=SETUP,
                                   organization=org, campaign=_measures_campaign(org), held_on=dt.date(2023, 11, 1),
                                   topics=[_research_topic(org)])


def _public_service(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import public_service_create

    return public_service_create(actor=SETUP,
                                 organization=org, campaign=_measures_campaign(org), title=f"修缮便民路{next(_seq)}",
                                 target="年底前完工", owner="村委会", deadline=dt.date(2023, 12, 31))


def _research_use(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import research_use_create

    return research_use_create(actor=SETUP,
                               report=_research_report(org), text="形成便民措施", public_service=_public_service(org))


def _milestone(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import milestone_create

    return milestone_create(actor=SETUP,
                            public_service=_public_service(org), title="开工", due_on=dt.date(2023, 10, 15))


def _party_lecture(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import party_lecture_create

    return party_lecture_create(actor=SETUP,
                                organization=org, campaign=_measures_campaign(org), title=f"专题党课{next(_seq)}",
                                held_on=dt.date(2023, 10, 20), audience_count=20, speaker_cadre=_cadre(org))


def _life_meeting(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import life_meeting_create

    return life_meeting_create(actor=SETUP, organization=org, campaign=_measures_campaign(org), kind="organisational",
                               held_on=dt.date(2023, 12, 1), attendance=12, topic=f"对照检视{next(_seq)}")


def _life_meeting_item(org: Any) -> Any:
    from accounts.actors import SETUP
    from measures.services import life_meeting_item_create

    return life_meeting_item_create(actor=SETUP, meeting=_life_meeting(org), kind="self_criticism", text="学习不够深入",
                                    cadre=_cadre(org))


FACTORIES.update({
    "measures.StudySession": _study_session,
    "measures.ResearchTopic": _research_topic,
    "measures.ResearchReport": _research_report,
    "measures.ResultsExchange": _results_exchange,
    "measures.ResearchUse": _research_use,
    "measures.PublicService": _public_service,
    "measures.Milestone": _milestone,
    "measures.PartyLecture": _party_lecture,
    "measures.LifeMeeting": _life_meeting,
    "measures.LifeMeetingItem": _life_meeting_item,
})


# problems: every row made through the services (by an office account of the city, which sees both sides).
def _problem_office(org: Any) -> Any:
    """An office account bound to the root of `org`'s tree."""
    from accounts.actors import SETUP
    from accounts.models import User
    from administration.services import user_create
    from orgs.models import Organization

    root = Organization.objects.get(path=org.path[:org.steplen])
    office = User.objects.filter(username=f"scoped_office_{root.code}").first()
    if office is None:
        office = user_create(actor=SETUP, username=f"scoped_office_{root.code}", role="office", organization=root,
                             password="Scoped@2023x")
    return office


def _problem(org: Any) -> Any:
    from problems.services import problem_create

    _participation(org)
    return problem_create(actor=_problem_office(org), organization=org, description=f"问题{next(_seq)}",
                          source="self", category="style")


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 evidence")


def _claimed_problem(org: Any) -> Any:
    from problems.services import problem_act

    problem = problem_act(actor=_problem_office(org), problem=_problem(org), action="start")
    return problem_act(actor=_problem_office(org), problem=problem, action="claim", files=[_upload()])


def _step(org: Any) -> Any:
    from problems.services import step_add

    return step_add(actor=_problem_office(org), problem=_problem(org), measure="建立制度")


def _evidence(org: Any) -> Any:
    from problems.services import evidence_add

    return evidence_add(actor=_problem_office(org), problem=_problem(org), file=_upload())


def _transition(org: Any) -> Any:
    return _problem(org).timeline.first()


def _closure(org: Any) -> Any:
    from accounts.actors import SETUP
    from administration.services import user_create
    from problems.services import problem_act

    problem = _claimed_problem(org)
    verifier = user_create(actor=SETUP, username=f"verifier{next(_seq)}", role="office",
                           organization=_problem_office(org).organization, password="Scoped@2023x")
    return problem_act(actor=verifier, problem=problem, action="close", note="核验属实").closures.get()


def _extension(org: Any) -> Any:
    from problems.services import problem_act

    problem = _problem(org)
    return problem_act(actor=_problem_office(org), problem=problem, action="request_extension", note="需要更多时间",
                       new_due_on=problem.due_on + dt.timedelta(days=10)).extensions.get()


def _satisfaction(org: Any) -> Any:
    from problems.services import satisfaction_submit

    problem = _problem(org)
    problem.source = "masses"
    problem.save()
    return satisfaction_submit(token=problem.feedback_token, rating="satisfied", ip=f"10.0.0.{next(_seq) % 250}")


FACTORIES.update({
    "problems.Problem": _problem,
    "problems.RectificationStep": _step,
    "problems.Evidence": _evidence,
    "problems.TransitionRecord": _transition,
    "problems.Closure": _closure,
    "problems.Extension": _extension,
    "problems.Satisfaction": _satisfaction,
})


# supervision: rows made through the services by the city office (which guides every group), at a unit assigned
# to a liaison group of the current campaign.
def _supervised_unit(org: Any) -> Any:
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    participation = _participation(org)
    if not LiaisonAssignment.objects.filter(campaign=participation.campaign, organization=org).exists():
        group = LiaisonGroup.objects.create(campaign=participation.campaign, name=f"第{next(_seq)}联络组")
        LiaisonAssignment.objects.create(group=group, campaign=group.campaign, organization=org)
    return org


def _visit(org: Any) -> Any:
    from campaigns.selectors import liaison_group_of
    from supervision.models import VisitMethod
    from supervision.services import visit_log

    _supervised_unit(org)
    campaign = _participation(org).campaign
    group = liaison_group_of(org, campaign)
    assert group is not None  # _supervised_unit gave the unit a liaison group
    return visit_log(actor=_problem_office(org), group=group, organization=org,
                     method=VisitMethod.objects.first(), subject=f"个别访谈{next(_seq)}",
                     visited_on=max(campaign.starts_on, dt.date(2023, 9, 1)), summary="总体情况良好",
                     observations={"study": {"judgement": "good", "note": "学习扎实"}})


def _observation(org: Any) -> Any:
    return _visit(org).observations.get()


def _visit_attachment(org: Any) -> Any:
    from supervision.services import attachment_add

    return attachment_add(actor=_problem_office(org), visit=_visit(org), file=_upload())


def _finding(org: Any) -> Any:
    from supervision.services import finding_add

    return finding_add(actor=_problem_office(org), visit=_visit(org), description=f"发现{next(_seq)}",
                       requirement="study")


def _action(org: Any) -> Any:
    from supervision.services import action_record

    _supervised_unit(org)
    return action_record(actor=_problem_office(org), organization=org, level="point_out", reason="落实要求不到位")


def draft_letter(org: Any) -> Any:
    from campaigns.selectors import liaison_group_of
    from supervision.services import letter_create

    finding = _finding(org)
    group = liaison_group_of(org, finding.visit.campaign)
    assert group is not None  # _finding's visit was made by the unit's liaison group
    return letter_create(actor=_problem_office(org), group=group, organization=org, findings=[finding])


def _letter(org: Any) -> Any:
    """An issued letter, which every data role sees (a unit sees no drafts: FeedbackLetter's for_action)."""
    from supervision.services import letter_issue

    letter = draft_letter(org)
    return letter_issue(actor=letter.created_by, letter=letter)


FACTORIES.update({
    "supervision.Visit": _visit,
    "supervision.Observation": _observation,
    "supervision.VisitAttachment": _visit_attachment,
    "supervision.Finding": _finding,
    "supervision.Action": _action,
    "supervision.FeedbackLetter": _letter,
})


# office: the communication log, made through the services — a notice the city office sends down to the
# organisation (every data role that sees the organisation reads it), and `office_letter`: a letter from the masses
# about it that the city office logged (收文登记; only the office and the leaders read it), which the office assigns,
# answers and closes.
def _submission(org: Any) -> Any:
    from office.services import submission_create

    _participation(org)
    return submission_create(actor=_problem_office(org), organization=org, kind="instruction", origin="office",
                             direction="down", title=f"通知{next(_seq)}", body="请报送情况")


def office_letter(org: Any) -> Any:
    from office.services import submission_create

    _participation(org)
    return submission_create(actor=_problem_office(org), organization=org, kind="report", origin="outside",
                             counterpart="群众来信", title=f"来信{next(_seq)}", body="反映情况")


def _submission_attachment(org: Any) -> Any:
    from office.services import attachment_add

    return attachment_add(actor=_problem_office(org), submission=_submission(org), file=_upload())


FACTORIES.update({
    "office.Submission": _submission,
    "office.SubmissionAttachment": _submission_attachment,
})
