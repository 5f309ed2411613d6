"""Shared fixtures: the repository root and the website, built once per test session.

Set ``SVDCOURSE_SITE=_build/html`` to run the website tests against a build you already have
instead of a fresh one (handy while writing a chapter; CI always builds afresh).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browsing import CHROMIUM_ARGS, QuietHandler

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def in_ci() -> bool:
    """Whether the tests run under CI, where a skipped test counts as a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test whose requirement is missing, or fail it under CI (``CI=true``)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a skip counts as a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def build_wheel() -> Path:
    """Build the svdcourse wheel that the website offers (into ``_build/wheel``)."""
    wheel_dir = ROOT / "_build" / "wheel"
    wheels = sorted(wheel_dir.glob("svdcourse-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheel_dir), str(ROOT)],
            check=True,
            capture_output=True,
        )
        wheels = sorted(wheel_dir.glob("svdcourse-*.whl"))
    return wheels[-1]


def build_book(output: Path) -> subprocess.CompletedProcess:
    """Build the website from scratch into ``output/_build/html``, warnings as errors."""
    build_wheel()
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going",
         "--path-output", str(output)],
        capture_output=True,
        text=True,
        # the chapters' kernels pick their own (inline) matplotlib backend
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess | None, Path]:
    """The result of a clean build of the whole website, and where its HTML is."""
    existing = os.environ.get("SVDCOURSE_SITE")
    if existing and not in_ci():
        return None, Path(existing).resolve()
    output = tmp_path_factory.mktemp("book")
    result = build_book(output)
    return result, output / "_build" / "html"


@pytest.fixture(scope="session")
def site_dir(book_build) -> Path:
    """The built website's folder; fails the dependent test if the build failed."""
    result, html = book_build
    if result is not None and result.returncode != 0:
        pytest.fail("the website did not build:\n" + result.stdout[-4000:] + result.stderr[-4000:])
    return html


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, which the browser tests drive through Playwright."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        skip_or_fail("Debian package 'chromium' is not installed (make test installs it as root)")
    return path


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
