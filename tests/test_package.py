"""The package as a whole: version, public surface, and the wheel students download.

The student wheel must hold only what students use: the ``svdcourse`` modules that the
student notebooks, the book or other ``svdcourse`` modules import, no grading code, no tests,
no solutions, no helper that only the hidden tests need; and importing it must not import
nbgrader. The website offers that same wheel (``html_extra_path: _build/wheel``).
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import svdcourse
from book_build import build_wheel
from conftest import ROOT


def test_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", svdcourse.__version__)


@pytest.fixture(scope="module")
def student_wheel(tmp_path_factory) -> Path:
    """The wheel built from this checkout now, as ``make wheel`` builds it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = out.glob("svdcourse-*.whl")
    return wheel


def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                         for c in json.loads(path.read_text())["cells"])
    return path.read_text()


def _student_material(skip: Path | None = None) -> str:
    """What students see or run: the student notebooks, the book, the package's sources."""
    files = [*ROOT.glob("labs/*/*.ipynb"), *ROOT.glob("book/**/*.md"),
             *ROOT.glob("book/**/*.py"), *ROOT.glob("src/svdcourse/*.py")]
    return "\n".join(_text(p) for p in files if p != skip)


def _hidden_test_text() -> str:
    parts = []
    for notebook in ROOT.glob("solutions/*/*.ipynb"):
        for match in re.finditer(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", _text(notebook),
                                 re.S):
            parts.append(match.group(1))
    return "\n".join(parts)


def test_wheel_holds_only_the_student_package(student_wheel):
    names = zipfile.ZipFile(student_wheel).namelist()
    version = svdcourse.__version__
    dist_info = f"svdcourse-{version}.dist-info/"
    package = sorted(n for n in names if not n.startswith(dist_info))
    package_dir = ROOT / "src" / "svdcourse"
    sources = sorted(f"svdcourse/{p.relative_to(package_dir).as_posix()}"
                     for pattern in ("*.py", "_js/*.js") for p in package_dir.glob(pattern))
    assert package == sources, f"the wheel's files differ from src/svdcourse: {package}"
    forbidden = re.compile(r"svdcourse_grade|nbgrader|(^|/)tests?/|solutions|\.ipynb$|"
                           r"hidden|wrong_answers|conftest")
    assert not [n for n in names if forbidden.search(n)], names
    metadata = zipfile.ZipFile(student_wheel).read(dist_info + "METADATA").decode()
    requires = re.findall(r"^Requires-Dist: (.*)$", metadata, re.M)
    assert not [r for r in requires if "nbgrader" in r or "svdcourse-grade" in r], requires


def test_every_module_and_public_helper_serves_students(student_wheel):
    """A module no student page imports, or a helper only the hidden tests use, does not
    belong in the student wheel."""
    modules = [Path(n).stem for n in zipfile.ZipFile(student_wheel).namelist()
               if n.startswith("svdcourse/") and n.endswith(".py")]
    unused, hidden_only = [], []
    hidden = _hidden_test_text()
    for module in modules:
        if module == "__init__":
            continue
        own = ROOT / "src" / "svdcourse" / f"{module}.py"
        others = _student_material(skip=own)
        if not re.search(rf"svdcourse\.{module}\b|from svdcourse import [^\n]*\b{module}\b",
                         others):
            unused.append(module)
        namespace = __import__(f"svdcourse.{module}", fromlist=["*"])
        for name in getattr(namespace, "__all__", []):
            if re.search(rf"\b{name}\b", hidden) and not re.search(rf"\b{name}\b", others):
                hidden_only.append(f"{module}.{name}")
    assert not unused, f"modules no student page imports: {unused}"
    assert not hidden_only, f"helpers only the hidden tests use: {hidden_only}"


def test_importing_the_wheel_alone_does_not_import_nbgrader(student_wheel, tmp_path):
    """Every module, imported from the wheel (first on ``sys.path``, no ``src/``), in a fresh
    interpreter: none pulls in nbgrader or the grading package."""
    modules = sorted(n[:-3].replace("/", ".").removesuffix(".__init__")
                     for n in zipfile.ZipFile(student_wheel).namelist()
                     if n.startswith("svdcourse/") and n.endswith(".py"))
    code = (
        "import importlib, sys\n"
        f"sys.path.insert(0, {str(student_wheel)!r})\n"
        f"for name in {modules!r}:\n"
        "    module = importlib.import_module(name)\n"
        f"    assert module.__file__.startswith({str(student_wheel)!r}), module.__file__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('nbgrader', "
        "'svdcourse_grade'))\n"
        "assert not bad, bad\n"
        "print(len(sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def _contents(wheel: Path) -> dict[str, str]:
    """Each file of a wheel and the SHA-256 of its bytes (RECORD itself left out)."""
    with zipfile.ZipFile(wheel) as zf:
        return {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()
                if not n.endswith("/RECORD")}


def test_the_website_offers_this_wheel(student_wheel):
    """``_build/wheel`` (the website's ``html_extra_path``) holds the wheel these sources
    build: the same files, byte for byte."""
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"html_extra_path:\s*\[\s*\"_build/wheel\"\s*\]", config)
    offered = build_wheel()  # what the book build copies into the site
    assert offered.name == student_wheel.name
    assert _contents(offered) == _contents(student_wheel), (
        f"{offered} is stale: run `make wheel` (the website would offer an older package)")
