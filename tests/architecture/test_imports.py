"""The apps form a graph without cycles: every import between apps points one way.

Imports inside functions count too (a function-level import is how a cycle hides), while
imports under `if TYPE_CHECKING:` do not (they never run). The top-level modules (`api`,
`urls`, `cli`, `settings`, ...) assemble the apps and may import any of them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import deskline

ROOT = Path(deskline.__file__).parent
ASSEMBLY = "(top level)"


def _app_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else ASSEMBLY


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """Imported deskline modules, skipping `if TYPE_CHECKING:` blocks."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(m, line) for m, line in found if m.startswith("deskline.")]


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app -> {imported app: ["file:line", ...]} over every source file but migrations."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = _app_of(path)
        for module, line in _imports(ast.parse(path.read_text(), str(path))):
            parts = module.split(".")
            target = parts[1] if len(parts) > 2 or (ROOT / parts[1]).is_dir() else ASSEMBLY
            if target != source:
                graph[source][target].append(f"{path.relative_to(ROOT)}:{line}")
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    """One cycle of apps as a path [a, b, ..., a], or [] if there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(app: str) -> list[str]:
        state[app] = 1
        stack.append(app)
        for target in sorted(graph.get(app, {})):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[app] = 2
        return []

    for app in sorted(graph):
        if app not in state:
            cycle = visit(app)
            if cycle:
                return cycle
    return []


def test_no_two_apps_import_each_other_directly_or_through_others():
    graph = app_graph()
    cycle = find_cycle({app: targets for app, targets in graph.items() if app != ASSEMBLY})
    where = [
        f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in zip(cycle, cycle[1:], strict=False)
    ]
    assert cycle == [], "a cycle between apps:\n" + "\n".join(where)


def test_the_cycle_finder_finds_a_cycle_through_three_apps():
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_core_imports_no_other_app():
    assert set(app_graph()["core"]) == set()
