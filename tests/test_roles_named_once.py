"""Who may do what has one home: accounts/permissions.py names each role next to what it may do, and no other
module of the application compares roles. Everything else asks a capability (`accounts.permissions.has`) or an
app's predicate (`<app>/permissions.py`, `can_<verb>_<noun>(actor, obj=None)`)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The table itself, and the enum of role values it is keyed by.
HOME = {"accounts/permissions.py", "accounts/choices.py"}
NAMES_A_ROLE = re.compile(r"\bRole\.[A-Z]+\b|\.role\s*(==|!=|\bin\b|\bnot in\b)|role\s*==\s*['\"]")
TEMPLATE_ROLE = re.compile(r"\.role\s*(==|!=|\bin\b)")


def _application_files(suffix: str) -> list[Path]:
    return [p for p in ROOT.rglob(f"*{suffix}")
            if not {".venv", "tests", "migrations", "var", "static", "node_modules"} & set(p.relative_to(ROOT).parts)
            and not p.name.startswith("test_") and p.name != "conftest.py"]


def test_no_module_but_the_capability_table_names_a_role():
    found = []
    for path in _application_files(".py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in HOME:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NAMES_A_ROLE.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "ask a capability instead (accounts.permissions):\n" + "\n".join(found)


def test_no_template_compares_roles():
    found = []
    for path in _application_files(".html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_ROLE.search(line):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{n}")
    assert not found, "templates ask `can` (accounts.context_processors):\n" + "\n".join(found)
