"""Demo communication log (`submissions_generate`), the `office` part of demo.parts, after the problems: for the
current campaign, a few dozen items that read like an office's 收发文登记 — good experience and typical cases
reported by units and liaison groups, units' requests for instructions and reports, the office's requests and
reports to the provincial office and the provincial office's letters, replies and notices, letters from city
departments, the office's notices down to units — at every state: logged, assigned to a team, answered (some by a
formal reply linked to the request), closed; some overdue.

Like the ledger's generator (demo.generators.problems), it writes the rows itself rather than through
`office.services`, because the services take "now" from the clock and the demo needs weeks of history; it keeps the
services' rules: origins and kinds as the services allow them, `org_path` the organisation's path, the answerer
never the submitter, an answered or closed item has who and when, replies dated after what they answer, everything
in the past. Each row is written by its model's save (audited as the command's system actor); one more entry
records the load.

Deterministic: every choice comes from `random.Random` seeded with the seed, over organisations in path order;
dates are relative to today (the last WINDOW_DAYS days of the campaign), so "overdue" means something whenever
the demo is run. A second run does nothing (the campaign has submissions already) and returns 0.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor
from accounts.models import User
from accounts.permissions import Capability, role_for
from campaigns.models import Campaign, LiaisonAssignment, Team
from campaigns.selectors import current_campaign, office_name, participation_roots
from core.audit import audit_context, record
from core.models import AuditEntry
from office.choices import Direction, Kind, Origin, SubmissionStatus
from office.models import Submission
from orgs.choices import Tier
from orgs.models import Organization

WINDOW_DAYS = 40
PROVINCE = "省委主题教育办"

# (title, body) of what units report up.
EXPERIENCES = (
    ("“板凳会”上听民意，把问题解决在家门口",
     "村党支部每周在村头召开“板凳会”，支部班子成员面对面听取群众意见，现场能办的现场办，不能办的列入问题清单、"
     "明确时限、对账销号，一个月来解决群众急难愁盼问题12件。"),
    ("带着课题下基层，推动调研成果转化为具体举措",
     "班子成员每人领题开展调研，坚持“四不两直”，形成调研报告7篇，转化为便民服务措施15条，已落实9条。"),
    ("“小院讲堂”让理论学习走进党员群众身边",
     "利用党员中心户小院开设讲堂，老党员讲、身边人讲，每期不超过一小时，流动党员通过视频同步参加。"),
    ("建立“一线工作法”推动为民办实事落地见效",
     "实行“问题在一线发现、措施在一线制定、成效在一线检验”，为民办实事项目逐项明确责任人和完成时限。"),
    ("流动党员“云课堂”解决集中学习难题",
     "针对外出务工党员多的实际，建立线上学习群，按月推送学习内容，年老体弱党员由支部委员送学上门。"),
    ("非公企业党组织“小型、业余、分散”开展学习研讨",
     "结合生产安排，利用班前班后开展微党课、微研讨，做到学习与生产两不误。"),
)
CASES = (
    ("解剖麻雀：社区“办事难”问题整改的做法与启示",
     "社区针对群众反映的办事多头跑问题，梳理事项清单，推行“一窗受理、全程代办”，群众满意率明显提升。"),
    ("典型案例：整治群众身边不正之风，追回惠民资金",
     "镇党委对群众反映的惠民资金发放不规范问题立查立改，追回违规资金，对相关责任人严肃处理。"),
    ("典型案例：以案促改推动机关作风转变",
     "通过剖析典型案例，召开警示教育会，建立健全制度4项，机关作风明显好转。"),
)
REQUESTS = (
    ("关于村级活动场所改造资金的请示", "村级活动场所年久失修，影响集中学习开展，恳请协调改造资金。"),
    ("关于专题民主生活会召开时间的请示", "因防汛任务较重，拟将专题民主生活会推迟一周召开，妥否，请批示。"),
    ("关于流动党员参加集中学习方式的请示", "我单位外出流动党员较多，拟采取线上方式参加集中学习，妥否，请指示。"),
    ("关于调整调研课题的请示", "原定调研课题与市级课题重复，拟调整为“农村集体经济发展路径研究”，请批示。"),
    ("关于年老体弱党员学习形式的请示", "部分党员年老体弱、行动不便，拟采取送学上门方式，妥否，请指示。"),
)
REPORTS = (
    ("关于主题教育开展情况的报告",
     "按照市委部署，扎实推进理论学习、调查研究、推动发展、检视整改，现将进展情况报告如下。"),
    ("关于专题党课开展情况的报告", "班子成员均已讲授专题党课，覆盖党员群众300余人次，现将有关情况报告如下。"),
    ("关于检视整改工作进展情况的报告", "共检视问题18个，已整改到位11个，其余正按时限推进，现将有关情况报告如下。"),
)
# (kind, title, body, counterpart, number) of what the office received from outside.
LETTERS_IN = (
    (Kind.INCOMING, "关于报送主题教育典型案例的函", "请于规定时间内报送本地区主题教育典型案例2至3个。", PROVINCE,
     "省教育办函〔2023〕15号"),
    (Kind.INSTRUCTION, "关于做好专题民主生活会准备工作的通知", "请指导各单位认真做好专题民主生活会会前准备工作。",
     PROVINCE, "省教育办〔2023〕21号"),
    (Kind.INCOMING, "关于提供主题教育有关材料的函", "请提供第二批主题教育工作方案、简报及典型案例材料。",
     "省委第三巡回指导组", ""),
    (Kind.INCOMING, "关于报送主题教育宣传报道线索的函", "请梳理报送可供宣传报道的典型线索。", "市委宣传部", ""),
    (Kind.INCOMING, "关于征求干部考察意见的函", "请提供有关单位领导班子在主题教育中的表现情况。", "市委组织部", ""),
)
# (kind, title, body, number) of what the office sends up.
LETTERS_UP = (
    (Kind.REQUEST, "关于调整专题民主生活会召开时间的请示",
     "受汛期影响，拟将部分单位专题民主生活会时间顺延，妥否，请批示。", "教育办〔2023〕8号"),
    (Kind.REPORT, "关于第二批主题教育开展情况的报告", "现将我市第二批主题教育开展情况报告如下。", "教育办〔2023〕9号"),
    (Kind.REQUEST, "关于明确非公企业党组织参学范围的请示", "对非公企业党组织参学范围的界定，恳请予以明确。",
     "教育办〔2023〕12号"),
)
NOTICES = (
    ("关于报送专题党课开展情况的通知", "请于规定时间内反馈专题党课开展情况。"),
    ("关于做好检视整改“回头看”的通知", "请对照问题清单逐项开展“回头看”，反馈整改落实情况。"),
    ("关于报送为民办实事进展情况的通知", "请反馈为民办实事项目进展、存在困难和下一步打算。"),
)


@dataclass(eq=False)
class _Item:
    """One row to write and where it stands."""

    fields: dict[str, Any]
    day: dt.date
    state: str = SubmissionStatus.LOGGED
    team: Team | None = None
    answer: str = ""
    answered_by: Any = None
    close_note: str = ""
    parent_index: int | None = None
    answers_parent: bool = False


class _Generator:
    def __init__(self, campaign: Campaign, seed: int, today: dt.date) -> None:
        self.campaign = campaign
        self.rng = random.Random(f"{seed}/office/submissions")
        self.today = today
        self.start = max(campaign.starts_on, today - dt.timedelta(days=WINDOW_DAYS))
        roots = participation_roots(campaign)
        self.root = roots[0] if roots else Organization.objects.order_by("path").first()
        self.units = self._units()
        self.office = self._user(Capability.CITY_OFFICE, root=True)
        self.unit_user = self._user(Capability.ANSWER_FOR_UNIT)
        self.liaison = self._user(Capability.JOIN_LIAISON_GROUP)
        self.teams = list(Team.objects.filter(campaign=campaign).order_by("id"))
        self.items: list[_Item] = []

    # -- inputs --------------------------------------------------------------------------------------------

    def _units(self) -> list[Organization]:
        """Units that report: townships and villages (or anything below the root, in a small tree), path order."""
        assert self.root is not None
        below = Organization.objects.in_subtree(self.root.path).exclude(pk=self.root.pk)
        units = list(below.filter(tier__in=(Tier.TOWNSHIP, Tier.VILLAGE)).order_by("path")[:2000])
        return units or list(below.order_by("path")[:2000]) or [self.root]

    def _user(self, capability: Capability, *, root: bool = False) -> User | None:
        """The demo account of the role granted `capability` (demo.accounts), else its first active account."""
        role = role_for(capability)
        qs = User.objects.select_related("organization").filter(role=role, is_active=True)
        if root:
            qs = qs.filter(organization__depth=1)
        return qs.filter(username=role).first() or qs.order_by("id").first()

    def _unit(self) -> Organization:
        return self.units[int(self.rng.random() * len(self.units))]

    def _day(self, *, early: bool = False) -> dt.date:
        """A day of the window (early: its first half, so that answers and replies can follow)."""
        span = max((self.today - dt.timedelta(days=1) - self.start).days, 0)
        offset = int(self.rng.random() * (span // 2 if early else span + 1))
        return min(self.start + dt.timedelta(days=offset), self.today)

    def _team(self, name: str) -> Team | None:
        return next((t for t in self.teams if t.name == name), self.teams[0] if self.teams else None)

    def _liaison_unit(self) -> Organization | None:
        """A unit of the demo liaison member's group (for what a liaison group reports)."""
        if self.liaison is None:
            return None
        paths = list(LiaisonAssignment.objects.filter(campaign=self.campaign, group__memberships__user=self.liaison)
                     .order_by("organization__path").values_list("organization__path", flat=True))
        inside = [u for u in self.units if any(u.path.startswith(p) for p in paths)]
        return inside[int(self.rng.random() * len(inside))] if inside else None

    # -- the plan ------------------------------------------------------------------------------------------

    def _up(self, kind: str, title: str, body: str, org: Organization, *, early: bool = False,
            by_liaison: bool = False, due_days: int | None = None) -> _Item:
        origin = Origin.LIAISON if by_liaison else Origin.UNIT
        by = self.liaison if by_liaison else (self.unit_user if self.unit_user is not None
                                                and self.unit_user.organization_id == org.pk else None)
        day = self._day(early=early)
        item = _Item(fields={
            "kind": kind, "origin": origin, "direction": Direction.UP, "organization": org,
            "counterpart": office_name(org, short=True), "title": title, "body": body, "sent_on": day,
            "received_on": day,
            "due_on": day + dt.timedelta(days=due_days) if due_days is not None else None, "created_by": by,
        }, day=day)
        self.items.append(item)
        return item

    def plan(self) -> None:
        assert self.root is not None
        general, liaison_team = self._team("综合组"), self._team("联络组")
        own = self.unit_user.organization if self.unit_user is not None else None
        # Experience and typical cases from units (and one from a liaison group): read and taken in, or waiting.
        for n, (title, body) in enumerate(EXPERIENCES):
            liaison_unit = self._liaison_unit() if n == 1 else None
            org = liaison_unit or (own if n == 0 and own is not None else self._unit())
            item = self._up(Kind.EXPERIENCE, title, body, org, by_liaison=liaison_unit is not None, early=n % 2 == 0)
            if n % 2 == 0:
                item.state, item.close_note = SubmissionStatus.CLOSED, "已编入简报"
        for n, (title, body) in enumerate(CASES):
            item = self._up(Kind.CASE, title, body, self._unit(), early=True)
            item.state = (SubmissionStatus.CLOSED, SubmissionStatus.LOGGED, SubmissionStatus.ASSIGNED)[n]
            item.team, item.close_note = general, "已纳入典型案例库"
        # Requests from units: answered and closed, answered by a formal reply, assigned and overdue, logged and
        # overdue, logged and not yet due.
        for n, (title, body) in enumerate(REQUESTS):
            org = own if n == 0 and own is not None else self._unit()
            overdue = n in (2, 3)
            item = self._up(Kind.REQUEST, title, body, org, early=n < 2 or overdue, due_days=7)
            if overdue:
                item.day = min(item.day, self.today - dt.timedelta(days=10))
                item.fields.update(sent_on=item.day, received_on=item.day, due_on=item.day + dt.timedelta(days=7))
            elif n == 4:
                item.fields["due_on"] = self.today + dt.timedelta(days=5)
            item.state = (SubmissionStatus.CLOSED, SubmissionStatus.ANSWERED, SubmissionStatus.ASSIGNED,
                          SubmissionStatus.LOGGED, SubmissionStatus.LOGGED)[n]
            item.team = liaison_team if n % 2 else general
            if n == 0:
                item.answer, item.close_note = "同意。请县委组织部统筹党建经费予以保障。", "已落实"
            if n == 1:
                self._reply(item, title.replace("的请示", "的答复"), "原则同意，请做好会前准备工作。")
        for n, (title, body) in enumerate(REPORTS):
            item = self._up(Kind.REPORT, title, body, self._unit())
            if n != 1:
                item.state, item.close_note = SubmissionStatus.CLOSED, "已阅"
        # The office and the province, the office and city departments.
        for n, (kind, title, body, counterpart, number) in enumerate(LETTERS_IN):
            day = min(self._day(early=True), self.today - dt.timedelta(days=12)) if n == 4 else self._day(early=True)
            due = day + dt.timedelta(days=10) if kind == Kind.INCOMING else None
            if n == 2:
                due = self.today + dt.timedelta(days=6)
            item = _Item(fields={
                "kind": kind, "origin": Origin.OUTSIDE,
                "direction": Direction.ACROSS if counterpart.startswith("市委") else Direction.DOWN,
                "organization": self.root, "counterpart": counterpart, "title": title, "body": body,
                "number": number, "sent_on": day - dt.timedelta(days=1) if number else None, "received_on": day,
                "due_on": due, "created_by": self.office}, day=day)
            item.state = (SubmissionStatus.CLOSED, SubmissionStatus.CLOSED, SubmissionStatus.ASSIGNED,
                          SubmissionStatus.ANSWERED, SubmissionStatus.ASSIGNED)[n]
            item.team = self._team("材料组") if n in (0, 2) else self._team("宣传组") if n == 3 else general
            item.answer = {0: "已报送典型案例3个。", 3: "已报送宣传线索5条。"}.get(n, "")
            item.close_note = "已阅，已按要求部署" if kind == Kind.INSTRUCTION else ""
            self.items.append(item)
        for n, (kind, title, body, number) in enumerate(LETTERS_UP):
            day = self._day(early=True)
            item = _Item(fields={
                "kind": kind, "origin": Origin.OFFICE, "direction": Direction.UP, "organization": self.root,
                "counterpart": PROVINCE, "title": title, "body": body, "number": number, "sent_on": day,
                "due_on": day + dt.timedelta(days=7) if kind == Kind.REQUEST else None, "created_by": self.office},
                day=day)
            self.items.append(item)
            if n == 0:
                reply = self._reply(item, "关于同意调整专题民主生活会召开时间的批复", "同意你市意见。",
                                    received=True)
                reply.fields["number"] = "省教育办〔2023〕30号"
                item.close_note = "已按批复执行"
                item.state = SubmissionStatus.CLOSED
            elif n == 1:
                item.state, item.close_note = SubmissionStatus.CLOSED, "已报送"
        # Notices down to units: answered by the unit, overdue, waiting (the demo unit's own, to answer).
        for n, (title, body) in enumerate(NOTICES):
            org = own if n == 2 and own is not None else self._unit()
            day = self._day(early=True)
            due = self.today + dt.timedelta(days=7) if n == 2 else day + dt.timedelta(days=5)
            item = _Item(fields={
                "kind": Kind.INSTRUCTION, "origin": Origin.OFFICE, "direction": Direction.DOWN, "organization": org,
                "counterpart": "", "title": title, "body": body, "sent_on": day, "due_on": due,
                "created_by": self.office}, day=day)
            if n == 0:
                item.state, item.answer = SubmissionStatus.ANSWERED, "已按要求完成，专题党课覆盖全体党员。"
                item.answered_by = self.unit_user if self.unit_user is not None and org == own else None
            self.items.append(item)

    def _reply(self, parent: _Item, title: str, body: str, *, received: bool = False) -> _Item:
        """A reply that answers `parent` (the office's to a unit, or the province's to the office)."""
        day = min(parent.day + dt.timedelta(days=3), self.today)
        org = parent.fields["organization"]
        reply = _Item(fields={
            "kind": Kind.REPLY, "origin": Origin.OUTSIDE if received else Origin.OFFICE,
            "direction": Direction.DOWN, "organization": org,
            "counterpart": PROVINCE if received else "", "title": title, "body": body,
            "sent_on": day, "received_on": day if received else None, "created_by": self.office}, day=day)
        reply.state, reply.close_note = SubmissionStatus.CLOSED, "已阅" if received else "答复已发出"
        reply.parent_index = next(i for i, x in enumerate(self.items) if x is parent)
        reply.answers_parent = True
        parent.state = SubmissionStatus.ANSWERED if parent.state == SubmissionStatus.LOGGED else parent.state
        self.items.append(reply)
        return reply

    # -- writing -------------------------------------------------------------------------------------------

    def _at(self, day: dt.date, minutes: int) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=minutes)
        aware = timezone.make_aware(moment)
        return min(aware, timezone.now())

    def write(self) -> int:
        answered_by_reply = {item.parent_index for item in self.items if item.answers_parent}
        rows: list[Submission] = []
        stamps: list[dt.datetime] = []
        for n, item in enumerate(self.items):
            fields = dict(item.fields)
            org: Organization = fields["organization"]
            fields.setdefault("number", "")
            parent = rows[item.parent_index] if item.parent_index is not None else None
            submission = Submission(campaign=self.campaign, org_path=org.path, parent=parent, **fields)
            created = self._at(item.day, 30 + n)
            if item.state != SubmissionStatus.LOGGED and item.team is not None:
                submission.team = item.team
                submission.assignee = self.office if self.office is not None and item.team.memberships.filter(
                    user=self.office).exists() else None
                submission.assigned_by, submission.assigned_at = self.office, created + dt.timedelta(hours=2)
                submission.status = SubmissionStatus.ASSIGNED
            submission.save()
            rows.append(submission)
            stamps.append(created)
            if item.answers_parent and parent is not None:
                head = (f"收到{submission.counterpart}" if submission.origin == Origin.OUTSIDE else "以") + (
                    submission.number or "") + f"《{submission.title}》答复"
                self._answer(parent, f"{head}：{submission.body}", self.office, created)
            elif item.answer:
                self._answer(submission, item.answer, item.answered_by or self.office, created + dt.timedelta(days=2))
            if item.state == SubmissionStatus.CLOSED and n not in answered_by_reply:
                self._close(submission, item.close_note, created + dt.timedelta(days=3))
        for n in sorted(i for i in answered_by_reply if i is not None):
            if self.items[n].state == SubmissionStatus.CLOSED:
                after = (rows[n].answered_at or stamps[n]) + dt.timedelta(days=1)
                self._close(rows[n], self.items[n].close_note, after)
        for submission, created in zip(rows, stamps, strict=True):
            submission.created_at = submission.updated_at = created
        Submission.objects.bulk_update(rows, ["created_at", "updated_at"])
        return len(rows)

    def _close(self, submission: Submission, note: str, at: dt.datetime) -> None:
        closed_at = min(at, timezone.now())
        if submission.answered_at is not None:
            closed_at = max(closed_at, submission.answered_at)
        submission.status, submission.close_note = SubmissionStatus.CLOSED, note
        submission.closed_by, submission.closed_at = self.office, closed_at
        submission.save()

    def _answer(self, submission: Submission, text: str, by: Any, at: dt.datetime) -> None:
        if by is not None and by.pk == submission.created_by_id and submission.origin != Origin.OUTSIDE:
            by = None  # never the submitter (the office's own item is answered by the other side)
        submission.answer = text
        submission.answered_by = by
        submission.answered_at = min(at, timezone.now())
        if submission.status != SubmissionStatus.CLOSED:
            submission.status = SubmissionStatus.ANSWERED
        submission.save()


def submissions_generate(*, actor: Actor, seed: int = 1) -> int:
    """The demo communication log for the current campaign (see the module's docstring), audited as `actor`'s.
    Returns how many items it wrote: 0 when there is no current campaign, no organisation, or it has submissions
    already."""
    campaign = current_campaign()
    if campaign is None or Submission.objects.filter(campaign=campaign).exists():
        return 0
    if not Organization.objects.exists():
        return 0
    with audit_context(user=actor), transaction.atomic():
        gen = _Generator(campaign, seed, timezone.localdate())
        gen.plan()
        written = gen.write()
        record(AuditEntry.Action.IMPORT, object_type="office.gendata", object_id=str(campaign.pk),
               object_repr=f"演示数据：{campaign}的请示报告"[:200], after={"seed": seed, "submissions": written})
    return written


__all__ = ["submissions_generate"]
