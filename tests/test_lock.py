"""requirements/lock.txt, what `make setup` installs, agrees with the pyproject.toml files.

A dependency added to either pyproject.toml without `make lock` fails here (and in `make
setup`'s `pip check`), not later as an import error in a chapter.
"""

from __future__ import annotations

import re
import sys

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli below Python 3.11
    import tomli as tomllib

LOCK = ROOT / "requirements" / "lock.txt"
LOCK_INPUT = ROOT / "requirements" / "lock.in"
PYPROJECTS = [ROOT / "pyproject.toml", ROOT / "instructor" / "pyproject.toml"]
# what the lock is resolved for (Makefile: LOCK_PYTHON, LOCK_PLATFORM)
LOCK_ENVIRONMENT = {"python_version": "3.11", "python_full_version": "3.11.0",
                    "sys_platform": "linux", "platform_system": "Linux",
                    "platform_machine": "x86_64", "os_name": "posix",
                    "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def locked_blocks() -> dict[str, str]:
    """Each pinned package of the lock and its text (the pin line and its hash lines)."""
    text = LOCK.read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for block in blocks:
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==", block)
        if match:
            pins[canonicalize_name(match.group(1))] = block
    return pins


def locked_versions() -> dict[str, str]:
    return {name: re.match(r"[^=]+==([^ \\\n]+)", block).group(1)
            for name, block in locked_blocks().items()}


def project(path):
    return tomllib.loads(path.read_text())["project"]


def local_packages() -> set[str]:
    return {canonicalize_name(project(path)["name"]) for path in PYPROJECTS}


def declared_requirements() -> list[tuple[str, Requirement]]:
    """Every requirement of both packages, extras included, with where it is declared."""
    found = []
    for path in PYPROJECTS:
        meta = project(path)
        groups = {"dependencies": meta.get("dependencies", [])}
        groups |= {f"extra {name}": reqs
                   for name, reqs in meta.get("optional-dependencies", {}).items()}
        for group, reqs in groups.items():
            found += [(f"{path.relative_to(ROOT)} {group}", Requirement(r)) for r in reqs]
    return found


def test_every_requirement_is_locked_within_its_range():
    versions = locked_versions()
    for where, req in declared_requirements():
        name = canonicalize_name(req.name)
        if name in local_packages():
            continue
        if req.marker is not None and not req.marker.evaluate(LOCK_ENVIRONMENT):
            continue
        assert name in versions, f"{req} ({where}) is not in the lock: run `make lock`"
        assert req.specifier.contains(versions[name], prereleases=True), (
            f"the lock has {name}=={versions[name]}, outside {req} ({where}): run `make lock`")


def test_every_locked_package_is_hash_checked():
    for name, block in locked_blocks().items():
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), f"{name} has no hash in the lock"


def test_the_lock_covers_every_extra_and_the_instructor_package():
    lock_input = LOCK_INPUT.read_text()
    extras = re.search(r"^-e \.\[([^\]]+)\]$", lock_input, re.MULTILINE)
    assert extras, "requirements/lock.in must install the course package with its extras"
    declared = set(project(ROOT / "pyproject.toml").get("optional-dependencies", {}))
    assert set(extras.group(1).split(",")) == declared
    assert re.search(r"^-e \./instructor$", lock_input, re.MULTILINE)


@pytest.mark.parametrize("name", ["svdcourse", "svdcourse-grade"])
def test_local_packages_are_not_locked(name):
    """They are installed from the working tree (editable), never from an index."""
    assert canonicalize_name(name) not in locked_blocks()
