"""The parts of the generated city, in the one order both commands walk: `manage.py demo` every part (its
organisations only into an empty registry), `manage.py gendata --only …` those asked for and those they need.

A part writes through its generator (demo.generators) as the command's named system actor (`Run.actor`:
SystemActor("demo") or SystemActor("gendata"), recorded by the audit log as system:<name>), and answers the line to
print — or None when it wrote nothing (every generator does nothing a second time). A new generator is one entry
of PARTS, placed after what it reads.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from accounts.actors import Actor
from campaigns.models import Campaign
from campaigns.selectors import current_campaign
from demo.accounts import demo_password, ensure_demo_accounts
from demo.generators.campaigns import campaigns_generate
from demo.generators.measures import measures_generate
from demo.generators.office import submissions_generate
from demo.generators.orgs import GendataError
from demo.generators.orgs import generate as orgs_generate
from demo.generators.problems import problems_generate
from demo.generators.supervision import summary as supervision_summary
from demo.generators.supervision import supervision_generate
from orgs.models import Organization

# Problems per scale (DESIGN §6); other scales: about 10/3 per participating unit.
PROBLEMS: dict[str, int] = {"city": 50_000, "province": 1_000_000}


@dataclass(frozen=True)
class Run:
    """One command's run: who writes, the seed, the scale of the registry, whether its party members are written
    with it, where progress goes (gendata -v 2), and whether a part that cannot work (no current campaign) stops the
    run (gendata) or is left out (the demo goes on with what it has)."""

    actor: Actor
    seed: int
    scale: str = "demo"
    members: bool = True
    progress: Callable[[str], None] | None = None
    strict: bool = False


@dataclass(frozen=True)
class Part:
    name: str  # what `gendata --only` names
    generate: Callable[[Run], str | None]  # the line to print, None when it wrote nothing
    unchanged: str = ""  # what gendata says when a part asked for wrote nothing
    requires: tuple[str, ...] = ()  # parts run first (each does nothing when its data exist)
    gendata: bool = True  # may be asked for by gendata --only (the demo accounts only exist in a demo)


def _current(run: Run, what: str) -> Campaign | None:
    campaign = current_campaign()
    if campaign is None and run.strict:
        raise GendataError(f"没有正在开展的主题教育，无法生成{what}")
    return campaign


def _orgs(run: Run) -> str:
    counts = orgs_generate(run.scale, run.seed, actor=run.actor, progress=run.progress, members=run.members)
    return (f"已生成（规模 {run.scale}，种子 {run.seed}）：党组织{counts['orgs']}个，党员{counts['members']}人，"
            f"领导干部{counts['cadres']}人")


def _accounts(run: Run) -> str | None:
    _, created = ensure_demo_accounts(actor=run.actor, password=demo_password())
    return f"已创建演示账号：{'、'.join(created)}" if created else None


def _campaigns(run: Run) -> str | None:
    if not campaigns_generate(actor=run.actor, seed=run.seed):
        return None
    return "已生成演示主题教育：第一批（历史）和第二批（当前开展），内设组和各县（区）联络组。"


def _measures(run: Run) -> str | None:
    if not measures_generate(actor=run.actor, seed=run.seed):
        return None
    return "已生成演示的四项重点措施记录（部分单位和领导干部有意留空）。"


def _problems(run: Run) -> str | None:
    if _current(run, "问题清单") is None:
        return None
    written = problems_generate(actor=run.actor, seed=run.seed, count=PROBLEMS.get(run.scale), progress=run.progress)
    if not written:
        return None
    return f"已生成问题清单：问题{written}个（已登记、整改中、申请销号、已销号，含逾期、延期、反弹）。"


def _supervision(run: Run) -> str | None:
    if _current(run, "督促指导记录") is None:
        return None
    counts = supervision_generate(actor=run.actor, seed=run.seed)
    return supervision_summary(counts) if counts else None


def _office(run: Run) -> str | None:
    written = submissions_generate(actor=run.actor, seed=run.seed)
    if not written:
        return None
    return (f"已生成演示请示报告：{written}件（经验做法、典型案例、请示、向省委教育办的请示报告和批复、来函、通知，"
            "含已分办、已答复、已办结和逾期的）。")


# Campaigns after the accounts: the demo office and liaison users join their teams and groups; the ledger after
# the measures (a life meeting's items become problems), supervision after the ledger (findings go into it).
PARTS: tuple[Part, ...] = (
    Part("orgs", _orgs),  # organisations and cadres, with their party members unless asked otherwise
    Part("accounts", _accounts, gendata=False),
    Part("campaigns", _campaigns, "已有主题教育，未再生成。"),
    Part("measures", _measures, "已有四项重点措施记录，未再生成。", requires=("campaigns",)),
    Part("problems", _problems, "当前主题教育已有问题清单，未再生成。", requires=("campaigns",)),
    Part("supervision", _supervision, "当前主题教育已有督促指导记录（或没有联系单位的联络组），未再生成。",
         requires=("campaigns",)),
    Part("office", _office, "当前主题教育已有请示报告，未再生成。", requires=("campaigns",)),
)
# What `gendata --only` accepts: the parts, and `members` (the organisations' party members, written with them).
CHOICES: tuple[str, ...] = ("orgs", "members", *(p.name for p in PARTS if p.gendata and p.name != "orgs"))


def parse_only(text: str, scale: str) -> tuple[list[str], bool]:
    """gendata's `--only`: the parts asked for and whether the members come with the organisations. By default the
    organisations and their members, and the problems too at the scales that have a ledger (PROBLEMS)."""
    if not text.strip():
        return ["orgs", *(["problems"] if scale in PROBLEMS else [])], True
    names = {p.strip() for p in text.split(",") if p.strip()}
    unknown = names - set(CHOICES)
    if unknown:
        raise GendataError(f"未知的 --only 取值：{'、'.join(sorted(unknown))}（可选：{','.join(CHOICES)}）")
    if "members" in names and "orgs" not in names:
        raise GendataError("党员（members）只能和党组织（orgs）一起生成")
    return [p.name for p in PARTS if p.name in names], "members" in names


@dataclass(frozen=True)
class Done:
    part: Part
    line: str | None  # None: it wrote nothing
    seconds: float
    asked: bool  # asked for, not only required by another part


def walk(names: Iterable[str], run: Run) -> Iterator[Done]:
    """Run the parts `names` and those they require, in the order of PARTS. Every part but the organisations
    needs a registry to work on."""
    asked = set(names)
    wanted = set(asked)
    for part in reversed(PARTS):  # a part requires only parts before it
        if part.name in wanted:
            wanted.update(part.requires)
    if "orgs" not in wanted and not Organization.objects.exists():
        first = next((part.name for part in PARTS if part.name in asked), "orgs")
        raise GendataError(f"党组织库为空，请先生成党组织（--only orgs,{first}）")
    for part in PARTS:
        if part.name not in wanted:
            continue
        started = time.monotonic()
        line = part.generate(run)
        yield Done(part, line, time.monotonic() - started, part.name in asked)
