"""Layers run one way: core ← accounts ← orgs ← administration/campaigns ← measures/problems ← supervision/office ←
assessment ← api ← the project (jiaoyuban, demo) ← scripts.

Every non-test, non-migration module's imports (module level and inside functions) are read with `ast` and mapped
to their app's layer. A module may import from its own app and from the layers below it; an import from a layer
above, or between the two siblings of a layer (measures ↔ problems, supervision ↔ office), fails — except the
violations listed in KNOWN_VIOLATIONS, which exist today and are known work. An entry of that list that no longer
occurs fails too, so the list only shrinks.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The layer of each top-level package. `api` only assembles the apps' routers; the project sits on top.
LAYERS: dict[str, int] = {
    "core": 0,
    "accounts": 1,
    "orgs": 2,
    # User administration gives each account a jurisdiction in the organisation tree, so it sits above orgs; it
    # reads nothing above orgs, and the demo's accounts, the fixtures and the scripts above create users through it.
    "administration": 3,
    "campaigns": 3,
    "measures": 4,
    "problems": 4,
    "supervision": 5,
    "office": 5,
    "assessment": 6,  # reads measures, problems, supervision and office (lead actions, coverage)
    "api": 7,
    "jiaoyuban": 8,
    "demo": 8,
    "scripts": 9,  # the benchmark and page timings read the generators (demo) and the project
}

# Top-level directories that hold Python but are not application code.
NOT_LAYERED = {"tests"}

# (importing module, imported app) → why it is there and what removes it. Empty: every layer imports only downwards.
# A lower app that needs something from above offers a registry the upper app adds itself to (orgs.panels,
# measures.panels, core.daily, core.scoping's narrowers) instead of an entry here.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_application_module(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not ("tests" in parts or "migrations" in parts or path.name.startswith("test_")
                or path.name == "conftest.py")


def imported_modules(source: str, package: str) -> Iterator[str]:
    """Every module `source` imports, at module level or inside functions and classes; relative imports are
    resolved against `package` (the package the module belongs to)."""
    parts = package.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module or ""


def crossing(importer_app: str, imported_app: str) -> bool:
    """An import from `importer_app` into `imported_app` goes up a layer or sideways to a sibling."""
    if importer_app == imported_app or imported_app not in LAYERS:
        return False
    return LAYERS[imported_app] >= LAYERS[importer_app]


def violations(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(importing module, imported app) → the imported modules, for every import that crosses a layer."""
    found: dict[tuple[str, str], list[str]] = {}
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            if not is_application_module(path, root):
                continue
            module = module_name(path, root)
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for imported in imported_modules(path.read_text(encoding="utf-8"), package):
                imported_app = imported.split(".")[0]
                if crossing(app, imported_app):
                    found.setdefault((module, imported_app), []).append(imported)
    return found


def test_no_module_imports_from_a_layer_above_or_a_sibling() -> None:
    new = {key: modules for key, modules in violations().items() if key not in KNOWN_VIOLATIONS}
    assert not new, "imports against the layers (core ← accounts ← orgs ← campaigns ← measures/problems ← " \
        "supervision/office ← assessment ← api ← the project):\n" + "\n".join(
            f"  {importer} imports {', '.join(sorted(set(modules)))}" for (importer, _), modules in sorted(new.items()))


def test_every_known_violation_still_occurs_so_the_list_only_shrinks() -> None:
    gone = sorted(set(KNOWN_VIOLATIONS) - set(violations()))
    assert not gone, "fixed — remove from KNOWN_VIOLATIONS: " + ", ".join(f"{a} → {b}" for a, b in gone)


def test_every_top_level_package_has_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_LAYERED
    assert packages <= set(LAYERS), f"packages without a layer: {sorted(packages - set(LAYERS))}"


def test_imports_inside_functions_and_relative_imports_are_read() -> None:
    source = (
        "import orgs.models\n"
        "from campaigns import selectors\n"
        "from . import forms\n"
        "from .services import x\n"
        "from .. import api\n"
        "def f():\n"
        "    from supervision.models import Visit\n"
        "class C:\n"
        "    def g(self):\n"
        "        import office.services\n"
    )
    assert sorted(imported_modules(source, "problems.io")) == [
        "campaigns", "office.services", "orgs.models", "problems", "problems.io", "problems.io.services",
        "supervision.models",
    ]


def test_an_import_from_above_or_from_a_sibling_crosses_and_one_from_below_does_not() -> None:
    assert crossing("orgs", "campaigns")
    assert crossing("core", "accounts")
    assert crossing("measures", "problems") and crossing("problems", "measures")
    assert crossing("supervision", "office") and crossing("office", "supervision")
    assert crossing("campaigns", "api")
    assert not crossing("problems", "campaigns")
    assert not crossing("api", "supervision")
    assert not crossing("jiaoyuban", "api")
    assert not crossing("measures", "measures")
    assert not crossing("orgs", "django")
