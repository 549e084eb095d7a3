"""bench/ is developer tooling: no product code imports it and the wheel does not ship it."""

import ast
import fnmatch
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "maps", "comparison")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", PRODUCT)
def test_no_product_module_imports_bench(package):
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources, f"no Python files under {package}/"
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sources
        for module in sorted(_imported_modules(path))
        if module == "bench" or module.startswith("bench.")
    ]
    assert offenders == []


def test_the_wheel_leaves_bench_out():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    # setuptools matches these patterns against dotted package names, as fnmatch does.
    shipped = [
        name
        for name in ("bench", "bench.speed")
        if any(fnmatch.fnmatchcase(name, p) for p in include)
    ]
    assert shipped == []
    assert all(any(fnmatch.fnmatchcase(package, p) for p in include) for package in PRODUCT)
