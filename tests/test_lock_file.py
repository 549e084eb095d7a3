"""Reproducible installs (RELIABILITY 35): requirements.lock pins every package with its
hashes, agrees with pyproject.toml's ranges, and is what this environment runs.

A failure here after a change to pyproject.toml means: run `make lock` (README,
"Dependencies") and commit requirements.lock with the change.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def _locked() -> dict[str, tuple[str, str | None]]:
    pins: dict[str, tuple[str, str | None]] = {}
    for line in LOCK.read_text().splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            pins[canonicalize_name(name)] = (version, marker)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in ("dev", "semantic"):
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def test_every_declared_dependency_is_locked_within_its_range():
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: run make lock"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version} outside "
            f"{requirement.specifier}: run make lock"
        )


def test_every_locked_package_carries_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text())
    pinned = [block for block in blocks if PIN.match(block.splitlines()[0])]
    assert len(pinned) == len(_locked()) > 50
    assert all("--hash=sha256:" in block for block in pinned)


def test_this_environment_runs_the_locked_versions():
    wrong = {}
    for name, (version, marker) in _locked().items():
        if marker and not Marker(marker).evaluate():
            continue  # another platform's package (pywin32, colorama on Windows)
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "pip":  # the venv's own pip may be outside `pip freeze`
                continue
            wrong[name] = (version, None)
            continue
        if canonicalize_name(installed) != canonicalize_name(version) and installed != version:
            wrong[name] = (version, installed)
    if wrong:
        pytest.fail(f"installed versions differ from requirements.lock (make install): {wrong}")
