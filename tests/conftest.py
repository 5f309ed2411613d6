"""Shared fixtures and the rules every test follows.

- The website is built once per session, by the ``book_build`` fixture, into the usual
  ``_build`` folder with ``make book``'s execution cache (see ``book_build.py``). Only tests
  marked ``book`` or ``browser`` may use it (checked when collecting), so
  ``-m "not book and not browser"`` builds nothing.
- Set ``SVDCOURSE_SITE=_build/html`` to run the website tests against a build you already
  have (handy while writing a chapter; ignored under CI, which builds afresh).
- A missing requirement skips a test with a message naming it (``skip_or_fail``,
  ``require``); under ``CI=true`` every skip is a failure.
- Only the packages are doctested: ``--doctest-modules`` does not import the test helpers.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

from book_build import build_book
from browsing import CHROMIUM_ARGS, QuietHandler, set_expect_timeout

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# fixture -> the markers of which a test using it must carry one
SITE_FIXTURES = {"book_build": {"book", "browser"}, "site_dir": {"book", "browser"},
                 "base_url": {"browser"}, "browser": {"browser"}}


def in_ci() -> bool:
    """Whether the tests run under CI, where a skipped test counts as a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test (or a whole test module) whose requirement is missing; fail under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a skip counts as a failure)")
    pytest.skip(reason, allow_module_level=True)


def require(module: str, install: str) -> ModuleType:
    """Import ``module``, or skip (fail under CI) saying what to install.

    Example
    -------
    >>> nbgrader = require("nbgrader", "pip install -e ./instructor")  # doctest: +SKIP
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        skip_or_fail(f"{module} is not installed ({install}): {error}")


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    """The test helpers are not doctested (only the packages are)."""
    collected = yield
    if TESTS in file_path.parents:
        collected = [node for node in collected
                     if type(node).__name__ not in {"DoctestModule", "DoctestTextfile"}]
    return collected


def pytest_collection_modifyitems(config, items):
    """A test that uses the website must be marked, so that deselecting the marks skips the build."""
    unmarked = []
    for item in items:
        for fixture, marks in SITE_FIXTURES.items():
            if fixture in item.fixturenames and not any(item.get_closest_marker(m) for m in marks):
                unmarked.append(f"{item.nodeid} uses {fixture} but is not marked {' or '.join(sorted(marks))}")
    if unmarked:
        raise pytest.UsageError("\n".join(unmarked))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under ``CI=true`` a skipped test is a failed one, whatever skipped it."""
    report = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """Under ``CI=true`` a test module that skips itself whole fails instead."""
    report = yield
    if in_ci() and report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"
    return report


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def book_build() -> tuple[subprocess.CompletedProcess | None, Path]:
    """The result of building the whole website into ``_build/html``, and where its HTML is.

    Chapters whose code and environment did not change since the last ``make book`` are not
    executed again; every page is read and written again, so the log holds every warning.
    """
    existing = os.environ.get("SVDCOURSE_SITE")
    if existing and not in_ci():
        return None, Path(existing).resolve()
    if shutil.which("jupyter-book", path=str(BIN)) is None:
        skip_or_fail("jupyter-book is not installed (pip install -e '.[book]')")
    result = build_book(ROOT)
    return result, ROOT / "_build" / "html"


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
    sync_api = require("playwright.sync_api", "pip install -e '.[test]'")
    set_expect_timeout()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
