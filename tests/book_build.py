"""Build the website, the one way ``make book`` and the tests share.

Every page is read again (``--all``) with warnings as errors, so each build's log holds every
warning. Executing the chapters is what takes time; jupyter-cache (``_build/.jupyter_cache``,
``execute_notebooks: cache`` in ``_config.yml``) skips it for each chapter whose code did not
change. The cache knows a chapter's code cells only, so it is dropped whenever what the
chapters run with changed: the ``svdcourse`` sources or an installed package's version.

Run as a script (``make book``), it builds into ``_build/html`` and prints the build's log.

Example
-------
>>> result = build_book()  # doctest: +SKIP
>>> result.returncode
0
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGE_SOURCES = ROOT / "src" / "svdcourse"
WHEEL_DIR = ROOT / "_build" / "wheel"
# build output that a fresh build replaces whole (stale pages or wheels would linger otherwise)
REBUILT = ("html", ".doctrees", "jupyter_execute")
CACHE = ".jupyter_cache"
PRINT_BOOK = ROOT / "book" / "_ext" / "print_book.py"
PDF_NAME = "svd-intuitions.pdf"   # in the site, linked from every page
PDF_REPORT = "pdf-report.json"    # beside the site: what print_book printed
FINGERPRINT = "svdcourse-fingerprint.txt"  # inside the cache folder: dropped with it


def execution_fingerprint() -> str:
    """A digest of what the chapters execute with, besides their own code.

    Example
    -------
    >>> len(execution_fingerprint())
    64
    """
    digest = hashlib.sha256(platform.python_version().encode())
    versions = sorted(f"{dist.metadata['Name']}=={dist.version}"
                      for dist in importlib.metadata.distributions())
    digest.update("\n".join(versions).encode())
    for path in sorted(PACKAGE_SOURCES.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_wheel() -> Path:
    """The svdcourse wheel the website offers (built into ``_build/wheel`` when missing)."""
    wheels = sorted(WHEEL_DIR.glob("svdcourse-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(WHEEL_DIR), str(ROOT)],
            check=True, capture_output=True,
        )
        wheels = sorted(WHEEL_DIR.glob("svdcourse-*.whl"))
    return wheels[-1]


def build_book(output: Path = ROOT, capture: bool = True) -> subprocess.CompletedProcess:
    """Build the whole website into ``output/_build/html``, warnings as errors.

    Chapters whose code and environment did not change since the last build into the same
    ``output`` are not executed again (their outputs come from the execution cache).
    """
    build = output / "_build"
    cache = build / CACHE
    fingerprint = execution_fingerprint()
    stamp = cache / FINGERPRINT
    if cache.exists() and (not stamp.is_file() or stamp.read_text() != fingerprint):
        shutil.rmtree(cache)
    for folder in REBUILT:
        shutil.rmtree(build / folder, ignore_errors=True)
    build_wheel()
    result = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "--all", "-W", "-n", "--keep-going",
         "--path-output", str(output)],
        capture_output=capture, text=True,
        # the chapters' kernels pick their own (inline) matplotlib backend
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    if cache.is_dir():
        stamp.write_text(fingerprint)
    if result.returncode == 0:
        print_pdf(build / "html")
    return result


def print_pdf(html: Path) -> None:
    """Print the built website into one PDF with Chromium (``book/_ext/print_book.py``).

    Without Chromium (Debian's ``chromium``, which ``make`` installs as root) the PDF is left
    out with a note, and the website's link to it stays dead.
    """
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print(f"NOTE: Debian's 'chromium' is not installed, so {PDF_NAME} is not printed.",
              file=sys.stderr)
        return
    subprocess.run([sys.executable, str(PRINT_BOOK), str(html), str(html / PDF_NAME),
                    str(html.parent / PDF_REPORT)], check=True, timeout=1800)


if __name__ == "__main__":
    sys.exit(build_book(capture=False).returncode)
