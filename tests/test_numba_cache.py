"""numba's cache is keyed by the model's fingerprint: code compiled from other source of the
rules, draws, layout or kernel is never loaded (numba alone keys a function by its own
file, so the kernel, which inlines the rules, could run stale code after an edit of
``rules.py``).

Nothing is edited: each check runs in a fresh process on a temporary ``NUMBA_CACHE_DIR``,
and a changed fingerprint is a replaced :func:`summitsim.fingerprint.model_fingerprint`.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summitsim import fingerprint
from summitsim.fingerprint import KERNEL_SOURCES, keyed_cache_dir, model_fingerprint

PACKAGE = Path(fingerprint.__file__).resolve().parent
OTHER = "0123456789abcdef" * 4

#: Compiles one small rule and says where its cache is and whether it was loaded from it.
PROBE = """
import json, sys
import summitsim.fingerprint
if sys.argv[1] != "current":
    summitsim.fingerprint.model_fingerprint = lambda: sys.argv[1]
from summitsim import rules
assert rules.sidelined(0.2, 0.3)
print(json.dumps({"folder": rules.sidelined._cache._cache_path,
                  "hits": sum(rules.sidelined.stats.cache_hits.values()),
                  "misses": sum(rules.sidelined.stats.cache_misses.values())}))
"""


def _compile(cache: Path, fingerprint_value: str = "current") -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if key != "NUMBA_DISABLE_JIT"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, fingerprint_value],
        env={**env, "NUMBA_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _indexes(folder: Path) -> set[str]:
    return {path.name for path in folder.rglob("*.nbi")}


def test_a_changed_fingerprint_means_a_fresh_cache(tmp_path: Path) -> None:
    cache = tmp_path / "numba"
    current = keyed_cache_dir(cache, model_fingerprint())
    other = keyed_cache_dir(cache, OTHER)
    assert current.name == "summitsim-" + model_fingerprint()[:16]
    assert other.name == "summitsim-0123456789abcdef"

    cold = _compile(cache)
    assert cold["misses"] == 1 and cold["hits"] == 0  # compiled
    assert Path(str(cold["folder"])).is_relative_to(current)
    written = list(cache.rglob("*.nbi"))
    assert written and all(path.is_relative_to(current) for path in written)
    assert any(name.startswith("rules.sidelined-") for name in _indexes(current))

    warm = _compile(cache)
    assert warm["hits"] == 1 and warm["misses"] == 0  # the same code loads what it compiled

    changed = _compile(cache, OTHER)
    assert changed["hits"] == 0 and changed["misses"] == 1  # other code compiles afresh
    assert Path(str(changed["folder"])).is_relative_to(other)
    assert _indexes(other) == {name for name in _indexes(current) if "sidelined" in name}
    assert sorted(path.name for path in cache.iterdir()) == sorted([current.name, other.name])


def _summitsim_imports(path: Path) -> set[str]:
    """The summitsim modules a source file imports, lazily or not."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("summitsim"):
            found.add(node.module)
            spec = importlib.util.find_spec(node.module)
            if spec is not None and spec.submodule_search_locations is not None:  # a package
                for alias in node.names:
                    if importlib.util.find_spec(f"{node.module}.{alias.name}") is not None:
                        found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("summitsim")}
    return found


def _compiled_with_cache(path: Path) -> bool:
    """Whether a function of the file is decorated with ``...(cache=True)``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and any(
                    keyword.arg == "cache" and ast.literal_eval(keyword.value) is True
                    for keyword in decorator.keywords
                ):
                    return True
    return False


@pytest.mark.parametrize(
    "module",
    ["rules", "draws", "arrays", "moves", "talks", "blame", "kernel", "observation", "inference"],
)
def test_every_cached_kernel_module_keys_the_cache_before_its_first_njit(module: str) -> None:
    text = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    compiled = [text.find(mark) for mark in ("@njit(", "@njit_no_runtime(")]
    assert text.index("\nkey_numba_cache()") < min(at for at in compiled if at >= 0)


def test_the_fingerprint_covers_every_compiled_module_the_kernel_is_built_from() -> None:
    """A module compiled with ``cache=True`` that the kernel imports, however indirectly,
    decides a trial's numbers: it must be hashed, and it must key the cache itself."""
    seen, waiting = set(), ["summitsim.kernel"]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None
        waiting += sorted(_summitsim_imports(Path(spec.origin)))
    compiled = set()
    for name in seen:
        origin = Path(str(importlib.util.find_spec(name).origin))  # type: ignore[union-attr]
        if _compiled_with_cache(origin):
            compiled.add(origin.name)
    # the hashed sources: every compiled one, and the tables they read (outcomes, fields)
    hashed = {Path(source).name for source in KERNEL_SOURCES}
    assert compiled <= hashed
    for path in PACKAGE.rglob("*.py"):
        if _compiled_with_cache(path):
            assert path.name in hashed, f"{path} compiles with cache=True unhashed"


def test_cache_folders_of_earlier_source_are_removed_from_the_package_tree(
    tmp_path: Path,
) -> None:
    earlier, current = tmp_path / "summitsim-aaaa", tmp_path / "summitsim-bbbb"
    unrelated = tmp_path / "numba-of-something-else"
    for folder in (earlier, current, unrelated):
        (folder / "sub").mkdir(parents=True)
    fingerprint._remove_other_fingerprints(current)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "numba-of-something-else",
        "summitsim-bbbb",
    ]
