"""Pages of the registry: `registry` (the tree and its search, an organisation's page with its statistics and the
panels apps above add to it, its member and cadre lists, the picker's suggestions) and `io` (imports: upload →
mapping → validation → preview → confirm → progress; the exports of organisations, members and cadres). Every view
is importable from here."""

from orgs.views.io import (
    export_cadres,
    export_members,
    export_orgs,
    import_confirm,
    import_detail,
    import_progress,
    import_start,
    import_template,
)
from orgs.views.registry import cadre_list, detail, member_list, pick, tree, tree_children

__all__ = [
    "cadre_list",
    "detail",
    "export_cadres",
    "export_members",
    "export_orgs",
    "import_confirm",
    "import_detail",
    "import_progress",
    "import_start",
    "import_template",
    "member_list",
    "pick",
    "tree",
    "tree_children",
]
