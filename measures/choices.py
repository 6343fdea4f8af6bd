"""Fixed vocabularies of the measures app."""

from django.db import models


class StudyKind(models.TextChoices):
    """The speech's words (二.2): 开展自学、集中学习、专题研讨."""

    SELF_STUDY = "self_study", "自学"
    GROUP_STUDY = "group_study", "集中学习"
    SEMINAR = "seminar", "专题研讨"


class LifeMeetingKind(models.TextChoices):
    DEMOCRATIC = "democratic", "专题民主生活会"
    ORGANISATIONAL = "organisational", "专题组织生活会"


class LifeMeetingItemKind(models.TextChoices):
    CRITICISM = "criticism", "批评"
    SELF_CRITICISM = "self_criticism", "自我批评"


class LeadAction(models.TextChoices):
    """What a county-level+ leader (关键少数) must do himself (二.1: 带头…). Each is derived from records,
    never ticked by hand (assessment.lead_actions)."""

    STUDIED = "studied", "学习研讨"
    RESEARCHED = "researched", "调研并形成报告"
    LECTURED = "lectured", "讲专题党课"
    FOUND_PROBLEMS = "found_problems", "检视问题"
    RECTIFIED = "rectified", "整改落实"


class RecordKind(models.TextChoices):
    """The kinds of records a unit keeps, one per thing a guidance profile can make apply
    (campaigns.GuidanceProfile.applies_*). Each is described once in the registry, measures.kinds.KINDS."""

    STUDY = "study", "学习研讨"
    RESEARCH = "research", "调研课题"
    PUBLIC_SERVICE = "public_service", "为民办实事"
    LECTURE = "lecture", "专题党课"
    DEMOCRATIC_MEETING = "democratic_meeting", "专题民主生活会"
    ORGANISATIONAL_MEETING = "organisational_meeting", "专题组织生活会"


# What the coverage page, its export and the unit page say of a kind of record that a unit's guidance profile
# does not ask of it (分级分类指导): one wording, from here.
NOT_REQUIRED = "不要求"
# What they say of a lead action a leader has no record of yet.
NO_RECORD = "尚无记录"

# 检视整改, the fourth measure, in the coverage view: read from the unit's problem ledger, not a record kind.
RECTIFICATION = "rectification"
RECTIFICATION_LABEL = "检视整改"


class QuickKind(models.TextChoices):
    """What the quick-record form records."""

    STUDY = "study", "学习"
    LECTURE = "lecture", "党课"
    MEETING = "meeting", "组织生活会"
