"""The course directory: where grading happens, outside the committed tree.

A course directory (``grading/`` in the repository by default, which ``.gitignore``
ignores) holds what nbgrader needs and what must never be committed::

    grading/
      nbgrader_config.py          written by the tool: formgrader and nbgrader commands work here
      gradebook.db                the gradebook (unless --db gives another URL)
      release/<lab>/              the student version nbgrader generates while recording the lab
      submitted/<student>/<lab>/  what `svdcourse-grade collect` imported
      autograded/<student>/<lab>/ the graded notebooks
      feedback/<student>/<lab>/   the HTML feedback
      results/<lab>.json          status, reasons and flags of every submission
      reports/, exports/, manual/ what the other subcommands write

Its nbgrader *source* is the repository's ``solutions/`` (an absolute path), so the hidden
tests are read from where they are maintained and never copied by hand.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Course", "find_repository", "sqlite_url", "with_driver", "lab_ids"]

COURSE_ID = "svd-intuitions"


def find_repository(start: str | os.PathLike | None = None) -> Path:
    """The course repository: the nearest folder holding ``solutions/`` and ``nbgrader_config.py``.

    Parameters
    ----------
    start : path, optional
        Where to start looking (default: the current directory); parents are searched too.

    Returns
    -------
    Path

    Raises
    ------
    FileNotFoundError
        When no parent folder looks like the course repository.

    Examples
    --------
    >>> root = find_repository(Path(__file__))
    >>> (root / "solutions").is_dir()
    True
    """
    here = Path(start or os.getcwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "solutions").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder
    raise FileNotFoundError(
        f"no course repository found at or above {here}: expected a folder with solutions/ and "
        "nbgrader_config.py. Run the command inside the repository or pass --repo."
    )


def sqlite_url(path: str | os.PathLike) -> str:
    """The SQLAlchemy URL of a SQLite gradebook file.

    Examples
    --------
    >>> sqlite_url("/tmp/course/gradebook.db")
    'sqlite:////tmp/course/gradebook.db'
    """
    return f"sqlite:///{Path(path).resolve()}"


def with_driver(url: str) -> str:
    """A PostgreSQL URL with the driver that is installed spelled out.

    SQLAlchemy picks a default driver for ``postgresql://`` (psycopg2 before 2.1, psycopg 3
    from 2.1 on); name the one that is importable so either works.

    Examples
    --------
    >>> with_driver("sqlite:///grades.db")
    'sqlite:///grades.db'
    >>> with_driver("postgresql+psycopg://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    import importlib.util

    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            for driver in ("psycopg2", "psycopg"):
                if importlib.util.find_spec(driver) is not None:
                    return f"postgresql+{driver}://" + url[len(scheme):]
    return url


def lab_ids(solutions: Path) -> list[str]:
    """The labs in a ``solutions/`` folder (``<lab>/<lab>.ipynb``), in course order."""
    return sorted(p.name for p in solutions.iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Course:
    """A grading course directory tied to the repository whose ``solutions/`` it grades.

    Parameters
    ----------
    root : path
        The course directory (created when missing).
    repo : path
        The repository (it holds ``solutions/``, ``labs/`` and ``nbgrader_config.py``).
    db_url : str, optional
        The gradebook's SQLAlchemy URL; default ``sqlite:///<root>/gradebook.db``. A
        PostgreSQL URL (``postgresql://user@host:port/db``) needs ``psycopg2``.

    Examples
    --------
    >>> import tempfile
    >>> course = Course(tempfile.mkdtemp(), find_repository(Path(__file__)))
    >>> course.db_url.startswith("sqlite:///") and course.db_url.endswith("gradebook.db")
    True
    >>> course.notebook_path("submitted", "ada", "lab01_rotations").parts[-3:]
    ('ada', 'lab01_rotations', 'lab01_rotations.ipynb')
    """

    root: Path
    repo: Path
    db_url: str = ""
    course_id: str = COURSE_ID
    _prepared: set = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.repo = Path(self.repo).resolve()
        if not self.db_url:
            self.db_url = sqlite_url(self.root / "gradebook.db")
        self.db_url = with_driver(self.db_url)

    # ----------------------------------------------------------------------- paths
    @property
    def solutions(self) -> Path:
        """The nbgrader source: the repository's ``solutions/``."""
        return self.repo / "solutions"

    def labs(self) -> list[str]:
        """The lab ids found in ``solutions/``."""
        return lab_ids(self.solutions)

    def source_notebook(self, lab: str) -> Path:
        return self.solutions / lab / f"{lab}.ipynb"

    def released_notebook(self, lab: str) -> Path:
        """The student version generated in the course directory while recording the lab."""
        return self.root / "release" / lab / f"{lab}.ipynb"

    def notebook_path(self, step: str, student: str, lab: str) -> Path:
        """``<root>/<step>/<student>/<lab>/<lab>.ipynb`` (step: submitted, autograded, ...)."""
        return self.root / step / student / lab / f"{lab}.ipynb"

    def results_path(self, lab: str) -> Path:
        return self.root / "results" / f"{lab}.json"

    def students(self, lab: str) -> list[str]:
        """Students with a submission folder for ``lab`` (``submitted/<student>/<lab>/``)."""
        submitted = self.root / "submitted"
        if not submitted.is_dir():
            return []
        return sorted(p.name for p in submitted.iterdir() if (p / lab).is_dir())

    def check_lab(self, lab: str) -> None:
        """Raise a plain-words error when ``lab`` is not in ``solutions/``."""
        if not self.source_notebook(lab).is_file():
            known = ", ".join(self.labs()) or "none"
            raise SystemExit(f"no lab '{lab}' in {self.solutions} (labs found: {known})")

    # ----------------------------------------------------------------------- nbgrader
    def config(self):
        """The nbgrader configuration: the repository's, pointed at this course directory."""
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        config = Config()
        repo_config = self.repo / "nbgrader_config.py"
        if repo_config.is_file():
            config.merge(PyFileConfigLoader(repo_config.name, path=str(self.repo)).load_config())
        config.CourseDirectory.root = str(self.root)
        config.CourseDirectory.course_id = self.course_id
        config.CourseDirectory.source_directory = str(self.solutions)
        config.CourseDirectory.release_directory = "release"
        config.CourseDirectory.db_url = self.db_url
        config.GenerateAssignment.no_database = False
        config.SaveCells.enabled = True
        return config

    def coursedir(self, **attrs):
        """An nbgrader ``CourseDirectory`` for this course (``attrs`` set e.g. assignment_id)."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config())
        for name, value in attrs.items():
            setattr(coursedir, name, value)
        return coursedir

    def write_nbgrader_config(self) -> Path:
        """Write ``<root>/nbgrader_config.py`` so plain nbgrader (and the formgrader) work here."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "nbgrader_config.py"
        text = (
            '"""Written by svdcourse-grade: the course directory of the SVD course."""\n'
            "c = get_config()  # noqa: F821\n"
            "# the repository's settings first (stubs, hidden-test markers), then this directory's\n"
            f"load_subconfig('nbgrader_config.py', path={str(self.repo)!r})  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            f"c.CourseDirectory.course_id = {self.course_id!r}\n"
            f"c.CourseDirectory.source_directory = {str(self.solutions)!r}\n"
            "c.CourseDirectory.release_directory = 'release'\n"
            f"c.CourseDirectory.db_url = {self.db_url!r}\n"
            "c.GenerateAssignment.no_database = False\n"
            "c.SaveCells.enabled = True\n"
        )
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
        return path

    def prepare(self, lab: str, force: bool = False) -> None:
        """Record ``lab`` in the gradebook (``nbgrader generate_assignment``, in-process).

        Done again only when the instructor version changed since the last time (or with
        ``force``); the student version it generates goes to ``<root>/release/<lab>/``.
        """
        self.check_lab(lab)
        if lab in self._prepared and not force:
            return
        self.write_nbgrader_config()
        stamp = self.root / "release" / lab / ".source-sha256"
        digest = _file_digest(self.source_notebook(lab))
        if not force and stamp.is_file() and stamp.read_text() == digest and self._in_gradebook(lab):
            self._prepared.add(lab)
            return
        from nbgrader.converters import GenerateAssignment

        coursedir = self.coursedir(assignment_id=lab)
        app = GenerateAssignment(coursedir=coursedir, config=self.config())
        app.force = True
        app.create_assignment = True
        app.log.setLevel("ERROR")
        _quiet_nbgrader()
        _put_interpreter_on_path()
        cwd = os.getcwd()
        try:
            app.start()
        except Exception as err:  # noqa: BLE001  (re-raised in plain words)
            raise RuntimeError(f"could not record {lab} in the gradebook: {err}") from err
        finally:
            os.chdir(cwd)
        stamp.write_text(digest)
        self._prepared.add(lab)

    def _in_gradebook(self, lab: str) -> bool:
        from nbgrader.api import Gradebook, MissingEntry

        try:
            with Gradebook(self.db_url, self.course_id) as gb:
                gb.find_assignment(lab)
            return True
        except MissingEntry:
            return False

    def gradebook(self):
        """An open nbgrader ``Gradebook`` (use it as a context manager)."""
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)


def _quiet_nbgrader() -> None:
    """Keep nbgrader's per-cell warnings (checksums, missing cells) off the terminal."""
    import logging

    for name in ("traitlets", "nbgrader", "GenerateAssignment", "Autograde"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _put_interpreter_on_path() -> None:
    """Let nbgrader find ``alembic``, which it runs by name to create a gradebook, even when
    the environment holding this package was not activated (``.venv/bin/svdcourse-grade``)."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [bin_dir, os.environ.get("PATH")]))
