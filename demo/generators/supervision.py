"""Demo supervision (`supervision_generate`): what the liaison groups of the current campaign did so far — visits
to their units by every method, what they saw against the four basic requirements, findings (some put into the
ledger, a few reopening closed problems as relapses, some guidance only), a few actions at each rung of the
escalation ladder, feedback letters, and the system's proposals for the office to decide.

The `supervision` part of demo.parts, after the campaigns and the ledger (`manage.py demo`, `manage.py gendata
--only supervision`). Unlike the bulk generators, every row is written **through `supervision.services`** by real users
— the group's members and the office — so each rule the services keep holds (who may do what, the ladder's order
and the reason for a skip, a finding's problem registered by `problems.services` with source 督导发现, a relapse
reopened visibly). The demo is a few dozen visits, so this takes seconds.

Who acts. The demo liaison account (username "liaison") is a member of its county's group; every group is filled
up to GROUP_SIZE members with generated accounts ("gd-liaison-<digest>-<n>", bound to the city root as the
office's own liaison staff are), added through `campaigns.services.liaison_member_add` by the command's system
actor. The services act only for active users, so these accounts are active while the generator runs and
deactivated at its end, in the same transaction (as the ledger generator's "gd-verifier-…" accounts: nobody logs in
as them, their password is unusable). Office decisions are the demo office user's ("office"), or a generated
office account's when there is none (`manage.py gendata --only supervision` on a registry without demo accounts).

The clock. The services take "now" from the clock and accept the past only where a person may record it: a visit's
planned and visited dates may lie in the past (a group records a visit afterwards), so visits spread over the last
WINDOW_DAYS days of the campaign as they are. Everything else is written today, as it would be if the group did
it now: findings are recorded, problems registered in the ledger (with their default due dates from today),
relapses reopened, letters drafted and issued today. The one exception is the ladder: `action_record` and
`action_decide` stamp the decision today and refuse a follow-up date before today, which would leave every action
decided today and none due for follow-up. So each action is taken through the services now and then moved into
"campaign time" with one `queryset.update` of its own dates (`_backdate`): proposed and decided a few days after
the visit it rests on, followed up two to four weeks later, its result (when recorded) after that — exactly the
row the services would have written on that day. Nothing outside supervision is moved: problem rows keep the
dates `problems.services` gave them.

Deterministic: every choice comes from `random.Random` seeded with the seed and the group's name (or "ladder",
"letters"), over rows taken in a fixed order; the dates are relative to today. A second run does nothing (the
current campaign has visits already). One audit entry records the load, besides the entries the services write.
"""

import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor
from accounts.models import User
from accounts.permissions import Capability, role_for, roles_with
from campaigns.models import Campaign, LiaisonGroup
from campaigns.selectors import current_campaign
from campaigns.services import liaison_member_add
from core.audit import audit_context, record
from core.models import AuditEntry
from demo.accounts import demo_user
from demo.generators.orgs import People
from orgs.choices import Gender, OrgKind, Tier
from orgs.models import Cadre, Organization
from problems.choices import Category, ProblemStatus, Severity
from problems.models import Problem
from problems.permissions import owner_refusal
from supervision import permissions, selectors, services
from supervision.choices import IN_FORCE, Judgement, Level, Requirement
from supervision.models import Action, FeedbackLetter, Finding, Visit, VisitMethod

WINDOW_DAYS = 120  # visits done over the last 120 days of the campaign (the ledger's generator the last 150)
GROUP_SIZE = 3  # members per liaison group, generated accounts making up the rest
VISITS = (4, 10)  # visits per group, all states
PLANNED_AHEAD = (3, 28)  # days ahead of today for the visits still planned
MAX_POINT_OUT = 3  # 指出促改 per group, besides those that start a unit's escalation

# --------------------------------------------------------------------------------------------------------
# What the groups write. Slots: {unit} the visited unit's name, {n} {m} small counts (m < n), {pct} a percentage,
# {place} a place.

SUBJECTS: dict[str, tuple[str, ...]] = {
    "个别访谈": ("个别访谈{unit}班子成员和党员群众代表", "与{unit}主要负责同志和部分党员个别谈话",
                 "个别访谈{unit}基层党员、服务对象"),
    "列席领导班子学习研讨": ("列席{unit}理论学习中心组专题学习研讨", "列席{unit}领导班子读书班集中研讨",
                             "列席{unit}专题学习研讨会"),
    "列席调研成果交流会": ("列席{unit}调研成果交流会", "列席{unit}班子成员调研成果交流汇报会"),
    "列席专题党课": ("列席{unit}主要负责同志讲授专题党课", "列席{unit}主题教育专题党课"),
    "列席民主生活会": ("列席{unit}主题教育专题民主生活会", "列席{unit}专题组织生活会"),
    "调阅调研报告": ("调阅{unit}班子成员调研报告", "调阅{unit}调研报告和问题清单"),
}
SUMMARIES: dict[str, tuple[str, ...]] = {
    "个别访谈": (
        "个别访谈班子成员{n}人、党员群众代表{m}人。普遍反映主题教育开展以来理论学习抓得紧，为民办实事有实效；"
        "也反映调研成果转化不快、部分问题整改进度慢。",
        "与{unit}主要负责同志、分管同志和基层党员逐一谈话{n}人次，了解学习、调研、整改情况，听取意见建议。"
        "总体看工作有序推进，但层层传导压力不够，基层感受还不明显。",
    ),
    "列席领导班子学习研讨": (
        "班子成员围绕专题逐一交流发言{n}人次。多数发言联系分管工作谈体会、找差距，但个别发言理论阐释多、"
        "查找问题少，研讨的针对性还需增强。",
        "研讨前印发了学习篇目，班子成员集中自学。研讨中联系思想和工作实际不够紧，对本单位发展中的突出问题"
        "触及不深，已现场提出改进意见。",
    ),
    "列席调研成果交流会": (
        "班子成员{n}人逐一交流调研成果，课题总体聚焦发展难题和群众急难愁盼问题；部分调研报告问题剖析不深、"
        "对策建议不够具体，已现场点评。",
        "交流会听取了{n}个调研课题的成果汇报，结合课题提出了转化运用的要求，要求把调研发现的问题纳入问题清单。",
    ),
    "列席专题党课": (
        "主要负责同志结合学习体会和调研成果讲授专题党课，联系实际较好，党员反响较好；听课党员{n}人。",
        "专题党课内容以理论阐释为主，结合本单位实际和群众关切不够，已提出改进建议。",
    ),
    "列席民主生活会": (
        "会前谈心谈话、征求意见较充分，对照检查材料查摆问题比较具体；相互批评辣味不足，个别批评意见避重就轻。"
        "已要求会后建立整改清单。",
        "生活会按程序召开，班子成员逐一对照检查、开展批评和自我批评，共提出批评意见{n}条，会风会纪较好。",
    ),
    "调阅调研报告": (
        "调阅调研报告{n}篇、问题清单1份。多数报告有情况、有分析、有对策，个别报告成绩罗列多、问题剖析少。",
        "调阅班子成员调研报告{n}篇，报告普遍反映了基层实际，但数据更新不及时，对策建议的责任单位和时限不明确。",
    ),
}
OTHERS = ("", "", "", "市委组织部干部监督科同志", "县委主题教育办公室联络员", "市委督查室同志")
# What a group saw of one requirement, by how it judged it.
OBSERVATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Requirement.STUDY: {
        Judgement.GOOD: ("学习计划安排具体，原著原文读得较深，班子成员结合分管工作谈体会、找差距，研讨氛围浓厚。",
                         "坚持读原著、学原文、悟原理，个人自学有笔记有思考，以学促干成效明显。"),
        Judgement.FAIR: ("学习研讨按计划开展，多数发言联系实际，个别发言理论阐释多、查找差距少。",
                         "集中学习和个人自学结合较好，青年干部学习还需加强。"),
        Judgement.ORDINARY: ("学习以领读文件为主，交流研讨不够充分，联系本单位实际不紧。",
                             "学习笔记摘抄多、思考少，学用结合不够。"),
        Judgement.POOR: ("研讨发言照本宣科，个别班子成员发言稿雷同，以学促干的效果不明显。",
                         "学习计划未按期落实，以传达文件代替专题研讨。"),
    },
    Requirement.RESEARCH: {
        Judgement.GOOD: ("调研课题聚焦群众急难愁盼问题，班子成员带队蹲点，调研报告问题分析透彻、对策具体。",
                         "坚持“四不两直”开展调研，形成的调研成果已转化为{n}项具体措施。"),
        Judgement.FAIR: ("调研课题确定较准，已完成初步调研，调研成果转化还需加力。",
                         "班子成员均确定了调研课题，多数已形成调研报告。"),
        Judgement.ORDINARY: ("调研以听取汇报、座谈为主，深入一线不够，报告问题导向不够突出。",
                             "调研成果交流不充分，部分对策建议未明确落实责任。"),
        Judgement.POOR: ("调研走马观花，调研报告成绩写得多、问题写得少，对策建议空泛。",
                         "调研安排扎堆，要求基层提前准备汇报材料，增加了基层负担。"),
    },
    Requirement.DEVELOPMENT: {
        Judgement.GOOD: ("为民办实事项目按进度推进，已完成{n}项，群众评价较好。",
                         "把主题教育成效体现到推动发展上，重点项目推进有力。"),
        Judgement.FAIR: ("为民办实事清单已公开，多数项目按序时推进，个别项目进度滞后。",
                         "推动发展的措施较具体，部分措施落地见效还需时间。"),
        Judgement.ORDINARY: ("为民办实事项目推进不平衡，{n}项进度滞后，群众感受不明显。",
                             "学习调研成果转化为发展举措不够，工作推进与主题教育结合不紧。"),
        Judgement.POOR: ("承诺的为民办实事项目大多未启动，台账只记“办了什么”，不记“办得怎样”。",
                         "群众反映的突出问题长期未解决，推动发展缺乏实招。"),
    },
    Requirement.RECTIFICATION: {
        Judgement.GOOD: ("问题清单具体，整改措施、责任人、时限明确，已销号问题经核验整改到位。",
                         "坚持立查立改、即知即改，群众反映的{n}个问题已整改到位。"),
        Judgement.FAIR: ("检视问题较具体，整改按计划推进，个别问题整改措施针对性不强。",
                         "问题清单已建立，对账销号工作正在推进。"),
        Judgement.ORDINARY: ("问题清单共性表述多、具体事例少，整改措施较笼统。",
                             "部分问题整改时限设置不合理，整改进度较慢。"),
        Judgement.POOR: ("检视问题避重就轻，上级点、群众提的问题未列入清单，存在“纸面整改”。",
                         "整改佐证材料以制度文件代替整改成效，对账销号把关不严。"),
    },
}
JUDGEMENTS: list[str] = list(Judgement.values)
JUDGEMENT_WEIGHTS = {"good": (45, 35, 15, 5), "fair": (20, 40, 30, 10), "weak": (5, 30, 40, 25)}
POOR_WEIGHT: dict[str, int] = {Judgement.GOOD: 1, Judgement.FAIR: 3, Judgement.ORDINARY: 6, Judgement.POOR: 9}

# Findings per requirement: (text, category of the problem it becomes).
F = tuple[str, str]
FINDINGS: dict[str, tuple[F, ...]] = {
    Requirement.STUDY: (
        ("领导班子专题学习研讨照本宣科，个别班子成员发言稿照抄文件原文，联系思想和工作实际不够", Category.STYLE),
        ("理论学习中心组学习计划落实不到位，{n}次集中学习中有{m}次以传达文件代替专题研讨", Category.STYLE),
        ("个人自学流于形式，抽查{n}名干部学习笔记，摘抄多、思考少，存在“以抄代学”现象", Category.STYLE),
        ("学习研讨未聚焦本单位发展中的突出问题，以学促干、学用结合不够", Category.SPIRIT),
        ("青年干部理论学习覆盖不全，{n}名新进干部未纳入学习计划", Category.ABILITY),
        ("对党的创新理论的学习停留在读原文、记要点上，对核心要义和实践要求理解不深不透", Category.ABILITY),
        ("专题党课准备不充分，讲理论多、讲实践少，与本单位实际和群众关切结合不紧", Category.STYLE),
        ("基层党支部学习方式单一，以读文件为主，对流动党员、年老体弱党员未作灵活安排", Category.ORGANISATION),
        ("学习研讨中批评和自我批评不够，查摆思想差距避重就轻", Category.SPIRIT),
        ("班子成员到联系点讲学习体会次数少，示范带学作用发挥不充分", Category.SPIRIT),
    ),
    Requirement.RESEARCH: (
        ("调研报告问题导向不突出，成绩罗列多、问题剖析少，对策建议大而空", Category.STYLE),
        ("调研课题选题过宽过泛，未聚焦本地区本单位的突出矛盾和群众急难愁盼问题", Category.STYLE),
        ("班子成员调研以听汇报、看材料为主，到基层一线和群众中去少，存在“盆景式”调研", Category.STYLE),
        ("调研安排扎堆，{n}名班子成员的调研点集中在同一乡镇，增加基层接待负担", Category.STYLE),
        ("调研成果交流会流于形式，交流材料照读，相互讨论和点评不够", Category.STYLE),
        ("调研中发现的{n}个问题未列入问题清单，调研成果转化运用不够", Category.DEVELOPMENT),
        ("调研报告引用的数据陈旧，对当前情况掌握不准，分析缺乏说服力", Category.ABILITY),
        ("解剖麻雀不深，对典型案例的成因分析停留在表面，未提炼出可推广的做法", Category.ABILITY),
        ("调研前要求基层提前准备汇报材料和展板，变相增加基层负担", Category.STYLE),
        ("调研形成的{n}条对策建议未明确责任单位和完成时限，推动落实机制不健全", Category.DEVELOPMENT),
    ),
    Requirement.DEVELOPMENT: (
        ("为民办实事项目推进滞后，{n}项承诺事项中有{m}项未按序时进度完成", Category.SERVICE),
        ("为民办实事项目确定前未充分征求群众意见，群众关注的{place}路段维修未列入", Category.SERVICE),
        ("年度重点项目推进缓慢，{n}个项目尚未开工，主题教育与中心工作结合不紧", Category.DEVELOPMENT),
        ("惠企政策落实“最后一公里”不畅，{n}家企业反映申报流程繁琐、兑现周期长", Category.DEVELOPMENT),
        ("村集体经济发展思路不清，产业项目带动群众增收作用不明显", Category.DEVELOPMENT),
        ("为民办实事台账只记“办了什么”，不记“办得怎样”，办结事项未回访群众", Category.SERVICE),
        ("群众反映的{place}一带排水不畅问题已{n}个月未解决", Category.SERVICE),
        ("便民服务窗口设置不合理，高峰时段群众排队时间长，“一网通办”使用率仅为{pct}%", Category.SERVICE),
        ("学习调研成果未转化为推动发展的具体措施，与业务工作存在“两张皮”", Category.DEVELOPMENT),
        ("对群众急难愁盼问题回应不及时，12345热线转办件按期办结率仅为{pct}%", Category.SERVICE),
    ),
    Requirement.RECTIFICATION: (
        ("问题清单大而空，多为“学习不够深入”“作风不够扎实”等共性表述，缺少具体事例", Category.STYLE),
        ("检视问题避重就轻，上级点、群众提的问题未全部纳入问题清单", Category.STYLE),
        ("整改措施针对性不强，{n}个问题的整改措施照搬照抄、千篇一律", Category.STYLE),
        ("整改时限设置不合理，{n}个需长期整改的问题时限定为“立行立改”", Category.STYLE),
        ("部分问题以制度文件代替整改成效作为佐证材料，存在“纸面整改”", Category.STYLE),
        ("对账销号把关不严，{n}个问题未经现场核验即申请销号", Category.STYLE),
        ("整治形式主义为基层减负工作中，发文开会数量不降反升，专项整治推进不力", Category.STYLE),
        ("立查立改、即知即改落实不到位，群众反映的问题迟迟未动手整改", Category.SERVICE),
        ("整改责任未压实到人，{n}个问题未明确责任领导", Category.ORGANISATION),
        ("民主生活会查摆问题不深刻，相互批评辣味不足，会后整改清单未及时建立", Category.ORGANISATION),
    ),
}
# Guidance only (指导意见): nothing to fix, advice for doing better.
GUIDANCE: dict[str, tuple[str, ...]] = {
    Requirement.STUDY: ("建议把学习研讨与解决本单位实际问题结合起来，每次研讨聚焦一个具体问题",
                        "建议对流动党员、年老体弱党员采取送学上门、线上学习等灵活方式",
                        "建议班子成员到联系点讲学习体会，带动基层党员学深悟透"),
    Requirement.RESEARCH: ("建议调研成果交流会邀请基层干部群众代表参加，增强交流的针对性",
                           "建议把调研发现的问题逐项纳入问题清单，形成调研、整改闭环",
                           "建议统筹班子成员调研点位，避免扎堆调研、重复调研"),
    Requirement.DEVELOPMENT: ("建议为民办实事项目完成后逐户回访，以群众满意度检验成效",
                              "建议把为民办实事清单在村（社区）公开栏公示，接受群众监督",
                              "建议把调研成果转化为具体项目，明确责任人和完成时限"),
    Requirement.RECTIFICATION: ("建议问题清单逐项写明具体表现和事例，便于对账销号",
                                "建议对已销号问题适时回访，防止问题反弹",
                                "建议整改措施区分立行立改和长期坚持两类，分类设定时限"),
}
RELAPSE = "回访发现已销号的问题出现反弹：{excerpt}整改成效未巩固，群众仍有反映"
CADRE_FINDING = ("{position}{name}履行整改第一责任人职责不力，本单位问题整改敷衍应付，"
                 "以虚假佐证材料申请对账销号，造成不良影响")
PLACES = ("东环路", "西大街", "南关", "北环路", "文化路", "建设路", "人民路", "幸福路", "新华街", "车站路")
CANCEL_REASONS = ("与该单位重要会议时间冲突，改期进行", "该单位专题民主生活会推迟召开，活动取消",
                  "按市委统一安排调整指导计划，本次活动取消")

# The ladder's texts.
POINT_OUT = ("{visit}发现{what}等问题，落实主题教育要求不到位，明确指出，要求立即整改，"
             "并在问题清单中逐项明确措施和时限。")
CORRECT = "经指出后，{what}等问题在{visit}中再次发现，问题较多、整改不力，予以纠正，要求限期整改到位并报告整改情况。"
CORRECT_AFTER_FOLLOW_UP = ("经指出后，跟踪回访发现{what}等问题仍未整改到位，整改不力，予以纠正，"
                           "要求限期整改到位并报告整改情况。")
CRITICISE = ("经指出和纠正后，{what}等问题仍未有效解决，整改敷衍应付、搞形式主义，予以严肃批评，"
             "要求单位主要负责同志作出书面检查。")
DISCIPLINE = "{name}作为整改第一责任人，对问题整改敷衍应付、弄虚作假，问题严重，建议领导小组给予组织处理。"
DISCIPLINE_SKIP = ("问题性质严重，以虚假材料申请对账销号，已造成不良影响，"
                   "按照“走形变样、问题严重的，给予组织处理”的要求，不再逐级处置。")
RESULTS = {
    Level.POINT_OUT: ("单位已召开专题会议研究整改，相关问题已列入问题清单，明确了措施和时限。",
                      "已按要求整改，经回访核实整改措施落实到位。"),
    Level.CORRECT: ("单位已提交书面整改报告，经联络组现场核查，问题已整改到位。",),
    Level.CRITICISE: ("单位主要负责同志已作出书面检查，整改方案已报市委教育办备案。",),
}
FAILED = {
    Level.POINT_OUT: "跟踪回访发现整改不到位，相关问题仍然存在，升级处置。",
    Level.CORRECT: "限期内仍未整改到位，整改敷衍应付，报市委教育办严肃批评。",
}
DECISION_NOTE = "同意联络组建议，予以严肃批评。请联络组跟踪整改落实情况。"


def _fill(template: str, rng: random.Random, unit: str = "") -> str:
    if "{" not in template:
        return template
    n = rng.randint(3, 12)
    return template.format(unit=unit, n=n, m=rng.randint(1, max(1, n // 2)), pct=rng.randint(35, 78),
                           place=rng.choice(PLACES))


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    """A day in [low, high] (low when the range is empty)."""
    if high <= low:
        return low
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


# --------------------------------------------------------------------------------------------------------
# The plan.


@dataclass
class Done:
    """A done visit and the findings it recorded that need a fix (the ladder rests on them)."""

    visit: Visit
    findings: list[Finding]


@dataclass
class GroupWork:
    group: LiaisonGroup
    actor: User  # the member who records (the demo liaison when a member)
    members: list[User]
    done: list[Done] = field(default_factory=list)

    def by_unit(self) -> dict[int, list[Done]]:
        """Done visits with findings to fix, by visited unit, in date order."""
        units: dict[int, list[Done]] = {}
        for item in sorted(self.done, key=lambda d: (d.visit.day, d.visit.pk)):
            if item.findings:
                units.setdefault(item.visit.organization_id, []).append(item)
        return units


@dataclass
class Step:
    """One step on the ladder, as the generator takes it (`Generator.take`)."""

    user: User  # who takes or decides it
    org: Organization
    level: str
    reason: str
    findings: list[Finding]
    decided_on: dt.date
    follow_up_days: int
    result: str = ""  # recorded on the follow-up date (+ result_days) when that has passed
    result_days: int = 0
    cadre: Cadre | None = None
    skip_reason: str = ""
    proposer: User | None = None  # a group member who proposed it, for the office (`user`) to decide


class Generator:
    def __init__(self, campaign: Campaign, seed: int, actor: Actor) -> None:
        self.system = actor  # who fills the groups up and refreshes the proposals (the command's system actor)
        self.campaign = campaign
        self.seed = seed
        self.today = timezone.localdate()
        self.since = max(campaign.starts_on, self.today - dt.timedelta(days=WINDOW_DAYS))
        self.root = Organization.objects.get_first_root_node()
        self.methods = list(VisitMethod.objects.filter(is_active=True).order_by("order", "id"))
        self.generated: list[int] = []  # generated accounts, deactivated at the end
        self.counts = dict.fromkeys(("visits", "findings", "problems", "relapses", "actions", "proposals",
                                     "letters"), 0)

    # -- people ------------------------------------------------------------------------------------------

    def _accounts(self, key: str, n: int, role: str) -> list[User]:
        """`n` generated accounts for `key` (a group, the office), bound to the root, made once per seed and key.
        Active while the generator runs (the services act for active users only); see the module's docstring."""
        if n <= 0 or self.root is None:
            return []
        rng = random.Random(f"supervision/{self.seed}/people/{key}")
        people = People([])
        names = [people.name(rng, Gender.MALE if rng.random() < 0.6 else Gender.FEMALE) for _ in range(n)]
        digest = hashlib.sha1(f"{self.seed}/{key}".encode()).hexdigest()[:12]
        prefix = "gd-office" if role == role_for(Capability.CITY_OFFICE) else "gd-liaison"
        users: list[User] = []
        for i, name in enumerate(names):
            user, _ = User.objects.get_or_create(
                username=f"{prefix}-{digest}-{i}",
                defaults={"first_name": name, "role": role, "organization": self.root, "password": "!"})
            if not user.is_active:
                User.objects.filter(pk=user.pk).update(is_active=True)
                user.is_active = True
            self.generated.append(user.pk)
            users.append(user)
        return users

    def office(self) -> User:
        user = demo_user(Capability.CITY_OFFICE)
        if user is not None and user.organization.depth == 1:
            return user
        return self._accounts("office", 1, role_for(Capability.CITY_OFFICE))[0]

    def members(self, group: LiaisonGroup) -> tuple[User, list[User]]:
        """The group's members (filled up to GROUP_SIZE) and the one who records: the demo liaison when a member,
        else the leader."""
        existing = [m.user for m in group.memberships.select_related("user", "user__organization")
                    .filter(user__role__in=roles_with(Capability.JOIN_LIAISON_GROUP), user__is_active=True)
                    .order_by("-is_leader", "user_id")]
        has_leader = group.memberships.filter(is_leader=True).exists()
        for i, user in enumerate(self._accounts(f"group/{group.name}", GROUP_SIZE - len(existing),
                                                role_for(Capability.JOIN_LIAISON_GROUP))):
            liaison_member_add(actor=self.system, group=group, user=user,
                               is_leader=not has_leader and i == 0)
            existing.append(user)
        demo = next((u for u in existing if u.username == role_for(Capability.JOIN_LIAISON_GROUP)), None)
        return demo or existing[0], existing

    # -- visits ------------------------------------------------------------------------------------------

    def targets(self, rng: random.Random, group: LiaisonGroup) -> list[tuple[Organization, int]]:
        """The units a group visits, with weights: its assigned units first, then a few committees and party
        groups just below them, and a village or two."""
        out: list[tuple[Organization, int]] = []
        for assigned in selectors.group_units(group):
            out.append((assigned, 6))
            below = Organization.objects.in_subtree(assigned.path).filter(depth__lte=assigned.depth + 2)
            keys = list(below.exclude(pk=assigned.pk).filter(
                kind__in=[OrgKind.COMMITTEE, OrgKind.PARTY_GROUP, OrgKind.WORKING_COMMITTEE]).order_by("path"))
            villages = list(Organization.objects.in_subtree(assigned.path).filter(tier=Tier.VILLAGE)
                            .order_by("path")[:60])
            out += [(org, 3) for org in rng.sample(keys, min(3, len(keys)))]
            out += [(org, 1) for org in rng.sample(villages, min(2, len(villages)))]
        return out

    def group(self, index: int, group: LiaisonGroup, demo_group: bool) -> GroupWork | None:
        rng = random.Random(f"supervision/{self.seed}/{group.name}")
        targets = self.targets(rng, group)
        if not targets or not self.methods:
            return None
        actor, members = self.members(group)
        work = GroupWork(group, actor, members)
        n = rng.randint(*VISITS)
        planned = rng.randint(1, 2)
        cancelled = 1 if index in (0, 2) else 0  # one or two across the city
        unrecorded = 1 if demo_group else 0  # planned for two days ago and not yet recorded: "record or cancel"
        done = max(2, n - planned - cancelled - unrecorded)
        days = sorted(_day(rng, self.since, self.today - dt.timedelta(days=1)) for _ in range(done))
        methods = self.methods[:]
        rng.shuffle(methods)
        units, weights = [t[0] for t in targets], [t[1] for t in targets]
        plan: list[tuple[str, dt.date]] = [("done", day) for day in days]
        plan += [("planned", self.today + dt.timedelta(days=rng.randint(*PLANNED_AHEAD))) for _ in range(planned)]
        plan += [("cancelled", _day(rng, self.since, self.today + dt.timedelta(days=14))) for _ in range(cancelled)]
        plan += [("unrecorded", max(self.since, self.today - dt.timedelta(days=2))) for _ in range(unrecorded)]
        relapsed = False
        for k, (state, day) in enumerate(plan):
            org = units[0] if k == 0 else rng.choices(units, weights=weights)[0]
            method = methods[k % len(methods)]
            visit = services.visit_plan(
                actor=actor, group=group, organization=org, method=method,
                subject=_fill(rng.choice(SUBJECTS.get(method.name, ("督促指导{unit}主题教育工作",))), rng, org.name),
                planned_on=day, participants=members, others=rng.choice(OTHERS))
            self.counts["visits"] += 1
            if state == "cancelled":
                services.visit_cancel(actor=actor, visit=visit, reason=rng.choice(CANCEL_REASONS))
            elif state == "done":
                item = self.record(rng, work, visit, last=k == done - 1, relapse=not relapsed)
                relapsed = relapsed or any(f.is_relapse for f in item.findings)
                work.done.append(item)
        return work

    def record(self, rng: random.Random, work: GroupWork, visit: Visit, *, last: bool, relapse: bool) -> Done:
        """Mark a visit done with what the group saw, then its findings: most to fix (about half of them put
        into the ledger, except those of the group's latest visit, still being written up), some guidance only,
        and now and then a relapse of a closed problem."""
        actor = work.actor
        quality = rng.choices(list(JUDGEMENT_WEIGHTS), weights=(3, 4, 3))[0]
        requirements = rng.sample(list(Requirement.values), rng.randint(2, 4))
        requirements.sort(key=list(Requirement.values).index)
        judged = {req: rng.choices(JUDGEMENTS, weights=JUDGEMENT_WEIGHTS[quality])[0] for req in requirements}
        observations = {req: {"judgement": j, "note": _fill(rng.choice(OBSERVATIONS[req][j]), rng)}
                        for req, j in judged.items()}
        method = visit.method.name
        visit = services.visit_record(
            actor=actor, visit=visit, visited_on=visit.planned_on, observations=observations,
            summary=_fill(rng.choice(SUMMARIES.get(method, ("按计划开展督促指导。",))), rng, visit.organization.name))
        cadres = list(Cadre.objects.filter(organization=visit.organization).order_by("-rank", "id")[:3])
        item = Done(visit, [])
        used: set[str] = set()
        for _ in range(rng.randint(1, 2 if quality == "good" else 3)):
            req = rng.choices(requirements, weights=[POOR_WEIGHT[judged[r]] for r in requirements])[0]
            # What the group judged good on the spot gets advice, not a problem.
            needs_fix = judged[req] != Judgement.GOOD and rng.random() < 0.85
            if needs_fix:
                text, category = rng.choice(FINDINGS[req])
            else:
                text, category = rng.choice(GUIDANCE[req]), ""
            if text in used:
                continue
            used.add(text)
            cadre = cadres[0] if cadres and needs_fix and rng.random() < 0.2 else None
            finding = services.finding_add(actor=actor, visit=visit, description=_fill(text, rng), requirement=req,
                                           cadre=cadre, needs_fix=needs_fix)
            self.counts["findings"] += 1
            if not needs_fix:
                continue
            item.findings.append(finding)
            if not last and rng.random() < 0.6:
                severity = Severity.SERIOUS if rng.random() < 0.2 else Severity.ORDINARY
                services.finding_raise_problem(actor=actor, finding=finding, category=category, severity=severity)
                self.counts["problems"] += 1
        if relapse and judged.get(Requirement.RECTIFICATION) != Judgement.GOOD and rng.random() < 0.7:
            relapsed = self.relapse(rng, work, visit)
            if relapsed is not None:
                item.findings.append(relapsed)
        return item

    def relapse(self, rng: random.Random, work: GroupWork, visit: Visit) -> Finding | None:
        """A problem of the visited unit's subtree closed before the visit, found again: a finding reopening it
        (by a member who may verify it: not of its unit)."""
        before = dt.datetime.combine(visit.day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())
        candidates = list(Problem.objects.filter(campaign=self.campaign, status=ProblemStatus.CLOSED,
                                                 closed_at__lt=before)
                          .in_subtree(visit.org_path).select_related("organization")
                          .order_by("org_path", "registered_on", "description", "pk")[:40])
        rng.shuffle(candidates)
        for problem in candidates:
            user = next((u for u in work.members if owner_refusal(u, problem) is None), None)
            if user is None:
                continue
            excerpt = problem.description[:40] + ("……" if len(problem.description) > 40 else "")
            finding = services.finding_add(actor=user, visit=visit, organization=problem.organization,
                                           requirement=Requirement.RECTIFICATION,
                                           description=RELAPSE.format(excerpt=f"“{excerpt}”"))
            services.finding_reopen_problem(actor=user, finding=finding, problem=problem)
            self.counts["findings"] += 1
            self.counts["relapses"] += 1
            finding.refresh_from_db()
            return finding
        return None

    # -- the ladder --------------------------------------------------------------------------------------

    def take(self, rng: random.Random, step: "Step") -> tuple[Action, dt.date]:
        """Take one step on the ladder through the services (proposed by a group and decided by the office, or
        taken at once), record its result when one is given and its follow-up date has passed, then move it into
        campaign time (`_backdate`). Returns the action and its follow-up date."""
        decided_on = min(step.decided_on, self.today)
        if step.proposer is not None:
            action = services.action_propose(actor=step.proposer, organization=step.org, level=step.level,
                                             reason=step.reason, findings=step.findings, cadre=step.cadre)
            action = services.action_decide(actor=step.user, action=action, note=DECISION_NOTE,
                                            skip_reason=step.skip_reason)
        else:
            action = services.action_record(actor=step.user, organization=step.org, level=step.level,
                                            reason=step.reason, findings=step.findings, cadre=step.cadre,
                                            skip_reason=step.skip_reason)
        follow_up = decided_on + dt.timedelta(days=step.follow_up_days)
        result_on = None
        if step.result and follow_up + dt.timedelta(days=step.result_days) <= self.today:
            action = services.action_follow_up(actor=step.user, action=action, result=step.result)
            result_on = follow_up + dt.timedelta(days=step.result_days)
        values: dict[str, Any] = {"decided_on": decided_on, "follow_up_on": follow_up, "result_on": result_on}
        if step.proposer is not None or action.proposed_by_id is not None:
            proposed_on = decided_on - dt.timedelta(days=2 if step.proposer is not None else 0)
            values["proposed_at"] = dt.datetime.combine(max(proposed_on, self.since), dt.time(10, 0),
                                                        tzinfo=timezone.get_current_timezone())
        Action.objects.filter(pk=action.pk).update(**values)
        return action, follow_up

    def _what(self, findings: Sequence[Finding]) -> str:
        texts = [f"“{f.description[:24]}{'……' if len(f.description) > 24 else ''}”" for f in findings[:2]]
        return "、".join(texts)

    def _visit_label(self, item: Done) -> str:
        return f"{item.visit.day.month}月{item.visit.day.day}日{item.visit.method.name}"

    def _days(self, rng: random.Random, day: dt.date, low: int, high: int) -> dt.date:
        return day + dt.timedelta(days=rng.randint(low, high))

    def point_out(self, rng: random.Random, work: GroupWork, item: Done, *, fails: bool = False) -> dt.date:
        """指出促改 by the group after a visit. `fails`: the follow-up finds it not fixed (the unit escalates)."""
        if fails:
            result, follow_up_days = FAILED[Level.POINT_OUT], rng.randint(10, 14)
        else:
            result = rng.choice(RESULTS[Level.POINT_OUT]) if rng.random() < 0.65 else ""
            follow_up_days = rng.randint(14, 30)
        _, follow_up = self.take(rng, Step(
            user=work.actor, org=item.visit.organization, level=Level.POINT_OUT, findings=item.findings,
            reason=POINT_OUT.format(visit=self._visit_label(item), what=self._what(item.findings)),
            decided_on=self._days(rng, item.visit.day, 1, 3), follow_up_days=follow_up_days, result=result,
            result_days=0 if fails else rng.randint(0, 3)))
        return follow_up

    def ladder(self, works: list[GroupWork], office: User) -> None:
        """Each group points out (指出促改) what it found at a few units. One unit per group — the one visited
        most — does not fix it and is corrected (纠正) after the follow-up; at the first two such units that does
        not work either, and the office criticises them seriously (严肃批评: once on the group's proposal, once
        itself). Each step follows the one before it in time. Then the office recommends organisational handling
        (组织处理) of one leader, skipping the rungs with its written reason."""
        rng = random.Random(f"supervision/{self.seed}/ladder")
        escalated: set[int] = set()
        for work in works:
            units = work.by_unit()
            if not units:
                continue
            order = sorted(units, key=lambda pk: (-len(units[pk]), units[pk][0].visit.day, pk))
            items = units[order[0]]
            escalated.add(order[0])
            criticise = len(escalated) <= 2
            follow_up = self.point_out(rng, work, items[0], fails=True)
            later = items[1] if len(items) > 1 else None
            decided_on = self._days(rng, follow_up, 1, 3)
            if later is not None:
                decided_on = max(decided_on, later.visit.day + dt.timedelta(days=1))
                reason = CORRECT.format(visit=self._visit_label(later), what=self._what(later.findings))
            else:
                reason = CORRECT_AFTER_FOLLOW_UP.format(what=self._what(items[0].findings))
            _, follow_up = self.take(rng, Step(
                user=work.actor, org=items[0].visit.organization, level=Level.CORRECT,
                findings=(later or items[0]).findings, reason=reason, decided_on=decided_on,
                follow_up_days=rng.randint(10, 14),
                result=FAILED[Level.CORRECT] if criticise else rng.choice(RESULTS[Level.CORRECT])))
            if criticise:
                decided_on = min(self.today, self._days(rng, follow_up, 2, 5))
                findings = [f for item in items if item.visit.day < decided_on for f in item.findings]
                self.take(rng, Step(
                    user=office, org=items[0].visit.organization, level=Level.CRITICISE, findings=findings,
                    reason=CRITICISE.format(what=self._what(findings)),
                    proposer=work.actor if len(escalated) == 1 else None,
                    decided_on=decided_on, follow_up_days=rng.randint(14, 21),
                    result=rng.choice(RESULTS[Level.CRITICISE]), result_days=rng.randint(0, 3)))
            others = list(order[1:])
            rng.shuffle(others)
            for pk in others[:MAX_POINT_OUT]:
                self.point_out(rng, work, units[pk][0])
        self.discipline(rng, works, office, escalated)
        self.counts["actions"] = Action.objects.filter(campaign=self.campaign, status__in=IN_FORCE).count()

    def discipline(self, rng: random.Random, works: list[GroupWork], office: User, escalated: set[int]) -> None:
        """组织处理 of a leader of a unit a group visited (below the group's assigned unit where there is one): the
        group records what it found of the leader, into the ledger, and the office recommends organisational
        handling to the leading group, skipping the rungs with its reason."""
        target = self._discipline_target(works, escalated)
        if target is None:
            return
        work, item, cadre = target
        finding = services.finding_add(
            actor=work.actor, visit=item.visit, requirement=Requirement.RECTIFICATION, cadre=cadre,
            description=CADRE_FINDING.format(position=cadre.position, name=cadre.name))
        self.counts["findings"] += 1
        services.finding_raise_problem(actor=work.actor, finding=finding, category=Category.STYLE,
                                       severity=Severity.SERIOUS)
        self.counts["problems"] += 1
        item.findings.append(finding)
        self.take(rng, Step(
            user=office, org=item.visit.organization, cadre=cadre, level=Level.DISCIPLINE, findings=[finding],
            reason=DISCIPLINE.format(name=f"{cadre.position}{cadre.name}"), skip_reason=DISCIPLINE_SKIP,
            decided_on=self._days(rng, item.visit.day, 3, 6), follow_up_days=30))

    def _discipline_target(self, works: list[GroupWork],
                           escalated: set[int]) -> tuple[GroupWork, Done, Cadre] | None:
        """The latest done visit, from the third group on, to a unit with a leader: one below the group's assigned
        units and not escalated already where there is one."""
        start = min(2, len(works) - 1)
        fallback: tuple[GroupWork, Done, Cadre] | None = None
        for work in works[start:] + works[:start]:
            tops = {org.pk for org in selectors.group_units(work.group)}
            for item in sorted(work.done, key=lambda d: (-d.visit.day.toordinal(), d.visit.pk)):
                org = item.visit.organization
                cadre = Cadre.objects.filter(organization=org).order_by("-rank", "id").first()
                if cadre is None:
                    continue
                if org.pk not in tops and org.pk not in escalated:
                    return work, item, cadre
                fallback = fallback or (work, item, cadre)
        return fallback

    # -- letters -----------------------------------------------------------------------------------------

    def letters(self, works: list[GroupWork]) -> None:
        """A feedback letter issued by each of the first two groups, to the unit they escalated, and one draft to
        another unit."""
        rng = random.Random(f"supervision/{self.seed}/letters")
        drafts: list[tuple[GroupWork, int]] = []
        issued = 0
        for work in works:
            units = work.by_unit()
            if not units:
                continue
            order = sorted(units, key=lambda pk: (-len(units[pk]), units[pk][0].visit.day, pk))
            if issued < 2:
                letter = self.letter(rng, work, units[order[0]])
                services.letter_issue(actor=work.actor, letter=letter)
                issued += 1
                if len(order) > 1:
                    drafts.append((work, order[1]))
            else:
                drafts.append((work, order[0]))
        if drafts:
            work, pk = drafts[-1]
            self.letter(rng, work, work.by_unit()[pk])

    def letter(self, rng: random.Random, work: GroupWork, items: list[Done]) -> FeedbackLetter:
        org = items[0].visit.organization
        findings = [f for item in items for f in item.findings]
        actions = list(Action.objects.filter(campaign=self.campaign, status__in=IN_FORCE)
                       .in_subtree(org.path).order_by("decided_on", "pk"))
        self.counts["letters"] += 1
        return services.letter_create(actor=work.actor, group=work.group, organization=org, findings=findings,
                                      actions=actions,
                                      reply_due_on=self.today + dt.timedelta(days=rng.randint(20, 30)))

    # -- run ---------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        groups = list(LiaisonGroup.objects.filter(campaign=self.campaign, assignments__isnull=False).distinct()
                      .order_by("pk"))
        if not groups:
            return {}
        office = self.office()
        demo = demo_user(Capability.JOIN_LIAISON_GROUP)
        demo_group = next((g for g in groups if demo is not None and permissions.is_group_member(demo, g)), groups[0])
        works = [w for i, g in enumerate(groups) if (w := self.group(i, g, g == demo_group)) is not None]
        self.ladder(works, office)
        self.letters(works)
        self.counts["proposals"] = services.action_proposals_refresh(
            actor=self.system, campaign=self.campaign, today=self.today)
        if self.generated:
            User.objects.filter(pk__in=self.generated).update(is_active=False)
        return self.counts


def supervision_generate(*, actor: Actor, seed: int = 1) -> dict[str, int]:
    """Visits, findings, actions, letters and proposals of the current campaign's liaison groups (see the
    module's docstring), under `actor` (the command's system actor) in the audit log. Returns what it wrote by kind
    ({} when there is no current campaign, no group with units, or visits exist already: a second run does
    nothing)."""
    campaign = current_campaign()
    if campaign is None or Visit.objects.filter(campaign=campaign).exists():
        return {}
    with audit_context(user=actor), transaction.atomic():
        counts = Generator(campaign, seed, actor).run()
        if counts:
            record(AuditEntry.Action.IMPORT, object_type="supervision.gendata", object_id=str(campaign.pk),
                   object_repr=f"演示数据：{campaign}的督促指导记录"[:200], after={"seed": seed, **counts})
    return counts


def summary(counts: dict[str, int]) -> str:
    """The line `manage.py demo` prints."""
    return (f"已生成演示督促指导记录：指导活动{counts.get('visits', 0)}次、发现问题{counts.get('findings', 0)}条"
            f"（列入问题清单{counts.get('problems', 0)}个、反弹{counts.get('relapses', 0)}个）、"
            f"处置{counts.get('actions', 0)}项（另有待决定的处置建议{counts.get('proposals', 0)}项）、"
            f"反馈意见{counts.get('letters', 0)}份。")


__all__ = ["Generator", "summary", "supervision_generate"]
