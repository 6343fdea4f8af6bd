"""manage.py gendata --scale demo|city|province|tiny --seed N: a deterministic, realistic city."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.gendata import SCALES, GendataError, generate


class Command(BaseCommand):
    help = "生成确定性的演示/压测数据（党组织、党员、领导干部），只能在空库上运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="demo",
                            help="规模：tiny（测试）、demo（约1,500个党组织）、city（约15,000个）、province（约200,000个）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        progress = (lambda msg: self.stdout.write(f"  {msg}")) if opts["verbosity"] >= 2 else None
        try:
            counts = generate(opts["scale"], opts["seed"], progress=progress)
        except GendataError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        if opts["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"已生成（规模 {opts['scale']}，种子 {opts['seed']}）：党组织{counts['orgs']}个，"
                f"党员{counts['members']}人，领导干部{counts['cadres']}人，用时{seconds:.1f}秒"
            ))
