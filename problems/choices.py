"""Fixed vocabularies of the problem ledger, and the lifecycle's transition table (rules as data)."""

from dataclasses import dataclass

from django.db import models

from accounts.permissions import Capability


class Source(models.TextChoices):
    """Where a problem came from (二.3: 自己找、群众提、集体议、上级点, and the liaison groups' findings)."""

    SELF = "self", "自己找"
    MASSES = "masses", "群众提"
    COLLECTIVE = "collective", "集体议"
    SUPERIOR = "superior", "上级点"
    VISIT = "visit", "督导发现"


class Category(models.TextChoices):
    """What kind of problem it is: the guidance profiles' focus (精神不振、能力不足、作风不实 for organs, serving the
    masses for the grassroots) and the usual others."""

    SPIRIT = "spirit", "精神不振"
    ABILITY = "ability", "能力不足"
    STYLE = "style", "作风不实"
    SERVICE = "service", "服务群众"
    DEVELOPMENT = "development", "推动发展"
    INTEGRITY = "integrity", "廉洁自律"
    ORGANISATION = "organisation", "基层组织建设"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


# Days from registration to the due date when no deadline is given (a `fix_now` problem: FIX_NOW_DAYS).
DEFAULT_DAYS: dict[str, int] = {Severity.ORDINARY: 90, Severity.SERIOUS: 60, Severity.GRAVE: 30}
FIX_NOW_DAYS = 7


class ProblemStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    IN_PROGRESS = "in_progress", "整改中"
    CLAIMED = "claimed", "申请销号"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = (ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS, ProblemStatus.CLAIMED)


class ProblemAction(models.TextChoices):
    """Everything that moves a problem along its lifecycle. Each is one row of TRANSITIONS below."""

    REGISTER = "register", "登记"
    START = "start", "开始整改"
    CLAIM = "claim", "申请销号"
    CLOSE = "close", "核验销号"
    RETURN = "return", "退回"
    REOPEN = "reopen", "重新打开（反弹）"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    REJECT_EXTENSION = "reject_extension", "不批准延期"


class Rating(models.TextChoices):
    """What the masses say of a problem's rectification (群众满意度)."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


# 督导发现: the source of what supervision found (problems.permissions.raisable_sources: whoever supervises registers
# it, the owner side every other source).
LIAISON_SOURCES = frozenset({Source.VISIT})


@dataclass(frozen=True)
class Transition:
    """One row of the lifecycle: `action` moves a problem from one of `sources` to `target` (None: the status
    stays, e.g. an extension), for whoever holds `capability` (accounts.permissions: the owner side rectifies,
    the liaison groups and the office verify). `verifier`: the actor must not be the owner or of the owner's
    unit. `needs_note`: a written reason. `needs_evidence`: the problem must hold evidence. `fix_now_only`:
    the row applies to 立查立改 problems only."""

    action: str
    sources: frozenset[str]
    target: str | None
    capability: Capability
    verifier: bool = False
    needs_note: bool = False
    needs_evidence: bool = False
    fix_now_only: bool = False


# Who takes a row: the owner side (the unit, in its own subtree, and the office) works on the rectification; the
# office and the liaison groups (履行指导组职责) verify, never the owner or the owner's unit.
_RECTIFY = Capability.RECTIFY_PROBLEMS
_VERIFY = Capability.VERIFY_PROBLEMS

TRANSITIONS: tuple[Transition, ...] = (
    Transition(ProblemAction.START, frozenset({ProblemStatus.REGISTERED}), ProblemStatus.IN_PROGRESS, _RECTIFY),
    Transition(ProblemAction.CLAIM, frozenset({ProblemStatus.IN_PROGRESS}), ProblemStatus.CLAIMED, _RECTIFY,
               needs_evidence=True),
    # 立查立改: claimed straight from registration — fast, but still verified by someone else.
    Transition(ProblemAction.CLAIM, frozenset({ProblemStatus.REGISTERED}), ProblemStatus.CLAIMED, _RECTIFY,
               needs_evidence=True, fix_now_only=True),
    # The verifier writes what was checked (核验意见): a closure is earned, and says on what.
    Transition(ProblemAction.CLOSE, frozenset({ProblemStatus.CLAIMED}), ProblemStatus.CLOSED, _VERIFY,
               verifier=True, needs_note=True, needs_evidence=True),
    Transition(ProblemAction.RETURN, frozenset({ProblemStatus.CLAIMED}), ProblemStatus.IN_PROGRESS, _VERIFY,
               verifier=True, needs_note=True),
    Transition(ProblemAction.REOPEN, frozenset({ProblemStatus.CLOSED}), ProblemStatus.IN_PROGRESS, _VERIFY,
               verifier=True, needs_note=True),
    Transition(ProblemAction.REQUEST_EXTENSION, frozenset({ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS}),
               None, _RECTIFY, needs_note=True),
    Transition(ProblemAction.APPROVE_EXTENSION, frozenset({ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS}),
               None, _VERIFY, verifier=True),
    Transition(ProblemAction.REJECT_EXTENSION, frozenset({ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS}),
               None, _VERIFY, verifier=True, needs_note=True),
)


def transitions_for(action: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.action == action]


# The names these enums had before the glossary's (ProblemStatus, ProblemAction), kept for scripts outside this
# repository that import them; nothing in the repository uses them.
Status = ProblemStatus
Action = ProblemAction
