"""manage.py gendata --scale demo|city|province|tiny --seed N [--only PARTS]: a deterministic, realistic city.

Parts: `orgs` (organisations and cadres), `members` (party members), `problems` (the problem ledger of the current
campaign, with campaigns generated first when there is none), `supervision` (the liaison groups' visits, findings,
actions and letters; only when asked for). By default every scale gets orgs and members, and the city and province
scales also their problems (DESIGN §6: 50,000 and 1,000,000); the demo's problems and supervision come from
`manage.py demo`, after its accounts and measures. `--only orgs,problems` leaves the members out (the province
benchmark of the ledger: planning 4,000,000 members takes minutes and nothing there reads them);
`--only problems` adds problems to an existing registry, `--only supervision` supervision to an existing ledger.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.generators.orgs import SCALES, GendataError, generate
from orgs.models import Organization

PARTS = ("orgs", "members", "problems", "supervision")
# Problems per scale (DESIGN §6); other scales: none unless asked for (then about 10/3 per unit).
PROBLEMS: dict[str, int] = {"city": 50_000, "province": 1_000_000}


def parse_parts(text: str, scale: str) -> set[str]:
    if not text.strip():
        return {"orgs", "members"} | ({"problems"} if scale in PROBLEMS else set())
    parts = {p.strip() for p in text.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        raise CommandError(f"未知的 --only 取值：{'、'.join(sorted(unknown))}（可选：{','.join(PARTS)}）")
    if "members" in parts and "orgs" not in parts:
        raise CommandError("党员（members）只能和党组织（orgs）一起生成")
    return parts


class Command(BaseCommand):
    help = "生成确定性的演示/压测数据（党组织、党员、领导干部；city、province 另含问题清单），党组织只能在空库上生成"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="demo",
                            help="规模：tiny（测试）、demo（约1,500个党组织）、city（约15,000个）、province（约200,000个）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--only", default="",
                            help="只生成其中几部分，逗号分隔：orgs,members,problems,supervision"
                                 "（默认：党组织和党员，city、province 另含问题清单）")

    def handle(self, *args: Any, **opts: Any) -> None:
        scale, seed = opts["scale"], opts["seed"]
        parts = parse_parts(opts["only"], scale)
        verbose = opts["verbosity"] >= 1
        progress = (lambda msg: self.stdout.write(f"  {msg}")) if opts["verbosity"] >= 2 else None
        if "orgs" in parts:
            started = time.monotonic()
            try:
                counts = generate(scale, seed, progress=progress, members="members" in parts)
            except GendataError as exc:
                raise CommandError(str(exc)) from exc
            if verbose:
                self.stdout.write(self.style.SUCCESS(
                    f"已生成（规模 {scale}，种子 {seed}）：党组织{counts['orgs']}个，"
                    f"党员{counts['members']}人，领导干部{counts['cadres']}人，用时{time.monotonic() - started:.1f}秒"
                ))
        if "problems" in parts:
            self._problems(scale, seed, progress, verbose)
        if "supervision" in parts:
            self._supervision(seed, verbose)

    def _problems(self, scale: str, seed: int, progress: Any, verbose: bool) -> None:
        from campaigns.selectors import current_campaign
        from demo.generators.campaigns import campaigns_generate
        from demo.generators.problems import problems_generate

        if not Organization.objects.exists():
            raise CommandError("党组织库为空，请先生成党组织（--only orgs,problems）")
        started = time.monotonic()
        if current_campaign() is None:
            campaigns_generate(seed=seed)
            if current_campaign() is None:
                raise CommandError("没有正在开展的主题教育，无法生成问题清单")
        written = problems_generate(seed=seed, count=PROBLEMS.get(scale), progress=progress)
        if verbose:
            if written:
                self.stdout.write(self.style.SUCCESS(
                    f"已生成问题清单：问题{written}个，用时{time.monotonic() - started:.1f}秒"))
            else:
                self.stdout.write("当前主题教育已有问题清单，未再生成。")

    def _supervision(self, seed: int, verbose: bool) -> None:
        from campaigns.selectors import current_campaign
        from demo.generators.campaigns import campaigns_generate
        from demo.generators.supervision import summary, supervision_generate

        if not Organization.objects.exists():
            raise CommandError("党组织库为空，请先生成党组织（--only orgs,supervision）")
        if current_campaign() is None:
            campaigns_generate(seed=seed)
            if current_campaign() is None:
                raise CommandError("没有正在开展的主题教育，无法生成督促指导记录")
        counts = supervision_generate(seed=seed)
        if verbose:
            self.stdout.write(self.style.SUCCESS(summary(counts)) if counts
                              else "当前主题教育已有督促指导记录（或没有联系单位的联络组），未再生成。")
