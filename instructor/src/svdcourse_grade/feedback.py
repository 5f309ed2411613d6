"""Per-student HTML feedback without the hidden tests, with math rendered offline.

nbgrader's ``GenerateFeedback`` converter does the work (scores from the gradebook, its
``feedback`` template); this module configures it with one more preprocessor,
:class:`HideHiddenTests`, which

- removes the hidden tests from each test cell with nbgrader's own ``ClearHiddenTests``
  (the course's delimiters) and leaves a note in their place;
- shortens the tracebacks of test cells to the error's name and message (a traceback quotes
  the failing line, which may be a hidden one);

and replaces the template's MathJax from a CDN by the copy bundled with the
``sphinx-mathjax-offline`` package (MathJax 3, SVG output: one file, no fonts to fetch),
copied next to the pages that contain math; pages without math load no script at all.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .course import Course, _quiet_nbgrader

__all__ = ["generate_feedback", "mathjax_file", "HIDDEN_NOTE"]

HIDDEN_NOTE = "# (hidden tests: not shown here; their messages appear below when one failed)"
MATHJAX_NAME = "tex-svg.js"
_MATHJAX_PLACEHOLDER = "svdcourse-mathjax/" + MATHJAX_NAME
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


def mathjax_file() -> Path | None:
    """The bundled MathJax 3 (``tex-svg.js``) of ``sphinx-mathjax-offline``, if installed."""
    try:
        from importlib.metadata import distribution

        dist = distribution("sphinx-mathjax-offline")
    except Exception:  # noqa: BLE001  (not installed)
        return None
    for file in dist.files or []:
        if str(file).endswith(f"static/mathjax/{MATHJAX_NAME}"):
            return Path(dist.locate_file(file))
    return None


def _hide_hidden_tests_class():
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.preprocessors import ClearHiddenTests
    from traitlets import Bool

    class HideHiddenTests(Preprocessor):
        """Remove hidden tests (leaving a note) and long tracebacks from test cells."""

        enabled = Bool(True, help="always on: feedback never shows hidden tests")

        def preprocess(self, nb, resources):
            clear = ClearHiddenTests(parent=self, config=self.config)
            for index, cell in enumerate(nb.cells):
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                    continue
                before = cell.source
                cell, resources = clear.preprocess_cell(cell, resources, index)
                if cell.source != before:
                    cell.source = cell.source.rstrip("\n") + "\n" + HIDDEN_NOTE
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        message = _ANSI.sub("", f"{output.get('ename')}: {output.get('evalue')}")
                        output["traceback"] = [message]
                nb.cells[index] = cell
            return nb, resources

    return HideHiddenTests


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
        The pages written.
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import GetGrades

    course.prepare(lab)
    graded = sorted(p.parent.parent.name for p in
                    (course.root / "autograded").glob(f"*/{lab}/{lab}.ipynb"))
    selected = [s for s in (students or graded) if s in graded]
    config = course.config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.mathjax_url = _MATHJAX_PLACEHOLDER
    config.GenerateFeedback.preprocessors = [GetGrades, _hide_hidden_tests_class(),
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
        if page.is_file():
            _offline_math(page)
            written.append(page)
    return written


def _offline_math(page: Path) -> None:
    """Point the page at a local MathJax when it has math, or drop the script when not."""
    html = page.read_text(encoding="utf-8")
    # nbgrader's feedback template calls nbconvert's mathjax() macro with its default URL
    # (a CDN), whatever HTMLExporter.mathjax_url says: replace the tag wherever it points
    tag = re.compile(r'<script\s+src="[^"]*(?:mathjax|MathJax)[^"]*">\s*</script>')
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html)
    source = mathjax_file()
    if _MATH.search(body) and source is not None:
        target = page.parent / "mathjax" / MATHJAX_NAME
        target.parent.mkdir(exist_ok=True)
        if not target.is_file():
            shutil.copyfile(source, target)
        replacement = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', "
                       "'\\\\)']], processEscapes: true}};</script>\n"
                       f'<script src="mathjax/{MATHJAX_NAME}" defer></script>')
    else:
        replacement = "<!-- no math on this page: MathJax not loaded -->"
    html = tag.sub(lambda _: replacement, html)
    page.write_text(html, encoding="utf-8")
