"""Demo and scale problems of the ledger (`problems_generate`): the current campaign's participating units, each
with problems that read like real ledgers (organs: 精神不振、能力不足、作风不实; townships, villages and
communities: serving the masses), every source, a few special campaigns (专项整治), responsible leaders from the
unit's own cadres (or those of the nearest unit above it), rectification steps, and the whole history of each
problem: registered, in progress, claimed, closed — some closed late, a few relapsed and reopened, some extended,
some overdue — with its timeline (TransitionRecord), closures, extensions, evidence and, for problems raised by
the masses, what the masses said.

**The one documented exception to "only `problems.services` writes problems".** Building months of history
through the services would mean travelling in time row by row (the services take "now" from the clock and refuse
back-dating), and would take hours at province scale. So this generator writes the rows itself, in bulk (COPY on
PostgreSQL, one transaction of executemany on SQLite, explicit ids, sequences reset afterwards), and keeps every
rule the services keep, so the history looks exactly as if the services had written it:

- statuses follow `problems.choices.TRANSITIONS` step by step: the generator walks that table — the way to each
  status is found in it (ROUTES), each step takes its row's target status and is recorded as its row's side's (the
  owner's, or a verifier's), and a step the table does not allow fails — so a state cannot be added to the
  services alone (a status without its share in MIX, or on a way the generator cannot take, fails at import);
  the timeline records each step in order, with timestamps strictly increasing from registration, all in the past;
- a claimed or closed problem has all its steps done, each done step has evidence, and the claim has evidence;
- a closure is by a verifier who is not the owner, nor of the owner's unit, nor the claimant; it records the
  evidence manifest (ids, names, SHA-256) and whether it was on time; closed evidence is frozen;
- a relapse (反弹) reopens a closed problem visibly (REOPEN with a reason), keeps the old closure, and moves the
  due date; an approved extension moves the due date and counts in `extension_count`;
- `step_count`/`steps_done` are exact, `org_path` is the organisation's path, the responsible leader belongs to
  the unit or one above it, special campaigns belong to the current campaign;
- evidence rows point at a handful of small files written under MEDIA_ROOT (problems/gendata/) with their real
  SHA-256, so `evidence_intact` and closure checks hold.

Deterministic: every random choice comes from `random.Random` seeded with the seed and the organisation's code,
so the same registry and seed give the same problems — except the feedback tokens (secrets). Dates are relative
to today: the history fills the last WINDOW_DAYS days of the campaign up to yesterday (deadlines and "overdue"
are about today, so a demo run on any day shows a realistic spread, not a ledger that is all overdue).

A second run does nothing (problems exist for the current campaign). One audit entry records the load, as the
organisations' and the measures' generators do, by the command's system actor; the special campaigns are logged
one entry each (`record_many`).

    from demo.generators.problems import problems_generate
    problems_generate(actor=SystemActor("demo"), seed=1)  # the demo: about 10/3 problems per participating unit
    problems_generate(actor=SystemActor("gendata"), seed=1, count=1_000_000)  # manage.py gendata --scale province
"""

import datetime as dt
import hashlib
import itertools
import json
import random
import secrets
import struct
import zlib
from bisect import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.actors import Actor
from accounts.models import User
from accounts.permissions import Capability, role_for
from campaigns.models import Campaign, LiaisonAssignment
from campaigns.selectors import current_campaign, participating_orgs
from core.audit import audit_context, record, record_many
from core.models import AuditEntry
from demo.accounts import demo_user
from demo.generators.orgs import People
from measures.models import LifeMeetingItem
from orgs.choices import Gender, OrgKind, Sector, Tier
from orgs.models import Cadre, Organization
from problems.choices import (
    DEFAULT_DAYS,
    TRANSITIONS,
    Category,
    ExtensionStatus,
    ProblemAction,
    ProblemStatus,
    Rating,
    Severity,
    Source,
    Transition,
)
from problems.models import (
    Closure,
    Evidence,
    Extension,
    Problem,
    RectificationStep,
    Satisfaction,
    SpecialCampaign,
    TransitionRecord,
)
from problems.services import due_date

WINDOW_DAYS = 150  # about the length of a batch of the campaign (第二批: September to January)
DEMO_UNIT_PROBLEMS = 6  # at least this many for the demo unit account's own unit, in these states:
DEMO_STATES = (ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS, ProblemStatus.CLAIMED, ProblemStatus.CLOSED,
               ProblemStatus.IN_PROGRESS, ProblemStatus.CLOSED)
PER_ORG = 10 / 3  # problems per participating unit when no count is given (DESIGN §6: ~1,500 units, ~5,000)
BATCH = 20_000  # problems per flush
REBUILD_FROM = 200_000  # PostgreSQL: from this many problems, indexes and foreign keys are rebuilt after the load
# Beijing time (no daylight saving since 1991): a fixed offset makes instants cheap to build and to convert.
TZ = dt.timezone(dt.timedelta(hours=8))
UTC_SHIFT = dt.timedelta(hours=8)
SEVERITIES: list[str] = list(Severity.values)
SOURCES: list[str] = list(Source.values)
RATINGS: list[str] = list(Rating.values)

# --------------------------------------------------------------------------------------------------------
# Special campaigns (专项整治) of the current campaign: (key, name, description).

SPECIALS: tuple[tuple[str, str, str], ...] = (
    ("jf", "整治形式主义为基层减负", "精简文件会议，规范督查检查考核，整治“指尖上的形式主义”，为基层松绑减负。"),
    ("qz", "群众身边不正之风和腐败问题集中整治", "聚焦惠民富民政策落实、村级“三资”管理等群众身边的突出问题。"),
    ("xg", "“新官不理旧账”专项治理", "清理政府失信、拖欠企业账款和承诺不兑现等历史遗留问题。"),
    ("cy", "违规吃喝问题专项整治", "整治违规公务接待、工作日饮酒等违反中央八项规定精神的问题。"),
    ("tp", "整治“躺平式”干部", "整治不担当、不作为、慢作为，激励干部敢于担当、积极作为。"),
)

# Unit groups: O organs (机关、直属单位), I institutions (schools, hospitals), E enterprises (国有企业、非公),
# G the grassroots (乡镇、街道、村、社区), S social and other organisations.
GROUP_OF: dict[str, str] = {
    Sector.ORGAN: "O", Sector.AFFILIATED: "O", Sector.INSTITUTION: "I", Sector.STATE_ENTERPRISE: "E",
    Sector.NON_PUBLIC: "E", Sector.TOWNSHIP: "G", Sector.STREET: "G", Sector.VILLAGE: "G",
    Sector.COMMUNITY: "G", Sector.SOCIAL: "S", Sector.OTHER: "S",
}
CATEGORY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "O": ((Category.SPIRIT, 24), (Category.ABILITY, 24), (Category.STYLE, 30), (Category.INTEGRITY, 8),
          (Category.DEVELOPMENT, 10), (Category.SERVICE, 4)),
    "I": ((Category.SERVICE, 35), (Category.STYLE, 18), (Category.ABILITY, 18), (Category.SPIRIT, 10),
          (Category.INTEGRITY, 10), (Category.ORGANISATION, 9)),
    "E": ((Category.DEVELOPMENT, 30), (Category.ORGANISATION, 25), (Category.ABILITY, 20), (Category.STYLE, 10),
          (Category.INTEGRITY, 15)),
    "G": ((Category.SERVICE, 45), (Category.STYLE, 14), (Category.ORGANISATION, 13), (Category.INTEGRITY, 10),
          (Category.DEVELOPMENT, 10), (Category.SPIRIT, 5), (Category.ABILITY, 3)),
    "S": ((Category.ORGANISATION, 50), (Category.SERVICE, 25), (Category.ABILITY, 15), (Category.OTHER, 10)),
}

# (template, groups it fits, special campaign key or ""). Slots: {n} a small count, {pct} a percentage,
# {place} a place, {money} an amount in 万元. Institutions are I (both), H (hospitals) or X (schools).
T = tuple[str, str, str]
DESCRIPTIONS: dict[str, tuple[T, ...]] = {
    Category.SPIRIT: (
        ("部分干部存在“躺平”心态，满足于完成规定动作，遇到矛盾绕着走、碰到难题往上推", "OGI", "tp"),
        ("干事创业精气神不足，年度{n}项重点工作滞后于序时进度", "OIE", "tp"),
        ("个别干部在其位不谋其政，安于现状、不思进取，群众反映“门好进、脸好看，事难办”", "OG", "tp"),
        ("面对招商引资和项目建设硬任务缺乏攻坚克难的劲头，{n}个签约项目迟迟未落地", "O", ""),
        ("对信访矛盾存在“拖一拖、等一等”的思想，{n}件信访事项超期未办结", "OG", ""),
        ("理论学习满足于读文件、记笔记，学用脱节，以学促干成效不明显", "OIE", ""),
        ("年轻干部到基层一线、艰苦岗位锻炼的意愿不强", "OI", ""),
        ("村“两委”班子干事劲头不足，村集体经济连续{n}年没有增长", "G", "tp"),
        ("部分村干部“坐班等事”，主动入户走访、上门服务群众少", "G", ""),
    ),
    Category.ABILITY: (
        ("运用数字化手段服务群众的能力不足，“一网通办”事项网上办理率仅为{pct}%", "OG", ""),
        ("抓产业发展的本领不强，对新兴产业政策研究不深，谋划项目质量不高", "OE", ""),
        ("应急处置能力欠缺，防汛应急预案{n}年未修订，应急演练流于形式", "OGI", ""),
        ("依法行政能力不足，抽查的行政执法案卷中有{n}件存在程序瑕疵", "O", ""),
        ("统筹协调能力不足，跨部门事项推诿扯皮，群众办事多头跑", "O", ""),
        ("做群众工作的方法单一，化解矛盾纠纷的能力不足", "GS", ""),
        ("村干部年龄结构偏大、带富能力不强，{n}名村干部不会使用电脑办公", "G", ""),
        ("专业人才储备不足，{n}个关键岗位人员存在断档", "IE", ""),
        ("企业经营管理能力不足，应收账款居高不下，{money}万元账款逾期未收回", "E", ""),
        ("社会组织党组织书记缺乏党务工作经验，组织活动方法不多", "S", ""),
    ),
    Category.STYLE: (
        ("文山会海反弹回潮，上半年系统内印发文件{n}件，同比增长{pct}%", "O", "jf"),
        ("督查检查考核过多过频，上半年对乡镇开展各类检查{n}次，基层迎检负担重", "O", "jf"),
        ("工作群、政务APP过多，要求基层每日打卡、报送截图，“指尖上的形式主义”突出", "OG", "jf"),
        ("要求基层填报的表格多、重复报送多，同一数据被{n}个部门重复索要", "OG", "jf"),
        ("调查研究走马观花，满足于听汇报、看材料，深入一线“解剖麻雀”少", "OIE", ""),
        ("落实上级决策部署“上下一般粗”，照搬照转，结合实际抓落实不够", "O", ""),
        ("会风会纪不严，部分会议准备不充分、议而不决", "OIE", "jf"),
        ("惠企政策宣传解读不到位，{n}家企业反映不知晓申报渠道", "O", ""),
        ("村务公开不及时、不规范，公开栏已{n}个月未更新", "G", "qz"),
        ("便民服务中心工作人员脱岗离岗，群众办事“找不到人”", "G", ""),
        ("对群众诉求“一转了之”，12345热线工单回访满意率仅为{pct}%", "OG", ""),
    ),
    Category.SERVICE: (
        ("{place}路段路灯损坏{n}处，夜间出行存在安全隐患，群众多次反映", "G", ""),
        ("村内主干道年久失修，雨天积水泥泞，群众出行不便", "G", ""),
        ("{place}片区生活污水直排，夏季异味明显，群众反映强烈", "G", ""),
        ("老旧小区无物业管理，楼道杂物堆积、消防通道堵塞", "G", ""),
        ("留守老人就餐难，村内尚无老年助餐点", "G", ""),
        ("{n}户村民自来水水压不足、时常停水，饮水安全存在隐患", "G", ""),
        ("便民服务中心窗口少，高峰时段群众排队超过{n}分钟", "GO", ""),
        ("学校周边上下学时段交通拥堵，缺少接送车辆临时停靠点", "GX", ""),
        ("农村生活垃圾清运不及时，{n}处垃圾收集点长期满溢", "G", "qz"),
        ("群众反映医保报销手续繁琐，需往返县城{n}次才能办结", "GO", ""),
        ("门诊挂号排队时间长，预约诊疗覆盖率仅为{pct}%", "H", ""),
        ("学校课后服务内容单一，家长满意度不高", "X", ""),
        ("医院停车难，就医高峰时段周边道路拥堵", "H", ""),
        ("政务服务事项办理时限长，{n}项审批事项承诺时限压缩不到位", "O", ""),
        ("社区养老服务设施不足，日间照料中心长期闲置", "GS", ""),
    ),
    Category.INTEGRITY: (
        ("村级财务管理不规范，{n}笔支出票据不全、审批手续缺失", "G", "qz"),
        ("惠民惠农补贴发放不透明，群众反映存在“优亲厚友”现象", "G", "qz"),
        ("村集体资产资源发包程序不规范，{n}处集体土地承包合同未经村民代表会议表决", "G", "qz"),
        ("公务接待管理不严，存在超标准接待、陪餐人数超标问题", "OIE", "cy"),
        ("个别干部工作日中午饮酒，违反中央八项规定精神", "OG", "cy"),
        ("公务用车管理不规范，车辆使用登记不全", "OI", ""),
        ("工程项目招投标监管不严，{n}个项目存在先施工后招标问题", "OE", ""),
        ("物资采购比价不充分，{n}批次采购未履行集体决策程序", "EI", ""),
    ),
    Category.DEVELOPMENT: (
        ("前任签订的招商协议承诺事项未兑现，{n}家企业反映奖补资金未拨付", "O", "xg"),
        ("拖欠中小企业账款{money}万元，逾期未清偿", "OE", "xg"),
        ("重点项目建设进度滞后，{n}个重点项目未按期开工", "O", ""),
        ("营商环境不优，企业开办、项目审批环节多、时间长", "O", ""),
        ("村集体经济薄弱，年经营性收入不足{n}万元", "G", ""),
        ("特色产业同质化，产业链条短、附加值低", "GE", ""),
        ("国有资产盘活利用不充分，{n}处闲置房产长期未处置", "EO", ""),
        ("企业科技创新投入不足，研发投入占营业收入比重仅为{pct}%", "E", ""),
    ),
    Category.ORGANISATION: (
        ("“三会一课”制度落实不严格，支部委员会会议记录不完整", "GIES", ""),
        ("发展党员工作程序不规范，{n}名发展对象材料缺失", "GIES", ""),
        ("流动党员管理不到位，{n}名流动党员长期未参加组织生活", "GES", ""),
        ("党组织书记抓党建意识不强，党建与业务“两张皮”", "IES", ""),
        ("党员教育管理松散，{n}名党员未按时交纳党费", "GIES", ""),
        ("非公企业党组织作用发挥不明显，党建活动开展少", "ES", ""),
        ("软弱涣散村党组织整顿成效不明显，班子凝聚力不强", "G", ""),
    ),
    Category.OTHER: (
        ("档案管理不规范，{n}卷文书档案未按期归档", "S", ""),
        ("安全生产主体责任落实不到位，{n}处安全隐患未及时整改", "SE", ""),
    ),
}
CAUSES: dict[str, tuple[str, ...]] = {
    Category.SPIRIT: ("理想信念不够坚定，宗旨意识有所淡化，干事创业的内生动力不足。",
                      "激励约束机制不健全，干与不干、干好干坏区别不大。",
                      "对新时代新要求认识不深，存在求稳怕乱、多一事不如少一事的思想。"),
    Category.ABILITY: ("学习新知识、新技能不够主动，知识结构老化。",
                       "实践锻炼不足，应对复杂局面的经验欠缺。",
                       "培训针对性不强，干部队伍专业化水平不高。"),
    Category.STYLE: ("政绩观有偏差，重留痕轻实效，以形式主义的办法落实工作。",
                     "调查研究不深入，对基层实际情况掌握不准。",
                     "统筹不够，部门各自为战，把压力层层传导给基层。"),
    Category.SERVICE: ("以人民为中心的发展思想树得不牢，对群众急难愁盼问题重视不够。",
                       "历史欠账较多，资金投入和部门协调不足。",
                       "联系服务群众的机制不健全，群众诉求发现不及时、解决不彻底。"),
    Category.INTEGRITY: ("纪律规矩意识淡薄，对中央八项规定精神认识不到位。",
                         "制度执行不严，监督检查存在薄弱环节。",
                         "“三资”管理制度不健全，民主决策和公开程序落实不到位。"),
    Category.DEVELOPMENT: ("新发展理念树得不牢，谋发展的思路不宽、办法不多。",
                           "契约精神不强，新官不理旧账，政府诚信意识有待提高。",
                           "要素保障不足，推进机制不健全。"),
    Category.ORGANISATION: ("党组织书记抓党建第一责任人职责落实不到位。",
                            "党内政治生活不够严肃认真，制度执行打折扣。",
                            "党员教育管理方式陈旧，针对性和实效性不强。"),
    Category.OTHER: ("日常管理制度不健全，责任落实不到位。",),
}
STEPS: dict[str, tuple[str, ...]] = {
    Category.SPIRIT: ("召开专题组织生活会，开展批评和自我批评", "建立重点工作清单和进度台账，实行周调度、月通报",
                      "对履职不力的干部开展提醒谈话", "完善干部考核评价办法，鲜明树立重实干重实绩导向",
                      "组织干部到先进地区学习考察，对标找差"),
    Category.ABILITY: ("制定专题培训计划，分批开展业务能力培训", "选派干部到基层一线和重点项目跟班锻炼",
                       "修订完善应急预案并组织实战演练", "建立“导师帮带”制度，以老带新",
                       "编印政策汇编和操作手册，组织全员学习测试"),
    Category.STYLE: ("全面清理精简文件会议和工作群", "制定督查检查考核计划，统筹合并检查事项",
                     "建立基层报表准入制度，同一数据只报一次", "领导班子成员带头到基层蹲点调研",
                     "建立群众诉求办理回访机制"),
    Category.SERVICE: ("现场踏勘，制定整改方案并明确完成时限", "争取专项资金，组织施工整改",
                       "召开群众代表座谈会，听取意见建议", "建立长效管护机制，明确责任人",
                       "整改完成后逐户回访，听取群众评价"),
    Category.INTEGRITY: ("开展专项清查，逐笔核实相关账目", "对相关责任人进行批评教育，情节严重的移交纪检监察机关",
                         "修订完善财务管理和公务接待制度", "严格落实“四议两公开”，全面公开“三资”情况",
                         "开展警示教育，组织学习典型案例"),
    Category.DEVELOPMENT: ("逐项梳理历史遗留问题，建立清单台账", "制定还款计划，分批清偿拖欠账款",
                           "建立重点项目领导包联制度", "优化审批流程，压缩办理时限",
                           "引进市场主体，盘活闲置资产"),
    Category.ORGANISATION: ("对照制度逐项整改，补齐会议记录", "组织党务工作者专题培训",
                            "开展党员组织关系排查，建立流动党员联系台账", "制定党建工作责任清单，纳入年度考核",
                            "选优配强党组织书记"),
    Category.OTHER: ("建立健全管理制度，明确责任分工", "开展专项排查，逐项整改销号"),
}
PLACES = ("东环路", "西大街", "南关", "北环路", "文化路", "建设路", "人民路", "幸福路", "学府路", "解放路",
          "新华街", "和平路", "中心街", "车站路")
DONE_NOTES = ("已按计划完成。", "已完成，群众反映良好。", "已完成并建立长效机制。", "已完成，相关材料已归档。")
CLOSE_NOTES = ("经现场核查，整改措施已落实，佐证材料齐全，同意销号。", "经对账核实，问题已整改到位，同意销号。",
               "实地查看并回访群众，整改到位，同意销号。")
RETURN_NOTES = ("佐证材料不足以证明整改到位，请补充现场照片和群众回访记录。",
                "整改措施落实不彻底，请继续整改后再申请销号。")
EXTENSION_WITHDRAWN = "已申请销号，延期申请自动撤回"
RELAPSE_STEP = "针对反弹问题制定巩固措施，建立常态化巡查机制"
REOPEN_NOTES = ("回访发现问题反弹，重新打开，请继续整改。", "群众再次反映同一问题，经核实问题反弹，重新打开。")
EXTENSION_REASONS = ("涉及资金拨付，需履行审批程序，申请延期。", "受天气影响施工进度，申请延期。",
                     "需多部门协调解决，申请延期。")
REJECT_NOTES = ("延期理由不充分，请按原时限完成。",)
FEEDBACK: dict[str, tuple[str, ...]] = {
    Rating.SATISFIED: ("问题解决了，感谢！", "整改很及时，满意。", ""),
    Rating.BASIC: ("基本解决了，希望长期保持。", "有改善，还可以更好。"),
    Rating.UNSATISFIED: ("问题没有彻底解决，还有反复。", "整改不到位，希望再来看看。"),
}
FEEDBACK_ANSWER = "已收到您的意见，已安排人员现场核实并跟进整改，感谢监督。"
MONEY = (35, 48, 86, 120, 260, 530, 1280)


def _tables() -> tuple[dict[str, tuple[list[str], list[int]]], dict[tuple[str, str], list[tuple[str, str]]]]:
    """Per unit group: the categories with cumulative weights, and per (group, category) the templates that fit
    (those of another group when none does)."""
    categories: dict[str, tuple[list[str], list[int]]] = {}
    templates: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for group in "OHXEGS":
        weights = CATEGORY_WEIGHTS["I" if group in "HX" else group]
        cum, total = [], 0
        for _, w in weights:
            total += w
            cum.append(total)
        categories[group] = ([str(c) for c, _ in weights], cum)
        for category in Category.values:
            fits = [(text, special) for text, groups, special in DESCRIPTIONS[category]
                    if group in groups or (group in "HX" and "I" in groups)]
            templates[group, category] = fits or [(text, special) for text, _, special in DESCRIPTIONS[category]]
    return categories, templates


CATEGORY_TABLE, TEMPLATE_TABLE = _tables()

# Plain strings and precomputed durations for the hot loop.
REGISTERED, IN_PROGRESS, CLAIMED, CLOSED = (str(s) for s in (ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS,
                                                             ProblemStatus.CLAIMED, ProblemStatus.CLOSED))
REGISTER, START, CLAIM, CLOSE, RETURN, REOPEN = (str(a) for a in (ProblemAction.REGISTER, ProblemAction.START,
                                                                  ProblemAction.CLAIM, ProblemAction.CLOSE,
                                                                  ProblemAction.RETURN, ProblemAction.REOPEN))
REQUEST_EXTENSION, APPROVE_EXTENSION, REJECT_EXTENSION = (
    str(ProblemAction.REQUEST_EXTENSION), str(ProblemAction.APPROVE_EXTENSION), str(ProblemAction.REJECT_EXTENSION))
PENDING, APPROVED, REJECTED = (str(ExtensionStatus.PENDING), str(ExtensionStatus.APPROVED),
                               str(ExtensionStatus.REJECTED))
ORDINARY, SERIOUS, GRAVE = str(Severity.ORDINARY), str(Severity.SERIOUS), str(Severity.GRAVE)
STYLE, SERVICE = str(Category.STYLE), str(Category.SERVICE)
MASSES, VISIT = str(Source.MASSES), str(Source.VISIT)

# --------------------------------------------------------------------------------------------------------
# The lifecycle, read from problems.choices.TRANSITIONS.

# Where the generated problems stand, in per cent of each status of the lifecycle, by how far a problem is from
# registration to its due date: just registered, the same for a 立查立改 problem (claimed sooner), on its way, past
# its due date. Every status has its row: one added to problems.choices alone fails here.
MIX: dict[str, tuple[int, int, int, int]] = {
    ProblemStatus.REGISTERED: (55, 42, 6, 2),
    ProblemStatus.IN_PROGRESS: (38, 29, 50, 16),
    ProblemStatus.CLAIMED: (7, 29, 16, 8),
    ProblemStatus.CLOSED: (0, 0, 28, 74),
}
# The steps `Generator.problem` takes on a way to a status: the first out of registration, then those it takes by
# a last day (a claim, a closure).
STARTS, ENDS = (START,), (CLAIM, CLOSE)


def check_mix(mix: Mapping[str, tuple[int, ...]], statuses: Sequence[str]) -> None:
    if set(mix) != set(statuses) or any(sum(col) != 100 for col in zip(*mix.values(), strict=True)):
        raise LookupError(f"the ledger's generator has no share of {sorted(set(statuses) - set(mix))} (MIX: one row "
                          "per status of the lifecycle, each column 100 per cent)")


def routes(transitions: Sequence[Transition], statuses: Sequence[str], *, fix_now: bool) -> dict[str, tuple[str, ...]]:
    """The shortest way from registration to each status through `transitions` (the actions taken in turn), rows
    in the table's order; `fix_now`: with the rows of 立查立改 problems. Fails for a status no row leads to, or a
    way `Generator.problem` cannot take."""
    found: dict[str, tuple[str, ...]] = {REGISTERED: ()}
    queue = [REGISTERED]
    while queue:
        status = queue.pop(0)
        for row in transitions:
            if (row.target is not None and status in row.sources and row.target not in found
                    and (fix_now or not row.fix_now_only)):
                found[str(row.target)] = (*found[status], str(row.action))
                queue.append(str(row.target))
    if set(found) != set(statuses):
        raise LookupError(f"statuses no row of TRANSITIONS leads to: {sorted(set(statuses) - set(found))}")
    for way in found.values():
        if any(action not in ENDS for action in way[1 if way[:1] == STARTS else 0:]):
            raise LookupError(f"the ledger's generator cannot take the way {way} to a status of problems.choices")
    return found


STATES: tuple[str, ...] = tuple(str(s) for s in ProblemStatus.values)
check_mix(MIX, STATES)
# The cumulative per cent of STATES, for bisect.
EARLY, EARLY_FIX_NOW, DUE_LATER, DUE_PASSED = (
    tuple(itertools.accumulate(MIX[s][col] for s in STATES)) for col in range(4))
ROUTES = routes(TRANSITIONS, STATES, fix_now=False)
FIX_NOW_ROUTES = routes(TRANSITIONS, STATES, fix_now=True)
# (action, from status, fix_now) → (the status it leads to, None: it stays; taken by a verifier, not the owner).
STEP: dict[tuple[str, str, bool], tuple[str | None, bool]] = {
    (str(row.action), str(source), fix_now): (None if row.target is None else str(row.target), row.verifier)
    for row in TRANSITIONS for source in row.sources for fix_now in (False, True) if fix_now or not row.fix_now_only
}
# Where a problem may stay with an extension asked for (the statuses REQUEST_EXTENSION leaves from).
EXTENDABLE = frozenset(str(s) for row in TRANSITIONS if row.action == REQUEST_EXTENSION for s in row.sources)
STEP_COUNTS = (15, 55, 85)  # cumulative per cent of 1, 2, 3 (else 4) rectification steps
SPANS = (15, 30, 30, 45, 60, 60, 90)  # days to the deadline a unit sets itself
EXTENSION_DAYS = (15, 30, 45)
ONE_DAY = dt.timedelta(days=1)
DAYS = [dt.timedelta(days=n) for n in range(WINDOW_DAYS + 400)]
MINUTES = [dt.timedelta(minutes=n) for n in range(22)]

# --------------------------------------------------------------------------------------------------------
# Evidence files: a handful of small deterministic files under MEDIA_ROOT/problems/gendata/.

EVIDENCE_DIR = "problems/gendata/"


def _png(rgb: tuple[int, int, int], size: int = 16) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _pdf(text: str) -> bytes:
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@dataclass(frozen=True)
class EvidenceFile:
    name: str  # stored name under MEDIA_ROOT
    filename: str  # what people see
    note: str
    content: bytes
    sha256: str = ""
    json_tail: str = ""  # the closure manifest's entry after its id

    @property
    def size(self) -> int:
        return len(self.content)

    def manifest(self, evidence_id: int) -> str:
        """This file's entry in a closure's evidence list (Closure.evidence: id, filename, sha256, size), as
        JSON."""
        return f'{{"id": {evidence_id}, {self.json_tail}'


def _file(name: str, filename: str, note: str, content: bytes) -> EvidenceFile:
    sha = hashlib.sha256(content).hexdigest()
    tail = json.dumps({"filename": filename, "sha256": sha, "size": len(content)}, ensure_ascii=False)[1:]
    return EvidenceFile(EVIDENCE_DIR + name, filename, note, content, sha, tail)


FILES: dict[str, EvidenceFile] = {
    "before": _file("before.png", "整改前现场照片.png", "整改前", _png((170, 60, 50))),
    "after": _file("after.png", "整改后现场照片.png", "整改后", _png((60, 150, 80))),
    "report": _file("report.pdf", "整改情况报告.pdf", "整改情况报告", _pdf("Rectification report (demo)")),
    "minutes": _file("minutes.pdf", "专题会议纪要.pdf", "会议纪要", _pdf("Meeting minutes (demo)")),
    "rules": _file("rules.pdf", "制度文件.pdf", "新建立的制度", _pdf("Rules adopted (demo)")),
    "visit": _file("visit.pdf", "群众回访记录.pdf", "回访记录", _pdf("Follow-up visits (demo)")),
}
STEP_FILES = tuple(FILES[k] for k in ("after", "minutes", "rules", "before"))
VISIT_FILE, REPORT_FILE = FILES["visit"], FILES["report"]


def write_evidence_files() -> None:
    """Put the evidence files under MEDIA_ROOT (again when missing or changed)."""
    for f in FILES.values():
        if default_storage.exists(f.name):
            with default_storage.open(f.name, "rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() == f.sha256:
                    continue
            default_storage.delete(f.name)
        saved = default_storage.save(f.name, ContentFile(f.content))
        assert saved == f.name, f"evidence file stored as {saved}"


# --------------------------------------------------------------------------------------------------------
# Bulk rows: explicit ids, COPY on PostgreSQL, executemany on SQLite.


class Table:
    """Rows of one model, in the column order `names`, flushed in bulk."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        qn = connection.ops.quote_name
        self.model = model
        self.columns: list[str] = []
        for name in names:
            f = model._meta.get_field(name)
            assert isinstance(f, models.Field) and f.column, name
            self.columns.append(f.column)
        self.table = qn(model._meta.db_table)
        cols = ", ".join(qn(c) for c in self.columns)
        self.copy_sql = f"COPY {self.table} ({cols}) FROM STDIN"
        self.insert_sql = f"INSERT INTO {self.table} ({cols}) VALUES ({', '.join(['%s'] * len(self.columns))})"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({qn('id')}) FROM {self.table}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def new_id(self) -> int:
        n = self.next_id
        self.next_id += 1
        return n

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


# --------------------------------------------------------------------------------------------------------
# The plan of one organisation's problems.


@dataclass
class Unit:
    id: int
    path: str
    code: str
    name: str
    unit_name: str
    sector: str
    tier: str
    kind: str
    cadres: list[tuple[int, str]]  # (id, name): the unit's or the nearest unit above it, highest rank first
    verifiers: list[tuple[int | None, str]]  # (user id, name) of who verifies this unit's problems
    group: str = "S"  # GROUP_OF, with institutions told apart: H hospitals, X schools
    responsible: str = ""  # 责任单位: the unit's name
    contact: str = ""  # the unit's contact (联络员), who registers and claims
    owner_user: User | None = None  # a demo account of this unit
    verifier_user: User | None = None  # a demo account that verifies this unit's problems
    meeting_items: list[tuple[int, str, dt.date]] = field(default_factory=list)  # (id, text, held_on)


def _group(sector: str, name: str) -> str:
    group = GROUP_OF.get(sector, "S")
    if group == "I":
        return "H" if any(word in name for word in ("医院", "卫生院", "疾病预防", "妇幼")) else "X"
    return group


def _weight(unit: Unit) -> float:
    """How many problems a unit has, relatively: leading bodies and townships more, small branches fewer."""
    if "离退休" in unit.name:
        return 0.3
    if unit.tier in (Tier.CITY, Tier.COUNTY) and unit.kind == OrgKind.COMMITTEE and unit.sector == Sector.ORGAN:
        return 8.0
    if unit.kind in (OrgKind.PARTY_GROUP, OrgKind.WORKING_COMMITTEE) or (
            unit.kind == OrgKind.COMMITTEE and unit.sector in (Sector.TOWNSHIP, Sector.STREET)):
        return 6.0
    if unit.sector in (Sector.VILLAGE, Sector.COMMUNITY):
        return 3.5
    if unit.kind == OrgKind.COMMITTEE:
        return 3.0 if unit.sector not in (Sector.NON_PUBLIC, Sector.SOCIAL) else 1.0
    if unit.kind == OrgKind.GENERAL_BRANCH:
        return 2.0
    if unit.sector in (Sector.ORGAN, Sector.AFFILIATED, Sector.INSTITUTION, Sector.STATE_ENTERPRISE):
        return 1.5
    return 0.8


def _allocate(weights: list[float], count: int) -> list[int]:
    """Split `count` in proportion to `weights` (largest remainders; ties by position): deterministic."""
    total = sum(weights)
    if total <= 0 or count <= 0:
        return [0] * len(weights)
    shares = [w * count / total for w in weights]
    counts = [int(s) for s in shares]
    rest = count - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _instant(r: Callable[[], float], day: dt.date, after: dt.datetime | None) -> dt.datetime:
    """An instant on `day` in working hours (08:30 to 17:30, Beijing time), but after `after` (by a few
    minutes) when that is later: the instants of one history strictly increase."""
    seconds = 30600 + int(r() * 32400)
    moment = dt.datetime(day.year, day.month, day.day, seconds // 3600, seconds // 60 % 60, seconds % 60, tzinfo=TZ)
    if after is not None and moment <= after:
        moment = after + MINUTES[1 + int(r() * 20)]
    return moment


def _day(r: Callable[[], float], low: dt.date, high: dt.date) -> dt.date:
    """A day in [low, high] (low when the range is empty)."""
    if high <= low:
        return low
    return low + DAYS[int(r() * ((high - low).days + 1))]


def _fill(template: str, rng: random.Random) -> str:
    if "{" not in template:
        return template
    r = rng.random
    return template.format(n=2 + int(r() * 11), pct=8 + int(r() * 58), place=PLACES[int(r() * len(PLACES))],
                           money=MONEY[int(r() * len(MONEY))])


class Generator:
    def __init__(self, campaign: Campaign, seed: int, today: dt.date) -> None:
        self.campaign = campaign
        self.seed = seed
        self.until = today - dt.timedelta(days=1)  # history ends yesterday: everything is in the past
        if campaign.ends_on is not None:
            self.until = min(self.until, campaign.ends_on)
        self.since = max(campaign.starts_on, self.until - dt.timedelta(days=WINDOW_DAYS))
        self.now = timezone.now()
        pg = connection.vendor == "postgresql"
        self.d: Callable[[dt.date | None], Any] = (lambda v: v) if pg else (lambda v: v and v.isoformat())
        # SQLite stores datetimes as naive UTC text (what Django's adapt_datetimefield_value writes).
        self.t: Callable[[dt.datetime | None], Any] = (
            (lambda v: v) if pg else (lambda v: v and (v.replace(tzinfo=None) - UTC_SHIFT).isoformat(" ")))
        self.specials: dict[str, int] = {}
        self.liaison_paths: list[str] = []
        self.names = People([])
        self.problems = Table(Problem, (
            "id", "created_at", "updated_at", "campaign", "organization", "org_path", "description", "source",
            "category", "special_campaign", "event_ref", "case_ref", "petition_ref", "life_meeting_item", "cause",
            "responsible_cadre", "responsible_unit", "severity", "fix_now", "deadline", "due_on", "status",
            "registered_on", "created_by", "claimed_at", "claimed_by", "closed_at", "closed_by", "closed_on_time",
            "relapsed", "relapse_count", "extension_count", "step_count", "steps_done", "version",
            "feedback_token"))
        self.steps = Table(RectificationStep, (
            "id", "created_at", "updated_at", "problem", "measure", "owner", "deadline", "done_on", "done_note"))
        self.evidence = Table(Evidence, (
            "id", "created_at", "updated_at", "problem", "step", "file", "filename", "size", "sha256", "note",
            "uploaded_by", "frozen"))
        self.timeline = Table(TransitionRecord, (
            "id", "problem", "action", "from_status", "to_status", "actor", "actor_name", "at", "note", "data"))
        self.closures = Table(Closure, (
            "id", "created_at", "updated_at", "problem", "closed_by", "closed_by_name", "closed_at", "note",
            "feedback_override", "evidence", "on_time"))
        self.extensions = Table(Extension, (
            "id", "created_at", "updated_at", "problem", "requested_by", "requested_at", "reason", "old_due_on",
            "new_due_on", "status", "decided_by", "decided_at", "decision_note"))
        self.satisfactions = Table(Satisfaction, (
            "id", "created_at", "updated_at", "problem", "rating", "comment", "at", "source_hash", "answer",
            "answered_by", "answered_at"))
        self.tables = (self.problems, self.steps, self.evidence, self.timeline, self.closures, self.extensions,
                       self.satisfactions)
        self.counts: dict[str, int] = {s: 0 for s in ProblemStatus.values}
        self.counts.update(overdue=0, relapsed=0, extended=0, closed_late=0)

    # -- setup -------------------------------------------------------------------------------------------

    def ensure_specials(self) -> None:
        existing = dict(SpecialCampaign.objects.filter(campaign=self.campaign).values_list("name", "id"))
        new = [SpecialCampaign(campaign=self.campaign, name=name, description=text)
               for _, name, text in SPECIALS if name not in existing]
        if new:
            SpecialCampaign.objects.bulk_create(new)
            existing = dict(SpecialCampaign.objects.filter(campaign=self.campaign).values_list("name", "id"))
            created = SpecialCampaign.objects.filter(name__in=[s.name for s in new], campaign=self.campaign)
            record_many(AuditEntry.Action.CREATE, SpecialCampaign,
                        ((s.pk, s.name, None, {"campaign_id": s.campaign_id, "name": s.name}) for s in created))
        self.specials = {key: existing[name] for key, name, _ in SPECIALS if name in existing}

    def units(self) -> list[Unit]:
        rows = list(participating_orgs(self.campaign).order_by("path").values_list(
            "id", "path", "code", "name", "unit_name", "sector", "tier", "kind"))
        by_path = {r[1]: r[0] for r in rows}
        ids = set(by_path.values())
        cadres: dict[int, list[tuple[int, str]]] = {}
        for cadre_id, org_id, name in Cadre.objects.order_by("organization_id", "-rank", "id").values_list(
                "id", "organization_id", "name").iterator(chunk_size=20_000):
            if org_id in ids:
                cadres.setdefault(org_id, []).append((cadre_id, name))
        groups = dict(LiaisonAssignment.objects.filter(campaign=self.campaign).values_list(
            "organization__path", "group__name"))
        root = Organization.objects.filter(depth=1).order_by("path").values_list("id", flat=True).first()
        office_names = self._verifiers("office", 4, role_for(Capability.CITY_OFFICE), root)
        group_names = {path: self._verifiers(f"group/{name}", 3, role_for(Capability.JOIN_LIAISON_GROUP),
                                             by_path.get(path, root))
                       for path, name in groups.items()}
        owner, verifier = self._demo_users()
        meeting_items = self._meeting_items()
        units: list[Unit] = []
        steplen = Organization.steplen
        for org_id, path, code, name, unit_name, sector, tier, kind in rows:
            own: list[tuple[int, str]] = []
            verifiers, verifiers_org = office_names, root
            for end in range(len(path), 0, -steplen):
                prefix = path[:end]
                if not own and by_path.get(prefix) in cadres:
                    own = cadres[by_path[prefix]]
                if prefix in group_names:
                    verifiers, verifiers_org = group_names[prefix], by_path.get(prefix, root)
                    break
            if verifiers_org == org_id:  # never a verifier of the owner's own unit: the office's, else a name only
                verifiers = (office_names if root != org_id
                             else [(None, verifier_name) for _, verifier_name in verifiers])
            rng = random.Random(f"{self.seed}/contact/{code}")
            unit = Unit(org_id, path, code, name, unit_name, sector, tier, kind, own, verifiers,
                        contact=self.names.name(rng, Gender.MALE if rng.random() < 0.6 else Gender.FEMALE),
                        group=_group(sector, name), responsible=(unit_name or name)[:100],
                        meeting_items=meeting_items.get(org_id, []))
            if owner is not None and owner.organization_id == org_id:
                unit.owner_user, unit.contact = owner, str(owner)
            if (verifier is not None and verifier.organization_id != org_id
                    and any(path.startswith(p) for p in self.liaison_paths)):
                unit.verifier_user = verifier
            units.append(unit)
        return units

    def _names(self, key: str, n: int) -> list[str]:
        rng = random.Random(f"{self.seed}/verifiers/{key}")
        return [self.names.name(rng, Gender.MALE if rng.random() < 0.6 else Gender.FEMALE) for _ in range(n)]

    def _verifiers(self, key: str, n: int, role: str, org_id: int | None) -> list[tuple[int | None, str]]:
        """(user id, name) of the `n` people who verify for `key` (the office, a liaison group): generated
        accounts (inactive: nobody logs in as them), made once per seed and key, so that a closure names its
        verifier as the services record one — `Problem.closed_by` and `Closure.closed_by` — not only by name."""
        names = self._names(key, n)
        if org_id is None:
            return [(None, name) for name in names]
        digest = hashlib.sha1(f"{self.seed}/{key}".encode()).hexdigest()[:12]
        usernames = [f"gd-verifier-{digest}-{i}" for i in range(n)]
        existing = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
        new = [User(username=u, first_name=name, role=role, organization_id=org_id, is_active=False,
                    password="!")  # an unusable password
               for u, name in zip(usernames, names, strict=True) if u not in existing]
        if new:
            User.objects.bulk_create(new)
            existing = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
        return [(existing[u], name) for u, name in zip(usernames, names, strict=True)]

    def _demo_users(self) -> tuple[User | None, User | None]:
        """The demo accounts of the unit and the liaison (when they exist; the liaison only when in a group with
        units): the unit contact owns its unit's problems, the liaison verifies those of its group's units, so both
        have something to do in the demo."""
        owner = demo_user(Capability.ANSWER_FOR_UNIT)
        liaison = demo_user(Capability.JOIN_LIAISON_GROUP)
        if liaison is not None:
            self.liaison_paths = list(LiaisonAssignment.objects.filter(
                campaign=self.campaign, group__memberships__user=liaison).values_list("organization__path",
                                                                                      flat=True))
            if not self.liaison_paths:
                liaison = None
        return owner, liaison

    def _meeting_items(self) -> dict[int, list[tuple[int, str, dt.date]]]:
        """Criticism and self-criticism items of this campaign's life meetings: some become problems."""
        items: dict[int, list[tuple[int, str, dt.date]]] = {}
        for item_id, org_id, text, held_on in (LifeMeetingItem.objects.filter(
                meeting__campaign=self.campaign, meeting__held_on__lt=self.until).order_by("id").values_list(
                "id", "meeting__organization_id", "text", "meeting__held_on")):
            items.setdefault(org_id, []).append((item_id, text, held_on))
        return items

    # -- one problem -------------------------------------------------------------------------------------

    def problem(self, unit: Unit, rng: random.Random, state: str = "") -> None:
        """One problem of `unit` and its whole history (the hot loop at province scale: plain arithmetic on
        `rng.random()` rather than randint/choice)."""
        r = rng.random
        group = unit.group
        cats, cum = CATEGORY_TABLE[group]
        category = cats[bisect(cum, r() * cum[-1])]
        options = TEMPLATE_TABLE[group, category]
        template, special_key = options[int(r() * len(options))]
        description = _fill(template, rng)
        special_id = self.specials.get(special_key) if special_key and r() < 0.85 else None
        item_id = None
        earliest = self.since
        if unit.meeting_items and r() < 0.25:
            item_id, text, held_on = unit.meeting_items.pop(0)
            description, category, special_id = f"{text}（专题民主生活会上提出）", STYLE, None
            earliest = max(earliest, held_on + ONE_DAY)
        source = self._source(rng, category, item_id)
        fix_now = (category == SERVICE and r() < 0.25) or r() < 0.05
        roll = r()
        severity = ORDINARY if roll < 0.72 else SERIOUS if roll < 0.95 else GRAVE
        until = self.until
        ends_on = self.campaign.ends_on
        reg = _day(r, earliest, until)
        deadline: dt.date | None = None
        if not fix_now and r() < 0.7:
            deadline = reg + DAYS[SPANS[int(r() * len(SPANS))]]
            if ends_on is not None:
                deadline = max(reg, min(deadline, ends_on))
        due = due_date(registered_on=reg, deadline=deadline, severity=severity, fix_now=fix_now,
                       campaign=self.campaign)
        span = max(1, (due - reg).days)
        ratio = (until - reg).days / span
        if state:
            pass  # chosen by the caller (the demo unit's own problems: one of each)
        elif ratio < 0.15:
            state = STATES[bisect(EARLY_FIX_NOW if fix_now else EARLY, r() * 100)]
        elif ratio < 1:
            state = STATES[bisect(DUE_LATER, r() * 100)]
        else:
            state = STATES[bisect(DUE_PASSED, r() * 100)]

        pid = self.problems.new_id()
        owner, verifier = unit.owner_user, unit.verifier_user
        owner_id = owner.pk if owner else None
        owner_name = unit.contact
        verifier_id, verifier_name = ((verifier.pk, str(verifier)) if verifier
                                      else unit.verifiers[int(r() * len(unit.verifiers))])
        cadres = unit.cadres
        cadre = (cadres[0] if r() < 0.6 else cadres[int(r() * len(cadres))]) if cadres else None
        responsible = cadre[1] if cadre else owner_name
        t, d = self.t, self.d
        timeline = self.timeline
        status = REGISTERED
        version = 1
        last_at: dt.datetime = _instant(r, reg, None)
        t_reg = last_at

        def at_on(day: dt.date) -> dt.datetime:
            """The next instant of the history: on `day` in working hours (never after `until`), and after
            the previous one."""
            nonlocal last_at
            moment = _instant(r, min(day, until), last_at)
            last_at = moment
            return moment

        def act(action: str, moment: dt.datetime, note: str = "", data: str = "{}") -> None:
            """Take `action` as its row of TRANSITIONS says: to the row's status, by the row's side."""
            nonlocal status, version
            before = status
            to, by_verifier = STEP[action, status, fix_now]
            if to is not None:
                status = to
            version += 1
            timeline.add((timeline.new_id(), pid, action, before, status, verifier_id if by_verifier else owner_id,
                          verifier_name if by_verifier else owner_name, t(moment), note, data))

        # A liaison group registers what it found (督导发现); the unit registers everything else.
        registrant_id, registrant_name = ((verifier.pk if verifier else None, verifier_name) if source == VISIT
                                          else (owner_id, owner_name))
        timeline.add((timeline.new_id(), pid, REGISTER, "", REGISTERED, registrant_id, registrant_name, t(t_reg),
                      "", "{}"))
        # Steps, with deadlines inside (registration, due date].
        n_steps = 1 if fix_now else 1 + bisect(STEP_COUNTS, r() * 100)
        measures = rng.sample(STEPS[category], min(n_steps, len(STEPS[category])))
        step_rows: list[list[Any]] = []
        for k, measure in enumerate(measures):
            step_rows.append([self.steps.new_id(), t_reg, t_reg, measure, responsible if k == 0 else owner_name,
                              reg + DAYS[max(1, span * (k + 1) // len(measures))], None, ""])
        evidence: list[list[Any]] = []  # [id, at, step id, file, frozen]
        extensions: list[list[Any]] = []  # Extension rows, in column order
        pending: list[list[Any]] = []  # the pending one among them
        claimed_at: dt.datetime | None = None
        closed_at: dt.datetime | None = None
        closed_on_time: bool | None = None
        relapses = extensions_count = 0

        def do_steps(until_day: dt.date, done: int) -> None:
            nonlocal version
            for k, row in enumerate(step_rows[:done]):
                if row[6] is None:
                    moment = at_on(_day(r, last_at.date(), until_day))
                    evidence.append([self.evidence.new_id(), moment, row[0], STEP_FILES[k % len(STEP_FILES)], False])
                    row[2], row[6], row[7] = moment, moment.date(), DONE_NOTES[int(r() * len(DONE_NOTES))]
                    version += 1

        def claim(day: dt.date) -> None:
            nonlocal claimed_at
            do_steps(day, len(step_rows))
            moment = at_on(max(day, last_at.date()))
            if r() < 0.4 or not evidence:
                evidence.append([self.evidence.new_id(), moment, None, VISIT_FILE if source == MASSES else REPORT_FILE,
                                 False])
            claimed_at = moment
            act(CLAIM, moment)
            if pending:  # a pending extension request lapses when the problem is claimed (as the service does)
                row = pending.pop()
                row[2], row[9], row[11], row[12] = t(moment), REJECTED, t(moment), EXTENSION_WITHDRAWN

        def close(day: dt.date) -> None:
            nonlocal closed_at, closed_on_time
            moment = at_on(max(day, last_at.date()))
            # On time is the unit's doing: claimed by the due date (problems.services.lifecycle._Close).
            claimed_on = claimed_at.date() if claimed_at is not None else moment.date()
            closed_at, closed_on_time = moment, claimed_on <= due
            manifest = ", ".join(e[3].manifest(e[0]) for e in evidence)
            hashes = ", ".join(f'"{e[3].sha256}"' for e in evidence)
            for e in evidence:
                e[4] = True
            note = CLOSE_NOTES[int(r() * len(CLOSE_NOTES))]
            on_time = "true" if closed_on_time else "false"
            self.closures.add((self.closures.new_id(), t(moment), t(moment), pid, verifier_id, verifier_name,
                               t(moment), note, "", f"[{manifest}]", closed_on_time))
            act(CLOSE, moment, note, f'{{"evidence": [{hashes}], "on_time": {on_time}}}')

        def extension(outcome: str) -> None:
            nonlocal due, deadline, extensions_count
            moment = at_on(_day(r, last_at.date(), min(until, max(reg, due))))
            new_due = max(due, moment.date()) + DAYS[EXTENSION_DAYS[int(r() * len(EXTENSION_DAYS))]]
            if ends_on is not None:
                new_due = min(new_due, ends_on)
            if new_due <= due:
                return
            old_due = due
            reason = EXTENSION_REASONS[int(r() * len(EXTENSION_REASONS))]
            ext_id = self.extensions.new_id()
            act(REQUEST_EXTENSION, moment, reason, f'{{"new_due_on": "{new_due.isoformat()}"}}')
            decided = None
            note = ""
            if outcome != PENDING and moment.date() < until:
                decided = at_on(_day(r, moment.date(), min(until, moment.date() + DAYS[3])))
                note = "" if outcome == APPROVED else REJECT_NOTES[0]
                moved = 0
                if outcome == APPROVED:  # open steps due at/after the old date, or already past, follow (services)
                    for row in step_rows:
                        if row[6] is None and row[5] < new_due and (row[5] >= old_due or row[5] < decided.date()):
                            row[5] = new_due
                            moved += 1
                steps_moved = f', "steps_moved": {moved}' if moved else ""
                act(APPROVE_EXTENSION if outcome == APPROVED else REJECT_EXTENSION, decided, note,
                    f'{{"extension": {ext_id}, "new_due_on": "{new_due.isoformat()}"{steps_moved}}}')
                if outcome == APPROVED:
                    due = deadline = new_due
                    extensions_count += 1
            else:
                outcome = PENDING
            row = [ext_id, t(moment), t(decided or moment), pid, owner_id, t(moment), reason, d(old_due), d(new_due),
                   outcome, verifier_id if decided else None, t(decided), note]
            extensions.append(row)
            if outcome == PENDING:
                pending.append(row)

        # The way to `state` through the lifecycle; most 立查立改 problems claim without starting, where they may.
        route = ROUTES[state]
        if fix_now and FIX_NOW_ROUTES[state] != route and r() < 0.6:
            route = FIX_NOW_ROUTES[state]
        if route[:1] == STARTS:  # work starts within three days of registration
            act(START, at_on(_day(r, reg, min(until, reg + DAYS[3]))))
            route = route[1:]
        roll = r()
        if state in EXTENDABLE:
            if due < until and roll < 0.45:
                extension(APPROVED)
            elif roll < 0.05:
                extension(PENDING)
            elif roll < 0.08:
                extension(REJECTED)
        elif roll < 0.08:
            extension(APPROVED)
        if state == IN_PROGRESS:
            if r() < 0.06 and (until - reg).days >= 6:  # closed, then found to have relapsed (反弹)
                first_close = _day(r, reg + DAYS[2], until - DAYS[3])
                claim(first_close)
                close(first_close)
                reopen = at_on(_day(r, last_at.date() + ONE_DAY, until))
                new_due = reopen.date() + DAYS[DEFAULT_DAYS[severity]]
                if ends_on is not None:
                    new_due = min(new_due, ends_on)
                old_due, due = due, max(due, new_due)
                # Like the service: a due date that did not move is not recorded as changed.
                act(REOPEN, reopen, REOPEN_NOTES[int(r() * len(REOPEN_NOTES))],
                    f'{{"old_due_on": "{old_due.isoformat()}", "new_due_on": "{due.isoformat()}"}}'
                    if due != old_due else "{}")
                relapses, claimed_at, closed_at, closed_on_time = 1, None, None, None
                step_rows.append([self.steps.new_id(), reopen, reopen, RELAPSE_STEP, owner_name, due, None, ""])
                version += 1
            elif r() < 0.12 and (until - reg).days >= 4:  # claimed, and sent back
                claim(_day(r, reg, until - DAYS[2]))
                act(RETURN, at_on(_day(r, last_at.date(), until)), RETURN_NOTES[int(r() * len(RETURN_NOTES))])
                claimed_at = None
            else:
                do_steps(until, int(r() * (len(step_rows) + 1)))
        elif route:  # the rest of the way (a claim, a closure), its last step on the last day
            if state == CLOSED:
                last = _day(r, reg, until if r() < 0.2 else min(until, due))  # about one in five may be late
            else:
                last = _day(r, reg, until)
            if r() < 0.08 and (last - reg).days >= 3:  # sent back once before
                claim(_day(r, reg, last - DAYS[2]))
                act(RETURN, at_on(_day(r, last_at.date(), last)), RETURN_NOTES[int(r() * len(RETURN_NOTES))])
            take = {CLAIM: claim, CLOSE: close}
            for action in route[:-1]:
                take[action](_day(r, last_at.date(), last))
            take[route[-1]](last)
        if status != state:
            raise AssertionError(f"generated problem {pid} ended {status}, not {state}")
        # What the masses said, for problems they raised that have been claimed.
        if source == MASSES and claimed_at is not None and r() < 0.5:
            self._feedback(rng, pid, claimed_at, closed_at, owner_id)

        counts = self.counts
        counts[status] += 1
        if status != CLOSED and due <= until:
            counts["overdue"] += 1
        counts["relapsed"] += relapses
        counts["extended"] += 1 if extensions_count else 0
        counts["closed_late"] += 1 if closed_on_time is False else 0
        petition = (f"信访件〔{reg.year}〕第{100 + int(r() * 900)}号" if source == MASSES and r() < 0.2 else "")
        causes = CAUSES[category]
        self.problems.add((
            pid, t(t_reg), t(last_at), self.campaign.pk, unit.id, unit.path, description, source, category,
            special_id, "", "", petition, item_id, causes[int(r() * len(causes))], cadre[0] if cadre else None,
            unit.responsible, severity, fix_now, d(deadline), d(due), status, d(reg), registrant_id,
            t(claimed_at), owner_id if claimed_at else None, t(closed_at), verifier_id if closed_at else None,
            closed_on_time, bool(relapses), relapses, extensions_count, len(step_rows),
            sum(1 for row in step_rows if row[6] is not None), version, secrets.token_urlsafe(16)))
        add = self.steps.add
        for sid, created, updated, measure, who, step_deadline, done_on, done_note in step_rows:
            add((sid, t(created), t(updated), pid, measure, who, d(step_deadline), d(done_on), done_note))
        for row in extensions:
            self.extensions.add(tuple(row))
        add = self.evidence.add
        for eid, moment, step_id, f, frozen in evidence:
            add((eid, t(moment), t(moment), pid, step_id, f.name, f.filename, f.size, f.sha256, f.note, owner_id,
                 frozen))

    def _source(self, rng: random.Random, category: str, item_id: int | None) -> str:
        if item_id is not None:
            return Source.COLLECTIVE
        if category == Category.SERVICE:
            weights = (15, 50, 10, 10, 15)
        elif category in (Category.INTEGRITY, Category.ORGANISATION):
            weights = (30, 15, 10, 20, 25)
        else:
            weights = (35, 10, 20, 17, 18)
        return rng.choices(SOURCES, weights=weights)[0]

    def _feedback(self, rng: random.Random, pid: int, claimed_at: dt.datetime, closed_at: dt.datetime | None,
                  owner_id: int | None) -> None:
        end = closed_at or dt.datetime.combine(self.until, dt.time(20, 0), tzinfo=TZ)
        for _ in range(rng.randint(1, 3)):
            span = max(60, int((end - claimed_at).total_seconds()) - 60)
            at = claimed_at + dt.timedelta(seconds=rng.randint(1, span))
            if at >= end:
                continue
            rating = rng.choices(RATINGS, weights=(65, 25, 10))[0]
            comment = rng.choice(FEEDBACK[rating])
            answered = at + dt.timedelta(hours=rng.randint(1, 20))
            answer = rating == Rating.UNSATISFIED or rng.random() < 0.2
            if answer and answered >= end:  # an unsatisfied rating is answered before the closure
                answered = at + (end - at) / 2
            source_hash = hashlib.sha256(f"gendata/{self.seed}/{pid}/{at.isoformat()}".encode()).hexdigest()
            self.satisfactions.add((self.satisfactions.new_id(), self.t(at), self.t(answered if answer else at), pid,
                                    rating, comment or "", self.t(at), source_hash,
                                    FEEDBACK_ANSWER if answer else "", owner_id if answer else None,
                                    self.t(answered) if answer else None))

    # -- run ---------------------------------------------------------------------------------------------

    def run(self, count: int | None, progress: Callable[[str], None] | None) -> int:
        self.ensure_specials()
        units = self.units()
        if not units or self.until < self.since:
            return 0
        total = round(len(units) * PER_ORG) if count is None else count
        restore: list[str] = []
        if connection.vendor == "postgresql" and total >= REBUILD_FROM and not Problem.objects.exists():
            restore = _pg_suspend_indexes([t.model._meta.db_table for t in self.tables])
        counts = _allocate([_weight(u) for u in units], total)
        # The demo unit account's own unit gets enough problems to work with (taken from the busiest units, so
        # the total stays `count`).
        for i, unit in enumerate(units):
            while unit.owner_user is not None and counts[i] < min(DEMO_UNIT_PROBLEMS, total):
                busiest = max((n, -k) for k, n in enumerate(counts) if k != i)
                counts[-busiest[1]] -= 1
                counts[i] += 1
        written = 0
        for unit, n in zip(units, counts, strict=True):
            if not n:
                continue
            rng = random.Random(f"problems/{self.seed}/{unit.code}")
            for k in range(n):
                self.problem(unit, rng, DEMO_STATES[k % len(DEMO_STATES)] if unit.owner_user else "")
            written += n
            if len(self.problems.rows) >= BATCH:
                self.flush()
                if progress:
                    progress(f"已写入问题{written}个")
        self.flush()
        if restore:
            if progress:
                progress("正在重建索引和外键约束")
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statement in restore:
                    cursor.execute(statement)
        self.reset_sequences()
        return written

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        sql = connection.ops.sequence_reset_sql(no_style(), [t.model for t in self.tables])
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _pg_suspend_indexes(tables: list[str]) -> list[str]:
    """PostgreSQL, large loads into empty tables: drop the tables' secondary indexes, unique and foreign-key
    constraints (building an index once after COPY is many times faster than maintaining it row by row, and a
    foreign key validated by one join beats a trigger per row). Returns the statements that put them back
    exactly as they were (same names and definitions): indexes and unique constraints first, then foreign keys.
    All in the load's transaction, so a failed load leaves the schema as it was."""
    qn = connection.ops.quote_name
    drops: list[str] = []
    indexes: list[str] = []
    foreign: list[str] = []
    with connection.cursor() as cursor:
        # Check now what earlier writes of this transaction deferred: a table with pending trigger events cannot be
        # altered. Django's constraints are all deferrable, initially deferred; they are deferred again below.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname", [table])
            for name, kind, definition in cursor.fetchall():
                drops.append(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                (foreign if kind == "f" else indexes).append(
                    f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                           "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS ("
                           "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
                           "AND c.conrelid = i.indrelid) ORDER BY 1", [table])
            for name, definition in cursor.fetchall():
                drops.append(f"DROP INDEX {name}")
                indexes.append(definition)
        for statement in drops:
            cursor.execute(statement)
    return indexes + foreign


def problems_generate(*, actor: Actor, seed: int, count: int | None = None,
                      progress: Callable[[str], None] | None = None) -> int:
    """Problems with their history for the current campaign's participating units (see the module's
    docstring), the load recorded in the audit log as `actor`'s. `count`: how many in all (default: about 10/3 per
    unit). Returns how many it wrote: 0 when there is no current campaign or it has problems already (a second
    run does nothing)."""
    campaign = current_campaign()
    if campaign is None or Problem.objects.filter(campaign=campaign).exists():
        return 0
    write_evidence_files()
    with audit_context(user=actor), transaction.atomic():
        gen = Generator(campaign, seed, timezone.localdate())
        written = gen.run(count, progress)
        if written:
            rows = {t.model._meta.model_name: t.written for t in gen.tables}
            record(AuditEntry.Action.IMPORT, object_type="problems.gendata", object_id=str(campaign.pk),
                   object_repr=f"演示数据：{campaign}的问题清单"[:200],
                   after={"seed": seed, "problems": written, "rows": rows, "states": gen.counts})
    if written:
        _analyze(gen.tables)
    return written


def _analyze(tables: Sequence[Table]) -> None:
    """Planner statistics for the loaded tables: without them PostgreSQL estimates one row where there are
    thousands and SQLite picks the wrong index (DESIGN §6)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table.table}")


__all__ = ["FILES", "problems_generate", "write_evidence_files"]
