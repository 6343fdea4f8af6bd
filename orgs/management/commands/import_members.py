from orgs.imports import ImportKind
from orgs.management.commands.import_orgs import ImportCommand


class Command(ImportCommand):
    kind = ImportKind.MEMBERS
