"""``svdcourse-grade``: the instructor's grading command.

Run ``svdcourse-grade --help`` or ``svdcourse-grade <subcommand> --help``. Every subcommand
takes the lab id and works in the course directory (``--course-dir``, default ``grading/``
in the repository, which git ignores)::

    svdcourse-grade release    lab01_rotations          # labs/ + grading/lms/lab01_rotations.zip
    svdcourse-grade collect    lab01_rotations ~/Downloads/lab01-export
    svdcourse-grade autograde  lab01_rotations --jobs 4
    svdcourse-grade manual-export lab01_rotations       # pages + CSVs for teaching assistants
    svdcourse-grade manual-import lab01_rotations grading/manual/lab01_rotations/*.csv
    svdcourse-grade feedback   lab01_rotations
    svdcourse-grade export     lab01_rotations
    svdcourse-grade report     lab01_rotations
    svdcourse-grade formgrader                          # nbgrader's own web interface instead
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands and their options).

    Examples
    --------
    >>> args = build_parser().parse_args(["autograde", "lab01_rotations", "--jobs", "2"])
    >>> args.command, args.lab, args.jobs
    ('autograde', 'lab01_rotations', 2)
    """
    from .sandbox import Limits

    parser = argparse.ArgumentParser(
        prog="svdcourse-grade",
        description="Grade the SVD course's labs with nbgrader: release, collect, autograde in "
                    "parallel (student code sandboxed, verdicts decided outside it), manual "
                    "grading, feedback, export, report.")
    parser.add_argument("--repo", help="the course repository (default: found from the "
                        "current folder upwards)")
    parser.add_argument("--course-dir", help="where grading happens (default: <repo>/grading, "
                        "ignored by git)")
    parser.add_argument("--db", help="gradebook URL (default: sqlite:///<course-dir>/"
                        "gradebook.db; e.g. postgresql://user@host:5432/grades)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    def add(name: str, help_text: str, lab: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        if lab:
            p.add_argument("lab", help="lab id, e.g. lab01_rotations")
        return p

    add("release", "generate the student version into labs/ and a zip for the LMS")
    p = add("collect", "import an LMS export (one notebook per student, or a folder each)")
    p.add_argument("folder", help="the unzipped export")
    p.add_argument("--pattern", default=None, help="regular expression with a group "
                   "'student' matched against each file or folder name (default: the leading "
                   "letters and digits)")
    p.add_argument("--students", help="a text file with one student id per line: other names "
                   "are reported, not imported")
    p = add("autograde", "grade submissions in parallel: student code in a sandbox "
            "(bubblewrap), tests outside it, with time and resource limits")
    p.add_argument("--students", nargs="+", metavar="ID", help="only these students")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="submissions graded at once (default: the number of cores)")
    p.add_argument("--cell-timeout", type=float, default=60, help="seconds per cell (60)")
    p.add_argument("--notebook-timeout", type=float, default=600,
                   help="seconds per notebook (600)")
    defaults = Limits()
    p.add_argument("--memory", type=int, default=defaults.memory_mb, metavar="MIB",
                   help=f"address space of each sandboxed process ({defaults.memory_mb} MiB)")
    p.add_argument("--cpu-time", type=int, default=defaults.cpu_seconds, metavar="SECONDS",
                   help=f"CPU time of each sandboxed process ({defaults.cpu_seconds} s)")
    p.add_argument("--processes", type=int, default=defaults.processes,
                   help=f"processes and threads in a sandbox ({defaults.processes})")
    p.add_argument("--file-size", type=int, default=defaults.file_size_mb, metavar="MIB",
                   help=f"largest file a sandbox may write ({defaults.file_size_mb} MiB)")
    p.add_argument("--scratch", type=int, default=defaults.scratch_mb, metavar="MIB",
                   help=f"size of the sandbox's writable /tmp ({defaults.scratch_mb} MiB)")
    p.add_argument("--wheel", help="the student wheel to grade with (default: built from "
                   "the repository, as students install it)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run student code WITHOUT isolation (when bubblewrap is missing; "
                   "never for untrusted submissions): printed and recorded as a warning")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p = add("feedback", "write HTML feedback per student (no hidden tests, math offline)")
    p.add_argument("--students", nargs="+", metavar="ID", help="only these students")
    add("export", "write the grades as CSV (full and LMS-friendly)")
    add("report", "write the instructor's report (Markdown, HTML, pictures)")
    add("manual-export", "write one page and one CSV per hand-graded question")
    p = add("manual-import", "read hand-graded scores back from the CSVs")
    p.add_argument("sheets", nargs="+", help="the filled-in CSV files")
    p = add("formgrader", "start JupyterLab in the course directory (Nbgrader > Formgrader)",
            lab=False)
    p.add_argument("--port", type=int, default=8888)
    return parser


def _course(args):
    from .course import Course, find_repository

    repo = Path(args.repo).resolve() if args.repo else find_repository()
    root = Path(args.course_dir).resolve() if args.course_dir else repo / "grading"
    return Course(root, repo, db_url=args.db or "")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``svdcourse-grade``; returns the exit status."""
    from .worker import skip_slow_format_checks

    skip_slow_format_checks()
    args = build_parser().parse_args(argv)
    course = _course(args)
    command = args.command
    if command == "formgrader":
        course.write_nbgrader_config()
        print(f"Starting JupyterLab in {course.root}: open Nbgrader > Formgrader in the menu.")
        return subprocess.call([str(Path(sys.executable).parent / "jupyter"), "lab",
                                f"--port={args.port}", "--no-browser"], cwd=course.root)
    if command == "release":
        from .release import release

        notebook, archive = release(course, args.lab)
        print(f"student version: {notebook}\nzip for the LMS: {archive}")
        return 0
    if command == "collect":
        from .collect import DEFAULT_PATTERN, collect

        names = None
        if args.students:
            names = {line.strip() for line in Path(args.students).read_text().splitlines()
                     if line.strip()}
        report = collect(course, args.lab, args.folder, args.pattern or DEFAULT_PATTERN, names)
        print(f"imported {len(report.imported)} submissions into "
              f"{course.root / 'submitted'}")
        if report.unmatched:
            print(f"could not match {len(report.unmatched)} entries:")
            for line in report.unmatched:
                print(f"  {line}")
        return 0
    if command == "autograde":
        from .autograde import NO_SANDBOX_WARNING, autograde, print_summary
        from .sandbox import Limits

        limits = Limits(memory_mb=args.memory, cpu_seconds=args.cpu_time,
                        processes=args.processes, file_size_mb=args.file_size,
                        scratch_mb=args.scratch, sandbox=not args.no_sandbox)
        start = time.perf_counter()
        records = autograde(course, args.lab, students=args.students, jobs=args.jobs,
                            cell_timeout=args.cell_timeout,
                            notebook_timeout=args.notebook_timeout,
                            progress=not args.no_progress, limits=limits, wheel=args.wheel)
        print_summary(records, time.perf_counter() - start)
        if args.no_sandbox:
            print(f"\n{NO_SANDBOX_WARNING}")
        return 0
    if command == "feedback":
        from .feedback import generate_feedback

        pages = generate_feedback(course, args.lab, args.students)
        print(f"wrote {len(pages)} feedback pages under {course.root / 'feedback'}")
        return 0
    if command == "export":
        from .export import export_grades

        full, lms = export_grades(course, args.lab)
        print(f"grades: {full}\nfor the LMS: {lms}")
        return 0
    if command == "report":
        from .report import build_report
        from .results import format_table

        report = build_report(course, args.lab)
        s = report["summary"]
        print(format_table(["question", "max", "graded", "mean", "failure rate"],
                           [[q["question"], q["max"], q["graded"], round(q["mean"], 2),
                             f"{q['failure_rate']:.0%}" if q["failure_rate"] == q["failure_rate"]
                             else "n/a"] for q in report["questions"]]))
        print(f"\n{s['students']} students, mean {s['mean']:.3g}/{s['max']:g}, "
              f"{s['flagged']} flagged for review, manual grading "
              + ("complete" if not s["manual_pending"] else f"pending for {s['manual_pending']}"))
        if s["unsandboxed"]:
            print(f"WARNING: {len(s['unsandboxed'])} submissions were graded without the "
                  "sandbox (--no-sandbox); see the report.", file=sys.stderr)
        print(f"report: {report['html']}")
        return 0
    if command == "manual-export":
        from .manual import export_manual

        files = export_manual(course, args.lab)
        print("\n".join(str(f) for f in files))
        return 0
    if command == "manual-import":
        from .manual import import_manual

        try:
            counts = import_manual(course, args.lab, args.sheets)
        except ValueError as err:
            print(err, file=sys.stderr)
            return 1
        for question, n in counts.items():
            print(f"{question}: {n} scores imported")
        return 0
    raise AssertionError(command)  # argparse rejects unknown subcommands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
