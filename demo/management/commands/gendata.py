"""manage.py gendata --scale demo|city|province|tiny --seed N [--only PARTS]: a deterministic, realistic city.

The parts are demo.parts' (the one list `manage.py demo` walks too), written as SystemActor("gendata"): `orgs`
(organisations and cadres), `members` (their party members, only with `orgs`), `campaigns`, `measures`, `problems`
(the ledger of the current campaign), `supervision` (the liaison groups' visits, findings, actions and letters),
`office` (the communication log); a part brings the parts it needs (the campaigns, for the ledger) when they are
missing. By default every scale gets orgs and members, and the city and province scales also their problems
(DESIGN §6: 50,000 and 1,000,000); the demo's other parts come from `manage.py demo`, after its accounts.
`--only orgs,problems` leaves the members out (the province benchmark of the ledger: planning 4,000,000 members
takes minutes and nothing there reads them); `--only problems` adds problems to an existing registry, `--only
supervision` supervision to an existing ledger.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from demo.generators.orgs import SCALES, GendataError
from demo.parts import CHOICES, Run, parse_only, walk


class Command(BaseCommand):
    help = "生成确定性的演示/压测数据（党组织、党员、领导干部；city、province 另含问题清单），党组织只能在空库上生成"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="demo",
                            help="规模：tiny（测试）、demo（约1,500个党组织）、city（约15,000个）、province（约200,000个）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--only", default="",
                            help=f"只生成其中几部分，逗号分隔：{','.join(CHOICES)}"
                                 "（默认：党组织和党员，city、province 另含问题清单）")

    def handle(self, *args: Any, **opts: Any) -> None:
        scale, seed = opts["scale"], opts["seed"]
        verbose = opts["verbosity"] >= 1
        progress = (lambda msg: self.stdout.write(f"  {msg}")) if opts["verbosity"] >= 2 else None
        try:
            names, members = parse_only(opts["only"], scale)
            run = Run(actor=SystemActor("gendata"), seed=seed, scale=scale, members=members, progress=progress,
                      strict=True)
            for done in walk(names, run):
                if not verbose:
                    continue
                if done.line:
                    line = f"{done.line.removesuffix('。')}，用时{done.seconds:.1f}秒"
                    self.stdout.write(self.style.SUCCESS(line))
                elif done.asked and done.part.unchanged:
                    self.stdout.write(done.part.unchanged)
        except GendataError as exc:
            raise CommandError(str(exc)) from exc
