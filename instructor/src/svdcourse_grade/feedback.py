"""Per-student HTML feedback that shows no hidden test, no solution and nothing that runs.

nbgrader's ``GenerateFeedback`` writes the page (scores from the gradebook, its ``feedback``
template); this module hands it a notebook made safe by :func:`safe_notebook`, which works
from the autograded notebook and the instructor's version of the lab only (so it does not
depend on how the autograder ran the tests):

- a test cell shows the visible part of the instructor's test cell and a note in place of
  the hidden tests; its output is reduced to the failure message (``ValueError: ...``), the
  score in the page's heading saying whether it passed;
- an output of another cell that quotes a line of a hidden test, a reference solution or a
  model answer (:class:`LabSecrets`) is replaced by a note; the grading machine's folders
  (course directory, repository, Python environment, home) become ``<course>`` and so on;
  pictures must be plain PNG/JPEG/GIF, other kinds of output are dropped;
- student Markdown (written answers, added cells) and HTML outputs are rendered and
  sanitised with ``nh3`` (:mod:`~svdcourse_grade.safe_html`): no script, event handler,
  ``javascript:`` link, frame or style reaches the page.

Before a page is kept it is checked once more: if it would still run a script of the
student's or contain a hidden-test or solution line that the student did not write
themselves, it is withheld (and named on stderr). Math is typeset by a local MathJax copied
next to the pages that have math (from the ``sphinx-mathjax-offline`` package); pages
without math load no script at all.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course, _quiet_nbgrader
from .safe_html import (MATHJAX_NAME, MATHJAX_SCRIPTS, clean_fragment, executable_parts,
                        markdown_to_safe_html, mathjax_file, offline_math, one_line_block,
                        page_text, strip_ansi)

__all__ = ["generate_feedback", "safe_notebook", "lab_secrets", "LabSecrets", "leaks",
           "mathjax_file", "HIDDEN_NOTE", "MATHJAX_NAME"]

HIDDEN_NOTE = "# (hidden tests: not shown here; their messages appear below when one failed)"
REMOVED = "[output removed from the feedback: it quoted the hidden tests or a reference solution]"
MIN_SECRET = 12  # shorter lines ("return s, U") say nothing and would match honest text
MAX_MESSAGE = 3000
MAX_STREAM = 20000
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_REGIONS = (("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), ("BEGIN SOLUTION", "END SOLUTION"))


def squash(text: str) -> str:
    """``text`` without any whitespace: how secret lines are compared.

    Examples
    --------
    >>> squash("  check_close(y,  A @ x)\\n")
    'check_close(y,A@x)'
    """
    return "".join(text.split())


@dataclass
class LabSecrets:
    """What feedback must never show, read from the instructor version of a lab.

    ``lines`` are the squashed lines of hidden tests, reference solutions and model answers
    that appear in no line of the student version; ``visible_tests`` maps each test cell's
    ``grade_id`` to the part students see; ``hidden`` names the test cells with hidden tests.
    """

    lines: set[str] = field(default_factory=set)
    visible_tests: dict[str, str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def quoted_in(self, text: str) -> list[str]:
        """The secret lines ``text`` contains (compared without whitespace)."""
        flat = squash(strip_ansi(text))
        return sorted(line for line in self.lines if line in flat)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell) -> bool:
    meta = _meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _split(source: str) -> tuple[list[str], list[str]]:
    """(lines outside any hidden-test or solution region, lines inside one)."""
    outside, inside, depth = [], [], None
    for line in source.splitlines():
        if depth is None:
            depth = next((end for begin, end in _REGIONS if begin in line), None)
            if depth is None:
                outside.append(line)
        elif depth in line:
            depth = None
        else:
            inside.append(line)
    return outside, inside


def lab_secrets(source: str | Path, released: str | Path | None = None) -> LabSecrets:
    """Collect the secret lines of a lab from its instructor notebook.

    Parameters
    ----------
    source : path
        The instructor version (``solutions/<lab>/<lab>.ipynb``).
    released : path, optional
        The student version: its lines are public and never count as secret.

    Examples
    --------
    >>> from svdcourse_grade.course import find_repository
    >>> repo = find_repository(Path(__file__))
    >>> lab = "lab01_rotations"
    >>> secrets = lab_secrets(repo / "solutions" / lab / f"{lab}.ipynb",
    ...                       repo / "labs" / lab / f"{lab}.ipynb")
    >>> "svd_steps_tests" in secrets.hidden and len(secrets.lines) > 20
    True
    >>> "BEGIN HIDDEN" in secrets.visible_tests["svd_steps_tests"]
    False
    """
    import nbformat

    nb = nbformat.read(str(source), as_version=4)
    public = ""  # the student version's lines: a line found in one of them is no secret
    if released is not None and Path(released).is_file():
        public = "\n".join(squash(line) for cell in nbformat.read(str(released), as_version=4)
                           .cells for line in cell.source.splitlines())
    secrets = LabSecrets(lines={squash(f"### {marker}") for region in _REGIONS
                                for marker in region})
    for cell in nb.cells:
        meta = _meta(cell)
        outside, inside = _split(cell.source)
        if meta.get("solution") and not inside:  # a whole-cell solution or model answer
            inside, outside = outside, []
        if _is_test(cell):
            secrets.visible_tests[meta["grade_id"]] = "\n".join(outside).rstrip()
            if inside:
                secrets.hidden.add(meta["grade_id"])
        for line in inside:
            flat = squash(line)
            if len(flat) >= MIN_SECRET and flat not in public:
                secrets.lines.add(flat)
    return secrets


class _Scrubber:
    """Removes secret lines and the grading machine's folders from output text."""

    def __init__(self, secrets: LabSecrets, paths: dict[str, str]):
        self.secrets = secrets
        self.paths = sorted(paths.items(), key=lambda item: -len(item[0]))

    def text(self, text: str, limit: int = MAX_STREAM) -> str:
        for path, label in self.paths:
            text = text.replace(path, label)
        if self.secrets.quoted_in(text):
            return REMOVED
        if len(text) > limit:
            text = text[:limit] + "\n[... output shortened in the feedback]"
        return text

    def output(self, output) -> object | None:
        import nbformat

        kind = output.get("output_type")
        if kind == "stream":
            return nbformat.v4.new_output("stream", name=output.get("name", "stdout"),
                                          text=self.text(str(output.get("text", ""))))
        if kind == "error":
            traceback = self.text("\n".join(output.get("traceback", [])))
            return nbformat.v4.new_output(
                "error", ename=self.text(str(output.get("ename", "")), 200),
                evalue=self.text(str(output.get("evalue", "")), MAX_MESSAGE),
                traceback=traceback.split("\n"))
        if kind not in ("display_data", "execute_result"):
            return None
        data = {}
        for mime, value in output.get("data", {}).items():
            value = "".join(value) if isinstance(value, list) else value
            if not isinstance(value, str):
                continue
            if mime == "text/plain":
                data[mime] = self.text(value)
            elif mime in ("text/html", "text/markdown", "text/latex"):
                if self.secrets.quoted_in(page_text(value) + "\n" + value):
                    data["text/plain"] = REMOVED
                    continue
                fragment = (markdown_to_safe_html(value) if mime == "text/markdown" else
                            clean_fragment(value) if mime == "text/html" else
                            f"<pre>{html.escape(value)}</pre>")
                for path, label in self.paths:
                    fragment = fragment.replace(html.escape(path), html.escape(label))
                data["text/html"] = fragment
            elif mime in _IMAGE_MIMES and _BASE64.fullmatch(value):
                data[mime] = "".join(value.split())
        if not data:
            return None
        if kind == "execute_result":
            return nbformat.v4.new_output(kind, data=data,
                                          execution_count=output.get("execution_count"))
        return nbformat.v4.new_output(kind, data=data)


def safe_notebook(nb, secrets: LabSecrets, paths: dict[str, str] | None = None):
    """A copy of an autograded notebook that is safe to show its author.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The autograded notebook.
    secrets : LabSecrets
        From :func:`lab_secrets`.
    paths : dict, optional
        Folders of the grading machine to hide from outputs, with what to show instead
        (``{"/home/me/course": "<course>"}``).

    Returns
    -------
    nbformat.NotebookNode
    """
    import nbformat

    scrub = _Scrubber(secrets, paths or {})
    safe = nbformat.v4.new_notebook()
    safe.metadata = {k: nb.metadata[k] for k in ("kernelspec", "language_info")
                     if k in nb.metadata}
    for cell in nb.cells:
        meta = _meta(cell)
        kind = cell.get("cell_type")
        if _is_test(cell):
            grade_id = meta.get("grade_id", "")
            visible = secrets.visible_tests.get(grade_id, "")
            if grade_id in secrets.hidden or grade_id not in secrets.visible_tests:
                visible = (visible + "\n" + HIDDEN_NOTE).strip("\n")
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            new = nbformat.v4.new_code_cell(visible, execution_count=cell.get("execution_count"))
            if errors:
                ename = scrub.text(str(errors[0].get("ename", "Error")), 200)
                evalue = scrub.text(str(errors[0].get("evalue", "")), MAX_MESSAGE)
                new.outputs = [nbformat.v4.new_output(
                    "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])]
        elif kind == "code":
            new = nbformat.v4.new_code_cell(cell.source,
                                            execution_count=cell.get("execution_count"))
            new.outputs = [o for o in map(scrub.output, cell.get("outputs", [])) if o]
        elif kind == "markdown":
            new = nbformat.v4.new_markdown_cell(
                one_line_block(markdown_to_safe_html(cell.source, cell.get("attachments"))))
        else:  # raw cells would be copied into the page as they are: show them as text
            new = nbformat.v4.new_markdown_cell(
                one_line_block(f"<pre>{html.escape(scrub.text(cell.source))}</pre>"))
        if meta:
            new.metadata["nbgrader"] = meta
        if "id" in cell:
            new["id"] = cell["id"]
        safe.cells.append(new)
    return safe


def leaks(page: str, secrets: LabSecrets, own: str = "") -> list[str]:
    """Secret lines visible in ``page`` that the student did not write themselves (``own``)."""
    mine = squash(own)
    return [line for line in secrets.quoted_in(page_text(page)) if line not in mine]


def _own_text(nb) -> str:
    """What the student wrote: the sources of every cell but the test cells."""
    return "\n".join(cell.source for cell in nb.cells if not _is_test(cell))


def _grading_paths(course: Course) -> dict[str, str]:
    """The grading machine's folders and what feedback shows instead of each."""
    paths = {}
    for folder, label in ((course.root, "<course>"), (course.solutions, "<solutions>"),
                          (course.repo, "<repository>"), (Path(sys.prefix), "<python>"),
                          (Path.home(), "<home>")):
        for variant in {str(folder), str(Path(folder).resolve())}:
            if len(variant) > 5 and variant not in paths:  # never "/" or "/usr"
                paths[variant] = label
    return paths


def _safety_preprocessor(secrets: LabSecrets, paths: dict[str, str]):
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Bool

    class SafeFeedback(Preprocessor):
        """Replace the notebook by :func:`safe_notebook`'s version of it."""

        enabled = Bool(True, help="always on: feedback never shows grading material")

        def preprocess(self, nb, resources):
            return safe_notebook(nb, secrets, paths), resources

    return SafeFeedback


def generate_feedback(course: Course, lab: str, students: list[str] | None = None) -> list[Path]:
    """Write ``feedback/<student>/<lab>/<lab>.html`` for autograded submissions.

    Parameters
    ----------
    course : Course
    lab : str
    students : list of str, optional
        Only these students (default: every autograded one).

    Returns
    -------
    list of Path
        The pages written (a page that fails the final check is withheld, not returned).
    """
    import nbformat
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import GetGrades

    course.prepare(lab)
    graded = sorted(p.parent.parent.name for p in
                    (course.root / "autograded").glob(f"*/{lab}/{lab}.ipynb"))
    selected = [s for s in (students or graded) if s in graded]
    secrets = lab_secrets(course.source_notebook(lab), course.released_notebook(lab))
    config = course.config()
    config.HTMLExporter.template_name = "feedback"
    config.GenerateFeedback.preprocessors = [
        GetGrades, _safety_preprocessor(secrets, _grading_paths(course)),
        CSSHTMLHeaderPreprocessor]
    _quiet_nbgrader()
    written = []
    for student in selected:
        coursedir = course.coursedir(assignment_id=lab, student_id=student)
        coursedir.config = config
        app = GenerateFeedback(coursedir=coursedir, config=config)
        app.force = True
        app.log.setLevel("ERROR")
        app.start()
        page = course.root / "feedback" / student / lab / f"{lab}.html"
        if not page.is_file():
            continue
        own = _own_text(nbformat.read(course.notebook_path("autograded", student, lab),
                                      as_version=4))
        problems = _finish_page(page, secrets, own)
        if problems:
            page.unlink()
            print(f"feedback for {student} withheld: {'; '.join(problems)[:500]}",
                  file=sys.stderr)
            continue
        written.append(page)
    return written


def _finish_page(page: Path, secrets: LabSecrets, own: str) -> list[str]:
    """Rebuild the page's head (the template's styles, the local MathJax when there is
    math, no other script) and return what is still wrong with it (nothing, normally)."""
    text = page.read_text(encoding="utf-8")
    start, end = text.find("<body"), text.rfind("</body>")
    head, body = text[:max(start, 0)], text[start:end + len("</body>")] if start >= 0 else text
    styles = "\n".join(re.findall(r"(?is)<style\b[^>]*>.*?</style>", head))
    title = html.escape(page.stem)
    math = offline_math(body, page.parent)
    text = (f"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n"
            f"<title>{title}</title>\n{styles}\n{math}\n</head>\n{body}\n</html>\n")
    page.write_text(text, encoding="utf-8")
    problems = [f"would run {part}" for part in executable_parts(text, MATHJAX_SCRIPTS)]
    problems += [f"quotes grading material: {line[:60]!r}" for line in leaks(text, secrets, own)]
    return problems
