"""The apps depend on each other in one direction only, read from their `import` lines.

An app may import the apps of its own layer and of the layers below it, never those
above: the roster does not know about pairings, pairings do not know about meetings'
pages, and the demo (which builds everything) is known by nobody. `dyad/policy.py`
decides from models alone, so that any selector or service may ask it without a cycle.
The test parses the source (ast), so a lazy import inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

DYAD = Path(__file__).resolve().parent.parent / "dyad"

# Lowest first. `audit` sits low because every service writes the log; `changes` (the
# change log that cached figures are keyed by) because any selector may read a version.
LAYERS = [
    {"lib"},
    {"accounts", "audit", "changes"},
    {"programs"},
    {"profiles"},
    {"training"},
    {"relationships"},
    {"meetings", "questions", "reminders", "matching", "resources", "checkins"},
    {"goals", "faculty", "expectations"},
    {"coaching"},
    {"feedback", "surveys"},
    {"home", "demo", "retention", "insight", "rollover"},
    {"api", "privacy"},
]
RANK = {app: n for n, layer in enumerate(LAYERS) for app in layer}

# Modules of the package root that any app may use: the rules (policy), the
# fetch-and-check helpers (access), and small plumbing with no app import of its own.
SHARED = {
    "policy",
    "access",
    "flow",
    "fields",
    "files",
    "notifications",
    "settings",
    "checks",
    "urls",
    "wsgi",
    "personal_data",
    "middleware",
}

# Upward imports that exist today, each with why; a new one fails the test.
KNOWN_UPWARD = {
    # A guide's places left and a learner's conflicts are computed from pairings.
    ("dyad/profiles/availability.py", "relationships"),
    ("dyad/profiles/selectors.py", "relationships"),
    ("dyad/profiles/suggestions.py", "relationships"),
    # The relationship page lists the pair's meetings.
    ("dyad/relationships/views.py", "meetings"),
}


def imported_modules(path: Path) -> set[str]:
    """Every `dyad.…` module the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            # `from dyad import policy` names the module in the alias.
            if node.module == "dyad":
                found |= {f"dyad.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("dyad.")}


def app_of(module: str) -> str:
    return module.split(".")[1]


def source_files(app: str) -> list[Path]:
    """The app's code; its tests and migrations may reach across layers."""
    return sorted(
        path
        for path in (DYAD / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(DYAD).parts)
    )


def relative(path: Path) -> str:
    return str(path.relative_to(DYAD.parent))


def upward_imports(app: str) -> set[tuple[str, str]]:
    return {
        (relative(path), app_of(module))
        for path in source_files(app)
        for module in imported_modules(path)
        if app_of(module) in RANK and RANK[app_of(module)] > RANK[app]
    }


def test_every_app_has_a_layer():
    apps = {p.name for p in DYAD.iterdir() if (p / "__init__.py").exists()}
    assert apps <= set(RANK), "give the new app a layer in LAYERS"


def test_every_imported_module_is_an_app_or_shared():
    imported = {app_of(m) for path in DYAD.rglob("*.py") for m in imported_modules(path)}
    assert imported <= set(RANK) | SHARED


@pytest.mark.parametrize("app", sorted(app for layer in LAYERS for app in layer))
def test_no_new_upward_import(app):
    if not (DYAD / app).is_dir():
        pytest.skip(f"dyad/{app} does not exist yet")
    assert upward_imports(app) <= KNOWN_UPWARD, "import from a lower layer, or move the code up"


def test_known_upward_imports_still_exist():
    """An exception that is no longer needed is struck off, so that it cannot return."""
    current = set().union(*(upward_imports(app) for app in RANK if (DYAD / app).is_dir()))
    assert current >= KNOWN_UPWARD


def test_programs_import_no_app_above_accounts():
    above = {"profiles", "relationships", "meetings", "matching", "questions", "reminders"}
    found = {
        (relative(path), module)
        for path in source_files("programs")
        for module in imported_modules(path)
        if app_of(module) in above | {"goals", "demo", "home"}
    }
    assert found == set()


def test_nobody_imports_the_demo():
    found = {
        relative(path)
        for path in DYAD.rglob("*.py")
        if "demo" not in path.relative_to(DYAD).parts[:1]
        and any(app_of(m) == "demo" for m in imported_modules(path))
    }
    assert not found


def test_policy_depends_only_on_models():
    """No selector, service or view: those ask the policy, so it must not ask them."""
    modules = imported_modules(DYAD / "policy.py")
    others = {m for m in modules if not (m.endswith(".models") or m.startswith("dyad.lib"))}
    assert not others


def test_the_parser_sees_lazy_and_aliased_imports(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "from dyad import policy\n"
        "import dyad.meetings.models\n"
        "def f():\n"
        "    from dyad.matching.selectors import is_in_pool\n"
        "from .models import Local\n"
    )
    assert imported_modules(source) == {
        "dyad.policy",
        "dyad.meetings.models",
        "dyad.matching.selectors",
    }
