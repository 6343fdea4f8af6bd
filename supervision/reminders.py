"""Supervision's daily reminders (督促指导提醒): supervision's daily job (core.daily, registered by
SupervisionConfig.ready), which the project's daily job (jiaoyuban.daily) and `manage.py remind` run, as in-app
notifications:

- an action in force whose follow-up date has come and whose result is not recorded (处置跟踪到期): to the members of
  its liaison group and to whoever decided it, on the follow-up date and then again every REPEAT_DAYS days while
  no result is recorded;
- a visit planned for tomorrow: to the people going (its participants);
- a visit whose planned date has passed and which is still only planned: to the group's members, to record it or
  cancel it, the day after and then every REPEAT_DAYS days;
- and the ladder's proposals are refreshed (`services.action_proposals_refresh`), the office being told of each
  new one.

Each notification has a key (`core.notify`) naming the thing, its date and the period, so running the job twice a
day, or catching up a missed day, sends each reminder once; a new follow-up or planned date starts afresh.
A few queries in all: the actions, the visits, the memberships and the participants, each once.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from accounts.actors import Actor
from campaigns.models import LiaisonMembership
from campaigns.selectors import current_campaign
from core.cn import cn_date
from core.notify import Message, notify_many
from supervision import services
from supervision.choices import ActionStatus, VisitStatus, level_title
from supervision.models import Action, Visit

REPEAT_DAYS = 7

KINDS = ("follow_up", "visit_tomorrow", "visit_unrecorded", "proposals")
LABELS = {
    "follow_up": "处置跟踪到期提醒",
    "visit_tomorrow": "指导活动前一日提醒",
    "visit_unrecorded": "指导活动待记录提醒",
    "proposals": "新的处置建议",
}


def _members(group_ids: Iterable[int | None]) -> dict[int, list[int]]:
    """The members of these groups, by group."""
    ids = {pk for pk in group_ids if pk is not None}
    members: dict[int, list[int]] = defaultdict(list)
    if ids:
        for group_id, user_id in (LiaisonMembership.objects.filter(group_id__in=ids).order_by("group_id", "user_id")
                                  .values_list("group_id", "user_id")):
            members[group_id].append(user_id)
    return members


def _follow_ups(campaign_id: int, today: dt.date) -> list[Message]:
    actions = list(Action.objects.filter(campaign_id=campaign_id, status=ActionStatus.DECIDED,
                                         follow_up_on__lte=today)
                   .select_related("organization", "cadre").order_by("follow_up_on", "pk"))
    members = _members(a.group_id for a in actions)
    messages: list[Message] = []
    for action in actions:
        assert action.follow_up_on is not None
        period = (today - action.follow_up_on).days // REPEAT_DAYS  # the date and 6 days after, then 7 to 13, …
        key = f"supervision-follow-up:{action.pk}:{action.follow_up_on.isoformat()}:{period}"
        target = action.organization.name + (f"{action.cadre.name}同志" if action.cadre else "")
        what = level_title(action.level)
        decided = f"（{cn_date(action.decided_on)}决定）" if action.decided_on else ""
        text = (f"处置跟踪到期：对{target}{what}{decided}的跟踪日期{cn_date(action.follow_up_on)}已到，"
                f"请跟踪整改落实情况并登记处置结果。")
        url = reverse("supervision:action", args=[action.pk])
        recipients = set(members.get(action.group_id or 0, []))
        if action.decided_by_id is not None:
            recipients.add(action.decided_by_id)
        messages += [Message(user_id=user_id, key=key, text=text, url=url) for user_id in sorted(recipients)]
    return messages


def _visit_label(visit: Visit) -> str:
    return f"{visit.group.name}到{visit.organization.name}{visit.method.name}（{visit.subject}）"


def _tomorrow(campaign_id: int, today: dt.date) -> list[Message]:
    tomorrow = today + dt.timedelta(days=1)
    visits = list(Visit.objects.filter(campaign_id=campaign_id, status=VisitStatus.PLANNED, planned_on=tomorrow)
                  .select_related("group", "organization", "method").order_by("pk"))
    going: dict[int, list[int]] = defaultdict(list)
    through = Visit.participants.through
    for visit_id, user_id in (through.objects.filter(visit_id__in=[v.pk for v in visits])
                              .order_by("visit_id", "user_id").values_list("visit_id", "user_id")):
        going[visit_id].append(user_id)
    messages: list[Message] = []
    for visit in visits:
        key = f"supervision-visit-tomorrow:{visit.pk}:{visit.planned_on.isoformat()}"
        text = f"明天（{cn_date(visit.planned_on)}）{_visit_label(visit)}，请做好准备。"
        url = reverse("supervision:visit", args=[visit.pk])
        messages += [Message(user_id=user_id, key=key, text=text, url=url) for user_id in going[visit.pk]]
    return messages


def _unrecorded(campaign_id: int, today: dt.date) -> list[Message]:
    visits = list(Visit.objects.filter(campaign_id=campaign_id, status=VisitStatus.PLANNED, planned_on__lt=today)
                  .select_related("group", "organization", "method").order_by("planned_on", "pk"))
    members = _members(v.group_id for v in visits)
    messages: list[Message] = []
    for visit in visits:
        period = ((today - visit.planned_on).days - 1) // REPEAT_DAYS  # days 1 to 7 after, 8 to 14, …
        key = f"supervision-visit-unrecorded:{visit.pk}:{visit.planned_on.isoformat()}:{period}"
        text = (f"指导活动待记录：计划于{cn_date(visit.planned_on)}{_visit_label(visit)}尚未记录。"
                f"已开展的请记录活动情况，未开展的请调整计划或取消。")
        url = reverse("supervision:visit", args=[visit.pk])
        messages += [Message(user_id=user_id, key=key, text=text, url=url) for user_id in members[visit.group_id]]
    return messages


def remind(*, actor: Actor, today: dt.date) -> dict[str, int]:
    """Send supervision's reminders due on `today` and refresh the ladder's proposals as `actor` (the daily job's
    system actor); return how many notifications of each kind were sent (not sent before) and how many proposals
    are new."""
    sent = dict.fromkeys(KINDS, 0)
    campaign = current_campaign()
    if campaign is None:
        return sent
    sent["follow_up"] = notify_many(_follow_ups(campaign.pk, today))
    sent["visit_tomorrow"] = notify_many(_tomorrow(campaign.pk, today))
    sent["visit_unrecorded"] = notify_many(_unrecorded(campaign.pk, today))
    sent["proposals"] = services.action_proposals_refresh(actor=actor, campaign=campaign, today=today)
    return sent


def report(sent: dict[str, int]) -> str:
    """One line for people: what `remind` sent."""
    return "；".join(f"{LABELS[k]}{sent.get(k, 0)}{'项' if k == 'proposals' else '条'}" for k in KINDS)
