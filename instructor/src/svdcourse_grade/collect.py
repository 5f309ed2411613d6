"""Import submissions as a learning platform exports them into nbgrader's layout.

Accepted: a folder, or a ``.zip`` file, with one notebook per student (the student id in the
file name, e.g. ``ada_lab01_rotations.ipynb`` or ``ada-12345-lab01.ipynb``), or one folder per
student (``ada/lab01_rotations.ipynb``, or any single notebook in it). Each is copied to
``submitted/<student>/<lab>/<lab>.ipynb`` with ``timestamp.txt`` (the file's modification
time, which nbgrader uses for late penalties). Files that match no student, non-notebook
files and second notebooks of a student are reported, never guessed at silently.

Nothing outside the export is ever read. Refused, each with its reason:

- symbolic links anywhere (a file, a student's folder, an entry of the zip), never followed;
- special files (FIFOs, sockets, devices) and hard links (a file with other names on disk);
- zip entries with an absolute path or ``..``, encrypted or duplicated entries;
- anything whose real path lies outside the folder given;
- notebooks larger than ``max_bytes`` (default 20 MiB), checked while reading, so a zip
  entry that lies about its size is caught too; a student id that is not a plain name.

Every run is recorded in ``<course>/collect/<lab>.json`` (what was imported, unmatched and
rejected); the command prints the same lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from .course import Course

__all__ = ["collect", "DEFAULT_PATTERN", "CollectReport", "MAX_NOTEBOOK_BYTES"]

#: default student id: the start of the name, up to the first "_", "-", space or "."
DEFAULT_PATTERN = r"^(?P<student>[A-Za-z0-9]+)"
#: a student id must be a plain folder name
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}")
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_ENTRIES = 100_000


@dataclass
class CollectReport:
    """What :func:`collect` did.

    ``unmatched`` lists every entry that was not imported, with the reason; ``rejected`` is
    the part of it refused for safety (links, special files, paths leaving the export, sizes).
    """

    imported: dict[str, str] = field(default_factory=dict)  # student -> source file
    unmatched: list[str] = field(default_factory=list)  # with the reason
    rejected: list[str] = field(default_factory=list)  # with the reason

    def reject(self, name: str, why: str) -> None:
        line = f"{name}: rejected: {why}"
        self.rejected.append(line)
        self.unmatched.append(line)


class _Refused(Exception):
    """An entry that must not be imported (the message says why)."""


@dataclass
class _Entry:
    """A regular file or folder of the export, by its path inside the export."""

    path: PurePosixPath
    is_dir: bool
    mtime: float = 0.0
    read: Callable[[int], bytes] | None = None  # read at most the limit, or refuse


def _size(limit: int) -> str:
    """A size limit in words.

    Examples
    --------
    >>> _size(20 * 2**20), _size(500)
    ('20 MiB', '500 bytes')
    """
    return f"{limit / 2**20:.3g} MiB" if limit >= 2**20 else f"{limit} bytes"


def _describe(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _read_file(path: Path, expected: os.stat_result) -> Callable[[int], bytes]:
    def read(limit: int) -> bytes:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError as err:
            raise _Refused(f"cannot be opened without following a link ({err.strerror})")
        with os.fdopen(fd, "rb") as handle:
            now = os.fstat(handle.fileno())
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (
                    expected.st_dev, expected.st_ino):
                raise _Refused("changed while it was being read")
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _Refused(f"larger than {_size(limit)}")
        return data

    return read


def _folder_entries(root: Path, report: CollectReport) -> list[_Entry]:
    """Regular files and folders under ``root``, links and special files refused."""
    entries: list[_Entry] = []
    pending = [(root, PurePosixPath())]
    while pending:
        folder, rel = pending.pop()
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda e: e.name)
        for child in children:
            name = rel / child.name
            if child.name.startswith(".") or child.name == "__MACOSX":
                continue  # hidden files and macOS metadata are never imported
            if len(entries) >= MAX_ENTRIES:
                report.reject(str(name), f"more than {MAX_ENTRIES} files in the export")
                return entries
            info = os.lstat(child.path)
            if stat.S_ISLNK(info.st_mode):
                report.reject(f"{name}", f"a symbolic link (to {os.readlink(child.path)}), "
                                         "never followed")
                continue
            real = Path(os.path.realpath(child.path))
            if real != root and root not in real.parents:
                report.reject(str(name), f"resolves outside {root}")
                continue
            if stat.S_ISDIR(info.st_mode):
                entries.append(_Entry(name, True))
                pending.append((Path(child.path), name))
            elif not stat.S_ISREG(info.st_mode):
                report.reject(str(name), _describe(info.st_mode))
            elif info.st_nlink > 1:
                report.reject(str(name), "a hard link (the file has other names on disk); "
                                         "copy the file if it is genuine")
            else:
                entries.append(_Entry(name, False, info.st_mtime,
                                      _read_file(Path(child.path), info)))
    return entries


def _zip_entries(archive: zipfile.ZipFile, report: CollectReport) -> list[_Entry]:
    """The entries of a zip export, those that could escape it or are not files refused."""
    entries: list[_Entry] = []
    seen: set[PurePosixPath] = set()
    for number, info in enumerate(archive.infolist()):
        name = info.filename
        if number >= MAX_ENTRIES:
            report.reject(name, f"more than {MAX_ENTRIES} entries in the zip")
            break
        unix = name.replace("\\", "/")
        parts = [p for p in unix.split("/") if p not in ("", ".")]
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if unix.startswith("/") or re.match(r"[A-Za-z]:", unix) or "\x00" in unix:
            why = "an absolute path"
        elif ".." in parts:
            why = "a path with '..' that leaves the export"
        elif stat.S_ISLNK(mode):
            why = "a symbolic link stored in the zip, never followed"
        elif stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            why = _describe(mode) + " stored in the zip"
        elif info.flag_bits & 0x1:
            why = "encrypted"
        elif PurePosixPath(*parts) in seen:
            why = "a second entry with the same path"
        else:
            why = ""
        if why:
            report.reject(name, why)
            continue
        if not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        path = PurePosixPath(*parts)
        seen.add(path)
        if info.is_dir():
            entries.append(_Entry(path, True))
            continue
        for depth in range(1, len(parts)):  # folders implied by the file's path
            folder = PurePosixPath(*parts[:depth])
            if folder not in seen:
                seen.add(folder)
                entries.append(_Entry(folder, True))

        def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
            if info.file_size > limit:
                raise _Refused(f"larger than {_size(limit)}")
            with archive.open(info) as handle:
                data = handle.read(limit + 1)
            if len(data) > limit:
                raise _Refused(f"larger than {_size(limit)} (the zip understated it)")
            return data

        mtime = dt.datetime(*info.date_time).timestamp()
        entries.append(_Entry(path, False, mtime, read))
    return entries


def _student(name: str, pattern: re.Pattern) -> str | None:
    match = pattern.search(name)
    return match.group("student") if match else None


def collect(course: Course, lab: str, folder: str | Path, pattern: str = DEFAULT_PATTERN,
            students: set[str] | None = None,
            max_bytes: int = MAX_NOTEBOOK_BYTES) -> CollectReport:
    """Import the submissions of ``lab`` found in ``folder`` (a folder or a ``.zip``).

    Parameters
    ----------
    course : Course
    lab : str
    folder : path
        The platform's export: a folder, or the zip file itself.
    pattern : str
        A regular expression with a group ``student`` applied to each file or folder name.
    students : set of str, optional
        The class list: names that give another id are reported as unmatched.
    max_bytes : int
        The largest notebook accepted.

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
    >>> (export / "bob_lab01_rotations.ipynb").symlink_to(tmp / "elsewhere.ipynb")
    >>> report = collect(Course(tmp / "course", find_repository(Path(__file__))),
    ...                  "lab01_rotations", export)
    >>> sorted(report.imported), report.unmatched[-1]
    (['ada'], 'readme.txt: not a notebook')
    >>> report.rejected[0].split(" (to")[0]
    'bob_lab01_rotations.ipynb: rejected: a symbolic link'
    """
    course.check_lab(lab)
    source = Path(folder)
    regex = re.compile(pattern)
    if "student" not in regex.groupindex:
        raise SystemExit(f"the pattern {pattern!r} needs a group named 'student'")
    report = CollectReport()
    if source.is_dir():
        _match(course, lab, _folder_entries(source.resolve(), report), regex, students,
               max_bytes, report)
    elif source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            _match(course, lab, _zip_entries(archive, report), regex, students, max_bytes,
                   report)
    else:
        raise SystemExit(f"no folder or zip file {folder} to collect from")
    _record(course, lab, source, report)
    return report


def _match(course: Course, lab: str, entries: list[_Entry], regex: re.Pattern,
           students: set[str] | None, max_bytes: int, report: CollectReport) -> None:
    """Find each student's notebook among ``entries`` and import it."""
    tops: dict[str, list[_Entry]] = {}
    for entry in entries:
        tops.setdefault(entry.path.parts[0], []).append(entry)
    found: dict[str, list[_Entry]] = {}
    for top, group in sorted(tops.items()):
        is_folder = any(e.is_dir or len(e.path.parts) > 1 for e in group)
        if is_folder:
            notebooks = sorted((e for e in group if not e.is_dir and e.path.suffix == ".ipynb"
                                and ".ipynb_checkpoints" not in e.path.parts),
                               key=lambda e: e.path)
            if not notebooks:
                report.unmatched.append(f"{top}/: no notebook inside")
                continue
            named = [e for e in notebooks if e.path.name == f"{lab}.ipynb"]
            if len(notebooks) > 1 and len(named) != 1:
                report.unmatched.append(f"{top}/: {len(notebooks)} notebooks, none "
                                        f"named {lab}.ipynb")
                continue
            candidates = named or notebooks
        elif group[0].path.suffix == ".ipynb":
            candidates = group
        else:
            report.unmatched.append(f"{top}: not a notebook")
            continue
        student = _student(top, regex)
        if student is None or (students is not None and student not in students):
            report.unmatched.append(f"{top}: no known student id in the name")
            continue
        if not STUDENT_ID.fullmatch(student):
            report.reject(top, f"the student id {student!r} is not a plain name")
            continue
        found.setdefault(student, []).extend(candidates)
    for student, files in sorted(found.items()):
        files = sorted(files, key=lambda e: e.mtime, reverse=True)
        newest, data = None, b""
        for entry in files:
            try:
                data = entry.read(max_bytes)
            except _Refused as err:
                report.reject(str(entry.path), str(err))
                continue
            newest = entry
            break
        if newest is None:
            continue
        for other in files[files.index(newest) + 1:]:
            report.unmatched.append(f"{other.path}: another notebook of {student}; "
                                    f"kept the newest, {newest.path.name}")
        _store(course, lab, student, data, newest.mtime)
        report.imported[student] = str(newest.path)


def _store(course: Course, lab: str, student: str, data: bytes, mtime: float) -> None:
    dest = course.root / "submitted" / student / lab
    if dest.is_symlink():
        dest.unlink()
    elif dest.exists():
        import shutil

        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    notebook = dest / f"{lab}.ipynb"
    notebook.write_bytes(data)
    os.utime(notebook, (mtime, mtime))
    stamp = dt.datetime.fromtimestamp(mtime, tz=dt.timezone.utc)
    (dest / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def _record(course: Course, lab: str, source: Path, report: CollectReport) -> None:
    """Keep what this run did in ``<course>/collect/<lab>.json`` (one record per run)."""
    log = course.root / "collect" / f"{lab}.json"
    log.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(log.read_text()) if log.is_file() else []
    runs.append({"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "source": str(source.resolve()), **asdict(report)})
    log.write_text(json.dumps(runs, indent=1))
