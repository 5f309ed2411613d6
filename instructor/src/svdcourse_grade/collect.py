"""Import submissions as a learning platform exports them into nbgrader's layout.

Accepted: a folder with one notebook per student (the student id in the file name, e.g.
``ada_lab01_rotations.ipynb`` or ``ada-12345-lab01.ipynb``), or one folder per student
(``ada/lab01_rotations.ipynb``, or any single notebook in it). Each is copied to
``submitted/<student>/<lab>/<lab>.ipynb`` with ``timestamp.txt`` (the file's modification
time, which nbgrader uses for late penalties). Files that match no student, non-notebook
files and second notebooks of a student are reported, never guessed at silently.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course

__all__ = ["collect", "DEFAULT_PATTERN", "CollectReport"]

#: default student id: the start of the name, up to the first "_", "-", space or "."
DEFAULT_PATTERN = r"^(?P<student>[A-Za-z0-9]+)"


@dataclass
class CollectReport:
    """What :func:`collect` did."""

    imported: dict[str, str] = field(default_factory=dict)  # student -> source file
    unmatched: list[str] = field(default_factory=list)  # with the reason


def _student(name: str, pattern: re.Pattern) -> str | None:
    match = pattern.search(name)
    return match.group("student") if match else None


def collect(course: Course, lab: str, folder: str | Path, pattern: str = DEFAULT_PATTERN,
            students: set[str] | None = None) -> CollectReport:
    """Import the submissions of ``lab`` found in ``folder``.

    Parameters
    ----------
    course : Course
    lab : str
    folder : path
        The platform's export (unzipped).
    pattern : str
        A regular expression with a group ``student`` applied to each file or folder name.
    students : set of str, optional
        The class list: names that give another id are reported as unmatched.

    Returns
    -------
    CollectReport

    Examples
    --------
    >>> import tempfile
    >>> from svdcourse_grade.course import find_repository
    >>> tmp = Path(tempfile.mkdtemp())
    >>> export = tmp / "export"; export.mkdir()
    >>> _ = (export / "ada_lab01_rotations.ipynb").write_text("{}")
    >>> _ = (export / "readme.txt").write_text("x")
    >>> report = collect(Course(tmp / "course", find_repository(Path(__file__))),
    ...                  "lab01_rotations", export)
    >>> sorted(report.imported), report.unmatched
    (['ada'], ['readme.txt: not a notebook'])
    """
    course.check_lab(lab)
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"no folder {folder} to collect from")
    regex = re.compile(pattern)
    if "student" not in regex.groupindex:
        raise SystemExit(f"the pattern {pattern!r} needs a group named 'student'")
    found: dict[str, list[Path]] = {}
    report = CollectReport()
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == "__MACOSX":
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if ".ipynb_checkpoints" not in p.parts)
            if not notebooks:
                report.unmatched.append(f"{entry.name}/: no notebook inside")
                continue
            named = [p for p in notebooks if p.name == f"{lab}.ipynb"]
            if len(notebooks) > 1 and len(named) != 1:
                report.unmatched.append(f"{entry.name}/: {len(notebooks)} notebooks, none "
                                        f"named {lab}.ipynb")
                continue
            candidates = named or notebooks
        elif entry.suffix == ".ipynb":
            candidates = [entry]
        else:
            report.unmatched.append(f"{entry.name}: not a notebook")
            continue
        student = _student(entry.name, regex)
        if student is None or (students is not None and student not in students):
            report.unmatched.append(f"{entry.name}: no known student id in the name")
            continue
        found.setdefault(student, []).extend(candidates)
    for student, files in sorted(found.items()):
        newest = max(files, key=lambda p: p.stat().st_mtime)
        for other in files:
            if other != newest:
                report.unmatched.append(f"{other.relative_to(folder)}: another notebook of "
                                        f"{student}; kept the newest, {newest.name}")
        dest = course.root / "submitted" / student / lab
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copy2(newest, dest / f"{lab}.ipynb")
        stamp = dt.datetime.fromtimestamp(newest.stat().st_mtime, tz=dt.timezone.utc)
        (dest / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        report.imported[student] = str(newest.relative_to(folder))
    return report
