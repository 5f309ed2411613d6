"""Hand grading of the written answers, by teaching assistants, without the formgrader.

:func:`export_manual` writes, for each hand-graded question of a lab, one HTML page with
the question, the model answer and rubric (from the instructor version) and every student's
answer, plus a CSV to fill in (``student,points,comment``). :func:`import_manual` reads the
filled-in CSVs back into the gradebook as manual scores and comments. (The alternative is
nbgrader's formgrader: ``svdcourse-grade formgrader``.)

Students' answers are rendered and sanitised (:mod:`~svdcourse_grade.safe_html`): a script,
an event handler, a frame or a style in one answer can neither run nor hide the others; math
is typeset by a local MathJax copied next to the pages.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from .course import Course
from .safe_html import markdown_to_safe_html, offline_math

__all__ = ["manual_questions", "export_manual", "import_manual"]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def manual_questions(course: Course, lab: str) -> dict[str, dict]:
    """The hand-graded cells of ``lab``: ``{grade_id: {points, prompt, model}}``."""
    import nbformat

    nb = nbformat.read(course.source_notebook(lab), as_version=4)
    found = {}
    for i, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if meta.get("grade") and meta.get("solution"):
            prompt = next((c.source for c in reversed(nb.cells[:i]) if c.cell_type == "markdown"
                           and not _meta(c)), "")
            found[meta["grade_id"]] = {"points": float(meta.get("points", 0)), "prompt": prompt,
                                       "model": cell.source, "cell_type": cell.cell_type}
    return found


def _render(text: str, cell_type: str, attachments: dict | None = None) -> str:
    """An answer (or the question, or the model answer) as safe HTML.

    Examples
    --------
    >>> _render("x <script>alert(1)</script>", "code")
    '<pre>x &lt;script&gt;alert(1)&lt;/script&gt;</pre>'
    >>> _render("**x** <script>alert(1)</script>", "markdown")
    '<p><strong>x</strong> </p>\\n'
    """
    if cell_type == "markdown":
        return markdown_to_safe_html(text, attachments)
    return f"<pre>{html.escape(text)}</pre>"


def export_manual(course: Course, lab: str) -> list[Path]:
    """Write ``manual/<lab>/<question>.html`` and ``<question>.csv`` for each hand-graded question.

    A student whose submission had no answer (or no readable notebook) is listed with
    "(no answer)"; the CSV is pre-filled with the points already in the gradebook.
    """
    import nbformat

    folder = course.root / "manual" / lab
    folder.mkdir(parents=True, exist_ok=True)
    questions = manual_questions(course, lab)
    answers: dict[str, dict[str, tuple]] = {q: {} for q in questions}
    scores: dict[str, dict[str, tuple]] = {q: {} for q in questions}
    with course.gradebook() as gb:
        for submission in gb.assignment_submissions(lab):
            student = submission.student.id
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name in questions:
                        comment = next((c.manual_comment for c in notebook.comments
                                        if c.name == grade.name), None)
                        scores[grade.name][student] = (grade.manual_score, comment,
                                                       grade.needs_manual_grade, grade.auto_score)
    for path in sorted((course.root / "autograded").glob(f"*/{lab}/{lab}.ipynb")):
        student = path.parent.parent.name
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if _meta(cell).get("grade_id") in questions:
                answers[_meta(cell)["grade_id"]][student] = (cell.source,
                                                             cell.get("attachments"))
    written = []
    for question, info in questions.items():
        students = sorted(scores[question])
        parts = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{html.escape(lab)}: {html.escape(question)}</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
            ".answer{border:1px solid #ccc;padding:.5em 1em;margin:1em 0}"
            ".model{background:#f4f8ff;border:1px solid #9ab;padding:.5em 1em}"
            "h3 small{font-weight:normal;color:#555}</style></head><body>",
            f"<h1>{html.escape(lab)}: {html.escape(question)} ({info['points']:g} points)</h1>",
            "<h2>Question</h2>", _render(info["prompt"], "markdown"),
            "<h2>Model answer and rubric (instructor only)</h2>",
            f"<div class='model'>{_render(info['model'], info['cell_type'])}</div>",
            f"<h2>Answers ({len(students)})</h2>",
            f"<p>Enter points and comments in <code>{html.escape(question)}.csv</code>, then run "
            f"<code>svdcourse-grade manual-import {html.escape(lab)} "
            f"{html.escape(str(folder / (question + '.csv')))}</code>.</p>",
        ]
        for student in students:
            text, attachments = answers[question].get(student, ("", None))
            manual, _, pending, auto = scores[question][student]
            state = ("graded: %g" % manual if manual is not None else
                     "no answer: 0" if (auto == 0 and not pending) else "to grade")
            parts.append(f"<h3 id='{html.escape(student)}'>{html.escape(student)} "
                         f"<small>({state})</small></h3>")
            answer = _render(text, info["cell_type"], attachments)
            parts.append(f"<div class='answer'>{answer}</div>"
                         if text and text.strip() and text.strip() != "YOUR ANSWER HERE"
                         else "<div class='answer'><em>(no answer)</em></div>")
        parts.append("</body></html>")
        page = folder / f"{question}.html"
        body = "\n".join(parts)
        math = offline_math(body, folder)
        page.write_text(body.replace("</head>", math + "</head>", 1), encoding="utf-8")
        sheet = folder / f"{question}.csv"
        if not sheet.exists():  # never overwrite a sheet a TA may be filling in
            with sheet.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["student", "points", "comment"])
                for student in students:
                    manual, comment, pending, auto = scores[question][student]
                    prefill = manual if manual is not None else (
                        0 if (auto == 0 and not pending) else "")
                    writer.writerow([student, "" if prefill == "" else f"{prefill:g}",
                                     comment or ""])
        written += [page, sheet]
    return written


def import_manual(course: Course, lab: str, sheets: list[str | Path]) -> dict[str, int]:
    """Read filled-in CSVs (``student,points,comment``; question from the file name) into
    the gradebook.

    Returns
    -------
    dict
        Rows imported per question. Raises ``ValueError`` listing every bad row (unknown
        student, points not a number or out of range) before writing anything.
    """
    questions = manual_questions(course, lab)
    planned, errors = [], []
    with course.gradebook() as gb:
        known = {s.student.id for s in gb.assignment_submissions(lab)}
    for sheet in map(Path, sheets):
        question = sheet.stem
        if question not in questions:
            errors.append(f"{sheet.name}: no hand-graded question '{question}' in {lab} "
                          f"(questions: {', '.join(questions)})")
            continue
        maximum = questions[question]["points"]
        with sheet.open(newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                student = (row.get("student") or "").strip()
                text = (row.get("points") or "").strip()
                if not student and not text:
                    continue
                if student not in known:
                    errors.append(f"{sheet.name} line {line}: unknown student '{student}'")
                    continue
                if text == "":
                    continue  # not graded yet
                try:
                    points = float(text)
                except ValueError:
                    errors.append(f"{sheet.name} line {line}: points '{text}' is not a number")
                    continue
                if not 0 <= points <= maximum:
                    errors.append(f"{sheet.name} line {line}: {points:g} points is outside "
                                  f"0..{maximum:g}")
                    continue
                planned.append((question, student, points, (row.get("comment") or "").strip()))
    if errors:
        raise ValueError("nothing imported; fix these rows first:\n  " + "\n  ".join(errors))
    counts: dict[str, int] = {}
    with course.gradebook() as gb:
        for question, student, points, comment in planned:
            grade = gb.find_grade(question, lab, lab, student)
            grade.manual_score = points
            grade.needs_manual_grade = False
            if comment:
                gb.find_comment(question, lab, lab, student).manual_comment = comment
            counts[question] = counts.get(question, 0) + 1
        gb.db.commit()
    return counts
