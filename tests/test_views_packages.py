"""An app whose pages outgrew one `views.py` keeps them in a `views/` package, one module by entity, every view
re-exported from the package (DESIGN §3). A view re-exported under its module's own name would hide the module
(`orgs.views.tree` the function, not the module), so a dotted path to the module — a mock's, a reader's — would
reach the wrong thing: no module of a views package is named like a view it exports."""

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def views_packages() -> list[str]:
    return sorted(f"{p.parent.parent.name}.views" for p in ROOT.glob("*/views/__init__.py"))


def test_the_apps_that_outgrew_one_views_module_have_a_views_package() -> None:
    assert {"core.views", "measures.views", "orgs.views", "problems.views", "supervision.views"} <= set(
        views_packages())


def test_every_module_of_a_views_package_is_reached_by_its_dotted_path() -> None:
    hidden = []
    for name in views_packages():
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.{module.name}")
            if not isinstance(getattr(package, module.name), ModuleType):
                hidden.append(f"{name}.{module.name}")
    assert not hidden, f"modules hidden by a view of the same name: {hidden}"


def test_no_app_keeps_sibling_views_modules() -> None:
    siblings = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/*_views.py"))
    assert not siblings, f"views modules beside views.py (make them modules of a views/ package): {siblings}"
