"""The apps of src/doorbraak import each other without cycles, and nobody's private names.

The graph is read from the source with ``ast``: every ``import`` and ``from … import`` of a
``doorbraak.<app>`` module, wherever it stands (top level, inside a function, under
``TYPE_CHECKING``), counts as an edge from the importing app to the imported one. Migrations
are history and do not count. ``lib`` is the bottom: it imports no app. The layers are drawn
in docs/architecture.md ("How the apps depend on each other").

Imports stand at the top of a module: one inside a function is allowed only with a
``# cycle: <why>`` comment (on its line or just above), and the processing log's writer is
called only from each app's ``processing.py`` (docs/architecture.md, "Logging").
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "doorbraak"
TESTS = Path(__file__).resolve().parent

#: Edges that still close a cycle, each with what closes it. Remove an edge here when the
#: code stops needing it (the test below fails while a listed edge no longer exists); never
#: add one: compose in ``home``, move shared helpers to ``lib`` or invert the dependency.
KNOWN_BACK_EDGES: dict[tuple[str, str], str] = {}


def _app_of(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else None


def _imported_modules(tree: ast.AST) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
            # ``from doorbraak.x import services`` names the module doorbraak.x.services
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return modules


def app_graph() -> dict[str, dict[str, set[str]]]:
    """``{app: {imported app: {importing files}}}`` for the apps of src/doorbraak."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(SRC.rglob("*.py")):
        app = _app_of(path)
        if app is None or "migrations" in path.parts:
            continue
        graph[app]  # every app is a node, even one that imports nothing
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if (
                parts[0] == "doorbraak"
                and len(parts) > 1
                and parts[1] != app
                and (SRC / parts[1]).is_dir()
            ):
                graph[app][parts[1]].add(str(path.relative_to(SRC)))
    return graph


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of apps, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = 1
        path.append(app)
        for other in sorted(edges.get(app, ())):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        path.pop()
        state[app] = 2
        return None

    for app in sorted(edges):
        if app not in state and (found := visit(app)):
            return found
    return None


def test_lib_imports_no_app() -> None:
    assert dict(app_graph()["lib"]) == {}


def test_the_apps_import_each_other_without_cycles() -> None:
    graph = app_graph()
    edges = {
        app: {other for other in imported if (app, other) not in KNOWN_BACK_EDGES}
        for app, imported in graph.items()
    }
    cycle = _cycle(edges)
    if cycle:
        steps = [
            f"{a} -> {b} ({', '.join(sorted(graph[a][b]))})" for a, b in itertools.pairwise(cycle)
        ]
        raise AssertionError("The apps import each other in a cycle:\n" + "\n".join(steps))


def test_every_known_back_edge_still_exists() -> None:
    graph = app_graph()
    gone = [edge for edge in KNOWN_BACK_EDGES if edge[1] not in graph[edge[0]]]
    assert gone == [], f"remove these from KNOWN_BACK_EDGES, they are fixed: {gone}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def _is_module(dotted: str) -> bool:
    """Whether ``doorbraak.x.y`` / ``tests.x.y`` names a module or package of ours."""
    root = SRC.parent if dotted.startswith("doorbraak") else TESTS.parent
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = ("doorbraak", "tests")
    found: list[str] = []
    module_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(ours):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{path}:{node.lineno} imports {node.module}.{alias.name}")
                if _is_module(f"{node.module}.{alias.name}"):
                    module_names.add(alias.asname or alias.name)
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{path}:{node.lineno} imports from private {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ours):
                    module_names.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_names
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_another_module_s_private_names() -> None:
    paths = [*sorted(SRC.rglob("*.py")), *sorted(TESTS.rglob("*.py"))]
    found = [line for path in paths for line in _private_imports(path)]
    assert found == []


def test_the_private_name_check_finds_planted_ones(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from doorbraak.breakthroughs import policies\n"
        "from doorbraak.lib.spreadsheet import _FORMULA_START\n"
        "policies._hidden(1)\n"
        "from doorbraak.accounts.admin import admin_site\n"
        "admin_site._registry  # an object's attribute, not a module's name\n",
        encoding="utf-8",
    )
    assert [line.split(" ", 1)[1] for line in _private_imports(planted)] == [
        "imports doorbraak.lib.spreadsheet._FORMULA_START",
        "uses policies._hidden",
    ]


# --- imports inside functions -----------------------------------------------------------------
def _function_level_imports(path: Path) -> list[str]:
    """Imports of our modules inside a function that carry no ``# cycle:`` comment."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found: list[str] = []

    def documented(lineno: int) -> bool:
        # The import's own line, or the comments and imports right above it.
        index = lineno - 1
        if "# cycle:" in lines[index]:
            return True
        index -= 1
        while index >= 0 and lines[index].strip().startswith(("#", "from ", "import ")):
            if lines[index].strip().startswith("# cycle:"):
                return True
            index -= 1
        return False

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                names = (
                    [alias.name for alias in child.names]
                    if isinstance(child, ast.Import)
                    else [child.module or ""]
                )
                ours = any(name.split(".")[0] == "doorbraak" for name in names)
                if ours and not documented(child.lineno):
                    found.append(f"{path}:{child.lineno} imports {', '.join(names)}")
            visit(child, inside)

    visit(ast.parse(text), in_function=False)
    return found


def test_project_imports_stand_at_the_top_unless_a_cycle_is_documented() -> None:
    paths = [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]
    found = [line for path in paths for line in _function_level_imports(path)]
    assert found == [], "move these to the top of the module, or document the cycle"


def test_the_function_level_check_finds_planted_ones(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from doorbraak.lib import limits\n"
        "def f():\n"
        "    from doorbraak.households.services import record_event\n"
        "    import datetime\n"
        "def g():\n"
        "    # cycle: b imports this module\n"
        "    from doorbraak.b import c\n"
        "    from doorbraak.b import d\n"
        "def h():\n"
        "    from doorbraak.e import f  # cycle: e imports this module\n"
        "    if True:\n"
        "        import doorbraak.x.y\n",
        encoding="utf-8",
    )
    assert [line.split(" ", 1)[1] for line in _function_level_imports(planted)] == [
        "imports doorbraak.households.services",
        "imports doorbraak.x.y",
    ]


# --- the processing log's one way in ----------------------------------------------------------
#: The functions that write processing-log records (doorbraak.audit.services).
_WRITERS = {"processing_log_record", "processing_log_record_many", "processing_log_read"}


def _log_writes_outside_processing(path: Path) -> list[str]:
    """Uses of the log's writer in a module that is not its app's ``processing.py``."""
    if path.name == "processing.py" or (path.is_relative_to(SRC) and _app_of(path) == "audit"):
        return []
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "doorbraak.audit.services":
            found += [
                f"{path}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name in _WRITERS
            ]
        elif isinstance(node, ast.Attribute) and node.attr in _WRITERS:
            found.append(f"{path}:{node.lineno} calls {node.attr}")
    return found


def test_every_app_writes_the_processing_log_through_its_processing_module() -> None:
    paths = [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]
    found = [line for path in paths for line in _log_writes_outside_processing(path)]
    assert found == [], "write the log through <app>/processing.py"


def _private_log_wrappers(path: Path) -> list[str]:
    """Private ``_…log…`` functions that wrap an app's processing helpers (or the writer)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers = set(_WRITERS)
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.endswith(".processing"):
                helpers |= {alias.asname or alias.name for alias in node.names}
            modules |= {
                alias.asname or alias.name for alias in node.names if alias.name == "processing"
            }
    found: list[str] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or not (
            function.name.startswith("_") and "log" in function.name
        ):
            continue
        for call in ast.walk(function):
            if not isinstance(call, ast.Call):
                continue
            target = call.func
            if (isinstance(target, ast.Name) and target.id in helpers) or (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in modules
            ):
                found.append(f"{path}:{function.lineno} {function.name} wraps the log")
                break
    return found


def test_no_private_log_wrappers_are_left() -> None:
    """Callers name the app's public helper where they log, not a private ``_log…``."""
    paths = [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]
    found = [line for path in paths for line in _private_log_wrappers(path)]
    assert found == []


def test_the_log_checks_find_planted_ones(tmp_path: Path) -> None:
    planted = tmp_path / "services.py"
    planted.write_text(
        "from doorbraak.audit.services import LogEntry, processing_log_record\n"
        "from doorbraak.plans.processing import log_plan\n"
        "from doorbraak.funds import processing\n"
        "def _log(plan):\n"
        "    log_plan(plan=plan)\n"
        "def _log_choices(form):\n"
        "    processing.log_household_choices(form=form)\n"
        "def plan_agree(plan):\n"
        "    log_plan(plan=plan)\n",
        encoding="utf-8",
    )
    assert [line.split(" ", 1)[1] for line in _log_writes_outside_processing(planted)] == [
        "imports processing_log_record"
    ]
    assert [line.split(" ", 1)[1] for line in _private_log_wrappers(planted)] == [
        "_log wraps the log",
        "_log_choices wraps the log",
    ]


#: Imports each module named on the command line first, in a process of its own forked
#: after ``django.setup()``, as the task worker (a task by its path) and ``manage.py`` (a
#: command by its name) do; prints the modules that failed.
_IMPORT_FIRST = """
import importlib, os, sys, traceback
import django
django.setup()
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1]:
        failed.append(name)
print(" ".join(failed))
"""


def test_every_task_and_command_module_imports_first() -> None:
    """A module the worker or ``manage.py`` loads by name imports on its own: a cycle
    between modules of one app (a task module importing the exports that import the
    services that queue the task) passes every test that imports the app some other way
    first, and fails the worker's first task."""
    import os
    import subprocess
    import sys

    entries = sorted(
        ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        for path in [
            *SRC.glob("*/tasks.py"),
            *SRC.glob("*/exports.py"),  # what the tasks build with
            *SRC.glob("*/management/commands/*.py"),
        ]
        if path.name != "__init__.py"
    )
    assert len(entries) > 20
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "doorbraak.config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_FIRST, *entries],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    assert done.stdout.strip() == "", done.stderr
