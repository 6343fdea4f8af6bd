from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from orgs.exports import write_template
from orgs.imports import ImportKind


class Command(BaseCommand):
    help = "生成导入模板：import_template orgs|members|cadres 文件.xlsx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        with open(opts["file"], "wb") as out:
            write_template(kind=opts["kind"], out=out)
        self.stdout.write(f"已生成{ImportKind(opts['kind']).label}导入模板：{opts['file']}")
