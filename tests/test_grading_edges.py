"""The edges of the grading tool: what comes in (collect) and what goes out (feedback, the
teaching assistants' pages, the report).

- ``collect`` imports honest files and refuses, with a reason, symbolic links (a file, a
  student's folder, a link deeper inside, a zip entry), ``..`` and absolute zip paths,
  special files, hard links and oversized notebooks;
- feedback and the TA pages run no script a student wrote (in a written answer, an output
  or a raw cell) and still show every other student's answer; honest Markdown with math
  still renders; no feedback page holds a hidden-test line, a reference-solution line or a
  path of the grading machine, whether it came through a source, an output or a traceback.

The autograded notebooks are built by hand (nbformat) from the instructor version, the way
nbgrader leaves them (test cells restored with their hidden tests), so these tests do not
depend on how the autograder runs the tests. The oracles (hidden and solution lines, what a
page would run) are computed here, independently of the code under test.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browsing import QuietHandler
from conftest import ROOT, skip_or_fail

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e ./instructor)")
pytest.importorskip("nh3", reason="nh3 is not installed (pip install -e ./instructor)")

import nbformat  # noqa: E402

from svdcourse_grade.collect import collect  # noqa: E402
from svdcourse_grade.course import Course  # noqa: E402

LAB = "lab01_rotations"
SOURCE = ROOT / "solutions" / LAB / f"{LAB}.ipynb"
RELEASED = ROOT / "labs" / LAB / f"{LAB}.ipynb"
WRITTEN = "explain_eig_answer"

pytestmark = pytest.mark.grading


# --------------------------------------------------------------------------------------
# oracles
# --------------------------------------------------------------------------------------


def squash(text: str) -> str:
    return "".join(text.split())


def _regions(source: str, begin: str, end: str) -> list[str]:
    inside, lines = False, []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def _secret_lines(notebook: Path, released: Path, kind: str, source_lab: str = LAB) -> list[str]:
    """Lines of hidden tests (``kind="hidden"``) or of reference solutions and model answers
    (``kind="solution"``) found in no line of the student version; 20 characters or more."""
    nb = nbformat.read(notebook, as_version=4)
    public = "\n".join(squash(line) for cell in nbformat.read(released, as_version=4).cells
                       for line in cell.source.splitlines())
    lines = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if kind == "hidden":
            lines += _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        elif meta.get("solution"):
            inside = _regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
            lines += inside or cell.source.splitlines()
    return sorted({squash(line) for line in lines
                   if len(squash(line)) >= 20 and squash(line) not in public})


HIDDEN = _secret_lines(SOURCE, RELEASED, "hidden")
SOLUTION = _secret_lines(SOURCE, RELEASED, "solution")


class Page(HTMLParser):
    """What a browser would run in a page, and its visible text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str, str]] = []  # (src, inline text)
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.frames: list[str] = []
        self.styles = 0
        self.style_attributes = 0
        self.text: list[str] = []
        self._skip: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append((dict(attrs).get("src") or "", ""))
            self._skip = tag
        elif tag == "style":
            self.styles += 1
            self._skip = tag
        if tag in {"iframe", "frame", "object", "embed", "base"}:
            self.frames.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}.{name}")
            if name == "style":
                self.style_attributes += 1
            if name in {"href", "src", "action", "formaction"} and value and re.sub(
                    r"\s", "", value).lower().startswith(("javascript:", "vbscript:",
                                                           "data:text")):
                self.urls.append(value)

    def handle_endtag(self, tag):
        if tag == self._skip:
            self._skip = None

    def handle_data(self, data):
        if self._skip == "script":
            src, _ = self.scripts[-1]
            self.scripts[-1] = (src, data.strip())
        elif self._skip is None:
            self.text.append(data)

    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def foreign_code(page: Page) -> list[str]:
    """Everything that would run except the local MathJax and its configuration."""
    scripts = [f"script {src or text[:60]!r}" for src, text in page.scripts
               if not re.fullmatch(r"mathjax/tex-svg[\w.-]*\.js", src) and not (
                   not src and text.startswith("window.MathJax = {") and "document" not in text)]
    return scripts + page.handlers + page.urls + page.frames


# --------------------------------------------------------------------------------------
# collect
# --------------------------------------------------------------------------------------


def _reasons(report) -> dict[str, str]:
    return dict(line.split(": rejected: ", 1) for line in report.rejected)


def test_collect_refuses_links_special_files_and_hard_links(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(RELEASED, export / f"ada_{LAB}.ipynb")
    (export / f"bob_{LAB}.ipynb").symlink_to(SOURCE)  # a link to the instructor's solution
    (export / "cyd").symlink_to(SOURCE.parent, target_is_directory=True)  # a linked folder
    (export / "dan").mkdir()
    shutil.copy(RELEASED, export / "dan" / f"{LAB}.ipynb")
    (export / "dan" / "extra.ipynb").symlink_to(SOURCE)  # a link next to an honest file
    (export / "eve").mkdir()
    (export / "eve" / "work").symlink_to(SOURCE.parent, target_is_directory=True)
    os.mkfifo(export / f"fay_{LAB}.ipynb")  # reading it would hang a naive tool
    outside = tmp_path / "outside.ipynb"
    shutil.copy(SOURCE, outside)
    os.link(outside, export / f"gus_{LAB}.ipynb")  # a hard link to a file outside
    (export / f"hal_{LAB}.ipynb").symlink_to(export / f"ada_{LAB}.ipynb")  # even inside

    course = Course(tmp_path / "course", ROOT)
    report = collect(course, LAB, export)

    assert sorted(report.imported) == ["ada", "dan"]
    expected = {f"bob_{LAB}.ipynb": "a symbolic link", "cyd": "a symbolic link",
                "dan/extra.ipynb": "a symbolic link", "eve/work": "a symbolic link",
                f"fay_{LAB}.ipynb": "a FIFO", f"gus_{LAB}.ipynb": "a hard link",
                f"hal_{LAB}.ipynb": "a symbolic link"}
    reasons = _reasons(report)
    assert set(reasons) == set(expected), report.rejected
    for name, why in expected.items():
        assert reasons[name].startswith(why), (name, reasons[name])
    assert set(report.rejected) <= set(report.unmatched)  # the command prints these lines
    assert "eve/: no notebook inside" in report.unmatched
    submitted = course.root / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["ada", "dan"]
    for student in ("ada", "dan"):
        copy = course.notebook_path("submitted", student, LAB)
        assert not copy.is_symlink() and copy.read_bytes() == RELEASED.read_bytes()
    record = json.loads((course.root / "collect" / f"{LAB}.json").read_text())[-1]
    assert record["rejected"] == report.rejected and sorted(record["imported"]) == ["ada", "dan"]


def _zip_entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 12, 0, 0))
    info.create_system = 3  # Unix: the mode bits below count
    info.external_attr = mode << 16
    return info


def test_collect_from_a_zip_refuses_links_escaping_paths_and_oversized_entries(tmp_path):
    honest = RELEASED.read_bytes()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(_zip_entry(f"ada/{LAB}.ipynb", stat.S_IFREG | 0o644), honest)
        zf.writestr(_zip_entry(f"bea_{LAB}.ipynb", stat.S_IFREG | 0o644), honest)
        zf.writestr(_zip_entry(f"bob_{LAB}.ipynb", stat.S_IFLNK | 0o777), str(SOURCE))
        zf.writestr(_zip_entry(f"cyd/{LAB}.ipynb", stat.S_IFLNK | 0o777), "../../solutions")
        zf.writestr(_zip_entry(f"../dan_{LAB}.ipynb", stat.S_IFREG | 0o644), honest)
        zf.writestr(_zip_entry(f"eve/../../eve_{LAB}.ipynb", stat.S_IFREG | 0o644), honest)
        zf.writestr(_zip_entry(f"{tmp_path}/fay_{LAB}.ipynb", stat.S_IFREG | 0o644), honest)
        zf.writestr(_zip_entry(f"gus_{LAB}.ipynb", stat.S_IFIFO | 0o644), b"")
        zf.writestr(_zip_entry(f"hal_{LAB}.ipynb", stat.S_IFREG | 0o644),
                    honest + b" " * (len(honest) + 10))  # over the size limit below
    before = sorted(p.name for p in tmp_path.iterdir())
    course = Course(tmp_path / "course", ROOT)
    report = collect(course, LAB, archive, max_bytes=len(honest) + 5)

    assert sorted(report.imported) == ["ada", "bea"]
    expected = {f"bob_{LAB}.ipynb": "a symbolic link", f"cyd/{LAB}.ipynb": "a symbolic link",
                f"../dan_{LAB}.ipynb": "a path with '..'",
                f"eve/../../eve_{LAB}.ipynb": "a path with '..'",
                f"{tmp_path}/fay_{LAB}.ipynb": "an absolute path",
                f"gus_{LAB}.ipynb": "a FIFO", f"hal_{LAB}.ipynb": "larger than"}
    reasons = _reasons(report)
    assert set(reasons) == set(expected), report.rejected
    for name, why in expected.items():
        assert reasons[name].startswith(why), (name, reasons[name])
    # nothing was written next to the zip or above the course directory
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "course"])
    assert sorted(p.name for p in (course.root / "submitted").iterdir()) == ["ada", "bea"]
    for student in ("ada", "bea"):
        assert course.notebook_path("submitted", student, LAB).read_bytes() == honest


def test_collect_refuses_a_student_id_that_is_not_a_plain_name(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(RELEASED, export / f"ada_{LAB}.ipynb")
    shutil.copy(RELEASED, export / f"x y_{LAB}.ipynb")
    course = Course(tmp_path / "course", ROOT)
    report = collect(course, LAB, export, pattern=r"^(?P<student>[^_]+)_")
    assert sorted(report.imported) == ["ada"]
    assert _reasons(report) == {f"x y_{LAB}.ipynb": "the student id 'x y' is not a plain name"}


def test_collect_command_prints_each_rejection(tmp_path):
    command = Path(sys.executable).parent / "svdcourse-grade"
    if not command.exists():
        skip_or_fail("svdcourse-grade is not installed (pip install -e ./instructor)")
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(RELEASED, export / f"ada_{LAB}.ipynb")
    (export / f"bob_{LAB}.ipynb").symlink_to(SOURCE)
    result = subprocess.run([str(command), "--repo", str(ROOT), "--course-dir",
                             str(tmp_path / "course"), "collect", LAB, str(export)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "imported 1 submissions" in result.stdout
    assert f"bob_{LAB}.ipynb: rejected: a symbolic link (to {SOURCE})" in result.stdout


# --------------------------------------------------------------------------------------
# feedback and the TA pages, on notebooks autograded by hand
# --------------------------------------------------------------------------------------

HONEST_ANSWER = (
    "**Honest words.** Forming $A^T A$ squares the condition number, "
    "$\\kappa(A^T A) = \\kappa(A)^2$, so singular values below about $10^{-8} s_1$ are lost.\n\n"
    "| s | lost? |\n|---|---|\n| 1e-9 | yes |\n")
MALLORY_ANSWER = (
    "Mallory's visible words.\n\n"
    "<script>window.__pwned = 'script'; document.body.innerHTML = '';</script>\n"
    "<img src=x onerror=\"window.__pwned = 'onerror'\">\n"
    "<a href=\"javascript:window.__pwned = 'link'\">click me</a>\n"
    "<iframe src=\"javascript:parent.__pwned = 'iframe'\"></iframe>\n"
    "<style>body { display: none !important; }</style>\n"
    "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:#000;"
    "z-index:99999\">covered</div>\n"
    "<svg onload=\"window.__pwned = 'svg'\"><script>window.__pwned = 'svg script'</script></svg>\n"
    "[markdown link](javascript:window.__pwned='md')\n\n"
    "In math too: $\\href{javascript:window.__pwned='math'}{s_1}$ and "
    "$\\style{position:fixed;top:0;left:0;width:100vw;height:100vh;background:black}{s_2}$\n")
EVE_ANSWER = "Eve's visible words: the errors grow like the square of the condition number."


def _cells(nb, predicate):
    return [c for c in nb.cells if predicate(c.metadata.get("nbgrader", {}), c)]


def _autograded(answer_text: str, tamper=None):
    """The instructor version as nbgrader leaves it after autograding: test cells restored
    (with their hidden tests), answer cells holding the student's work (here the stubs), the
    written answer ``answer_text``; ``tamper(nb)`` adds a student's outputs."""
    nb = nbformat.read(SOURCE, as_version=4)
    released = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
                for c in nbformat.read(RELEASED, as_version=4).cells}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answer_text if cell.cell_type == "markdown" else released[
                meta["grade_id"]]
        if meta.get("grade") and not meta.get("solution"):
            hidden = _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="ValueError",
                evalue=f"{meta['grade_id'][:-6]} raised NotImplementedError: Replace this line "
                       "with your code.",
                traceback=["\x1b[0;31mValueError\x1b[0m Traceback (most recent call last)",
                           *[f"---> {i} {line}" for i, line in enumerate(hidden[:8])],
                           "\x1b[0;31mValueError\x1b[0m: raised NotImplementedError"])]
    if tamper:
        tamper(nb)
    return nb


def _mallory(course):
    def tamper(nb):
        test_cell = next(c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source)
        answer = _cells(nb, lambda m, c: m.get("solution") and c.cell_type == "code")[0]
        answer.source += "\nprint(In[-1])\n"
        answer.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=test_cell.source),
            nbformat.v4.new_output("display_data", data={
                "text/html": "<b>bold output</b><script>window.__pwned = 'output'</script>"
                             "<img src=x onerror=\"window.__pwned = 'output img'\">"
                             "<style>body{display:none}</style>",
                "application/javascript": "window.__pwned = 'js output'",
                "text/plain": "<IPython.core.display.HTML object>"}),
            nbformat.v4.new_output("display_data", data={
                "text/markdown": "[md output](javascript:window.__pwned='md output')",
                "image/png": "x\" onerror=\"window.__pwned = 'png'"}),
            nbformat.v4.new_output("execute_result", execution_count=3, data={
                "text/plain": f"read from {course.root}/submitted and {ROOT}/solutions"}),
        ]
        # the test cell echoes its own hidden lines, as a print inside a check would
        test_cell.outputs.insert(0, nbformat.v4.new_output(
            "stream", name="stdout", text="\n".join(_regions(
                test_cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))))
        nb.cells.append(nbformat.v4.new_raw_cell("<script>window.__pwned = 'raw'</script>"))
        nb.metadata["title"] = "</title><script>window.__pwned = 'title'</script>"
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "state": {}, "version_major": 2, "version_minor": 0,
            "</script><script>window.__pwned='widgets'</script>": 1}}
    return tamper


def _eve(nb):
    solution_cells = _cells(nb, lambda m, c: m.get("solution") and c.cell_type == "code")
    reference = nbformat.read(SOURCE, as_version=4)
    model = _cells(reference, lambda m, c: m.get("solution") and c.cell_type == "markdown")[0]
    code = "\n".join(_regions(_cells(reference, lambda m, c: m.get("grade_id") ==
                                      "svd_via_eig_answer")[0].source,
                              "BEGIN SOLUTION", "END SOLUTION"))
    solution_cells[-1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=code),
        nbformat.v4.new_output("display_data", data={"text/html": f"<p>{model.source}</p>"}),
        nbformat.v4.new_output("error", ename="SyntaxError", evalue="x", traceback=[
            f"File {ROOT}/solutions/{LAB}/{LAB}.ipynb", *code.splitlines()[:5]]),
    ]
    # a failure message that quotes a hidden line must not survive either
    test_cell = _cells(nb, lambda m, c: m.get("grade_id") == "svd_via_eig_tests")[0]
    hidden = _regions(test_cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    quoted = max(hidden, key=len)
    test_cell.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue=f"failed: {quoted}", traceback=[quoted])]


@pytest.fixture(scope="module")
def class_by_hand(tmp_path_factory):
    """A course with lab 1 recorded and three submissions autograded by hand."""
    course = Course(tmp_path_factory.mktemp("edges") / "course", ROOT)
    course.prepare(LAB)
    notebooks = {"honest": _autograded(HONEST_ANSWER),
                 "mallory": _autograded(MALLORY_ANSWER, _mallory(course)),
                 "eve": _autograded(EVE_ANSWER, _eve)}
    with course.gradebook() as gb:
        for student, nb in notebooks.items():
            for step in ("submitted", "autograded"):
                path = course.notebook_path(step, student, LAB)
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, path)
            gb.update_or_create_student(student)
            gb.add_submission(LAB, student)
            for notebook in gb.find_submission(LAB, student).notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type == "code":
                        grade.auto_score = 0.0
        gb.db.commit()
    return course, notebooks


def _own(nb) -> str:
    """What the student wrote: every source but the test cells'."""
    return squash("\n".join(c.source for c in nb.cells
                            if not (c.metadata.get("nbgrader", {}).get("grade")
                                    and c.cell_type == "code"
                                    and not c.metadata.get("nbgrader", {}).get("solution"))))


@pytest.fixture(scope="module")
def feedback_pages(class_by_hand):
    from svdcourse_grade.feedback import generate_feedback

    course, _ = class_by_hand
    pages = generate_feedback(course, LAB)
    return {p.parent.parent.name: p for p in pages}


def test_feedback_is_written_for_everyone_and_runs_no_student_code(class_by_hand,
                                                                   feedback_pages):
    _, notebooks = class_by_hand
    assert sorted(feedback_pages) == sorted(notebooks), "a page was withheld"
    for student, path in feedback_pages.items():
        page = Page(path.read_text())
        assert not foreign_code(page), f"{student}: {foreign_code(page)}"
        assert page.style_attributes == 0, f"{student}: a style attribute survived"
    mallory = Page(feedback_pages["mallory"].read_text()).visible_text()
    assert "Mallory's visible words" in mallory and "bold output" in mallory
    assert "click me" in mallory  # the link text stays, its javascript: target does not
    assert "covered" in mallory  # as plain text: the covering box lost its style


def test_feedback_holds_no_hidden_test_solution_or_grading_path(class_by_hand, feedback_pages):
    course, notebooks = class_by_hand
    assert HIDDEN and SOLUTION, "lab 1 should have hidden tests and solutions"
    for student, path in feedback_pages.items():
        raw = path.read_text()
        text = squash(Page(raw).visible_text())
        own = _own(notebooks[student])
        leaked = [line for line in HIDDEN + SOLUTION if line in text and line not in own]
        assert not leaked, f"{student}: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in raw and "BEGIN SOLUTION" not in raw
        for folder in (course.root, ROOT, ROOT / "solutions"):
            assert str(folder) not in raw, f"{student}: {folder} appears"
    eve = Page(feedback_pages["eve"].read_text()).visible_text()
    assert "removed from the feedback" in eve
    assert "Eve's visible words" in eve


def test_feedback_keeps_what_the_student_may_see(feedback_pages):
    text = Page(feedback_pages["honest"].read_text()).visible_text()
    visible_check = 'check_shape(c, (2,), "c", hint="For the thin SVD of a (3, 2) matrix'
    assert squash(visible_check) in squash(text)  # the visible tests are shown
    assert "hidden tests: not shown here" in text
    assert "svd_steps raised NotImplementedError: Replace this line with your code." in text
    assert "Honest words." in text and "\\kappa(A^T A) = \\kappa(A)^2" in text
    raw = feedback_pages["honest"].read_text()
    assert "<table>" in raw.split("Honest words.")[1], "the answer's Markdown table is lost"
    from svdcourse_grade.safe_html import MATHJAX_NAME, mathjax_file

    if mathjax_file() is not None:
        assert f'src="mathjax/{MATHJAX_NAME}"' in raw
        assert (feedback_pages["honest"].parent / "mathjax" / MATHJAX_NAME).is_file()


@pytest.fixture(scope="module")
def ta_page(class_by_hand) -> Path:
    from svdcourse_grade.manual import export_manual

    course, _ = class_by_hand
    files = export_manual(course, LAB)
    return next(f for f in files if f.name == f"{WRITTEN}.html")


def test_ta_page_runs_no_student_code_and_shows_every_answer(ta_page):
    raw = ta_page.read_text()
    page = Page(raw)
    assert not foreign_code(page), foreign_code(page)
    assert page.styles == 1 and page.style_attributes == 0  # only the page's own style
    text = page.visible_text()
    for words in ("Honest words.", "Mallory's visible words", "Eve's visible words",
                  "\\kappa(A^T A) = \\kappa(A)^2", "Model answer"):
        assert words in text, words
    for student in ("honest", "mallory", "eve"):  # each answer under its student's heading
        assert f"<h3 id='{student}'>{student}" in raw, student


def test_report_html_is_sanitised():
    from svdcourse_grade.report import _html

    markdown = ("# Grading report\n\n| student | reason |\n|---|---|\n"
                "| ada | <script>window.__pwned=1</script><img src=x onerror=alert(1)> |\n")
    page = Page(_html(markdown, [], LAB))
    assert not foreign_code(page)
    assert "ada" in page.visible_text()


@pytest.fixture(scope="module")
def served(class_by_hand):
    course, _ = class_by_hand
    handler = functools.partial(QuietHandler, directory=str(course.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.browser
@pytest.mark.parametrize("page", ["manual/{lab}/{written}.html",
                                  "feedback/mallory/{lab}/{lab}.html"])
def test_pages_in_chromium_run_nothing_and_stay_readable(browser, served, feedback_pages,
                                                         ta_page, page):
    from browsing import PageVisit

    url = f"{served}/{page.format(lab=LAB, written=WRITTEN)}"
    visit = PageVisit(browser, url)
    try:
        dialogs = []
        visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        visit.wait_for_math()
        visit.page.wait_for_timeout(300)
        assert visit.page.evaluate("window.__pwned") is None
        links = visit.page.evaluate(  # after MathJax: no javascript: link, not even in SVG
            "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
            ".filter(a => /href$/i.test(a.name) && /^\\s*javascript:/i.test(a.value))"
            ".map(a => a.value)")
        assert not links, links
        assert not dialogs
        assert not visit.outside_requests, visit.outside_requests
        for words in (["Honest words.", "Mallory's visible words", "Eve's visible words"]
                      if "manual" in page else ["Mallory's visible words", "bold output"]):
            assert visit.page.get_by_text(words).first.is_visible(), words
        # nothing covers the page: the element at its centre belongs to the page's text
        covering = visit.page.evaluate(
            "document.elementFromPoint(innerWidth / 2, innerHeight / 2)?.closest("
            "'[style]')?.outerHTML ?? null")
        assert covering is None, covering
        if "manual" in page and visit.page.evaluate("typeof window.MathJax === 'object'"):
            assert visit.page.locator("mjx-container").count() > 0  # honest math typeset
    finally:
        visit.close()


# --------------------------------------------------------------------------------------
# the secrets the feedback writer looks for cover the oracle's, in every lab
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lab", sorted(p.name for p in (ROOT / "solutions").iterdir()
                                       if (p / f"{p.name}.ipynb").is_file()))
def test_feedback_knows_every_hidden_and_solution_line(lab):
    from svdcourse_grade.feedback import lab_secrets

    source = ROOT / "solutions" / lab / f"{lab}.ipynb"
    released = ROOT / "labs" / lab / f"{lab}.ipynb"
    secrets = lab_secrets(source, released)
    oracle = _secret_lines(source, released, "hidden") + _secret_lines(source, released,
                                                                       "solution")
    assert oracle, f"{lab}: no hidden tests or solutions found"
    missed = [line for line in oracle if not secrets.quoted_in(line)]
    assert not missed, f"{lab}: {missed[:3]}"
    for grade_id, visible in secrets.visible_tests.items():
        assert not [line for line in oracle if line in squash(visible)], grade_id
        assert "BEGIN HIDDEN" not in visible
