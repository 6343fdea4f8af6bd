"""Fixed vocabularies of the communication log (请示报告): what a submission is, where it comes from, which way it
goes, and how far it has been dealt with (登记 → 分办 → 答复 → 办结)."""

from django.db import models


class Kind(models.TextChoices):
    REPORT = "report", "报告"
    REQUEST = "request", "请示"
    EXPERIENCE = "experience", "经验做法"
    CASE = "case", "典型案例"
    REPLY = "reply", "批复（答复）"
    INSTRUCTION = "instruction", "指示（通知）"
    INCOMING = "incoming", "来函"


class Origin(models.TextChoices):
    """Who it comes from. Units and liaison groups report through the system; the office sends (发文) or logs
    what reached it from outside — the provincial office, city departments, units or the masses off-system (收文)."""

    UNIT = "unit", "单位报送"
    LIAISON = "liaison", "联络组报送"
    OFFICE = "office", "本办发文"
    OUTSIDE = "outside", "收文登记"


class Direction(models.TextChoices):
    UP = "up", "上报"
    DOWN = "down", "下发"
    ACROSS = "across", "平行"


class SubmissionStatus(models.TextChoices):
    LOGGED = "logged", "已登记"
    ASSIGNED = "assigned", "已分办"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


# Still waiting for an answer (overdue when due_on has passed).
OPEN = (SubmissionStatus.LOGGED, SubmissionStatus.ASSIGNED)

# What a unit contact or a liaison member reports up (二.4: 经验做法、典型案例, 请示汇报).
REPORT_KINDS = (Kind.REPORT, Kind.REQUEST, Kind.EXPERIENCE, Kind.CASE)

# Kinds that ask for an answer: not closed before they are answered.
ASKING_KINDS = frozenset({Kind.REQUEST, Kind.INCOMING})

# The direction a kind goes when the office does not say otherwise: reports go up, replies and instructions come
# down, a letter from outside comes down from the provincial office (a city department's is 平行: say so).
DEFAULT_DIRECTION: dict[str, str] = {
    Kind.REPORT: Direction.UP,
    Kind.REQUEST: Direction.UP,
    Kind.EXPERIENCE: Direction.UP,
    Kind.CASE: Direction.UP,
    Kind.REPLY: Direction.DOWN,
    Kind.INSTRUCTION: Direction.DOWN,
    Kind.INCOMING: Direction.DOWN,
}

# Where a kind's fields differ (the form shows them by kind): whose answer is awaited by when.
DUE_KINDS = frozenset({Kind.REQUEST, Kind.INCOMING, Kind.INSTRUCTION})


# The name this enum had before the glossary's (SubmissionStatus), kept for scripts outside this repository that
# import it; nothing in the repository uses it.
Status = SubmissionStatus
