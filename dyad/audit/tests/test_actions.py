"""One list of audit actions: every call that writes the audit log names one of them."""

import ast
from pathlib import Path

import pytest

import dyad
from dyad.audit.actions import FAMILIES, AuditAction

ROOT = Path(dyad.__file__).parent
# Functions that write the audit log, and the argument that names the action.
WRITERS = {"audit_log", "_audit", "_rematch_audit"}


def _calls():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in WRITERS:
                    yield path.relative_to(ROOT.parent), node


def _action_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    return call.args[0] if call.args else None


def _problems(expr: ast.expr | None) -> list[str]:
    """Why `expr` does not name an action of the list (empty when it does)."""
    if isinstance(expr, ast.IfExp):
        return _problems(expr.body) + _problems(expr.orelse)
    if isinstance(expr, ast.Attribute) and getattr(expr.value, "id", None) == "AuditAction":
        return [] if expr.attr in AuditAction.__members__ else [f"AuditAction.{expr.attr}"]
    if isinstance(expr, ast.Call):
        func = expr.func
        if getattr(func, "id", None) == "AuditAction":  # AuditAction(f"…"): checked when run
            return []
        if isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "AuditAction":
            return [] if hasattr(AuditAction, func.attr) else [f"AuditAction.{func.attr}()"]
    if isinstance(expr, ast.Name):  # a helper's parameter, passed on
        return []
    return [ast.unparse(expr) if expr is not None else "no action"]


def test_every_audit_log_call_names_an_action_of_the_list():
    calls = list(_calls())
    assert len(calls) > 30  # the walk found the project's calls
    problems = [
        f"{path}:{call.lineno}: {problem}"
        for path, call in calls
        for problem in _problems(_action_argument(call))
    ]
    assert not problems, "audit_log actions not taken from AuditAction:\n" + "\n".join(problems)


def test_every_action_belongs_to_a_family_the_audit_page_shows():
    assert {action.family for action in AuditAction} == set(FAMILIES)


@pytest.mark.parametrize("rule", ["pin", "forbid"])
def test_pair_rule_actions_are_in_the_list(rule):
    assert AuditAction.for_pair_rule(rule) in AuditAction
    assert AuditAction.for_pair_rule(rule, removed=True) in AuditAction


def test_views_leave_audit_writes_to_the_services():
    in_views = [
        f"{path}:{call.lineno}"
        for path, call in _calls()
        if path.name == "views.py" or path.name.endswith("_views.py")
    ]
    assert not in_views, "audit_log called from a view: " + ", ".join(in_views)


def test_policy_and_relationship_selectors_do_not_import_each_other():
    def imported(module_path: Path) -> set[str]:
        tree = ast.parse(module_path.read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        return names

    assert "dyad.relationships.selectors" not in imported(ROOT / "policy.py")
    assert "dyad.policy" in imported(ROOT / "relationships" / "selectors.py")  # one way only
