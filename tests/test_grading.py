"""The instructor's grading tool, ``svdcourse-grade`` (``instructor/src/svdcourse_grade``).

An adversarial class (``tests/grading_cases.py``) is graded in parallel in a temporary course
directory: the full matrix for lab 1, a representative subset for every other lab in
``solutions/``. Each submission must end with the right points, status, reason and review
flag, and no grade may be lost. Then the other subcommands run on the graded class:
feedback (no hidden test, no CDN), export, report, manual grading, collect, the command
line, and the gradebook on PostgreSQL.

Student code runs in the bubblewrap sandbox (Debian package ``bubblewrap``; without it
these tests are skipped, and fail under ``CI=true``). Time limits are short here (a few
seconds per cell) to keep the module fast. The attacks on the grader itself are in
``tests/test_grading_attacks.py``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, require, skip_or_fail
from grading_cases import FULL_MATRIX, SUBSET, build_class

require("nbgrader", "pip install -e ./instructor")
require("svdcourse_grade", "pip install -e ./instructor")

from svdcourse_grade.autograde import autograde  # noqa: E402
from svdcourse_grade.course import Course, lab_ids  # noqa: E402
from svdcourse_grade.sandbox import bwrap_path  # noqa: E402

LABS = lab_ids(ROOT / "solutions")
FIRST = "lab01_rotations"
CELL_TIMEOUT = 6  # lab 1's full matrix: its loops must hit the limit quickly
OTHER_CELL_TIMEOUT = 60  # the other labs' subset has no loop: a generous limit
NOTEBOOK_TIMEOUT = 120  # never reached by a normal submission, even on a busy machine
JOBS = 2

pytestmark = pytest.mark.grading


@pytest.fixture(autouse=True)
def _sandbox_available():
    """Grading needs bubblewrap; nbgrader finds ``alembic`` on PATH."""
    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old])
    yield
    os.environ["PATH"] = old


def make_course(tmp: Path, db_url: str = "") -> Course:
    return Course(tmp / "course", ROOT, db_url=db_url)


def grade_class(course: Course, lab: str, cases: list[str]) -> dict:
    course.prepare(lab)
    expected = build_class(lab, course.source_notebook(lab), course.released_notebook(lab),
                           course.root / "submitted", cases)
    timeout = CELL_TIMEOUT if lab == FIRST else OTHER_CELL_TIMEOUT
    records = autograde(course, lab, jobs=JOBS, cell_timeout=timeout,
                        notebook_timeout=NOTEBOOK_TIMEOUT, progress=False)
    return {"course": course, "lab": lab, "expected": expected, "records": records}


def gradebook_scores(course: Course, lab: str) -> dict[str, dict[str, tuple]]:
    """``{student: {grade_id: (auto_score, max_score)}}`` for autograded cells, from the gradebook."""
    scores = {}
    with course.gradebook() as gb:
        for submission in gb.assignment_submissions(lab):
            scores[submission.student.id] = {
                grade.name: (grade.auto_score, grade.max_score)
                for notebook in submission.notebooks for grade in notebook.grades
                if grade.cell.cell_type == "code"
            }
    return scores


_GRADED: dict[str, dict] = {}


def graded_lab(lab: str, tmp_path_factory) -> dict:
    """The adversarial class of ``lab``, graded once per session."""
    if lab not in _GRADED:
        cases = FULL_MATRIX if lab == FIRST else SUBSET
        course = make_course(tmp_path_factory.mktemp(f"grading_{lab}"))
        _GRADED[lab] = grade_class(course, lab, cases)
    return _GRADED[lab]


@pytest.fixture(scope="module", params=LABS)
def graded(request, tmp_path_factory) -> dict:
    return graded_lab(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def graded_first(tmp_path_factory) -> dict:
    """Lab 1's full adversarial class (shared by the tests of the later subcommands)."""
    return graded_lab(FIRST, tmp_path_factory)


def check_class(graded: dict) -> list[str]:
    """Every way the graded class differs from what each case expects."""
    course, lab = graded["course"], graded["lab"]
    scores = gradebook_scores(course, lab)
    problems = []
    for case, want in graded["expected"].items():
        record = graded["records"].get(case)
        if record is None:
            problems.append(f"{case}: not graded")
            continue
        got = scores.get(case, {})
        for grade_id, value in want.cells.items():
            auto, max_score = got.get(grade_id, (None, None))
            target = max_score if value == "full" else value
            if auto is None or target is None or abs(auto - target) > 1e-9:
                reason = record["cells"].get(grade_id, {}).get("reason", "")
                problems.append(f"{case}: {grade_id} scored {auto}/{max_score}, expected "
                                f"{target} ({reason or record['reason']})")
            elif value == 0 and want.reason:
                reason = record["cells"].get(grade_id, {}).get("reason", "") + record["reason"]
                if want.reason not in reason:
                    problems.append(f"{case}: {grade_id}: reason {reason!r} lacks {want.reason!r}")
        if want.status is not None and record["status"] != want.status:
            problems.append(f"{case}: status {record['status']!r}, expected {want.status!r} "
                            f"({record['reason']})")
        if want.reason and want.reason not in record["reason"] + " ".join(
                c.get("reason", "") for c in record["cells"].values()):
            problems.append(f"{case}: no reason mentions {want.reason!r}: {record['reason']!r}")
        flagged = bool(record["flags"])
        if want.flagged and not flagged:
            problems.append(f"{case}: not flagged for review")
        if not want.flagged and flagged:
            problems.append(f"{case}: flagged for review without cause: {record['flags']}")
        for note in want.notes:
            if not any(note in n for n in record["notes"]):
                problems.append(f"{case}: notes {record['notes']} lack {note!r}")
    return problems


def test_adversarial_class_gets_the_right_scores(graded):
    problems = check_class(graded)
    assert not problems, "\n".join(problems)


def test_no_grade_is_lost(graded):
    course, lab = graded["course"], graded["lab"]
    students = set(graded["expected"])
    scores = gradebook_scores(course, lab)
    assert set(scores) == students, f"gradebook has {sorted(scores)}, expected {sorted(students)}"
    missing = {s: [g for g, (auto, _) in cells.items() if auto is None]
               for s, cells in scores.items()}
    assert not any(missing.values()), f"autograded cells without a score: {missing}"
    stored = json.loads(course.results_path(lab).read_text())["students"]
    assert set(stored) == students


def test_graded_notebooks_keep_the_instructor_s_tests(graded):
    import nbformat

    course, lab = graded["course"], graded["lab"]
    source = nbformat.read(course.source_notebook(lab), as_version=4)
    tests = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    for path in (course.root / "autograded").glob(f"*/{lab}/{lab}.ipynb"):
        nb = nbformat.read(path, as_version=4)
        graded_tests = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
        assert graded_tests == tests, f"{path}: test cells differ from the instructor version"


def test_huge_output_is_truncated(graded_first):
    path = graded_first["course"].notebook_path("autograded", "huge_output", FIRST)
    assert path.stat().st_size < 2_000_000, f"{path.stat().st_size} bytes"


def test_rerunning_is_idempotent(graded_first):
    course = graded_first["course"]
    again = ["correct", "wrong_0", "invalid_json", "duplicated_cells", "transformer_exploit"]
    before = gradebook_scores(course, FIRST)
    records = autograde(course, FIRST, students=again, jobs=JOBS, cell_timeout=CELL_TIMEOUT,
                        notebook_timeout=NOTEBOOK_TIMEOUT, progress=False)
    after = gradebook_scores(course, FIRST)
    assert after == before
    assert {s: r["status"] for s, r in records.items()} == {
        s: graded_first["records"][s]["status"] for s in again}


# --------------------------------------------------------------------------------------
# feedback, export, report, manual grading
# --------------------------------------------------------------------------------------


def _hidden_lines(lab: str) -> list[str]:
    """Hidden-test lines long enough to matter that appear nowhere outside hidden regions."""
    import nbformat

    nb = nbformat.read(ROOT / "solutions" / lab / f"{lab}.ipynb", as_version=4)
    inside, outside = set(), set()
    for cell in nb.cells:
        hidden = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                hidden = True
            elif "END HIDDEN TESTS" in line:
                hidden = False
            else:
                (inside if hidden else outside).add(line.strip())
    return sorted(line for line in inside - outside if len(line) >= 25)


def _page_text(page: Path) -> str:
    import html as html_module
    import re

    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page.read_text())
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", text)).split())


def test_feedback_shows_code_and_scores_but_no_hidden_test_and_nothing_from_the_web(graded_first):
    import re

    from svdcourse_grade.feedback import MATHJAX_NAME, generate_feedback, mathjax_file

    course = graded_first["course"]
    students = ["correct", "wrong_0", "blank", "transformer_exploit", "kernel_crash"]
    pages = generate_feedback(course, FIRST, students)
    assert sorted(p.parent.parent.name for p in pages) == sorted(students)
    hidden = [" ".join(line.split()) for line in _hidden_lines(FIRST)]
    assert hidden, "lab 1 should have hidden tests"
    for page in pages:
        raw = page.read_text()
        remote = re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", raw)
        assert not remote, f"{page}: loads from the web: {remote}"
        assert "BEGIN HIDDEN TESTS" not in raw
        text = _page_text(page)
        own = " ".join(course.notebook_path("submitted", page.parent.parent.name,
                                            FIRST).read_text().split())
        leaked = [line for line in hidden if line in text and line not in own]
        assert not leaked, f"{page}: hidden test lines: {leaked[:3]}"
    correct = _page_text(course.root / "feedback" / "correct" / FIRST / f"{FIRST}.html")
    assert "def svd_steps" in correct and "hidden tests: not shown" in correct
    assert re.search(r"\b10\s*/\s*13\b|Score: 10", correct) or "10.0" in correct
    if mathjax_file() is not None:  # the answer with math gets MathJax, from a local copy
        folder = course.root / "feedback" / "correct" / FIRST
        assert (folder / "mathjax" / MATHJAX_NAME).is_file()
        assert f'src="mathjax/{MATHJAX_NAME}"' in (folder / f"{FIRST}.html").read_text()


def _read_csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_export_gives_reasons_and_says_manual_grading_is_pending(graded_first):
    from svdcourse_grade.export import export_grades

    course = graded_first["course"]
    full, lms = export_grades(course, FIRST)
    rows, lms_rows = _read_csv(full), _read_csv(lms)
    assert set(rows) == set(graded_first["expected"]) == set(lms_rows)
    assert rows["correct"]["total"] == "10" and rows["correct"]["max"] == "13"
    assert rows["correct"]["svd_steps_tests"] == "3"
    assert rows["correct"]["manual_grading"] == "pending"
    assert rows["invalid_json"]["status"] == "invalid notebook"
    assert "not valid JSON" in rows["invalid_json"]["reason"]
    assert rows["invalid_json"]["total"] == "0"
    assert rows["kernel_crash"]["review"] and not rows["transformer_exploit"]["review"]
    assert rows["transformer_exploit"]["total"] == "0"
    assert "invalid notebook" in lms_rows["invalid_json"]["comment"]
    assert "not graded yet" in lms_rows["correct"]["comment"]


def test_report_has_tables_pictures_and_flagged_submissions(graded_first):
    from svdcourse_grade.report import build_report

    report = build_report(graded_first["course"], FIRST)
    for picture in report["pictures"]:
        assert picture.read_bytes().startswith(b"\x89PNG")
    text = report["markdown"].read_text()
    for needed in ("Score distribution", "failure rate", "kernel_crash",
                   "invalid notebook", "Manual grading", "Time:"):
        assert needed in text, needed
    assert "data:image/png;base64" in report["html"].read_text()
    steps = next(q for q in report["questions"] if q["question"] == "svd_steps_tests")
    assert 0 < steps["failure_rate"] < 1


def test_manual_grading_round_trip(graded_first):
    from svdcourse_grade.export import export_grades
    from svdcourse_grade.manual import export_manual, import_manual

    course = graded_first["course"]
    files = export_manual(course, FIRST)
    page = next(f for f in files if f.suffix == ".html")
    sheet = next(f for f in files if f.suffix == ".csv")
    text = page.read_text()
    assert "Model answer" in text and "condition number" in text
    assert "correct" in text and "(no answer)" in text
    rows = list(csv.DictReader(sheet.open()))
    assert {r["student"] for r in rows} == set(graded_first["expected"])
    bad = sheet.with_name("bad") / sheet.name
    bad.parent.mkdir()
    bad.write_text("student,points,comment\ncorrect,7,too many\nnobody,1,\n")
    with pytest.raises(ValueError, match="outside 0..3"):
        import_manual(course, FIRST, [bad])
    for row in rows:
        row["points"] = row["points"] or "2"
        row["comment"] = "clear" if row["student"] == "correct" else ""
    with sheet.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "points", "comment"])
        writer.writeheader()
        writer.writerows(rows)
    counts = import_manual(course, FIRST, [sheet])
    assert counts == {sheet.stem: len(rows)}
    full, _ = export_grades(course, FIRST)
    exported = _read_csv(full)
    assert exported["correct"]["total"] == "12"
    assert {r["manual_grading"] for r in exported.values()} == {"complete"}


# --------------------------------------------------------------------------------------
# collect, release, the command line
# --------------------------------------------------------------------------------------


def test_collect_imports_files_and_folders_and_reports_the_rest(tmp_path):
    from svdcourse_grade.collect import collect

    released = ROOT / "labs" / FIRST / f"{FIRST}.ipynb"
    export = tmp_path / "export"
    (export / "bob_attempt").mkdir(parents=True)
    shutil.copy(released, export / f"ada_{FIRST}.ipynb")
    shutil.copy(released, export / "bob_attempt" / "my lab.ipynb")
    shutil.copy(released, export / f"cyd-12345-{FIRST} (1).ipynb")
    (export / "notes.txt").write_text("not a notebook")
    (export / "empty_folder").mkdir()
    course = make_course(tmp_path)
    report = collect(course, FIRST, export)
    assert sorted(report.imported) == ["ada", "bob", "cyd"]
    for student in report.imported:
        folder = course.root / "submitted" / student / FIRST
        assert (folder / f"{FIRST}.ipynb").is_file()
        assert (folder / "timestamp.txt").read_text().endswith("UTC")
    assert sorted(report.unmatched) == ["empty_folder/: no notebook inside",
                                        "notes.txt: not a notebook"]
    restricted = collect(make_course(tmp_path / "b"), FIRST, export, students={"ada"})
    assert sorted(restricted.imported) == ["ada"]
    assert any("no known student id" in line for line in restricted.unmatched)


def test_release_generates_the_student_version_and_a_zip(tmp_path):
    import zipfile

    import nbformat

    from svdcourse_grade.release import release

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "solutions" / FIRST, repo / "solutions" / FIRST)
    shutil.copy(ROOT / "nbgrader_config.py", repo / "nbgrader_config.py")
    course = Course(tmp_path / "course", repo)
    notebook, archive = release(course, FIRST)
    fresh = nbformat.read(notebook, as_version=4)
    committed = nbformat.read(ROOT / "labs" / FIRST / f"{FIRST}.ipynb", as_version=4)
    assert [c.source for c in fresh.cells] == [c.source for c in committed.cells]
    assert zipfile.ZipFile(archive).namelist() == [f"{FIRST}/{FIRST}.ipynb"]
    assert not list((tmp_path / "course").glob("*.db")), "release must not need a gradebook"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = Path(sys.executable).parent / "svdcourse-grade"
    if not command.exists():
        skip_or_fail("svdcourse-grade is not installed (pip install -e ./instructor)")
    return subprocess.run([str(command), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ))


def test_command_line_grades_a_small_class_end_to_end(tmp_path):
    course = make_course(tmp_path)
    course.prepare(FIRST)
    build_class(FIRST, course.source_notebook(FIRST), course.released_notebook(FIRST),
                course.root / "submitted", ["correct", "blank", "invalid_json"])
    common = ["--repo", str(ROOT), "--course-dir", str(course.root)]
    result = run_cli(*common, "autograde", FIRST, "--jobs", "2", "--cell-timeout", "10",
                     "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "invalid notebook" in result.stdout and "10/13" in result.stdout
    assert "3 submissions" in result.stdout
    for step, needed in (("export", "grades:"), ("report", "failure rate"),
                         ("feedback", "2 feedback pages"), ("manual-export", ".csv")):
        result = run_cli(*common, step, FIRST)
        assert result.returncode == 0, f"{step}: {result.stderr[-3000:]}"
        assert needed in result.stdout, f"{step}: {result.stdout}"
    result = run_cli(*common, "autograde", "lab99_nothing")
    assert result.returncode != 0 and "no lab 'lab99_nothing'" in result.stderr


def test_import_svdcourse_does_not_import_nbgrader():
    code = ("import sys, svdcourse, svdcourse.checks, svdcourse_grade; "
            "assert 'nbgrader' not in sys.modules, 'nbgrader imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------------------
# the gradebook on PostgreSQL: a throwaway local server
# --------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of its own (Debian's ``postgresql``), in a temporary folder.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user
    (``runuser``). Skipped (failed under CI) when the package or psycopg2 is missing.
    """
    import tempfile

    initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdb:
        skip_or_fail("Debian package 'postgresql' is not installed (make test installs it as root)")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        skip_or_fail("psycopg2 is not installed (pip install -e ./instructor)")
    bin_dir = initdb[-1].parent
    as_root = os.geteuid() == 0
    if as_root and not shutil.which("runuser"):
        skip_or_fail("running as root without runuser: cannot start PostgreSQL as 'postgres'")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="svdcourse-pg-"))
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    data, port = folder / "data", _free_port()

    def run(*args):
        result = subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            pytest.fail(f"{args[0]} failed: {result.stdout}\n{result.stderr}")

    run(bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "grader", "--no-sync", "-E", "UTF8")
    run(bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "grader", "grades")
        yield f"postgresql://grader@127.0.0.1:{port}/grades"
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
def test_postgresql_gradebook(postgres_url, tmp_path):
    course = make_course(tmp_path, db_url=postgres_url)
    graded = grade_class(course, FIRST, ["correct", "blank", "wrong_first", "invalid_json",
                                         "duplicated_cells", "transformer_exploit"])
    problems = check_class(graded)
    assert not problems, "\n".join(problems)
    assert not list(course.root.glob("*.db")), "a SQLite file was written despite --db"
    from svdcourse_grade.export import export_grades

    rows = _read_csv(export_grades(course, FIRST)[0])
    assert rows["correct"]["total"] == "10" and rows["invalid_json"]["status"] == "invalid notebook"


# --------------------------------------------------------------------------------------
# the sandbox: required, unless the instructor opts out (with a recorded warning)
# --------------------------------------------------------------------------------------


def test_autograde_refuses_without_bubblewrap_and_names_the_package(tmp_path, monkeypatch):
    import svdcourse_grade.autograde as autograde_module

    monkeypatch.setattr(autograde_module, "bwrap_path", lambda: None)
    with pytest.raises(SystemExit, match="Debian package 'bubblewrap'.*--no-sandbox"):
        autograde(make_course(tmp_path), FIRST, progress=False)


def test_no_sandbox_grades_the_same_and_records_a_warning(tmp_path, capsys):
    from svdcourse_grade.sandbox import Limits

    course = make_course(tmp_path)
    course.prepare(FIRST)
    build_class(FIRST, course.source_notebook(FIRST), course.released_notebook(FIRST),
                course.root / "submitted", ["correct", "blank"])
    records = autograde(course, FIRST, jobs=JOBS, cell_timeout=OTHER_CELL_TIMEOUT,
                        notebook_timeout=NOTEBOOK_TIMEOUT, progress=False,
                        limits=Limits(sandbox=False))
    assert "WARNING: --no-sandbox" in capsys.readouterr().err
    assert {s: sum(c["score"] for c in r["cells"].values() if not c["manual"])
            for s, r in records.items()} == {"correct": 10, "blank": 0}
    stored = json.loads(course.results_path(FIRST).read_text())
    assert {r["sandbox"] for r in stored["students"].values()} == {"none"}
    assert "without isolation" in stored["runs"][-1]["warning"]
    from svdcourse_grade.report import build_report

    report = build_report(course, FIRST)
    assert report["summary"]["unsandboxed"] == ["blank", "correct"]
    text = report["markdown"].read_text()
    assert "2 submissions were graded without the sandbox" in text
    assert "without the sandbox" in report["html"].read_text()
