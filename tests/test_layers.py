"""The package's layers as a contract (docs/design.md section 5): every import of every
module of ``src/summitsim``, lazy imports inside functions and ``TYPE_CHECKING`` blocks
included, goes down the layer order or stays inside its layer, and no chain of imports
comes back to where it started."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "summitsim"

#: The layers, bottom first. A module may import from its own layer and the ones below;
#: a name ending in "/" is a package and stands for all its modules.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "__init__",
        "fingerprint",
        "jit_options",
        "outcomes",
        "rules",
        "draws",
        "atomic",
        "terminal_text",
        "shipped",
    ),
    ("scenario/",),
    ("arrays",),
    (
        "moves",
        "talks1",
        "talks",
        "blame",
        "kernel",
        "observation",
        "compilation",
        "agents",
        "account",
        "trial_setup",
        "summit_day",
        "model",
    ),
    ("plan", "sweep", "checkpoints", "cluster"),
    (
        "analysis",
        "sensitivity",
        "global_sensitivity",
        "factors",
        "whatif",
        "inference",
        "discovery",
        "baselines",
        "scoring",
        "baseline_report",
        "backtest",
        "expectations",
    ),
    ("summary",),
    ("figures/",),
    ("outputs/",),
    ("timeline",),
    ("demo/",),
    ("cli/", "pytest_plugin"),
)

#: Circles known and being removed elsewhere, each as the pair of modules that import
#: each other. An entry that no longer closes a circle fails the test: delete it then.
KNOWN_CIRCLES: set[frozenset[str]] = set()


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name under ``summitsim`` ("" for the
    package itself), e.g. ``cli.sweep``, ``demo.app``."""
    found = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = file.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = file
    return found


def imports_of(name: str, file: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``file`` imports anywhere in its text; a module that
    does not exist is returned as ``"missing: NAME"``."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                where = ".".join(["summitsim", *base, *([node.module] if node.module else [])])
            else:
                where = node.module or ""
            # ``from summitsim import draws`` imports the module draws, ``from summitsim
            # import __version__`` the package
            targets = [
                f"{where}.{alias.name}"
                if f"{where}.{alias.name}".removeprefix("summitsim.") in modules
                else where
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == "summitsim" or target.startswith("summitsim."):
                inner = target.removeprefix("summitsim").removeprefix(".")
                if inner not in modules:
                    found.add(f"missing: summitsim.{inner}")
                elif inner != name:
                    found.add(inner)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (only those that exist)."""
    modules = module_names()
    return {
        name: {t for t in imports_of(name, file, set(modules)) if not t.startswith("missing: ")}
        for name, file in modules.items()
    }


def raw_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, file, set(modules)) for name, file in modules.items()}


def layer_of(name: str) -> int:
    """The layer of module ``name``; a module missing from :data:`LAYERS` fails."""
    for rank, layer in enumerate(LAYERS):
        for entry in layer:
            if entry == "__init__" and name == "":
                return rank
            if entry.endswith("/") and (name == entry[:-1] or name.startswith(entry[:-1] + ".")):
                return rank
            if name == entry:
                return rank
    raise AssertionError(f"summitsim.{name} is in no layer: add it to LAYERS")


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in sorted(graph[node]):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def without_known(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges of :data:`KNOWN_CIRCLES`."""
    return {
        name: {t for t in targets if frozenset({name, t}) not in KNOWN_CIRCLES}
        for name, targets in graph.items()
    }


def test_every_module_is_in_a_layer():
    for name in module_names():
        layer_of(name)


def test_every_imported_module_exists():
    missing = sorted(
        f"summitsim.{name or '__init__'} imports {target.removeprefix('missing: ')}"
        for name, targets in raw_graph().items()
        for target in targets
        if target.startswith("missing: ")
    )
    assert not missing, "imports of modules that do not exist: " + "; ".join(missing)


def test_no_import_circle():
    found = circles(without_known(import_graph()))
    assert not found, "import circles: " + "; ".join(" <-> ".join(group) for group in found)


def test_known_circles_are_still_circles():
    graph = import_graph()
    for pair in KNOWN_CIRCLES:
        a, b = sorted(pair)
        assert b in graph[a] and a in graph[b], f"{a} <-> {b} is no circle now: remove it"


def test_every_import_goes_down_or_stays_in_its_layer():
    upward = [
        f"summitsim.{name or '__init__'} (layer {layer_of(name)}) imports summitsim.{target} "
        f"(layer {layer_of(target)})"
        for name, targets in without_known(import_graph()).items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(name)
    ]
    assert not upward, "imports that run back up:\n" + "\n".join(upward)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from summitsim import draws, __version__\n", {"draws", ""}),
        ("def f():\n    from summitsim.sweep import run_sweep\n", {"sweep"}),
        ("import summitsim.demo.app\n", {"demo.app"}),
        ("from summitsim.report import Summary\n", {"missing: summitsim.report"}),
        ("from . import flags\n", {"cli.flags"}),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import summitsim.plots\n",
            {"plots"},
        ),
    ],
)
def test_imports_are_found_wherever_they_are_written(tmp_path, text, expected):
    file = tmp_path / "__init__.py"
    file.write_text(text)
    modules = {"", "draws", "sweep", "demo", "demo.app", "plots", "cli", "cli.flags"}
    assert imports_of("cli", file, modules) == expected


def test_a_circle_through_three_modules_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
