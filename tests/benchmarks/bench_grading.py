"""Benchmark: plain ``nbgrader autograde`` (one process) against ``svdcourse-grade autograde``
(student code in the bubblewrap sandbox, tests in the separate verdict process).

Run with ``make bench`` (or ``.venv/bin/python tests/benchmarks/bench_grading.py``); prints
numbers and exits non-zero only when the scores of a non-adversarial submission differ.

The class: ``--n`` submissions (default 100) of a lab (default lab 1), built from the lab's
notebooks like the test suite's adversarial class (``tests/grading_cases.py``): 45% correct,
40% wrong (the known wrong answers in turn), 10% blank, and 5% broken (invalid JSON,
missing notebook). Submissions that stop plain nbgrader's whole run (a duplicated cell) are
left out, so that both tools grade everything. Both runs use the same machine, the same
submissions, a gradebook each, prepared beforehand (not timed), and a 30 s cell time limit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from grading_cases import build_class  # noqa: E402

from svdcourse_grade.course import Course  # noqa: E402

BIN = Path(sys.executable).parent


def make_class(course: Course, lab: str, n: int) -> dict[str, str]:
    """Write ``n`` submissions; return ``{student: kind}``."""
    course.prepare(lab)
    pool = course.root / "_pool"
    expected = build_class(lab, course.source_notebook(lab), course.released_notebook(lab), pool,
                           ["correct", "blank", "wrong", "invalid_json", "missing_notebook"])
    wrong = sorted(k for k in expected if k.startswith("wrong_"))
    kinds = []
    for i in range(n):
        share = i / n
        kinds.append("correct" if share < 0.45 else wrong[i % len(wrong)] if share < 0.85
                     else "blank" if share < 0.95 else
                     ("invalid_json" if i % 2 else "missing_notebook"))
    students = {}
    for i, kind in enumerate(kinds):
        student = f"s{i:03d}"
        shutil.copytree(pool / kind, course.root / "submitted" / student)
        students[student] = kind
    shutil.rmtree(pool)
    return students


def scores(course: Course, lab: str) -> dict[str, dict[str, float | None]]:
    with course.gradebook() as gb:
        return {s.student.id: {g.name: g.auto_score for nb in s.notebooks for g in nb.grades
                               if g.cell.cell_type == "code"}
                for s in gb.assignment_submissions(lab)}


def run(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
           "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0 and "nbgrader" in command[0]:
        # plain nbgrader exits non-zero when any submission failed (e.g. invalid JSON)
        print(f"  (nbgrader exited with {result.returncode}: some submissions failed)")
    elif result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"{command[0]} failed")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="lab01_rotations")
    parser.add_argument("--n", type=int, default=100, help="submissions (100)")
    parser.add_argument("--jobs", type=int, default=2, help="svdcourse-grade workers (2)")
    parser.add_argument("--keep", action="store_true", help="keep the course folders")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    plain, tool = Course(work / "plain", ROOT), Course(work / "tool", ROOT)
    students = make_class(plain, args.lab, args.n)
    tool.prepare(args.lab)
    shutil.copytree(plain.root / "submitted", tool.root / "submitted")
    print(f"{len(students)} submissions of {args.lab} in {work}")

    plain_seconds = run([str(BIN / "nbgrader"), "autograde", args.lab, "--force", "--create",
                         "--Execute.timeout=30", "--log-level=ERROR"], plain.root)
    print(f"plain nbgrader autograde, 1 process: {plain_seconds:7.1f} s "
          f"({args.n / plain_seconds:.2f} submissions/s)")
    tool_seconds = run([str(BIN / "svdcourse-grade"), "--repo", str(ROOT), "--course-dir",
                        str(tool.root), "autograde", args.lab, "--jobs", str(args.jobs),
                        "--cell-timeout", "30", "--no-progress"], ROOT)
    print(f"svdcourse-grade autograde, {args.jobs} jobs: {tool_seconds:7.1f} s "
          f"({args.n / tool_seconds:.2f} submissions/s)")
    print(f"throughput ratio: {plain_seconds / tool_seconds:.2f}x (goal: at least 1.8x)")

    a, b = scores(plain, args.lab), scores(tool, args.lab)
    honest = [s for s, kind in students.items() if kind in ("correct", "blank")
              or kind.startswith("wrong_")]
    differ = {s: (a.get(s), b.get(s)) for s in honest if a.get(s) != b.get(s)}
    print(f"identical scores on {len(honest) - len(differ)} of {len(honest)} non-adversarial "
          "submissions")
    for student, (x, y) in sorted(differ.items()):
        print(f"  {student} ({students[student]}): nbgrader {x}, svdcourse-grade {y}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())
