"""Demo records of the four key measures (`measures_generate`), for every campaign the campaigns generator made.

Deterministic: every random choice comes from `random.Random` seeded with the seed, the campaign's dates and the
organisation's code — no dict/set ordering, no clock. Most participating units get plausible records; about one
unit in eight records nothing, and about one county-level cadre in five is behind on each lead action, so the
unit pages and the coverage view show what is still open. Rows go in with bulk_create (a few thousand rows);
one audit entry per campaign records the load, as demo.generators.orgs does for the registry.

The `measures` part of demo.parts, after the campaigns: `measures_generate(actor=SystemActor("demo"), seed=1)`.
Does nothing when measures were generated already.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import Min

from accounts.actors import Actor
from campaigns.models import Campaign, GuidanceProfile
from campaigns.selectors import participating_orgs, profile_for
from core.audit import audit_context, record
from core.models import AuditEntry
from measures.choices import LifeMeetingItemKind, LifeMeetingKind, StudyKind
from measures.models import (
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    ResearchUse,
    ResultsExchange,
    StudySession,
)
from orgs.choices import RANK_COUNTY, Tier
from orgs.models import Cadre, Member

STUDY_TOPICS = (
    "学习《习近平著作选读》第一卷", "学习《习近平著作选读》第二卷", "学习《习近平新时代中国特色社会主义思想学习纲要》",
    "学习《习近平关于调查研究论述摘编》", "学习习近平总书记关于主题教育的重要讲话精神", "以学铸魂、以学增智",
    "以学正风、以学促干", "学习党章党规党纪", "学习贯彻党的二十大精神", "围绕高质量发展开展专题研讨",
)
RESEARCH_TOPICS = (
    "优化营商环境", "基层治理现代化", "乡村振兴产业发展", "群众急难愁盼问题", "城市更新和老旧小区改造",
    "就业和社会保障", "基层减负", "安全生产隐患排查", "教育医疗资源均衡", "生态环境保护",
)
SERVICES = (
    ("修缮村道和路灯", "年底前完成主干道硬化和路灯安装"), ("建设便民服务站", "群众办事不出村（社区）"),
    ("老旧小区加装电梯", "完成加装并投入使用"), ("解决饮水安全问题", "实现集中供水全覆盖"),
    ("整治人居环境", "垃圾分类收运体系建成运行"), ("开设“一老一小”服务点", "建成日间照料和托育服务点"),
    ("化解信访积案", "逐件明确责任人并办结"), ("帮助企业纾困解难", "建立问题清单并逐项解决"),
)
MILESTONES = ("制定方案", "启动实施", "完成主体工作", "验收交付")
LECTURES = ("牢记初心使命，勇担时代重任", "以学铸魂，筑牢信仰之基", "深入调查研究，推动高质量发展",
            "践行宗旨，办好群众身边事", "从严从实加强作风建设")
CRITICISMS = ("理论学习不够系统深入", "调查研究不够深入，有时满足于听汇报", "抓落实的韧劲不足",
              "联系服务群众不够经常", "担当作为还有差距", "落实基层减负要求不够到位")


# The last date of generated records in a campaign that has no end date (the demo's current one).
GENERATED_UNTIL = dt.date(2024, 1, 31)

def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _applies(profile: GuidanceProfile | None, flag: str) -> bool:
    return True if profile is None else bool(getattr(profile, flag))


@transaction.atomic
def _generate_campaign(campaign: Campaign, seed: int) -> int:
    start = campaign.starts_on
    # Generated records stop at a fixed date (not today) so the same seed gives the same records on any day.
    end = min(campaign.ends_on or GENERATED_UNTIL, dt.date.today())
    orgs = list(participating_orgs(campaign).order_by("path").only("id", "code", "sector", "tier", "path"))
    ids = [o.pk for o in orgs]
    cadres: dict[int, list[int]] = defaultdict(list)
    for cadre_id, org_id in (Cadre.objects.filter(rank__gte=RANK_COUNTY, organization_id__in=ids)
                             .order_by("organization_id", "-rank", "id").values_list("id", "organization_id")):
        cadres[org_id].append(cadre_id)
    first_member = dict(Member.objects.filter(organization_id__in=ids).order_by().values("organization_id")
                        .annotate(first=Min("id")).values_list("organization_id", "first"))
    profiles: dict[tuple[str, str], GuidanceProfile | None] = {}

    studies: list[StudySession] = []
    study_leaders: list[list[int]] = []
    topics: list[tuple[ResearchTopic, int | None, bool]] = []  # (topic, author cadre, has a report)
    services: list[tuple[PublicService, int]] = []  # (commitment, milestones done)
    lectures: list[PartyLecture] = []
    meetings: list[tuple[LifeMeeting, list[tuple[str, str, int | None]]]] = []

    for org in orgs:
        rng = random.Random(f"measures-{seed}-{campaign.starts_on.isoformat()}-{org.code}")
        key = (org.sector, org.tier)
        if key not in profiles:
            profiles[key] = profile_for(org)
        profile = profiles[key]
        if rng.random() < 0.12:  # deliberately behind: nothing recorded
            continue
        leaders = cadres.get(org.pk, [])
        # Each county-level cadre is behind on each action with a probability of about one in five.
        studied = [c for c in leaders if rng.random() < 0.8]
        for n in range(rng.randint(1, 3) if _applies(profile, "applies_study") else 0):
            kind = (StudyKind.GROUP_STUDY, StudyKind.SEMINAR, StudyKind.SELF_STUDY)[n % 3]
            studies.append(StudySession(organization_id=org.pk, campaign=campaign, kind=kind,
                                        topic=rng.choice(STUDY_TOPICS), held_on=_day(rng, start, end),
                                        participant_count=rng.randint(5, 60)))
            study_leaders.append(studied if n == 0 else [])
        if _applies(profile, "applies_research") and (leaders or org.tier in (Tier.CITY, Tier.COUNTY)):
            leads: list[int | None] = list(leaders) or [None]
            for lead in leads:
                title = f"关于{rng.choice(RESEARCH_TOPICS)}的调研"
                topics.append((ResearchTopic(organization_id=org.pk, campaign=campaign, title=title,
                                             lead_cadre_id=lead), lead, rng.random() < 0.8))
        if _applies(profile, "applies_public_service") and rng.random() < 0.7:
            title, target = rng.choice(SERVICES)
            services.append((PublicService(organization_id=org.pk, campaign=campaign, title=title, target=target,
                                           owner="本单位党组织", owner_cadre_id=leaders[0] if leaders else None,
                                           deadline=_day(rng, start + (end - start) / 2, end)),
                             rng.randint(0, len(MILESTONES))))
        if _applies(profile, "applies_lecture"):
            speakers = [c for c in leaders if rng.random() < 0.8]
            for cadre_id in speakers:
                lectures.append(PartyLecture(organization_id=org.pk, campaign=campaign, title=rng.choice(LECTURES),
                                             held_on=_day(rng, start, end), speaker_cadre_id=cadre_id,
                                             audience="全体党员", audience_count=rng.randint(20, 120)))
            if not speakers and org.pk in first_member and rng.random() < 0.75:
                lectures.append(PartyLecture(organization_id=org.pk, campaign=campaign, title=rng.choice(LECTURES),
                                             held_on=_day(rng, start, end), speaker_member_id=first_member[org.pk],
                                             audience="支部党员", audience_count=rng.randint(5, 40)))
        if _applies(profile, "applies_democratic_meeting") and leaders and rng.random() < 0.85:
            said: list[tuple[str, str, int | None]] = [
                (LifeMeetingItemKind.SELF_CRITICISM, rng.choice(CRITICISMS), c) for c in leaders if rng.random() < 0.8]
            said += [(LifeMeetingItemKind.CRITICISM, rng.choice(CRITICISMS), c) for c in leaders if rng.random() < 0.3]
            meetings.append((LifeMeeting(organization_id=org.pk, campaign=campaign, kind=LifeMeetingKind.DEMOCRATIC,
                                         topic="专题民主生活会", held_on=_day(rng, start + (end - start) * 2 / 3, end),
                                         attendance=max(3, len(leaders) + 2)), said))
        if _applies(profile, "applies_organisational_meeting") and rng.random() < 0.6:
            meetings.append((LifeMeeting(organization_id=org.pk, campaign=campaign,
                                         kind=LifeMeetingKind.ORGANISATIONAL, topic="对照检视、开展批评和自我批评",
                                         held_on=_day(rng, start + (end - start) / 2, end),
                                         attendance=rng.randint(5, 40)), []))

    rows = 0
    StudySession.objects.bulk_create(studies, batch_size=1000)
    through = StudySession.leaders.through
    links = [through(studysession_id=s.pk, cadre_id=c) for s, ids_ in zip(studies, study_leaders, strict=True)
             for c in ids_]
    through.objects.bulk_create(links, batch_size=2000)
    rows += len(studies) + len(links)

    ResearchTopic.objects.bulk_create([t for t, _, _ in topics], batch_size=1000)
    reports = [ResearchReport(topic=t, title=f"{t.title}报告", author_cadre_id=author,
                              submitted_on=_day(random.Random(f"{seed}-report-{t.pk}"), start, end),
                              summary="摸清了情况，提出了对策建议。")
               for t, author, has_report in topics if has_report]
    ResearchReport.objects.bulk_create(reports, batch_size=1000)
    rows += len(topics) + len(reports)

    PublicService.objects.bulk_create([s for s, _ in services], batch_size=1000)
    milestones = []
    for service, done in services:
        span = (service.deadline - start).days
        for n, title in enumerate(MILESTONES):
            due = start + dt.timedelta(days=span * (n + 1) // len(MILESTONES))
            milestones.append(Milestone(public_service=service, title=title, due_on=due,
                                        done_on=min(due, end) if n < done else None))
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    rows += len(services) + len(milestones)

    # A report's results used: every third report turned into a commitment of the same unit, when it has one.
    service_of = {s.organization_id: s for s, _ in services}
    uses = [ResearchUse(report=r, text="调研成果转化为具体措施", public_service=service_of.get(r.topic.organization_id))
            for n, r in enumerate(reports) if n % 3 == 0]
    ResearchUse.objects.bulk_create(uses, batch_size=1000)
    by_org: dict[int, list[ResearchTopic]] = defaultdict(list)
    for topic, _, has_report in topics:
        if has_report:
            by_org[topic.organization_id].append(topic)
    exchanges = [ResultsExchange(organization_id=org_id, campaign=campaign, held_on=end, notes="交流调研成果")
                 for org_id in sorted(by_org)]
    ResultsExchange.objects.bulk_create(exchanges, batch_size=1000)
    exchange_links = [ResultsExchange.topics.through(resultsexchange_id=e.pk, researchtopic_id=t.pk)
                      for e in exchanges for t in by_org[e.organization_id]]
    ResultsExchange.topics.through.objects.bulk_create(exchange_links, batch_size=2000)
    rows += len(uses) + len(exchanges) + len(exchange_links)

    PartyLecture.objects.bulk_create(lectures, batch_size=1000)
    LifeMeeting.objects.bulk_create([m for m, _ in meetings], batch_size=1000)
    items = [LifeMeetingItem(meeting=m, kind=k, text=t, cadre_id=c) for m, its in meetings for k, t, c in its]
    LifeMeetingItem.objects.bulk_create(items, batch_size=2000)
    rows += len(lectures) + len(meetings) + len(items)
    record(AuditEntry.Action.IMPORT, object_type="measures.gendata", object_id=str(campaign.pk),
           object_repr=f"演示数据：{campaign}的四项重点措施记录"[:200], after={"rows": rows, "seed": seed})
    return rows


def measures_generate(*, actor: Actor, seed: int) -> bool:
    """Plausible records for the current and past campaigns (see the module's docstring), recorded in the audit log
    as `actor`'s. Returns whether it wrote anything (it does nothing when records exist already)."""
    if StudySession.objects.exists():
        return False
    with audit_context(user=actor):
        for campaign in Campaign.objects.order_by("starts_on", "id"):
            _generate_campaign(campaign, seed)
    return True


__all__ = ["measures_generate"]
