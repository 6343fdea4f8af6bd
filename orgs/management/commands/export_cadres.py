from orgs.management.commands.export_members import ExportCommand
from orgs.models import Cadre


class Command(ExportCommand):
    model = Cadre
    label = "领导干部"
