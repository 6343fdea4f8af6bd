"""Fixed vocabularies of supervision: the visit's state, the four basic requirements a visit looks at, how a
liaison group judged each on the spot, and the escalation ladder (二.5)."""

from django.db import models


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    DONE = "done", "已开展"
    CANCELLED = "cancelled", "已取消"


class Requirement(models.TextChoices):
    """The basic requirements the speech names for the four key measures (二.2)."""

    STUDY = "study", "理论学习"
    RESEARCH = "research", "调查研究"
    DEVELOPMENT = "development", "推动发展"
    RECTIFICATION = "rectification", "检视整改"


class Judgement(models.TextChoices):
    """What the group saw on the spot, per requirement (read by assessment: 定性评价)."""

    GOOD = "good", "好"
    FAIR = "fair", "较好"
    ORDINARY = "ordinary", "一般"
    POOR = "poor", "较差"


class Level(models.TextChoices):
    """The escalation ladder (二.5), in order: 指出促改 → 纠正 → 严肃批评 → 组织处理."""

    POINT_OUT = "point_out", "指出促改"
    CORRECT = "correct", "纠正"
    CRITICISE = "criticise", "严肃批评"
    DISCIPLINE = "discipline", "组织处理"


LADDER: tuple[str, ...] = (Level.POINT_OUT, Level.CORRECT, Level.CRITICISE, Level.DISCIPLINE)


def rung(level: str) -> int:
    """1-based position of `level` on the ladder."""
    return LADDER.index(level) + 1


# What each rung is for, in the speech's words (shown where a level is chosen).
LEVEL_GROUNDS: dict[str, str] = {
    Level.POINT_OUT: "落实中央、省委和市委要求不到位的，明确指出、促其整改",
    Level.CORRECT: "问题较多、工作不力的，及时纠正",
    Level.CRITICISE: "搞形式主义、敷衍应付的，严肃批评",
    Level.DISCIPLINE: "走形变样、问题严重的，给予组织处理（报领导小组决定）",
}


# How an action reads in a sentence about its target (notices, letters, reminders): "对城关区委予以纠正". 组织处理 is
# the leading group's decision: what is recorded here is the recommendation to it.
LEVEL_PHRASES: dict[str, str] = {
    Level.POINT_OUT: "明确指出问题、促其整改",
    Level.CORRECT: "予以纠正",
    Level.CRITICISE: "予以严肃批评",
    Level.DISCIPLINE: "建议领导小组给予组织处理",
}


def level_phrase(level: str) -> str:
    return LEVEL_PHRASES.get(level, level)


def level_title(level: str) -> str:
    """The level where an action is named (lists, headings, buttons): 组织处理 as the recommendation it is."""
    return "建议领导小组给予组织处理" if level == Level.DISCIPLINE else str(Level(level).label)


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "待决定"  # proposed by the system or by a liaison group; the office decides
    DECIDED = "decided", "已决定"  # in force: followed up on its date
    DONE = "done", "已办结"  # its result is recorded
    DISMISSED = "dismissed", "不予采纳"  # a proposal the office did not take up, with its reason


IN_FORCE = (ActionStatus.DECIDED, ActionStatus.DONE)


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


# The rungs each side takes (who is which side: supervision.permissions). Liaison groups visit, find, point out and
# correct on the spot; serious criticism and organisational handling are the office's decision (a liaison group
# proposes them). Nobody in supervision edits a unit's own records (不越位、不包办): findings go to the unit through
# the problems service.
LIAISON_LEVELS = frozenset({Level.POINT_OUT, Level.CORRECT})
OFFICE_LEVELS = frozenset(LADDER)

# When the system proposes the next rung for a unit (the office decides): the same requirement found again on
# REPEAT_FINDINGS visits' findings not yet acted on, or OVERDUE_PROBLEMS problems overdue by OVERDUE_DAYS or more.
REPEAT_FINDINGS = 2
# An action is followed up this many days after it is decided, unless the decider sets the date.
FOLLOW_UP_DAYS = 14
OVERDUE_PROBLEMS = 3
OVERDUE_DAYS = 30
