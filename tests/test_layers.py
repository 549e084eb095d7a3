"""Layer rules that import-linter cannot express (its contracts are in pyproject.toml).

Only services write models: a model write (`save`, `delete`, `objects.create`, a queryset's
`update`, `bulk_create`, ...) anywhere else in the product fails here, naming the place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("config", "maps", "comparison", "accounts")
# Where writes belong: a services package or module (maps.services, comparison.services,
# comparison.sharing.services, ...), and the embedding cache (comparison.embeddings is the
# service that stores and refreshes note vectors).
EMBEDDING_CACHE = "comparison/embeddings.py"
# Generated schema changes and Django admin's own forms write by design.
EXEMPT = ("/migrations/", "/admin.py", "/management/commands/")
QUERYSET_WRITES = {"create", "update", "bulk_create", "bulk_update", "get_or_create",
                   "update_or_create", "delete"}  # fmt: skip
INSTANCE_WRITES = {"save", "delete"}


def _receiver_names(node: ast.AST) -> set[str]:
    """The attribute and call names along a receiver chain (`Note.objects.filter(...)`)."""
    names: set[str] = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.add(node.id)
            return names
        else:
            return names


def model_writes(source: str) -> list[int]:
    """Line numbers of the model writes in `source`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, _receiver_names(node.func.value)
        on_queryset = receiver & {"objects", "filter", "exclude", "all", "select_for_update"}
        if (method in QUERYSET_WRITES and on_queryset) or (
            method in INSTANCE_WRITES and not receiver & {"cache", "session", "figure_layout"}
        ):
            lines.append(node.lineno)
    return lines


def _product_files() -> list[Path]:
    return sorted(path for package in PRODUCT for path in (ROOT / package).rglob("*.py"))


def test_the_scan_sees_writes() -> None:
    assert model_writes("Note.objects.filter(map=m).update(text='x')") == [1]
    assert model_writes("note.save()") == [1]
    assert model_writes("Note.objects.create(text='x')") == [1]
    assert model_writes("data.update(x=1)\ncache.delete('k')") == []


@pytest.mark.parametrize("path", _product_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_only_services_write_models(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    is_service = "/services/" in relative or relative.endswith("/services.py")
    if is_service or relative == EMBEDDING_CACHE or any(part in f"/{relative}" for part in EXEMPT):
        return
    writes = model_writes(path.read_text(encoding="utf-8"))
    assert not writes, f"{relative} writes models at lines {writes}: move it into a service"
